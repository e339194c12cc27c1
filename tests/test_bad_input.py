"""Bad input gets a named error or a visible note, from the data layer, the front door and the command alike.

Each case is a file or a frame a user could bring (issue 28): values no model can hold, labels that differ only in
case, two encodings in one file, decimal commas, random integer ids, a DataFrame's index, dates, an unused category,
a price given as the label, text without a word, a table without a feature, a zip named .csv. Errors are checked by
type and message; notes by their words and by what the table then holds, computed here independently.
"""

import io
import re
import zipfile
from contextlib import redirect_stderr

import numpy as np
import pandas as pd
import pytest

import ecombalance as eb
from ecombalance._reporting import cli
from ecombalance.data import _checks as checks
from ecombalance.data import _files as files
from ecombalance.data import _loaders as loaders
from ecombalance.exceptions import DataError


@pytest.fixture
def shop() -> pd.DataFrame:
    """120 products in 3 categories: a title, a price and a brand, and the label."""
    rng = np.random.default_rng(0)
    n = 120
    category = rng.choice(["shoes", "bags", "hats"], n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame({"title": [f"{rng.choice(['red', 'soft', 'big'])} {c} model {i % 9}" for i, c in
                                   enumerate(category)],
                         "price": rng.lognormal(3, 1, n).round(2), "brand": rng.choice(["acme", "zeta", "nova"], n),
                         "category": category})


def _command(tmp_path, path, *argv):
    """``ecombalance report --data path --label-col category ...`` (notebook 06): exit status and stderr."""
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = cli.main(["report", "--data", str(path), "--label-col", "category", "--notebooks", "06",
                           "--out", str(tmp_path / "report"), *argv])
    return status, stderr.getvalue()


# --------------------------------------------------------------------------------------------- values
@pytest.mark.parametrize("value", [np.inf, -np.inf, 1e39])
def test_infinite_or_huge_values_are_refused_naming_the_column_and_rows(shop, tmp_path, value):
    frame = shop.assign(price=shop["price"].where(~shop.index.isin([3, 17]), value))
    expected = f"column 'price' holds 2 infinite or too large values (row 3: {value:g}, row 17: {value:g}; rows "
    with pytest.raises(DataError) as caught:
        eb.load(frame, label="category", text="title")
    assert expected in str(caught.value) and "32-bit floats, which end at 3.4e+38" in str(caught.value)
    assert "exclude" in str(caught.value) and "--" not in str(caught.value)
    path = tmp_path / "shop.csv"
    frame.to_csv(path, index=False)
    status, err = _command(tmp_path, path, "--text-col", "title")
    assert status == 2 and err.startswith(f"ecombalance: error: {path}: {expected}")
    assert "Traceback" not in err and "--exclude-col" in err
    assert not (tmp_path / "report").exists()
    excluded = eb.load(frame, label="category", text="title", exclude="price")  # the way out the message names
    assert "price" not in excluded.feature_cols
    assert eb.load(shop.assign(price=shop["price"] * 1e30), label="category").numeric_cols == ["price"]  # 1e32 fits


def test_a_continuous_label_is_named_with_the_fix(shop):
    with pytest.raises(DataError, match=r"label column 'price' holds 1\d\d distinct numbers with decimals \(e\.g\. "
                                        r"[\d.]+, [\d.]+, [\d.]+\): a continuous quantity such as a price, not classes"
                       ) as caught:
        eb.load(shop, label="price", text="title")
    assert "pd.qcut(frame['price'], 4)" in str(caught.value)
    bands = shop.assign(price_band=pd.qcut(shop["price"], 4).astype(str))  # the fix it names works
    assert eb.load(bands, label="price_band", text="title", exclude="price").y.nunique() == 4
    grades = shop.assign(stars=np.arange(len(shop)) % 5 + 1.0)  # integer-valued floats are classes
    assert sorted(eb.load(grades, label="stars", text="title", exclude="price").classes) == [1.0, 2.0, 3.0, 4.0, 5.0]


# --------------------------------------------------------------------------------------------- labels
def test_labels_differing_only_in_case_or_spaces_are_noted_and_merged_only_when_asked(shop):
    spelled = shop["category"].copy()
    spelled[:12] = [v for v in ["Shoes", "shoes ", "SHOES", "Bags", " bags", "hats\t"] for _ in range(2)]
    frame = shop.assign(category=spelled)
    kept = eb.load(frame, label="category", text="title", folds=2)
    assert kept.y.nunique() == spelled.nunique() == 9
    note = next(n for n in kept.notes if "differ only in case or surrounding spaces" in n)
    assert "are separate classes" in note and "'Shoes' (2)" in note and "set merge_label_case" in note

    merged = eb.load(frame, label="category", text="title", merge_label_case=True)
    expected = spelled.str.strip().str.lower().value_counts()  # the most frequent spelling of each is lower case
    assert merged.y.value_counts().sort_index().to_dict() == expected.sort_index().to_dict()
    assert any("merged label values" in n for n in merged.notes)
    assert checks.label_variants(pd.Series(["a", "b", "A"])) == [["a", "A"]]


def test_unused_categories_of_a_categorical_label_are_dropped_with_a_note(shop):
    label = pd.Categorical(shop["category"], categories=["shoes", "bags", "hats", "toys"])
    tbl = eb.load(shop.assign(category=label), label="category", text="title", folds=5)
    assert tbl.classes == ["shoes", "bags", "hats"] and list(tbl.y.cat.categories) == ["shoes", "bags", "hats"]
    assert any("categories with no row; they are not classes: ['toys']" in n for n in tbl.notes)


# --------------------------------------------------------------------------------------------- files
def test_a_file_mixing_utf8_and_gbk_is_refused_at_the_line_where_decoding_fails(tmp_path):
    rows = [("蓝牙耳机 降噪", "电子"), ("不锈钢保温杯", "家居"), ("瑜伽垫 加厚", "运动")] * 4
    lines = ["title,category"] + [",".join(r) for r in rows]
    raw = b"".join((line + "\n").encode("gb18030" if i >= 9 else "utf-8") for i, line in enumerate(lines))
    path = tmp_path / "mixed.csv"
    path.write_bytes(raw)
    first_bad = next(i for i, line in enumerate(raw.split(b"\n"), 1) if not _utf8(line))
    assert first_bad == 10
    byte = repr(raw.split(b"\n")[first_bad - 1][:1]).replace("\\", "\\\\")
    with pytest.raises(DataError, match=rf"mixed.csv mixes text encodings: 8 lines with accents or Chinese characters "
                                        rf"are UTF-8, but line {first_bad} is not \(byte {byte} at column 1\), nor "
                                        r"are 3 more"):
        loaders.load_table(path, "category", text_cols="title")
    tbl = loaders.load_table(path, "category", text_cols="title", encoding="latin-1")  # an explicit choice wins
    assert len(tbl.frame) == 12


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_decimal_commas_in_a_semicolon_file_stay_numbers(shop, tmp_path):
    frame = shop.assign(ctr=np.linspace(0.01, 0.2, len(shop)).round(4))
    text = frame.to_csv(index=False, sep=";", decimal=",")
    assert "," in text.splitlines()[1]
    path = tmp_path / "european.csv"
    path.write_text(text, encoding="utf-8")
    tbl = loaders.load_table(path, "category", text_cols="title")
    assert tbl.numeric_cols == ["price", "ctr"]
    np.testing.assert_allclose(tbl.frame["price"], frame["price"])
    np.testing.assert_allclose(tbl.frame["ctr"], frame["ctr"])
    assert any("read with decimal commas ('12,5' is 12.5) in ['price', 'ctr']" in n for n in tbl.notes)
    assert files.decimal_comma_columns(pd.DataFrame({"a": ["1,5", "2"], "b": ["x,1", "2"], "c": ["1", "2"]})) == ["a"]


@pytest.mark.parametrize("content, kind", [
    (lambda: _zip_bytes(), "a ZIP archive (an Excel .xlsx workbook is one too)"),
    (lambda: _parquet_bytes(), "a Parquet file"),
    (lambda: b"%PDF-1.7\n...", "a PDF document"),
    (lambda: b"title,category\x00\x00\x01", "binary data (it holds NUL bytes), not text"),
])
def test_content_that_is_no_text_table_is_named(tmp_path, content, kind):
    path = tmp_path / "table.csv"
    path.write_bytes(content())
    with pytest.raises(DataError, match=rf"table.csv is not a CSV/TSV text file: its content is {re.escape(kind)}; "):
        loaders.load_table(path, "category")


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("table.csv", "title,category\na,b\n")
    return buffer.getvalue()


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"title": ["a"], "category": ["b"]}).to_parquet(buffer)
    return buffer.getvalue()


def test_a_csv_named_parquet_is_named_as_such(tmp_path):
    path = tmp_path / "table.parquet"
    path.write_text("title,category\na,b\n")
    with pytest.raises(DataError, match=r"table.parquet could not be read as .parquet: it is not a Parquet file "
                                        r"\(it starts with b'titl', not b'PAR1'\); if it is a text table, give it "
                                        "the .csv suffix"):
        loaders.load_table(path, "category")


# --------------------------------------------------------------------------------------------- columns
def test_a_unique_random_integer_id_is_left_out_like_unique_strings(shop):
    ids = np.random.default_rng(1).choice(10**9, len(shop), replace=False)
    tbl = eb.load(shop.assign(sku=ids), label="category", text="title")
    assert "sku" not in tbl.feature_cols
    assert tbl.left_out["sku"].startswith("a different integer in every row: an identifier")
    forced = eb.load(shop.assign(sku=ids), label="category", text="title", features=["price", "sku"])
    assert forced.numeric_cols == ["price", "sku"]


def test_a_dataframes_index_is_kept_as_a_column(shop):
    tbl = eb.load(shop.set_index("brand"), label="category", text="title")
    assert list(tbl.frame.columns) == ["brand", "title", "price", "category"]
    assert tbl.frame["brand"].tolist() == shop["brand"].tolist() and "brand" in tbl.categorical_cols
    assert any("its index ['brand'] is kept as a column" in n for n in tbl.notes)
    filtered = eb.load(shop[shop["price"] > 5], label="category", text="title")  # row numbers: nothing to keep
    assert "index" not in filtered.frame.columns and not any("index" in n for n in filtered.notes)


def test_dates_are_named_as_dates_and_not_hashed(shop, tmp_path):
    days = pd.date_range("2024-01-01", periods=len(shop), freq="D")
    frame = shop.assign(listed=days, updated=days.strftime("%Y-%m-%d %H:%M"))
    tbl = eb.load(frame, label="category", text="title")
    assert "listed" not in tbl.feature_cols and "updated" not in tbl.feature_cols
    assert tbl.left_out["listed"].startswith("dates or times (e.g. '2024-01-01 00:00:00', '2024-04-29 00:00:00')")
    assert tbl.left_out["updated"].startswith("dates or times (e.g. '2024-01-01 00:00', '2024-04-29 00:00')")
    assert tbl.frame["updated"].tolist() == list(frame["updated"])  # not taken for phone numbers and hashed
    path = tmp_path / "dated.csv"
    frame.to_csv(path, index=False)
    from_file = loaders.load_table(path, "category", text_cols="title")
    assert set(from_file.left_out) >= {"listed", "updated"} and "distinct strings" not in str(from_file.left_out)


def test_text_without_any_word_is_caught_by_the_check(shop):
    with pytest.raises(DataError, match=r"text column 'title' holds no word in any row \(e\.g\. \['!!!', '\?\?', "
                                        r"'--'\]\): TF-IDF finds no token in it"):
        eb.load(shop.assign(title=["!!!", "??", "--"] * 40), label="category", text="title")


def test_a_table_without_any_usable_feature_is_caught_by_the_check(shop, tmp_path):
    frame = shop[["category"]].assign(row=np.arange(len(shop)), sku=[f"S{i:05d}" for i in range(len(shop))])
    with pytest.raises(DataError, match=r"no column is left to learn from: every other column was left out \('row': "
                                        r".*'sku': .*\)\. Name the text columns \(text\), or the columns to use anyway"
                                        r" \(features\)"):
        eb.load(frame, label="category")
    path = tmp_path / "bare.csv"
    frame.to_csv(path, index=False)
    status, err = _command(tmp_path, path)
    assert status == 2 and "no column is left to learn from" in err and "(--text-col)" in err
