"""Columns that are the label at another level of the same hierarchy (a department above the category, an
article type below it) are named and left out, as a copy of the label is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ecombalance as eb
from ecombalance.data import _checks as checks


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3000
    sub = pd.Series(rng.choice([f"sub{i}" for i in range(8)], n))
    return pd.DataFrame({
        "category": sub,
        "department": sub.map({f"sub{i}": f"dept{i % 3}" for i in range(8)}),  # coarser: 3 values above 8 classes
        "article": sub + "/" + pd.Series(rng.integers(0, 4, n)).astype(str),  # finer: 32 values, each in one class
        "price": rng.normal(size=n) + sub.str[3:].astype(int),
        "brand": rng.choice(list("abcdef"), n),
    })


def test_a_coarser_and_a_finer_level_are_named_and_left_out(catalogue):
    t = eb.load(catalogue, label="category")
    assert t.numeric_cols == ["price"] and t.categorical_cols == ["brand"]
    assert t.left_out["department"].startswith(
        "the label in another form: a coarser level of 'category' (each of its 8 classes falls under one of the 3 "
        "values of 'department' in 100.0% of the rows)")
    finer = t.left_out["article"]
    # the out-of-fold check names the finer level first (alone it predicts the label); either way it is out
    assert "alone it predicts 'category' out of fold" in finer or "a finer level of 'category'" in finer
    assert checks.columns_headline(t)["leaking_columns"] == "department, article"


def test_the_levels_are_found_by_their_mapping_to_the_label(catalogue):
    found = checks.hierarchy_columns(catalogue, "category", ["department", "article", "price", "brand"])
    assert list(found) == ["department", "article"]
    assert found["article"].startswith("the label in another form: a finer level of 'category' (each of the 32 "
                                       "values of 'article' falls under one class in 100.0% of the rows)")


def test_a_level_that_breaks_the_mapping_too_often_is_a_feature(catalogue):
    noisy = catalogue.copy()
    flip = np.random.default_rng(1).random(len(noisy)) < 0.05  # 5 % of the rows under another department
    noisy.loc[flip, "department"] = "dept9"
    assert checks.hierarchy_columns(noisy, "category", ["department"]) == {}
    assert checks._purity(noisy["category"], noisy["department"]) == pytest.approx(
        noisy.groupby("category")["department"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(noisy))


def test_two_classes_have_no_coarser_level_and_distinct_values_are_no_finer_level():
    rng = np.random.default_rng(2)
    n = 500
    y = rng.choice(["yes", "no"], n)
    frame = pd.DataFrame({"y": y, "flag": np.where(y == "yes", "a", "b"),  # a copy, not a level: the leak check's
                          "code": [f"c{i}" for i in range(n)], "x": rng.normal(size=n)})
    assert checks.hierarchy_columns(frame, "y", ["flag", "code", "x"]) == {}
    assert "flag" in checks.leaking_columns(frame, "y", ["flag", "x"])


def test_feature_cols_keep_a_level_with_a_note(catalogue):
    t = eb.load(catalogue, label="category", features=["department", "price"])
    assert t.categorical_cols == ["department"]
    assert any("'department' is used because features names it, but the label in another form: a coarser level"
               in note for note in t.notes)
