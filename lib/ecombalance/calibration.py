"""Calibration after re-balancing: prior correction, down-sampling recalibration, temperature scaling,
reliability diagrams.

Re-balancing the training data (under-/over-sampling, class weights) changes the class priors the model
learns, so its probabilities are no longer those of the real traffic. Ranking by them is unchanged within a
class, but anything that reads them as probabilities (log-loss, a bid, a threshold, a mixture of models) is
off until they are mapped back:

* :func:`prior_correct` for multi-class priors (Saerens et al. 2002; Elkan 2001),
* :func:`recalibrate` for the binary negative down-sampling of click logs (He et al. 2014),
* :class:`TemperatureScaler` for over-confident networks (Guo et al. 2017),
* :func:`reliability_curve` / :func:`plot_reliability` to see the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

PROBA_SUM_TOL = 1e-4  # rows of a probability matrix must sum to 1 within this tolerance


def check_probabilities(proba: Any, name: str = "proba", n_rows: int | None = None) -> np.ndarray:
    """Validate probabilities: finite, within [0, 1], and for a 2-D matrix rows that sum to 1.

    Returns a float array (1-D for binary positive-class probabilities, 2-D ``(n_samples, n_classes)``).
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (binary) or 2-D (n_samples, n_classes), got shape {p.shape}")
    if np.isnan(p).any():
        raise ValueError(f"{name} contains NaN at {int(np.isnan(p).sum())} place(s); drop or impute those rows")
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"{name} must lie in [0, 1]; got values from {p.min():.4g} to {p.max():.4g}")
    if n_rows is not None and len(p) != n_rows:
        raise ValueError(f"{name} has {len(p)} rows but there are {n_rows} labels; pass one row per sample")
    if p.ndim == 2:
        sums = p.sum(axis=1)
        bad = np.abs(sums - 1) > PROBA_SUM_TOL
        if bad.any():
            raise ValueError(
                f"rows of {name} must sum to 1 (probabilities over all classes); {int(bad.sum())} row(s) do not, "
                f"e.g. row {int(np.argmax(bad))} sums to {sums[bad][0]:.6g}. Pass predict_proba output, "
                "or apply a softmax to logits"
            )
    return p


def _priors(priors: Any, name: str, classes: Sequence | None, n_classes: int) -> np.ndarray:
    if isinstance(priors, Mapping):
        if classes is None:
            raise ValueError(f"{name} is a mapping {{class: prior}}: pass classes= to give the column order")
        missing = [c for c in classes if c not in priors]
        if missing:
            raise ValueError(f"{name} has no entry for class(es) {missing}")
        priors = [priors[c] for c in classes]
    pi = np.asarray(priors, dtype=float)
    if pi.shape != (n_classes,):
        raise ValueError(f"{name} must hold one value per class ({n_classes}), got shape {pi.shape}")
    if not np.isfinite(pi).all() or (pi <= 0).any():
        raise ValueError(f"{name} must be positive and finite (priors or class counts), got {pi.tolist()}")
    return pi / pi.sum()


def prior_correct(
    proba: Any, train_priors: Any, true_priors: Any, classes: Sequence | None = None
) -> np.ndarray:
    r"""Map posteriors learnt under the training priors to the true (deployment) priors.

    With :math:`\pi^{train}` the class priors the model was trained under (after re-sampling or
    re-weighting) and :math:`\pi^{true}` the real ones, Bayes' rule gives

    .. math:: p'_c(x) = \frac{p_c(x)\,\pi^{true}_c / \pi^{train}_c}
                             {\sum_k p_k(x)\,\pi^{true}_k / \pi^{train}_k}

    (Saerens, Latinne & Decaestecker 2002, "Adjusting the outputs of a classifier to new a priori
    probabilities"; Elkan 2001, "The foundations of cost-sensitive learning", Theorem 2).

    Parameters
    ----------
    proba : array of shape (n_samples, n_classes)
        Predicted probabilities, rows summing to 1.
    train_priors, true_priors : array of shape (n_classes,) or mapping {class: value}
        Priors or class counts (normalised here), in the column order of ``proba``; a mapping needs
        ``classes``.
    classes : sequence, optional
        Class label of each column, used to read mapping priors.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    p = check_probabilities(proba)
    if p.ndim != 2:
        raise ValueError("prior_correct needs a 2-D (n_samples, n_classes) matrix; for binary "
                         "down-sampling use recalibrate(p, negative_rate)")
    n_classes = p.shape[1]
    ratio = _priors(true_priors, "true_priors", classes, n_classes) / _priors(
        train_priors, "train_priors", classes, n_classes
    )
    weighted = p * ratio
    return weighted / weighted.sum(axis=1, keepdims=True)


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
    z = np.asarray(logits, dtype=float)
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
        if len(y) != len(z):
            raise ValueError(f"logits have {len(z)} rows but y has {len(y)} labels")
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


def plot_reliability(ax, y_true: Any, proba: Any, n_bins: int = 10, classes: Sequence | None = None,
                     label: str | None = None, **plot_kwargs):
    """Draw a reliability diagram (accuracy against confidence per bin, with the diagonal) on ``ax``.

    Call it several times on one axis to compare, e.g., before and after :func:`prior_correct`; the
    legend shows each curve's expected calibration error. Returns ``ax``.
    """
    curve = reliability_curve(y_true, proba, n_bins=n_bins, classes=classes)
    ece = expected_calibration_error_from_curve(curve)
    filled = curve[curve["count"] > 0]
    name = f"{label} " if label else ""
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.plot(filled["confidence"], filled["accuracy"], marker="o", label=f"{name}(ECE {ece:.3f})", **plot_kwargs)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence" if np.ndim(proba) == 2 else "predicted probability")
    ax.set_ylabel("accuracy" if np.ndim(proba) == 2 else "observed frequency")
    ax.legend(loc="upper left")
    return ax


def expected_calibration_error_from_curve(curve: pd.DataFrame) -> float:
    r""":math:`\mathrm{ECE} = \sum_b \frac{n_b}{N} \lvert \mathrm{acc}_b - \mathrm{conf}_b \rvert` over the
    non-empty bins of a :func:`reliability_curve`."""
    filled = curve[curve["count"] > 0]
    weights = filled["count"] / filled["count"].sum()
    return float((weights * (filled["accuracy"] - filled["confidence"]).abs()).sum())
