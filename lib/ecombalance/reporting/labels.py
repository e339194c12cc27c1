"""Human labels and number formats for headline numbers, wherever the report shows them.

A headline key is ``"<metric>"`` or ``"<method>/<metric>"``; :func:`label` turns it into words
(``none+logreg/macro_f1_ci_low`` -> "none+logreg — macro-F1, 95 % interval low"), :func:`number`
prints a value (floats to 3 decimals, integers with thousands separators). The notebooks' Markdown
table (:func:`ecombalance.reporting.headline.record`), the index's tables and its summary use both.
"""

from __future__ import annotations

import math
import re
from typing import Any

# whole metric names, longest first when matched as the end of a key
METRICS = {
    "macro_f1": "macro-F1",
    "micro_f1": "micro-F1",
    "weighted_f1": "weighted F1",
    "balanced_accuracy": "balanced accuracy",
    "accuracy": "accuracy",
    "recall_smallest": "recall of the smallest class",
    "recall_largest": "recall of the largest class",
    "precision_smallest": "precision of the smallest class",
    "imbalance_ratio": "imbalance ratio (largest : smallest class)",
    "majority_share": "share of the largest class",
    "minority_share": "share of the smallest class",
    "g_mean": "geometric mean of recalls (G-mean)",
    "classwise_ece": "class-wise expected calibration error (mean over classes)",
    "ece": "expected calibration error (ECE)",
    "auc": "ROC AUC",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC (average precision)",
    "average_precision": "average precision",
    "log_loss": "log-loss",
    "brier": "Brier score",
    "p_value": "p-value",
    "seconds": "time (s)",
    "rows": "rows",
    "n_classes": "number of classes",
    "loss": "loss",
    "method": "method",
    "against": "compared with",
    "cv_repeats": "cross-validation repeats (r)",
    "cv_folds": "cross-validation folds (k)",
    "verdict_test": "test behind every verdict",
    "smallest_detectable_difference": "smallest difference the design detects",
    "detectable": "smallest difference the test could call real",
    "se": "standard error of the mean fold difference",
    "best_is_distinguishable": "a balancing method distinguishably better than its plain model",
    "best_against": "the plain model the best method is compared with",
    "best_difference": "the best method's difference to its plain model",
    "capacity_difference": "largest difference between plain models (model choice)",
    # the method with the highest mean macro-F1 (notebooks 03 and 04): "top", never called best
    "top_macro_f1": "highest mean macro-F1",
    "top_balanced_accuracy": "balanced accuracy of the top-scoring method (highest macro-F1)",
    "top_ece": "ECE of the top-scoring method (highest macro-F1)",
    "top_classwise_ece": "class-wise ECE of the top-scoring method (highest macro-F1)",
    "top_loss": "loss with the highest mean macro-F1",
    # notebook 06's decision at the stated cost (chapters.rule_study)
    "decision_rule_model": "plain model of the decision rules",
    "argmax_rule_cost": "mean cost per item, plain model with the arg-max",
    "bayes_rule_cost": "mean cost per item, plain model with the Bayes rule on calibrated probabilities",
    "tuned_rule_cost": "mean cost per item, plain model with per-class weights tuned in nested folds",
    "tuned_minus_bayes_cost": "tuned weights minus the Bayes rule, mean cost per item",
    "tuned_vs_bayes_distinguishable": "tuned weights and the Bayes rule distinguishable (the one test)",
    "rebalanced_vs_decision_rule": "re-balanced training cheaper than the decision rule (the one test)",
    "cheapest_rebalanced": "re-balancing method with the lowest mean cost (its own rule)",
    "cheapest_rebalanced_cost": "mean cost per item of the cheapest re-balancing method",
    "cheapest_rebalanced_difference": "cheapest re-balancing method minus the plain model's Bayes rule, mean cost",
    # notebook 07's decision on a click probability
    "profit_threshold": "profit threshold tuned on half the log",
    "profit_threshold_closed_form": "closed-form profit threshold C / (V + C)",
    "profit_per_1000_tuned": "profit per 1,000 rows, tuned threshold (other half)",
    "profit_per_1000_closed_form": "profit per 1,000 rows, closed-form threshold (other half)",
    "profit_per_1000_everyone": "profit per 1,000 rows, acting on every row (other half)",
    "profit_tuned_minus_closed_form": "profit per 1,000 rows, tuned minus closed-form threshold (other half)",
    "profit_raw_at_closed_form": "profit per 1,000 rows at the closed-form threshold, raw probabilities",
    "profit_recalibrated_at_closed_form": "profit per 1,000 rows at the closed-form threshold, recalibrated "
                                          "probabilities",
    "shown_raw_at_closed_form": "items shown per 1,000 rows at the closed-form threshold, raw probabilities",
    "shown_recalibrated_at_closed_form": "items shown per 1,000 rows at the closed-form threshold, recalibrated "
                                         "probabilities",
}
# qualifiers at the end of a key, after the metric
QUALIFIERS = {
    "_ci_low": "95 % interval low",
    "_ci_high": "95 % interval high",
    "_difference": "difference to the method it is compared with",
    "_real": "difference distinguishable (the one test)",
    "_p_value": "p-value",
    "_sd": "standard deviation over folds",
    "_std": "standard deviation over folds",
}
# words of the context before the metric
WORDS = {
    "plain": "plain model,",
    "weighted": "class-weighted model,",
    "majority": "majority predictor,",
    "ce": "cross-entropy,",
    "cpu": "CPU",
    "cuda": "CUDA",
    "gpu": "GPU",
    "bf16": "bfloat16",
    "ctr": "CTR",
    "f1": "F1",
    "auc": "AUC",
    "ece": "ECE",
    "argmax": "arg-max",
    "bayes": "Bayes",
}


def _words(text: str, context: bool = False) -> str:
    """Underscored words in plain words; a context (before a metric) keeps its closing comma."""
    words = " ".join(WORDS.get(word, word) for word in text.split("_") if word).replace("macro F1", "macro-F1")
    return words if context else words.rstrip(",")


def _metric(name: str) -> str:
    """A metric name (no method) in words."""
    if name in METRICS:  # a whole name first: smallest_detectable_difference is no "difference" qualifier
        return METRICS[name]
    for metric in sorted(METRICS, key=len, reverse=True):  # a whole name after a context, before any qualifier
        if name.endswith("_" + metric) and any(metric.endswith(q) for q in QUALIFIERS):
            return f"{_words(name[: -len(metric)].rstrip('_'), context=True)} {METRICS[metric]}".strip()
    qualifier = ""
    for suffix, words in QUALIFIERS.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, qualifier = name[: -len(suffix)], words
            break
    for metric in sorted(METRICS, key=len, reverse=True):
        if name == metric or name.endswith("_" + metric):
            context = _words(name[: -len(metric)].rstrip("_"), context=True)
            text = f"{context} {METRICS[metric]}".strip()
            break
    else:
        text = _words(name)
    return f"{text}, {qualifier}" if qualifier else text


def label(key: str) -> str:
    """A headline key in words: ``"<method>/<metric>"`` as "<method> — <metric in words>"; a class in brackets
    (``recall[home_kitchen]``) keeps its name: "recall of home_kitchen"."""
    method, sep, metric = str(key).rpartition("/")
    of = ""
    if (bracket := re.fullmatch(r"(.+?)\[(.+)\]", metric)) is not None:
        metric, of = bracket.group(1), f" of {bracket.group(2)}"
    words = _metric(metric) + of
    return f"{method} — {words}" if sep and method else words


def number(value: Any, digits: int = 3) -> str:
    """A headline value as the report prints it: floats to ``digits`` decimals (an integral float as an
    integer), integers with thousands separators, bools as yes/no, None or NaN as "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value.is_integer() and abs(value) >= 1:
            return f"{int(value):,}"
        return f"{value:,.{digits}f}"
    return str(value)
