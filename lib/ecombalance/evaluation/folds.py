"""The cross-validation folds every chapter evaluates on: stratified, or stratified by group whenever a
group column (a query id, a household) exists, so that no group sits on both sides.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from ecombalance._validation import check_labels


def make_folds(
    y: Any, groups: Any = None, n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The K (train, test) row-index pairs every method is evaluated on.

    Stratified K-fold (shuffled with ``seed``); with ``groups`` (e.g. query ids) stratified *group* K-fold,
    so no query has items on both sides. Test folds keep the original class distribution.
    """
    y = check_labels(y, "y")
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    _, counts = np.unique(y, return_counts=True)
    if len(counts) < 2:
        raise ValueError("y holds only one class; a classification experiment needs at least two")
    if groups is None:
        if counts.min() < n_splits:
            raise ValueError(
                f"the smallest class has {counts.min()} samples, fewer than n_splits={n_splits}; lower n_splits "
                "or merge/drop rare classes (datasets.load(min_class_size=...))"
            )
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y)
    else:
        groups = check_labels(groups, "groups")
        if len(groups) != len(y):
            raise ValueError(f"groups has {len(groups)} entries but y has {len(y)}; one group id per row")
        n_groups = len(np.unique(groups))
        if n_groups < n_splits:
            raise ValueError(f"only {n_groups} groups for n_splits={n_splits}; lower n_splits")
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y, groups)
    return [(np.sort(train), np.sort(test)) for train, test in splits]


def take_rows(data: Any, rows: np.ndarray) -> Any:
    """The rows ``rows`` (positions) of a fold's input, whatever its type: ``.iloc`` for pandas, a list for a
    list or tuple (of texts), fancy indexing for a NumPy array or a sparse matrix (COO made CSR first)."""
    rows = np.asarray(rows, dtype=np.intp)
    if hasattr(data, "iloc"):
        return data.iloc[rows]
    if isinstance(data, (list, tuple)):
        return [data[i] for i in rows]
    if sp.issparse(data):
        return (data if hasattr(data, "__getitem__") and data.format != "coo" else data.tocsr())[rows]
    return np.asarray(data)[rows]
