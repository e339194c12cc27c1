"""The notebooks' one short call for their table (``notebook_table(globals())``): the same table as the loader
called with every data parameter by hand, from whichever parameters a notebook declares."""

from __future__ import annotations

import pandas as pd
import pytest

from ecombalance._chapters.tables import DATA_PARAMETERS, loader_options, notebook_table, notebook_tables
from ecombalance.data import _datasets as datasets
from ecombalance.exceptions import ColumnNotFoundError, DataError


def test_the_options_are_the_declared_data_parameters_with_seed_and_folds_renamed():
    namespace = {"dataset": "search_log", "n_queries": 12, "seed": 3, "folds": 4, "label_col": "", "epochs": 9,
                 "display": print}
    assert loader_options(namespace) == {"dataset": "search_log", "n_queries": 12, "label_col": "",
                                         "random_state": 3, "n_splits": 4}
    assert loader_options({}) == {"random_state": 0}  # a notebook without folds asks no class size of its own
    assert set(DATA_PARAMETERS) <= set(datasets.load.__code__.co_varnames)  # every one is the loader's


def test_the_generated_table_is_the_loaders_own():
    namespace = {"dataset": "search_log", "n_queries": 15, "seed": 2, "lang": "zh", "text_analyzer": "char",
                 "folds": 3}
    by_hand = datasets.load("search_log", n_queries=15, random_state=2, lang="zh", text_analyzer="char", n_splits=3)
    tbl = notebook_table(namespace)
    pd.testing.assert_frame_equal(tbl.frame, by_hand.frame)
    assert (tbl.name, tbl.text_cols, tbl.text_analyzer) == (by_hand.name, by_hand.text_cols, "char")


def test_a_users_file_is_checked_with_the_notebooks_folds(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"y": ["a"] * 20 + ["b"] * 2, "price": [2.5, 9.0] * 11}).to_csv(path, index=False)
    with pytest.raises(DataError, match="fewer rows than the 5 folds"):
        notebook_table({"dataset": "documented_case", "data_path": str(path), "label_col": "y", "folds": 5})
    assert len(notebook_table({"data_path": str(path), "label_col": "y", "folds": 2}).frame) == 22
    with pytest.raises(ColumnNotFoundError, match="'label'"):
        notebook_table({"data_path": str(path), "label_col": "label"})


def test_several_generated_tables_or_the_users_alone(tmp_path):
    tables = notebook_tables({"dataset_names": ["documented_case", "search_log"], "n_queries": 10, "seed": 1})
    assert list(tables) == ["documented_case", "search_log"]
    pd.testing.assert_frame_equal(tables["search_log"].frame,
                                  datasets.load("search_log", n_queries=10, random_state=1).frame)
    path = tmp_path / "mine.csv"
    pd.DataFrame({"y": ["a", "b"] * 10, "price": [2.5, 9.0, 4.0] * 6 + [1.0, 3.0]}).to_csv(path, index=False)
    assert [t.label for t in notebook_tables({"dataset_names": ["search_log"], "data_path": str(path),
                                              "label_col": "y"}).values()] == ["y"]
