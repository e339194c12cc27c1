"""A decision threshold tuned on the training rows only, as a method of the experiment runner: scikit-learn's
``TunedThresholdClassifierCV`` with its inner folds from :func:`ecombalance.evaluation._folds.make_folds`
(stratified, group-aware) and its scorer from here, so that the chapters build neither folds nor scorers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import TunedThresholdClassifierCV
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._folds import make_folds


def f1_scorer(positive: Any):
    """A scikit-learn scorer of the F1 of class ``positive`` (``make_scorer(f1_score, pos_label=positive)``)."""
    return make_scorer(f1_score, pos_label=positive)


class InnerFoldThreshold(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A two-class classifier with the threshold that maximises a class's F1 on inner folds of its training rows.

    The threshold of ``estimator`` on the probability of ``positive`` maximises that class's F1 on inner folds of
    the training rows it is fitted on (never on the rows it predicts).

    ``fit`` builds ``n_splits`` stratified inner folds with :func:`~ecombalance.evaluation._folds.make_folds`
    (seeded by ``random_state``; grouped by the column ``group_column`` of ``X`` when given, which is dropped before
    the estimator sees ``X``) and fits scikit-learn's ``TunedThresholdClassifierCV`` on them; the estimator is then
    refitted on all the training rows. ``predict_proba`` is the refitted estimator's, ``predict`` applies the tuned
    threshold (``best_threshold_``).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        The two-class model, cloned and fitted on the training rows.
    positive : label, default=None
        The class whose F1 the threshold maximises (default: the larger of the two labels, scikit-learn's
        positive label).
    n_splits : int, default=3
        Inner folds.
    random_state : int or None, default=None
        Shuffles the inner folds (None: 0).
    group_column : str or None, default=None
        A column of ``X`` (a DataFrame) holding group ids: the inner folds keep each group on one side, and the
        column is dropped before the estimator sees ``X``.

    Attributes
    ----------
    tuned_ : TunedThresholdClassifierCV
        The fitted scikit-learn meta-estimator.
    best_threshold_ : float
        The tuned threshold on the probability of ``positive``.
    classes_ : ndarray
        The two labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], [150, 50])
    >>> X = (y + rng.normal(0, 1, 200))[:, None]
    >>> model = InnerFoldThreshold(LogisticRegression(), positive=1, random_state=0).fit(X, y)
    >>> 0 < model.best_threshold_ < 0.5   # a rare positive class: F1 is best below 0.5
    True
    """

    def __init__(self, estimator: Any, positive: Any = None, n_splits: int = 3, random_state: int | None = None,
                 group_column: str | None = None) -> None:
        self.estimator = estimator
        self.positive = positive
        self.n_splits = n_splits
        self.random_state = random_state
        self.group_column = group_column

    def _features(self, X: Any) -> tuple[Any, np.ndarray | None]:
        if self.group_column is None:
            return X, None
        return X.drop(columns=[self.group_column]), X[self.group_column].to_numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # a threshold on one class's probability: two classes only
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags

    @fill_doc
    def fit(self, X: Any, y: Any) -> InnerFoldThreshold:
        """Tune the threshold on inner folds of ``(X, y)`` and refit the estimator on all of them.

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
            For a target that is missing, empty, multi-label or not of two classes, or a ``positive`` that is not
            one of them.
        """
        X, groups = self._features(X)
        if y is None:
            raise ValueError("InnerFoldThreshold requires y to be passed, but the target y is None")
        if type_of_target(y) in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError("Multilabel and multioutput targets are not supported: give one class label per row")
        y = column_or_1d(y, warn=True)
        if len(y) == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required.")
        check_classification_targets(y)
        if len(np.unique(y)) < 2:
            raise ValueError(f"y holds one class only ({np.unique(y)[0]!r}); a threshold needs two classes")
        y_type = type_of_target(y)
        if y_type != "binary":  # scikit-learn's wording for a classifier of two classes
            raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}: "
                             "a threshold on one class's probability decides between two classes")
        labels = np.unique(y)
        positive = labels[1] if self.positive is None else self.positive  # scikit-learn's default positive label
        if positive not in labels.tolist():
            raise ValueError(f"positive={positive!r} is not one of the classes {labels.tolist()}")
        inner = make_folds(y, groups, self.n_splits, 0 if self.random_state is None else self.random_state)
        self.tuned_ = TunedThresholdClassifierCV(clone(self.estimator), scoring=f1_scorer(positive),
                                                 response_method="predict_proba", cv=list(inner)).fit(X, y)
        self.classes_ = self.tuned_.classes_
        self.n_features_in_ = self.tuned_.n_features_in_
        if hasattr(self.tuned_, "feature_names_in_"):
            self.feature_names_in_ = self.tuned_.feature_names_in_
        self.best_threshold_ = float(self.tuned_.best_threshold_)
        return self

    @fill_doc
    def predict(self, X: Any) -> np.ndarray:
        """Predict ``positive`` where its probability reaches the tuned threshold.

        Parameters
        ----------
        {X_predict}

        Returns
        -------
        {predict}
        """
        check_is_fitted(self, "tuned_")
        return self.tuned_.predict(self._features(X)[0])

    @fill_doc
    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the refitted estimator's probabilities.

        Parameters
        ----------
        {X_predict}

        Returns
        -------
        {predict_proba}
        """
        check_is_fitted(self, "tuned_")
        return self.tuned_.predict_proba(self._features(X)[0])


def threshold_switch(result: Any, method: str, positive: Any) -> float:
    """Where ``method`` (a two-class rule) switched to ``positive`` on its own probability of ``positive``: per
    fold of the first repeat the midpoint between the highest probability it called negative and the lowest it
    called positive (the threshold lies between them), averaged over the folds."""
    column = list(result.classes).index(positive)
    proba, pred = result.oof_proba[method][:, column], result.oof_pred[method] == positive
    covered, points = np.zeros(len(result.y), dtype=bool), []
    for _, test in result.folds:
        rows = test[~covered[test]]
        covered[test] = True
        if len(rows) == 0:
            continue
        yes, no = proba[rows][pred[rows]], proba[rows][~pred[rows]]
        ends = ([no.max()] if len(no) else []) + ([yes.min()] if len(yes) else [])
        points.append(float(np.mean(ends)))
    return float(np.mean(points))
