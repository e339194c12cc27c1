"""Calibration after re-balancing: prior correction, down-sampling recalibration, temperature scaling,
reliability diagrams.

Re-balancing the training data (under-/over-sampling, class weights) changes the class priors the model
learns, so its probabilities are no longer those of the real traffic. Ranking by them is unchanged within a
class, but anything that reads them as probabilities (log-loss, a bid, a threshold, a mixture of models) is
off until they are mapped back:

* :func:`ecombalance.sampling._weights.prior_correct` for multi-class priors when the deployment priors are
  known (Saerens et al. 2002; Elkan 2001), :func:`estimate_priors_em` when they are not (the EM procedure of
  Saerens et al. 2002 on unlabelled deployment rows),
* :func:`recalibrate` for the binary negative down-sampling of click logs (He et al. 2014),
* :class:`TemperatureScaler` for over-confident networks (Guo et al. 2017), and :class:`InnerFoldCalibration`
  for scikit-learn's temperature, isotonic or sigmoid calibration fitted on inner folds of the training rows
  only (the probabilities the Bayes rule of a cost matrix reads),
* :func:`reliability_curve` (drawn by :func:`ecombalance.plotting.plot_reliability`) to see the result.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ecombalance._validation import check_probabilities, check_same_length
from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._folds import make_folds
from ecombalance.evaluation._logits import check_logits, temperature_nll
from ecombalance.exceptions import SmallClassWarning
from ecombalance.sampling._weights import class_priors


def recalibrate(p: Any, negative_rate: float) -> np.ndarray:
    r"""Undo negative down-sampling: :math:`q = p / (p + (1 - p) / w)`.

    A binary model trained on data where only a fraction ``w`` of the negatives was kept (all positives
    kept) predicts :math:`p`, the positive rate of the down-sampled data; the rate on the original data is
    ``q`` (He et al. 2014, "Practical lessons from predicting clicks on ads at Facebook", §6.2). The odds
    scale by ``w``: :math:`q/(1-q) = w \cdot p/(1-p)`.

    Parameters
    ----------
    p : array-like of float in [0, 1]
        Positive-class probabilities from the model trained on down-sampled data.
    negative_rate : float in (0, 1]
        ``w``, the fraction of negatives kept (1 = no down-sampling).

    Returns
    -------
    ndarray of the shape of ``p``
        ``q``, the positive-class probabilities on the original data.

    Raises
    ------
    ValueError
        For a ``negative_rate`` outside (0, 1], or ``p`` that is not 1-D probabilities.

    Examples
    --------
    >>> from ecombalance.evaluation import recalibrate
    >>> recalibrate([0.5, 0.2], negative_rate=0.1).round(4)  # one negative in ten kept
    array([0.0909, 0.0244])
    """
    w = float(negative_rate)
    if not np.isfinite(w) or not 0 < w <= 1:
        raise ValueError(
            f"negative_rate must be in (0, 1] (the fraction of negatives kept), got {negative_rate!r}"
        )
    p = check_probabilities(p, name="p")
    if p.ndim != 1:
        raise ValueError("recalibrate takes the positive-class probability (1-D); for several classes "
                         "use prior_correct")
    return p / (p + (1 - p) / w)  # the denominator is >= min(1, 1/w) > 0


class TemperatureScaler(TransformerMixin, BaseEstimator):
    r"""Temperature scaling of logits: :math:`\hat p = \mathrm{softmax}(z / T)` with one fitted scalar ``T``.

    ``T`` is fitted on validation logits by minimising the negative log-likelihood (Guo et al. 2017, "On
    calibration of modern neural networks").

    ``T > 1`` softens an over-confident model; the arg-max (and thus accuracy) is unchanged. For a model
    that only gives probabilities, pass ``np.log(proba)`` as logits (softmax is shift-invariant). The NLL is
    convex in :math:`1/T`, so a bounded scalar search over :math:`\log T` (scipy's Brent method) finds the
    optimum; torch is not needed for one parameter.

    Parameters
    ----------
    bounds : (float, float), default=(0.01, 100.0)
        Search interval for ``T``.

    Attributes
    ----------
    temperature_ : float
        The fitted ``T``.
    nll_before_, nll_after_ : float
        Validation NLL at ``T = 1`` and at the fitted ``T``.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.evaluation import TemperatureScaler
    >>> logits = np.array([[4.0, 0.0], [3.0, 1.0], [0.0, 2.0], [1.0, 3.0], [2.5, 0.0], [0.0, 4.0]])
    >>> scaler = TemperatureScaler().fit(logits, [0, 1, 1, 0, 0, 1])
    >>> round(scaler.temperature_, 2), round(scaler.nll_before_, 3), round(scaler.nll_after_, 3)
    (2.6, 0.749, 0.566)
    >>> scaler.transform(logits[:2]).round(3)  # softer than softmax(logits)
    array([[0.824, 0.176],
           [0.684, 0.316]])
    """

    def __init__(self, bounds: tuple[float, float] = (0.01, 100.0)):
        self.bounds = bounds

    @fill_doc
    def fit(self, logits: Any, y: Any) -> "TemperatureScaler":
        """Fit ``T`` on validation logits and their integer labels.

        Parameters
        ----------
        logits : array-like of shape (n_samples, n_classes) or (n_samples,)
            Validation logits; 1-D: binary logits.
        y : array-like of int of shape (n_samples,)
            Class indices 0..C-1 (0/1 for binary logits).

        Returns
        -------
        {self}

        Raises
        ------
        ValueError
            For logits that are not 1-D or 2-D or not finite, labels that are not class indices of the logit
            columns, or bounds that do not satisfy 0 < low < high.
        """
        z = check_logits(logits)
        y = np.asarray(y)
        check_same_length(z, y, "logits")
        n_classes = 2 if z.ndim == 1 else z.shape[1]
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"y must hold integer class indices in [0, {n_classes - 1}] matching the logit columns")
        low, high = self.bounds
        if not 0 < low < high:
            raise ValueError(f"bounds must satisfy 0 < low < high, got {self.bounds}")
        result = minimize_scalar(
            lambda log_t: temperature_nll(z, y, np.exp(log_t)), bounds=(np.log(low), np.log(high)), method="bounded",
            options={"xatol": 1e-6},
        )
        self.temperature_ = float(np.exp(result.x))
        self.nll_before_ = temperature_nll(z, y, 1.0)
        self.nll_after_ = temperature_nll(z, y, self.temperature_)
        self.n_features_in_ = 1 if z.ndim == 1 else z.shape[1]
        return self

    def transform(self, logits: Any) -> np.ndarray:
        """Return calibrated probabilities: softmax(z / T) for 2-D logits, sigmoid(z / T) for binary 1-D logits.

        Parameters
        ----------
        logits : array-like of shape (n_samples, n_classes) or (n_samples,)
            Logits with as many columns as in :meth:`fit`.

        Returns
        -------
        ndarray of the shape of ``logits``
            The calibrated probabilities (of the positive class for 1-D logits).
        """
        check_is_fitted(self, "temperature_")
        z = check_logits(logits)
        n_columns = 1 if z.ndim == 1 else z.shape[1]
        if n_columns != self.n_features_in_:
            raise ValueError(
                f"X has {n_columns} features, but {type(self).__name__} is expecting {self.n_features_in_} "
                "features as input. Reshape your data to one column per class, as in fit (1-D logits only for "
                "a binary model)"
            )
        if z.ndim == 1:
            return expit(z / self.temperature_)
        return softmax(z / self.temperature_, axis=1)


def inner_fold_count(y: np.ndarray, n_splits: int, who: str = "the inner folds") -> int:
    """``n_splits`` inner folds, or fewer when the smallest class of ``y`` has fewer rows (each inner fold keeps
    every class); ValueError when a class has a single row."""
    if not isinstance(n_splits, (int, np.integer)) or isinstance(n_splits, bool) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    smallest = int(np.unique(y, return_counts=True)[1].min())
    if smallest < 2:
        raise ValueError(f"{who} needs at least 2 rows of every class for its inner folds; a class of these "
                         "training rows has 1: merge or drop rare classes (min_class_size)")
    return min(int(n_splits), smallest)


CALIBRATION_METHODS = ("temperature", "isotonic", "sigmoid")
"""What :class:`InnerFoldCalibration` fits: scikit-learn's ``CalibratedClassifierCV`` methods."""


class InnerFoldCalibration(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    r"""A classifier whose probabilities are recalibrated on inner folds of the rows it is fitted on, never on the
    rows it predicts: scikit-learn's ``CalibratedClassifierCV`` with its folds from
    :func:`~ecombalance.evaluation._folds.make_folds` (stratified, shuffled with ``random_state``).

    ``method``:

    * ``"temperature"`` (default): :math:`\hat p = \mathrm{softmax}(\log p / T)`, one scalar :math:`T` for every
      class fitted by minimising the log-loss (Guo et al. 2017, "On calibration of modern neural networks"); it
      keeps the arg-max and changes only how sure the model is;
    * ``"isotonic"``: a monotone step function per class against the rest, renormalised (Zadrozny & Elkan 2002);
      flexible, but it needs many rows per class (scikit-learn advises against it well below 1,000);
    * ``"sigmoid"``: Platt's logistic map per class against the rest (Platt 1999).

    With ``ensemble=True`` (scikit-learn's default) each of the ``n_splits`` inner folds fits a copy of
    ``estimator`` on its training part and the calibrator on its held-out part, and the predictions average the
    copies; with ``False`` the calibrator is fitted on inner out-of-fold predictions and one copy is refitted on
    all the rows. Inside an experiment (:func:`~ecombalance.evaluation.run_experiment`) the calibration is thus
    fitted within each training fold: a test fold is never seen by the model or by its calibrator.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
    method : {"temperature", "isotonic", "sigmoid"}
    n_splits : int
        Inner folds (each class needs at least this many rows).
    random_state : int or None
        Shuffles the inner folds.
    ensemble : bool

    A class of a single row cannot be split into inner folds: the estimator is then fitted as it is, uncalibrated,
    with a :class:`~ecombalance.exceptions.SmallClassWarning` (a training fold of a grouped split can hold one row of
    a rare class).

    Attributes
    ----------
    calibrated_ : the fitted ``CalibratedClassifierCV`` (the plain fitted estimator after the warning above)
    classes_ : ndarray
    temperature_ : float or None
        The mean fitted temperature over the inner folds (``method="temperature"``): above 1 the raw
        probabilities were over-confident, below 1 under-confident.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1, 2], [120, 60, 20])
    >>> X = (y + rng.normal(0, 1, 200))[:, None]
    >>> model = InnerFoldCalibration(LogisticRegression(), random_state=0).fit(X, y)
    >>> model.predict_proba(X[:2]).shape, model.temperature_ > 0
    ((2, 3), True)
    """

    def __init__(self, estimator: Any, method: str = "temperature", n_splits: int = 3, random_state: int | None = None,
                 ensemble: bool = True) -> None:
        self.estimator = estimator
        self.method = method
        self.n_splits = n_splits
        self.random_state = random_state
        self.ensemble = ensemble

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator).input_tags
        tags.input_tags.sparse, tags.input_tags.allow_nan = inner.sparse, inner.allow_nan
        return tags

    def fit(self, X: Any, y: Any) -> "InnerFoldCalibration":
        """Fit ``CalibratedClassifierCV`` on ``n_splits`` stratified inner folds of ``(X, y)``."""
        if self.method not in CALIBRATION_METHODS:
            raise ValueError(f"method must be one of {list(CALIBRATION_METHODS)}, got {self.method!r}")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if type_of_target(y) in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError("Multilabel and multioutput targets are not supported: give one class label per row")
        y = column_or_1d(y, warn=True)
        if len(y) == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required.")
        check_classification_targets(y)
        if len(np.unique(y)) < 2:
            raise ValueError(f"y holds one class only ({np.unique(y)[0]!r}); calibration needs two classes or more")
        try:
            n_splits = inner_fold_count(y, self.n_splits, type(self).__name__)
        except ValueError as error:  # a class of one row: no inner folds to calibrate on
            warnings.warn(f"{error}; fitted without calibration", SmallClassWarning, stacklevel=2)
            self.calibrated_ = clone(self.estimator).fit(X, y)
            self.classes_, self.temperature_ = np.asarray(self.calibrated_.classes_), None
            return self
        inner = make_folds(y, None, n_splits, 0 if self.random_state is None else self.random_state)
        self.calibrated_ = CalibratedClassifierCV(clone(self.estimator), method=self.method, cv=list(inner),
                                                  ensemble=self.ensemble).fit(X, y)
        self.classes_ = self.calibrated_.classes_
        for fitted in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.calibrated_, fitted):
                setattr(self, fitted, getattr(self.calibrated_, fitted))
        # scikit-learn's temperature calibrator keeps the inverse temperature beta_ (softmax(beta_ * log p))
        inverse = [float(np.ravel(getattr(c, "beta_", np.nan))[0]) for cal in self.calibrated_.calibrated_classifiers_
                   for c in cal.calibrators] if self.method == "temperature" else []
        self.temperature_ = float(np.nanmean(1 / np.array(inverse))) if inverse else None
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """The calibrated probabilities (columns follow ``classes_``)."""
        check_is_fitted(self, "calibrated_")
        return self.calibrated_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class after calibration."""
        check_is_fitted(self, "calibrated_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def reliability_curve(y_true: Any, proba: Any, n_bins: int = 10, classes: Sequence | None = None) -> pd.DataFrame:
    r"""Compute the per-bin mean confidence, observed accuracy and count of a reliability diagram.

    * 1-D ``proba`` (binary, probability of the positive class, labels 0/1): confidence is ``proba`` and
      accuracy the fraction of positives in the bin, as in :func:`sklearn.calibration.calibration_curve`.
    * 2-D ``proba`` (n_samples, n_classes): *top-label* — confidence is :math:`\max_c p_c` and accuracy
      whether the arg-max class is the true one (Guo et al. 2017). ``y_true`` holds class labels in
      ``classes`` (the column order; default ``0..C-1``).

    Bins have equal width on [0, 1]: bin ``b`` holds confidences in :math:`(b/B, (b+1)/B]` (the first also
    holds 0), the same edges as scikit-learn's ``calibration_curve(strategy="uniform")``. Empty bins are
    kept with count 0 and NaN confidence / accuracy.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0/1 with 1-D ``proba``, else labels in ``classes``.
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities (above).
    n_bins : int, default=10
        Equal-width bins on [0, 1].
    classes : sequence, default=None
        The labels of the columns of a 2-D ``proba`` (default ``0..C-1``).

    Returns
    -------
    DataFrame
        One row per bin: ``bin_lower``, ``bin_upper``, ``confidence``, ``accuracy``, ``count``.

    Raises
    ------
    ValueError
        For an ``n_bins`` that is not a positive integer, labels that do not match ``proba``, or invalid
        probabilities.

    Examples
    --------
    >>> from ecombalance.evaluation import reliability_curve
    >>> reliability_curve([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], n_bins=2)
       bin_lower  bin_upper  confidence  accuracy  count
    0        0.0        0.5         0.2       0.0      2
    1        0.5        1.0         0.7       1.0      2
    """
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    y = np.asarray(y_true)
    p = check_probabilities(proba, n_rows=len(y))
    if p.ndim == 1:
        if not np.isin(y, [0, 1]).all():
            raise ValueError("with 1-D (positive-class) probabilities y_true must be 0/1")
        confidence, correct = p, y.astype(float)
    else:
        labels = np.arange(p.shape[1]) if classes is None else np.asarray(classes)
        if len(labels) != p.shape[1]:
            raise ValueError(f"classes has {len(labels)} entries but proba has {p.shape[1]} columns")
        lookup = {c: i for i, c in enumerate(labels.tolist())}
        unknown = sorted({v for v in y.tolist() if v not in lookup}, key=str)
        if unknown:
            raise ValueError(f"y_true holds label(s) {unknown[:5]} that are not in classes {labels.tolist()[:10]}")
        codes = np.array([lookup[v] for v in y.tolist()], dtype=int)
        confidence, correct = p.max(axis=1), (p.argmax(axis=1) == codes).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_ids = np.searchsorted(edges[1:-1], confidence)
    count = np.bincount(bin_ids, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(bin_ids, weights=confidence, minlength=n_bins) / count
        accuracy = np.bincount(bin_ids, weights=correct, minlength=n_bins) / count
    return pd.DataFrame({"bin_lower": edges[:-1], "bin_upper": edges[1:], "confidence": mean_conf,
                         "accuracy": accuracy, "count": count})


def expected_calibration_error_from_curve(curve: pd.DataFrame) -> float:
    r""":math:`\mathrm{ECE} = \sum_b \frac{n_b}{N} \lvert \mathrm{acc}_b - \mathrm{conf}_b \rvert` over the
    non-empty bins of a :func:`reliability_curve`."""
    filled = curve[curve["count"] > 0]
    weights = filled["count"] / filled["count"].sum()
    return float((weights * (filled["accuracy"] - filled["confidence"]).abs()).sum())


class PriorEstimate(NamedTuple):
    """What :func:`estimate_priors_em` found: the estimated deployment ``priors``, the posteriors ``proba``
    adjusted to them, the EM iterations used (``n_iter``) and whether the change fell below ``tol``."""

    priors: np.ndarray
    proba: np.ndarray
    n_iter: int
    converged: bool


def estimate_priors_em(proba: Any, train_priors: Any, max_iter: int = 100, tol: float = 1e-6) -> PriorEstimate:
    r"""Estimate unknown deployment class priors from unlabelled rows, and adjust the posteriors to them.

    The EM procedure of Saerens, Latinne & Decaestecker (2002, "Adjusting the outputs of a classifier to new
    a priori probabilities: a simple procedure", *Neural Computation* 14(1), eqs. 2.9–2.10). A model trained
    under priors :math:`\pi^{tr}` gives posteriors :math:`p^{tr}_c(x_k)` on the :math:`N` unlabelled
    deployment rows. Starting from :math:`\hat\pi^{(0)} = \pi^{tr}`, repeat

    .. math::

        \hat p^{(s)}_c(x_k) = \frac{\hat\pi^{(s)}_c / \pi^{tr}_c \; p^{tr}_c(x_k)}
                                  {\sum_j \hat\pi^{(s)}_j / \pi^{tr}_j \; p^{tr}_j(x_k)}
        \quad\text{(E step)}, \qquad
        \hat\pi^{(s+1)}_c = \frac1N \sum_{k=1}^N \hat p^{(s)}_c(x_k) \quad\text{(M step)}

    until :math:`\max_c |\hat\pi^{(s+1)}_c - \hat\pi^{(s)}_c| < ` ``tol``. Each step does not lower the
    likelihood of the unlabelled rows under the mixture :math:`\sum_c \hat\pi_c\, p(x \mid c)`; at the
    fixed point the priors are the mean of the posteriors adjusted to them,
    :math:`\hat\pi_c = \frac1N \sum_k \hat p_c(x_k)`. The E step is the known-prior correction
    (:func:`ecombalance.sampling._weights.prior_correct`) with the current estimate as the target priors.

    The estimate is only as good as the calibration of :math:`p^{tr}` under the training priors (the model's
    probabilities, not a re-balanced model's, unless ``train_priors`` are the re-balanced ones it learnt), and
    it assumes label shift: :math:`p(x \mid c)` is the same in training and deployment.

    Parameters
    ----------
    proba : array of shape (n_samples, n_classes)
        The model's posteriors on unlabelled deployment rows (``predict_proba``), rows summing to 1.
    train_priors : array of shape (n_classes,)
        The class priors the model learnt under (or class counts; normalised here), in column order.
    max_iter : int
        Most EM iterations.
    tol : float
        Stop when no prior moves by ``tol`` or more in one iteration.

    Returns
    -------
    PriorEstimate
        ``priors`` (n_classes,), ``proba`` (n_samples, n_classes) adjusted to ``priors``, ``n_iter`` and
        ``converged``. A :class:`sklearn.exceptions.ConvergenceWarning` is issued when ``max_iter`` was reached
        first.

    Raises
    ------
    ValueError
        ``proba`` is not a 2-D probability matrix (NaN, values outside [0, 1], rows not summing to 1, no rows),
        ``train_priors`` has the wrong length or non-positive entries, ``max_iter`` or ``tol`` are not positive.

    Examples
    --------
    >>> import numpy as np
    >>> proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> est = estimate_priors_em(proba, [0.5, 0.5])
    >>> bool(np.allclose(est.priors, est.proba.mean(axis=0), atol=1e-5))
    True
    """
    p = check_probabilities(proba)
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"proba must be a non-empty 2-D (n_samples, n_classes) probability matrix, got shape "
                         f"{p.shape}; for a binary model pass np.column_stack([1 - p, p])")
    train = class_priors(train_priors, p.shape[1], name="train_priors", columns="proba")
    if not isinstance(max_iter, (int, np.integer)) or isinstance(max_iter, bool) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")

    def adjust(priors: np.ndarray) -> np.ndarray:
        weighted = p * (priors / train)
        total = weighted.sum(axis=1, keepdims=True)
        # a row whose every likely class got prior 0 keeps its original posterior instead of 0/0
        return np.divide(weighted, total, out=p.copy(), where=total > 0)

    priors, converged, n_iter = train.copy(), False, 0
    for n_iter in range(1, max_iter + 1):
        new = adjust(priors).mean(axis=0)
        change = float(np.abs(new - priors).max())
        priors = new
        if change < tol:
            converged = True
            break
    if not converged:
        warnings.warn(f"estimate_priors_em did not converge in {max_iter} iterations (last change {change:.2g} "
                      f">= tol {tol:g}); raise max_iter", ConvergenceWarning, stacklevel=2)
    return PriorEstimate(priors, adjust(priors), n_iter, converged)
