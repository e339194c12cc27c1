"""The checked table of the front door: :func:`load` and the data options every entry names alike."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import rename_options
from ecombalance.data.table import Table

# the Python names of the data options and the notebook parameters (and command-line flags) they set
DATA_PARAMETERS = {"label": "label_col", "text": "text_cols", "pair": "text_pair", "group": "group_col",
                   "features": "feature_cols", "exclude": "exclude_cols", "min_class_size": "min_class_size",
                   "min_class_action": "min_class_action", "gains": "gains", "encoding": "encoding",
                   "text_analyzer": "text_analyzer"}


def column_names(value: Any, what: str) -> list[str]:
    """A column name or a sequence of them, as a list; a ``TypeError`` naming ``what`` otherwise."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{what} takes a column name or a list of column names, got {value!r}")


def check_int(value: Any, what: str, low: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
        raise TypeError(f"{what} must be an int of at least {low}, got {value!r}")
    return int(value)


def data_options(label: Any, text: Any, pair: Any, group: Any, features: Any, exclude: Any, min_class_size: Any,
                  min_class_action: Any, gains: Any, encoding: Any, text_analyzer: Any) -> dict[str, Any]:
    """The data options as :func:`ecombalance.data.datasets.load` (and the notebooks) name them, type-checked."""
    if not isinstance(label, str) or not label:
        raise TypeError(f"label must be the name of the label column (a str), got {label!r}")
    pair_names = column_names(pair, "pair")
    if pair is not None and len(pair_names) != 2:
        raise TypeError(f"pair takes two text columns whose match matters, e.g. ('query', 'title'); got {pair!r}")
    if group is not None and not isinstance(group, str):
        raise TypeError(f"group must be one column name (a str) or None, got {group!r}")
    if gains is not None and not isinstance(gains, Mapping):
        raise TypeError(f"gains must map each label to its relevance gain, e.g. {{'E': 1, 'S': 0.1}}; got {gains!r}")
    if encoding is not None and not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str such as 'gb18030', got {encoding!r}")
    if min_class_action not in ("merge", "drop"):
        raise ValueError(f"min_class_action must be 'merge' or 'drop', got {min_class_action!r}")
    return {"label_col": label, "text_cols": column_names(text, "text"), "text_pair": pair_names,
            "group_col": group or "", "feature_cols": column_names(features, "features"),
            "exclude_cols": column_names(exclude, "exclude"),
            "min_class_size": check_int(min_class_size, "min_class_size", 0),
            "min_class_action": min_class_action, "gains": dict(gains or {}), "encoding": encoding or "",
            "text_analyzer": text_analyzer}


def data_source(data: Any) -> str | pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, os.PathLike)):
        return str(Path(data).expanduser().resolve())
    raise TypeError(f"data must be a pandas DataFrame or the path of a CSV, TSV or Parquet file, "
                    f"got {type(data).__name__}")


def load(data: str | os.PathLike | pd.DataFrame, label: str, text: str | Sequence[str] = (),
         pair: Sequence[str] | None = None, group: str | None = None, features: Sequence[str] | None = None,
         exclude: str | Sequence[str] = (), min_class_size: int = 0, min_class_action: str = "merge",
         gains: Mapping[Any, float] | None = None, encoding: str | None = None, folds: int = 5,
         text_analyzer: str = "auto", merge_label_case: bool = False) -> Table:
    """A user's table, checked exactly as ``ecombalance report --data`` checks it before any notebook starts.

    The checks (:func:`ecombalance.data.loaders.load_table`): a repeated column name, a role given twice (the
    label also a text or group column), an empty text column, a label with one class, a class smaller than
    ``folds`` (unless ``min_class_size`` merges or drops it), a group column that cannot give grouped folds.
    Columns that identify rows (a saved index, ids, row numbers) and columns that alone predict the label
    almost perfectly out of fold (a copy or a code of the label) are left out of the features with a note;
    direct identifiers (e-mail addresses, phone numbers, user ids) are hashed.

    Parameters
    ----------
    data : DataFrame, or path of a CSV / TSV / Parquet file
        A DataFrame is copied, never changed; a file is decoded as UTF-8 or a detected encoding (with a note).
    label : str
        The label column (strings, booleans or integers).
    text : str or list of str
        Free-text columns (titles, queries, reviews), turned into TF-IDF features.
    pair : (str, str), optional
        Two text columns whose match matters (query and title, two product records): models also get
        similarity features of the pair.
    group : str, optional
        Rows sharing a value (a query, a household) stay on one side of every split.
    features : list of str, optional
        The only non-text feature columns (kept even when a check would leave them out).
    exclude : str or list of str
        Columns never used as features.
    min_class_size : int
        Classes with fewer rows are merged into ``"other"`` (or dropped, ``min_class_action="drop"``), with a note.
    min_class_action : {"merge", "drop"}
    gains : dict, optional
        Relevance gain of each label (graded relevance such as ESCI: ``{"E": 1, "S": 0.1, "C": 0.01, "I": 0}``);
        turns on ranking metrics. A label of ESCI letters gets these gains without it.
    encoding : str, optional
        A file's encoding when it is not UTF-8 (files only).
    folds : int
        The cross-validation folds you plan (:func:`compare`'s ``folds``): every class needs that many rows.
    text_analyzer : {"auto", "word", "char", "jieba"}
        How text becomes tokens (``"auto"``: character n-grams for Chinese columns, words elsewhere).
    merge_label_case : bool
        Merge label values that differ only in case or surrounding spaces (``'Shoes'``, ``'shoes '``) into their
        most frequent spelling; without it they stay separate classes, with a note.

    Returns
    -------
    Table
        The checked table; in JupyterLab it shows every column's role and the notes.

    Raises
    ------
    DataError
        The table cannot be used as given; the message names the column and the fix (the same message the
        report command prints, without its flag names).
    FileNotFoundError, TypeError

    Examples
    --------
    >>> import pandas as pd
    >>> import ecombalance as eb
    >>> from ecombalance.data.datasets import case_table
    >>> frame = case_table(seed=0).frame
    >>> t = eb.load(frame.assign(label_copy=frame["category"]), label="category", text="title")
    >>> print(t.left_out["label_copy"])              # a copy of the label is no feature
    alone it predicts 'category' out of fold with accuracy 1.000 where always guessing the largest class ...
    >>> try:
    ...     eb.load(frame, label="categroy")
    ... except eb.DataError as error:
    ...     print(type(error).__name__, error)
    ColumnNotFoundError DataFrame: label column(s) ['categroy'] not found; the columns are ['product_id', ...
    """
    from ecombalance.data import datasets

    options = data_options(label, text, pair, group, features, exclude, min_class_size, min_class_action, gains,
                            encoding, text_analyzer)
    try:
        tbl = datasets.load(data_path=data_source(data), n_splits=check_int(folds, "folds", 2),
                            merge_label_case=bool(merge_label_case), **options)
    except (ValueError, FileNotFoundError) as exc:  # the data layer's message, in this function's names
        if len(exc.args) == 1 and isinstance(exc.args[0], str):
            exc.args = (in_api_names(exc.args[0]),)
        raise
    return replace(tbl, notes=[in_api_names(n) for n in tbl.notes],
                   left_out={c: in_api_names(why) for c, why in tbl.left_out.items()})


def in_api_names(message: str) -> str:
    """A data-layer message with the data options named as :func:`load` names them (``text_cols`` -> ``text``)."""
    return rename_options(message, {option: name for name, option in DATA_PARAMETERS.items()})
