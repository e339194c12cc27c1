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
        """Yield ``(train, test)`` row positions, ``n_splits`` per repeat, repeat after repeat."""
        if groups is None:
            raise ValueError("RepeatedStratifiedGroupKFold needs groups (one group id per row)")
        rng = check_random_state(self.random_state)
        for _repeat in range(self.n_repeats):
            splitter = StratifiedGroupKFold(n_splits=self.n_splits, shuffle=True, random_state=rng)
            yield from splitter.split(X, y, groups)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """``n_splits * n_repeats``, the number of ``(train, test)`` pairs."""
        return self.n_splits * self.n_repeats

    def __repr__(self) -> str:
        return (f"RepeatedStratifiedGroupKFold(n_splits={self.n_splits}, n_repeats={self.n_repeats}, "
                f"random_state={self.random_state!r})")


class Folds(list):
    """``(train, test)`` row-index pairs, and the design they came from.

    A list of pairs (iterate, index and ``len`` it as before) with ``n_repeats`` (how many times the rows were
    split) and ``n_splits`` (pairs per repeat; None when the repeats differ in size), ``grouped`` (whether a
    group column kept each group on one side) and :attr:`design`, the text a verdict prints.
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
    """The (train, test) row-index pairs every method is evaluated on.

    Stratified K-fold (shuffled with ``random_state``); with ``groups`` (e.g. query ids) stratified *group* K-fold,
    so no query has items on both sides. Test folds keep the original class distribution. With
    ``n_repeats`` > 1 the K-fold split is made ``n_repeats`` times with other shuffles
    (``RepeatedStratifiedKFold``, or :class:`RepeatedStratifiedGroupKFold` with groups): ``n_repeats * n_splits``
    pairs, each row tested once per repeat.
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
    """One train / test split of a table (for a chapter that looks at one model, not a comparison): grouped when
    the table has a group column (:func:`group_split`), stratified on the label otherwise (:func:`stratified_split`)."""
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
