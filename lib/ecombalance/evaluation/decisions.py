"""Threshold and cost decisions, tuned on validation data (never on the test fold).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict

from ecombalance._validation import check_labels, check_probabilities
from ecombalance.evaluation.experiment import seed_estimator
from ecombalance.evaluation.folds import make_folds
from ecombalance.evaluation.metrics import encode_labels


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
    y = check_labels(y_val, "y_val")
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
    groups: Any = None,
) -> float:
    """:func:`tune_threshold` on out-of-fold validation scores of the *training* data.

    scikit-learn's ``cross_val_predict`` gives each training row the ``predict_proba`` score of ``pos_label``
    from a model that did not see it, on the folds of :func:`ecombalance.evaluation.folds.make_folds`
    (``n_splits`` stratified folds shuffled with ``seed``; grouped by ``groups``, e.g. query ids, so a
    query's rows are scored by a model that saw none of them); the threshold is tuned on those scores.
    Fit the final model on all of ``X``, apply the threshold to the test set.
    """
    y = check_labels(y, "y")
    if pos_label not in set(y.tolist()):
        raise ValueError(f"pos_label {pos_label!r} is not among the labels of y")
    folds = make_folds(y, groups, n_splits=n_splits, seed=seed)
    estimator = clone(estimator)
    seed_estimator(estimator, seed)
    proba = cross_val_predict(estimator, X, y, cv=folds, method="predict_proba")
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
    class priors — after re-balancing apply :func:`ecombalance.sampling.weights.prior_correct` first.

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
