r"""Class weights and class priors, one implementation for the whole package (NumPy; the torch losses
convert to tensors at their boundary): the weights a model or loss uses instead of resampling, and the
move of a trained model's outputs from the priors it learnt under to other ones.

Notation: class counts :math:`N_c`, :math:`N = \sum_c N_c`, :math:`C` classes, priors
:math:`\pi_c = N_c / N`.

* :func:`class_weights` / :func:`sample_weights`: weights from labels, as scikit-learn's ``class_weight``.
* :func:`weights_from_counts`: the same from class counts, ``weighting`` = balanced | sqrt | effective.
* :func:`class_priors`: :math:`\pi_c` from counts (or unnormalised priors), checked by
  :func:`check_class_counts`.
* :func:`prior_shift`: logits or probabilities moved to new priors (Saerens et al. 2002);
  :func:`prior_correct` is its checked form for probability matrices.
* :class:`PriorShiftClassifier`: a classifier whose probabilities are moved from the priors of its training
  rows to other ones (post-hoc logit adjustment as an estimator, refitted with every training fold).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ecombalance._validation import check_probabilities, plain_label

WEIGHTINGS = ("balanced", "sqrt", "effective")
SHIFT_KINDS = ("auto", "logits", "proba")


def check_class_counts(class_counts: Any, n_classes: int | None = None, *, name: str = "class_counts",
                       classes: Sequence | None = None, columns: str = "logits") -> np.ndarray:
    """Class counts (or unnormalised priors) as a float64 vector, checked: 1-D, finite, positive.

    Parameters
    ----------
    class_counts : sequence of numbers, or mapping {class: value}
        One value per class (any array-like, e.g. a pandas Series); a mapping is read in the order of
        ``classes``.
    n_classes : int, optional
        Required length (the number of ``columns`` of the model's output).
    name, columns : str
        How the error messages call the values and the model output.
    classes : sequence, optional
        Class label of each column, to read a mapping.
    """
    if class_counts is None:
        raise ValueError(f"{name} is required: pass the number of training samples per class")
    if isinstance(class_counts, Mapping):
        if classes is None:
            raise ValueError(f"{name} is a mapping {{class: value}}: pass classes= to give the column order")
        missing = [c for c in classes if c not in class_counts]
        if missing:
            raise ValueError(f"{name} has no entry for class(es) {missing}")
        class_counts = [class_counts[c] for c in classes]
    try:
        counts = np.array(class_counts, dtype=np.float64)  # a copy: callers may keep it
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a sequence of numbers, got {class_counts!r}") from exc
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {counts.shape}")
    if n_classes is not None and counts.size != n_classes:
        raise ValueError(
            f"{name} has {counts.size} entries but {columns} have {n_classes} classes; "
            f"pass one value per class, in the column order of the {columns}"
        )
    bad = np.flatnonzero(~np.isfinite(counts) | (counts <= 0))
    if bad.size:
        raise ValueError(
            f"class counts must be positive and finite, but {name} gives classes {bad.tolist()} the values "
            f"{counts[bad].tolist()}. Drop classes absent from the training data (or merge them)"
        )
    return counts


def class_priors(class_counts: Any, n_classes: int | None = None, **check: Any) -> np.ndarray:
    r"""Compute the class priors :math:`\pi_c = N_c / N` from class counts (or unnormalised priors).

    The values are checked first (1-D, finite, positive, one per class) by ``check_class_counts``.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,) or mapping {class: value}
        One count (or unnormalised prior) per class, e.g. a list or a pandas Series; a mapping is read in the
        order of ``classes`` (passed in ``**check``).
    n_classes : int, default=None
        The number of values required (the number of columns of the model's output); None accepts any.
    **check : dict
        ``classes`` (sequence: the class label of each column, to read a mapping); ``name`` and ``columns`` (str:
        how the error messages call the values and the model output, default "class_counts" and "logits").

    Returns
    -------
    ndarray of shape (n_classes,)
        The priors (float64), summing to 1, in the order given.

    Raises
    ------
    ValueError
        Not one positive, finite value per class (1-D, ``n_classes`` of them), or a mapping without ``classes``.
    TypeError
        ``class_counts`` is not a sequence of numbers.

    Examples
    --------
    >>> from ecombalance.sampling import class_priors
    >>> class_priors([90, 10])
    array([0.9, 0.1])
    >>> class_priors({"a": 3, "b": 1}, classes=["b", "a"])
    array([0.25, 0.75])
    """
    counts = check_class_counts(class_counts, n_classes, **check)
    return counts / counts.sum()


def weights_from_counts(class_counts: Any, weighting: str = "balanced", beta: float = 0.999) -> np.ndarray:
    r"""Per-class weights :math:`w_c` from class counts :math:`N_c`.

    Parameters
    ----------
    class_counts : sequence of numbers
        Training samples per class, all positive.
    weighting : {"balanced", "sqrt", "effective"}
        ``"balanced"``
            :math:`w_c = N / (C N_c)` (King & Zeng 2001; scikit-learn's ``compute_class_weight("balanced")``):
            every class carries the same total weight, :math:`\sum_c N_c w_c = N`.
        ``"sqrt"``
            :math:`w_c \propto N_c^{-1/2}`, normalised so that :math:`\sum_c w_c = C`.
        ``"effective"``
            inverse effective number (Cui et al., "Class-Balanced Loss Based on Effective Number of
            Samples", CVPR 2019): :math:`E_c = (1-\beta^{N_c})/(1-\beta)`,
            :math:`w_c \propto 1/E_c = (1-\beta)/(1-\beta^{N_c})`, normalised so that
            :math:`\sum_c w_c = C`. :math:`\beta = 0` gives all ones; :math:`\beta \to 1` tends to inverse
            frequency.
    beta : float in [0, 1)
        Used by ``"effective"`` only.

    Returns
    -------
    ndarray of shape (n_classes,), float64
        All ones when the classes are balanced, whatever the weighting.
    """
    counts = check_class_counts(class_counts)
    n_classes = counts.size
    if weighting == "balanced":
        return counts.sum() / (n_classes * counts)
    if weighting == "sqrt":
        w = 1.0 / np.sqrt(counts)
        return w * n_classes / w.sum()
    if weighting == "effective":
        beta = float(beta)
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"beta must lie in [0, 1) for effective-number weights, got {beta}")
        if beta == 0.0:
            return np.ones(n_classes)
        # (1 - beta**n) computed as -expm1(n log beta): exact when beta is close to 1
        w = (1.0 - beta) / -np.expm1(counts * np.log(beta))
        return w * n_classes / w.sum()
    raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")


def _label_weights(y: Any, class_weight: str | Mapping | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(classes, weight per class, class index per row) of labels ``y``."""
    y = column_or_1d(y, warn=True)  # a column vector is read as one label per row, with scikit-learn's warning
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    if isinstance(class_weight, str):
        return classes, weights_from_counts(counts, class_weight), inverse
    return classes, compute_class_weight(class_weight, classes=classes, y=y), inverse


def class_weights(y: Any, class_weight: str | Mapping | None = "balanced") -> dict:
    r"""Compute the class weights to pass to a model instead of resampling, as ``{class: weight}``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels.
    class_weight : {"balanced", "sqrt", "effective"}, mapping or None, default="balanced"
        ``"balanced"``: scikit-learn's :math:`w_c = N / (C N_c)` (King & Zeng 2001), every class the same total
        weight, :math:`\sum_c N_c w_c = N`; ``"sqrt"``: :math:`w_c \propto N_c^{-1/2}`; ``"effective"``: the
        inverse effective number :math:`(1-\beta)/(1-\beta^{N_c})`, :math:`\beta = 0.999` (Cui et al. 2019); both
        normalised to :math:`\sum_c w_c = C`. A mapping ``{class: weight}`` or None is read as scikit-learn does
        (unlisted classes and None give weight 1).

    Returns
    -------
    dict
        ``{class: weight}`` for every class of ``y``, sorted by class; plain Python labels and floats.

    Raises
    ------
    ValueError
        An unknown weighting name, or a mapping naming a class that is not in ``y``.

    References
    ----------
    King, G. and Zeng, L. (2001). Logistic regression in rare events data. Political Analysis 9(2).

    Cui, Y. et al. (2019). Class-balanced loss based on effective number of samples. CVPR.

    Examples
    --------
    >>> from ecombalance.sampling import class_weights
    >>> y = ["a"] * 6 + ["b"] * 2
    >>> {c: round(w, 3) for c, w in class_weights(y).items()}
    {'a': 0.667, 'b': 2.0}
    >>> class_weights(y, {"b": 5})
    {'a': 1.0, 'b': 5.0}
    """
    classes, weights, _ = _label_weights(y, class_weight)
    return {plain_label(c): float(w) for c, w in zip(classes, weights)}


def sample_weights(y: Any, class_weight: str | Mapping | None = "balanced") -> np.ndarray:
    """Compute per-row weights :math:`w_{y_i}` for ``fit(X, y, sample_weight=...)``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels.
    class_weight : {"balanced", "sqrt", "effective"}, mapping or None, default="balanced"
        The weighting, as :func:`class_weights` reads it (``"balanced"``: :math:`w_c = N / (C N_c)`).

    Returns
    -------
    ndarray of shape (n_samples,)
        The weight of each row's class (float64).

    Examples
    --------
    >>> from ecombalance.sampling import sample_weights
    >>> sample_weights(["a", "a", "a", "b"]).round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    _, weights, inverse = _label_weights(y, class_weight)
    return weights[inverse]


def prior_shift(scores: Any, train_priors: Any, target_priors: Any = "uniform", kind: str = "auto",
                classes: Sequence | None = None) -> np.ndarray:
    r"""Move a trained model's outputs from the priors it learnt under to other priors.

    With :math:`\pi^s` the priors of the training data (after any re-sampling or re-weighting) and
    :math:`\pi^t` the target ones, Bayes' rule gives (Saerens, Latinne & Decaestecker 2002, "Adjusting
    the outputs of a classifier to new a priori probabilities"; Elkan 2001, Theorem 2)

    .. math:: p^t_c(x) = \frac{p^s_c(x)\,\pi^t_c / \pi^s_c}{\sum_k p^s_k(x)\,\pi^t_k / \pi^s_k},
              \qquad f^t_c(x) = f^s_c(x) + \log \pi^t_c - \log \pi^s_c

    for probabilities and for logits. Uniform :math:`\pi^t` gives the decision that minimises the
    balanced error (threshold moving; for logits this is Menon et al.'s post-hoc logit adjustment).

    Parameters
    ----------
    scores : array of shape (n_samples, n_classes)
        Probabilities (rows summing to 1) or logits.
    train_priors : array of shape (n_classes,) or mapping {class: value}
        Training priors or class counts (normalised here), in column order; a mapping needs ``classes``.
    target_priors : array of shape (n_classes,), mapping or "uniform", default="uniform"
        The priors to move to, as ``train_priors``.
    kind : {"auto", "logits", "proba"}, default="auto"
        ``"auto"`` treats non-negative rows summing to one as probabilities, anything else as logits.
    classes : sequence, default=None
        Class label of each column, used to read mapping priors.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Probabilities or logits, as ``scores``.

    Raises
    ------
    ValueError
        ``scores`` is not 2-D, ``kind`` or ``target_priors`` names nothing above, or a prior is not positive.

    See Also
    --------
    prior_correct : The same for a checked probability matrix.
    PriorShiftClassifier : The shift as an estimator, its training priors counted at fit time.

    References
    ----------
    Saerens, M. et al. (2002). Adjusting the outputs of a classifier to new a priori probabilities. Neural Comp.

    Elkan, C. (2001). The foundations of cost-sensitive learning. IJCAI.

    Menon, A. K. et al. (2021). Long-tail learning via logit adjustment. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.sampling import prior_shift
    >>> proba = np.array([[0.9, 0.1], [0.6, 0.4]])
    >>> prior_shift(proba, train_priors=[0.9, 0.1]).round(3)       # to uniform priors
    array([[0.5  , 0.5  ],
           [0.143, 0.857]])
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 2:
        raise ValueError(f"scores must be 2-D (n_samples, n_classes), got shape {s.shape}")
    if kind == "auto":
        kind = "proba" if (s >= 0).all() and np.allclose(s.sum(axis=1), 1.0, rtol=1e-5, atol=1e-6) else "logits"
    if kind not in SHIFT_KINDS:
        raise ValueError(f"kind must be 'auto', 'logits' or 'proba', got {kind!r}")
    if isinstance(target_priors, str):
        if target_priors != "uniform":
            raise ValueError(f"target_priors must be priors, counts or 'uniform', got {target_priors!r}")
        target_priors = np.ones(s.shape[1])
    check = {"classes": classes, "columns": kind}
    train = class_priors(train_priors, s.shape[1], name="train_priors", **check)
    target = class_priors(target_priors, s.shape[1], name="target_priors", **check)
    if kind == "logits":
        return s + (np.log(target) - np.log(train))
    weighted = check_probabilities(s) * (target / train)
    return weighted / weighted.sum(axis=1, keepdims=True)


def prior_correct(proba: Any, train_priors: Any, true_priors: Any, classes: Sequence | None = None) -> np.ndarray:
    r"""Map posteriors learnt under the training priors to the true (deployment) priors.

    :func:`prior_shift` with ``kind="proba"``, after checking that ``proba`` is a probability matrix:

    .. math:: p'_c(x) = \frac{p_c(x)\,\pi^{true}_c / \pi^{train}_c}{\sum_k p_k(x)\,\pi^{true}_k / \pi^{train}_k}

    (Saerens, Latinne & Decaestecker 2002; Elkan 2001, "The foundations of cost-sensitive learning",
    Theorem 2).

    Parameters
    ----------
    proba : array of shape (n_samples, n_classes)
        Predicted probabilities, rows summing to 1.
    train_priors, true_priors : array of shape (n_classes,) or mapping {class: value}
        Priors or class counts (normalised here), in the column order of ``proba``; a mapping needs
        ``classes``.
    classes : sequence, default=None
        Class label of each column, used to read mapping priors.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        The probabilities under ``true_priors``, rows summing to 1.

    Raises
    ------
    ValueError
        ``proba`` is not a 2-D probability matrix (binary down-sampling: ``evaluation.recalibrate``), or bad priors.

    See Also
    --------
    prior_shift : The same for probabilities or logits, to any priors (and the references).

    Examples
    --------
    >>> from ecombalance.sampling import prior_correct
    >>> prior_correct([[0.5, 0.5], [0.2, 0.8]], train_priors=[0.5, 0.5], true_priors=[0.9, 0.1]).round(3)
    array([[0.9  , 0.1  ],
           [0.692, 0.308]])
    """
    p = check_probabilities(proba)
    if p.ndim != 2:
        raise ValueError("prior_correct needs a 2-D (n_samples, n_classes) matrix; for binary "
                         "down-sampling use recalibrate(p, negative_rate)")
    return prior_shift(p, train_priors, true_priors, kind="proba", classes=classes)


class PriorShiftClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    r"""Classifier whose probabilities are moved from the class priors of its training rows to other priors.

    The probabilities of the wrapped model are moved to ``target_priors`` by :func:`prior_shift` (Saerens et al.
    2002): with ``"uniform"``, post-hoc logit adjustment (Menon et al. 2021) of a model trained with plain
    cross-entropy, its arg-max the rule of the balanced error.

    The training priors are counted on the rows :meth:`fit` sees, so inside cross-validation each training fold
    gives its own; nothing is fitted on the rows predicted. The wrapped ``estimator`` (cloned) needs
    ``predict_proba``.

    Parameters
    ----------
    estimator : classifier
        Fitted as is (a clone), its ``predict_proba`` shifted.
    target_priors : "uniform", array of shape (n_classes,) or mapping {class: prior}, default="uniform"
        The priors to move to (counts are normalised), in the order of ``classes_`` for an array.

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        The training labels, sorted.
    train_priors_ : ndarray of shape (n_classes,)
        The class shares of the training rows, in the order of ``classes_``.

    See Also
    --------
    prior_shift : The shift itself (and the references).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.sampling import PriorShiftClassifier
    >>> X = np.r_[np.zeros((90, 1)), np.ones((10, 1))] + np.linspace(0, 0.5, 100)[:, None]
    >>> y = np.repeat([0, 1], [90, 10])
    >>> model = PriorShiftClassifier(LogisticRegression()).fit(X, y)
    >>> model.train_priors_.tolist()
    [0.9, 0.1]
    >>> raw = model.estimator_.predict_proba(X[:1])[0]
    >>> bool(np.allclose(model.predict_proba(X[:1])[0], raw / [0.9, 0.1] / (raw / [0.9, 0.1]).sum()))
    True
    """

    def __init__(self, estimator: Any, target_priors: Any = "uniform"):
        self.estimator = estimator
        self.target_priors = target_priors

    def fit(self, X: Any, y: Any, **fit_params: Any) -> "PriorShiftClassifier":
        """Fit a clone of ``estimator`` on ``(X, y)`` and count the training priors of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features, as ``estimator`` takes them.
        y : array-like of shape (n_samples,)
            Training labels, one class per row.
        **fit_params : dict
            Passed to ``estimator.fit`` (``sample_weight``, ...).

        Returns
        -------
        PriorShiftClassifier
            This estimator, fitted.

        Raises
        ------
        ValueError
            ``y`` is None, multilabel or multioutput, or not class labels.
        TypeError
            ``estimator`` has no ``predict_proba``.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if type_of_target(y) in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError("Multilabel and multioutput targets are not supported: give one class label per row")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self.estimator, "predict_proba"):
            raise TypeError(f"{type(self.estimator).__name__} has no predict_proba; {type(self).__name__} shifts "
                            "probabilities")
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = np.asarray(self.estimator_.classes_)
        counts = np.array([(y == c).sum() for c in self.classes_], dtype=float)
        self.train_priors_ = counts / counts.sum()
        for fitted in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, fitted):
                setattr(self, fitted, getattr(self.estimator_, fitted))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Predict class probabilities: the wrapped model's, moved to ``target_priors``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The shifted probabilities; columns follow ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        return prior_shift(self.estimator_.predict_proba(X), self.train_priors_, self.target_priors, kind="proba",
                           classes=self.classes_)

    def predict(self, X: Any) -> np.ndarray:
        """Predict the most probable class after the shift.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows to predict.

        Returns
        -------
        ndarray of shape (n_samples,)
            The class of ``classes_`` with the highest shifted probability.
        """
        check_is_fitted(self, "estimator_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator).input_tags
        tags.input_tags.sparse, tags.input_tags.allow_nan = inner.sparse, inner.allow_nan
        return tags
