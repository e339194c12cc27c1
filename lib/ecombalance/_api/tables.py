"""The checked table of the front door: :func:`load` and the data options every entry names alike."""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ecombalance._docstrings import fill_placeholders
from ecombalance._validation import ColumnNames, InstanceOf, Interval, Options, Wording, option_wording, validate_params
from ecombalance.data._table import TEXT_ANALYZERS, Table

# the Python names of the data options and the notebook parameters (and command-line flags) they set
DATA_PARAMETERS = {"label": "label_col", "text": "text_cols", "pair": "text_pair", "group": "group_col",
                   "features": "feature_cols", "exclude": "exclude_cols", "min_class_size": "min_class_size",
                   "min_class_action": "min_class_action", "gains": "gains", "encoding": "encoding",
                   "text_analyzer": "text_analyzer", "merge_label_case": "merge_label_case"}

PYTHON_WORDING = Wording({**{option: name for name, option in DATA_PARAMETERS.items()}, "data_path": "data"})
"""The data layer's messages as the front door's callers read them: its keyword arguments, ``name=value``."""

DATA_CONSTRAINTS = {
    "label": [ColumnNames(single=True)],
    "text": [ColumnNames()],
    "pair": [None, ColumnNames(length=2)],
    "group": [None, ColumnNames(single=True)],
    "features": [None, ColumnNames()],
    "exclude": [ColumnNames()],
    "min_class_size": [Interval(numbers.Integral, 0, None)],
    "min_class_action": [Options("merge", "drop")],
    "gains": [None, InstanceOf(Mapping, "a mapping of each label to its gain, e.g. {'E': 1, 'S': 0.1}")],
    "encoding": [None, InstanceOf(str, "an encoding name such as 'gb18030'")],
    "text_analyzer": [Options(*TEXT_ANALYZERS)],
    "merge_label_case": [bool],
}
"""The constraints of the data options, the same for :func:`load` and :func:`~ecombalance._api.report`."""

DATA_SOURCE = [InstanceOf(pd.DataFrame, "a pandas DataFrame"),
               InstanceOf((str, os.PathLike), "the path of a CSV, TSV or Parquet file")]


DATA_OPTION_DOCS = {
    "data_options": """text : str or list of str, default=()
    Free-text columns (titles, queries, reviews), turned into TF-IDF features.
pair : (str, str), default=None
    Two text columns whose match matters (query and title, two product records): models also get
    similarity features of the pair.
group : str, default=None
    Rows sharing a value (a query, a household) stay on one side of every split.
features : list of str, default=None
    The only non-text feature columns (kept even when a check would leave them out).
exclude : str or list of str, default=()
    Columns never used as features.
min_class_size : int, default=0
    Classes with fewer rows are merged into ``"other"`` (or dropped, ``min_class_action="drop"``), with a note.
min_class_action : {"merge", "drop"}, default="merge"
    What happens to a class smaller than ``min_class_size``.
gains : dict, default=None
    Relevance gain of each label (graded relevance such as ESCI: ``{"E": 1, "S": 0.1, "C": 0.01, "I": 0}``);
    turns on ranking metrics. A label of ESCI letters gets these gains without it.
encoding : str, default=None
    A file's encoding when it is not UTF-8 (files only).""",
    "text_analyzer": """text_analyzer : {"auto", "word", "char", "jieba"}, default="auto"
    How text becomes tokens (``"auto"``: character n-grams for Chinese columns, words elsewhere).""",
}
"""The data options' descriptions in the docstrings of :func:`load` and :func:`~ecombalance._api.reports.report`,
written once (``{data_options}`` and ``{text_analyzer}`` lines, :func:`~ecombalance._docstrings.fill_placeholders`)."""


def data_docs(obj):
    """``obj`` with its ``{data_options}`` and ``{text_analyzer}`` docstring lines filled in."""
    return fill_placeholders(obj, DATA_OPTION_DOCS)


def data_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """The data options of :func:`load`'s keyword arguments (checked), as the data layer and the notebooks name
    them (``{"text": "title"}`` -> ``{"text_cols": ["title"], ...}``)."""
    def names(value: Any) -> list[str]:
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    layer = {DATA_PARAMETERS[name]: values[name] for name in DATA_CONSTRAINTS}
    for option in ("text_cols", "text_pair", "feature_cols", "exclude_cols"):
        layer[option] = names(layer[option])
    layer.update(group_col=layer["group_col"] or "", gains=dict(layer["gains"] or {}),
                 encoding=layer["encoding"] or "", min_class_size=int(layer["min_class_size"]))
    return layer


def data_source(data: Any) -> str | pd.DataFrame:
    """A DataFrame as it is; a path resolved (``~`` expanded)."""
    if isinstance(data, pd.DataFrame):
        return data
    return str(Path(data).expanduser().resolve())


@data_docs
@validate_params({"data": DATA_SOURCE, **DATA_CONSTRAINTS, "folds": [Interval(numbers.Integral, 2, None)]})
def load(data: str | os.PathLike | pd.DataFrame, *, label: str, text: str | Sequence[str] = (),
         pair: Sequence[str] | None = None, group: str | None = None, features: Sequence[str] | None = None,
         exclude: str | Sequence[str] = (), min_class_size: int = 0, min_class_action: str = "merge",
         gains: Mapping[Any, float] | None = None, encoding: str | None = None, folds: int = 5,
         text_analyzer: str = "auto", merge_label_case: bool = False) -> Table:
    """Load a user's table, checked exactly as ``ecombalance report --data`` checks it before any notebook starts.

    The checks (:func:`ecombalance.data._loaders.load_table`): a repeated column name, a role given twice (the
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
    {data_options}
    folds : int, default=5
        The cross-validation folds you plan (:func:`compare`'s ``folds``): every class needs that many rows.
    {text_analyzer}
    merge_label_case : bool, default=False
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
    ecombalance.exceptions.InvalidParameterError
        An option of the wrong type or outside its range (``folds=1``); a ``ValueError`` and a ``TypeError``.
    FileNotFoundError
        ``data`` names no file.

    See Also
    --------
    ecombalance.compare : Compare balancing methods on the table.
    ecombalance.report : The notebooks as an HTML report on the same table.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecombalance as eb
    >>> from ecombalance.data import case_table
    >>> frame = case_table(random_state=0).frame
    >>> t = eb.load(frame.assign(label_copy=frame["category"]), label="category", text="title")
    >>> print(t.left_out["label_copy"])              # a copy of the label is no feature
    alone it predicts 'category' out of fold with accuracy 1.000 where always guessing the largest class ...
    >>> try:
    ...     eb.load(frame, label="categroy")
    ... except eb.DataError as error:
    ...     print(type(error).__name__, error)
    ColumnNotFoundError DataFrame: label column(s) ['categroy'] not found; the columns are ['product_id', ...
    """
    from ecombalance.data import _datasets as datasets

    options = data_options(locals())
    with option_wording(PYTHON_WORDING):  # the data layer's messages and notes in this function's names
        return datasets.load(data_path=data_source(data), n_splits=folds, **options)
