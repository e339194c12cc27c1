"""Effect evaluation: metrics that respect every class, ranking metrics for search logs, a cross-validated
experiment runner, bootstrap confidence intervals, paired comparisons against a baseline, and decision tuning.

Accuracy alone hides what imbalance does (predicting the majority class of the 400 / 150 / 50 case scores
0.667), so every comparison here reports per-class precision / recall / F1 next to macro-F1, balanced
accuracy, G-mean, MCC, PR-AUC and calibration, computed on test folds that keep the original distribution.

Sections: classification metrics · ranking metrics · experiment runner · confidence intervals and paired
comparisons · threshold and cost decisions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from imblearn.metrics import geometric_mean_score, make_index_balanced_accuracy, sensitivity_specificity_support
from scipy import stats
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in a notebook

from ecombalance.calibration import check_probabilities, expected_calibration_error_from_curve, reliability_curve
from ecombalance.datasets import ESCI_GAINS  # E 1.0, S 0.1, C 0.01, I 0.0

ECE_BINS = 15  # Guo et al. 2017 use 15 equal-width bins
IBA_ALPHA = 0.1  # García, Mollineda & Sánchez 2009 (imbalanced-learn's default)
LOWER_IS_BETTER = frozenset({"log_loss", "brier", "ece"})

# --------------------------------------------------------------------------------------------------------
# Classification metrics
# --------------------------------------------------------------------------------------------------------


def _labels(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty")
    if pd.isna(pd.Series(arr, dtype=object)).any():
        raise ValueError(f"{name} contains missing (NaN/None) labels; drop or label those rows first")
    return arr


def encode_labels(
    y_true: Any, y_pred: Any = None, proba: Any = None, classes: Sequence | None = None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """Validate inputs and map labels to integer codes ``0..C-1`` in the order of ``classes``.

    ``classes`` defaults to the sorted labels seen in ``y_true`` and ``y_pred`` (scikit-learn's
    ``predict_proba`` column order). Returns ``(true_codes, pred_codes, proba, classes)``.
    """
    t = _labels(y_true, "y_true")
    p = None if y_pred is None else _labels(y_pred, "y_pred")
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


def _require_two_classes(t_codes: np.ndarray, classes: np.ndarray) -> None:
    present = np.unique(t_codes)
    if len(present) < 2:
        raise ValueError(
            f"y_true holds only one class ({classes.tolist()[present[0]]!r}); metrics that compare classes need "
            "at least two. Evaluate on a test fold that keeps the original class distribution (stratified split)"
        )


def _iba_per_class(t: np.ndarray, p: np.ndarray, labels: np.ndarray) -> np.ndarray:
    iba = make_index_balanced_accuracy(alpha=IBA_ALPHA, squared=True)(geometric_mean_score)
    return np.asarray(iba(t, p, labels=labels, average=None), dtype=float)


def _ovr_scores(t: np.ndarray, proba: np.ndarray, score: Callable) -> np.ndarray:
    """One-vs-rest score per class; NaN where the class is absent from (or is all of) ``y_true``."""
    out = np.full(proba.shape[1], np.nan)
    for c in range(proba.shape[1]):
        positive = t == c
        if 0 < positive.sum() < len(t):
            out[c] = score(positive, proba[:, c])
    return out


def per_class_metrics(
    y_true: Any, y_pred: Any, proba: Any = None, classes: Sequence | None = None
) -> pd.DataFrame:
    r"""Per-class metrics, one row per class (index ``class``, in the order of ``classes``).

    Columns: ``precision``, ``recall``, ``f1``, ``support`` (scikit-learn,
    ``zero_division=0``); ``specificity``, ``g_mean`` (:math:`\sqrt{\mathrm{recall}\cdot\mathrm{specificity}}`)
    and ``iba`` (index-balanced accuracy :math:`(1 + \alpha(\mathrm{TPR}-\mathrm{TNR}))\,G^2`, α = 0.1) one
    class against the rest (imbalanced-learn); with ``proba`` also ``roc_auc`` and ``pr_auc`` (average
    precision) one-vs-rest, NaN for a class absent from ``y_true``.
    """
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    if p is None:
        raise ValueError("per_class_metrics needs y_pred")
    _require_two_classes(t, classes)
    return _per_class(t, p, prob, classes)


def _per_class(t: np.ndarray, p: np.ndarray, prob: np.ndarray | None, classes: np.ndarray) -> pd.DataFrame:
    labels = np.arange(len(classes))
    precision, recall, f1, support = skm.precision_recall_fscore_support(t, p, labels=labels, zero_division=0)
    _, specificity, _ = sensitivity_specificity_support(t, p, labels=labels, average=None)
    table = pd.DataFrame(
        {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support.astype(float),
            "specificity": specificity,
            "g_mean": geometric_mean_score(t, p, labels=labels, average=None),
            "iba": _iba_per_class(t, p, labels),
        },
        index=pd.Index(classes, name="class"),
    )
    if prob is not None:
        table["roc_auc"] = _ovr_scores(t, prob, skm.roc_auc_score)
        table["pr_auc"] = _ovr_scores(t, prob, skm.average_precision_score)
    return table


def expected_calibration_error(
    y_true: Any, proba: Any, classes: Sequence | None = None, n_bins: int = ECE_BINS
) -> float:
    r"""Top-label expected calibration error with equal-width bins (Guo et al. 2017):

    .. math:: \mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{N}\,\lvert \mathrm{acc}_b - \mathrm{conf}_b \rvert

    where a sample's confidence is its largest predicted probability, ``acc_b`` the fraction of bin ``b``
    whose arg-max class is right, and bins are :math:`(b/B, (b+1)/B]`. scikit-learn has no ECE, hence
    our own (the binning is :func:`ecombalance.calibration.reliability_curve`).
    """
    t, _, prob, classes = encode_labels(y_true, None, proba, classes)
    if prob is None:
        raise ValueError("expected_calibration_error needs proba")
    return expected_calibration_error_from_curve(reliability_curve(t, prob, n_bins=n_bins))


def classification_metrics(
    y_true: Any, y_pred: Any, proba: Any = None, classes: Sequence | None = None, n_bins: int = ECE_BINS
) -> dict[str, float]:
    r"""Aggregate metrics of one set of predictions.

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
    """
    t, p, prob, classes = encode_labels(y_true, y_pred, proba, classes)
    if p is None:
        raise ValueError("classification_metrics needs y_pred")
    _require_two_classes(t, classes)
    return _aggregate(t, p, prob, classes, _per_class(t, p, prob, classes), n_bins)


def _aggregate(t: np.ndarray, p: np.ndarray, prob: np.ndarray | None, classes: np.ndarray, table: pd.DataFrame,
               n_bins: int = ECE_BINS) -> dict[str, float]:
    """Aggregate metrics; the one-vs-rest AUCs and IBA are read from the per-class ``table``."""
    labels = np.arange(len(classes))
    out = {
        "accuracy": skm.accuracy_score(t, p),
        "balanced_accuracy": skm.balanced_accuracy_score(t, p),
        "macro_f1": skm.f1_score(t, p, labels=labels, average="macro", zero_division=0),
        "weighted_f1": skm.f1_score(t, p, labels=labels, average="weighted", zero_division=0),
        "micro_f1": skm.f1_score(t, p, labels=labels, average="micro", zero_division=0),
        "g_mean": geometric_mean_score(t, p, labels=np.unique(t), average="multiclass"),
        "iba": float(table["iba"].mean()),
        "mcc": skm.matthews_corrcoef(t, p),
    }
    if prob is not None:
        out["roc_auc_macro"] = float(table["roc_auc"].mean())  # pandas skips the NaN of absent classes
        out["pr_auc_macro"] = float(table["pr_auc"].mean())
        out["log_loss"] = skm.log_loss(t, prob, labels=labels)
        out["brier"] = (skm.brier_score_loss(t, prob[:, 1]) if len(classes) == 2
                        else skm.brier_score_loss(t, prob, labels=labels))
        out["ece"] = expected_calibration_error_from_curve(reliability_curve(t, prob, n_bins=n_bins))
    return {k: float(v) for k, v in out.items()}


# Fast metrics from a confusion matrix, for the thousands of resamples of a bootstrap. Calling scikit-learn
# once per resample costs ~1 ms each (input validation), 50x the bincount below; the values are tested
# equal to scikit-learn's in tests/test_evaluation.py.
CONFUSION_METRICS = ("accuracy", "balanced_accuracy", "macro_f1", "weighted_f1", "micro_f1", "g_mean", "mcc")
CLASS_METRICS = ("precision", "recall", "f1")


def _confusion(t: np.ndarray, p: np.ndarray, n_classes: int) -> np.ndarray:
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _from_confusion(cm: np.ndarray, metric: str, class_index: int | None = None) -> float:
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, tp / support, 0.0)
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    if class_index is not None:
        return float({"precision": precision, "recall": recall, "f1": f1}[metric][class_index])
    n = cm.sum()
    present = support > 0
    if metric == "accuracy" or metric == "micro_f1":
        return float(tp.sum() / n)
    if metric == "balanced_accuracy":
        return float(recall[present].mean())
    if metric == "macro_f1":
        return float(f1.mean())
    if metric == "weighted_f1":
        return float((f1 * support).sum() / n)
    if metric == "g_mean":
        return float(np.prod(recall[present]) ** (1 / present.sum()))
    if metric == "mcc":
        cov_tp = tp.sum() * n - predicted @ support
        denom = np.sqrt((n**2 - predicted @ predicted) * (n**2 - support @ support))
        return float(cov_tp / denom) if denom > 0 else 0.0
    raise ValueError(f"no confusion-matrix formula for {metric!r}")


def metric_value(
    metric: str, t_codes: np.ndarray, p_codes: np.ndarray | None, proba: np.ndarray | None, n_classes: int,
    class_index: int | None = None,
) -> float:
    """One metric on integer-coded labels (see :func:`encode_labels`); the building block of the bootstrap.

    ``metric`` is one of ``CONFUSION_METRICS``, ``log_loss`` / ``brier`` / ``ece`` / ``roc_auc_macro`` /
    ``pr_auc_macro`` (need ``proba``), or with ``class_index`` one of ``CLASS_METRICS``.
    """
    if class_index is not None:
        if metric not in CLASS_METRICS:
            raise ValueError(f"per-class bootstrap supports {CLASS_METRICS}, got {metric!r}")
        return _from_confusion(_confusion(t_codes, p_codes, n_classes), metric, class_index)
    if metric in CONFUSION_METRICS:
        return _from_confusion(_confusion(t_codes, p_codes, n_classes), metric)
    if proba is None:
        raise ValueError(f"metric {metric!r} needs probabilities; run the methods with predict_proba")
    labels = np.arange(n_classes)
    if metric == "log_loss":
        return float(skm.log_loss(t_codes, proba, labels=labels))
    if metric == "brier":
        return float(skm.brier_score_loss(t_codes, proba[:, 1]) if n_classes == 2
                     else skm.brier_score_loss(t_codes, proba, labels=labels))
    if metric == "ece":
        return expected_calibration_error_from_curve(reliability_curve(t_codes, proba, n_bins=ECE_BINS))
    if metric in ("roc_auc_macro", "pr_auc_macro"):
        score = skm.roc_auc_score if metric == "roc_auc_macro" else skm.average_precision_score
        return float(np.nanmean(_ovr_scores(t_codes, proba, score)))
    known = CONFUSION_METRICS + ("log_loss", "brier", "ece", "roc_auc_macro", "pr_auc_macro")
    raise ValueError(f"unknown metric {metric!r}; choose one of {known}, or {CLASS_METRICS} with class_=")


# --------------------------------------------------------------------------------------------------------
# Ranking metrics for search logs
# --------------------------------------------------------------------------------------------------------


def per_query_ranking(
    frame: pd.DataFrame,
    query_col: str = "query_id",
    label_col: str = "esci_label",
    score_col: str = "score",
    k: int = 10,
    gains: Mapping[Any, float] | None = ESCI_GAINS,
    relevant: Sequence = ("E",),
) -> pd.DataFrame:
    r"""NDCG@k, reciprocal rank and recall@k of each query (index: query id).

    Items of a query are ranked by ``score`` (descending; ties are broken pessimistically, lower gain
    first, so a constant score earns no credit). With linear gains :math:`g` (ESCI: E 1, S 0.1, C 0.01,
    I 0; ``gains=None`` reads ``label_col`` as numeric gains):

    .. math:: \mathrm{DCG@k} = \sum_{r=1}^{k} \frac{g_r}{\log_2(r+1)}, \qquad
              \mathrm{NDCG@k} = \mathrm{DCG@k} / \mathrm{IDCG@k}

    with IDCG@k the DCG of the query's own items sorted by their true gain. Reciprocal rank is
    :math:`1/r` of the first item whose label is in ``relevant`` (default: Exact); recall@k the share of
    the query's relevant items in its top k.

    Undefined values are NaN: NDCG where IDCG = 0 (no item with a positive gain); reciprocal rank and
    recall@k where the query has no relevant item. :func:`ranking_metrics` decides how to average them.
    Columns: ``ndcg@k``, ``mrr``, ``recall@k``, ``n_items``, ``n_relevant``.
    """
    missing = [c for c in (query_col, label_col, score_col) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column(s) {missing}; pass query_col=, label_col=, score_col=")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if frame.empty:
        raise ValueError("frame is empty: no queries to score")
    for col in (query_col, label_col, score_col):
        if frame[col].isna().any():
            raise ValueError(f"column {col!r} has {int(frame[col].isna().sum())} missing value(s)")
    if gains is None:
        gain = pd.to_numeric(frame[label_col], errors="raise").to_numpy(dtype=float)
    else:
        unknown = sorted(set(frame[label_col].unique()) - set(gains), key=str)
        if unknown:
            raise ValueError(f"labels {unknown[:5]} have no gain; gains maps {list(gains)}")
        gain = frame[label_col].map(gains).to_numpy(dtype=float)
    data = pd.DataFrame({
        "q": frame[query_col].to_numpy(), "gain": gain, "score": frame[score_col].to_numpy(dtype=float),
        "rel": frame[label_col].isin(list(relevant)).to_numpy(),
    })
    ranked = data.sort_values(["q", "score", "gain"], ascending=[True, False, True], kind="stable")
    ranked["rank"] = ranked.groupby("q", sort=False).cumcount() + 1
    ranked["disc"] = 1.0 / np.log2(ranked["rank"] + 1.0)
    ideal = data.sort_values(["q", "gain"], ascending=[True, False], kind="stable")
    ideal["rank"] = ideal.groupby("q", sort=False).cumcount() + 1
    top = ranked[ranked["rank"] <= k]
    dcg = (top["gain"] * top["disc"]).groupby(top["q"]).sum()
    itop = ideal[ideal["rank"] <= k]
    idcg = (itop["gain"] / np.log2(itop["rank"] + 1.0)).groupby(itop["q"]).sum()
    n_items = data.groupby("q").size()
    n_relevant = data.groupby("q")["rel"].sum()
    first_rank = ranked[ranked["rel"]].groupby("q")["rank"].min()
    hits = top[top["rel"]].groupby("q").size()
    out = pd.DataFrame(index=n_items.index)
    out.index.name = query_col
    out[f"ndcg@{k}"] = (dcg / idcg.where(idcg > 0)).reindex(out.index)
    out["mrr"] = (1.0 / first_rank).reindex(out.index)
    out[f"recall@{k}"] = (hits.reindex(out.index, fill_value=0) / n_relevant.where(n_relevant > 0))
    out["n_items"] = n_items
    out["n_relevant"] = n_relevant.astype(int)
    return out


def ranking_metrics(
    frame: pd.DataFrame,
    query_col: str = "query_id",
    label_col: str = "esci_label",
    score_col: str = "score",
    k: int = 10,
    gains: Mapping[Any, float] | None = ESCI_GAINS,
    relevant: Sequence = ("E",),
    no_relevant: str = "exclude",
) -> dict[str, float]:
    """Mean over queries of :func:`per_query_ranking`: ``ndcg@k``, ``mrr``, ``recall@k``.

    ``no_relevant`` says what a query without a relevant item (or, for NDCG, without any positive gain)
    contributes: ``"exclude"`` (default) leaves it out of that metric's mean — it has nothing to find, so
    it says nothing about the ranker — while ``"zero"`` scores it 0. Either way the counts are returned:
    ``n_queries``, ``n_queries_without_relevant`` and ``n_queries_without_gain``.
    """
    if no_relevant not in ("exclude", "zero"):
        raise ValueError(f"no_relevant must be 'exclude' or 'zero', got {no_relevant!r}")
    per_query = per_query_ranking(frame, query_col, label_col, score_col, k, gains, relevant)
    out: dict[str, float] = {}
    for col in (f"ndcg@{k}", "mrr", f"recall@{k}"):
        values = per_query[col] if no_relevant == "exclude" else per_query[col].fillna(0.0)
        out[col] = float(values.mean()) if values.notna().any() else float("nan")
    out["n_queries"] = float(len(per_query))
    out["n_queries_without_relevant"] = float((per_query["n_relevant"] == 0).sum())
    out["n_queries_without_gain"] = float(per_query[f"ndcg@{k}"].isna().sum())
    return out


# --------------------------------------------------------------------------------------------------------
# Experiment runner
# --------------------------------------------------------------------------------------------------------


def make_folds(
    y: Any, groups: Any = None, n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The K (train, test) row-index pairs every method is evaluated on.

    Stratified K-fold (shuffled with ``seed``); with ``groups`` (e.g. query ids) stratified *group* K-fold,
    so no query has items on both sides. Test folds keep the original class distribution.
    """
    y = _labels(y, "y")
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    _, counts = np.unique(y, return_counts=True)
    if len(counts) < 2:
        raise ValueError("y holds only one class; a classification experiment needs at least two")
    if groups is None:
        if counts.min() < n_splits:
            raise ValueError(
                f"the smallest class has {counts.min()} samples, fewer than n_splits={n_splits}; lower n_splits "
                "or merge/drop rare classes (datasets.load(min_class_size=...))"
            )
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y)
    else:
        groups = _labels(groups, "groups")
        if len(groups) != len(y):
            raise ValueError(f"groups has {len(groups)} entries but y has {len(y)}; one group id per row")
        n_groups = len(np.unique(groups))
        if n_groups < n_splits:
            raise ValueError(f"only {n_groups} groups for n_splits={n_splits}; lower n_splits")
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y, groups)
    return [(np.sort(train), np.sort(test)) for train, test in splits]


@dataclass
class ExperimentResult:
    """What :func:`run_experiment` returns.

    ``results``: tidy DataFrame (method, fold, metric, class, value), ``class == "all"`` for aggregates.
    ``oof_rows`` / ``pooled(method)``: the rows some test fold predicted and their pooled predictions.
    ``folds``: the (train, test) row indices shared by every method. ``oof_pred`` / ``oof_proba``: per
    method, the out-of-fold predictions in the row order of ``y`` (every row is predicted once, by the
    model that did not see it); ``oof_proba`` columns follow ``classes``. ``timings``: fit / predict
    seconds per method and fold (kept out of ``results`` so that results repeat exactly with the seed).
    """

    results: pd.DataFrame
    folds: list[tuple[np.ndarray, np.ndarray]]
    classes: np.ndarray
    y: np.ndarray
    groups: np.ndarray | None
    oof_pred: dict[str, np.ndarray] = field(default_factory=dict)
    oof_proba: dict[str, np.ndarray | None] = field(default_factory=dict)
    timings: pd.DataFrame | None = None

    @property
    def methods(self) -> list[str]:
        return list(self.oof_pred)

    @property
    def oof_rows(self) -> np.ndarray:
        """Rows that some test fold predicted (all rows for folds from :func:`make_folds`)."""
        return np.unique(np.concatenate([test for _, test in self.folds]))

    def pooled(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """``(y_true, y_pred, proba, groups)`` of ``method`` over :attr:`oof_rows`."""
        if method not in self.oof_pred:
            raise ValueError(f"no method {method!r}; the experiment ran {self.methods}")
        rows = self.oof_rows
        proba = self.oof_proba[method]
        return (self.y[rows], self.oof_pred[method][rows], None if proba is None else proba[rows],
                None if self.groups is None else self.groups[rows])


def _take(data: Any, rows: np.ndarray) -> Any:
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[rows]
    if isinstance(data, list):
        return [data[i] for i in rows]
    return data[rows]


def _instantiate(name: str, spec: Any) -> Any:
    if hasattr(spec, "fit"):
        return clone(spec)
    if callable(spec):
        estimator = spec()
        if not hasattr(estimator, "fit"):
            raise TypeError(f"method {name!r}: the factory returned {type(estimator).__name__}, not an estimator")
        return estimator
    raise TypeError(
        f"method {name!r} must be an estimator (with fit/predict), a factory returning one, or "
        f"(features_name, estimator); got {type(spec).__name__}"
    )


def _seed_estimator(estimator: Any, seed: int) -> None:
    """Fill every unset ``random_state`` (also inside pipelines) with ``seed``."""
    if not hasattr(estimator, "get_params"):
        return
    unset = {k: seed for k, v in estimator.get_params(deep=True).items()
             if k.split("__")[-1] == "random_state" and v is None}
    if unset:
        estimator.set_params(**unset)


def _aligned_proba(estimator: Any, X_test: Any, classes: np.ndarray) -> np.ndarray | None:
    if not hasattr(estimator, "predict_proba"):
        return None
    raw = np.asarray(estimator.predict_proba(X_test), dtype=float)
    fitted = np.asarray(getattr(estimator, "classes_", classes))
    proba = np.zeros((len(raw), len(classes)))
    position = {c: i for i, c in enumerate(classes.tolist())}
    for j, c in enumerate(fitted.tolist()):
        proba[:, position[c]] = raw[:, j]
    return proba


def _rows(method: str, fold: int, metrics: Mapping[str, float], cls: str = "all") -> list[tuple]:
    return [(method, fold, name, cls, float(value)) for name, value in metrics.items()]


def run_experiment(
    methods: Mapping[str, Any],
    X: Any,
    y: Any,
    groups: Any = None,
    n_splits: int = 5,
    seed: int = 0,
    features: Mapping[str, Any] | None = None,
    folds: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    classes: Sequence | None = None,
    ranking_k: int | None = None,
    gains: Mapping[Any, float] = ESCI_GAINS,
    progress: bool = True,
) -> ExperimentResult:
    r"""Evaluate every method on the same K folds and collect tidy results.

    Parameters
    ----------
    methods : mapping name -> estimator | factory | (features_name, estimator or factory)
        Each estimator is cloned (a factory is called) afresh for every fold, fitted on the training rows
        only and asked to predict the test rows. Resampling belongs *inside* the estimator — an
        imbalanced-learn ``Pipeline`` applies its sampler in ``fit`` only — so test rows are never
        resampled and never fitted on. Unset ``random_state`` parameters are set to ``seed``.
    X : DataFrame, array or sparse matrix
        Model input, rows aligned with ``y``.
    y : array-like of labels
    groups : array-like, optional
        Group ids (query ids for a search log): stratified group K-fold instead of stratified K-fold.
    n_splits, seed : int
        Folds from :func:`make_folds` (ignored when ``folds`` is given).
    features : mapping name -> array, optional
        Precomputed inputs (e.g. frozen-encoder embeddings, computed once without labels); a method given
        as ``(name, estimator)`` reads ``features[name]`` instead of ``X``. Anything *fitted* must stay in the
        estimator so it is fitted on training folds only.
    folds : list of (train_idx, test_idx), optional
        Use these folds (e.g. from an earlier experiment) instead of making new ones.
    classes : sequence, optional
        Class order for per-class rows and probability columns (default: sorted labels).
    ranking_k : int, optional
        With ``groups``, also score each test fold as a ranking: items scored by the expected gain
        :math:`\sum_c p_c\, g_c` under ``gains`` and ranked per group (:func:`ranking_metrics`); an item
        counts as relevant for MRR / recall@k when its class has the largest gain (Exact for ESCI).
    progress : bool
        Show a tqdm bar over methods × folds.

    Returns
    -------
    ExperimentResult
    """
    if not methods:
        raise ValueError("methods is empty: pass {name: estimator}")
    y = _labels(y, "y")
    n = len(y)
    inputs = {"": X, **(features or {})}
    for name, data in inputs.items():
        n_rows = data.shape[0] if hasattr(data, "shape") else len(data)
        if n_rows != n:
            label = "X" if name == "" else f"features[{name!r}]"
            raise ValueError(f"{label} has {n_rows} rows but y has {n}; rows must be aligned")
    classes = np.unique(y) if classes is None else np.asarray(classes)
    codes_y, _, _, classes = encode_labels(y, None, None, classes)
    group_arr = None if groups is None else _labels(groups, "groups")
    if folds is None:
        folds = make_folds(y, group_arr, n_splits=n_splits, seed=seed)
    folds = [(np.asarray(tr), np.asarray(te)) for tr, te in folds]
    for i, (train, test) in enumerate(folds):
        if np.intersect1d(train, test).size:
            raise ValueError(f"fold {i}: training and test rows overlap; folds must be disjoint")
    gain_vector = None
    if ranking_k is not None:
        if group_arr is None:
            raise ValueError("ranking_k needs groups (the query id of each row)")
        missing = [c for c in classes.tolist() if c not in gains]
        if missing:
            raise ValueError(f"classes {missing} have no gain in gains={dict(gains)}")
        gain_vector = np.array([gains[c] for c in classes.tolist()], dtype=float)

    rows: list[tuple] = []
    timing_rows: list[dict] = []
    result = ExperimentResult(results=pd.DataFrame(), folds=folds, classes=classes, y=y, groups=group_arr)
    specs = {method: spec if isinstance(spec, tuple) else ("", spec) for method, spec in methods.items()}
    for method, (feature_name, _) in specs.items():
        if feature_name not in inputs:
            raise ValueError(f"method {method!r} asks for features {feature_name!r}; "
                             f"features has {list(features or {})}")
    bar = tqdm(total=len(methods) * len(folds), desc="experiment", disable=not progress)
    for method, (feature_name, spec) in specs.items():
        data = inputs[feature_name]
        oof_pred = np.empty(n, dtype=y.dtype)
        oof_proba = np.full((n, len(classes)), np.nan)
        has_proba = True
        for fold, (train, test) in enumerate(folds):
            bar.set_postfix_str(f"{method} fold {fold}")
            estimator = _instantiate(method, spec)
            _seed_estimator(estimator, seed)
            start = time.perf_counter()
            estimator.fit(_take(data, train), y[train])
            fitted = time.perf_counter()
            X_test = _take(data, test)
            pred = np.asarray(estimator.predict(X_test))
            proba = _aligned_proba(estimator, X_test, classes)
            timing_rows.append({"method": method, "fold": fold, "fit_seconds": fitted - start,
                                "predict_seconds": time.perf_counter() - fitted})
            oof_pred[test] = pred
            if proba is None:
                has_proba = False
            else:
                oof_proba[test] = proba
            t_codes, p_codes, proba, _ = encode_labels(y[test], pred, proba, classes)
            _require_two_classes(t_codes, classes)
            per_class = _per_class(t_codes, p_codes, proba, classes)
            rows += _rows(method, fold, _aggregate(t_codes, p_codes, proba, classes, per_class))
            for cls, values in per_class.iterrows():
                rows += _rows(method, fold, values.to_dict(), str(cls))
            if gain_vector is not None and proba is not None:
                frame = pd.DataFrame({"q": group_arr[test], "gain": codes_y[test], "score": proba @ gain_vector})
                frame["gain"] = gain_vector[frame["gain"].to_numpy()]
                ranking = ranking_metrics(frame, "q", "gain", "score", k=ranking_k, gains=None,
                                          relevant=[gain_vector.max()])
                rows += _rows(method, fold, {m: v for m, v in ranking.items() if not m.startswith("n_")})
            bar.update(1)
        result.oof_pred[method] = oof_pred
        result.oof_proba[method] = oof_proba if has_proba else None
    bar.close()
    result.results = pd.DataFrame(rows, columns=["method", "fold", "metric", "class", "value"])
    result.timings = pd.DataFrame(timing_rows)
    return result


def save_results(results: pd.DataFrame | ExperimentResult, path: str | Path) -> Path:
    """Write the tidy results table to Parquet (parent folders created); returns the path."""
    frame = results.results if isinstance(results, ExperimentResult) else results
    expected = ["method", "fold", "metric", "class", "value"]
    if list(frame.columns) != expected:
        raise ValueError(f"results must have the columns {expected}, got {list(frame.columns)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def load_results(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`save_results`."""
    return pd.read_parquet(path)


# --------------------------------------------------------------------------------------------------------
# Confidence intervals and paired comparisons
# --------------------------------------------------------------------------------------------------------


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
    class_index = _class_index(class_, classes)
    rows = np.arange(len(t))

    def statistic(idx: np.ndarray) -> float:
        return metric_value(metric, t[idx], None if p is None else p[idx], None if prob is None else prob[idx],
                            len(classes), class_index)

    return bootstrap_ci(statistic, rows, groups=groups, n_resamples=n_resamples, confidence=confidence, seed=seed)


def _class_index(class_: Any, classes: np.ndarray) -> int | None:
    if class_ is None:
        return None
    names = [str(c) for c in classes.tolist()]
    if class_ in classes.tolist():
        return classes.tolist().index(class_)
    if str(class_) in names:
        return names.index(str(class_))
    raise ValueError(f"class_ {class_!r} is not one of the classes {classes.tolist()[:10]}")


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
    class_index = _class_index(class_, classes)

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
    class_index = None if class_ is None else _class_index(class_, result.classes)
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


# --------------------------------------------------------------------------------------------------------
# Threshold and cost decisions (tune on validation folds, never on the test fold)
# --------------------------------------------------------------------------------------------------------


def tune_threshold(
    y_val: Any,
    score_val: Any,
    target_recall: float | None = None,
    cost_fp: float | None = None,
    cost_fn: float | None = None,
    pos_label: Any = 1,
) -> float:
    """Decision threshold for a binary (or one-vs-rest) score, chosen on validation data.

    Predict positive when ``score >= threshold``. Give exactly one goal:

    * ``target_recall``: the *largest* threshold whose validation recall is at least the target (the most
      precise rule that still finds that share of the positives);
    * ``cost_fp`` and ``cost_fn``: the threshold minimising ``cost_fp · FP + cost_fn · FN`` on the
      validation rows (``inf`` when predicting nothing positive is cheapest).

    For one class of a multi-class model: ``tune_threshold(y_val == c, proba_val[:, j], ...)``.
    scikit-learn's ``TunedThresholdClassifierCV`` does the cost case inside cross-validation when a scorer
    suffices; a recall *constraint* is not a scorer, hence this function.
    """
    y = _labels(y_val, "y_val")
    s = np.asarray(score_val, dtype=float)
    if s.ndim != 1 or len(s) != len(y):
        raise ValueError(f"score_val must be 1-D with one score per label ({len(y)}), got shape {s.shape}")
    if np.isnan(s).any():
        raise ValueError(f"score_val contains NaN at {int(np.isnan(s).sum())} place(s)")
    positive = y == pos_label
    if positive.all() or not positive.any():
        which = "every" if positive.all() else "no"
        raise ValueError(f"y_val holds only one class (pos_label={pos_label!r} is {which} label); "
                         "threshold tuning needs positives and negatives")
    by_recall = target_recall is not None
    by_cost = cost_fp is not None or cost_fn is not None
    if by_recall == by_cost:
        raise ValueError("give either target_recall or both cost_fp and cost_fn")
    if by_recall:
        if not 0 < target_recall <= 1:
            raise ValueError(f"target_recall must be in (0, 1], got {target_recall!r}")
        _, recall, thresholds = skm.precision_recall_curve(positive, s)
        # recall[i] is the recall of "score >= thresholds[i]" (thresholds ascending, recall non-increasing)
        ok = recall[:-1] >= target_recall - 1e-12
        return float(thresholds[ok].max())
    if cost_fp is None or cost_fn is None or cost_fp < 0 or cost_fn < 0:
        raise ValueError(f"cost_fp and cost_fn must both be given and non-negative, got {cost_fp}, {cost_fn}")
    fpr, tpr, thresholds = skm.roc_curve(positive, s, drop_intermediate=False)
    cost = cost_fp * fpr * (~positive).sum() + cost_fn * (1 - tpr) * positive.sum()
    return float(thresholds[int(np.argmin(cost))])


def tune_threshold_cv(
    estimator: Any,
    X: Any,
    y: Any,
    pos_label: Any,
    target_recall: float | None = None,
    cost_fp: float | None = None,
    cost_fn: float | None = None,
    n_splits: int = 5,
    seed: int = 0,
) -> float:
    """:func:`tune_threshold` on out-of-fold validation scores of the *training* data.

    scikit-learn's ``cross_val_predict`` gives each training row the ``predict_proba`` score of ``pos_label``
    from a model that did not see it (stratified ``n_splits`` folds, shuffled with ``seed``); the threshold
    is tuned on those scores. Fit the final model on all of ``X``, apply the threshold to the test set.
    """
    y = _labels(y, "y")
    if pos_label not in set(y.tolist()):
        raise ValueError(f"pos_label {pos_label!r} is not among the labels of y")
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    estimator = clone(estimator)
    _seed_estimator(estimator, seed)
    proba = cross_val_predict(estimator, X, y, cv=splitter, method="predict_proba")
    column = list(np.unique(y)).index(pos_label)  # cross_val_predict orders columns by sorted label
    return tune_threshold(y == pos_label, proba[:, column], target_recall=target_recall, cost_fp=cost_fp,
                          cost_fn=cost_fn, pos_label=True)


def _cost_matrix(cost_matrix: Any, n_classes: int) -> np.ndarray:
    cost = np.asarray(cost_matrix, dtype=float)
    if cost.shape != (n_classes, n_classes):
        raise ValueError(f"cost_matrix must be ({n_classes}, {n_classes}) (true class x predicted class), "
                         f"got shape {cost.shape}")
    if not np.isfinite(cost).all():
        raise ValueError("cost_matrix has NaN or infinite entries")
    return cost


def bayes_decision(proba: Any, cost_matrix: Any, classes: Sequence | None = None) -> np.ndarray:
    r"""Minimum expected cost decision (Elkan 2001): predict
    :math:`\arg\min_j \sum_i p_i(x)\, C_{ij}`, with :math:`C_{ij}` the cost of predicting class ``j`` when
    the truth is ``i``. With 0/1 costs this is the arg-max. It needs calibrated probabilities of the real
    class priors — after re-balancing apply :func:`ecombalance.calibration.prior_correct` first.

    Returns the chosen labels (``classes[j]``; default the column indices).
    """
    p = check_probabilities(proba)
    if p.ndim != 2:
        raise ValueError("bayes_decision needs a 2-D (n_samples, n_classes) probability matrix")
    cost = _cost_matrix(cost_matrix, p.shape[1])
    labels = np.arange(p.shape[1]) if classes is None else np.asarray(classes)
    if len(labels) != p.shape[1]:
        raise ValueError(f"classes has {len(labels)} entries but proba has {p.shape[1]} columns")
    return labels[np.argmin(p @ cost, axis=1)]


def expected_cost(y_true: Any, y_pred: Any, cost_matrix: Any, classes: Sequence | None = None) -> float:
    """Mean cost per sample of the decisions ``y_pred``: the mean of ``cost_matrix[true, predicted]``."""
    t, p, _, classes = encode_labels(y_true, y_pred, None, classes)
    cost = _cost_matrix(cost_matrix, len(classes))
    return float(cost[t, p].mean())
