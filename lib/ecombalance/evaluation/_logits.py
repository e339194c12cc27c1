"""Logits for temperature scaling (:class:`ecombalance.evaluation.TemperatureScaler`): their validation and the
negative log-likelihood of labels under them at a temperature.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import log_expit, log_softmax
from sklearn.utils.validation import check_array


def check_logits(logits: Any) -> np.ndarray:
    """``logits`` as a finite float array of 1 (binary) or 2 (n_samples, n_classes) dimensions, else ValueError."""
    # scikit-learn's errors for sparse, complex, empty or non-numeric input; ours for the shape and NaN / inf
    z = check_array(logits, dtype=float, ensure_2d=False, allow_nd=True, ensure_all_finite=False,
                    input_name="logits")
    if z.ndim not in (1, 2):
        raise ValueError(f"logits must be 1-D (binary) or 2-D (n_samples, n_classes), got shape {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("logits contain NaN or infinite values; drop those rows first")
    return z


def temperature_nll(z: np.ndarray, y: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the class indices ``y`` under ``softmax(z / temperature)`` (sigmoid for
    1-D binary logits)."""
    if z.ndim == 1:
        s = z / temperature
        return float(-np.mean(np.where(y == 1, log_expit(s), log_expit(-s))))
    return float(-np.mean(log_softmax(z / temperature, axis=1)[np.arange(len(y)), y]))
