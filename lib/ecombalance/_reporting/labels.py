"""Human labels and number formats for headline numbers, wherever the report shows them.

A headline key is ``"<metric>"`` or ``"<method>/<metric>"``; :func:`label` turns it into words
(``none+logreg/macro_f1_ci_low`` -> "none+logreg — macro-F1, 95 % interval low"), :func:`number`
prints a value (floats to 3 decimals, integers with thousands separators). The notebooks' Markdown
table (:func:`ecombalance._reporting.headline.record`), the index's tables and its summary use both. The words are
English data marked for the catalogue (``N_``) and shown in the current language (:mod:`ecombalance.i18n`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from ecombalance.i18n import get_language
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_

# whole metric names, longest first when matched as the end of a key
METRICS = {
    "macro_f1": N_("macro-F1"),
    "micro_f1": N_("micro-F1"),
    "weighted_f1": N_("weighted F1"),
    "balanced_accuracy": N_("balanced accuracy"),
    "accuracy": N_("accuracy"),
    "recall": N_("recall"),
    "precision": N_("precision"),
    "recall_smallest": N_("recall of the smallest class"),
    "recall_largest": N_("recall of the largest class"),
    "precision_smallest": N_("precision of the smallest class"),
    "imbalance_ratio": N_("imbalance ratio (largest : smallest class)"),
    "majority_share": N_("share of the largest class"),
    "minority_share": N_("share of the smallest class"),
    "g_mean": N_("geometric mean of recalls (G-mean)"),
    "classwise_ece": N_("class-wise expected calibration error (mean over classes)"),
    "ece": N_("expected calibration error (ECE)"),
    "auc": N_("ROC AUC"),
    "roc_auc": N_("ROC AUC"),
    "pr_auc": N_("PR AUC (average precision)"),
    "average_precision": N_("average precision"),
    "log_loss": N_("log-loss"),
    "brier": N_("Brier score"),
    "p_value": N_("p-value"),
    "seconds": N_("time (s)"),
    "rows": N_("rows"),
    "n_classes": N_("number of classes"),
    "loss": N_("loss"),
    "method": N_("method"),
    "against": N_("compared with"),
    "cv_repeats": N_("cross-validation repeats (r)"),
    "cv_folds": N_("cross-validation folds (k)"),
    "verdict_test": N_("test behind every verdict"),
    "smallest_detectable_difference": N_("smallest difference the design detects"),
    "detectable": N_("smallest difference the test could call real"),
    "se": N_("standard error of the mean fold difference"),
    "best_is_distinguishable": N_("a balancing method distinguishably better than its plain model"),
    "best_against": N_("the plain model the best method is compared with"),
    "best_difference": N_("the best method's difference to its plain model"),
    "capacity_difference": N_("largest difference between plain models (model choice)"),
    # the method with the highest mean macro-F1 (notebooks 03 and 04): "top", never called best
    "top_macro_f1": N_("highest mean macro-F1"),
    "top_balanced_accuracy": N_("balanced accuracy of the top-scoring method (highest macro-F1)"),
    "top_ece": N_("ECE of the top-scoring method (highest macro-F1)"),
    "top_classwise_ece": N_("class-wise ECE of the top-scoring method (highest macro-F1)"),
    "top_loss": N_("loss with the highest mean macro-F1"),
    # notebook 06's decision at the stated cost (chapters.rule_study)
    "decision_rule_model": N_("plain model of the decision rules"),
    "argmax_rule_cost": N_("mean cost per item, plain model with the arg-max"),
    "bayes_rule_cost": N_("mean cost per item, plain model with the Bayes rule on calibrated probabilities"),
    "tuned_rule_cost": N_("mean cost per item, plain model with per-class weights tuned in nested folds"),
    "tuned_minus_bayes_cost": N_("tuned weights minus the Bayes rule, mean cost per item"),
    "tuned_vs_bayes_distinguishable": N_("tuned weights and the Bayes rule distinguishable (the one test)"),
    "rebalanced_vs_decision_rule": N_("re-balanced training cheaper than the decision rule (the one test)"),
    "cheapest_rebalanced": N_("re-balancing method with the lowest mean cost (its own rule)"),
    "cheapest_rebalanced_cost": N_("mean cost per item of the cheapest re-balancing method"),
    "cheapest_rebalanced_difference": N_("cheapest re-balancing method minus the plain model's Bayes rule, mean cost"),
    # notebook 07's decision on a click probability
    "profit_threshold": N_("profit threshold tuned on half the log"),
    "profit_threshold_closed_form": N_("closed-form profit threshold C / (V + C)"),
    "profit_per_1000_tuned": N_("profit per 1,000 rows, tuned threshold (other half)"),
    "profit_per_1000_closed_form": N_("profit per 1,000 rows, closed-form threshold (other half)"),
    "profit_per_1000_everyone": N_("profit per 1,000 rows, acting on every row (other half)"),
    "profit_tuned_minus_closed_form": N_("profit per 1,000 rows, tuned minus closed-form threshold (other half)"),
    "profit_raw_at_closed_form": N_("profit per 1,000 rows at the closed-form threshold, raw probabilities"),
    "profit_recalibrated_at_closed_form": N_("profit per 1,000 rows at the closed-form threshold, recalibrated "
                                             "probabilities"),
    "shown_raw_at_closed_form": N_("items shown per 1,000 rows at the closed-form threshold, raw probabilities"),
    "shown_recalibrated_at_closed_form": N_("items shown per 1,000 rows at the closed-form threshold, "
                                            "recalibrated probabilities"),
}
# qualifiers at the end of a key, after the metric
QUALIFIERS = {
    "_ci_low": N_("95 % interval low"),
    "_ci_high": N_("95 % interval high"),
    "_difference": N_("difference to the method it is compared with"),
    "_bootstrap_real": N_("difference distinguishable (paired bootstrap of one held-out split, not the one test)"),
    "_real": N_("difference distinguishable (the one test)"),
    "_p_value": N_("p-value"),
    "_sd": N_("standard deviation over folds"),
    "_std": N_("standard deviation over folds"),
}
# words of the context before the metric
WORDS = {
    "plain": N_("plain model,"),
    "weighted": N_("class-weighted model,"),
    "majority": N_("majority predictor,"),
    "ce": N_("cross-entropy,"),
    "cpu": "CPU",
    "cuda": "CUDA",
    "gpu": "GPU",
    "bf16": "bfloat16",
    "ctr": "CTR",
    "f1": "F1",
    "auc": "AUC",
    "ece": "ECE",
    "argmax": N_("arg-max"),
    "bayes": N_("Bayes"),
}

# whole names and contexts read as one phrase (in English exactly as word by word; in Chinese as one phrase)
PHRASES = {
    "documented_case": N_("documented case"),
    "search_log": N_("search log"),
    "estimated_prior": N_("estimated prior"),
    "true_prior": N_("true prior"),
    "finetuned_minus_frozen": N_("finetuned minus frozen"),
    "finetuned_balanced": N_("finetuned balanced"),
    "finetuned": N_("finetuned"),
    "frozen_lr": N_("frozen lr"),
    "frozen_smote": N_("frozen smote"),
    "minority_only": N_("minority only"),
    "boosted": N_("boosted"),
    "ensembles": N_("ensembles"),
    "chosen": N_("chosen"),
    "compared": N_("compared"),
    "table": N_("table"),
    "click_rate": N_("click rate"),
    "columns_left_out": N_("columns left out"),
    "columns_removed": N_("columns removed"),
    "cost_ratio": N_("cost ratio"),
    "cpu_bf16_supported": N_("CPU bfloat16 supported"),
    "cuda_available": N_("CUDA available"),
    "cuda_bf16_supported": N_("CUDA bfloat16 supported"),
    "ece_raw": N_("ECE raw"),
    "ece_recalibrated": N_("ECE recalibrated"),
    "engine": N_("engine"),
    "estimated_prior_draws": N_("estimated prior draws"),
    "estimated_prior_max_error": N_("estimated prior max error"),
    "estimated_prior_max_error_max": N_("estimated prior max error max"),
    "estimated_prior_ece_estimated": N_("estimated prior ECE estimated"),
    "estimated_prior_ece_in_sample": N_("estimated prior ECE in sample"),
    "estimated_prior_ece_known": N_("estimated prior ECE known"),
    "estimated_prior_ece_raw": N_("estimated prior ECE raw"),
    "features": N_("features"),
    "focus_class": N_("focus class"),
    "fused_features": N_("fused features"),
    "grouping_inflation": N_("grouping inflation"),
    "grouping_table": N_("grouping table"),
    "identifier_columns": N_("identifier columns"),
    "int8_macro_f1_change": N_("int8 macro-F1 change"),
    "int8_size_ratio": N_("int8 size ratio"),
    "leakage_inflation": N_("leakage inflation"),
    "leaking_columns": N_("leaking columns"),
    "log_loss_raw": N_("log loss raw"),
    "log_loss_recalibrated": N_("log loss recalibrated"),
    "macro_f1_text_analyzer": N_("macro-F1 text analyzer"),
    "macro_f1_word_tokens": N_("macro-F1 word tokens"),
    "methods_fitted": N_("methods fitted"),
    "methods_not_run": N_("methods not run"),
    "missing_packages": N_("missing packages"),
    "mixed_precision_macro_f1_change": N_("mixed precision macro-F1 change"),
    "mixed_precision_speedup": N_("mixed precision speedup"),
    "model_loads_offline": N_("model loads offline"),
    "precision_focus_argmax": N_("precision focus arg-max"),
    "precision_focus_cost": N_("precision focus cost"),
    "recall_focus_argmax": N_("recall focus arg-max"),
    "recall_focus_cost": N_("recall focus cost"),
    "rows_in": N_("rows in"),
    "rows_out": N_("rows out"),
    "rows_removed": N_("rows removed"),
    "samplers_compared": N_("samplers compared"),
    "smallest_rate": N_("smallest rate"),
    "smote_example_lambda": N_("smote example lambda"),
    "smote_example_point": N_("smote example point"),
    "test_only_terms_leaked": N_("test only terms leaked"),
    "text_analyzer": N_("text analyzer"),
    "top_model": N_("top model"),
    "top_sampler": N_("top sampler"),
    "torch_threads": N_("torch threads"),
    "train_rows_full": N_("train rows full"),
    "train_rows_smallest": N_("train rows smallest"),
    "expected_cost_cost": N_("expected cost cost"),
}


def _joined(*parts: str) -> str:
    """Words joined by spaces; in Chinese no space after a full-width comma."""
    return " ".join(p for p in parts if p).replace("， ", "，")


def _words(text: str, context: bool = False) -> str:
    """Underscored words in plain words; a context (before a metric) keeps its closing comma."""
    if text in PHRASES:
        words = _(PHRASES[text])
    else:
        words = _joined(*(_(WORDS[word]) if word in WORDS else word for word in text.split("_") if word))
    words = words.replace("macro F1", "macro-F1")
    return words if context else words.rstrip(",，")


def _metric(name: str) -> str:
    """A metric name (no method) in words."""
    if name in METRICS:  # a whole name first: smallest_detectable_difference is no "difference" qualifier
        return _(METRICS[name])
    for metric in sorted(METRICS, key=len, reverse=True):  # a whole name after a context, before any qualifier
        if name.endswith("_" + metric) and any(metric.endswith(q) for q in QUALIFIERS):
            return _joined(_words(name[: -len(metric)].rstrip('_'), context=True), _(METRICS[metric])).strip()
    qualifier = ""
    for suffix, words in QUALIFIERS.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, qualifier = name[: -len(suffix)], _(words)
            break
    for metric in sorted(METRICS, key=len, reverse=True):
        if name == metric or name.endswith("_" + metric):
            context = _words(name[: -len(metric)].rstrip("_"), context=True)
            text = _joined(context, _(METRICS[metric])).strip()
            break
    else:
        text = _words(name)
    return _("{metric}, {qualifier}").format(metric=text, qualifier=qualifier) if qualifier else text


def label(key: str) -> str:
    """A headline key in words: ``"<method>/<metric>"`` as "<method> — <metric in words>"; a class in brackets
    (``recall[home_kitchen]``) keeps its name: "recall of home_kitchen"."""
    method, sep, metric = str(key).rpartition("/")
    name = None
    if (bracket := re.fullmatch(r"(.+?)\[(.+)\]", metric)) is not None:
        metric, name = bracket.group(1), bracket.group(2)
    words = _metric(metric)
    if name is not None:
        words = _("{metric} of {name}").format(metric=words, name=name)
    return f"{method} — {words}" if sep and method else words


def number(value: Any, digits: int = 3) -> str:
    """A headline value as the report prints it: floats to ``digits`` decimals (an integral float as an
    integer), integers with thousands separators, bools as yes/no, None or NaN as "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value.is_integer() and abs(value) >= 1:
            return f"{int(value):,}"
        return f"{value:,.{digits}f}"
    return str(value)


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between them in English, none in Chinese (whose full stop "。" ends
    a sentence without one); empty parts left out."""
    return ("" if get_language() == "zh" else " ").join(p for p in parts if p)


def listing(items, separator: str = ", ") -> str:
    """Items of a list in a sentence: ``separator`` (", " or "; ") in English; in Chinese the enumeration comma
    "、" for ", " and "；" for "; "."""
    if get_language() == "zh":
        separator = {", ": "、", "; ": "；"}.get(separator, separator)
    return separator.join(items)
