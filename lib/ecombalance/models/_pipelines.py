"""Models by name and the leakage-safe ``preprocess -> sampler -> model`` pipeline.

Model names (:data:`MODELS`): ``logreg``, ``gboost`` (scikit-learn's HistGradientBoosting), ``mlp``, ``lightgbm``,
and the ensembles of :mod:`ecombalance.models._ensembles`: the plain ``rf``, ``bagging``, ``bagged_adaboost``,
``adaboost`` and imbalanced-learn's balancing ``balanced_rf``, ``balanced_bagging``, ``easy_ensemble``, ``rusboost``.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from ecombalance.models._ensembles import ENSEMBLES, make_ensemble, make_lightgbm
from ecombalance.sampling._resampling import make_sampler
from ecombalance.sampling._weights import sample_weights

MODELS = ("logreg", "gboost", "mlp", "lightgbm", *ENSEMBLES)
"""Classifier names :func:`make_model` and :func:`pipeline` accept."""


class ClassWeightedClassifier(ClassifierMixin, BaseEstimator):
    """Fit a classifier with per-row class weights, for models without a ``class_weight`` parameter.

    scikit-learn's ``MLPClassifier`` accepts ``sample_weight`` in ``fit`` but has no
    ``class_weight``; this passes :func:`sample_weights` of the training labels. Input checks are
    the wrapped estimator's; the labels must be one class per row.
    """

    def __init__(self, estimator: Any, class_weight: str | Mapping = "balanced"):
        self.estimator = estimator
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any) -> ClassWeightedClassifier:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        check_classification_targets(y)
        if type_of_target(y) not in ("binary", "multiclass"):
            raise ValueError("Multilabel and multioutput targets are not supported: class weights need one "
                             f"class per row, got a {type_of_target(y)} target")
        self.estimator_ = clone(self.estimator).fit(X, y, sample_weight=sample_weights(y, self.class_weight))
        self.classes_ = self.estimator_.classes_
        for fitted in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, fitted):
                setattr(self, fitted, getattr(self.estimator_, fitted))
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator).input_tags
        tags.input_tags.sparse, tags.input_tags.allow_nan = inner.sparse, inner.allow_nan
        return tags


def make_model(name: str, random_state: Any = None, **params: Any) -> Any:
    """Build an unfitted classifier by name.

    The names (:data:`MODELS`): ``logreg`` (scikit-learn's ``LogisticRegression``, ``max_iter=1000``), ``gboost``
    (``HistGradientBoostingClassifier``: 50 iterations, 15 leaves, no early stopping), ``mlp`` (a small
    ``MLPClassifier``: one hidden layer of 32, 200 iterations, no early stopping), ``lightgbm``
    (``lightgbm.LGBMClassifier`` with the settings of ``gboost``) or an ensemble of :data:`ENSEMBLES`
    (:func:`make_ensemble`).

    Parameters
    ----------
    name : str
        A name of :data:`MODELS`.
    random_state : int, RandomState instance or None, default=None
        Seeds the model's randomness (not used by ``logreg``, which is deterministic).
    **params : dict
        Further parameters of the estimator; they override the defaults above.

    Returns
    -------
    estimator
        The unfitted scikit-learn (or LightGBM) classifier.

    Raises
    ------
    ValueError
        When ``name`` is not in :data:`MODELS`.

    See Also
    --------
    make_ensemble : The ensembles by name.
    pipeline : A model behind a preprocessor and a sampler.

    Examples
    --------
    >>> from ecombalance.models import make_model
    >>> make_model("logreg")
    LogisticRegression(max_iter=1000)
    >>> make_model("gboost", random_state=0, max_iter=10).max_iter
    10
    >>> make_model("balanced_rf").n_estimators
    100
    """
    if name == "logreg":
        return LogisticRegression(**{"max_iter": 1000, **params})
    if name == "gboost":
        defaults = {"max_iter": 50, "max_leaf_nodes": 15, "early_stopping": False}
        return HistGradientBoostingClassifier(**{**defaults, "random_state": random_state, **params})
    if name == "mlp":
        defaults = {"hidden_layer_sizes": (32,), "max_iter": 200, "early_stopping": False}
        return MLPClassifier(**{**defaults, "random_state": random_state, **params})
    if name == "lightgbm":
        return make_lightgbm(random_state=random_state, **params)
    if name in ENSEMBLES:
        return make_ensemble(name, random_state=random_state, **params)
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)} or pass an estimator")


def densify(X: Any) -> Any:
    """``X`` as a dense array when it is a scipy sparse matrix, else ``X`` unchanged."""
    return X.toarray() if sp.issparse(X) else X


def pipeline(
    preprocess: Any = None,
    sampler: Any = "none",
    model: Any = "logreg",
    class_weight: str | Mapping | None = None,
    random_state: Any = None,
) -> Pipeline:
    """Chain ``preprocess -> sampler -> model`` as an imbalanced-learn Pipeline.

    The pipeline resamples only in ``fit`` (the training part of a split); ``predict`` and
    ``score`` skip the sampler, so evaluation data keep their original class distribution.

    Parameters
    ----------
    preprocess : transformer, None or "passthrough", default=None
        Fitted on the training part only, like everything else in the pipeline; None is ``"passthrough"``.
    sampler : str or sampler, default="none"
        A name in :data:`ecombalance.sampling.SAMPLERS` (built with :func:`ecombalance.sampling.make_sampler`)
        or any object with ``fit_resample``.
    model : str or classifier, default="logreg"
        A name in :data:`MODELS` or an estimator. HistGradientBoosting (``gboost``), which takes no sparse input,
        gets a ``dense`` step before it (:func:`densify`; TF-IDF is sparse, and the dense copy and the model's
        time grow with the vocabulary: cap it, ``max_features``, for large texts); scikit-learn's other trees and
        ensembles, LightGBM, logistic regression and the MLPs take the sparse matrix as it is.
    class_weight : "balanced", dict or None, default=None
        The class-weighting alternative to resampling: set on models with a ``class_weight``
        parameter, else applied through ``sample_weight`` (:class:`ClassWeightedClassifier`).
    random_state : int, RandomState instance or None, default=None
        Seeds the sampler and the model when they are given by name.

    Returns
    -------
    imblearn.pipeline.Pipeline
        The unfitted pipeline, steps ``preprocess``, ``sampler``, ``dense`` (``gboost`` only) and ``model``.

    Raises
    ------
    TypeError
        When ``sampler`` is neither a name nor an object with ``fit_resample``.
    ValueError
        When ``class_weight`` is given for a model that takes neither ``class_weight`` nor ``sample_weight``.

    See Also
    --------
    make_model : The models by name.
    make_preprocessor : The feature transformer of a table.

    Examples
    --------
    >>> from ecombalance.models import pipeline
    >>> pipe = pipeline(sampler="random_under", model="gboost", random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['preprocess', 'sampler', 'dense', 'model']
    >>> pipeline(model="mlp", class_weight="balanced").named_steps["model"]
    ClassWeightedClassifier(estimator=MLPClassifier(hidden_layer_sizes=(32,)))
    """
    if isinstance(sampler, str):
        sampler = make_sampler(sampler, random_state=random_state)
    elif not hasattr(sampler, "fit_resample"):
        raise TypeError(f"sampler must be a name in SAMPLERS or have fit_resample, got {type(sampler).__name__}")
    model = make_model(model, random_state=random_state) if isinstance(model, str) else clone(model)
    if class_weight is not None:
        if "class_weight" in model.get_params():
            model.set_params(class_weight=class_weight)
        elif "sample_weight" in inspect.signature(model.fit).parameters:
            model = ClassWeightedClassifier(model, class_weight=class_weight)
        else:
            raise ValueError(
                f"{type(model).__name__} takes neither class_weight nor sample_weight; "
                "use a sampler instead of class weighting"
            )
    steps = [("preprocess", preprocess if preprocess is not None else "passthrough"), ("sampler", sampler)]
    if isinstance(model, HistGradientBoostingClassifier):  # it needs dense input; TF-IDF is sparse
        steps.append(("dense", FunctionTransformer(densify, accept_sparse=True)))
    return Pipeline([*steps, ("model", model)])
