"""Measures of class imbalance: distribution, imbalance ratio, normalised entropy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label


def class_counts(labels_or_counts: Any) -> pd.Series:
    """Count the rows of each class, largest class first.

    Accepts a mapping ``{class: count}``, the output of ``Series.value_counts()`` (a Series named ``count``,
    read as counts), or a sequence of labels (any other Series is read as labels). A ``value_counts(normalize=True)``
    Series (named ``proportion``) is refused: shares have lost the counts.

    Parameters
    ----------
    labels_or_counts : array-like of shape (n_samples,), Series or mapping {class: count}
        The labels (one per row), or the count of each class (a mapping, or a ``value_counts()`` Series).

    Returns
    -------
    Series
        The count of each class (int64, indexed by class), largest first; ties keep their order of appearance.

    Raises
    ------
    ValueError
        No classes, a class count that is not positive, or shares (``value_counts(normalize=True)``) instead of
        counts.

    See Also
    --------
    imbalance_ratio : Largest class count over smallest.
    normalised_entropy : Entropy of the class distribution over its maximum.

    Examples
    --------
    >>> from ecombalance.sampling import class_counts
    >>> class_counts(["a", "b", "a", "c", "a", "b"]).to_dict()
    {'a': 3, 'b': 2, 'c': 1}
    >>> class_counts({"click": 3, "no_click": 97}).to_dict()
    {'no_click': 97, 'click': 3}
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
    r"""Compute the imbalance ratio: the largest class count over the smallest.

    .. math:: IR = \frac{\max_c N_c}{\min_c N_c}

    with :math:`N_c` the rows of class :math:`c`; 1 when the classes are balanced.

    Parameters
    ----------
    labels_or_counts : array-like of shape (n_samples,), Series or mapping {class: count}
        The labels (one per row), or the count of each class, as :func:`class_counts` reads them.

    Returns
    -------
    float
        The imbalance ratio, at least 1.

    Raises
    ------
    ValueError
        As :func:`class_counts`: no classes, a count that is not positive, or shares instead of counts.

    See Also
    --------
    class_counts : The counts the ratio is computed from.
    normalised_entropy : A measure of imbalance that sees every class, not only the extremes.

    Examples
    --------
    >>> from ecombalance.sampling import imbalance_ratio
    >>> imbalance_ratio(["a", "b", "a", "c", "a", "b"])
    3.0
    >>> round(imbalance_ratio({"click": 3, "no_click": 97}), 2)
    32.33
    """
    counts = class_counts(labels_or_counts)
    return float(counts.max() / counts.min())


def normalised_entropy(labels_or_counts: Any) -> float:
    r"""Compute the Shannon entropy of the class distribution over its maximum.

    .. math:: \frac{H(p)}{\log C} = -\frac{\sum_c p_c \log p_c}{\log C}

    with :math:`p_c = N_c / N` the share of class :math:`c` and :math:`C` the number of classes:
    1 for a balanced distribution, towards 0 as one class dominates; defined as 1 for a
    single class.

    Parameters
    ----------
    labels_or_counts : array-like of shape (n_samples,), Series or mapping {class: count}
        The labels (one per row), or the count of each class, as :func:`class_counts` reads them.

    Returns
    -------
    float
        The normalised entropy, in [0, 1].

    Raises
    ------
    ValueError
        As :func:`class_counts`: no classes, a count that is not positive, or shares instead of counts.

    See Also
    --------
    imbalance_ratio : Largest class count over smallest.

    Examples
    --------
    >>> from ecombalance.sampling import normalised_entropy
    >>> normalised_entropy({"a": 50, "b": 50})
    1.0
    >>> round(normalised_entropy({"a": 90, "b": 10}), 3)
    0.469
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
