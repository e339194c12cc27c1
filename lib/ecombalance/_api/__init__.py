"""The front door for an analyst holding a table: :func:`load` it with the checks the report command runs,
:func:`compare` balancing methods on it honestly, and :func:`report` the notebooks on it.

>>> import ecombalance as eb
>>> from ecombalance.data import case_table
>>> frame = case_table(random_state=0).frame            # any DataFrame (or a CSV/Parquet path) with a label column
>>> t = eb.load(frame, label="category", text="title")
>>> c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=3, n_resamples=100, progress=False)
>>> c.table.index.tolist()                      # sorted by macro-F1, best first
['none+logreg', 'class_weight+logreg']
>>> print(c.best())                             # 0.846 against 0.836: not enough evidence either way
None
>>> print(c.reason)                             # each balancing method against the same model without it
Within `logreg`: Not enough evidence to separate any method from `none+logreg` on macro-F1: the smallest ...
"""


from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "tables": ["DATA_PARAMETERS", "PYTHON_WORDING", "DATA_CONSTRAINTS", "DATA_SOURCE", "DATA_OPTION_DOCS", "data_docs",
               "data_options", "data_source", "load"],
    "comparison": ["ALPHA", "Comparison", "compare"],
    "reports": ["report"],
})
