"""Reading what users bring: their own CSV/Parquet tables, and the public layouts of Amazon's
Shopping Queries (ESCI) parquet files and Wayfair's WANDS csv files.

Every error names the file and the column and says how to fix it. Nothing is dropped silently:
what loading changes (rare classes merged or dropped, rows without a label, identifier columns
hashed) is logged and kept in :attr:`Table.notes`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import pandas as pd

from ecombalance._validation import DataError, check_columns
from ecombalance.data.privacy import identifier_columns, protect_identifiers
from ecombalance.data.table import Table

log = logging.getLogger(__name__)

MAX_CATEGORIES = 50  # a string column with more distinct values is treated as text or an identifier


def read_frame(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV (any delimiter pandas sniffs, incl. tab) or Parquet file, with errors that name it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path} is a directory; give the path of a .csv or .parquet file")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(path, **kwargs)
        elif suffix.endswith((".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")):
            sep = "\t" if ".tsv" in suffix else kwargs.pop("sep", None)
            frame = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c", **kwargs)
        else:
            raise DataError(f"{path}: unknown file type {path.suffix!r}; use .csv, .tsv or .parquet")
    except DataError:
        raise
    except Exception as exc:  # pandas and pyarrow raise many types for a bad file
        raise DataError(f"{path} could not be read as {path.suffix or 'a table'}: {exc}") from exc
    if frame.empty:
        raise DataError(f"{path} has no rows")
    return frame


def handle_rare_classes(
    frame: pd.DataFrame,
    label: str,
    min_class_size: int,
    action: str = "merge",
    other_label: str = "other",
    source: str = "table",
) -> tuple[pd.DataFrame, list[str]]:
    """Merge classes with fewer than ``min_class_size`` rows into ``other_label``, or drop them.

    Returns the new frame and notes saying which classes and how many rows were affected.
    """
    if action not in ("merge", "drop"):
        raise ValueError(f"min_class_action must be 'merge' or 'drop', got {action!r}")
    counts = frame[label].value_counts()
    rare = counts[counts < min_class_size]
    if rare.empty:
        return frame, []
    names = {str(k): int(v) for k, v in rare.items()}
    if action == "drop":
        kept = frame[~frame[label].isin(rare.index)].reset_index(drop=True)
        note = f"{source}: dropped {int(rare.sum())} rows of {len(rare)} classes with < {min_class_size} rows: {names}"
    else:
        kept = frame.copy()
        is_rare = frame[label].isin(rare.index)
        if not pd.api.types.is_string_dtype(kept[label]) and not isinstance(kept[label].dtype, pd.CategoricalDtype):
            kept[label] = kept[label].astype(str)  # so that "other" can sit beside integer or bool labels
        kept.loc[is_rare, label] = other_label
        if int(is_rare.sum()) < min_class_size:  # the merged class is itself too small: drop it
            kept = kept[~is_rare].reset_index(drop=True)
        note = (f"{source}: merged {len(rare)} classes with < {min_class_size} rows "
                f"({int(rare.sum())} rows) into {other_label!r}: {names}")
        if int(is_rare.sum()) < min_class_size:
            note += f"; {other_label!r} still has < {min_class_size} rows, so those rows were dropped"
    log.warning(note)
    return kept, [note]


def infer_columns(frame: pd.DataFrame, label: str, text_cols: Sequence[str], group_col: str | None,
                  identifiers: Sequence[str] = ()):
    """Numeric and categorical feature columns, and the columns left out with the reason.

    A string column is categorical when it has at most ``MAX_CATEGORIES`` values and fewer distinct
    values than half its rows; otherwise it looks like an identifier or free text and is left out.
    """
    numeric, categorical, ignored = [], [], {}
    for col in frame.columns:
        if col in (label, group_col) or col in text_cols:
            continue
        if col in identifiers:
            ignored[col] = "a direct identifier"
            continue
        series = frame[col]
        if pd.api.types.is_bool_dtype(series):
            categorical.append(col)
        elif pd.api.types.is_numeric_dtype(series):
            numeric.append(col)
        elif series.nunique(dropna=True) <= min(MAX_CATEGORIES, series.notna().sum() / 2):
            categorical.append(col)
        else:
            ignored[col] = (f"{series.nunique()} distinct strings: an identifier or free text; "
                            "pass it in text_cols to use it as text")
    return numeric, categorical, ignored


def load_table(
    path: str | Path,
    label_col: str,
    text_cols: Sequence[str] = (),
    group_col: str | None = None,
    min_class_size: int = 0,
    min_class_action: str = "merge",
    n_splits: int | None = None,
    identifiers: str = "hash",
) -> Table:
    """A user's CSV or Parquet file as a :class:`Table`, validated.

    Parameters
    ----------
    path : the file (.csv, .tsv or .parquet).
    label_col : the label column: strings, booleans or integers.
    text_cols : free-text columns (titles, queries) for TF-IDF or embeddings.
    group_col : a column whose groups must not straddle train and test (a query id).
    min_class_size : classes with fewer rows are merged into ``"other"`` (``min_class_action="merge"``)
        or dropped (``"drop"``), with a logged count; 0 keeps every class.
    n_splits : the number of cross-validation folds planned; classes smaller than this raise an error
        naming them (unless ``min_class_size`` takes care of them).
    identifiers : ``"hash"`` or ``"drop"`` columns that hold direct identifiers (see
        :func:`ecombalance.data.privacy.protect_identifiers`).

    Raises
    ------
    FileNotFoundError, DataError
        Missing or unreadable file, empty file, missing columns, label with one class only, a class
        with fewer rows than the folds need.
    """
    source = str(path)
    frame = read_frame(path)
    text_cols = [text_cols] if isinstance(text_cols, str) else list(text_cols)
    check_columns(frame, [label_col], "label", source)
    check_columns(frame, text_cols, "text", source)
    if group_col:
        check_columns(frame, [group_col], "group", source)
    notes: list[str] = []

    missing_label = int(frame[label_col].isna().sum())
    if missing_label == len(frame):
        raise DataError(f"{source}: label column {label_col!r} is empty in every row")
    if missing_label:
        frame = frame[frame[label_col].notna()].reset_index(drop=True)
        notes.append(f"{source}: dropped {missing_label} rows with no label in {label_col!r}")
        log.warning(notes[-1])
    if min_class_size:
        frame, rare_notes = handle_rare_classes(frame, label_col, min_class_size, min_class_action,
                                                source=source)
        notes += rare_notes

    counts = frame[label_col].value_counts()
    if len(counts) < 2:
        raise DataError(
            f"{source}: label column {label_col!r} has one class only ({counts.index[0]!r}); "
            "a classifier needs at least two"
        )
    if n_splits:
        small = counts[counts < n_splits]
        if not small.empty:
            raise DataError(
                f"{source}: classes {dict((str(k), int(v)) for k, v in small.items())} in {label_col!r} "
                f"have fewer rows than the {n_splits} folds need; pass min_class_size={n_splits} to merge "
                "them into 'other' (or min_class_action='drop' to drop them), or use fewer folds"
            )

    keep = [label_col, *text_cols, group_col or ""]
    id_cols = list(identifier_columns(frame, keep))
    frame, protected = protect_identifiers(frame, keep=keep, action=identifiers)
    notes += [str(p) for p in protected]
    numeric, categorical, ignored = infer_columns(frame, label_col, text_cols, group_col, id_cols)
    notes += [f"{source}: column {col!r} not used as a feature ({why})" for col, why in ignored.items()]
    return Table(frame, label_col, text_cols, numeric, categorical, group_col, Path(path).name, notes)


# ---------------------------------------------------------------------------------------------
# Public layouts
# ---------------------------------------------------------------------------------------------

ESCI_EXAMPLE_COLUMNS = ["query_id", "query", "product_id", "product_locale", "esci_label"]
ESCI_PRODUCT_COLUMNS = ["product_id", "product_locale", "product_title"]


def read_esci(examples_path: str | Path, products_path: str | Path, locale: str | None = "us",
              version: str | None = "small_version", split: str | None = None) -> Table:
    """Amazon's Shopping Queries Dataset (ESCI) from its two parquet files.

    ``shopping_queries_dataset_examples.parquet`` (query_id, query, product_id, product_locale,
    esci_label, small_version, large_version, split) joined with
    ``shopping_queries_dataset_products.parquet`` (product_id, product_locale, product_title,
    product_brand, ...) on product id and locale. ``version`` keeps rows flagged in that column
    (the "small" task-1 subset by default); ``locale`` and ``split`` filter further.
    """
    examples, products = read_frame(examples_path), read_frame(products_path)
    check_columns(examples, ESCI_EXAMPLE_COLUMNS, "ESCI examples", str(examples_path))
    check_columns(products, ESCI_PRODUCT_COLUMNS, "ESCI products", str(products_path))
    if version and version in examples.columns:
        examples = examples[examples[version] == 1]
    if locale:
        examples = examples[examples["product_locale"] == locale]
    if split:
        examples = examples[examples["split"] == split]
    if examples.empty:
        raise DataError(f"{examples_path}: no rows left for locale={locale!r}, version={version!r}, split={split!r}")
    keep = [c for c in ["product_id", "product_locale", "product_title", "product_brand", "product_color"]
            if c in products.columns]
    frame = examples.merge(products[keep], on=["product_id", "product_locale"], how="left", validate="many_to_one")
    unmatched = int(frame["product_title"].isna().sum())
    notes = [f"{examples_path}: {unmatched} examples have no product row"] if unmatched else []
    categorical = [c for c in ["product_brand", "product_color"] if c in frame.columns]
    frame = frame[["query_id", "query", "product_id", "product_title", *categorical, "esci_label"]]
    return Table(frame.reset_index(drop=True), "esci_label", ["query", "product_title"], [], [],
                 "query_id", "esci", notes)


WANDS_FILES = {"product": "product.csv", "query": "query.csv", "label": "label.csv"}


def read_wands(directory: str | Path) -> Table:
    """Wayfair's WANDS relevance data from its three tab-separated files.

    ``product.csv`` (product_id, product_name, product_class, ..., rating_count, average_rating,
    review_count), ``query.csv`` (query_id, query, query_class) and ``label.csv`` (id, query_id,
    product_id, label in Exact / Partial / Irrelevant), joined into query x product rows.
    """
    directory = Path(directory)
    paths = {k: directory / v for k, v in WANDS_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"WANDS files missing: {missing}; expected {list(WANDS_FILES.values())} in {directory}")
    product, query, label = (read_frame(paths[k], sep="\t") for k in ("product", "query", "label"))
    check_columns(product, ["product_id", "product_name"], "WANDS product", str(paths["product"]))
    check_columns(query, ["query_id", "query"], "WANDS query", str(paths["query"]))
    check_columns(label, ["query_id", "product_id", "label"], "WANDS label", str(paths["label"]))
    numeric = [c for c in ["rating_count", "average_rating", "review_count"] if c in product.columns]
    categorical = [c for c in ["product_class"] if c in product.columns]
    frame = (label[["query_id", "product_id", "label"]]
             .merge(query[["query_id", "query"]], on="query_id", how="left", validate="many_to_one")
             .merge(product[["product_id", "product_name", *categorical, *numeric]], on="product_id",
                    how="left", validate="many_to_one"))
    unmatched = int(frame["product_name"].isna().sum())
    notes = [f"{paths['label']}: {unmatched} labels have no product row"] if unmatched else []
    return Table(frame, "label", ["query", "product_name"], numeric, categorical, "query_id", "wands", notes)
