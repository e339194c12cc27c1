"""The pieces of the bootstrap behind :func:`ecombalance.evaluation.bootstrap_ci` and
:func:`ecombalance.evaluation.paired_bootstrap`: the resampled row indices (rows, or whole groups), the check of the
interval's level, its result, and the two-sided p-value of "no difference" from a resampled difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def check_confidence(confidence: float, n_resamples: int) -> None:
    """Raise ValueError unless ``confidence`` is in (0, 1) and ``n_resamples`` an integer >= 10."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence!r}")
    if not isinstance(n_resamples, (int, np.integer)) or n_resamples < 10:
        raise ValueError(f"n_resamples must be an integer >= 10, got {n_resamples!r}")


def resample_indices(n: int, groups: np.ndarray | None, n_resamples: int, random_state: int):
    """Row indices of each bootstrap resample: rows drawn with replacement, or whole groups (cluster
    bootstrap) when ``groups`` is given — the items of one query are not independent."""
    rng = np.random.default_rng(random_state)
    if groups is None:
        for _ in range(n_resamples):
            yield rng.integers(0, n, n)
        return
    _, inverse = np.unique(groups, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    for _ in range(n_resamples):
        yield np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])


@dataclass(frozen=True)
class BootstrapResult:
    """Point estimate on the full sample, percentile interval and the resampled values."""

    estimate: float
    low: float
    high: float
    confidence: float
    distribution: np.ndarray

    def as_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "ci_low": self.low, "ci_high": self.high}


def bootstrap_p_value(differences: np.ndarray) -> float:
    """Two-sided p-value of "no difference" from the bootstrap distribution of the difference:
    twice the smaller share of resamples on either side of 0 (capped at 1)."""
    d = differences[~np.isnan(differences)]
    return float(min(1.0, 2 * min(np.mean(d <= 0), np.mean(d >= 0))))
