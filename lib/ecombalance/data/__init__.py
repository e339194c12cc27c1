"""Data: the :class:`Table`, the generated datasets, loaders for users' files and public layouts, identifier
protection and cleaning with a report.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_datasets": ["documented_case", "dirty_copy", "case_table", "search_table"],
    "_search_log": ["search_log"],
    "_shapes": ["shape_table"],
    "_preprocess": ["CleaningReport", "clean", "subsample"],
    "_privacy": ["protect_identifiers"],
    "_loaders": ["read_esci", "read_wands"],
})
