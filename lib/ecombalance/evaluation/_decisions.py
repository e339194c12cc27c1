"""Threshold and cost decisions, tuned on validation data (never on the test fold): a binary threshold
(:func:`tune_threshold`, :func:`tune_threshold_cv`), the minimum expected cost decision for a cost matrix
(:func:`bayes_decision`, :func:`expected_cost`), per-class weights for a cost matrix tuned on training folds
only and scored out of fold (:func:`cost_decision_cv`), and the threshold that maximises the profit of acting
on a click probability (:func:`profit_threshold`, :func:`profit_curve`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict

from ecombalance._validation import check_labels, check_probabilities
from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._fold_work import seed_estimator
from ecombalance.evaluation._folds import make_folds, take_rows
from ecombalance.evaluation._metrics import encode_labels


@fill_doc
def tune_threshold(
    y_val: Any,
    score_val: Any,
    target_recall: float | None = None,
    cost_fp: float | None = None,
    cost_fn: float | None = None,
    pos_label: Any = 1,
) -> float:
    """Choose the decision threshold of a binary (or one-vs-rest) score on validation data.

    Predict positive when ``score >= threshold``. Give exactly one goal:

    * ``target_recall``: the *largest* threshold whose validation recall is at least the target (the most
      precise rule that still finds that share of the positives);
    * ``cost_fp`` and ``cost_fn``: the threshold minimising ``cost_fp · FP + cost_fn · FN`` on the
      validation rows (``inf`` when predicting nothing positive is cheapest).

    For one class of a multi-class model: ``tune_threshold(y_val == c, proba_val[:, j], ...)``.
    scikit-learn's ``TunedThresholdClassifierCV`` does the cost case inside cross-validation when a scorer
    suffices; a recall *constraint* is not a scorer, hence this function.

    Parameters
    ----------
    y_val : array-like of shape (n_samples,)
        The validation labels.
    score_val : array-like of shape (n_samples,)
        The validation scores (e.g. the probability of ``pos_label``).
    {target_recall}
    {cost_fp_cost_fn}
    pos_label : label, default=1
        The positive class of ``y_val``.

    Returns
    -------
    float
        The threshold: predict positive when ``score >= threshold``.

    Raises
    ------
    ValueError
        For scores that do not match the labels or hold NaN, labels of one class, or not exactly one goal.

    Examples
    --------
    >>> from ecombalance.evaluation import tune_threshold
    >>> y, score = [0, 0, 0, 1, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.9]
    >>> tune_threshold(y, score, target_recall=0.75), tune_threshold(y, score, cost_fp=1, cost_fn=5)
    (0.6, 0.35)
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


@fill_doc
def tune_threshold_cv(
    estimator: Any,
    X: Any,
    y: Any,
    pos_label: Any,
    target_recall: float | None = None,
    cost_fp: float | None = None,
    cost_fn: float | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    groups: Any = None,
) -> float:
    """Choose a decision threshold (:func:`tune_threshold`) on out-of-fold scores of the *training* data.

    scikit-learn's ``cross_val_predict`` gives each training row the ``predict_proba`` score of ``pos_label``
    from a model that did not see it, on the folds of :func:`ecombalance.evaluation._folds.make_folds`
    (``n_splits`` stratified folds shuffled with ``random_state``; grouped by ``groups``, e.g. query ids, so a
    query's rows are scored by a model that saw none of them); the threshold is tuned on those scores.
    Fit the final model on all of ``X``, apply the threshold to the test set.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Cloned (and its unset ``random_state`` seeded) for every fold.
    X : array-like of shape (n_samples, n_features)
        The training rows.
    y : array-like of shape (n_samples,)
        Their labels.
    pos_label : label
        The positive class, one of the labels of ``y``.
    {target_recall}
    {cost_fp_cost_fn}
    n_splits : int, default=5
        Stratified (group-aware) folds.
    random_state : int, default=0
        Shuffles the folds and seeds the estimator.
    groups : array-like of shape (n_samples,), default=None
        Group ids (query ids): a group's rows stay in one fold.

    Returns
    -------
    float
        The threshold on the probability of ``pos_label``.

    Raises
    ------
    ValueError
        When ``pos_label`` is not a label of ``y`` (and as :func:`tune_threshold`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.evaluation import tune_threshold_cv
    >>> y = np.repeat([0, 1], [150, 50])
    >>> X = (y + np.random.default_rng(0).normal(0, 1, 200))[:, None]
    >>> round(tune_threshold_cv(LogisticRegression(), X, y, pos_label=1, target_recall=0.9), 3)
    0.128
    """
    y = check_labels(y, "y")
    if pos_label not in set(y.tolist()):
        raise ValueError(f"pos_label {pos_label!r} is not among the labels of y")
    folds = make_folds(y, groups, n_splits=n_splits, random_state=random_state)
    estimator = clone(estimator)
    seed_estimator(estimator, random_state)
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


@fill_doc
def bayes_decision(proba: Any, cost_matrix: Any, classes: Sequence | None = None) -> np.ndarray:
    r"""Decide by the minimum expected cost of a cost matrix (the Bayes decision).

    Elkan (2001): predict :math:`\arg\min_j \sum_i p_i(x)\, C_{ij}`, with :math:`C_{ij}` the cost of
    predicting class ``j`` when the truth is ``i``. With 0/1 costs this is the arg-max. It needs calibrated
    probabilities of the real class priors — after re-balancing apply
    :func:`ecombalance.sampling._weights.prior_correct` first.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities, rows summing to 1.
    {cost_matrix}
    classes : sequence, default=None
        The labels of the columns (default: the column indices).

    Returns
    -------
    ndarray of shape (n_samples,)
        The chosen labels (``classes[j]``).

    Raises
    ------
    ValueError
        For a ``proba`` that is not 2-D, or a cost matrix or ``classes`` of another size.

    Examples
    --------
    >>> from ecombalance.evaluation import bayes_decision
    >>> proba = [[0.7, 0.3], [0.9, 0.1], [0.2, 0.8]]
    >>> bayes_decision(proba, [[0, 1], [5, 0]], classes=["no", "yes"])  # missing a "yes" costs 5
    array(['yes', 'no', 'yes'], dtype='<U3')
    """
    p = check_probabilities(proba)
    if p.ndim != 2:
        raise ValueError("bayes_decision needs a 2-D (n_samples, n_classes) probability matrix")
    cost = _cost_matrix(cost_matrix, p.shape[1])
    labels = np.arange(p.shape[1]) if classes is None else np.asarray(classes)
    if len(labels) != p.shape[1]:
        raise ValueError(f"classes has {len(labels)} entries but proba has {p.shape[1]} columns")
    return labels[np.argmin(p @ cost, axis=1)]


@fill_doc
def expected_cost(y_true: Any, y_pred: Any, cost_matrix: Any, classes: Sequence | None = None) -> float:
    """Compute the mean cost per sample of the decisions ``y_pred``: the mean of ``cost_matrix[true, predicted]``.

    Parameters
    ----------
    {y_true}
    {y_pred}
    {cost_matrix}
    {classes}

    Returns
    -------
    float
        The mean cost per sample.

    Examples
    --------
    >>> from ecombalance.evaluation import expected_cost
    >>> expected_cost(["no", "yes", "yes"], ["yes", "no", "yes"], [[0, 1], [5, 0]])
    2.0
    """
    t, p, _, classes = encode_labels(y_true, y_pred, None, classes)
    cost = _cost_matrix(cost_matrix, len(classes))
    return float(cost[t, p].mean())


# ------------------------------------------------------------------ a cost matrix, tuned on training folds
WEIGHT_GRID = np.geomspace(1 / 16, 16, 17)
"""Candidate per-class weights of :func:`tune_class_weights` (a factor 16 either way, in steps of sqrt 2)."""


def weighted_decision(proba: np.ndarray, weights: np.ndarray, cost: np.ndarray) -> np.ndarray:
    r"""Column index of :math:`\arg\min_j \sum_i w_i\, p_i(x)\, C_{ij}` per row: the Bayes decision on
    probabilities re-weighted by class (``weights`` all 1: :func:`bayes_decision`; 0/1 costs: the arg-max of
    :math:`w_c p_c`, i.e. per-class thresholds on the probability ratios)."""
    return np.argmin((proba * weights) @ cost, axis=1)


def tune_class_weights(proba: Any, y_codes: Any, cost_matrix: Any, grid: Any = WEIGHT_GRID,
                       n_rounds: int = 2) -> np.ndarray:
    r"""Per-class weights :math:`w` minimising the mean cost of :func:`weighted_decision` on labelled rows.

    Coordinate descent from :math:`w = 1` (the Bayes decision): in each of ``n_rounds`` rounds every class
    but the first (decisions do not change when all weights are scaled) tries each value of ``grid`` with the
    others fixed and keeps the cheapest, preferring the value closest to 1 on ties, so that a weight moves
    only when it lowers the cost on these rows. Use rows the rule will not be scored on (training folds).

    Parameters
    ----------
    proba : array (n_samples, n_classes)
        Calibrated or not; out-of-fold probabilities of labelled rows.
    y_codes : array of int (n_samples,)
        True class of each row as a column index of ``proba``.
    cost_matrix : array (n_classes, n_classes)
        :math:`C_{ij}`, the cost of predicting ``j`` when the truth is ``i``.

    Returns
    -------
    ndarray (n_classes,), the weights (the first is 1).
    """
    p = check_probabilities(proba)
    cost = _cost_matrix(cost_matrix, p.shape[1])
    t = np.asarray(y_codes, dtype=int)
    candidates = np.asarray(grid, dtype=float)
    if candidates.ndim != 1 or not (candidates > 0).all():
        raise ValueError("grid must be a 1-D sequence of positive weights")
    candidates = candidates[np.argsort(np.abs(np.log(candidates)), kind="stable")]  # closest to 1 first
    weights = np.ones(p.shape[1])
    scores = (p * weights) @ cost  # expected cost of each decision, updated one class at a time
    for _ in range(n_rounds):
        for c in range(1, p.shape[1]):
            best_w, best_cost = weights[c], np.inf
            for w in candidates:
                trial = scores + ((w - weights[c]) * p[:, c])[:, None] * cost[c]
                mean_cost = cost[t, np.argmin(trial, axis=1)].mean()
                if mean_cost < best_cost - 1e-12:
                    best_w, best_cost = w, mean_cost
            scores += ((best_w - weights[c]) * p[:, c])[:, None] * cost[c]
            weights[c] = best_w
    return weights


class CostDecision(NamedTuple):
    """What :func:`cost_decision_cv` found.

    ``table``: one row per rule (``argmax``, ``bayes``, ``tuned``) with the out-of-fold ``expected_cost`` per
    row, its paired difference to ``argmax`` with a bootstrap interval (``cost_difference``, ``ci_low``,
    ``ci_high``) and ``recall[<class>]`` per class. ``weights``: the tuned class weights of each outer fold
    (rows). ``curve``: per class and threshold, the out-of-fold expected cost, recall and precision of
    "predict the class when its probability reaches the threshold, else the arg-max of the others" — the
    figure to read a threshold from. ``predictions``: the out-of-fold decisions of each rule (labels).
    ``proba``: the out-of-fold probabilities.
    """

    table: pd.DataFrame
    weights: pd.DataFrame
    curve: pd.DataFrame
    predictions: dict
    proba: np.ndarray


def _as_pairs(folds: Any, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) pairs from pairs, or from one fold id per row."""
    if not isinstance(folds, (list, tuple)) or (len(folds) == n and np.ndim(folds[0]) == 0):
        ids = np.asarray(folds)
        if ids.ndim != 1 or len(ids) != n:
            raise ValueError(f"folds must be (train, test) pairs or one fold id per row ({n}), got shape {ids.shape}")
        return [(np.flatnonzero(ids != k), np.flatnonzero(ids == k)) for k in np.unique(ids)]
    pairs = [(np.asarray(tr, dtype=int), np.asarray(te, dtype=int)) for tr, te in folds]
    tested = np.concatenate([te for _, te in pairs])
    if len(tested) != n or len(np.unique(tested)) != n:
        raise ValueError(f"the test folds must cover each of the {n} rows exactly once (out-of-fold "
                         "probabilities); pass the folds the probabilities came from")
    return pairs


def threshold_curve(y_codes: np.ndarray, proba: np.ndarray, cost: np.ndarray, classes: np.ndarray,
                    curve_classes: Sequence | None = None, thresholds: Any = None) -> pd.DataFrame:
    """Per class ``c`` and threshold ``t``: mean cost, recall and precision of "predict ``c`` when
    :math:`p_c \\ge t`, else the arg-max of the other classes" (see :class:`CostDecision`)."""
    grid = np.round(np.linspace(0.05, 0.95, 19), 2) if thresholds is None else np.asarray(thresholds, dtype=float)
    chosen = range(len(classes)) if curve_classes is None else [list(classes.tolist()).index(c) for c in curve_classes]
    rows = []
    for c in chosen:
        others = proba.copy()
        others[:, c] = -np.inf
        fallback = others.argmax(axis=1)
        for t in grid:
            pred = np.where(proba[:, c] >= t, c, fallback)
            hit = (pred == c) & (y_codes == c)
            rows.append({"class": classes[c], "threshold": float(t), "expected_cost": float(cost[y_codes, pred].mean()),
                         "recall": hit.sum() / max((y_codes == c).sum(), 1),
                         "precision": hit.sum() / (pred == c).sum() if (pred == c).any() else np.nan})
    return pd.DataFrame(rows)


def cost_decision_cv(y: Any, cost_matrix: Any, proba: Any = None, folds: Any = None, *, estimator: Any = None,
                     X: Any = None, classes: Sequence | None = None, groups: Any = None, n_splits: int = 5,
                     inner_splits: int = 3, random_state: int = 0, grid: Any = WEIGHT_GRID, n_rounds: int = 2,
                     curve_classes: Sequence | None = None, n_resamples: int = 1000) -> CostDecision:
    r"""Which decision rule for a cost matrix: the default arg-max, the Bayes rule, or per-class weights
    tuned on training folds only — each scored out of fold.

    Rules, for probabilities :math:`p(x)` and costs :math:`C_{ij}` (truth ``i``, decision ``j``):

    * ``argmax``: :math:`\arg\max_c p_c(x)`, what ``predict`` does;
    * ``bayes``: :math:`\arg\min_j \sum_i p_i(x) C_{ij}` (:func:`bayes_decision`), optimal when :math:`p` is
      calibrated to the deployment priors;
    * ``tuned``: :math:`\arg\min_j \sum_i w_i p_i(x) C_{ij}` with :math:`w` from :func:`tune_class_weights` on
      the training rows of each fold only (per-class thresholds, for 0/1 costs), applied to its test rows.

    Two ways in. With ``proba`` and ``folds`` (the out-of-fold probabilities of an experiment and the folds
    they came from, as ``(train, test)`` pairs or one fold id per row) the weights for a test fold are chosen
    on the other rows' out-of-fold probabilities — their labels never include the test fold's, though the
    models that scored them saw it. With ``estimator`` and ``X`` the procedure is fully nested: per outer fold
    (:func:`ecombalance.evaluation._folds.make_folds`, ``n_splits``, grouped by ``groups``) the weights are tuned
    on ``cross_val_predict`` probabilities of ``inner_splits`` folds of the training rows, the estimator is
    refitted on those rows and scores the test fold.

    Parameters
    ----------
    y : array-like (n_samples,)
        Labels.
    cost_matrix : array (n_classes, n_classes)
        Rows: true class, columns: decision, in the order of ``classes``.
    classes : sequence, optional
        Column order of ``proba`` and ``cost_matrix`` (default: sorted labels, scikit-learn's order).
    curve_classes : sequence, optional
        Classes of the threshold curve (default: all when at most 10, else the 5 smallest).
    n_resamples : int
        Bootstrap resamples of the paired cost difference (rows, or whole ``groups``).

    Returns
    -------
    CostDecision
    """
    from ecombalance.evaluation._stats import bootstrap_ci

    y = check_labels(y, "y")
    labels = np.unique(y) if classes is None else np.asarray(classes)
    t, _, _, labels = encode_labels(y, None, None, labels)
    cost = _cost_matrix(cost_matrix, len(labels))
    if (proba is None) == (estimator is None):
        raise ValueError("give either proba and folds (out-of-fold probabilities) or estimator and X")
    if estimator is not None:
        if X is None:
            raise ValueError("estimator needs X, the features of the rows of y")
        if classes is not None and list(labels) != list(np.unique(y)):
            raise ValueError("with an estimator the columns follow the sorted labels; leave classes=None")
        pairs = make_folds(y, groups, n_splits=n_splits, random_state=random_state)
        p = np.zeros((len(y), len(labels)))
        fold_weights = []
        for train, test in pairs:
            inner_groups = None if groups is None else np.asarray(groups)[train]
            inner = make_folds(y[train], inner_groups, n_splits=inner_splits, random_state=random_state)
            model = clone(estimator)
            seed_estimator(model, random_state)
            inner_p = cross_val_predict(model, take_rows(X, train), y[train], cv=inner, method="predict_proba")
            fold_weights.append(tune_class_weights(inner_p, t[train], cost, grid, n_rounds))
            p[test] = clone(model).fit(take_rows(X, train), y[train]).predict_proba(take_rows(X, test))
    else:
        if folds is None:
            raise ValueError("proba needs folds: the (train, test) pairs, or fold ids, the probabilities came from")
        p = check_probabilities(proba, n_rows=len(y))
        if p.ndim != 2 or p.shape[1] != len(labels):
            raise ValueError(f"proba must be (n_samples, {len(labels)}), one column per class of {labels.tolist()}")
        pairs = _as_pairs(folds, len(y))
        fold_weights = [tune_class_weights(p[train], t[train], cost, grid, n_rounds) for train, _ in pairs]
    codes = {"argmax": p.argmax(axis=1), "bayes": weighted_decision(p, np.ones(len(labels)), cost),
             "tuned": np.empty(len(y), dtype=int)}
    for (_, test), w in zip(pairs, fold_weights):
        codes["tuned"][test] = weighted_decision(p[test], w, cost)
    row_cost = {rule: cost[t, pred] for rule, pred in codes.items()}
    rows = {}
    for rule, pred in codes.items():
        diff = bootstrap_ci(np.mean, row_cost[rule] - row_cost["argmax"], groups=groups, n_resamples=n_resamples,
                            random_state=random_state)
        rows[rule] = {"expected_cost": float(row_cost[rule].mean()), "cost_difference": diff.estimate,
                      "ci_low": diff.low, "ci_high": diff.high,
                      **{f"recall[{c}]": float((pred[t == k] == k).mean()) for k, c in enumerate(labels.tolist())}}
    table = pd.DataFrame(rows).T
    table.index.name = "rule"
    if curve_classes is None and len(labels) > 10:
        curve_classes = labels[np.argsort(np.bincount(t, minlength=len(labels)), kind="stable")[:5]]
    curve = threshold_curve(t, p, cost, labels, curve_classes)
    weights = pd.DataFrame(fold_weights, columns=labels).rename_axis("fold")
    return CostDecision(table, weights, curve, {rule: labels[pred] for rule, pred in codes.items()}, p)
