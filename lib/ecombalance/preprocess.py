"""Preprocessing: cleaning with a report, feature engineering and fusion, leakage-safe splits.

- :func:`clean` removes exact and near-duplicate rows, rows without a label and constant or empty
  columns, counts missing values and outliers, and returns a :class:`CleaningReport` saying what it
  removed and why: nothing is dropped silently.
- :func:`make_preprocessor` fuses text (TF-IDF or pretrained embeddings), numeric (imputed, log for
  skewed counts, scaled) and categorical (one-hot) features in one scikit-learn ``ColumnTransformer``.
  Like any transformer it must be fitted on training data only: put it in a pipeline.
- :func:`stratified_split` and :func:`group_split` keep the class distribution, or keep each query on
  one side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from .datasets import Table
from .privacy import protect_identifiers

# ---------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------


@dataclass
class CleaningReport:
    """What :func:`clean` did. ``removed_rows`` maps a reason to a row count; ``removed_columns``
    maps a column to the reason; ``missing`` and ``outliers`` count cells per column."""

    rows_in: int
    rows_out: int = 0
    removed_rows: dict[str, int] = field(default_factory=dict)
    removed_columns: dict[str, str] = field(default_factory=dict)
    hashed_columns: dict[str, str] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    outliers: dict[str, int] = field(default_factory=dict)
    outlier_action: str = "report"

    def as_frame(self) -> pd.DataFrame:
        """One row per action: what, where, how many, why."""
        rows = [("rows removed", reason, n, "") for reason, n in self.removed_rows.items()]
        rows += [("column removed", col, 1, why) for col, why in self.removed_columns.items()]
        rows += [("column protected", col, 1, why) for col, why in self.hashed_columns.items()]
        rows += [("missing values", col, n, "imputed inside the pipeline, fitted on training data")
                 for col, n in self.missing.items() if n]
        outlier_what = {"report": "counted, kept", "clip": "clipped to the fences", "drop": "rows removed"}
        rows += [("outliers (robust z > 5)", col, n, outlier_what[self.outlier_action])
                 for col, n in self.outliers.items() if n]
        return pd.DataFrame(rows, columns=["action", "where", "count", "note"])

    def __str__(self) -> str:
        removed = sum(self.removed_rows.values())
        return (f"{self.rows_in} rows in, {self.rows_out} out ({removed} removed: {self.removed_rows}); "
                f"columns removed: {self.removed_columns or 'none'}")


def _normalise_text(series: pd.Series) -> pd.Series:
    text = series.fillna("").astype(str).str.lower()
    return text.str.replace(r"[^\w\s]", " ", regex=True).str.split().str.join(" ")


def robust_z(values: pd.Series) -> pd.Series:
    """|x − median| / (1.4826 · MAD): a z-score that outliers themselves cannot inflate.

    Skewed non-negative columns (counts, prices: skewness > 1) are scored on ``log1p`` so that
    their long but natural tail is not flagged.
    """
    if values.min() >= 0 and values.skew() > 1:
        values = np.log1p(values)
    median = values.median()
    mad = (values - median).abs().median() * 1.4826
    if not mad or np.isnan(mad):
        return pd.Series(0.0, index=values.index)
    return (values - median).abs() / mad


def clean(tbl: Table, near_duplicates: bool = True, outliers: str = "report", z_threshold: float = 5.0,
          identifiers: str = "hash") -> tuple[Table, CleaningReport]:
    """Clean a table and report every change.

    Steps, in order: protect identifier columns (hash or drop); drop rows without a label; drop
    constant and empty feature columns; drop exact duplicate rows; drop near-duplicates (same
    label, same text after lower-casing and removing punctuation, same numeric and categorical values)
    when ``near_duplicates``; count missing values (imputation happens in the pipeline, on training
    data); find numeric outliers by robust z-score and ``"report"`` them, ``"clip"`` them to the
    fence or ``"drop"`` their rows.

    Duplicates are removed before any split on purpose: a row in both train and test inflates scores.
    """
    if outliers not in ("report", "clip", "drop"):
        raise ValueError(f"outliers must be 'report', 'clip' or 'drop', got {outliers!r}")
    frame = tbl.frame.copy()
    report = CleaningReport(rows_in=len(frame), outlier_action=outliers)

    frame, notes = protect_identifiers(frame, keep=[tbl.label, *tbl.text_cols, tbl.group_col or ""],
                                       action=identifiers)
    for note in notes:
        col, what = re.match(r"column '(.+?)' (.+)", note).groups()
        report.hashed_columns[col] = what
    if identifiers == "drop":
        dropped = [c for c in report.hashed_columns]
        report.removed_columns.update({c: "direct identifier" for c in dropped})

    unlabelled = frame[tbl.label].isna()
    if unlabelled.any():
        report.removed_rows["no label"] = int(unlabelled.sum())
        frame = frame[~unlabelled]

    features = [c for c in tbl.feature_cols if c in frame.columns]
    for col in features:
        if frame[col].isna().all():
            report.removed_columns[col] = "empty (every value missing)"
        elif frame[col].nunique(dropna=False) == 1:
            report.removed_columns[col] = f"constant ({frame[col].tolist()[0]!r} in every row)"
    frame = frame.drop(columns=[c for c in report.removed_columns if c in frame.columns])
    text, numeric, categorical = ([c for c in cols if c in frame.columns]
                                  for cols in (tbl.text_cols, tbl.numeric_cols, tbl.categorical_cols))

    exact = frame.duplicated(keep="first")
    if exact.any():
        report.removed_rows["exact duplicate"] = int(exact.sum())
        frame = frame[~exact]
    if near_duplicates and text:
        key = pd.concat([_normalise_text(frame[c]) for c in text]
                        + [frame[c].round(2) if c in numeric else frame[c] for c in numeric + categorical]
                        + [frame[tbl.label]], axis=1)
        near = key.duplicated(keep="first")
        if near.any():
            report.removed_rows["near duplicate (same text up to case/punctuation)"] = int(near.sum())
            frame = frame[~near]

    report.missing = {c: int(frame[c].isna().sum()) for c in text + numeric + categorical}
    for col in numeric:
        flagged = robust_z(frame[col].astype(float)) > z_threshold
        report.outliers[col] = int(flagged.sum())
        if outliers == "clip" and flagged.any():
            inside = frame.loc[~flagged & frame[col].notna(), col]
            frame[col] = frame[col].clip(inside.min(), inside.max())
        elif outliers == "drop" and flagged.any():
            report.removed_rows[f"outlier in {col}"] = int(flagged.sum())
            frame = frame[~flagged]
    frame = frame.reset_index(drop=True)
    report.rows_out = len(frame)
    cleaned = replace(tbl, frame=frame, text_cols=text, numeric_cols=numeric, categorical_cols=categorical,
                      notes=[*tbl.notes, str(report)])
    return cleaned, report


# ---------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------


class SkewedLog1p(BaseEstimator, TransformerMixin):
    """``log1p`` on the non-negative columns whose skewness exceeds ``threshold``, chosen in ``fit``.

    scikit-learn has no transformer that decides per column from the training data whether a
    log is due (``PowerTransformer`` always transforms and rescales every column), and deciding
    outside the pipeline would look at the test rows.
    """

    def __init__(self, threshold: float = 1.0):
        self.threshold = threshold

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        skew = pd.DataFrame(X).skew().to_numpy()
        self.log_columns_ = np.flatnonzero((np.nanmin(X, axis=0) >= 0) & (skew > self.threshold))
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = np.array(X, dtype=float, copy=True)
        X[:, self.log_columns_] = np.log1p(X[:, self.log_columns_])
        return X

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features if input_features is not None else
                          [f"x{i}" for i in range(self.n_features_in_)], dtype=object)


def as_text(column) -> np.ndarray:
    """A text column as plain Python strings, missing values as empty strings."""
    series = pd.Series(np.asarray(column).ravel()) if not isinstance(column, pd.Series) else column
    return series.fillna("").astype(str).to_numpy(dtype=object)


def as_object(frame) -> np.ndarray:
    """Categorical columns as an object array with ``np.nan`` for missing values, which scikit-learn's
    imputer and encoder accept whatever pandas' string backend (pandas 3 uses Arrow)."""
    frame = pd.DataFrame(frame)
    return frame.astype(object).where(frame.notna(), np.nan).to_numpy(dtype=object)


TEXT_ENCODERS = ("tfidf", "embedding")


def make_preprocessor(tbl: Table, text: str = "tfidf", max_features: int = 20000,
                      ngram_range: tuple[int, int] = (1, 2), embedding_model: str = "all-MiniLM-L6-v2",
                      skew_threshold: float = 1.0) -> ColumnTransformer:
    """One transformer fusing every feature source of ``tbl`` (text + numeric + categorical/behaviour).

    - text columns: TF-IDF on word 1–2-grams (``text="tfidf"``), or mean-pooled embeddings from a
      pretrained encoder (``text="embedding"``, see :mod:`ecombalance.finetune`);
    - numeric columns (prices, ratings, counts, rates): median imputation, ``log1p`` for skewed
      non-negative columns (:class:`SkewedLog1p`), standardisation;
    - categorical columns (brand, category): most-frequent imputation, one-hot (unknown categories at
      predict time are ignored).

    Returns an unfitted ``ColumnTransformer``: fit it on training data only (inside a pipeline).
    """
    if text not in TEXT_ENCODERS:
        raise ValueError(f"text must be one of {list(TEXT_ENCODERS)}, got {text!r}")
    parts = []
    for col in tbl.text_cols:
        if text == "tfidf":
            encoder = TfidfVectorizer(ngram_range=tuple(ngram_range), max_features=max_features,
                                      sublinear_tf=True, min_df=1)
        else:
            from .finetune import SentenceEmbedder

            encoder = SentenceEmbedder(model_name=embedding_model)
        parts.append((f"text_{col}", make_pipeline(FunctionTransformer(as_text), encoder), col))
    if tbl.numeric_cols:
        parts.append(("numeric", make_pipeline(SimpleImputer(strategy="median"),
                                               SkewedLog1p(skew_threshold), StandardScaler()),
                      list(tbl.numeric_cols)))
    if tbl.categorical_cols:
        parts.append(("categorical", make_pipeline(
            FunctionTransformer(as_object, feature_names_out="one-to-one"),
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore")), list(tbl.categorical_cols)))
    if not parts:
        raise ValueError(f"table {tbl.name!r} has no feature columns; give text_cols or numeric columns")
    return ColumnTransformer(parts, sparse_threshold=0.3)


# ---------------------------------------------------------------------------------------------
# Splits
# ---------------------------------------------------------------------------------------------


def stratified_split(tbl: Table, test_size: float = 0.25, seed: int = 0) -> tuple[Table, Table]:
    """Train and test tables that keep the class distribution (stratified on the label)."""
    train_idx, test_idx = train_test_split(np.arange(len(tbl.frame)), test_size=test_size,
                                           stratify=tbl.y, random_state=seed)
    return tbl.subset(np.sort(train_idx)), tbl.subset(np.sort(test_idx))


def group_split(tbl: Table, test_size: float = 0.25, seed: int = 0) -> tuple[Table, Table]:
    """Train and test tables with every group (query) on one side only."""
    if not tbl.group_col:
        raise ValueError(f"table {tbl.name!r} has no group column; pass group_col (e.g. 'query_id')")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train_idx, test_idx = next(splitter.split(tbl.frame, groups=tbl.groups))
    return tbl.subset(np.sort(train_idx)), tbl.subset(np.sort(test_idx))


def split(tbl: Table, test_size: float = 0.25, seed: int = 0) -> tuple[Table, Table]:
    """Grouped when the table has a group column, stratified otherwise."""
    return group_split(tbl, test_size, seed) if tbl.group_col else stratified_split(tbl, test_size, seed)


# ---------------------------------------------------------------------------------------------
# What goes wrong when the preprocessing is fitted before the split
# ---------------------------------------------------------------------------------------------


def fit_before_split_effects(tbl: Table, test_size: float = 0.25, seed: int = 0) -> dict[str, float]:
    """Fit the preprocessor on all rows (wrong) and on the training rows only (right), and measure
    what the wrong way lets through from the test rows.

    Returns the number of TF-IDF terms that occur only in test rows but enter the vocabulary, how far
    the test rows' standardised numeric columns sit from mean 0 / sd 1 either way (fitted on all
    rows they are forced towards 0 / 1 by their own statistics), and the largest shift of a scaler
    mean caused by seeing the test rows.
    """
    train, test = split(tbl, test_size, seed)
    right = make_preprocessor(tbl).fit(train.X)
    wrong = make_preprocessor(tbl).fit(tbl.X)
    result: dict[str, float] = {"train_rows": len(train.frame), "test_rows": len(test.frame)}
    if tbl.text_cols:
        step = f"text_{tbl.text_cols[0]}"
        vocabularies = [set(ct.named_transformers_[step][-1].vocabulary_) for ct in (right, wrong)]
        result["test_only_terms_in_vocabulary"] = len(vocabularies[1] - vocabularies[0])
    if tbl.numeric_cols:
        numeric = [ct.named_transformers_["numeric"] for ct in (right, wrong)]
        test_means = [np.abs(n.transform(test.frame[tbl.numeric_cols]).mean(axis=0)).mean() for n in numeric]
        result["test_mean_abs_when_fit_on_train"] = float(test_means[0])
        result["test_mean_abs_when_fit_on_all"] = float(test_means[1])
        result["largest_scaler_mean_shift"] = float(np.abs(numeric[0][-1].mean_ - numeric[1][-1].mean_).max())
    return result
