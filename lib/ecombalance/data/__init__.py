"""Data: the :class:`Table`, the generated datasets, loaders for users' files and public layouts, identifier
protection and cleaning with a report.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "datasets": ["CASE_LABEL", "CASE_TEXT", "CASE_NUMERIC", "CASE_CATEGORICAL", "CASE_COUNTS", "SEARCH_LABEL", "ESCI_LABELS", "ESCI_SHARES", "ESCI_GAINS", "SEARCH_TEXT", "SEARCH_NUMERIC", "SEARCH_CATEGORICAL", "DATASETS", "documented_case", "search_log", "dirty_copy", "case_table", "search_table", "load", "load_each"],
    "loaders": ["MAX_CATEGORIES", "read_frame", "handle_rare_classes", "infer_columns", "load_table", "ESCI_EXAMPLE_COLUMNS", "ESCI_PRODUCT_COLUMNS", "read_esci", "WANDS_FILES", "read_wands"],
    "preprocess": ["CleaningReport", "robust_z", "clean", "stratified_split", "group_split", "split"],
    "privacy": ["NAME_PATTERNS", "VALUE_PATTERNS", "identifier_columns", "ProtectedColumn", "protect_identifiers"],
    "shapes": ["ShapeRoles", "long_tail_counts", "sessions", "catalogue", "product_pairs", "query_classes", "household_panel", "ROLES", "GENERATORS", "generate", "shape_table"],
    "table": ["Table"],
})
