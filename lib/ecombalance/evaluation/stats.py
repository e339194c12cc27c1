"""Confidence intervals and paired comparisons: bootstrap intervals (rows or whole groups), the corrected
resampled t-test, Holm's correction and method-versus-baseline tables (the rule that names a best method from them is
:func:`ecombalance.evaluation.verdicts.best_method`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ecombalance.evaluation.experiment import ExperimentResult
from ecombalance.evaluation.metrics import LOWER_IS_BETTER, class_position, encode_labels, metric_value


def _check_confidence(confidence: float, n_resamples: int) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence!r}")
    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 10:
        raise ValueError(f"n_resamples must be an integer >= 10, got {n_resamples!r}")


def _resample_indices(n: int, groups: np.ndarray | None, n_resamples: int, seed: int):
    """Row indices of each bootstrap resample: rows drawn with replacement, or whole groups (cluster
    bootstrap) when ``groups`` is given — the items of one query are not independent."""
    rng = np.random.default_rng(seed)
    if groups is None:
        for _ in range(n_resamples):
            yield rng.integers(0, n, n)
        return
    _, inverse = np.unique(groups, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    for _ in range(n_resamples):
        yield np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate on the full sample, percentile interval and the resampled values."""

    estimate: float
    low: float
    high: float
    confidence: float
    distribution: np.ndarray

    def as_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "ci_low": self.low, "ci_high": self.high}


def bootstrap_ci(
    statistic: Callable[..., float],
    *samples: Any,
    groups: Any = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    r"""Percentile bootstrap interval of ``statistic(*samples)`` (Efron & Tibshirani 1993, ch. 13).

    The samples are resampled jointly by row (paired), or by whole groups with ``groups``. Over test
    predictions: ``bootstrap_ci(f, y_true, y_pred)``; over folds: ``bootstrap_ci(np.mean, fold_scores)``
    (with 5–10 folds that interval is rough; prefer the pooled out-of-fold predictions).

    scipy.stats.bootstrap does the row case but cannot resample clusters, which query-grouped search
    logs need, so the indices are drawn here (NumPy ``default_rng(seed)``: same seed, same interval).
    """
    _check_confidence(confidence, n_resamples)
    if not samples:
        raise ValueError("bootstrap_ci needs at least one sample")
    arrays = [np.asarray(s) for s in samples]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"samples have different lengths {[len(a) for a in arrays]}; they are resampled by row")
    if n < 2:
        raise ValueError("bootstrap needs at least two rows")
    group_arr = None if groups is None else np.asarray(groups)
    if group_arr is not None and len(group_arr) != n:
        raise ValueError(f"groups has {len(group_arr)} entries but the samples have {n} rows")
    values = np.array([statistic(*(a[idx] for a in arrays))
                       for idx in _resample_indices(n, group_arr, n_resamples, seed)], dtype=float)
    tail = (1 - confidence) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return BootstrapResult(float(statistic(*arrays)), float(low), float(high), confidence, values)


def metric_ci(
    y_true: Any,
    y_pred: Any = None,
    proba: Any = None,
    metric: str = "macro_f1",
    classes: Sequence | None = None,
    class_: Any = None,
    groups: Any = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    """Bootstrap interval of a named metric (see :func:`metric_value`) over test predictions;
    ``class_`` picks a class for ``precision`` / ``recall`` / ``f1``."""
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    class_index = class_position(class_, classes)
    rows = np.arange(len(t))

    def statistic(idx: np.ndarray) -> float:
        return metric_value(metric, t[idx], None if p is None else p[idx], None if prob is None else prob[idx],
                            len(classes), class_index)

    return bootstrap_ci(statistic, rows, groups=groups, n_resamples=n_resamples, confidence=confidence, seed=seed)


def _bootstrap_p(differences: np.ndarray) -> float:
    """Two-sided p-value of "no difference" from the bootstrap distribution of the difference:
    twice the smaller share of resamples on either side of 0 (capped at 1)."""
    d = differences[~np.isnan(differences)]
    return float(min(1.0, 2 * min(np.mean(d <= 0), np.mean(d >= 0))))


def paired_bootstrap(
    y_true: Any,
    pred_method: Any,
    pred_baseline: Any,
    proba_method: Any = None,
    proba_baseline: Any = None,
    metric: str = "macro_f1",
    classes: Sequence | None = None,
    class_: Any = None,
    groups: Any = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """Paired bootstrap of ``metric(method) - metric(baseline)`` on the same test rows.

    Each resample draws rows (or groups) once and scores both methods on them, so the noise they share
    cancels (Koehn 2004; Efron & Tibshirani 1993). Returns ``difference`` (on all rows), the percentile
    ``ci_low`` / ``ci_high`` and the two-sided ``p_value`` (:func:`_bootstrap_p`).
    """
    t, pm, prob_m, classes = encode_labels(y_true, pred_method, proba_method, classes)
    _, pb, prob_b, _ = encode_labels(y_true, pred_baseline, proba_baseline, classes)
    class_index = class_position(class_, classes)

    def difference(idx: np.ndarray) -> float:
        take = (lambda a: None if a is None else a[idx])
        return (metric_value(metric, t[idx], take(pm), take(prob_m), len(classes), class_index)
                - metric_value(metric, t[idx], take(pb), take(prob_b), len(classes), class_index))

    boot = bootstrap_ci(difference, np.arange(len(t)), groups=groups, n_resamples=n_resamples,
                        confidence=confidence, seed=seed)
    return {"difference": boot.estimate, "ci_low": boot.low, "ci_high": boot.high,
            "p_value": _bootstrap_p(boot.distribution)}


def corrected_resampled_ttest(
    scores_method: Any, scores_baseline: Any, n_train: float, n_test: float
) -> dict[str, float]:
    r"""Corrected resampled t-test over K paired fold scores (Nadeau & Bengio 2003, "Inference for the
    generalization error"; Bouckaert & Frank 2004).

    Folds share training rows, so fold differences :math:`d_j` are correlated and the plain paired t-test
    is over-confident. With :math:`\bar d` and :math:`s^2` (ddof 1) of the :math:`k` differences,

    .. math:: t = \bar d \Big/ \sqrt{\left(\tfrac1k + \tfrac{n_{test}}{n_{train}}\right) s^2}, \qquad
              \text{df} = k - 1,

    two-sided p-value from Student's t. When all differences are equal (:math:`s = 0`) the p-value is 1 if
    they are 0 and 0 otherwise. ``n_train`` / ``n_test`` are the (mean) fold sizes.
    """
    a = np.asarray(scores_method, dtype=float)
    b = np.asarray(scores_baseline, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"fold scores must be two 1-D arrays of equal length, got shapes {a.shape} and {b.shape}")
    if len(a) < 2:
        raise ValueError("the t-test needs scores from at least two folds")
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("fold scores contain NaN; the metric is undefined on some fold")
    if not (n_train > 0 and n_test > 0):
        raise ValueError(f"n_train and n_test must be positive, got {n_train} and {n_test}")
    d = a - b
    k = len(d)
    mean, var = float(d.mean()), float(d.var(ddof=1))
    if var <= 1e-24:
        return {"difference": mean, "t": 0.0 if mean == 0 else float(np.sign(mean) * np.inf),
                "p_value": 1.0 if mean == 0 else 0.0, "df": float(k - 1)}
    t_stat = mean / np.sqrt((1 / k + n_test / n_train) * var)
    return {"difference": mean, "t": float(t_stat), "p_value": float(2 * stats.t.sf(abs(t_stat), k - 1)),
            "df": float(k - 1)}


def holm(p_values: Any) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (Holm 1979): controls the family-wise error over the comparisons."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(np.minimum(1.0, p[order] * (len(p) - np.arange(len(p)))))
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _fold_scores(result: ExperimentResult, method: str, metric: str, cls: str) -> np.ndarray:
    r = result.results
    sel = r[(r["method"] == method) & (r["metric"] == metric) & (r["class"] == cls)].sort_values("fold")
    if sel.empty:
        raise ValueError(f"no results for method {method!r}, metric {metric!r}, class {cls!r}; "
                         f"metrics are {sorted(r['metric'].unique())}")
    return sel["value"].to_numpy()


def compare_to_baseline(
    result: ExperimentResult,
    baseline: str,
    metric: str = "macro_f1",
    class_: Any = None,
    test: str = "both",
    alpha: float = 0.05,
    correction: str | None = "holm",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Is each method really different from ``baseline`` on ``metric``?

    ``test``: ``"ttest"`` — corrected resampled t-test on the K fold scores; ``"bootstrap"`` — paired
    bootstrap over the pooled out-of-fold predictions (clustered by ``groups`` when the experiment had
    them); ``"both"`` (default) — both, and a difference counts only when both find it (the larger p-value).
    ``correction="holm"`` adjusts the p-values for the number of methods compared (``None``: raw).
    ``real_difference`` is ``p_value < alpha``; ``improved`` says whether the method is better, taking
    into account that lower is better for ``log_loss``, ``brier`` and ``ece``.

    Returns one row per method: ``method``, ``metric``, ``class``, ``baseline_mean``, ``method_mean``,
    ``difference`` (mean over folds, method − baseline), ``ttest_p``, ``pooled_difference`` (on the pooled
    out-of-fold predictions, the centre of the bootstrap interval), ``ci_low``, ``ci_high``, ``bootstrap_p``,
    ``p_value``, ``real_difference``, ``improved``.
    """
    if test not in ("both", "ttest", "bootstrap"):
        raise ValueError(f"test must be 'both', 'ttest' or 'bootstrap', got {test!r}")
    if correction not in ("holm", None):
        raise ValueError(f"correction must be 'holm' or None, got {correction!r}")
    if baseline not in result.methods:
        raise ValueError(f"baseline {baseline!r} is not one of the methods {result.methods}")
    others = [m for m in result.methods if m != baseline]
    if not others:
        raise ValueError("only the baseline was run; nothing to compare")
    cls = "all" if class_ is None else str(class_)
    class_index = None if class_ is None else class_position(class_, result.classes)
    n_train = float(np.mean([len(tr) for tr, _ in result.folds]))
    n_test = float(np.mean([len(te) for _, te in result.folds]))
    base_scores = _fold_scores(result, baseline, metric, cls)
    rows = []
    for method in others:
        scores = _fold_scores(result, method, metric, cls)
        row = {"method": method, "metric": metric, "class": cls, "baseline_mean": float(base_scores.mean()),
               "method_mean": float(scores.mean()), "difference": float((scores - base_scores).mean()),
               "ttest_p": np.nan, "pooled_difference": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "bootstrap_p": np.nan}
        if test in ("both", "ttest"):
            row["ttest_p"] = corrected_resampled_ttest(scores, base_scores, n_train, n_test)["p_value"]
        if test in ("both", "bootstrap"):
            y_true, pred_m, proba_m, groups = result.pooled(method)
            _, pred_b, proba_b, _ = result.pooled(baseline)
            boot = paired_bootstrap(
                y_true, pred_m, pred_b, proba_m, proba_b, metric=metric, classes=result.classes,
                class_=None if class_index is None else result.classes[class_index], groups=groups,
                n_resamples=n_resamples, confidence=confidence, seed=seed,
            )
            row.update(pooled_difference=boot["difference"], ci_low=boot["ci_low"], ci_high=boot["ci_high"],
                       bootstrap_p=boot["p_value"])
        rows.append(row)
    table = pd.DataFrame(rows)
    raw = table[["ttest_p", "bootstrap_p"]].max(axis=1, skipna=True)
    table["p_value"] = holm(raw) if correction == "holm" else raw
    table["real_difference"] = table["p_value"] < alpha
    sign = -1 if metric in LOWER_IS_BETTER else 1
    table["improved"] = table["real_difference"] & (sign * table["difference"] > 0)
    table.attrs["n_resamples"] = n_resamples  # the bootstrap p-value's resolution: 2 / n_resamples
    return table


def summarise(
    result: ExperimentResult,
    metrics: Sequence[str] = ("macro_f1", "balanced_accuracy", "g_mean"),
    class_metrics: Sequence[str] = ("recall",),
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Summary table: per method, metric (and class for ``class_metrics``) the mean and standard deviation
    over folds, and the metric on the pooled out-of-fold predictions with its percentile bootstrap interval
    (rows resampled, or whole groups when the experiment had ``groups``).

    Columns: ``method``, ``metric``, ``class``, ``mean``, ``std``, ``pooled``, ``ci_low``, ``ci_high``.
    """
    specs = [(m, None) for m in metrics] + [(m, c) for m in class_metrics for c in result.classes.tolist()]
    rows = []
    for method in result.methods:
        for metric, cls in specs:
            scores = _fold_scores(result, method, metric, "all" if cls is None else str(cls))
            y_true, pred, proba, groups = result.pooled(method)
            ci = metric_ci(y_true, pred, proba, metric=metric, classes=result.classes, class_=cls, groups=groups,
                           n_resamples=n_resamples, confidence=confidence, seed=seed)
            rows.append({"method": method, "metric": metric, "class": "all" if cls is None else str(cls),
                         "mean": float(scores.mean()), "std": float(scores.std(ddof=1)) if len(scores) > 1 else 0.0,
                         "pooled": ci.estimate, "ci_low": ci.low, "ci_high": ci.high})
    return pd.DataFrame(rows)


def p_value_text(p: float, n_resamples: int | None = None) -> str:
    """``"p = 0.012"``, or ``"p < 0.004"`` when a bootstrap with ``n_resamples`` resamples put none on the far side
    of 0: such a p-value is below the test's resolution (two-sided: ``2 / n_resamples``), not zero (``"p < 0.001"``
    when the number of resamples is unknown)."""
    if p > 0:
        return f"p = {p:.3g}"
    return f"p < {2 / n_resamples:.2g}" if n_resamples else "p < 0.001"
