"""Class weights and class priors, one implementation for the whole package: the weights a model or loss
uses instead of resampling, and the correction of probabilities learnt under one set of priors to another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from ecombalance._validation import check_probabilities
from ecombalance.sampling.resampling import _plain


def class_weights(y: Any, class_weight: str | Mapping = "balanced") -> dict:
    """Class weights to pass to a model instead of resampling.

    ``'balanced'`` gives :math:`w_c = N / (C \\cdot N_c)` (King & Zeng 2001, scikit-learn's
    heuristic), so that every class carries the same total weight :math:`N / C`.
    """
    classes = np.unique(np.asarray(y))
    weights = compute_class_weight(class_weight, classes=classes, y=np.asarray(y))
    return {_plain(c): float(w) for c, w in zip(classes, weights)}


def sample_weights(y: Any, class_weight: str | Mapping = "balanced") -> np.ndarray:
    """Per-row weights :math:`w_{y_i}` for ``fit(X, y, sample_weight=...)``; see :func:`class_weights`."""
    return compute_sample_weight(class_weight, np.asarray(y))


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
