"""Feature fusion: text (TF-IDF or a frozen pretrained encoder), numeric and categorical columns in one
scikit-learn ``ColumnTransformer``, fitted on training rows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from ecombalance.data.table import Table
from ecombalance.models.embeddings import SentenceEmbedder


class SkewedLog1p(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """``log1p`` on the non-negative columns whose skewness exceeds ``threshold``, chosen in ``fit``.

    scikit-learn has no transformer that decides per column from the training data whether a
    log is due (``PowerTransformer`` always transforms and rescales every column), and deciding
    outside the pipeline would look at the test rows. Missing values stay missing (impute before or after).

    Attributes
    ----------
    log_columns_ : ndarray of int
        Positions of the columns that ``transform`` takes the ``log1p`` of.
    """

    def __init__(self, threshold: float = 1.0):
        self.threshold = threshold

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=float, ensure_all_finite="allow-nan")
        skew = pd.DataFrame(X).skew().to_numpy()
        non_negative = np.where(np.isnan(X), np.inf, X).min(axis=0) >= 0  # ignoring missing values
        self.log_columns_ = np.flatnonzero(non_negative & (skew > self.threshold))
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=float, ensure_all_finite="allow-nan", copy=True, reset=False)
        X[:, self.log_columns_] = np.log1p(X[:, self.log_columns_])
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


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
      pretrained encoder (``text="embedding"``, see :mod:`ecombalance.models.finetune`);
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
