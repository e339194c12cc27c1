"""The table a notebook works on, from the notebook's own parameters: one short call in place of a long one.

Every notebook that reads data declares the same data parameters (``dataset``, ``data_path``, ``label_col``,
``text_cols``, ... :data:`DATA_PARAMETERS`) in its ``parameters`` cell, which papermill and the report command
set. :func:`notebook_table` passes the ones the notebook declares to the one checked loader
(:func:`ecombalance.data._datasets.load`, the loader behind :func:`ecombalance.load` and the report command's
check), with the notebook's ``seed`` as ``random_state`` and its ``folds`` as the folds every class must fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecombalance.data._datasets import load, load_each
from ecombalance.data._table import Table

DATA_PARAMETERS = ("dataset", "data_path", "label_col", "text_cols", "group_col", "n_queries", "min_class_size",
                   "min_class_action", "exclude_cols", "feature_cols", "text_pair", "gains", "encoding", "lang",
                   "text_analyzer")
"""The notebook parameters that say which table to read and how; a notebook declares those that apply to it."""


def loader_options(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The loader's keyword arguments from a notebook's parameters: each of :data:`DATA_PARAMETERS` it declares,
    ``seed`` as ``random_state`` and ``folds`` (when declared) as ``n_splits``."""
    options = {name: parameters[name] for name in DATA_PARAMETERS if name in parameters}
    options["random_state"] = parameters.get("seed", 0)
    if "folds" in parameters:
        options["n_splits"] = parameters["folds"]
    return options


def notebook_table(parameters: Mapping[str, Any]) -> Table:
    """The checked table of a notebook: the user's file when ``data_path`` is set, else the generated
    ``dataset``; ``parameters`` is the notebook's namespace (``notebook_table(globals())``)."""
    return load(**loader_options(parameters))


def notebook_tables(parameters: Mapping[str, Any]) -> dict[str, Table]:
    """``{name: table}`` of a notebook that trains on several generated tables (``dataset_names``), or the user's
    table alone when ``data_path`` is set."""
    options = loader_options(parameters)
    options.pop("dataset", None)
    return load_each(parameters["dataset_names"], **options)
