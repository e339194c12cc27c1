"""Calibration after re-balancing: prior correction, down-sampling recalibration, temperature scaling,
reliability diagrams.

Re-balancing the training data (under-/over-sampling, class weights) changes the class priors the model
learns, so its probabilities are no longer those of the real traffic. Ranking by them is unchanged within a
class, but anything that reads them as probabilities (log-loss, a bid, a threshold, a mixture of models) is
off until they are mapped back:

* :func:`ecombalance.sampling.weights.prior_correct` for multi-class priors (Saerens et al. 2002; Elkan 2001),
* :func:`recalibrate` for the binary negative down-sampling of click logs (He et al. 2014),
* :class:`TemperatureScaler` for over-confident networks (Guo et al. 2017),
* :func:`reliability_curve` (drawn by :func:`ecombalance.plotting.plot_reliability`) to see the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted

from ecombalance._validation import check_probabilities, check_same_length


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
    ndarray, same shape as ``p``
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


def _as_logits(logits: Any) -> np.ndarray:
    # scikit-learn's errors for sparse, complex, empty or non-numeric input; ours for the shape and NaN / inf
    z = check_array(logits, dtype=float, ensure_2d=False, allow_nd=True, ensure_all_finite=False,
                    input_name="logits")
    if z.ndim not in (1, 2):
        raise ValueError(f"logits must be 1-D (binary) or 2-D (n_samples, n_classes), got shape {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("logits contain NaN or infinite values; drop those rows first")
    return z


def _nll(z: np.ndarray, y: np.ndarray, temperature: float) -> float:
    if z.ndim == 1:
        s = z / temperature
        return float(-np.mean(np.where(y == 1, log_expit(s), log_expit(-s))))
    return float(-np.mean(log_softmax(z / temperature, axis=1)[np.arange(len(y)), y]))


class TemperatureScaler(TransformerMixin, BaseEstimator):
    r"""Temperature scaling: :math:`\hat p = \mathrm{softmax}(z / T)` with one scalar ``T`` fitted on
    validation logits by minimising the negative log-likelihood (Guo et al. 2017, "On calibration of
    modern neural networks").

    ``T > 1`` softens an over-confident model; the arg-max (and thus accuracy) is unchanged. For a model
    that only gives probabilities, pass ``np.log(proba)`` as logits (softmax is shift-invariant). The NLL is
    convex in :math:`1/T`, so a bounded scalar search over :math:`\log T` (scipy's Brent method) finds the
    optimum; torch is not needed for one parameter.

    Parameters
    ----------
    bounds : (float, float)
        Search interval for ``T``.

    Attributes
    ----------
    temperature_ : float
    nll_before_, nll_after_ : float
        Validation NLL at ``T = 1`` and at the fitted ``T``.
    """

    def __init__(self, bounds: tuple[float, float] = (0.01, 100.0)):
        self.bounds = bounds

    def fit(self, logits: Any, y: Any) -> "TemperatureScaler":
        """Fit ``T`` on validation ``logits`` (n, C) or binary logits (n,) and integer labels ``y``
        (class indices 0..C-1, or 0/1 for binary logits)."""
        z = _as_logits(logits)
        y = np.asarray(y)
        check_same_length(z, y, "logits")
        n_classes = 2 if z.ndim == 1 else z.shape[1]
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"y must hold integer class indices in [0, {n_classes - 1}] matching the logit columns")
        low, high = self.bounds
        if not 0 < low < high:
            raise ValueError(f"bounds must satisfy 0 < low < high, got {self.bounds}")
        result = minimize_scalar(
            lambda log_t: _nll(z, y, np.exp(log_t)), bounds=(np.log(low), np.log(high)), method="bounded",
            options={"xatol": 1e-6},
        )
        self.temperature_ = float(np.exp(result.x))
        self.nll_before_ = _nll(z, y, 1.0)
        self.nll_after_ = _nll(z, y, self.temperature_)
        self.n_features_in_ = 1 if z.ndim == 1 else z.shape[1]
        return self

    def transform(self, logits: Any) -> np.ndarray:
        """Calibrated probabilities: softmax(z / T) for 2-D logits, sigmoid(z / T) for binary 1-D logits."""
        check_is_fitted(self, "temperature_")
        z = _as_logits(logits)
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


def reliability_curve(y_true: Any, proba: Any, n_bins: int = 10, classes: Sequence | None = None) -> pd.DataFrame:
    r"""Per-bin mean confidence, observed accuracy and count for a reliability diagram.

    * 1-D ``proba`` (binary, probability of the positive class, labels 0/1): confidence is ``proba`` and
      accuracy the fraction of positives in the bin, as in :func:`sklearn.calibration.calibration_curve`.
    * 2-D ``proba`` (n_samples, n_classes): *top-label* — confidence is :math:`\max_c p_c` and accuracy
      whether the arg-max class is the true one (Guo et al. 2017). ``y_true`` holds class labels in
      ``classes`` (the column order; default ``0..C-1``).

    Bins have equal width on [0, 1]: bin ``b`` holds confidences in :math:`(b/B, (b+1)/B]` (the first also
    holds 0), the same edges as scikit-learn's ``calibration_curve(strategy="uniform")``. Empty bins are
    kept with count 0 and NaN confidence / accuracy.

    Returns
    -------
    DataFrame with columns ``bin_lower``, ``bin_upper``, ``confidence``, ``accuracy``, ``count``.
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
