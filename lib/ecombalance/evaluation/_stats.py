"""Confidence intervals and paired comparisons: bootstrap intervals (rows or whole groups), the corrected
resampled t-test, Holm's correction and method-versus-baseline tables (the rule that names a best method from them is
:func:`ecombalance.evaluation._verdicts.best_method`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ecombalance.evaluation._bootstrap import BootstrapResult, bootstrap_p_value, check_confidence, resample_indices
from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._experiment import ExperimentResult
from ecombalance.evaluation._folds import as_folds
from ecombalance.evaluation._metrics import LOWER_IS_BETTER, class_position, encode_labels, metric_value


@fill_doc
def bootstrap_ci(
    statistic: Callable[..., float],
    *samples: Any,
    groups: Any = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> BootstrapResult:
    r"""Compute the percentile bootstrap interval of ``statistic(*samples)``.

    Efron & Tibshirani (1993, ch. 13); the interval is widened to hold the estimate on the full sample where the
    percentiles leave it out (a statistic at its bound). The samples are resampled jointly by row (paired), or by
    whole groups with ``groups``. Over test predictions: ``bootstrap_ci(f, y_true, y_pred)``; over folds:
    ``bootstrap_ci(np.mean, fold_scores)`` (with 5–10 folds that interval is rough; prefer the pooled out-of-fold
    predictions). scipy.stats.bootstrap does the row case but cannot resample clusters, which query-grouped search
    logs need, so the indices are drawn here (NumPy ``default_rng(random_state)``: same seed, same interval).

    Parameters
    ----------
    statistic : callable
        ``statistic(*samples) -> float``, called on the full samples and on each resample.
    *samples : array-like of shape (n_samples,)
        Equal-length arrays, resampled jointly by row.
    {groups_bootstrap}
    {n_resamples}
    {confidence}
    {random_state_bootstrap}

    Returns
    -------
    BootstrapResult
        ``estimate`` (on the full sample), ``low``, ``high``, ``confidence`` and the resampled ``distribution``.

    Raises
    ------
    ValueError
        For no sample, samples of different lengths, fewer than two rows, ``groups`` of another length, a
        ``confidence`` outside (0, 1) or fewer than 10 resamples.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.evaluation import bootstrap_ci
    >>> ci = bootstrap_ci(np.mean, np.arange(10.0), n_resamples=200)
    >>> ci.estimate, round(ci.low, 2), round(ci.high, 2)
    (4.5, 2.9, 6.4)
    """
    check_confidence(confidence, n_resamples)
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
                       for idx in resample_indices(n, group_arr, n_resamples, random_state)], dtype=float)
    tail = (1 - confidence) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    estimate = float(statistic(*arrays))
    # A statistic at its bound (macro-F1 1.000 when every prediction is right) has resamples on one side only;
    # the percentile interval then misses the estimate by the resamples' tail, and is widened to reach it.
    low, high = min(float(low), estimate), max(float(high), estimate)
    return BootstrapResult(estimate, low, high, confidence, values)


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
    random_state: int = 0,
) -> BootstrapResult:
    """Bootstrap interval of a named metric (see :func:`metric_value`) over test predictions;
    ``class_`` picks a class for ``precision`` / ``recall`` / ``f1``."""
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    class_index = class_position(class_, classes)
    rows = np.arange(len(t))

    def statistic(idx: np.ndarray) -> float:
        return metric_value(metric, t[idx], None if p is None else p[idx], None if prob is None else prob[idx],
                            len(classes), class_index, skip_absent=True)

    return bootstrap_ci(statistic, rows, groups=groups, n_resamples=n_resamples, confidence=confidence,
                        random_state=random_state)


@fill_doc
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
    random_state: int = 0,
) -> dict[str, float]:
    """Bootstrap ``metric(method) - metric(baseline)`` paired on the same test rows.

    Each resample draws rows (or groups) once and scores both methods on them, so the noise they share
    cancels (Koehn 2004; Efron & Tibshirani 1993). On one fixed test set (notebook 05's held-out split) that is the
    test to use; on cross-validated predictions it ignores the variance that comes from the training rows, so the
    chapters decide by :func:`compare_to_baseline` and show this interval as a description only.

    Parameters
    ----------
    {y_true}
    pred_method, pred_baseline : array-like of shape (n_samples,)
        The predicted labels of the method and of the baseline on the same rows.
    proba_method, proba_baseline : array-like of shape (n_samples, n_classes), default=None
        Their probabilities (columns in the order of ``classes``), for a metric that reads probabilities.
    {metric}
    {classes}
    {class_}
    {groups_bootstrap}
    {n_resamples}
    {confidence}
    {random_state_bootstrap}

    Returns
    -------
    dict of str to float
        ``difference`` (on all rows), the percentile ``ci_low`` / ``ci_high`` and the two-sided ``p_value`` (twice
        the smaller share of resamples on either side of 0).

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.evaluation import paired_bootstrap
    >>> y = np.array([0, 0, 0, 1, 1, 1] * 5)
    >>> better = y.copy()
    >>> better[:3] = 1
    >>> d = paired_bootstrap(y, better, np.zeros(30, int), n_resamples=200)
    >>> {key: round(value, 3) for key, value in d.items()}
    {'difference': 0.566, 'ci_low': 0.396, 'ci_high': 0.711, 'p_value': 0.0}
    """
    t, pm, prob_m, classes = encode_labels(y_true, pred_method, proba_method, classes)
    _, pb, prob_b, _ = encode_labels(y_true, pred_baseline, proba_baseline, classes)
    class_index = class_position(class_, classes)

    def difference(idx: np.ndarray) -> float:
        take = (lambda a: None if a is None else a[idx])
        return (metric_value(metric, t[idx], take(pm), take(prob_m), len(classes), class_index, skip_absent=True)
                - metric_value(metric, t[idx], take(pb), take(prob_b), len(classes), class_index, skip_absent=True))

    boot = bootstrap_ci(difference, np.arange(len(t)), groups=groups, n_resamples=n_resamples,
                        confidence=confidence, random_state=random_state)
    return {"difference": boot.estimate, "ci_low": boot.low, "ci_high": boot.high,
            "p_value": bootstrap_p_value(boot.distribution)}


TEST_NAME = "corrected repeated cross-validation t-test"
"""How a sentence names the one test."""

VERDICT_TEST = f"{TEST_NAME} (Nadeau & Bengio 2003; Bouckaert & Frank 2004) on paired fold scores, Holm-corrected"
"""The one test behind every "distinguishable" of the chapters, :func:`ecombalance.compare` and the report."""


@fill_doc
def corrected_resampled_ttest(
    scores_method: Any, scores_baseline: Any, n_train: float, n_test: float
) -> dict[str, float]:
    r"""Test paired fold scores with the corrected resampled t-test.

    Nadeau & Bengio (2003, "Inference for the generalization error") over J paired fold scores; with the
    J = r · k folds of r-times repeated k-fold cross-validation, the corrected repeated cross-validation test of
    Bouckaert & Frank (2004).

    Folds share training rows, so fold differences :math:`d_j` are correlated and the plain paired t-test
    is over-confident. With :math:`\bar d` and :math:`s^2` (ddof 1) of the :math:`J` differences,

    .. math:: \mathrm{SE} = \sqrt{\left(\tfrac1J + \tfrac{n_{test}}{n_{train}}\right) s^2}, \qquad
              t = \bar d / \mathrm{SE}, \qquad \text{df} = J - 1,

    two-sided p-value from Student's t. When all differences are equal (:math:`s = 0`) the p-value is 1 if
    they are 0 and 0 otherwise.

    Parameters
    ----------
    scores_method, scores_baseline : array-like of shape (n_folds,)
        The paired fold scores of the method and of the baseline, fold by fold.
    {n_train_n_test}

    Returns
    -------
    dict of str to float
        ``difference`` (:math:`\bar d`), ``se``, ``t``, ``p_value`` and ``df``.

    Raises
    ------
    ValueError
        For scores of different shapes, fewer than two folds, NaN scores or fold sizes that are not positive.

    Examples
    --------
    >>> from ecombalance.evaluation import corrected_resampled_ttest
    >>> test = corrected_resampled_ttest([0.71, 0.74, 0.69, 0.75, 0.72], [0.66, 0.70, 0.68, 0.69, 0.67], 80, 20)
    >>> round(test["difference"], 3), round(test["p_value"], 3), test["df"]
    (0.042, 0.031, 4.0)
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
    se = float(np.sqrt((1 / k + n_test / n_train) * max(var, 0.0)))
    if var <= 1e-24:
        return {"difference": mean, "se": 0.0, "t": 0.0 if mean == 0 else float(np.sign(mean) * np.inf),
                "p_value": 1.0 if mean == 0 else 0.0, "df": float(k - 1)}
    t_stat = mean / se
    return {"difference": mean, "se": se, "t": float(t_stat), "p_value": float(2 * stats.t.sf(abs(t_stat), k - 1)),
            "df": float(k - 1)}


def detectable_difference(se: Any, df: Any, alpha: float = 0.05, n_comparisons: int = 1) -> np.ndarray:
    r"""The smallest difference the corrected t-test could call distinguishable with this spread:
    :math:`t_{1-\alpha/(2m),\,\text{df}} \cdot \mathrm{SE}` for ``m = n_comparisons`` (Holm's first, most
    lenient step is Bonferroni's :math:`\alpha/m`). A mean fold difference smaller than this is "not enough
    evidence" under the design, whatever the truth."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if n_comparisons < 1:
        raise ValueError(f"n_comparisons must be >= 1, got {n_comparisons!r}")
    se, df = np.asarray(se, dtype=float), np.asarray(df, dtype=float)
    return stats.t.ppf(1 - alpha / (2 * n_comparisons), df) * se


def holm(p_values: Any, keys: Sequence | None = None) -> np.ndarray:
    """Adjust p-values by Holm–Bonferroni (Holm 1979), controlling the family-wise error of the comparisons.

    Parameters
    ----------
    p_values : array-like of shape (n_comparisons,)
        The raw p-values.
    keys : sequence, default=None
        One key per p-value, marking comparisons that are the same hypothesis — two methods whose fold scores are
        identical, such as ``balanced_softmax`` and ``logit_adjusted`` with τ = 1, which are one loss — so that
        they count once in the family and share their adjusted p-value.

    Returns
    -------
    ndarray of shape (n_comparisons,)
        The adjusted p-values, in the order of ``p_values``.

    Raises
    ------
    ValueError
        When ``keys`` and ``p_values`` differ in length.

    Examples
    --------
    >>> from ecombalance.evaluation import holm
    >>> holm([0.01, 0.04, 0.03])
    array([0.03, 0.06, 0.06])
    >>> holm([0.01, 0.04, 0.04], keys=["a", "b", "b"])  # "b" is one hypothesis: a family of two
    array([0.02, 0.04, 0.04])
    """
    p = np.asarray(p_values, dtype=float)
    if keys is not None:
        keys = list(keys)
        if len(keys) != len(p):
            raise ValueError(f"holm got {len(p)} p-values but {len(keys)} keys")
        first = {}
        for i, key in enumerate(keys):
            first.setdefault(key, i)
        unique = np.array(sorted(set(first.values())), dtype=int)
        adjusted_unique = holm(p[unique])
        lookup = dict(zip(unique.tolist(), adjusted_unique))
        return np.array([lookup[first[key]] for key in keys])
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


def fold_sizes(folds: Sequence) -> tuple[float, float]:
    """Mean training and test rows over ``folds``: the :math:`n_{train}`, :math:`n_{test}` of the correction."""
    return (float(np.mean([len(tr) for tr, _ in folds])), float(np.mean([len(te) for _, te in folds])))


def verdict_table(rows: list[dict], metric: str, alpha: float, keys: Sequence | None = None,
                  correction: str | None = "holm") -> pd.DataFrame:
    """One row per comparison (``method``, ``difference``, ``se``, ``df``, ``ttest_p`` and descriptive columns)
    with the family's verdict: ``p_value`` (Holm over the family, identical ``keys`` counted once),
    ``detectable`` (:func:`detectable_difference` for the family's size), ``real_difference``
    (``p_value < alpha``) and ``improved`` (real and in the better direction; lower is better for
    :data:`~ecombalance.evaluation._metrics.LOWER_IS_BETTER`)."""
    if correction not in ("holm", None):
        raise ValueError(f"correction must be 'holm' or None, got {correction!r}")
    table = pd.DataFrame(rows)
    keys = list(table["method"]) if keys is None else list(keys)
    table["p_value"] = holm(table["ttest_p"], keys) if correction == "holm" else table["ttest_p"]
    m = len(set(keys)) if correction == "holm" else 1
    table["detectable"] = detectable_difference(table["se"], table["df"], alpha, m)
    table["real_difference"] = table["p_value"] < alpha
    sign = -1 if metric in LOWER_IS_BETTER else 1
    table["improved"] = table["real_difference"] & (sign * table["difference"] > 0)
    return table


@fill_doc
def compare_to_baseline(
    result: ExperimentResult,
    baseline: str,
    metric: str = "macro_f1",
    class_: Any = None,
    alpha: float = 0.05,
    correction: str | None = "holm",
    interval: bool = True,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Test whether each method really differs from ``baseline`` on ``metric``.

    The one test of the library (:data:`VERDICT_TEST`): the corrected repeated cross-validation t-test on the
    paired fold scores of every fold of the experiment (r × k with repeated folds), Holm-corrected over the
    methods, methods with identical fold scores counted once.

    ``real_difference`` is ``p_value < alpha``; ``improved`` says whether the method is better, taking
    into account that lower is better for ``log_loss``, ``brier`` and ``ece``; ``detectable`` is the smallest
    mean fold difference the test could have called real with the observed spread
    (:func:`detectable_difference`). With ``interval`` the pooled out-of-fold difference and its paired bootstrap
    interval describe the size of the effect (clustered by ``groups`` when the experiment had them); they are a
    description of the out-of-fold predictions, not the test.

    Parameters
    ----------
    {result}
    {baseline}
    {metric}
    {class_}
    {alpha}
    correction : {"holm", None}, default="holm"
        Holm's correction over the methods, or None for the raw p-values.
    interval : bool, default=True
        Add ``pooled_difference``, ``ci_low`` and ``ci_high``.
    {n_resamples}
    {confidence}
    {random_state_bootstrap}

    Returns
    -------
    DataFrame
        One row per method: ``method``, ``metric``, ``class``, ``baseline_mean``, ``method_mean``, ``difference``
        (mean over folds, method − baseline), ``se``, ``df``, ``ttest_p`` (raw), ``pooled_difference``,
        ``ci_low``, ``ci_high``, ``p_value`` (Holm), ``detectable``, ``real_difference``, ``improved``.
        ``attrs``: ``test`` (:data:`VERDICT_TEST`), ``design`` (e.g. "2 × 5-fold cross-validation"),
        ``n_repeats``, ``n_splits``, ``alpha``, ``n_resamples``.

    Raises
    ------
    ValueError
        When ``baseline`` is not a method of ``result``, or is the only one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.evaluation import compare_to_baseline, run_experiment
    >>> y = np.repeat([0, 1], [40, 20])
    >>> X = (y + np.random.default_rng(0).normal(0, 1, 60))[:, None]
    >>> methods = {"dummy": DummyClassifier(), "logreg": LogisticRegression()}
    >>> result = run_experiment(methods, X, y, cv=3, progress=False)
    >>> table = compare_to_baseline(result, "dummy", n_resamples=100)
    >>> table[["method", "difference", "p_value", "improved"]].round(3)
       method  difference  p_value  improved
    0  logreg       0.367    0.062     False
    """
    if baseline not in result.methods:
        raise ValueError(f"baseline {baseline!r} is not one of the methods {result.methods}")
    others = [m for m in result.methods if m != baseline]
    if not others:
        raise ValueError("only the baseline was run; nothing to compare")
    cls = "all" if class_ is None else str(class_)
    class_index = None if class_ is None else class_position(class_, result.classes)
    n_train, n_test = fold_sizes(result.folds)
    base_scores = _fold_scores(result, baseline, metric, cls)
    rows, keys = [], []
    for method in others:
        scores = _fold_scores(result, method, metric, cls)
        test = corrected_resampled_ttest(scores, base_scores, n_train, n_test)
        row = {"method": method, "metric": metric, "class": cls, "baseline_mean": float(base_scores.mean()),
               "method_mean": float(scores.mean()), "difference": test["difference"], "se": test["se"],
               "df": test["df"], "ttest_p": test["p_value"], "pooled_difference": np.nan, "ci_low": np.nan,
               "ci_high": np.nan}
        if interval:
            y_true, pred_m, proba_m, groups = result.pooled(method)
            _, pred_b, proba_b, _ = result.pooled(baseline)
            boot = paired_bootstrap(
                y_true, pred_m, pred_b, proba_m, proba_b, metric=metric, classes=result.classes,
                class_=None if class_index is None else result.classes[class_index], groups=groups,
                n_resamples=n_resamples, confidence=confidence, random_state=random_state,
            )
            row.update(pooled_difference=boot["difference"], ci_low=boot["ci_low"], ci_high=boot["ci_high"])
        rows.append(row)
        keys.append(scores.tobytes())  # identical fold scores: one hypothesis
    table = verdict_table(rows, metric, alpha, keys, correction)
    folds = as_folds(result.folds)
    table.attrs.update(test=VERDICT_TEST, design=folds.design, n_repeats=folds.n_repeats, n_splits=folds.n_splits,
                       alpha=alpha, n_resamples=n_resamples)
    return table


def summarise(
    result: ExperimentResult,
    metrics: Sequence[str] = ("macro_f1", "balanced_accuracy", "g_mean"),
    class_metrics: Sequence[str] = ("recall",),
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
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
                           n_resamples=n_resamples, confidence=confidence, random_state=random_state)
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
