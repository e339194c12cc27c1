"""Feature fusion: text (TF-IDF or a frozen pretrained encoder), numeric and categorical columns in one
scikit-learn ``ColumnTransformer``, fitted on training rows only; for a pair of text columns (query and title,
two product records) also how similar the two texts are (:class:`PairSimilarity`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from ecombalance.data._table import Table, check_text_analyzer
from ecombalance.models._text_features import (DEFAULT_NGRAMS, TextVectorizer, as_text, char_ngrams, jieba_words,
                                               resolve_analyzer)


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


def as_object(frame) -> np.ndarray:
    """Categorical columns as an object array with ``np.nan`` for missing values, which scikit-learn's
    imputer and encoder accept whatever pandas' string backend (pandas 3 uses Arrow)."""
    frame = pd.DataFrame(frame)
    return frame.astype(object).where(frame.notna(), np.nan).to_numpy(dtype=object)


_TOKEN = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*")  # words; model codes like "KDL-40V4100" or "2.5" stay whole


def _tokens(text: str, analyzer: str = "word") -> set[str]:
    """Lower-cased tokens with the separators inside codes removed ("KDL-40V4100" -> "kdl40v4100"): words
    for ``"word"``, else the analyzer's own tokens (1–2-character n-grams of Chinese runs, or jieba words),
    Latin words and codes whole."""
    if analyzer == "char":
        found = char_ngrams(text, DEFAULT_NGRAMS["char"])
    elif analyzer == "jieba":
        found = jieba_words(text)
    else:
        found = _TOKEN.findall(text.lower())
    return {re.sub(r"[-/.]", "", t) for t in found}


def _row_cosine(a, b) -> np.ndarray:
    """Cosine of each row of ``a`` with the same row of ``b`` (rows L2-normalised, as TF-IDF's are)."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


class PairSimilarity(TransformerMixin, BaseEstimator):
    r"""How similar two text columns are, row by row: the features that let a model see whether a query
    matches a title, or two product records describe the same product.

    Two separate TF-IDF blocks cannot express a match: a linear model on them scores each text on its own.
    These six numbers compare the two texts of a row (Christen 2012, ch. 5; the classic entity-matching
    features):

    - ``word_cosine``, ``char_cosine``: cosine similarity of the rows' token TF-IDF (word unigrams, or for
      Chinese ``analyzer``'s 1–2-character n-grams or jieba word 1–2-grams, see
      :class:`~ecombalance.models._text_features.TextVectorizer`) and character 2–4-gram TF-IDF (``char_wb``)
      vectors; both vocabularies are fitted on the training rows' texts of both columns;
    - ``token_jaccard``: :math:`|A \cap B| / |A \cup B|` of the two token sets (the same tokens: words, or for
      Chinese 1–2-character n-grams or jieba words, Latin words and codes whole);
    - ``length_ratio``: shorter / longer length in characters (0 when one text is empty);
    - ``code_jaccard``: Jaccard similarity of the tokens holding a digit (numbers, sizes, model codes, with
      hyphens and dots removed: "KDL-40V4100" = "kdl40v4100"), 0 when neither text has one;
    - ``code_conflict``: 1 when both texts have such tokens and share none (two different model numbers).

    Parameters
    ----------
    max_features : int
        Vocabulary size of each TF-IDF.
    char_ngram_range : (int, int)
        Character n-gram sizes.
    analyzer : {"auto", "word", "char", "jieba"}
        Tokenisation of ``word_cosine`` and ``token_jaccard``; ``"auto"`` decides from the training texts of
        both columns (:func:`~ecombalance.models._text_features.resolve_analyzer`): Chinese texts get
        ``"char"``, others scikit-learn's word tokens.

    Attributes
    ----------
    analyzer_ : str
        The analyzer used (``"word"``, ``"char"`` or ``"jieba"``).
    word_ : fitted :class:`~ecombalance.models._text_features.TextVectorizer`
    char_ : fitted ``TfidfVectorizer``
    """

    FEATURES = ("word_cosine", "char_cosine", "token_jaccard", "length_ratio", "code_jaccard", "code_conflict")

    def __init__(self, max_features: int = 20000, char_ngram_range: tuple[int, int] = (2, 4),
                 analyzer: str = "auto"):
        self.max_features = max_features
        self.char_ngram_range = char_ngram_range
        self.analyzer = analyzer

    def _pair(self, X) -> tuple[np.ndarray, np.ndarray]:
        frame = pd.DataFrame(X)
        if frame.shape[1] != 2:
            raise ValueError(f"PairSimilarity compares two text columns, got {frame.shape[1]}: "
                             f"{[str(c) for c in frame.columns]}")
        return as_text(frame.iloc[:, 0]), as_text(frame.iloc[:, 1])

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit both vocabularies on the two columns' training texts and return their features, tokenising each
        text once (``fit`` then ``transform`` would tokenise the training texts twice); the same numbers."""
        left, right = self._pair(X)
        self.feature_names_in_ = np.asarray([str(c) for c in pd.DataFrame(X).columns], dtype=object)
        self.n_features_in_ = 2
        texts = np.concatenate([left, right])
        self.analyzer_ = resolve_analyzer(texts, self.analyzer)
        # word unigrams as before; Chinese tokens at their analyzer's default n-grams
        self.word_ = TextVectorizer(self.analyzer_, ngram_range=(1, 1) if self.analyzer_ == "word" else None,
                                    max_features=self.max_features)
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                     sublinear_tf=True, max_features=self.max_features)
        try:
            word = self.word_.fit_transform(texts)
            char = self.char_.fit_transform(texts)
        except ValueError as error:  # every text empty or without a word
            raise ValueError(f"text pair {list(self.feature_names_in_)}: {error}; the two columns hold no words "
                             "in the training rows") from error
        n = len(left)
        return self._features(left, right, word[:n], word[n:], char[:n], char[n:])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # two text columns, not a numeric matrix
        tags.input_tags.two_d_array = False
        return tags

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "word_")
        left, right = self._pair(X)
        return self._features(left, right, self.word_.transform(left), self.word_.transform(right),
                              self.char_.transform(left), self.char_.transform(right))

    def _features(self, left, right, word_left, word_right, char_left, char_right) -> np.ndarray:
        out = np.zeros((len(left), len(self.FEATURES)))
        out[:, 0], out[:, 1] = _row_cosine(word_left, word_right), _row_cosine(char_left, char_right)
        for i, (a, b) in enumerate(zip(left, right)):
            ta, tb = _tokens(a, self.analyzer_), _tokens(b, self.analyzer_)
            out[i, 2] = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
            out[i, 3] = min(len(a), len(b)) / max(len(a), len(b)) if min(len(a), len(b)) else 0.0
            ca, cb = {t for t in ta if any(ch.isdigit() for ch in t)}, {t for t in tb if any(ch.isdigit() for ch in t)}
            out[i, 4] = len(ca & cb) / len(ca | cb) if ca | cb else 0.0
            out[i, 5] = float(bool(ca) and bool(cb) and not ca & cb)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(self.FEATURES, dtype=object)


TEXT_ENCODERS = ("tfidf", "embedding")


def make_preprocessor(tbl: Table, text: str = "tfidf", max_features: int | None = 20000,
                      ngram_range: tuple[int, int] | None = None, embedding_model: str = "all-MiniLM-L6-v2",
                      skew_threshold: float = 1.0, text_analyzer: str | None = None,
                      pair_max_features: int | None = 20000) -> ColumnTransformer:
    """Build one transformer fusing every feature source of ``tbl`` (text, numeric, categorical/behaviour).

    - text columns: TF-IDF (``text="tfidf"``) with the tokenisation ``text_analyzer`` (``"auto"`` decides per
      column: word 1–2-grams for English, 1–2-character n-grams for Chinese, see :class:`TextVectorizer`), or
      mean-pooled embeddings from a frozen pretrained encoder (``text="embedding"``, :class:`SentenceEmbedder`);
    - numeric columns (prices, ratings, counts, rates): median imputation, ``log1p`` for skewed
      non-negative columns (:class:`SkewedLog1p`), standardisation;
    - categorical columns (brand, category): most-frequent imputation, one-hot (unknown categories at
      predict time are ignored);
    - ``tbl.text_pair`` (two of the text columns whose *match* matters): also :class:`PairSimilarity` of the
      two, block ``pair`` (its own TF-IDF vocabularies of ``pair_max_features`` terms, whatever ``max_features``:
      the six similarities are the same for every model).

    Parameters
    ----------
    tbl : Table
        The table whose ``text_cols``, ``numeric_cols``, ``categorical_cols`` and ``text_pair`` are encoded.
    text : {"tfidf", "embedding"}, default="tfidf"
        How text columns are encoded: TF-IDF, or mean-pooled embeddings of ``embedding_model``.
    max_features : int or None, default=20000
        TF-IDF terms per text column, the most frequent in the training rows; None for every term. Linear models
        read every term, models that need dense input a capped vocabulary (see
        :func:`ecombalance.models._methods.vocabulary`).
    ngram_range : (int, int) or None, default=None
        TF-IDF n-gram sizes; None is the analyzer's default.
    embedding_model : str, default="all-MiniLM-L6-v2"
        The encoder of ``text="embedding"``, a model name or local directory.
    skew_threshold : float, default=1.0
        Skewness above which a non-negative numeric column gets ``log1p`` (:class:`SkewedLog1p`).
    text_analyzer : {"auto", "word", "char", "jieba"} or None, default=None
        The tokenisation of the TF-IDF; None is the table's :attr:`~ecombalance.Table.text_analyzer`.
    pair_max_features : int or None, default=20000
        Vocabulary size of each TF-IDF of the ``pair`` block.

    Returns
    -------
    sklearn.compose.ColumnTransformer
        The unfitted transformer, blocks ``text_<column>``, ``numeric``, ``categorical`` and ``pair`` (those the
        table has): fit it on training data only (inside a pipeline).

    Raises
    ------
    ValueError
        When ``text`` or ``text_analyzer`` is not a valid value, ``tbl.text_pair`` does not name two different
        text columns, or the table has no feature column.

    See Also
    --------
    pipeline : The preprocessor, a sampler and a model in one pipeline.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance import Table
    >>> from ecombalance.models import make_preprocessor
    >>> frame = pd.DataFrame({"title": ["red shoes", "blue shirt", "red shirt", "green shoes"],
    ...                       "price": [10.0, 25.0, 12.5, 300.0], "brand": ["a", "b", "a", None],
    ...                       "label": ["shoes", "shirt", "shirt", "shoes"]})
    >>> tbl = Table(frame, "label", text_cols=["title"], numeric_cols=["price"], categorical_cols=["brand"])
    >>> pre = make_preprocessor(tbl)
    >>> [name for name, _, _ in pre.transformers]
    ['text_title', 'numeric', 'categorical']
    >>> pre.fit_transform(tbl.X).shape  # 9 word 1-2-grams, 1 price, 2 brands
    (4, 12)
    """
    if text not in TEXT_ENCODERS:
        raise ValueError(f"text must be one of {list(TEXT_ENCODERS)}, got {text!r}")
    analyzer = check_text_analyzer(tbl.text_analyzer if text_analyzer is None else text_analyzer)
    parts = []
    for col in tbl.text_cols:
        if text == "tfidf":
            encoder = TextVectorizer(analyzer, ngram_range=ngram_range, max_features=max_features)
        else:
            from ecombalance.models._embeddings import SentenceEmbedder  # torch loads only when asked for

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
    if tbl.text_pair:
        pair = list(tbl.text_pair)
        if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= set(tbl.text_cols):
            raise ValueError(f"table {tbl.name!r}: text_pair {tbl.text_pair!r} must name two different text columns "
                             f"of text_cols {tbl.text_cols}")
        parts.append(("pair", PairSimilarity(max_features=pair_max_features, analyzer=analyzer), pair))
    if not parts:
        raise ValueError(f"table {tbl.name!r} has no feature columns; give text_cols or numeric columns")
    return ColumnTransformer(parts, sparse_threshold=0.3)
