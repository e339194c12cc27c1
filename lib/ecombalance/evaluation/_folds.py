"""The cross-validation folds every chapter evaluates on: stratified, or stratified by group whenever a
group column (a query id, a household) exists, so that no group sits on both sides; repeated ``r`` times with
other shuffles when one split of the rows is too little evidence to decide between methods.

:func:`check_folds` turns whatever scikit-learn's ``check_cv`` takes (an int, a splitter, explicit
``(train, test)`` pairs) into :class:`Folds`: the pairs and the design (``r × k``) they came from, which the
corrected repeated cross-validation t-test needs (:func:`ecombalance.evaluation._stats.corrected_resampled_ttest`).
Every splitter of the library is built here (a layout test holds the rest of the package to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import (GroupShuffleSplit, RepeatedStratifiedKFold, StratifiedGroupKFold, StratifiedKFold,
                                     train_test_split)
from sklearn.utils import check_random_state

from ecombalance._validation import check_labels
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _


class RepeatedStratifiedGroupKFold:
    """Stratified group K-fold repeated ``n_repeats`` times, each repeat with another shuffle.

    scikit-learn repeats ``StratifiedKFold`` (``RepeatedStratifiedKFold``) but has no repeated *group-aware*
    splitter, which a search log needs (every item of a query on one side) to get the r × k fold scores of the
    corrected repeated cross-validation t-test (Bouckaert & Frank 2004). The repeats draw their shuffles from
    one ``random_state`` as ``RepeatedStratifiedKFold`` does.

    Parameters
    ----------
    n_splits : int, default=5
        Folds per repeat.
    n_repeats : int, default=2
        How many times the whole K-fold split is made.
    random_state : int, RandomState or None, default=None
        Seeds the shuffles of all repeats.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0] * 12 + [1] * 6)
    >>> groups = np.repeat(np.arange(9), 2)
    >>> cv = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=0)
    >>> pairs = list(cv.split(np.zeros(18), y, groups))
    >>> len(pairs), cv.get_n_splits()
    (6, 6)
    >>> all(not set(groups[tr]) & set(groups[te]) for tr, te in pairs)
    True
    """

    def __init__(self, n_splits: int = 5, n_repeats: int = 2, random_state: Any = None) -> None:
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state

    def split(self, X: Any, y: Any, groups: Any):
        """Yield ``(train, test)`` row positions, ``n_splits`` per repeat, repeat after repeat.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows (only their number is read).
        y : array-like of shape (n_samples,)
            The labels the folds are stratified on.
        groups : array-like of shape (n_samples,)
            The group id of each row: a group's rows stay on one side.

        Yields
        ------
        train, test : ndarray
            The row positions of one training fold and of its test fold.

        Raises
        ------
        ValueError
            When ``groups`` is None.
        """
        if groups is None:
            raise ValueError("RepeatedStratifiedGroupKFold needs groups (one group id per row)")
        rng = check_random_state(self.random_state)
        for _repeat in range(self.n_repeats):
            splitter = StratifiedGroupKFold(n_splits=self.n_splits, shuffle=True, random_state=rng)
            yield from splitter.split(X, y, groups)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Return ``n_splits * n_repeats``, the number of ``(train, test)`` pairs.

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored; there for scikit-learn's splitter interface.

        Returns
        -------
        int
            The number of pairs :meth:`split` yields.
        """
        return self.n_splits * self.n_repeats

    def __repr__(self) -> str:
        return (f"RepeatedStratifiedGroupKFold(n_splits={self.n_splits}, n_repeats={self.n_repeats}, "
                f"random_state={self.random_state!r})")


class Folds(list):
    """``(train, test)`` row-index pairs, and the design they came from.

    A list of pairs (iterate, index and ``len`` it as before) with the design and :attr:`design`, the text a verdict
    prints.

    Parameters
    ----------
    pairs : iterable of (train, test)
        The row positions of each training fold and its test fold.
    n_repeats : int, default=1
        How many times the rows were split.
    n_splits : int or None, default=None
        Pairs per repeat; None when the repeats differ in size.
    grouped : bool, default=False
        Whether a group column kept each group on one side.

    Examples
    --------
    >>> from ecombalance.evaluation import Folds
    >>> folds = Folds([([0, 1], [2, 3]), ([2, 3], [0, 1])], n_repeats=1, n_splits=2)
    >>> len(folds), folds.design
    (2, '2-fold cross-validation')
    """

    def __init__(self, pairs: Iterable, n_repeats: int = 1, n_splits: int | None = None,
                 grouped: bool = False) -> None:
        super().__init__(pairs)
        self.n_repeats = int(n_repeats)
        self.n_splits = n_splits if n_splits is None else int(n_splits)
        self.grouped = bool(grouped)

    @property
    def design(self) -> str:
        """``"2 × 5-fold cross-validation"`` (``"5-fold"`` for one repeat; "grouped" when groups were kept)."""
        if self.n_splits is None:
            text = (_("{n} grouped train/test splits in {repeats} repeats") if self.grouped else
                    _("{n} train/test splits in {repeats} repeats"))
            return text.format(n=len(self), repeats=self.n_repeats)
        folds = (_("{k}-fold grouped cross-validation") if self.grouped else
                 _("{k}-fold cross-validation")).format(k=self.n_splits)
        return folds if self.n_repeats == 1 else _("{repeats} × {folds}").format(repeats=self.n_repeats, folds=folds)

    def __reduce__(self):  # pickled with its design (joblib sends folds to worker processes)
        return (Folds, (list(self), self.n_repeats, self.n_splits, self.grouped))


def _repeats(pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[int]:
    """How many consecutive pairs make each repeat: a repeat ends before the pair whose test rows overlap the
    test rows of the repeat so far (K-fold splits test every row once per repeat)."""
    sizes, seen = [], np.zeros(0, dtype=np.intp)
    for _train, test in pairs:
        if not sizes or np.intersect1d(seen, test).size:
            sizes.append(0)
            seen = np.zeros(0, dtype=np.intp)
        sizes[-1] += 1
        seen = np.union1d(seen, test)
    return sizes


def as_folds(pairs: Iterable, grouped: bool = False) -> Folds:
    """Explicit ``(train, test)`` pairs as :class:`Folds` (sorted integer positions); the design is read off
    the pairs (:attr:`Folds.n_repeats`: runs of pairs whose test rows do not overlap). :class:`Folds` are
    returned as they are."""
    if isinstance(pairs, Folds):
        return pairs
    listed = [(np.sort(np.asarray(tr, dtype=np.intp)), np.sort(np.asarray(te, dtype=np.intp))) for tr, te in pairs]
    if not listed:
        raise ValueError("cv gave no (train, test) pairs")
    sizes = _repeats(listed)
    return Folds(listed, n_repeats=len(sizes), n_splits=sizes[0] if len(set(sizes)) == 1 else None, grouped=grouped)


def make_folds(y: Any, groups: Any = None, n_splits: int = 5, random_state: int = 0, n_repeats: int = 1) -> Folds:
    """Make the (train, test) row-index pairs every method is evaluated on.

    Stratified K-fold (shuffled with ``random_state``); with ``groups`` (e.g. query ids) stratified *group* K-fold,
    so no query has items on both sides. Test folds keep the original class distribution. With
    ``n_repeats`` > 1 the K-fold split is made ``n_repeats`` times with other shuffles
    (``RepeatedStratifiedKFold``, or :class:`RepeatedStratifiedGroupKFold` with groups): ``n_repeats * n_splits``
    pairs, each row tested once per repeat.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels the folds are stratified on.
    groups : array-like of shape (n_samples,), default=None
        Group ids (e.g. query ids): a group's rows stay on one side.
    n_splits : int, default=5
        Folds per repeat (at least 2).
    random_state : int, default=0
        Seeds the shuffles.
    n_repeats : int, default=1
        How many times the K-fold split is made.

    Returns
    -------
    Folds
        ``n_repeats * n_splits`` sorted ``(train, test)`` pairs and the design.

    Raises
    ------
    ValueError
        For fewer than two classes, a class with fewer rows (or fewer groups) than ``n_splits``, ``groups`` of
        another length, or an ``n_splits`` / ``n_repeats`` that is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.evaluation import make_folds
    >>> y = np.array([0] * 8 + [1] * 4)
    >>> folds = make_folds(y, n_splits=4, n_repeats=2)
    >>> len(folds), folds.design
    (8, '2 × 4-fold cross-validation')
    >>> [np.bincount(y[test]).tolist() for _, test in folds][:2]  # every test fold keeps the 2:1 ratio
    [[2, 1], [2, 1]]
    """
    y = check_labels(y, "y")
    if not isinstance(n_splits, (int, np.integer)) or isinstance(n_splits, bool) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
    if not isinstance(n_repeats, (int, np.integer)) or isinstance(n_repeats, bool) or n_repeats < 1:
        raise ValueError(f"n_repeats must be an integer >= 1, got {n_repeats!r}")
    _, counts = np.unique(y, return_counts=True)
    if len(counts) < 2:
        raise ValueError("y holds only one class; a classification experiment needs at least two")
    if groups is None:
        if counts.min() < n_splits:
            raise ValueError(
                f"the smallest class has {counts.min()} samples, fewer than n_splits={n_splits}; lower n_splits "
                "or merge/drop rare classes (min_class_size)"
            )
        splitter = (StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state) if n_repeats == 1 else
                    RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state))
        splits = splitter.split(np.zeros(len(y)), y)
    else:
        groups = check_labels(groups, "groups")
        if len(groups) != len(y):
            raise ValueError(f"groups has {len(groups)} entries but y has {len(y)}; one group id per row")
        n_groups = len(np.unique(groups))
        if n_groups < n_splits:
            raise ValueError(f"only {n_groups} groups for n_splits={n_splits}; lower n_splits")
        splitter = (StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
                    if n_repeats == 1 else
                    RepeatedStratifiedGroupKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state))
        splits = splitter.split(np.zeros(len(y)), y, groups)
    pairs = [(np.sort(train), np.sort(test)) for train, test in splits]
    return Folds(pairs, n_repeats=n_repeats, n_splits=n_splits, grouped=groups is not None)


def check_folds(cv: Any, y: Any, groups: Any = None, random_state: int = 0) -> Folds:
    """The :class:`Folds` of ``cv``, whatever scikit-learn's ``check_cv`` accepts.

    Parameters
    ----------
    cv : int, splitter or iterable of (train, test)
        An int: :func:`make_folds` with that many folds (stratified, group-aware with ``groups``). A splitter
        (``StratifiedKFold``, ``RepeatedStratifiedKFold``, ``StratifiedGroupKFold``,
        :class:`RepeatedStratifiedGroupKFold`, any object with ``split``): its pairs on ``y`` and ``groups``,
        with ``n_repeats`` read from the splitter when it has one. Pairs (or :class:`Folds`): as given.
    y : array-like of labels
    groups : array-like, optional
    random_state : int
        Seeds the shuffle of an int ``cv``.

    Returns
    -------
    Folds
    """
    if isinstance(cv, Folds):
        return Folds(cv, cv.n_repeats, cv.n_splits, cv.grouped)
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        return make_folds(y, groups, int(cv), random_state)
    y = check_labels(y, "y")
    grouped = groups is not None
    if hasattr(cv, "split"):
        pairs = list(cv.split(np.zeros(len(y)), y, groups))
        folds = as_folds(pairs, grouped=grouped)
        n_repeats = getattr(cv, "n_repeats", None)
        if isinstance(n_repeats, (int, np.integer)) and len(folds) % int(n_repeats) == 0:
            folds.n_repeats, folds.n_splits = int(n_repeats), len(folds) // int(n_repeats)
        return folds
    if isinstance(cv, (str, bytes)) or not isinstance(cv, Iterable):
        raise TypeError(f"cv must be an int, a splitter with split() or a list of (train, test) pairs; got {cv!r}")
    return as_folds(cv, grouped=grouped)


# ----------------------------------------------------------------------------- one held-out split of a table
def stratified_split(tbl: Table, test_size: float = 0.25, random_state: int = 0) -> tuple[Table, Table]:
    """Train and test tables that keep the class distribution (stratified on the label).

    A class with a single row cannot be on both sides: ``DataError`` naming it (at most 10) and the fix."""
    counts = tbl.y.value_counts()
    single = counts[counts < 2]
    if not single.empty:
        shown = [str(c) for c in single.index[:10]] + ([f"... {len(single) - 10} more"] if len(single) > 10 else [])
        raise DataError(
            f"table {tbl.name!r}: {len(single)} class(es) of {tbl.label!r} have a single row ({', '.join(shown)}), "
            "so a stratified split cannot put them in both train and test; merge rare classes first "
            "(pass min_class_size=5, say)"
        )
    train_idx, test_idx = train_test_split(np.arange(len(tbl.frame)), test_size=test_size,
                                           stratify=tbl.y, random_state=random_state)
    return tbl.subset(np.sort(train_idx)), tbl.subset(np.sort(test_idx))


def group_split(tbl: Table, test_size: float = 0.25, random_state: int = 0) -> tuple[Table, Table]:
    """Train and test tables with every group (query) on one side only."""
    if not tbl.group_col:
        raise ValueError(f"table {tbl.name!r} has no group column; pass group_col (e.g. 'query_id')")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_idx, test_idx = next(splitter.split(tbl.frame, groups=tbl.groups))
    return tbl.subset(np.sort(train_idx)), tbl.subset(np.sort(test_idx))


def holdout_split(tbl: Table, test_size: float = 0.25, random_state: int = 0) -> tuple[Table, Table]:
    """Split a table once into train and test (for a chapter that looks at one model, not a comparison).

    Grouped when the table has a group column (:func:`group_split`: every group on one side), stratified on the
    label otherwise (:func:`stratified_split`).

    Parameters
    ----------
    tbl : Table
        The table to split.
    test_size : float, default=0.25
        The share of rows (or of groups) in the test table.
    random_state : int, default=0
        Seeds the split.

    Returns
    -------
    train : Table
        The training rows.
    test : Table
        The test rows.

    Raises
    ------
    DataError
        When a class has a single row (a stratified split cannot put it on both sides).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance import Table
    >>> from ecombalance.evaluation import holdout_split
    >>> tbl = Table(pd.DataFrame({"x": range(12), "label": ["a"] * 8 + ["b"] * 4}), "label", numeric_cols=["x"])
    >>> train, test = holdout_split(tbl, test_size=0.25)
    >>> len(train.frame), len(test.frame), test.y.value_counts().to_dict()
    (9, 3, {'a': 2, 'b': 1})
    """
    return (group_split(tbl, test_size, random_state) if tbl.group_col
            else stratified_split(tbl, test_size, random_state))


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
