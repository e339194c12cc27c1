"""Reading what users bring: their own CSV/Parquet tables, and the public layouts of Amazon's
Shopping Queries (ESCI) parquet files and Wayfair's WANDS csv files.

Every error names the file and the column and says how to fix it. Nothing is dropped silently:
what loading changes (rare classes merged or dropped, rows without a label, identifier columns
hashed) is logged and kept in :attr:`Table.notes`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ecombalance._validation import check_columns, option, plain_label
from ecombalance.data import _checks as checks
from ecombalance.data import _codes as codes
from ecombalance.data._files import read_dataframe, read_file, read_frame
from ecombalance.data._privacy import identifier_columns, protect_identifiers
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _
from ecombalance.i18n import ngettext

log = logging.getLogger(__name__)

MAX_CATEGORIES = 50  # a string column with more distinct values is treated as text or an identifier


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
        raise ValueError(f"{option('min_class_action')} must be 'merge' or 'drop', got {action!r}")
    counts = frame[label].value_counts()
    rare = counts[counts < min_class_size]
    if rare.empty:
        return frame, []
    names = checks.capped({str(k): int(v) for k, v in rare.items()})
    classes = ngettext("{n} class", "{n} classes", len(rare)).format(n=len(rare))
    notes = []
    if action == "drop":
        kept = frame[~frame[label].isin(rare.index)].reset_index(drop=True)
        notes.append(_("{source}: dropped {rows} rows of {classes} with < {size} rows: {names}").format(
            source=source, rows=int(rare.sum()), classes=classes, size=min_class_size, names=names))
    else:
        kept = frame.copy()
        is_rare = frame[label].isin(rare.index)
        if isinstance(kept[label].dtype, pd.CategoricalDtype):
            if other_label not in kept[label].cat.categories:
                kept[label] = kept[label].cat.add_categories([other_label])
        elif not pd.api.types.is_string_dtype(kept[label]):
            kept[label] = kept[label].astype(str)  # so that "other" can sit beside integer or bool labels
        kept.loc[is_rare, label] = other_label
        merged = int((kept[label] == other_label).sum())
        if int(is_rare.sum()) < min_class_size:  # the merged class is itself too small: drop it
            kept = kept[~is_rare].reset_index(drop=True)
        words = {"source": source, "classes": classes, "size": min_class_size, "rows": int(rare.sum()),
                 "other": repr(other_label), "names": names, "merged": merged}
        if int(is_rare.sum()) < min_class_size:
            notes.append(_("{source}: merged {classes} with < {size} rows ({rows} rows) into {other}: {names}; {other} "
                           "still has < {size} rows, so those rows were dropped").format(**words))
        else:
            notes.append(_("{source}: merged {classes} with < {size} rows ({rows} rows) into {other}: "
                           "{names}").format(**words))
        if int(is_rare.sum()) >= min_class_size and kept[label].value_counts().index[0] == other_label:
            notes.append(_("{source}: the merged class {other} ({merged} rows from {classes}) is now the largest "
                           "class, so 'the largest class' below means this mixture; consider a smaller {min_class_size}, "
                           "or {drop}").format(**words, min_class_size=option("min_class_size"),
                                               drop=option("min_class_action", "drop")))
    for note in notes:
        log.warning(note)
    return kept, notes


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
            ignored[col] = _("a direct identifier")
            continue
        series = frame[col]
        if pd.api.types.is_bool_dtype(series):
            categorical.append(col)
        elif pd.api.types.is_numeric_dtype(series):
            numeric.append(col)
        elif series.nunique(dropna=True) <= min(MAX_CATEGORIES, series.notna().sum() / 2):
            categorical.append(col)
        else:
            ignored[col] = _("{n} distinct strings: an identifier or free text; name it in {text_cols} to use it as "
                             "text").format(n=series.nunique(), text_cols=option("text_cols"))
    return numeric, categorical, ignored


def load_table(
    path: str | Path | pd.DataFrame,
    label_col: str,
    text_cols: Sequence[str] = (),
    group_col: str | None = None,
    min_class_size: int = 0,
    min_class_action: str = "merge",
    n_splits: int | None = None,
    identifiers: str = "hash",
    exclude_cols: Sequence[str] = (),
    feature_cols: Sequence[str] = (),
    encoding: str = "",
    text_pair: Sequence[str] | None = None,
    gains: Mapping | None = None,
    merge_label_case: bool = False,
) -> Table:
    """A user's CSV or Parquet file as a :class:`Table`, checked (see :mod:`ecombalance.data._checks`).

    Parameters
    ----------
    path : the file (.csv, .tsv or .parquet; UTF-8 with or without BOM, else see ``encoding``), or a pandas
        DataFrame already in memory (checked the same way; it is copied, never changed; named ``"DataFrame"``,
        or by its ``attrs["name"]``).
    label_col : the label column: strings, booleans or integers.
    text_cols : free-text columns (titles, queries) for TF-IDF or embeddings.
    group_col : a column whose groups must not straddle train and test (a query id, a household).
    min_class_size : classes with fewer rows are merged into ``"other"`` (``min_class_action="merge"``)
        or dropped (``"drop"``), with a logged count; 0 keeps every class.
    n_splits : the number of cross-validation folds planned; classes smaller than this raise an error
        naming them (unless ``min_class_size`` takes care of them).
    identifiers : ``"hash"`` or ``"drop"`` columns that hold direct identifiers (see
        :func:`ecombalance.data._privacy.protect_identifiers`).
    exclude_cols : columns never used as features.
    feature_cols : when given, the only non-text feature columns (kept even when a check would leave them out).
    encoding : the text file's encoding when it is not UTF-8 (else detected, with a note).
    text_pair : two text columns whose match matters (query, title); both become text columns.
    gains : ``{label: gain}`` when the label is graded relevance (enables ranking metrics).
    merge_label_case : merge label values that differ only in case or surrounding whitespace (``'Shoes'``,
        ``'shoes '``) into their most frequent spelling; without it they stay separate classes, with a note.

    Without ``feature_cols``, every other column is a feature except identifier-like columns and columns that
    alone predict the label almost perfectly (:func:`~ecombalance.data._checks.leaking_columns`); each one
    left out is named in :attr:`Table.notes` and :attr:`Table.left_out` with the reason.

    Raises
    ------
    FileNotFoundError, DataError
        Missing or unreadable file, empty file, repeated header, missing or clashing columns, an empty text
        column, label with one class only, a class with fewer rows than the folds need, a group column that
        cannot give grouped folds.
    """
    if isinstance(text_pair, str):
        raise DataError(f"{option('text_pair')} takes two column names (left, right), got {text_pair!r}")
    if isinstance(path, pd.DataFrame):
        frame, notes, source = read_dataframe(path, encoding)
        name = source
    else:
        (frame, notes), source, name = read_file(path, encoding), str(path), Path(path).name
    pair = tuple(text_pair) if text_pair else None
    text_cols = [text_cols] if isinstance(text_cols, str) else list(text_cols)
    text_cols = list(dict.fromkeys([*text_cols, *(pair or ())]))
    feature_cols, exclude_cols = list(dict.fromkeys(feature_cols)), list(dict.fromkeys(exclude_cols))
    group_col = group_col or None
    checks.check_roles(frame.columns, label_col, text_cols, group_col, feature_cols, exclude_cols, pair, source)
    checks.check_text_columns(frame, text_cols, source)
    checks.check_finite(frame, [c for c in frame.columns if c not in (label_col, group_col) and c not in text_cols
                                and c not in exclude_cols and (not feature_cols or c in feature_cols)], source)

    missing_label = int(frame[label_col].isna().sum())
    if missing_label == len(frame):
        raise DataError(f"{source}: label column {label_col!r} is empty in every row")
    if missing_label:
        frame = frame[frame[label_col].notna()].reset_index(drop=True)
        notes.append(_("{source}: dropped {n} rows with no label in {label}").format(source=source, n=missing_label,
                                                                                      label=repr(label_col)))
        log.warning(notes[-1])
    frame, label_notes = _label_checks(frame, label_col, merge_label_case, source)
    notes += label_notes
    if min_class_size:
        frame, rare_notes = handle_rare_classes(frame, label_col, min_class_size, min_class_action,
                                                source=source)
        notes += rare_notes

    counts = frame[label_col].value_counts()
    if len(counts) < 2:
        raise DataError(
            f"{source}: label column {label_col!r} has one class only ({plain_label(counts.index[0])!r}); "
            "a classifier needs at least two"
        )
    if n_splits:
        small = counts[counts < n_splits]
        if not small.empty:
            shown = checks.capped({str(k): int(v) for k, v in small.items()})
            raise DataError(
                f"{source}: {len(small)} class{'es' if len(small) > 1 else ''} {shown} in {label_col!r} have "
                f"fewer rows than the {n_splits} folds need; pass {option('min_class_size', n_splits)} to merge them "
                f"into 'other', add {option('min_class_action', 'drop')} to drop them instead, or use fewer folds"
            )
    if group_col:
        notes += checks.check_groups(frame, label_col, group_col, n_splits, source)

    roles = [label_col, *text_cols, group_col or ""]
    dates = {c: why for c, why in checks.date_columns(frame, [c for c in frame.columns if c not in roles]).items()
             if c not in feature_cols and c not in exclude_cols}
    keep = [*roles, *dates]  # a date is no phone number: left out as a date, not hashed
    id_cols = list(identifier_columns(frame, keep))
    frame, protected = protect_identifiers(frame, keep=keep, action=identifiers)
    notes += [str(p) for p in protected]
    numeric, categorical, left_out = _feature_columns(frame, label_col, text_cols, group_col, id_cols,
                                                      feature_cols, exclude_cols, dates)
    checks.check_has_features([*text_cols, *numeric, *categorical], left_out, source)
    notes += codes.integer_codes_note(frame, numeric, source)
    unnamed = [c for c, why in left_out.items() if why == _not_named()]
    if unnamed:
        notes.append(_("{source}: only the {feature_cols} columns are features; not used: {columns}").format(
            source=source, columns=checks.capped(unnamed), feature_cols=option("feature_cols")))
    for col, why in left_out.items():
        if why != _not_named():
            notes.append(_("{source}: column {column} not used as a feature ({reason})").format(
                source=source, column=repr(col), reason=why))
            log.log(logging.WARNING if checks.is_leak_reason(why) else logging.INFO, notes[-1])
    forced = [c for c in [*numeric, *categorical] if c in feature_cols]
    for col, why in checks.leaking_columns(frame, label_col, forced).items():
        notes.append(_("{source}: column {column} is used because {feature_cols} names it, but {reason}").format(
            source=source, column=repr(col), reason=why, feature_cols=option("feature_cols")))
        log.warning(notes[-1])
    resolved_gains = checks.resolve_gains(gains, counts.index, source)
    return Table(frame, label_col, text_cols, numeric, categorical, group_col, name, notes,
                 text_pair=pair, gains=resolved_gains, left_out=left_out)


def _not_named() -> str:
    return f"not named by {option('feature_cols')}"


def _label_checks(frame: pd.DataFrame, label: str, merge_case: bool, source: str) -> tuple[pd.DataFrame, list[str]]:
    """The label's own checks: categories with no row dropped, a continuous quantity refused, values differing only
    in case or surrounding spaces named (or merged)."""
    notes = []
    if frame[label].dtype == object and frame[label].map(lambda v: isinstance(v, (bool, np.bool_))).all():
        frame = frame.assign(**{label: frame[label].astype(bool)})  # True/False read with blanks: object dtype
    if isinstance(frame[label].dtype, pd.CategoricalDtype):
        unused = [c for c in frame[label].cat.categories if not (frame[label] == c).any()]
        if unused:
            frame = frame.assign(**{label: frame[label].cat.remove_unused_categories()})
            notes.append(_("{source}: the categorical label {label} lists categories with no row; they are not "
                           "classes: {categories}").format(source=source, label=repr(label),
                                                           categories=checks.capped(unused)))
    checks.check_label_kind(frame[label], label, source)
    frame, variant_notes = checks.merge_label_variants(frame, label, merge_case, source)
    for note in [*notes, *variant_notes]:
        log.warning(note)
    return frame, notes + variant_notes


def _feature_columns(frame, label, text_cols, group_col, id_cols, feature_cols, exclude_cols, dates=None):
    """Numeric and categorical features, and ``{column: why}`` for the columns left out."""
    left_out = {c: _("excluded by {exclude_cols}").format(exclude_cols=option("exclude_cols")) for c in exclude_cols}
    left_out.update({c: _("a direct identifier") for c in id_cols if c not in feature_cols})
    left_out.update(dates or {})
    roles = {label, group_col, *text_cols}
    others = [c for c in frame.columns if c not in roles and c not in left_out]
    if feature_cols:
        left_out.update({c: _not_named() for c in others if c not in feature_cols})
    else:
        left_out.update(checks.identifier_like(frame, others, group_col))
    numeric, categorical, ignored = infer_columns(frame, label, text_cols, group_col, list(left_out))
    for col in feature_cols:  # the user's choice wins over the string-column rule
        if col in ignored and col not in numeric and col not in categorical:
            categorical.append(col)
            del ignored[col]
    left_out.update({c: why for c, why in ignored.items() if c not in left_out})
    leaks = checks.leaking_columns(frame, label, [c for c in [*numeric, *categorical] if c not in feature_cols])
    for col, why in leaks.items():
        left_out[col] = _("{reason}; name it in {feature_cols} to use it anyway").format(
            reason=why, feature_cols=option("feature_cols"))
    numeric = [c for c in numeric if c not in leaks]
    categorical = [c for c in categorical if c not in leaks]
    return numeric, categorical, {c: left_out[c] for c in frame.columns if c in left_out}


# ---------------------------------------------------------------------------------------------
# Public layouts
# ---------------------------------------------------------------------------------------------

ESCI_EXAMPLE_COLUMNS = ["query_id", "query", "product_id", "product_locale", "esci_label"]
# relevance gain of each ESCI label (Exact, Substitute, Complement, Irrelevant), as in the Shopping Queries paper
# (Reddy et al., 2022, arXiv:2206.06588), for NDCG
ESCI_GAINS = {"E": 1.0, "S": 0.1, "C": 0.01, "I": 0.0}
ESCI_PRODUCT_COLUMNS = ["product_id", "product_locale", "product_title"]


def read_esci(examples_path: str | Path, products_path: str | Path, locale: str | None = "us",
              version: str | None = "small_version", split: str | None = None) -> Table:
    """Read Amazon's Shopping Queries Dataset (ESCI) from its two parquet files.

    ``shopping_queries_dataset_examples.parquet`` (query_id, query, product_id, product_locale,
    esci_label, small_version, large_version, split) joined with
    ``shopping_queries_dataset_products.parquet`` (product_id, product_locale, product_title,
    product_brand, ...) on product id and locale. ``version`` keeps rows flagged in that column
    (the "small" task-1 subset by default); ``locale`` and ``split`` filter further.

    The table's ``text_pair`` is (query, product_title), so that models see whether the two match, and its
    ``gains`` are :data:`ESCI_GAINS` (E 1.0, S 0.1, C 0.01, I 0.0, as in the paper [1]_) of the labels present:
    ranking metrics (NDCG@k, MRR per ``query_id``) are computed on it.

    Parameters
    ----------
    examples_path : str or Path
        The examples file, ``shopping_queries_dataset_examples.parquet``.
    products_path : str or Path
        The products file, ``shopping_queries_dataset_products.parquet``.
    locale : str or None, default="us"
        Keep the rows of this ``product_locale`` (``"us"``, ``"es"``, ``"jp"``); None for all.
    version : str or None, default="small_version"
        Keep the rows flagged 1 in this column (``"small_version"``, ``"large_version"``); None (or a column the
        file lacks) for all.
    split : str or None, default=None
        Keep the rows of this ``split`` (``"train"``, ``"test"``); None for both.

    Returns
    -------
    Table
        Columns ``query_id`` (the group column), ``query``, ``product_id``, ``product_title``, ``product_brand``
        and ``product_color`` (categorical, when present) and the label ``esci_label``; named ``"esci"``. An
        example without a product row is kept and counted in the notes.

    Raises
    ------
    FileNotFoundError
        When a file does not exist.
    ColumnNotFoundError
        When a file lacks one of the columns the layout needs (the message lists the columns there are).
    DataError
        When a file cannot be read, or no row is left after the filters.

    References
    ----------
    .. [1] C. K. Reddy et al., "Shopping Queries Dataset: A Large-Scale ESCI Benchmark for Improving Product
       Search", 2022, arXiv:2206.06588.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from ecombalance.data import read_esci
    >>> folder = tempfile.TemporaryDirectory()
    >>> examples, products = Path(folder.name, "examples.parquet"), Path(folder.name, "products.parquet")
    >>> pd.DataFrame({"query_id": [1, 1, 2, 2], "query": ["usb cable", "usb cable", "tent", "tent"],
    ...               "product_id": ["B1", "B2", "B3", "B1"], "product_locale": "us",
    ...               "esci_label": ["E", "S", "E", "I"], "small_version": 1}).to_parquet(examples)
    >>> pd.DataFrame({"product_id": ["B1", "B2", "B3"], "product_locale": "us", "product_title": [
    ...     "Anker usb c cable", "Baseus usb cable", "Naturehike tent"]}).to_parquet(products)
    >>> table = read_esci(examples, products)
    >>> table.frame[["query", "product_title", "esci_label"]]
           query     product_title esci_label
    0  usb cable  Anker usb c cable          E
    1  usb cable   Baseus usb cable          S
    2       tent   Naturehike tent          E
    3       tent  Anker usb c cable          I
    >>> table.group_col, table.gains
    ('query_id', {'E': 1.0, 'S': 0.1, 'I': 0.0})
    >>> folder.cleanup()
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
                 "query_id", "esci", notes, text_pair=("query", "product_title"),
                 gains=_layout_gains(frame["esci_label"], ESCI_GAINS, str(examples_path)))


WANDS_FILES = {"product": "product.csv", "query": "query.csv", "label": "label.csv"}
# relevance gain of each WANDS label: full credit for an exact match, half for a partial one. A convention of
# this project (graded like ESCI's E/S), not taken from the WANDS paper; pass other gains to load_table if needed.
WANDS_GAINS = {"Exact": 1.0, "Partial": 0.5, "Irrelevant": 0.0}


def _layout_gains(labels: pd.Series, gains: Mapping[str, float], source: str) -> dict:
    """``gains`` of the labels present, in ``gains``' order; a label outside them is an error naming it."""
    present = checks.resolve_gains(gains, labels.dropna().unique(), source)
    return {label: present[label] for label in gains if label in present}


def read_wands(directory: str | Path) -> Table:
    """Read Wayfair's WANDS relevance data from its three tab-separated files.

    ``product.csv`` (product_id, product_name, product_class, ..., rating_count, average_rating,
    review_count), ``query.csv`` (query_id, query, query_class) and ``label.csv`` (id, query_id,
    product_id, label in Exact / Partial / Irrelevant), joined into query x product rows (the layout of the public
    release [1]_).

    The table's ``text_pair`` is (query, product_name) and its ``gains`` are :data:`WANDS_GAINS` (Exact 1.0,
    Partial 0.5, Irrelevant 0.0, this project's convention) of the labels present, for NDCG@k and MRR per query.

    Parameters
    ----------
    directory : str or Path
        The folder holding ``product.csv``, ``query.csv`` and ``label.csv``.

    Returns
    -------
    Table
        Columns ``query_id`` (the group column), ``product_id``, the label ``label``, ``query``, ``product_name``,
        ``product_class`` (categorical) and ``rating_count``, ``average_rating``, ``review_count`` (numeric), those
        of the last two kinds when present; named ``"wands"``. A label without a product row is kept and counted
        in the notes.

    Raises
    ------
    FileNotFoundError
        When one of the three files is missing (the message names them).
    ColumnNotFoundError
        When a file lacks one of the columns the layout needs.

    References
    ----------
    .. [1] Y. Chen, S. Liu, Z. Liu, W. Sun, L. Baltrunas and B. Schroeder, "WANDS: Dataset for Product Search
       Relevance Assessment", ECIR 2022.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from ecombalance.data import read_wands
    >>> folder = tempfile.TemporaryDirectory()
    >>> files = {"product": pd.DataFrame({"product_id": [1, 2], "product_name": ["oak bar stool", "velvet sofa"],
    ...                                   "product_class": ["Bar Stools", "Sofas"]}),
    ...          "query": pd.DataFrame({"query_id": [0, 1], "query": ["bar stool", "blue sofa"]}),
    ...          "label": pd.DataFrame({"id": [0, 1, 2], "query_id": [0, 0, 1], "product_id": [1, 2, 2],
    ...                                 "label": ["Exact", "Irrelevant", "Partial"]})}
    >>> for name, frame in files.items():
    ...     frame.to_csv(Path(folder.name, f"{name}.csv"), sep="\\t", index=False)
    >>> table = read_wands(folder.name)
    >>> table.frame[["query", "product_name", "label"]]
           query   product_name       label
    0  bar stool  oak bar stool       Exact
    1  bar stool    velvet sofa  Irrelevant
    2  blue sofa    velvet sofa     Partial
    >>> table.text_pair, table.gains
    (('query', 'product_name'), {'Exact': 1.0, 'Partial': 0.5, 'Irrelevant': 0.0})
    >>> folder.cleanup()
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
    return Table(frame, "label", ["query", "product_name"], numeric, categorical, "query_id", "wands", notes,
                 text_pair=("query", "product_name"), gains=_layout_gains(frame["label"], WANDS_GAINS,
                                                                         str(paths["label"])))
