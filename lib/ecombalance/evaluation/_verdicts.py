"""The one rule for "best", shared by the chapters and the front door: a method is named best only when its
paired difference to the baseline is distinguishable by the one test (:data:`~ecombalance.evaluation._stats.VERDICT_TEST`:
the corrected repeated cross-validation t-test on paired fold scores, Holm-corrected) and in the better direction
(:func:`best_method`), on a method-versus-baseline table from an experiment
(:func:`ecombalance.evaluation._stats.compare_to_baseline`) or from paired fold scores alone
(:func:`compare_fold_scores`). A non-result says how large a difference the design could have detected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._folds import Folds
from ecombalance.evaluation._metrics import LOWER_IS_BETTER
from ecombalance.evaluation._stats import VERDICT_TEST, corrected_resampled_ttest, p_value_text, verdict_table
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join


@fill_doc
def compare_fold_scores(fold_scores: pd.DataFrame, baseline: str, n_train: float, n_test: float,
                        metric: str = "macro_f1", alpha: float = 0.05, n_repeats: int = 1) -> pd.DataFrame:
    """Test each method against ``baseline`` on paired fold scores alone.

    :func:`compare_to_baseline` for a study that kept no predictions: per method the corrected repeated
    cross-validation t-test against ``baseline`` on the same folds, Holm-corrected over the methods (identical fold
    scores counted once).

    Parameters
    ----------
    fold_scores : DataFrame
        One row per fold (all repeats), one column per method.
    {baseline}
    {n_train_n_test}
    metric : str, default="macro_f1"
        The metric the scores are of (lower is better for ``log_loss``, ``brier``, ``ece`` and ``classwise_ece``).
    {alpha}
    n_repeats : int, default=1
        How many repeats the rows hold (for the design text).

    Returns
    -------
    DataFrame
        :func:`compare_to_baseline`'s columns (the interval columns NaN) and attrs.

    Raises
    ------
    ValueError
        When ``baseline`` is not a column of ``fold_scores``, or is the only one.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.evaluation import compare_fold_scores
    >>> scores = pd.DataFrame({"none": [0.66, 0.70, 0.68, 0.69, 0.67], "smote": [0.71, 0.74, 0.69, 0.75, 0.72]})
    >>> table = compare_fold_scores(scores, "none", n_train=80, n_test=20)
    >>> table[["method", "difference", "p_value", "improved"]].round(3)
      method  difference  p_value  improved
    0  smote       0.042    0.031      True
    >>> table.attrs["design"]
    '5-fold cross-validation'
    """
    if baseline not in fold_scores.columns:
        raise ValueError(f"baseline {baseline!r} is not one of the methods {list(fold_scores.columns)}")
    others = [m for m in fold_scores.columns if m != baseline]
    if not others:
        raise ValueError("only the baseline was scored; nothing to compare")
    base = fold_scores[baseline].to_numpy(dtype=float)
    rows, keys = [], []
    for method in others:
        scores = fold_scores[method].to_numpy(dtype=float)
        test = corrected_resampled_ttest(scores, base, n_train, n_test)
        rows.append({"method": method, "metric": metric, "class": "all", "baseline_mean": float(base.mean()),
                     "method_mean": float(scores.mean()), "difference": test["difference"], "se": test["se"],
                     "df": test["df"], "ttest_p": test["p_value"], "pooled_difference": np.nan, "ci_low": np.nan,
                     "ci_high": np.nan})
        keys.append(scores.tobytes())
    table = verdict_table(rows, metric, alpha, keys)
    n_splits = len(base) // n_repeats if len(base) % n_repeats == 0 else None
    table.attrs.update(test=VERDICT_TEST, design=Folds([None] * len(base), n_repeats, n_splits).design,
                       n_repeats=n_repeats, n_splits=n_splits, alpha=alpha)
    return table


def smallest_detectable(differences: pd.DataFrame) -> float:
    """The typical smallest difference the design detects: the median of ``detectable`` over the comparisons
    whose fold differences vary (NaN when none does)."""
    values = differences["detectable"].astype(float) if "detectable" in differences else pd.Series(dtype=float)
    values = values[values > 0]
    return float(values.median()) if len(values) else float("nan")


def design_headline(differences: pd.DataFrame) -> dict[str, Any]:
    """For the report index, beside ``best_is_distinguishable``: ``cv_repeats``, ``cv_folds``, ``verdict_test``
    and ``smallest_detectable_difference`` of a table from :func:`compare_to_baseline` /
    :func:`compare_fold_scores`."""
    a = differences.attrs
    return {"cv_repeats": a.get("n_repeats"), "cv_folds": a.get("n_splits"), "verdict_test": a.get("test", VERDICT_TEST),
            "smallest_detectable_difference": smallest_detectable(differences)}


METRIC_LABELS = {"macro_f1": "macro-F1", "balanced_accuracy": "balanced accuracy", "g_mean": "G-mean",
                 "weighted_f1": "weighted F1", "log_loss": "log-loss", "ece": "ECE", "brier": "Brier score",
                 "pr_auc": "PR-AUC", "roc_auc": "ROC-AUC", "mcc": "MCC", "accuracy": "accuracy"}
"""How sentences name a metric (in English; :func:`metric_label` in the current language)."""


def metric_label(metric: str) -> str:
    """How a sentence names ``metric`` in the current language (:data:`METRIC_LABELS`; the key itself when
    unknown)."""
    labels = {"macro_f1": _("macro-F1"), "balanced_accuracy": _("balanced accuracy"), "g_mean": _("G-mean"),
              "weighted_f1": _("weighted F1"), "log_loss": _("log-loss"), "ece": _("ECE"), "brier": _("Brier score"),
              "pr_auc": _("PR-AUC"), "roc_auc": _("ROC-AUC"), "mcc": _("MCC"), "accuracy": _("accuracy"),
              "recall": _("recall"), "precision": _("precision"), "f1": _("f1")}  # the last three: their own keys
    return labels.get(metric, metric)


def name_of_test() -> str:
    """How a sentence names the one test (:data:`~ecombalance.evaluation._stats.TEST_NAME`) in the current
    language."""
    return _("corrected repeated cross-validation t-test")


class BestMethod(NamedTuple):
    """The answer of :func:`best_method`: the best method, if any, and the sentence that says why.

    Parameters
    ----------
    best : str or None
        The best method; None unless distinguishably better than the baseline.
    best_is_distinguishable : bool
        Whether a method was named best.
    sentence : str
        Why, with the numbers.

    Examples
    --------
    >>> from ecombalance.evaluation import BestMethod
    >>> BestMethod(None, False, "Not enough evidence to separate any method from `none`.").best is None
    True
    """

    best: str | None
    best_is_distinguishable: bool
    sentence: str


@fill_doc
def best_method(differences: pd.DataFrame, baseline: str, scores: pd.DataFrame | None = None,
                metric: str | None = None, alpha: float = 0.05, beats_majority: bool = True, n_top: int = 3,
                note: Callable[[str, str], str] | None = None, design: str | None = None) -> BestMethod:
    """Name the best method by the one rule for "best", or say why there is none.

    A method is named best only when its paired difference to ``baseline`` is distinguishable — its
    Holm-corrected p-value of the one test (:func:`ecombalance.evaluation._stats.compare_to_baseline`) is below
    ``alpha`` — and in the better direction (lower for :data:`~ecombalance.evaluation._metrics.LOWER_IS_BETTER`
    metrics); among such methods the one with the best score. Otherwise there is no best, and the sentence says
    there is not enough evidence to separate the methods from ``baseline``, how large a difference the design could
    have detected (``detectable``), and lists the ``n_top`` top scores; or it names the methods that are
    distinguishably *worse*.

    Parameters
    ----------
    differences : DataFrame
        :func:`compare_to_baseline` (or :func:`compare_fold_scores`): one row per method (a ``method`` column or
        the index) with ``difference`` and ``p_value``; a table without ``p_value`` needs a boolean
        ``real_difference`` (or ``real``) column. Optional: ``detectable``, ``ci_low`` / ``ci_high`` (the
        descriptive interval of the pooled difference), ``baseline_mean`` / ``method_mean``, ``metric``,
        ``class``; ``attrs["design"]`` (e.g. "2 × 5-fold cross-validation").
    {baseline}
    scores : DataFrame, optional
        Indexed by method, baseline included: ``score`` and optionally ``low`` / ``high`` (an interval),
        the numbers the sentence quotes; default ``method_mean`` and ``baseline_mean`` of ``differences``.
    metric : str, optional
        The metric's name (default: the ``metric`` column), for the direction and the sentence.
    {alpha}
    beats_majority : bool, default=True
        False when no method beats the majority predictor (:func:`ecombalance.evaluation._majority.majority_check`):
        then no difference is called distinguishable.
    n_top : int, default=3
        How many top scores a non-result lists.
    note : callable (method, baseline) -> str, optional
        Appended to the sentence of a best method, e.g. a capacity note
        (:func:`ecombalance.models._methods.capacity_note`).
    design : str, optional
        How the rows were split (default ``differences.attrs["design"]``).

    Returns
    -------
    BestMethod
        ``(best, best_is_distinguishable, sentence)``.

    Raises
    ------
    ValueError
        When ``differences`` holds no method besides the baseline or lacks the columns above, or ``scores`` lacks
        a method.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.evaluation import best_method, compare_fold_scores
    >>> scores = pd.DataFrame({"none": [0.66, 0.70, 0.68, 0.69, 0.67], "smote": [0.71, 0.74, 0.69, 0.75, 0.72]})
    >>> answer = best_method(compare_fold_scores(scores, "none", n_train=80, n_test=20), "none")
    >>> answer.best, answer.best_is_distinguishable
    ('smote', True)
    >>> answer.sentence
    '`smote`: macro-F1 0.722 against 0.680 for `none`, a mean fold difference of +0.042, p = 0.0312 (5-fold ...).'
    """
    table = differences.set_index("method") if "method" in differences.columns else differences.copy()
    if baseline in table.index:
        table = table.drop(index=baseline)
    if table.empty:
        raise ValueError("differences holds no method besides the baseline; nothing to compare")
    if metric is None:
        metric = str(table["metric"].iloc[0]) if "metric" in table else "score"
    label = metric_label(metric)
    if "class" in table and str(table["class"].iloc[0]) != "all":
        label = _("{metric} of `{cls}`").format(metric=label, cls=table["class"].iloc[0])
    diff = table["difference"].astype(float)
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
    design = design or differences.attrs.get("design")
    test = _("{test}, Holm-corrected, α = {alpha:g}").format(test=name_of_test(), alpha=alpha)
    how = _("{design}, {test}").format(design=design, test=test) if design else test

    def number(method: str) -> str:
        row = ranked.loc[method]
        interval = (f" [{row['low']:.3f}, {row['high']:.3f}]" if {"low", "high"} <= set(row.index)
                    and pd.notna(row["low"]) else "")
        return f"`{method}` {row['score']:.3f}{interval}"

    if not better:
        top = join((number(m) for m in ranked.index[:n_top]), "; ")
        worse = [m for m in table.index if real[m] and sign * diff[m] < 0]
        detectable = smallest_detectable(table)
        if not beats_majority:
            lead = _("No difference to `{baseline}` on {metric} is called real: no method even beats always "
                     "predicting the largest class").format(baseline=baseline, metric=label)
        else:
            worse_list = join((_("`{method}` is worse by {difference:.3f}").format(method=m, difference=abs(diff[m]))
                               for m in worse), ", ")
            if worse and np.isfinite(detectable):
                lead = _("No method is distinguishably better than `{baseline}` on {metric} ({worse}); for the others "
                         "there is not enough evidence to separate them from it: the smallest difference this design "
                         "detects is about {detectable:.3f}")
            elif worse:
                lead = _("No method is distinguishably better than `{baseline}` on {metric} ({worse}); for the others "
                         "there is not enough evidence to separate them from it")
            elif np.isfinite(detectable):
                lead = _("Not enough evidence to separate any method from `{baseline}` on {metric}: the smallest "
                         "difference this design detects is about {detectable:.3f}")
            else:
                lead = _("Not enough evidence to separate any method from `{baseline}` on {metric}")
            lead = lead.format(baseline=baseline, metric=label, worse=worse_list, detectable=detectable)
        return BestMethod(None, False, _("{lead}. The top scores are {top} ({how}).").format(lead=lead, top=top,
                                                                                              how=how))
    best = better[0]
    row = table.loc[best]
    interval = (_(" (pooled out-of-fold difference {difference:+.3f}, interval [{low:+.3f}, {high:+.3f}])").format(
        difference=row["pooled_difference"], low=row["ci_low"], high=row["ci_high"])
        if "ci_low" in row and pd.notna(row.get("ci_low")) else "")
    p_value = _(", {p_value}").format(p_value=p_value_text(row["p_value"])) if "p_value" in row else ""
    sentence = _("`{best}`: {metric} {score:.3f} against {baseline_score:.3f} for `{baseline}`, a mean fold difference "
                 "of {difference:+.3f}{interval}{p_value} ({how}).").format(
        best=best, metric=label, score=ranked.loc[best, "score"], baseline_score=ranked.loc[baseline, "score"],
        baseline=baseline, difference=diff[best], interval=interval, p_value=p_value, how=how)
    return BestMethod(best, True, sentence + (note(best, baseline) if note else ""))
