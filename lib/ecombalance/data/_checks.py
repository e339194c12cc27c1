"""Checks of a user's table before anything trains on it.

:func:`ecombalance.data._loaders.load_table` runs them once per load, and the report command runs that load in
its own process before any notebook starts, so a bad table stops the run with one message. Each problem is
either an error that names the column and the fix, or a note saying what was left out and why:

- roles: the label, text, group and feature columns are distinct columns of the file;
- a repeated header (pandas would silently rename the second ``category`` to ``category.1``);
- identifier-like columns (a row number, pandas' ``Unnamed: 0`` index column, ``query_id`` when it is not the
  group) are left out of the features;
- a **leakage guard**: a column that alone predicts the label almost perfectly out of fold (another label
  column, a code of the label), or that is the label at another level of the same hierarchy (a coarser or finer
  category, :func:`hierarchy_columns`) is left out;
- a group column that is the label in another form, or has one row per group, is an error;
- a text column with no text in any row, or no word in any row, is an error;
- values no model can hold (infinite, or beyond 32-bit floats) are an error naming the column and rows;
- a label of decimal numbers (a price) is named as a quantity, not classes; label values differing only in case
  or surrounding spaces are noted (merged when asked); dates are left out as dates;
- a table left without any feature is an error (integer columns that look like codes: :mod:`.codes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import check_columns, option, plain_label
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_

MAX_LISTED = 10  # items shown in a message before "... and N more"
LEAK_ERROR_REDUCTION = 0.9  # a column that alone removes this share of the majority guess's errors is a leak
LEAK_MAX_ROWS = 10_000  # the leakage guard looks at a random sample of this many rows
LEAK_LOOKUP_VALUES = 50  # columns with at most this many values are checked by a value -> label lookup
HIERARCHY_PURITY = 0.99  # share of rows that follow a mapping between a column and the label (a hierarchy level)
HIERARCHY_REPEATED = 0.5  # a finer level: share of rows whose value occurs more than once

# names of bookkeeping columns: a saved index or row number, ids and keys, split markers
INDEX_NAME = re.compile(r"^(unnamed: ?\d+|index|level_\d+|row|row_?(id|no|num|number|index))$", re.IGNORECASE)
ID_NAME = re.compile(r"^(id|ids|uuid|guid)$|[_\s.-](id|ids|uuid|guid|key)$|^(id|uuid)[_\s.-]", re.IGNORECASE)
# productId, queryID, 商品ID, 商品编号, 序号 (not "paid", "valid")
CAMEL_ID_NAME = re.compile(r"([a-z0-9]|[^\x00-\x7f])(Id|ID|Ids|IDs)$|(编号|序号|行号)$")
SPLIT_NAME = re.compile(r"^(split|fold|subset|is_train|is_test|train_test)$", re.IGNORECASE)
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the models compute in 32-bit floats (torch, scikit-learn's trees)
CONTINUOUS_LABEL_VALUES = 20  # a label of decimal numbers with more distinct values is a quantity, not classes
# what any text analyzer needs to find a token: a letter, a digit or a Chinese character (punctuation is none)
TOKEN = re.compile(r"[^\W_]")
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
DATE_TEXT = re.compile(rf"^\s*(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}{_TIME}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}{_TIME}"
                       r"|\d{4}年\d{1,2}月\d{1,2}日.*)\s*$")
DATE_SHARE = 0.9  # a text column whose values are this share of dates holds dates


def capped(items: Iterable[Any] | Mapping[Any, Any], limit: int = MAX_LISTED) -> str:
    """``items`` as Python shows them, the first ``limit`` only, then ``... and N more``.

    A mapping is shown as a dict (``{'a': 3, 'b': 2}``), anything else as a list; numpy scalars as plain values.
    """
    if isinstance(items, Mapping):
        pairs = [(plain_label(k), plain_label(v)) for k, v in items.items()]
        text, n = repr(dict(pairs[:limit])), len(pairs)
    else:
        values = [plain_label(v) for v in items]
        text, n = repr(values[:limit]), len(values)
    return text if n <= limit else f"{text[:-1]}, ... and {n - limit} more{text[-1]}"


def repeated_names(names: Sequence[Any]) -> dict[str, list[int]]:
    """Header names given to more than one column, with their 1-based positions (empty names ignored)."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
            continue
        positions.setdefault(str(name), []).append(i)
    return {name: where for name, where in positions.items() if len(where) > 1}


def check_header(names: Sequence[Any], source: str) -> None:
    """Raise when the file's own header (before pandas renames anything) repeats a column name."""
    repeated = repeated_names(names)
    if repeated:
        where = "; ".join(f"{name!r} (columns {', '.join(map(str, pos))})"
                          for name, pos in list(repeated.items())[:MAX_LISTED])
        more = f" and {len(repeated) - MAX_LISTED} more" if len(repeated) > MAX_LISTED else ""
        raise DataError(
            f"{source}: the header repeats {where}{more}; pandas would read the second one as a new column "
            "(e.g. 'category.1'), a copy that can leak the label into the features. Rename or remove the repeated "
            "columns"
        )


def check_roles(columns: Sequence[str], label: str, text_cols: Sequence[str] = (), group_col: str | None = None,
                feature_cols: Sequence[str] = (), exclude_cols: Sequence[str] = (),
                text_pair: Sequence[str] | None = None, source: str = "table") -> None:
    """Raise unless label, text, group, feature and excluded columns are distinct columns of the table."""
    frame = pd.DataFrame(columns=list(columns))
    check_columns(frame, [label], "label", source)
    if text_pair is not None:
        pair = list(text_pair)
        if len(pair) != 2 or pair[0] == pair[1]:
            raise DataError(f"{source}: {option('text_pair')} takes two different text columns, got {pair}")
        check_columns(frame, pair, "text pair", source)
    check_columns(frame, list(text_cols), "text", source)
    if group_col:
        check_columns(frame, [group_col], "group", source)
    check_columns(frame, list(feature_cols), "feature", source)
    check_columns(frame, list(exclude_cols), "excluded", source)
    if label in text_cols:
        raise DataError(f"{source}: {label!r} is the label and cannot also be a text column ({option('text_cols')}): a "
                        "model that reads the label scores 1.000 and learns nothing; choose another text column")
    if group_col == label:
        raise DataError(f"{source}: {label!r} is the label and cannot also be the group column ({option('group_col')}):"
                        " grouped folds would put whole classes on one side, so training never sees the test's "
                        "classes; give a column such as a query or household id, or no group column")
    if group_col and group_col in text_cols:
        raise DataError(f"{source}: {group_col!r} cannot be both the group column and a text column")
    roles = {label: "the label", group_col: "the group column", **{c: "a text column" for c in text_cols}}
    for col in feature_cols:
        if col in roles:
            raise DataError(f"{source}: {option('feature_cols')} names {col!r}, already {roles[col]}; name it once")
    for col in exclude_cols:
        if col in roles or col in feature_cols:
            role = roles.get(col, f"a feature column ({option('feature_cols')})")
            raise DataError(f"{source}: {option('exclude_cols')} names {col!r}, which is {role}; a column cannot be "
                            "both used and excluded")


def check_text_columns(frame: pd.DataFrame, text_cols: Sequence[str], source: str = "table") -> None:
    """Raise when a text column has no text, or no letter, digit or Chinese character (:data:`TOKEN`), in any row
    (TF-IDF would say only 'empty vocabulary', inside a notebook)."""
    for col in text_cols:
        values = frame[col].dropna().astype(str).str.strip()
        if not (values != "").any():
            raise DataError(f"{source}: text column {col!r} is empty in every row; drop it from "
                            f"{option('text_cols')} or fill it")
        if not values.str.contains(TOKEN).any():
            examples = capped(list(dict.fromkeys(values[values != ""]))[:3], 3)
            raise DataError(f"{source}: text column {col!r} holds no word in any row (e.g. {examples}): TF-IDF finds "
                            "no token in it (no letter, digit or Chinese character); fill it with text or drop it from "
                            f"{option('text_cols')}")


def check_finite(frame: pd.DataFrame, columns: Iterable[str], source: str = "table") -> None:
    """Raise when a numeric column among ``columns`` holds infinite values or values beyond what 32-bit floats
    hold (:data:`FLOAT32_MAX`), naming the column and the first rows.

    Such a value is refused rather than clipped: it is almost always a computation gone wrong (a division by
    zero, an overflow), and any number put in its place would be a guess presented as data.
    """
    for col in columns:
        series = frame[col]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(np.isinf(values) | (np.abs(values) > FLOAT32_MAX))
        if len(bad):
            shown = ", ".join(f"row {r}: {values[r]:g}" for r in bad[:5]) + (f", ... and {len(bad) - 5} more"
                                                                              if len(bad) > 5 else "")
            raise DataError(f"{source}: column {col!r} holds {len(bad)} infinite or too large value"
                            f"{'s' if len(bad) > 1 else ''} ({shown}; rows counted from 0 below the header): the "
                            f"models compute in 32-bit floats, which end at {FLOAT32_MAX:.3g}. Fix how the column was "
                            "computed (a division by zero?), replace those values with missing ones (the notebooks impute "
                            f"them), or leave the column out with {option('exclude_cols')}")


def check_label_kind(labels: pd.Series, label: str, source: str = "table") -> None:
    """Raise when the label holds decimal numbers with more than :data:`CONTINUOUS_LABEL_VALUES` distinct values:
    a quantity (a price, a rating average) given where classes are expected."""
    values = labels.dropna()
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return
    numbers = values.to_numpy(dtype=float)
    distinct = int(values.nunique())
    if distinct > CONTINUOUS_LABEL_VALUES and bool((numbers % 1 != 0).any()):
        examples = ", ".join(f"{v:g}" for v in numbers[:3])
        raise DataError(f"{source}: label column {label!r} holds {distinct} distinct numbers with decimals (e.g. "
                        f"{examples}): a continuous quantity such as a price, not classes, and ecombalance compares "
                        "classifiers. Choose a categorical column as the label, or make classes of it first, e.g. "
                        f"frame['{label}_band'] = pd.qcut(frame['{label}'], 4).astype(str)")


def label_variants(labels: pd.Series) -> list[list[Any]]:
    """Groups of label values that differ only in case or surrounding whitespace (``'Shoes'``, ``'shoes '``),
    each most frequent first."""
    counts = labels.dropna().value_counts()
    text = [v for v in counts.index if isinstance(v, str)]
    groups: dict[str, list[Any]] = {}
    for value in text:  # in count order, so each group's first spelling is its most frequent
        groups.setdefault(value.strip().casefold(), []).append(value)
    return [members for members in groups.values() if len(members) > 1]


def merge_label_variants(frame: pd.DataFrame, label: str, merge: bool = False,
                         source: str = "table") -> tuple[pd.DataFrame, list[str]]:
    """Name (``merge=False``) or merge into its most frequent spelling each group of :func:`label_variants`:
    ``(frame, notes)``; a frame without such groups comes back as it is, without a note."""
    counts = frame[label].value_counts()
    groups = label_variants(frame[label])
    if not groups:
        return frame, []
    shown = "; ".join(" / ".join(f"{v!r} ({int(counts[v])})" for v in members) for members in groups[:MAX_LISTED])
    more = f"; ... and {len(groups) - MAX_LISTED} more" if len(groups) > MAX_LISTED else ""
    if not merge:
        return frame, [_("{source}: label values that differ only in case or surrounding spaces are separate classes: "
                         "{shown}{more}; set {merge_label_case} to merge each group into its most frequent "
                         "spelling").format(source=source, shown=shown, more=more,
                                            merge_label_case=option("merge_label_case"))]
    mapping = {v: members[0] for members in groups for v in members[1:]}
    merged = frame.copy()
    merged[label] = merged[label].astype(object).replace(mapping)
    return merged, [_("{source}: merged label values that differ only in case or surrounding spaces into their most "
                      "frequent spelling ({merge_label_case}): {shown}{more}").format(
        source=source, shown=shown, more=more, merge_label_case=option("merge_label_case"))]


def date_columns(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, str]:
    """Columns among ``columns`` that hold dates or times (a datetime type, or text of which :data:`DATE_SHARE`
    reads as dates, :data:`DATE_TEXT`), with the reason they are no feature as they are."""
    found = {}
    for col in columns:
        series = frame[col]
        values = series.dropna()
        if values.empty:
            continue
        if pd.api.types.is_datetime64_any_dtype(series) or isinstance(series.dtype, pd.PeriodDtype):
            examples = [str(values.min()), str(values.max())]
        elif pd.api.types.is_string_dtype(series) or series.dtype == object:
            text = values.astype(str)
            if text.str.match(DATE_TEXT).mean() < DATE_SHARE:
                continue
            examples = [text.iloc[0], text.iloc[-1]]
        else:
            continue
        found[col] = _("dates or times (e.g. {first}, {last}): no feature as they are; derive numbers from them in "
                       "columns of their own (day of week, month, days since) to use them").format(
            first=repr(examples[0]), last=repr(examples[1]))
    return found


def check_has_features(features: Sequence[str], left_out: Mapping[str, str], source: str = "table") -> None:
    """Raise when no column is left to learn from, naming what was left out and why."""
    if features:
        return
    reasons = "; ".join(f"{c!r}: {why}" for c, why in list(left_out.items())[:3])
    listed = f"every other column was left out ({reasons}{'; ...' if len(left_out) > 3 else ''})" if left_out \
        else "the table holds only the label"
    raise DataError(f"{source}: no column is left to learn from: {listed}. Name the text columns "
                    f"({option('text_cols')}), or the columns to use anyway ({option('feature_cols')})")


def identifier_like(frame: pd.DataFrame, columns: Iterable[str], group_col: str | None = None) -> dict[str, str]:
    """Columns that identify rows rather than describe them, with the reason, among ``columns``.

    A column is identifier-like when its name marks a saved index (``Unnamed: 0``, ``row_id``), an id
    (``query_id``, ``productId``) or a split (``split``, ``fold``), or when it holds a different integer in every
    row (row numbers, or random ids), or a different string in every row.
    """
    found = {}
    n = len(frame)
    for col in columns:
        name = str(col)
        series = frame[col]
        if INDEX_NAME.search(name):
            found[col] = _("its name marks a saved index or row number; name it in {feature_cols} to use it").format(
                feature_cols=option("feature_cols"))
            continue
        if ID_NAME.search(name) or CAMEL_ID_NAME.search(name):
            found[col] = (_("its name marks an id; name it in {feature_cols} to use it") if group_col else
                          _("its name marks an id; name it in {feature_cols} to use it, or make it the {group_col} if "
                            "rows sharing a value must stay together")).format(feature_cols=option("feature_cols"),
                                                                                group_col=option("group_col"))
            continue
        if SPLIT_NAME.search(name):
            found[col] = _("its name marks a train/test split or fold, not a property of the row; name it in "
                           "{feature_cols} to use it").format(feature_cols=option("feature_cols"))
            continue
        values = series.dropna()
        if n < 10 or len(values) < n or not values.is_unique:
            continue
        if pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if int(values.max()) - int(values.min()) + 1 == n:
                found[col] = _("its values number the rows (all distinct, a run of consecutive integers)")
            else:
                found[col] = _("a different integer in every row: an identifier (name it in {feature_cols} to use "
                               "it as a number)").format(feature_cols=option("feature_cols"))
        elif pd.api.types.is_string_dtype(values) or values.dtype == object:
            found[col] = _("a different value in every row: an identifier (name it in {text_cols} if it is "
                           "text)").format(text_cols=option("text_cols"))
    return found


def _lookup_predictions(x: pd.Series, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Out of fold, each row gets the most frequent label of its value in the other folds."""
    keys = x.astype("object").where(x.notna(), "__missing__").astype(str).to_numpy()
    pred = np.empty(len(y), dtype=y.dtype)
    for k in np.unique(folds):
        test, train = folds == k, folds != k
        counts = pd.crosstab(keys[train], y[train])
        majority = pd.Series(y[train]).mode().iloc[0]
        best = counts.idxmax(axis=1)
        pred[test] = pd.Series(keys[test]).map(best).fillna(majority).to_numpy()
    return pred


def _tree_predictions(x: pd.Series, y: np.ndarray, folds: np.ndarray, random_state: int) -> np.ndarray:
    from sklearn.tree import DecisionTreeClassifier

    values = pd.to_numeric(x, errors="coerce").to_numpy(dtype=float).reshape(-1, 1)
    pred = np.empty(len(y), dtype=y.dtype)
    for k in np.unique(folds):
        test, train = folds == k, folds != k
        leaves = min(max(4 * len(np.unique(y[train])), 16), 256)
        tree = DecisionTreeClassifier(min_samples_leaf=5, max_leaf_nodes=leaves, random_state=random_state)
        tree.fit(values[train], y[train])
        pred[test] = tree.predict(values[test])
    return pred


def leak_score(x: pd.Series, y: pd.Series, n_splits: int = 3, random_state: int = 0) -> tuple[float, float]:
    """How well column ``x`` alone predicts ``y`` out of fold: ``(accuracy, majority share)``.

    Columns with at most ``LEAK_LOOKUP_VALUES`` values predict by a value -> most frequent label lookup learnt on
    the other folds (what a one-to-one mapping onto the label gives away); numeric columns with more values by
    a decision tree on that one column. Rows are assigned to ``n_splits`` random folds.
    """
    labels = y.astype(str).to_numpy()
    folds = np.random.default_rng(random_state).integers(0, n_splits, len(labels))
    numeric = pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x)
    if numeric and x.nunique() > LEAK_LOOKUP_VALUES:
        pred = _tree_predictions(x, labels, folds, random_state)
    else:
        pred = _lookup_predictions(x, labels, folds)
    majority = pd.Series(labels).value_counts(normalize=True).iloc[0]
    return float((pred == labels).mean()), float(majority)


def _purity(keys: pd.Series, of: pd.Series) -> float:
    """Share of rows whose ``of`` value is the most frequent one among the rows with the same ``keys`` value."""
    counts = pd.crosstab(keys, of)
    return float(counts.max(axis=1).sum() / counts.to_numpy().sum())


def hierarchy_columns(frame: pd.DataFrame, label: str, columns: Iterable[str]) -> dict[str, str]:
    """Columns among ``columns`` that are the label at another level of the same hierarchy, with the evidence.

    - a **coarser level** (a department above the category): fewer values than the label has classes (and at
      least two; the label has more than two classes), and each class falls under one value, for at least
      :data:`HIERARCHY_PURITY` of the rows;
    - a **finer level** (an article type below the category): more values than the label has classes, each
      value under one class for at least :data:`HIERARCHY_PURITY` of the rows, and values that repeat (rows
      whose value occurs more than once are at least :data:`HIERARCHY_REPEATED` of the table; a column of
      distinct values is an identifier, not a level).

    Sibling label columns come with the label in the same catalogue export and are set together with it; a model
    given one learns the hierarchy's bookkeeping and reports a score (plain accuracy 0.99) that no new item, which
    arrives without its categories, will see. The out-of-fold check of :func:`leaking_columns` misses a coarser
    level, which alone predicts the label only in part.
    """
    keys = frame[label].astype(str)
    classes = keys.nunique()
    found = {}
    for col in columns:
        values = frame[col].astype("object").where(frame[col].notna(), "__missing__").astype(str)
        n_values = values.nunique()
        if n_values < 2:
            continue
        if 2 < classes and n_values < classes:
            purity = _purity(keys, values)
            if purity >= HIERARCHY_PURITY:
                found[col] = _("the label in another form: a coarser level of {label} (each of its {classes} classes "
                               "falls under one of the {n_values} values of {column} in {purity:.1%} of the rows), set "
                               "together with the label, unknown for a new item").format(
                    label=repr(label), classes=classes, n_values=n_values, column=repr(col), purity=purity)
                continue
        if n_values > classes:
            repeated = float(values.duplicated(keep=False).mean())
            purity = _purity(values, keys)
            if repeated >= HIERARCHY_REPEATED and purity >= HIERARCHY_PURITY:
                found[col] = _("the label in another form: a finer level of {label} (each of the {n_values} values "
                               "of {column} falls under one class in {purity:.1%} of the rows), set together with the "
                               "label, unknown for a new item").format(
                    label=repr(label), n_values=n_values, column=repr(col), purity=purity)
    return found


def leaking_columns(frame: pd.DataFrame, label: str, columns: Iterable[str], random_state: int = 0) -> dict[str, str]:
    """Columns among ``columns`` that are the label in another form, with the evidence: a coarser or finer level
    of the same hierarchy (:func:`hierarchy_columns`), or a column that alone predicts ``label`` almost perfectly
    out of fold.

    A column is a leak when, used alone (:func:`leak_score`), it removes at least ``LEAK_ERROR_REDUCTION`` of
    the errors of always guessing the majority class: ``(accuracy - majority) / (1 - majority) >= 0.9``.
    Such a column is usually the label in another form (a finer category, a code of it, a copy), and a model
    given it reports a score nobody will see in production.
    """
    columns = list(columns)
    sample = frame if len(frame) <= LEAK_MAX_ROWS else frame.sample(LEAK_MAX_ROWS, random_state=random_state)
    y = sample[label]
    found = {}
    for col in columns:
        accuracy, majority = leak_score(sample[col], y, random_state=random_state)
        if majority < 1 and (accuracy - majority) / (1 - majority) >= LEAK_ERROR_REDUCTION:
            found[col] = _("alone it predicts {label} out of fold with accuracy {accuracy:.3f} where always guessing "
                           "the largest class gives {majority:.3f}: probably the label in another form").format(
                label=repr(label), accuracy=accuracy, majority=majority)
    return {**found, **hierarchy_columns(frame, label, [c for c in columns if c not in found])}


def check_groups(frame: pd.DataFrame, label: str, group_col: str, n_splits: int | None = None,
                 source: str = "table") -> list[str]:
    """Raise when ``group_col`` cannot give grouped folds; return notes on what it does to the folds.

    Errors: missing group values, one row per group (grouping changes nothing: an id column?), groups that
    are the classes themselves (each group one class and each class one group), fewer groups than folds.
    """
    groups = frame[group_col]
    missing = int(groups.isna().sum())
    if missing:
        raise DataError(f"{source}: group column {group_col!r} is empty in {missing} rows; fill them (each row "
                        f"needs a group) or leave {option('group_col')} out")
    n_groups = groups.nunique()
    if n_groups == len(frame):
        raise DataError(f"{source}: group column {group_col!r} has one row per group ({n_groups} groups for "
                        f"{len(frame)} rows), so grouped folds are plain folds; it looks like a row id: leave "
                        f"{option('group_col')} out, or give the column whose rows stay together (a query, a user)")
    per_group = frame.groupby(group_col, observed=True)[label].nunique()
    per_class = frame.groupby(label, observed=True)[group_col].nunique()
    if per_group.max() == 1 and per_class.max() == 1:
        raise DataError(f"{source}: group column {group_col!r} is the label {label!r} in another form (each group "
                        "holds one class and each class one group): grouped folds would test on classes that "
                        "training never saw; give another group column or none")
    if n_splits and n_groups < n_splits:
        raise DataError(f"{source}: group column {group_col!r} has {n_groups} groups, fewer than the {n_splits} "
                        "folds need; use fewer folds or another group column")
    single = per_class[per_class < 2]
    if not single.empty:
        return [_("{source}: classes {classes} occur in one group of {group} only; grouped folds test them on a "
                  "model that never saw them").format(source=source, classes=capped(list(single.index)),
                                                      group=repr(group_col))]
    return []


def resolve_gains(gains: Mapping[Any, Any] | None, labels: Iterable[Any], source: str = "table") -> dict | None:
    """``{label: gain}`` keyed by the label values themselves (``gains`` may key them as strings).

    Raises when a gain is not a number or a class has none.
    """
    if gains is None or (isinstance(gains, Mapping) and not gains):
        return None
    if not isinstance(gains, Mapping):
        raise DataError(f"{option('gains')} must map each label to a number, e.g. {{E: 1.0, S: 0.1, C: 0.01, I: 0}}; "
                        f"got {gains!r}")
    by_text = {str(k): v for k, v in gains.items()}
    resolved, missing = {}, []
    for lab in labels:
        lab = plain_label(lab)
        value = gains.get(lab, by_text.get(str(lab)))
        if value is None:
            missing.append(lab)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise DataError(f"{option('gains')}: the gain of {lab!r} must be a number, got {value!r}")
        resolved[lab] = float(value)
    if missing:
        raise DataError(f"{source}: classes {capped(missing)} have no gain in the gains {dict(gains)}; give every "
                        "class one (a merged 'other' class too)")
    return resolved


def esci_gains(labels: Iterable[Any], gains: Mapping[str, float]) -> dict | None:
    """The ESCI ``gains`` ({"E": 1.0, ...}) of the labels present, when every label is one of their letters;
    else None."""
    values = {plain_label(v) for v in labels}
    if not values or not values <= set(gains):
        return None
    return {v: float(gains[v]) for v in gains if v in values}


LEAK_MARKS = (N_("out of fold"), N_("the label in another form"))
"""Words every reason of :func:`leaking_columns` holds (in English, or as the current language writes them)."""


def is_leak_reason(why: str) -> bool:
    """Whether a column was left out because it leaks the label (:func:`leaking_columns`), from its reason."""
    return any(mark in why or _(mark) in why for mark in LEAK_MARKS)


def columns_headline(tbl: Table) -> dict[str, Any]:
    """For the report index: the features used and the columns left out (by name)."""
    return {"features": ", ".join(map(str, tbl.feature_cols)),
            "columns_left_out": ", ".join(map(str, tbl.left_out)) or "none",
            "leaking_columns": ", ".join(c for c, why in tbl.left_out.items() if is_leak_reason(why)) or "none"}
