"""Expected calibration error of top-label confidences (a stopgap until ``ecombalance.evaluation`` has one).

scikit-learn has ``calibration_curve`` (binary, used for reliability diagrams) but no ECE, so it is
computed here.
"""

from __future__ import annotations

import numpy as np


def expected_calibration_error(y_true, proba, n_bins: int = 15, labels=None) -> float:
    """Top-label ECE (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017).

    .. math:: \\mathrm{ECE} = \\sum_{b=1}^{B} \\frac{|S_b|}{N} \\left| \\mathrm{acc}(S_b) - \\mathrm{conf}(S_b) \\right|

    where :math:`S_b` holds the samples whose confidence :math:`\\max_c \\hat p_c(x)` lies in the
    :math:`b`-th of ``n_bins`` equal-width bins :math:`((b-1)/B, b/B]` (the first bin includes 0).

    Parameters
    ----------
    y_true : array of shape (n_samples,)
        True labels.
    proba : array of shape (n_samples, n_classes)
        Predicted probabilities, columns in the order of ``labels``.
    n_bins : int, default=15
    labels : array, optional
        The class of each column (an estimator's ``classes_``); default: the sorted unique labels of
        ``y_true``, which must then number ``n_classes``.
    """
    proba = np.asarray(proba, dtype=float)
    y_true = np.asarray(y_true)
    if proba.ndim != 2 or proba.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"proba must have shape (n_samples, n_classes) with n_samples = {y_true.shape[0]}, got {proba.shape}"
        )
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive int, got {n_bins!r}")
    labels = np.unique(y_true) if labels is None else np.asarray(labels)
    if labels.shape[0] != proba.shape[1]:
        raise ValueError(
            f"{labels.shape[0]} labels for {proba.shape[1]} probability columns; pass labels=classes_"
        )
    unknown = ~np.isin(y_true, labels)
    if unknown.any():
        raise ValueError(f"y_true holds labels not in labels: {sorted(set(y_true[unknown].tolist()))}")
    confidence = proba.max(axis=1)
    correct = labels[proba.argmax(axis=1)] == y_true
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], confidence, side="left")
    total = 0.0
    for b in np.unique(bins):
        members = bins == b
        total += members.sum() * abs(correct[members].mean() - confidence[members].mean())
    return float(total / len(y_true))
