"""Classification metrics that respect every class: per-class tables, aggregates, fast confusion-matrix
metrics for the bootstrap, and the one-call :func:`scores` every chapter uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import gmean, rankdata
from sklearn import metrics as skm

from ecombalance._validation import check_labels, check_probabilities
from ecombalance.evaluation._calibration import expected_calibration_error_from_curve, reliability_curve
from ecombalance.evaluation._docstrings import fill_doc

ECE_BINS = 15  # Guo et al. 2017 use 15 equal-width bins

IBA_ALPHA = 0.1  # García, Mollineda & Sánchez 2009 (imbalanced-learn's default)

LOWER_IS_BETTER = frozenset({"log_loss", "brier", "ece", "classwise_ece"})


def encode_labels(
    y_true: Any, y_pred: Any = None, proba: Any = None, classes: Sequence | None = None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """Validate inputs and map labels to integer codes ``0..C-1`` in the order of ``classes``.

    ``classes`` defaults to the sorted labels seen in ``y_true`` and ``y_pred`` (scikit-learn's
    ``predict_proba`` column order). Returns ``(true_codes, pred_codes, proba, classes)``.
    """
    t = check_labels(y_true, "y_true")
    p = None if y_pred is None else check_labels(y_pred, "y_pred")
    if p is not None and len(p) != len(t):
        raise ValueError(f"y_true has {len(t)} labels but y_pred has {len(p)}; they must have the same length")
    if classes is None:
        seen = t if p is None else np.concatenate([t, p])
        classes = np.unique(seen)
    classes = np.asarray(classes)
    if len(set(classes.tolist())) != len(classes):
        raise ValueError(f"classes has duplicates: {classes.tolist()}")
    lookup = {c: i for i, c in enumerate(classes.tolist())}

    def codes(arr: np.ndarray, name: str) -> np.ndarray:
        unknown = sorted({v for v in arr.tolist() if v not in lookup}, key=str)
        if unknown:
            raise ValueError(f"{name} holds label(s) {unknown[:5]} that are not in classes {classes.tolist()[:10]}")
        return np.fromiter((lookup[v] for v in arr.tolist()), dtype=np.int64, count=len(arr))

    t_codes = codes(t, "y_true")
    p_codes = None if p is None else codes(p, "y_pred")
    prob = None
    if proba is not None:
        prob = check_probabilities(proba, n_rows=len(t))
        if prob.ndim == 1:
            if len(classes) != 2:
                raise ValueError("1-D proba (positive-class probability) needs exactly two classes")
            prob = np.column_stack([1 - prob, prob])
        if prob.shape[1] != len(classes):
            raise ValueError(
                f"proba has {prob.shape[1]} columns but there are {len(classes)} classes {classes.tolist()[:10]}; "
                "pass classes= in the column order of proba (estimator.classes_)"
            )
    return t_codes, p_codes, prob, classes


def require_two_classes(t_codes: np.ndarray, classes: np.ndarray) -> None:
    """Raise ``ValueError`` unless the encoded labels ``t_codes`` hold at least two of ``classes``."""
    present = np.unique(t_codes)
    if len(present) < 2:
        raise ValueError(
            f"y_true holds only one class ({classes.tolist()[present[0]]!r}); metrics that compare classes need "
            "at least two. Evaluate on a test fold that keeps the original class distribution (stratified split)"
        )


def _ovr_scores(t: np.ndarray, proba: np.ndarray, score: Callable) -> np.ndarray:
    """One-vs-rest score per class; NaN where the class is absent from (or is all of) ``y_true``."""
    out = np.full(proba.shape[1], np.nan)
    for c in range(proba.shape[1]):
        positive = t == c
        if 0 < positive.sum() < len(t):
            out[c] = score(positive, proba[:, c])
    return out


@fill_doc
def per_class_metrics(
    y_true: Any, y_pred: Any, proba: Any = None, classes: Sequence | None = None
) -> pd.DataFrame:
    r"""Compute per-class metrics, one row per class (index ``class``, in the order of ``classes``).

    Columns: ``precision``, ``recall``, ``f1``, ``support`` (scikit-learn,
    ``zero_division=0``); ``specificity``, ``g_mean`` (:math:`\sqrt{\mathrm{recall}\cdot\mathrm{specificity}}`)
    and ``iba`` (index-balanced accuracy :math:`(1 + \alpha(\mathrm{TPR}-\mathrm{TNR}))\,G^2`, α = 0.1) one
    class against the rest (imbalanced-learn); with ``proba`` also ``roc_auc`` and ``pr_auc`` (average
    precision) one-vs-rest, NaN for a class absent from ``y_true``.

    Parameters
    ----------
    {y_true}
    {y_pred}
    {proba}
    {classes}

    Returns
    -------
    DataFrame
        One row per class, the columns above.

    Raises
    ------
    ValueError
        When ``y_true`` holds a single class, or a label is not in ``classes``.

    See Also
    --------
    classification_metrics : The aggregates over the classes.

    Examples
    --------
    >>> from ecombalance.evaluation import per_class_metrics
    >>> per_class_metrics(["a", "a", "a", "b"], ["a", "a", "b", "b"])[["precision", "recall", "support"]].round(2)
           precision  recall  support
    class
    a            1.0    0.67      3.0
    b            0.5    1.00      1.0
    """
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    if p is None:
        raise ValueError("per_class_metrics needs y_pred")
    require_two_classes(t, classes)
    return per_class_table(t, p, prob, classes)


def per_class_table(t: np.ndarray, p: np.ndarray, prob: np.ndarray | None, classes: np.ndarray) -> pd.DataFrame:
    """:func:`per_class_metrics` of labels already encoded by :func:`encode_labels` (codes into ``classes``).

    Every column comes from one confusion matrix (and, with ``prob``, one sort per class), by the formulas of
    scikit-learn and imbalanced-learn, which give the same values (tests/test_evaluation.py compares them): their
    functions validate their input on every call, about 25 ms per fold of the experiment runner, here 1 ms.
    """
    n_classes = len(classes)
    cm = _confusion(t, p, n_classes)
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    negatives = len(t) - support
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, tp / support, 0.0)
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)
        specificity = np.where(negatives > 0, (negatives - (predicted - tp)) / negatives, 0.0)
    g_mean = np.sqrt(recall * specificity)
    table = pd.DataFrame(
        {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
            "specificity": specificity,
            "g_mean": g_mean,
            "iba": (1 + IBA_ALPHA * (recall - specificity)) * g_mean**2,  # imbalanced-learn's squared IBA
        },
        index=pd.Index(classes, name="class"),
    )
    if prob is not None:
        table["roc_auc"] = _ovr_scores(t, prob, _roc_auc)
        table["pr_auc"] = _ovr_scores(t, prob, _average_precision)
    return table


def _roc_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC-AUC as the Mann–Whitney statistic of the ranks (ties share their mean rank): the area under the
    trapezoidal ROC curve that ``sklearn.metrics.roc_auc_score`` integrates."""
    ranks = rankdata(score)
    n_pos = positive.sum()
    n_neg = len(positive) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _average_precision(positive: np.ndarray, score: np.ndarray) -> float:
    r"""Average precision :math:`\sum_n (R_n - R_{n-1}) P_n` over the distinct scores, highest first, as
    ``sklearn.metrics.average_precision_score`` sums it (no interpolation)."""
    order = np.argsort(-score, kind="mergesort")
    ranked, hits = score[order], positive[order].astype(float)
    last = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]  # the last row of each distinct score
    tps = np.cumsum(hits)[last]
    precision = tps / (last + 1)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@fill_doc
def expected_calibration_error(
    y_true: Any, proba: Any, classes: Sequence | None = None, n_bins: int = ECE_BINS
) -> float:
    r"""Compute the top-label expected calibration error with equal-width bins.

    Guo et al. (2017):

    .. math:: \mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{N}\,\lvert \mathrm{acc}_b - \mathrm{conf}_b \rvert

    where a sample's confidence is its largest predicted probability, ``acc_b`` the fraction of bin ``b``
    whose arg-max class is right, and bins are :math:`(b/B, (b+1)/B]`. scikit-learn has no ECE, hence
    our own (the binning is :func:`ecombalance.evaluation._calibration.reliability_curve`).

    Parameters
    ----------
    {y_true}
    {proba_required}
    {classes}
    {n_bins}

    Returns
    -------
    float
        The ECE, in [0, 1].

    See Also
    --------
    classwise_expected_calibration_error : Every probability column, not only the largest.

    Examples
    --------
    >>> from ecombalance.evaluation import expected_calibration_error
    >>> round(expected_calibration_error(["a", "a", "a", "b"], [[.9, .1], [.8, .2], [.4, .6], [.3, .7]]), 3)
    0.3
    """
    t, _, prob, classes = encode_labels(y_true, None, proba, classes)
    if prob is None:
        raise ValueError("expected_calibration_error needs proba")
    return expected_calibration_error_from_curve(reliability_curve(t, prob, n_bins=n_bins))


@fill_doc
def classwise_expected_calibration_error(
    y_true: Any, proba: Any, classes: Sequence | None = None, n_bins: int = ECE_BINS
) -> float:
    r"""Compute the class-wise expected calibration error.

    Kull et al. (2019, "Beyond temperature scaling"): the mean over the classes of the one-vs-rest ECE of each
    class's own probability column,

    .. math:: \mathrm{ECE}_{cw} = \frac1C \sum_{c=1}^{C} \sum_{b=1}^{B} \frac{n_{cb}}{N}
              \,\bigl\lvert \mathrm{freq}_{cb} - \mathrm{conf}_{cb} \bigr\rvert ,

    where bin :math:`b` of class :math:`c` holds the rows whose :math:`p_c` falls in it, ``conf`` is their mean
    :math:`p_c` and ``freq`` the share of them whose label is :math:`c` (``n_bins`` equal-width bins, those of
    :func:`reliability_curve`). Top-label ECE (:func:`expected_calibration_error`) reads only the largest
    probability of each row, so a model that moves probability onto the small classes without changing many
    arg-max decisions can look calibrated to it; class-wise ECE reads every column. Each class's term is
    :func:`metric_value` ``("ece", class_index=c)``.

    Parameters
    ----------
    {y_true}
    {proba_required}
    {classes}
    {n_bins}

    Returns
    -------
    float
        The class-wise ECE, in [0, 1].

    Examples
    --------
    >>> from ecombalance.evaluation import classwise_expected_calibration_error
    >>> round(classwise_expected_calibration_error(["a", "a", "a", "b"], [[.9, .1], [.8, .2], [.4, .6], [.3, .7]]), 3)
    0.3
    """
    t, _, prob, classes = encode_labels(y_true, None, proba, classes)
    if prob is None:
        raise ValueError("classwise_expected_calibration_error needs proba")
    return metric_value("classwise_ece", t, None, prob, len(classes), n_bins=n_bins)


@fill_doc
def classification_metrics(
    y_true: Any, y_pred: Any, proba: Any = None, classes: Sequence | None = None, n_bins: int = ECE_BINS
) -> dict[str, float]:
    r"""Compute the aggregate metrics of one set of predictions.

    Always: ``accuracy``, ``balanced_accuracy`` (mean recall), ``macro_f1``, ``weighted_f1``, ``micro_f1``,
    ``g_mean`` (geometric mean of the per-class recalls, imbalanced-learn ``average="multiclass"``), ``iba``
    (mean over classes of the one-vs-rest index-balanced accuracy, α = 0.1), ``mcc`` (Matthews, multi-class).

    With ``proba`` (columns in the order of ``classes``): ``roc_auc_macro`` and ``pr_auc_macro`` (mean of the
    one-vs-rest ROC-AUC / average precision over the classes present), ``log_loss``, ``brier`` and ``ece``.

    ``brier`` is scikit-learn's ``brier_score_loss`` with its ``scale_by_half="auto"``: for more than two
    classes :math:`\frac1N\sum_i\sum_c (p_{ic} - y_{ic})^2` against the one-hot labels (Brier 1950, range
    [0, 2]); for two classes the customary half of it, :math:`\frac1N\sum_i (p_i - y_i)^2` (range [0, 1]).
    ``ece`` is :func:`expected_calibration_error` (top-label, ``n_bins`` equal-width bins).

    Binary labels with a 1-D ``proba`` (probability of ``classes[1]``, e.g. a click model) work too; the
    positive class's own PR-AUC is then the ``pr_auc`` row of :func:`per_class_metrics`.

    Parameters
    ----------
    {y_true}
    {y_pred}
    {proba}
    {classes}
    {n_bins}

    Returns
    -------
    dict of str to float
        ``{metric: value}``, the metrics above.

    Raises
    ------
    ValueError
        When ``y_true`` holds a single class, or a label is not in ``classes``.

    Examples
    --------
    >>> from ecombalance.evaluation import classification_metrics
    >>> proba = [[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7]]
    >>> m = classification_metrics(["a", "a", "a", "b"], ["a", "a", "b", "b"], proba)
    >>> round(m["macro_f1"], 3), round(m["balanced_accuracy"], 3), len(m)
    (0.733, 0.833, 13)
    """
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    if p is None:
        raise ValueError("classification_metrics needs y_pred")
    require_two_classes(t, classes)
    return aggregate_metrics(t, p, prob, classes, per_class_table(t, p, prob, classes), n_bins)


def aggregate_metrics(t: np.ndarray, p: np.ndarray, prob: np.ndarray | None, classes: np.ndarray, table: pd.DataFrame,
               n_bins: int = ECE_BINS) -> dict[str, float]:
    """:func:`classification_metrics` of labels encoded by :func:`encode_labels`; the one-vs-rest AUCs and IBA
    are read from ``table``, the :func:`per_class_table` of the same labels (computed once for both)."""
    labels = np.arange(len(classes))
    cm = _confusion(t, p, len(classes))
    out = {metric: _from_confusion(cm, metric) for metric in  # scikit-learn's and imbalanced-learn's formulas
           ("accuracy", "balanced_accuracy", "macro_f1", "weighted_f1", "micro_f1", "g_mean")}
    out["iba"] = float(table["iba"].mean())
    out["mcc"] = _from_confusion(cm, "mcc")
    if prob is not None:
        out["roc_auc_macro"] = float(table["roc_auc"].mean())  # pandas skips the NaN of absent classes
        out["pr_auc_macro"] = float(table["pr_auc"].mean())
        out["log_loss"] = skm.log_loss(t, prob, labels=labels)
        out["brier"] = (skm.brier_score_loss(t, prob[:, 1]) if len(classes) == 2
                        else skm.brier_score_loss(t, prob, labels=labels))
        out["ece"] = expected_calibration_error_from_curve(reliability_curve(t, prob, n_bins=n_bins))
    return {k: float(v) for k, v in out.items()}


# Fast metrics from a confusion matrix, for the thousands of resamples of a bootstrap. Calling scikit-learn
# once per resample costs ~1 ms each (input validation), 50x the bincount below. The formulas are
# scikit-learn's and imbalanced-learn's own (F1 = 2 TP / (support + predicted), scipy's gmean), so the values
# agree to the last bit (tests/test_evaluation.py).
CONFUSION_METRICS = ("accuracy", "balanced_accuracy", "macro_f1", "weighted_f1", "micro_f1", "g_mean", "mcc")

CLASS_METRICS = ("precision", "recall", "f1")

CLASS_PROBA_METRICS = ("roc_auc", "pr_auc", "ece")  # one class against the rest, from its probability column


def _confusion(t: np.ndarray, p: np.ndarray, n_classes: int) -> np.ndarray:
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _from_confusion(cm: np.ndarray, metric: str, class_index: int | None = None, skip_absent: bool = False) -> float:
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, tp / support, 0.0)
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)  # scikit-learn's form
    if class_index is not None:
        return float({"precision": precision, "recall": recall, "f1": f1}[metric][class_index])
    n = cm.sum()
    present = support > 0
    if metric == "accuracy" or metric == "micro_f1":
        return float(tp.sum() / n)
    if metric == "balanced_accuracy":
        return float(recall[present].mean())
    if metric == "macro_f1":
        # skip_absent: over the classes that occur (true or predicted), scikit-learn's default label set; a class
        # a bootstrap resample happens to leave out is then no class with F1 0 (which biased intervals low)
        return float(f1[(support + predicted) > 0].mean() if skip_absent else f1.mean())
    if metric == "weighted_f1":
        return float((f1 * support).sum() / n)
    if metric == "g_mean":
        with np.errstate(divide="ignore"):  # a recall of 0 gives log(0) = -inf and a G-mean of 0
            return float(gmean(recall[present]))  # as imbalanced-learn computes it
    if metric == "mcc":
        cov_tp = tp.sum() * n - predicted @ support
        denom = np.sqrt((n**2 - predicted @ predicted) * (n**2 - support @ support))
        return float(cov_tp / denom) if denom > 0 else 0.0
    raise ValueError(f"no confusion-matrix formula for {metric!r}")


def _class_from_proba(metric: str, positive: np.ndarray, score: np.ndarray, n_bins: int) -> float:
    if metric == "ece":
        curve = reliability_curve(positive.astype(int), score, n_bins=n_bins)
        return expected_calibration_error_from_curve(curve)
    if not 0 < positive.sum() < len(positive):
        return float("nan")
    return float((skm.roc_auc_score if metric == "roc_auc" else skm.average_precision_score)(positive, score))


def metric_value(
    metric: str, t_codes: np.ndarray, p_codes: np.ndarray | None, proba: np.ndarray | None, n_classes: int,
    class_index: int | None = None, n_bins: int = ECE_BINS, skip_absent: bool = False,
) -> float:
    """One metric on integer-coded labels (see :func:`encode_labels`); the building block of the bootstrap.

    ``metric`` is one of ``CONFUSION_METRICS``, ``log_loss`` / ``brier`` / ``ece`` / ``classwise_ece`` /
    ``roc_auc_macro`` / ``pr_auc_macro`` (need ``proba``; ``classwise_ece`` is the mean over the classes of the
    class-wise ECE below, Kull et al. 2019), or with ``class_index`` one of ``CLASS_METRICS`` (from the confusion
    matrix) or ``CLASS_PROBA_METRICS``: the class's own probability column against "is this class" —
    ROC-AUC, average precision (NaN when the class is absent from, or is all of, ``t_codes``) and the
    class-wise ECE (Kull et al. 2019; for a binary click model with ``class_index=1`` the calibration of
    the click probability, as :func:`sklearn.calibration.calibration_curve` bins it). ``ece`` uses
    ``n_bins`` equal-width bins. ``skip_absent``: macro-F1 over the classes present in ``t_codes`` or
    ``p_codes`` only (a bootstrap resample that misses a class), instead of over all ``n_classes``.
    """
    if class_index is not None:
        if metric in CLASS_PROBA_METRICS:
            if proba is None:
                raise ValueError(f"per-class {metric!r} needs probabilities; pass proba")
            return _class_from_proba(metric, t_codes == class_index, proba[:, class_index], n_bins)
        if metric not in CLASS_METRICS:
            raise ValueError(f"per-class metrics are {CLASS_METRICS + CLASS_PROBA_METRICS}, got {metric!r}")
        return _from_confusion(_confusion(t_codes, p_codes, n_classes), metric, class_index)
    if metric in CONFUSION_METRICS:
        return _from_confusion(_confusion(t_codes, p_codes, n_classes), metric, skip_absent=skip_absent)
    if proba is None:
        raise ValueError(f"metric {metric!r} needs probabilities; run the methods with predict_proba")
    labels = np.arange(n_classes)
    if metric == "log_loss":
        return float(skm.log_loss(t_codes, proba, labels=labels))
    if metric == "brier":
        return float(skm.brier_score_loss(t_codes, proba[:, 1]) if n_classes == 2
                     else skm.brier_score_loss(t_codes, proba, labels=labels))
    if metric == "ece":
        return expected_calibration_error_from_curve(reliability_curve(t_codes, proba, n_bins=n_bins))
    if metric == "classwise_ece":
        return float(np.mean([_class_from_proba("ece", t_codes == c, proba[:, c], n_bins) for c in labels]))
    if metric in ("roc_auc_macro", "pr_auc_macro"):
        score = skm.roc_auc_score if metric == "roc_auc_macro" else skm.average_precision_score
        return float(np.nanmean(_ovr_scores(t_codes, proba, score)))
    known = CONFUSION_METRICS + ("log_loss", "brier", "ece", "classwise_ece", "roc_auc_macro", "pr_auc_macro")
    raise ValueError(f"unknown metric {metric!r}; choose one of {known}, "
                     f"or {CLASS_METRICS + CLASS_PROBA_METRICS} with class_=")


def class_position(class_: Any, classes: np.ndarray) -> int | None:
    """The position of ``class_`` in ``classes`` (matched as given, then as text); None for None, else ValueError."""
    if class_ is None:
        return None
    names = [str(c) for c in classes.tolist()]
    if class_ in classes.tolist():
        return classes.tolist().index(class_)
    if str(class_) in names:
        return names.index(str(class_))
    raise ValueError(f"class_ {class_!r} is not one of the classes {classes.tolist()[:10]}")


def scores(
    y_true: Any,
    y_pred: Any,
    proba: Any = None,
    classes: Sequence | None = None,
    metrics: Sequence[str] = ("macro_f1", "balanced_accuracy", "accuracy"),
    per_class: Sequence[str] = ("recall",),
    n_bins: int = ECE_BINS,
) -> dict[str, float]:
    """The metrics every chapter reports, as one flat dict: ``{metric: value, "recall[c]": value, ...}``.

    ``metrics`` are names accepted by :func:`metric_value` (``ece``, ``log_loss`` and the AUCs need
    ``proba``, columns in the order of ``classes``); ``per_class`` are :data:`CLASS_METRICS` or
    :data:`CLASS_PROBA_METRICS` (need ``proba``), one key ``"<metric>[<class>]"`` per class. ``classes``
    fixes the label set and its order (default: the sorted labels seen in ``y_true`` and ``y_pred``): a
    class absent from a fold still gets its row (recall 0), and macro averages run over all of
    ``classes``. Confusion-matrix metrics come from one bincount (tested equal to scikit-learn's); a single
    call costs microseconds, not one scikit-learn validation per metric. ``ece`` uses ``n_bins`` bins.
    """
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    if p is None:
        raise ValueError("scores needs y_pred")
    unknown = [m for m in per_class if m not in CLASS_METRICS + CLASS_PROBA_METRICS]
    if unknown:
        raise ValueError(f"per_class metrics {unknown} are not among {CLASS_METRICS + CLASS_PROBA_METRICS}")
    out = {m: metric_value(m, t, p, prob, len(classes), n_bins=n_bins) for m in metrics}
    cm = _confusion(t, p, len(classes))
    for m in per_class:
        for i, c in enumerate(classes.tolist()):
            out[f"{m}[{c}]"] = (_from_confusion(cm, m, i) if m in CLASS_METRICS
                                else metric_value(m, t, p, prob, len(classes), i, n_bins))
    return out
