"""Data: the generated datasets (the documented case, a search log, the six shapes users bring), readers of the
public e-commerce tables, identifier protection, cleaning with a report and stratified subsampling. A user's own
table is read and checked by :func:`ecombalance.load`, which returns an :class:`ecombalance.Table`.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_datasets": ["documented_case", "search_log", "dirty_copy", "case_table", "search_table"],
    "_shapes": ["shape_table"],
    "_preprocess": ["CleaningReport", "clean", "subsample"],
    "_privacy": ["protect_identifiers"],
    "_loaders": ["read_esci", "read_wands"],
})
