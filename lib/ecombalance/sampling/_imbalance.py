"""Measures of class imbalance: distribution, imbalance ratio, normalised entropy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label


def class_counts(labels_or_counts: Any) -> pd.Series:
    """Counts per class, largest first.

    Accepts a mapping ``{class: count}``, the output of ``Series.value_counts()`` (a Series named ``count``,
    read as counts), or a sequence of labels (any other Series is read as labels). A ``value_counts(normalize=True)``
    Series (named ``proportion``) is refused: shares have lost the counts.
    """
    if isinstance(labels_or_counts, pd.Series) and labels_or_counts.name in ("count", "proportion"):
        if labels_or_counts.name == "proportion" or not pd.api.types.is_integer_dtype(labels_or_counts):
            raise ValueError(
                "this Series looks like value_counts(normalize=True) (shares, not counts); pass value_counts() "
                "without normalize, a {class: count} mapping, or the labels themselves"
            )
        labels_or_counts = labels_or_counts.to_dict()
    if isinstance(labels_or_counts, Mapping):
        counts = pd.Series(dict(labels_or_counts), dtype="int64")
    else:
        counts = pd.Series(np.asarray(labels_or_counts, dtype=object)).value_counts()
    if counts.empty:
        raise ValueError("no classes: pass labels or a {class: count} mapping")
    if (counts <= 0).any():
        bad = [plain_label(c) for c in counts.index[counts <= 0]]
        raise ValueError(f"class counts must be positive; classes {bad} have none")
    return counts.sort_values(ascending=False, kind="stable").astype("int64")


def distribution(labels_or_counts: Any) -> pd.DataFrame:
    """Per class: ``count`` and ``proportion`` (count / N), largest class first."""
    counts = class_counts(labels_or_counts)
    return pd.DataFrame({"count": counts, "proportion": counts / counts.sum()})


def imbalance_ratio(labels_or_counts: Any) -> float:
    """Largest class count over smallest: IR = max_c N_c / min_c N_c (1 when balanced)."""
    counts = class_counts(labels_or_counts)
    return float(counts.max() / counts.min())


def normalised_entropy(labels_or_counts: Any) -> float:
    """Shannon entropy of the class distribution over its maximum, H(p) / log C.

    1 for a balanced distribution, towards 0 as one class dominates; defined as 1 for a
    single class.
    """
    counts = class_counts(labels_or_counts)
    if len(counts) == 1:
        return 1.0
    p = counts.to_numpy(dtype=float) / counts.sum()
    return float(-(p * np.log(p)).sum() / np.log(len(p)))


def summary(labels_or_counts: Any) -> dict[str, float]:
    """The headline imbalance measures of a label distribution."""
    counts = class_counts(labels_or_counts)
    return {
        "n_samples": int(counts.sum()),
        "n_classes": int(len(counts)),
        "majority_share": float(counts.max() / counts.sum()),
        "minority_share": float(counts.min() / counts.sum()),
        "imbalance_ratio": imbalance_ratio(counts.to_dict()),
        "normalised_entropy": normalised_entropy(counts.to_dict()),
    }
