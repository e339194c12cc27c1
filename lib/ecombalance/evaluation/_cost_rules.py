"""A decision rule for a cost matrix as a method of the experiment runner: a classifier and the rule that turns its
probabilities into decisions, both fitted on the training rows only, so that every rule is scored on the same outer
folds as any other method and compared by the one test.

:class:`CostRuleClassifier` wraps an estimator (a plain model, a calibrated one from
:class:`~ecombalance.evaluation._calibration.InnerFoldCalibration`, or a re-balanced one) with one of three rules:

* ``"argmax"``: the most probable class, what ``predict`` of the plain model does;
* ``"bayes"``: the minimum expected cost decision :math:`\\arg\\min_j \\sum_i p_i(x) C_{ij}` (Elkan 2001), right
  when :math:`p` is calibrated to the deployment priors; a re-balanced model's probabilities are first moved from
  the flat priors it learnt back to the training rows' class shares (``learnt_priors="uniform"``, Saerens et al.
  2002), so each re-balancing method gets the Bayes rule of its own probabilities;
* ``"tuned"``: per-class weights :math:`w` in :math:`\\arg\\min_j \\sum_i w_i p_i(x) C_{ij}` chosen on inner
  out-of-fold probabilities of the training rows (:func:`~ecombalance.evaluation._decisions.tune_class_weights`),
  the model then refitted on all of them: run by the experiment runner this is fully nested, the outer test fold
  reaching neither the weights nor the model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ecombalance.evaluation._calibration import inner_fold_count
from ecombalance.evaluation._decisions import WEIGHT_GRID, tune_class_weights, weighted_decision
from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._folds import make_folds
from ecombalance.exceptions import SmallClassWarning
from ecombalance.sampling._weights import prior_correct

RULES = ("argmax", "bayes", "tuned")
"""The decision rules of :class:`CostRuleClassifier`."""

LEARNT_PRIORS = ("data", "uniform")
"""What a wrapped model's probabilities assume: the training rows' class shares (a plain model) or flat priors (a
model trained on re-balanced rows, with class weights or a balanced loss)."""


def aligned_cost(cost_matrix: Any, classes: Sequence | None, labels: np.ndarray) -> np.ndarray:
    """``cost_matrix`` (rows: true class, columns: decision, in the order of ``classes``; default: the sorted
    ``labels``) reordered to ``labels``, the classes a model was fitted on. ``None`` gives 0/1 costs."""
    n = len(labels)
    if cost_matrix is None:
        return 1 - np.eye(n)
    cost = np.asarray(cost_matrix, dtype=float)
    order = list(labels.tolist()) if classes is None else list(np.asarray(classes).tolist())
    if cost.ndim != 2 or cost.shape != (len(order), len(order)):
        raise ValueError(f"cost_matrix must be square with one row and column per class of {order} (true class x "
                         f"decision), got shape {cost.shape}")
    if not np.isfinite(cost).all() or (cost < 0).any():
        raise ValueError("cost_matrix must hold finite costs >= 0")
    missing = [c for c in labels.tolist() if c not in order]
    if missing:
        raise ValueError(f"the training labels {missing} are not among classes {order}: give the cost matrix's "
                         "class order with classes=")
    position = [order.index(c) for c in labels.tolist()]
    return cost[np.ix_(position, position)]


class CostRuleClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    r"""``estimator`` and a decision ``rule`` for ``cost_matrix``, fitted on the rows :meth:`fit` sees only.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Cloned and fitted on all the training rows.
    cost_matrix : array (n_classes, n_classes) or None
        :math:`C_{ij}`, the cost of deciding ``j`` when the truth is ``i``, in the order of ``classes``; None: 0/1
        costs (every rule is then the arg-max of its probabilities).
    classes : sequence or None
        The class order of ``cost_matrix`` (default: the sorted labels).
    rule : {"argmax", "bayes", "tuned"}
        See the module's docstring.
    learnt_priors : {"data", "uniform"}
        ``"uniform"`` for a model trained on re-balanced rows: its probabilities are moved to the training rows'
        class shares (:func:`~ecombalance.sampling._weights.prior_correct`) before any rule reads them.
    n_splits : int
        Inner folds of the ``"tuned"`` rule (:func:`~ecombalance.evaluation._folds.make_folds`, stratified; fewer when
        a class has fewer rows; with a class of a single row the weights stay 1, with a
        :class:`~ecombalance.exceptions.SmallClassWarning`).
    random_state : int or None
        Shuffles the inner folds.
    grid : sequence of float or None
        Candidate weights of the ``"tuned"`` rule (None: :data:`~ecombalance.evaluation._decisions.WEIGHT_GRID`).

    Attributes
    ----------
    estimator_ : the fitted clone
    classes_ : ndarray, sorted training labels
    cost_ : ndarray, the cost matrix in the order of ``classes_``
    train_priors_ : ndarray, the training rows' class shares
    weights_ : ndarray, the per-class weights the rule applies (all 1 for ``"bayes"``; tuned for ``"tuned"``)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], [180, 20])
    >>> X = (y + rng.normal(0, 1, 200))[:, None]
    >>> cost = [[0, 1], [9, 0]]   # missing a 1 costs 9, a false alarm 1
    >>> bayes = CostRuleClassifier(LogisticRegression(), cost, rule="bayes").fit(X, y)
    >>> plain = CostRuleClassifier(LogisticRegression(), cost, rule="argmax").fit(X, y)
    >>> int((bayes.predict(X) == 1).sum()) > int((plain.predict(X) == 1).sum())   # the Bayes rule calls more 1s
    True
    """

    def __init__(self, estimator: Any, cost_matrix: Any = None, classes: Sequence | None = None, rule: str = "bayes",
                 learnt_priors: str = "data", n_splits: int = 3, random_state: int | None = None,
                 grid: Any = None) -> None:
        self.estimator = estimator
        self.cost_matrix = cost_matrix
        self.classes = classes
        self.rule = rule
        self.learnt_priors = learnt_priors
        self.n_splits = n_splits
        self.random_state = random_state
        self.grid = grid

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator).input_tags
        tags.input_tags.sparse, tags.input_tags.allow_nan = inner.sparse, inner.allow_nan
        return tags

    def _corrected(self, proba: np.ndarray) -> np.ndarray:
        if self.learnt_priors == "uniform":
            return prior_correct(proba, np.full(proba.shape[1], 1 / proba.shape[1]), self.train_priors_)
        return proba

    @fill_doc
    def fit(self, X: Any, y: Any) -> "CostRuleClassifier":
        """Fit the estimator on ``(X, y)``, for ``rule="tuned"`` after tuning the weights on inner folds.

        The weights are tuned on the estimator's inner out-of-fold probabilities.

        Parameters
        ----------
        {X_fit}
        {y_fit}

        Returns
        -------
        {self}

        Raises
        ------
        ValueError
            For an unknown ``rule`` or ``learnt_priors``, a target that is missing, empty, multi-label or of one
            class, or a cost matrix that does not fit the classes.
        TypeError
            When the estimator has no ``predict_proba``.
        """
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {list(RULES)}, got {self.rule!r}")
        if self.learnt_priors not in LEARNT_PRIORS:
            raise ValueError(f"learnt_priors must be one of {list(LEARNT_PRIORS)}, got {self.learnt_priors!r}")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if type_of_target(y) in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError("Multilabel and multioutput targets are not supported: give one class label per row")
        y = column_or_1d(y, warn=True)
        if len(y) == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required.")
        check_classification_targets(y)
        labels = np.unique(y)
        if len(labels) < 2:
            raise ValueError(f"y holds one class only ({labels[0]!r}); a decision rule needs two classes or more")
        if not hasattr(self.estimator, "predict_proba"):
            raise TypeError(f"{type(self.estimator).__name__} has no predict_proba; a cost rule reads probabilities")
        self.cost_ = aligned_cost(self.cost_matrix, self.classes, labels)
        counts = np.array([(y == c).sum() for c in labels], dtype=float)
        self.train_priors_ = counts / counts.sum()
        self.weights_ = np.ones(len(labels))
        if self.rule == "tuned":
            try:
                n_splits = inner_fold_count(y, self.n_splits, type(self).__name__)
            except ValueError as error:  # a class of one row: no inner folds to tune on
                warnings.warn(f"{error}; the weights stay 1 (the Bayes rule)", SmallClassWarning, stacklevel=2)
                n_splits = None
            if n_splits is not None:
                seed = 0 if self.random_state is None else self.random_state
                inner = make_folds(y, None, n_splits, seed)
                inner_proba = cross_val_predict(clone(self.estimator), X, y, cv=list(inner), method="predict_proba")
                self.weights_ = tune_class_weights(self._corrected(inner_proba), np.searchsorted(labels, y),
                                                   self.cost_, WEIGHT_GRID if self.grid is None else self.grid)
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = np.asarray(self.estimator_.classes_)
        for fitted in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, fitted):
                setattr(self, fitted, getattr(self.estimator_, fitted))
        return self

    @fill_doc
    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the probabilities the rule reads.

        The estimator's, moved to the training shares for ``learnt_priors="uniform"``.

        Parameters
        ----------
        {X_predict}

        Returns
        -------
        {predict_proba}
        """
        check_is_fitted(self, "estimator_")
        return self._corrected(self.estimator_.predict_proba(X))

    @fill_doc
    def predict(self, X: Any) -> np.ndarray:
        """Return the rule's decision per row.

        Parameters
        ----------
        {X_predict}

        Returns
        -------
        {predict}
        """
        proba = self.predict_proba(X)
        if self.rule == "argmax":
            return self.classes_[proba.argmax(axis=1)]
        return self.classes_[weighted_decision(proba, self.weights_, self.cost_)]
