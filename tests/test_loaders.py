import logging

import pandas as pd
import pytest

from ecombalance.data import _datasets as datasets
from ecombalance.data import _loaders as loaders
from ecombalance.exceptions import DataError


@pytest.fixture
def user_csv(tmp_path):
    df = pd.DataFrame({
        "title": [f"item {i} red" for i in range(40)],
        "price": [float(i) for i in range(40)],
        "colour": ["red", "blue"] * 20,
        "user_email": [f"u{i}@shop.com" for i in range(40)],
        "sku": [f"SKU-{i:04d}-X" for i in range(40)],
        "label": ["a"] * 30 + ["b"] * 5 + ["c"] * 2 + ["d"] * 3,
    })
    path = tmp_path / "mine.csv"
    df.to_csv(path, index=False)
    return path


def test_user_csv_becomes_a_table(user_csv):
    tbl = loaders.load_table(user_csv, "label", text_cols=["title"])
    assert tbl.numeric_cols == ["price"] and tbl.categorical_cols == ["colour"]
    assert tbl.frame["user_email"].str.fullmatch(r"[0-9a-f]{16}").all()  # hashed before anyone sees it
    assert any("user_email" in n and "hashed" in n for n in tbl.notes)
    assert any("'sku' not used as a feature" in n for n in tbl.notes)


def test_parquet_and_tab_separated_files(tmp_path):
    df = pd.DataFrame({"t": ["x y", "y z", "z x", "x x"], "y": [1, 0, 1, 0]})
    df.to_parquet(tmp_path / "f.parquet")
    df.to_csv(tmp_path / "f.tsv", sep="\t", index=False)
    for name in ("f.parquet", "f.tsv"):
        tbl = loaders.load_table(tmp_path / name, "y", text_cols="t")
        assert tbl.text_cols == ["t"] and sorted(tbl.y.unique()) == [0, 1]


def test_rare_classes_are_named_then_merged_or_dropped(user_csv, caplog):
    with pytest.raises(DataError, match=r"classes \{'d': 3, 'c': 2\} in 'label' have fewer rows than the 5 folds need; pass min_class_size=5"):
        loaders.load_table(user_csv, "label", n_splits=5)
    with caplog.at_level(logging.WARNING):
        merged = loaders.load_table(user_csv, "label", min_class_size=5, n_splits=5)
    assert merged.y.value_counts().to_dict() == {"a": 30, "b": 5, "other": 5}
    assert "merged 2 classes with < 5 rows (5 rows) into 'other'" in caplog.text
    dropped = loaders.load_table(user_csv, "label", min_class_size=5, min_class_action="drop")
    assert len(dropped.frame) == 35 and any("dropped 5 rows of 2 classes" in n for n in dropped.notes)




def test_integer_and_boolean_labels_can_be_merged(tmp_path):
    path = tmp_path / "ints.csv"
    pd.DataFrame({"x": [i % 4 for i in range(13)], "y": [0] * 6 + [1] * 5 + [2, 3]}).to_csv(path, index=False)
    tbl = loaders.load_table(path, "y", min_class_size=2)
    assert sorted(tbl.y.astype(str).unique()) == ["0", "1", "other"]
    path = tmp_path / "bools.csv"
    pd.DataFrame({"x": range(6), "y": [True, False] * 3}).to_csv(path, index=False)
    assert loaders.load_table(path, "y").y.dtype == bool


@pytest.mark.parametrize("content, error, message", [
    ("", DataError, "is empty"),
    ("a,b\n", DataError, "has no rows"),
    ("a,b\n1,x\n2,y\n", DataError, r"label column\(s\) \['label'\] not found; the columns are \['a', 'b'\]"),
    ("a,label\n1,x\n2,x\n", DataError, "has one class only \\('x'\\)"),
    ("a,label\n1,\n2,\n", DataError, "empty in every row"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, content, error, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(error, match=message) as err:
        loaders.load_table(path, "label")
    assert str(path) in str(err.value)


def test_missing_unreadable_and_wrong_type_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv: no such file"):
        loaders.load_table(tmp_path / "nope.csv", "y")
    (tmp_path / "x.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="x.parquet could not be read"):
        loaders.load_table(tmp_path / "x.parquet", "y")
    (tmp_path / "x.xlsx").write_bytes(b"zz")
    with pytest.raises(DataError, match="unknown file type '.xlsx'"):
        loaders.load_table(tmp_path / "x.xlsx", "y")


def test_missing_text_and_group_columns(user_csv):
    with pytest.raises(DataError, match=r"text column\(s\) \['body'\] not found"):
        loaders.load_table(user_csv, "label", text_cols=["body"])
    with pytest.raises(DataError, match=r"group column\(s\) \['qid'\] not found"):
        loaders.load_table(user_csv, "label", group_col="qid")


def test_a_missing_column_is_a_data_error_and_a_key_error(user_csv):
    with pytest.raises(KeyError) as caught:  # what pandas raises for a missing column
        loaders.load_table(user_csv, "label", text_cols=["body", "title", "teaser"])
    assert isinstance(caught.value, DataError)
    assert str(caught.value) == (f"{user_csv}: text column(s) ['body', 'teaser'] not found; the columns are "
                                 f"{list(pd.read_csv(user_csv).columns)}")  # the message itself, not its repr


def test_unlabelled_rows_are_dropped_and_reported(tmp_path):
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"x": range(5), "y": ["a", None, "b", "a", None]}).to_csv(path, index=False)
    tbl = loaders.load_table(path, "y")
    assert len(tbl.frame) == 3 and any("dropped 2 rows with no label" in n for n in tbl.notes)


def test_load_goes_through_load_table(user_csv):
    tbl = datasets.load(data_path=str(user_csv), label_col="label", text_cols=["title"], min_class_size=5)
    assert "other" in set(tbl.y)


def test_esci_layout(tmp_path):
    examples = pd.DataFrame({
        "example_id": range(6), "query": ["usb cable"] * 3 + ["tent"] * 3, "query_id": [1] * 3 + [2] * 3,
        "product_id": ["p1", "p2", "p3", "p4", "p5", "p1"], "product_locale": ["us"] * 5 + ["jp"],
        "esci_label": ["E", "S", "I", "E", "C", "E"], "small_version": [1, 1, 1, 1, 0, 1],
        "large_version": [1] * 6, "split": ["train"] * 6,
    })
    products = pd.DataFrame({
        "product_id": ["p1", "p2", "p3", "p4", "p5", "p1"], "product_locale": ["us"] * 5 + ["jp"],
        "product_title": ["Anker USB-C cable", "Belkin cable", "Mug", "2p tent", "Tent stakes", "ケーブル"],
        "product_brand": ["Anker", "Belkin", "X", "Y", "Y", "Anker"], "product_description": [""] * 6,
    })
    examples.to_parquet(tmp_path / "shopping_queries_dataset_examples.parquet")
    products.to_parquet(tmp_path / "shopping_queries_dataset_products.parquet")
    tbl = loaders.read_esci(tmp_path / "shopping_queries_dataset_examples.parquet",
                            tmp_path / "shopping_queries_dataset_products.parquet")
    assert tbl.label == "esci_label" and tbl.group_col == "query_id"
    assert tbl.frame["product_title"].tolist() == ["Anker USB-C cable", "Belkin cable", "Mug", "2p tent"]
    assert tbl.text_pair == ("query", "product_title")
    assert tbl.gains == {"E": 1.0, "S": 0.1, "I": 0.0}  # the labels present (the C row is not in the small set)
    with pytest.raises(DataError, match=r"ESCI products column\(s\) \['product_title'\] not found"):
        products.drop(columns="product_title").to_parquet(tmp_path / "p2.parquet")
        loaders.read_esci(tmp_path / "shopping_queries_dataset_examples.parquet", tmp_path / "p2.parquet")


def test_wands_layout(tmp_path):
    pd.DataFrame({"product_id": [1, 2, 3], "product_name": ["oak table", "pine chair", "lamp"],
                  "product_class": ["Tables", "Chairs", "Lamps"], "rating_count": [3, 0, 5],
                  "average_rating": [4.5, None, 3.0], "review_count": [2, 0, 4]}
                 ).to_csv(tmp_path / "product.csv", sep="\t", index=False)
    pd.DataFrame({"query_id": [0, 1], "query": ["wood table", "chair"], "query_class": ["Tables", "Chairs"]}
                 ).to_csv(tmp_path / "query.csv", sep="\t", index=False)
    pd.DataFrame({"id": [0, 1, 2, 3], "query_id": [0, 0, 1, 1], "product_id": [1, 3, 2, 1],
                  "label": ["Exact", "Irrelevant", "Exact", "Partial"]}).to_csv(tmp_path / "label.csv", sep="\t", index=False)
    tbl = loaders.read_wands(tmp_path)
    assert tbl.y.tolist() == ["Exact", "Irrelevant", "Exact", "Partial"]
    assert tbl.frame["product_name"].tolist() == ["oak table", "lamp", "pine chair", "oak table"]
    assert tbl.numeric_cols == ["rating_count", "average_rating", "review_count"]
    assert tbl.text_pair == ("query", "product_name")
    assert tbl.gains == {"Exact": 1.0, "Partial": 0.5, "Irrelevant": 0.0}
    pd.DataFrame({"id": [0], "query_id": [0], "product_id": [1], "label": ["Maybe"]}
                 ).to_csv(tmp_path / "label.csv", sep="\t", index=False)
    with pytest.raises(DataError, match=r"label.csv: classes \['Maybe'\] have no gain"):
        loaders.read_wands(tmp_path)
    (tmp_path / "query.csv").unlink()
    with pytest.raises(FileNotFoundError, match="WANDS files missing"):
        loaders.read_wands(tmp_path)


def test_the_merge_note_lists_ten_classes_and_counts_the_rest():
    frame = pd.DataFrame({"y": [f"rare{i:03d}" for i in range(166)] + ["big"] * 300})
    merged, notes = loaders.handle_rare_classes(frame, "y", 5)
    assert merged["y"].value_counts().to_dict() == {"big": 300, "other": 166}
    assert len(notes) == 1 and notes[0].startswith("table: merged 166 classes with < 5 rows (166 rows) into 'other'")
    assert "'rare009': 1, ... and 156 more}" in notes[0] and "rare010" not in notes[0]


def test_a_merged_class_that_is_still_too_small_is_dropped_and_said(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"x": [i % 4 for i in range(14)], "y": ["a"] * 6 + ["b"] * 6 + ["c", "d"]}).to_csv(path, index=False)
    tbl = loaders.load_table(path, "y", min_class_size=3)
    assert tbl.y.value_counts().to_dict() == {"a": 6, "b": 6}
    assert any("'other' still has < 3 rows, so those rows were dropped" in n for n in tbl.notes)
