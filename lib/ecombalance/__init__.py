"""ecombalance: sample balancing (样本均衡) for e-commerce search and recommendation models.

The front door, for a table you hold (a pandas DataFrame or a CSV/Parquet file)::

    import ecombalance as eb
    t = eb.load(df, label="category", text="title")   # checked as the report command checks it
    c = eb.compare(t)                                  # methods on the same folds, intervals, paired tests
    c.best()                                           # None (see c.reason) when nothing beats the baseline

- :func:`load` — the checked :class:`Table` (every column's role and the notes in JupyterLab);
- :func:`compare` — a :class:`Comparison` (``.table``, ``.per_class()``, ``.plot()``, ``.best()``);
- :func:`report` — the notebooks as an HTML report on the same table (run by the ``ecombalance`` command).
- :class:`ComparisonDisplay` — the comparison's figure as a display object (``.from_comparison(c).plot(ax=...)``);
- the exceptions of :mod:`ecombalance.exceptions` (``eb.DataError``, ``eb.InvalidParameterError``, ...).

The rest of the library is in subpackages by layer (``ecombalance.data``, ``sampling``, ``models``,
``evaluation``, ``chapters``, ``reporting``), imported on use so that ``import ecombalance`` stays light.
"""

from ecombalance._lazy import attach

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = attach(__name__, {
    "_api": ["load", "compare", "Comparison", "report"],
    "data._table": ["Table"],
    "plotting._displays": ["ComparisonDisplay"],
    "exceptions": ["DataError", "ColumnNotFoundError", "InvalidParameterError", "ParameterError", "ReportError",
                   "NotebookFailedError", "ReportInterrupted", "CompareError", "ModelNotAvailableError",
                   "SmallClassWarning"],
})
