"""The labelled table every notebook works on, and what its columns are for.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

import pandas as pd

from ecombalance._validation import plain_label

TEXT_ANALYZERS = ("auto", "word", "char", "jieba")
"""How text columns become tokens (:class:`ecombalance.models._text_features.TextVectorizer`): ``"auto"``
decides per column from its share of Chinese texts; ``"word"`` scikit-learn's word tokens; ``"char"`` character
n-grams of Chinese runs (Latin words and model codes whole); ``"jieba"`` jieba's Chinese word segmentation."""


def check_text_analyzer(analyzer: str) -> str:
    """``analyzer`` when it is one of :data:`TEXT_ANALYZERS`, else a ``ValueError`` naming the valid values."""
    if analyzer not in TEXT_ANALYZERS:
        raise ValueError(f"text_analyzer must be one of {list(TEXT_ANALYZERS)}, got {analyzer!r}")
    return analyzer


@dataclass
class Table:
    """A labelled table and what its columns are for (what :func:`ecombalance.load` returns).

    Parameters
    ----------
    frame : DataFrame
        The rows, the label column included.
    label : str
        Name of the label column.
    text_cols, numeric_cols, categorical_cols : list of str
        Feature columns by kind.
    group_col : str or None, default=None
        Column whose values must not be split across train and test (e.g. ``query_id``, a household): folds and
        splits keep each group on one side; it says nothing about ranking.
    name : str, default="table"
        Where the table came from.
    notes : list of str
        What loading did to the data (merged classes, dropped rows, hashed columns), in words.
    text_pair : (str, str) or None, default=None
        Two text columns (both also in ``text_cols``) whose *match* matters, e.g. (query, product title) or two
        product records; models then also get pair features (similarities) of the two.
    gains : dict or None, default=None
        Relevance gain of each label (``{label: gain}``) when the label is graded relevance (ESCI letters, numeric
        grades); ranking metrics (NDCG@k, MRR) are computed only when it is set.
    left_out : dict of str to str
        Columns of ``frame`` that are not features although they could have been, with the reason
        (identifier-like, excluded, predicts the label alone), ``{column: why}``.
    text_analyzer : {"auto", "word", "char", "jieba"}, default="auto"
        How text columns become tokens, one of :data:`TEXT_ANALYZERS` (``"auto"``: Chinese columns get character
        n-grams, other columns scikit-learn's word tokens).

    See Also
    --------
    ecombalance.load : Build a checked table from a DataFrame or a file.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance import Table
    >>> frame = pd.DataFrame({"title": ["red shoe", "blue cup", "tent", "green shoe"], "price": [30.0, 5.0, 99.0, 35.0],
    ...                       "category": ["shoes", "kitchen", "outdoor", "shoes"]})
    >>> t = Table(frame, label="category", text_cols=["title"], numeric_cols=["price"])
    >>> t.classes, t.feature_cols, t.X.shape
    (['shoes', 'kitchen', 'outdoor'], ['title', 'price'], (4, 2))
    >>> t.subset(t.y == "shoes").frame.shape
    (2, 3)
    >>> t.roles()["role"].to_dict()
    {'title': 'text feature', 'price': 'numeric feature', 'category': 'label'}
    """

    frame: pd.DataFrame
    label: str
    text_cols: list[str] = field(default_factory=list)
    numeric_cols: list[str] = field(default_factory=list)
    categorical_cols: list[str] = field(default_factory=list)
    group_col: str | None = None
    name: str = "table"
    notes: list[str] = field(default_factory=list)
    text_pair: tuple[str, str] | None = None
    gains: dict | None = None
    left_out: dict[str, str] = field(default_factory=dict)
    text_analyzer: str = "auto"

    @property
    def feature_cols(self) -> list[str]:
        """The feature columns: text, then numeric, then categorical."""
        return [*self.text_cols, *self.numeric_cols, *self.categorical_cols]

    @property
    def X(self) -> pd.DataFrame:
        """The feature columns of :attr:`frame` (:attr:`feature_cols`)."""
        return self.frame[self.feature_cols]

    @property
    def y(self) -> pd.Series:
        """The label column."""
        return self.frame[self.label]

    @property
    def groups(self) -> pd.Series | None:
        """The group column, or None without one."""
        return self.frame[self.group_col] if self.group_col else None

    @property
    def classes(self) -> list:
        """Class labels, largest class first (plain Python values: ``True``, not ``np.True_``)."""
        return [plain_label(c) for c in self.y.value_counts(sort=True).index]

    def subset(self, index) -> "Table":
        """The same table restricted to some rows.

        Parameters
        ----------
        index : array-like of int, or Series of bool
            Row positions, or a boolean mask aligned with :attr:`frame`.

        Returns
        -------
        Table
            A new table (its notes and left-out columns copied), rows renumbered from 0.
        """
        rows = self.frame.iloc[index] if not isinstance(index, pd.Series) else self.frame[index]
        return replace(self, frame=rows.reset_index(drop=True), notes=list(self.notes), left_out=dict(self.left_out))

    def roles(self) -> pd.DataFrame:
        """Every column's role.

        Returns
        -------
        DataFrame
            One row per column of the table (the index): its ``role`` (label, text, numeric or categorical feature,
            group, not used) and, for columns left out, ``why``.
        """
        roles = {self.label: "label"}
        if self.group_col:
            roles[self.group_col] = "group (folds keep each group on one side)"
        pair = set(self.text_pair or ())
        roles.update({c: "text (pair)" if c in pair else "text feature" for c in self.text_cols})
        roles.update({c: "numeric feature" for c in self.numeric_cols})
        roles.update({c: "categorical feature" for c in self.categorical_cols})
        rows = [{"column": col, "role": roles.get(col, "not used"),
                 "why": self.left_out.get(col, "" if col in roles else "not a feature of this dataset")}
                for col in self.frame.columns]
        return pd.DataFrame(rows).set_index("column")

    def _repr_html_(self) -> str:
        """JupyterLab's view: rows and classes, every column's role (and why one is left out), and the notes."""
        counts = self.y.value_counts()
        classes = ", ".join(f"{html.escape(str(plain_label(c)))} {n:,}" for c, n in counts.head(8).items())
        more = f", … {len(counts) - 8} more" if len(counts) > 8 else ""
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes) or "<li>none</li>"
        return (f"<p><b>{html.escape(self.name)}</b>: {len(self.frame):,} rows, label "
                f"<code>{html.escape(str(self.label))}</code> with {len(counts)} classes ({classes}{more}); "
                f"imbalance ratio {counts.iloc[0] / counts.iloc[-1]:.1f}:1</p>"
                f"{self.roles().to_html(border=0)}<p>Notes:</p><ul>{notes}</ul>")
