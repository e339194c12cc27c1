"""The one rule for "best", shared by the chapters and the front door: a method is named best only when its
paired difference to the baseline is distinguishable after Holm's correction (:func:`best_method`), on a
method-versus-baseline table from pooled out-of-fold predictions (:func:`compare_predictions`, or
:func:`ecombalance.evaluation.stats.compare_to_baseline` for an experiment) or from paired fold scores alone
(:func:`compare_fold_scores`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ecombalance.evaluation.metrics import LOWER_IS_BETTER, encode_labels, metric_value
from ecombalance.evaluation.stats import corrected_resampled_ttest, holm, p_value_text, paired_bootstrap


def _verdicts(rows: list[dict], p_column: str, metric: str, alpha: float) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    table["p_value"] = holm(table[p_column])
    table["real_difference"] = table["p_value"] < alpha
    sign = -1 if metric in LOWER_IS_BETTER else 1
    table["improved"] = table["real_difference"] & (sign * table["difference"] > 0)
    return table


def compare_predictions(y_true: Any, predictions: Mapping[str, Any], baseline: str, metric: str = "macro_f1",
                        classes: Sequence | None = None, groups: Any = None, n_resamples: int = 1000,
                        seed: int = 0, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`ecombalance.evaluation.stats.compare_to_baseline` for pooled out-of-fold predictions without an
    :class:`ExperimentResult`: per method the paired bootstrap of ``metric(method) - metric(baseline)`` on the
    same rows (whole ``groups`` when given), Holm-corrected over the methods.

    ``predictions`` maps each method (the baseline included) to its labels (1-D) or its probabilities
    (2-D, columns in the order of ``classes``; the decision is their arg-max). Returns compare_to_baseline's
    columns (``ttest_p`` NaN; ``difference`` = ``pooled_difference``; ``baseline_mean`` / ``method_mean`` the
    metric on all rows), for :func:`best_method`.
    """
    if baseline not in predictions:
        raise ValueError(f"baseline {baseline!r} is not one of the methods {list(predictions)}")
    if len(predictions) < 2:
        raise ValueError("only the baseline was given; nothing to compare")
    t, _, _, classes = encode_labels(y_true, None, None, classes)
    decided = {}
    for method, values in predictions.items():
        arr = np.asarray(values)
        decided[method] = (classes[arr.argmax(axis=1)], arr) if arr.ndim == 2 else (arr, None)

    def value(method: str) -> float:
        pred, proba = decided[method]
        _, codes, prob, _ = encode_labels(y_true, pred, proba, classes)
        return metric_value(metric, t, codes, prob, len(classes))

    base_pred, base_proba = decided[baseline]
    base_value = value(baseline)
    rows = []
    for method, (pred, proba) in decided.items():
        if method == baseline:
            continue
        boot = paired_bootstrap(y_true, pred, base_pred, proba, base_proba, metric=metric, classes=classes,
                                groups=groups, n_resamples=n_resamples, seed=seed)
        rows.append({"method": method, "metric": metric, "class": "all", "baseline_mean": base_value,
                     "method_mean": value(method), "difference": boot["difference"],
                     "ttest_p": np.nan, "pooled_difference": boot["difference"], "ci_low": boot["ci_low"],
                     "ci_high": boot["ci_high"], "bootstrap_p": boot["p_value"]})
    return _verdicts(rows, "bootstrap_p", metric, alpha)


def compare_fold_scores(fold_scores: pd.DataFrame, baseline: str, n_train: float, n_test: float,
                        metric: str = "macro_f1", alpha: float = 0.05) -> pd.DataFrame:
    """:func:`ecombalance.evaluation.stats.compare_to_baseline` for paired fold scores alone (a study that kept
    no predictions): per method the :func:`corrected_resampled_ttest` against ``baseline`` on the same folds, Holm-corrected over the methods.

    ``fold_scores``: one row per fold (or fold and seed, as long as the rows pair), one column per method.
    Returns compare_to_baseline's columns (``ttest_p``; the bootstrap ones NaN), for :func:`best_method`.
    """
    if baseline not in fold_scores.columns:
        raise ValueError(f"baseline {baseline!r} is not one of the methods {list(fold_scores.columns)}")
    others = [m for m in fold_scores.columns if m != baseline]
    if not others:
        raise ValueError("only the baseline was scored; nothing to compare")
    base = fold_scores[baseline].to_numpy(dtype=float)
    rows = []
    for method in others:
        scores = fold_scores[method].to_numpy(dtype=float)
        test = corrected_resampled_ttest(scores, base, n_train, n_test)
        rows.append({"method": method, "metric": metric, "class": "all", "baseline_mean": float(base.mean()),
                     "method_mean": float(scores.mean()), "difference": test["difference"], "ttest_p": test["p_value"],
                     "pooled_difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "bootstrap_p": np.nan})
    return _verdicts(rows, "ttest_p", metric, alpha)


METRIC_LABELS = {"macro_f1": "macro-F1", "balanced_accuracy": "balanced accuracy", "g_mean": "G-mean",
                 "weighted_f1": "weighted F1", "log_loss": "log-loss", "ece": "ECE", "brier": "Brier score",
                 "pr_auc": "PR-AUC", "roc_auc": "ROC-AUC", "mcc": "MCC", "accuracy": "accuracy"}
"""How sentences name a metric."""


class BestMethod(NamedTuple):
    """:func:`best_method`'s answer: ``best`` (None unless distinguishably better than the baseline),
    ``best_is_distinguishable`` and the ``sentence`` that says why, with the numbers."""

    best: str | None
    best_is_distinguishable: bool
    sentence: str


def _test_name(differences: pd.DataFrame) -> str:
    used = [c for c in ("ttest_p", "bootstrap_p") if c in differences and differences[c].notna().any()]
    return {("ttest_p",): "corrected resampled t-test", ("bootstrap_p",): "paired bootstrap",
            ("ttest_p", "bootstrap_p"): "corrected t-test and paired bootstrap"}.get(tuple(used), "paired test")


def best_method(differences: pd.DataFrame, baseline: str, scores: pd.DataFrame | None = None,
                metric: str | None = None, alpha: float = 0.05, beats_majority: bool = True, n_top: int = 3,
                note: Callable[[str, str], str] | None = None, test: str | None = None) -> BestMethod:
    """The one rule for "best": a method is named best only when its paired difference to ``baseline`` is
    distinguishable — its Holm-corrected p-value
    (:func:`ecombalance.evaluation.stats.compare_to_baseline`) is below ``alpha`` — and in the better direction
    (lower for :data:`~ecombalance.evaluation.metrics.LOWER_IS_BETTER` metrics); among such methods the one with
    the best score. Otherwise there is no best, and the sentence says "No method is
    distinguishable from `<baseline>`; the top scores are ..." and lists the ``n_top`` top scores (ties within
    the noise), or names the methods that are distinguishably *worse*.

    Parameters
    ----------
    differences : DataFrame
        :func:`compare_to_baseline` (or :func:`compare_fold_scores`): one row per method (a ``method`` column or
        the index) with ``difference`` (``pooled_difference`` is used where present) and ``p_value``; a table
        without ``p_value`` needs a boolean ``real_difference`` (or ``real``) column. Optional: ``ci_low`` /
        ``ci_high`` (the paired interval), ``baseline_mean`` / ``method_mean``, ``metric``, ``class``.
    baseline : str
    scores : DataFrame, optional
        Indexed by method, baseline included: ``score`` and optionally ``low`` / ``high`` (an interval),
        the numbers the sentence quotes; default ``method_mean`` and ``baseline_mean`` of ``differences``.
    metric : str, optional
        The metric's name (default: the ``metric`` column), for the direction and the sentence.
    beats_majority : bool
        False when no method beats the majority predictor (:func:`ecombalance.chapters.findings.majority_check`):
        then no difference is called distinguishable.
    note : callable (method, baseline) -> str, optional
        Appended to the sentence of a best method, e.g. a capacity note
        (:func:`ecombalance.chapters.experiments.capacity_note`).
    test : str, optional
        How the sentence names the test (default: from the p-value columns present).

    Returns
    -------
    BestMethod
        ``(best, best_is_distinguishable, sentence)``.
    """
    table = differences.set_index("method") if "method" in differences.columns else differences.copy()
    if baseline in table.index:
        table = table.drop(index=baseline)
    if table.empty:
        raise ValueError("differences holds no method besides the baseline; nothing to compare")
    if metric is None:
        metric = str(table["metric"].iloc[0]) if "metric" in table else "score"
    label = METRIC_LABELS.get(metric, metric)
    if "class" in table and str(table["class"].iloc[0]) != "all":
        label = f"{label} of `{table['class'].iloc[0]}`"
    diff = table["difference"].astype(float)
    if "pooled_difference" in table:
        diff = table["pooled_difference"].astype(float).fillna(diff)
    if "p_value" in table:
        real = table["p_value"].astype(float) < alpha
    else:
        flag = "real_difference" if "real_difference" in table else "real"
        if flag not in table:
            raise ValueError("differences needs a p_value column (or a boolean real_difference / real column)")
        real = table[flag].astype(bool)
    real &= bool(beats_majority)
    sign = -1 if metric in LOWER_IS_BETTER else 1
    if scores is None:
        if "method_mean" not in table or "baseline_mean" not in table:
            raise ValueError("pass scores (indexed by method, a score column) or differences with method_mean and "
                             "baseline_mean")
        scores = pd.DataFrame({"score": pd.concat([pd.Series({baseline: float(table["baseline_mean"].iloc[0])}),
                                                   table["method_mean"].astype(float)])})
    missing = [m for m in [baseline, *table.index] if m not in scores.index]
    if missing:
        raise ValueError(f"scores has no row for {missing}")
    ranked = scores.loc[scores["score"].astype(float).mul(sign).sort_values(ascending=False, kind="stable").index]
    better = [m for m in ranked.index if m in table.index and real[m] and sign * diff[m] > 0]
    test = test or _test_name(table)

    def number(method: str) -> str:
        row = ranked.loc[method]
        interval = (f" [{row['low']:.3f}, {row['high']:.3f}]" if {"low", "high"} <= set(row.index)
                    and pd.notna(row["low"]) else "")
        return f"`{method}` {row['score']:.3f}{interval}"

    if not better:
        top = "; ".join(number(m) for m in ranked.index[:n_top])
        worse = [m for m in table.index if real[m] and sign * diff[m] < 0]
        if worse:
            lead = (f"No method is distinguishably better than `{baseline}` on {label} ("
                    + ", ".join(f"`{m}` is worse by {abs(diff[m]):.3f}" for m in worse) + ")")
        elif beats_majority:
            lead = f"No method is distinguishable from `{baseline}` on {label}"
        else:
            lead = (f"No method is distinguishable from `{baseline}` on {label} (no method even beats always "
                    "predicting the largest class)")
        return BestMethod(None, False, f"{lead}; the top scores are {top} ({test}, Holm-corrected, alpha {alpha}).")
    best = better[0]
    row = table.loc[best]
    interval = (f" [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]" if "ci_low" in row and pd.notna(row["ci_low"])
                else "")
    p_value = f", {p_value_text(row['p_value'], differences.attrs.get('n_resamples'))}" if "p_value" in row else ""
    sentence = (f"`{best}`: {label} {ranked.loc[best, 'score']:.3f} against {ranked.loc[baseline, 'score']:.3f} for "
                f"`{baseline}`, a difference of {diff[best]:+.3f}{interval}{p_value} ({test}, Holm-corrected).")
    return BestMethod(best, True, sentence + (note(best, baseline) if note else ""))
