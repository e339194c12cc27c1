"""Input checks used across the package (like ``sklearn.utils.validation``): labels, probabilities,
lengths and columns, each with an error that names the problem and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.exceptions import ColumnNotFoundError, DataError


def check_columns(frame: Any, columns: str | Sequence[str], role: str = "", source: str | None = None) -> None:
    """Raise :class:`ColumnNotFoundError` unless every one of ``columns`` is a column of ``frame``.

    ``frame`` is anything with ``.columns`` (a pandas or a Spark DataFrame). ``columns`` is one name or a
    sequence of names; ``role`` says what they are for (``"label"``) and ``source`` where the table came
    from (a file path), both for the message, which lists the columns there are.
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in names if c not in frame.columns]
    if not missing:
        return
    prefix = f"{source}: " if source else ""
    what = f"{role} " if role else ""
    which = f"column {columns!r}" if isinstance(columns, str) else f"column(s) {missing}"
    raise ColumnNotFoundError(f"{prefix}{what}{which} not found; the columns are {list(frame.columns)}")


def _num_rows(X: Any) -> int:
    """Rows of an array, sparse matrix, DataFrame or sequence."""
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(X)


def check_same_length(X: Any, y: Any, x_name: str = "X", y_name: str = "y") -> None:
    """One row of ``X`` per label of ``y``."""
    n_x, n_y = _num_rows(X), _num_rows(y)
    if n_x != n_y:
        raise ValueError(f"{x_name} has {n_x} rows but {y_name} has {n_y} labels")


def check_labels(values: Any, name: str) -> np.ndarray:
    """A 1-D, non-empty label array without missing values."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty")
    if pd.isna(pd.Series(arr, dtype=object)).any():
        raise ValueError(f"{name} contains missing (NaN/None) labels; drop or label those rows first")
    return arr


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


def plain_label(label: Any) -> Any:
    """A numpy scalar label as the Python value (so that messages and dict keys show 'c', not np.str_('c'))."""
    return label.item() if isinstance(label, np.generic) else label


# The data options as the data layer's messages name them: the parameters of ecombalance.data.datasets.load
# (and of the notebooks). A message names one bare (``text_cols``) or with its value (``min_class_size=5``);
# ``gains`` and ``encoding``, also plain words, only with a value. The front door and the commands rename them.
DATA_OPTIONS = ("label_col", "text_cols", "text_pair", "group_col", "feature_cols", "exclude_cols", "min_class_size",
                "min_class_action", "gains", "encoding", "merge_label_case")
COMMAND_LINE_FLAGS = {name: "--" + name.removesuffix("s").replace("_", "-") if name.endswith("_cols")
                      else "--" + name.replace("_", "-") for name in DATA_OPTIONS}
_OPTION = re.compile(r"(?<![\w'\"-])(?P<name>" + "|".join(DATA_OPTIONS) + r")(?:=(?P<value>'[^']*'|[^\s,;)]+))?"
                     r"(?![\w'\"])")


def rename_options(message: str, names: Mapping[str, str], flags: bool = False) -> str:
    """``message`` with the data options it names renamed by ``names`` (``{"text_cols": "text"}``); with
    ``flags`` as command-line options, a value following its flag (``min_class_size=5`` -> ``--min-class-size 5``).

    >>> rename_options("pass min_class_size=5, or drop it from text_cols", COMMAND_LINE_FLAGS, flags=True)
    'pass --min-class-size 5, or drop it from --text-col'
    """
    def rename(match: re.Match) -> str:
        name, value = match["name"], match["value"]
        if value is None and name in ("gains", "encoding") or name not in names:
            return match[0]
        if value is None:
            return names[name]
        return f"{names[name]} {value.strip(chr(39))}" if flags else f"{names[name]}={value}"

    return _OPTION.sub(rename, message)
