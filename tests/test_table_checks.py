"""A user's table is checked once, before anything trains on it: every bad input gets an error that names the
problem, or a visible note (Table.notes / Table.left_out, listed by notebook 01)."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from ecombalance.data import _checks as checks
from ecombalance.data import _datasets as datasets
from ecombalance.data import _loaders as loaders
from ecombalance.exceptions import ColumnNotFoundError, DataError

# ---------------------------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------------------------

ROWS = [("Café crème", "food"), ("Pâté à la française", "food"), ("Naïve résumé", "books"),
        ("Crème brûlée", "food"), ("Étude", "books"), ("Gâteau", "food")]
CHINESE = [("苹果手机壳 黑色", "电子"), ("不锈钢保温杯 500ml", "家居"), ("瑜伽垫 加厚", "运动"),
           ("蓝牙耳机 降噪", "电子"), ("电饭煲 智能", "家居"), ("登山杖 碳纤维", "运动")]


def _write(path, rows, header, encoding):
    path.write_bytes(("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode(encoding))
    return path


def test_utf8_with_a_byte_order_mark_reads_the_first_column_by_its_name(tmp_path):
    path = _write(tmp_path / "excel.csv", ROWS, "title,category", "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    tbl = loaders.load_table(path, "category", text_cols=["title"])  # not '\ufefftitle'
    assert list(tbl.frame.columns) == ["title", "category"]
    assert tbl.frame["title"].tolist() == [t for t, _ in ROWS]
    assert not any("encoding" in n or "UTF-8" in n for n in tbl.notes)


def test_latin1_is_detected_and_said(tmp_path):
    path = _write(tmp_path / "latin.csv", ROWS, "title,category", "latin-1")
    tbl = loaders.load_table(path, "category", text_cols=["title"])
    assert tbl.frame["title"].tolist()[:5] == [t for t, _ in ROWS][:5]
    note = next(n for n in tbl.notes if "not UTF-8" in n)
    assert "read as cp1252 (detected)" in note and "encoding='gb18030'" in note


def test_gb18030_is_detected_and_said(tmp_path):
    path = _write(tmp_path / "zh.csv", CHINESE, "商品名称,类别", "gb18030")
    tbl = loaders.load_table(path, "类别", text_cols=["商品名称"])
    assert tbl.frame["商品名称"].tolist() == [t for t, _ in CHINESE]
    assert any("read as gb18030 (detected)" in n for n in tbl.notes)


def test_utf16_with_its_byte_order_mark_is_read_and_said(tmp_path):
    path = _write(tmp_path / "unicode.txt", CHINESE, "商品名称\t类别", "utf-16")
    path.write_bytes(path.read_bytes().replace(",".encode("utf-16-le"), "\t".encode("utf-16-le")))
    tbl = loaders.load_table(path, "类别", text_cols=["商品名称"])
    assert tbl.frame["商品名称"].tolist() == [t for t, _ in CHINESE]
    assert any("read as UTF-16" in n for n in tbl.notes)


def test_a_given_encoding_wins_and_a_wrong_one_is_named_not_a_bare_codec_error(tmp_path):
    path = _write(tmp_path / "zh.csv", CHINESE, "商品名称,类别", "gb18030")
    tbl = loaders.load_table(path, "类别", text_cols="商品名称", encoding="gb18030")
    assert tbl.frame["商品名称"].iloc[0] == "苹果手机壳 黑色" and not any("not UTF-8" in n for n in tbl.notes)
    with pytest.raises(DataError, match=r"zh.csv is not valid utf-8: byte b'\\xc9' at position 0 .* try another "
                                        r"encoding, e.g. encoding='gb18030'"):
        loaders.load_table(path, "类别", encoding="utf-8")
    with pytest.raises(DataError, match="unknown encoding 'klingon'"):
        loaders.load_table(path, "类别", encoding="klingon")


def test_latin1_reaches_the_loader_through_datasets_load(tmp_path):
    path = _write(tmp_path / "latin.csv", ROWS, "title,category", "latin-1")
    tbl = datasets.load(data_path=str(path), label_col="category", text_cols=["title"], encoding="latin-1")
    assert tbl.frame["title"].iloc[0] == "Café crème" and not any("not UTF-8" in n for n in tbl.notes)


# ---------------------------------------------------------------------------------------------
# header and roles
# ---------------------------------------------------------------------------------------------

def test_a_repeated_header_is_an_error_naming_it(tmp_path):
    path = tmp_path / "rep.csv"
    path.write_text("title,category,price,category\na b,x,1,x\nb c,y,2,y\nc d,x,3,x\n")
    with pytest.raises(DataError, match=r"rep.csv: the header repeats 'category' \(columns 2, 4\); pandas would "
                                        r"read the second one as a new column \(e.g. 'category.1'\)"):
        loaders.load_table(path, "category", text_cols=["title"])
    # empty header cells (a saved index, trailing commas) are not repeats
    (tmp_path / "ok.csv").write_text(",title,category,\n0,a b,x,\n1,b c,y,\n")
    assert "title" in loaders.load_table(tmp_path / "ok.csv", "category", text_cols="title").frame.columns


@pytest.fixture
def shop(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    label = rng.choice(["shoes", "bags", "hats"], n, p=[0.5, 0.3, 0.2])
    frame = pd.DataFrame({"title": [f"{rng.choice(['red', 'soft'])} {lab[:2]}{i % 7}" for i, lab in enumerate(label)],
                          "query": [f"q{i % 9}" for i in range(n)], "price": rng.lognormal(3, 1, n).round(2),
                          "household": rng.integers(0, 30, n), "kind": label,
                          "empty": [""] * (n - 1) + [" "]})
    path = tmp_path / "shop.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("options, message", [
    ({"text_cols": ["kind"]}, r"'kind' is the label and cannot also be a text column \(text_cols\): a model "
                              r"that reads the label scores 1.000"),
    ({"group_col": "kind"}, r"'kind' is the label and cannot also be the group column \(group_col\): "
                            r"grouped folds would put whole classes on one side"),
    ({"group_col": "title", "text_cols": ["title"]}, "'title' cannot be both the group column and a text column"),
    ({"feature_cols": ["kind"]}, "feature_cols names 'kind', already the label"),
    ({"text_cols": ["title"], "exclude_cols": ["title"]}, "exclude_cols names 'title', which is a text column"),
    ({"feature_cols": ["price"], "exclude_cols": ["price"]}, "exclude_cols names 'price', which is a feature column"),
    ({"text_pair": ["title", "title"]}, r"text_pair takes two different text columns, got"),
    ({"text_cols": ["empty"]}, "text column 'empty' is empty in every row; drop it from text_cols or fill it"),
])
def test_roles_must_be_distinct_and_usable(shop, options, message):
    with pytest.raises(DataError, match=message) as err:
        loaders.load_table(shop, "kind", **options)
    assert str(shop) in str(err.value)


def test_unknown_feature_and_excluded_columns_are_named(shop):
    with pytest.raises(ColumnNotFoundError, match=r"excluded column\(s\) \['colour'\] not found"):
        loaders.load_table(shop, "kind", exclude_cols=["colour"])
    with pytest.raises(ColumnNotFoundError, match=r"feature column\(s\) \['size'\] not found"):
        loaders.load_table(shop, "kind", feature_cols=["size"])


def test_text_pair_makes_both_columns_text_and_is_kept_on_the_table(shop):
    tbl = loaders.load_table(shop, "kind", text_cols=["title"], text_pair=["query", "title"])
    assert tbl.text_pair == ("query", "title") and tbl.text_cols == ["title", "query"]
    roles = tbl.roles()
    assert roles.loc["query", "role"] == "text (pair)" and roles.loc["kind", "role"] == "label"


def test_exclude_and_feature_columns_choose_the_features(shop):
    tbl = loaders.load_table(shop, "kind", text_cols=["title"], exclude_cols=["price"])
    assert "price" not in tbl.feature_cols and tbl.left_out["price"] == "excluded by exclude_cols"
    assert any("'price' not used as a feature (excluded by exclude_cols)" in n for n in tbl.notes)
    only = loaders.load_table(shop, "kind", text_cols=["title"], feature_cols=["household"])
    assert only.feature_cols == ["title", "household"]
    assert any("only the feature_cols columns are features; not used: ['query', 'price', 'empty']" in n
               for n in only.notes)


# ---------------------------------------------------------------------------------------------
# identifier-like and leaking columns
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def catalogue(tmp_path):
    """A fashion-like catalogue: a saved index, a row id, a query id, a split column, and `subCategory`,
    a finer category that gives `masterCategory` away."""
    rng = np.random.default_rng(1)
    n = 300
    master = rng.choice(["Apparel", "Footwear", "Accessories"], n, p=[0.5, 0.3, 0.2])
    sub = {"Apparel": ["Topwear", "Bottomwear"], "Footwear": ["Shoes", "Sandal"], "Accessories": ["Bags", "Belts"]}
    frame = pd.DataFrame({
        "row": rng.permutation(n) + 1,
        "title": [f"{rng.choice(['red', 'blue', 'soft'])} {m[:3].lower() if rng.random() < 0.6 else 'x'}"
                  for m in master],
        "subCategory": [rng.choice(sub[m]) for m in master],
        "master_code": pd.Series(master).map({"Apparel": 0, "Footwear": 1, "Accessories": 2}),
        "score": pd.Series(master).map({"Apparel": 0.0, "Footwear": 10.0, "Accessories": 20.0})
        + rng.normal(0, 1, n),
        "price": rng.lognormal(3, 1, n).round(2),
        "colour": rng.choice(["red", "black", "white"], n),
        "serial": rng.permutation(n) + 5000,
        "query_id": rng.integers(0, 40, n),
        "split": rng.choice(["train", "test"], n),
        "masterCategory": master,
    })
    path = tmp_path / "styles.csv"
    frame.to_csv(path)  # with pandas' index: 'Unnamed: 0'
    return path


def test_identifier_like_columns_are_left_out_with_a_note(catalogue):
    tbl = loaders.load_table(catalogue, "masterCategory", text_cols=["title"])
    for col, why in [("Unnamed: 0", "saved index or row number"), ("row", "saved index or row number"),
                     ("query_id", "its name marks an id; name it in feature_cols to use it, or make it the "
                                  "group_col if rows sharing a value must stay together"),
                     ("split", "train/test split or fold"), ("serial", "its values number the rows")]:
        assert col not in tbl.feature_cols
        assert why in tbl.left_out[col], (col, tbl.left_out[col])
        assert any(f"column {col!r} not used as a feature" in n for n in tbl.notes)


def test_a_column_that_gives_the_label_away_is_named_and_left_out(catalogue):
    tbl = loaders.load_table(catalogue, "masterCategory", text_cols=["title"])
    assert tbl.numeric_cols == ["price"] and tbl.categorical_cols == ["colour"]
    for col in ("subCategory", "master_code", "score"):  # lookup, code and a continuous column (tree)
        assert "alone it predicts 'masterCategory' out of fold with accuracy" in tbl.left_out[col]
        assert "name it in feature_cols to use it anyway" in tbl.left_out[col]
    headline = checks.columns_headline(tbl)
    assert headline["leaking_columns"] == "subCategory, master_code, score"
    assert headline["features"] == "title, price, colour"
    roles = tbl.roles()
    assert roles.loc["subCategory", "role"] == "not used" and "out of fold" in roles.loc["subCategory", "why"]
    assert roles.loc["price", "role"] == "numeric feature"


def test_feature_col_keeps_a_leaking_column_but_says_so(catalogue):
    tbl = loaders.load_table(catalogue, "masterCategory", text_cols=["title"], feature_cols=["subCategory", "row"])
    assert tbl.categorical_cols == ["subCategory"] and tbl.numeric_cols == ["row"]
    assert any("'subCategory' is used because feature_cols names it, but alone it predicts" in n for n in tbl.notes)


def test_leak_score_against_a_hand_computed_lookup():
    x = pd.Series(["a", "a", "b", "b", "c", "c"] * 10)
    y = pd.Series(["p", "p", "q", "q", "q", "q"] * 10)
    accuracy, majority = checks.leak_score(x, y)
    assert accuracy == 1.0 and majority == pytest.approx(40 / 60)
    noise = pd.Series(np.random.default_rng(0).choice(["a", "b"], 60))
    assert checks.leak_score(noise, y)[0] < 0.8


def test_the_documented_case_as_a_users_file_loses_only_its_id(tmp_path):
    tbl = loaders.load_table(ROOT / "data" / "documented_case.csv", "category", text_cols=["title"])
    assert list(tbl.left_out) == ["product_id"]
    assert tbl.numeric_cols == datasets.CASE_NUMERIC and tbl.categorical_cols == ["brand"]


# ---------------------------------------------------------------------------------------------
# groups, classes, gains
# ---------------------------------------------------------------------------------------------

def test_group_columns_that_cannot_give_grouped_folds(shop, tmp_path):
    frame = pd.read_csv(shop)
    frame["row_group"] = range(len(frame))
    frame["kind_copy"] = frame["kind"].map({"shoes": "g1", "bags": "g2", "hats": "g3"})
    frame["few"] = np.arange(len(frame)) % 2
    frame["gappy"] = frame["household"].where(frame.index % 10 > 0)
    path = tmp_path / "groups.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"group column 'row_group' has one row per group \(120 groups for 120 "
                                        r"rows\), so grouped folds are plain folds"):
        loaders.load_table(path, "kind", group_col="row_group")
    with pytest.raises(DataError, match="group column 'kind_copy' is the label 'kind' in another form"):
        loaders.load_table(path, "kind", group_col="kind_copy")
    with pytest.raises(DataError, match="group column 'few' has 2 groups, fewer than the 3 folds need"):
        loaders.load_table(path, "kind", group_col="few", n_splits=3)
    with pytest.raises(DataError, match="group column 'gappy' is empty in 12 rows"):
        loaders.load_table(path, "kind", group_col="gappy")
    tbl = loaders.load_table(path, "kind", group_col="household", n_splits=3)
    assert tbl.group_col == "household" and "household" not in tbl.feature_cols


def test_too_small_classes_are_listed_capped_and_the_advice_names_the_cli_flags(tmp_path):
    labels = ["big"] * 300 + [f"rare{i:03d}" for i in range(200)]
    path = tmp_path / "many.csv"
    pd.DataFrame({"t": ["w x"] * 500, "y": labels}).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        loaders.load_table(path, "y", n_splits=5)
    message = str(err.value)
    assert "200 classes {'rare000': 1, 'rare001': 1," in message and "'rare009': 1, ... and 190 more}" in message
    assert "rare010" not in message
    assert "min_class_size=5" in message and "min_class_action='drop'" in message and "--" not in message


def test_a_merged_other_that_becomes_the_largest_class_is_flagged(tmp_path):
    path = tmp_path / "tail.csv"
    labels = ["head"] * 30 + ["mid"] * 10 + [f"r{i}" for i in range(40)]
    pd.DataFrame({"t": ["w"] * 80, "y": labels}).to_csv(path, index=False)
    tbl = loaders.load_table(path, "y", min_class_size=5)
    assert tbl.classes == ["other", "head", "mid"]
    assert any("the merged class 'other' (40 rows from 40 classes) is now the largest class" in n for n in tbl.notes)
    kept = loaders.load_table(path, "y", min_class_size=5, min_class_action="drop")
    assert kept.classes == ["head", "mid"] and not any("largest" in n for n in kept.notes)


def test_esci_letters_are_read_as_gains_and_given_gains_must_cover_every_class(tmp_path):
    path = tmp_path / "esci.csv"
    pd.DataFrame({"query": ["usb cable", "tent"] * 20, "title": ["a b", "c d"] * 20, "label": list("ESCI") * 10,
                  "qid": [i // 4 for i in range(40)]}).to_csv(path, index=False)
    tbl = datasets.load(data_path=str(path), label_col="label", text_pair=["query", "title"], group_col="qid")
    assert tbl.gains == loaders.ESCI_GAINS and list(tbl.gains) == ["E", "S", "C", "I"]
    assert any("holds ESCI letters, so they are read as relevance gains" in n for n in tbl.notes)
    mine = datasets.load(data_path=str(path), label_col="label", gains={"E": 3, "S": 2, "C": 1, "I": 0})
    assert mine.gains == {"E": 3.0, "S": 2.0, "C": 1.0, "I": 0.0}
    with pytest.raises(DataError, match=r"classes \['C', 'I'\] have no gain"):
        datasets.load(data_path=str(path), label_col="label", gains={"E": 1, "S": 0.1})
    grades = tmp_path / "grades.csv"
    pd.DataFrame({"t": ["a b"] * 30, "rel": [0, 1, 2] * 10}).to_csv(grades, index=False)
    graded = datasets.load(data_path=str(grades), label_col="rel", gains={"0": 0, "1": 1, "2": 3})
    assert graded.gains == {0: 0.0, 1: 1.0, 2: 3.0}  # keyed by the labels themselves
    assert datasets.load(data_path=str(grades), label_col="rel").gains is None  # no gains, no ranking


def test_bool_labels_are_plain_values_in_classes_and_messages(tmp_path):
    path = tmp_path / "bools.csv"
    pd.DataFrame({"x": [i % 4 for i in range(12)], "y": [True] * 10 + [False] * 2}).to_csv(path, index=False)
    tbl = loaders.load_table(path, "y")
    assert tbl.classes == [True, False] and type(tbl.classes[-1]) is bool
    with pytest.raises(DataError) as err:
        loaders.load_table(path, "y", n_splits=3)
    assert "np." not in str(err.value) and "{'False': 2}" in str(err.value)


def test_capped_lists_show_the_first_items_and_a_count():
    assert checks.capped(range(3)) == "[0, 1, 2]"
    assert checks.capped(range(25), limit=3) == "[0, 1, 2, ... and 22 more]"
    assert checks.capped({np.str_("a"): np.int64(1)}) == "{'a': 1}"


# ---------------------------------------------------------------------------------------------
# the training command
# ---------------------------------------------------------------------------------------------

def test_train_command_on_a_bad_file_exits_2_and_leaves_no_output_folder(tmp_path, capsys):
    from ecombalance.models.finetune import train

    bad = tmp_path / "rep.csv"
    bad.write_text("title,category,category\na,x,x\nb,y,y\n")
    out = tmp_path / "run"
    assert train.main(["--out", str(out), "--data", str(bad), "--label-col", "category", "--text-col", "title"]) == 2
    assert "the header repeats 'category'" in capsys.readouterr().err
    assert not out.exists()
    good = tmp_path / "notext.csv"
    pd.DataFrame({"x": range(8), "y": [0, 1] * 4}).to_csv(good, index=False)
    assert train.main(["--out", str(out), "--data", str(good), "--label-col", "y"]) == 2
    assert "no text column to fine-tune on; pass --text-col" in capsys.readouterr().err
    assert not out.exists()


def test_summary_json_of_the_check_is_plain_json(catalogue):
    tbl = loaders.load_table(catalogue, "masterCategory", text_cols=["title"])
    json.dumps({"notes": tbl.notes, "left_out": tbl.left_out, **checks.columns_headline(tbl)})
