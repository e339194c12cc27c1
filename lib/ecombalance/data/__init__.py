"""Data: the :class:`Table`, the generated datasets, loaders for users' files and public layouts, identifier
protection and cleaning with a report.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "checks": ["MAX_LISTED", "LEAK_ERROR_REDUCTION", "LEAK_MAX_ROWS", "LEAK_LOOKUP_VALUES", "HIERARCHY_PURITY", "HIERARCHY_REPEATED", "INDEX_NAME", "ID_NAME", "CAMEL_ID_NAME", "SPLIT_NAME", "FLOAT32_MAX", "CONTINUOUS_LABEL_VALUES", "TOKEN", "DATE_TEXT", "DATE_SHARE", "capped", "repeated_names", "check_header", "check_roles", "check_text_columns", "check_finite", "check_label_kind", "label_variants", "merge_label_variants", "date_columns", "check_has_features", "identifier_like", "leak_score", "hierarchy_columns", "leaking_columns", "check_groups", "resolve_gains", "esci_gains", "columns_headline", "LEAK_MARKS", "is_leak_reason"],
    "codes": ["CODE_MAX_VALUES", "CODE_WORDS", "name_words", "integer_codes", "integer_codes_note"],
    "chinese": ["LANGUAGES", "check_lang", "case_titles_zh", "SEARCH_TYPES_ZH", "SEARCH_BRANDS_ZH", "SEARCH_ADJECTIVES_ZH", "search_text_zh", "bigram_jaccard", "REVIEW_COUNTS", "reviews_zh"],
    "datasets": ["CASE_LABEL", "CASE_TEXT", "CASE_NUMERIC", "CASE_CATEGORICAL", "CASE_COUNTS", "SEARCH_LABEL", "ESCI_LABELS", "ESCI_SHARES", "SEARCH_TEXT", "SEARCH_NUMERIC", "SEARCH_CATEGORICAL", "DATASETS", "documented_case", "search_log", "dirty_copy", "case_table", "search_table", "load", "load_each"],
    "files": ["FALLBACK_ENCODINGS", "TEXT_SUFFIXES", "MAGIC", "MIXED_SHARE", "content_kind", "decode_text", "decimal_comma_columns", "read_file", "read_dataframe", "read_frame", "storable"],
    "loaders": ["MAX_CATEGORIES", "handle_rare_classes", "infer_columns", "load_table", "ESCI_EXAMPLE_COLUMNS", "ESCI_GAINS", "ESCI_PRODUCT_COLUMNS", "read_esci", "WANDS_FILES", "WANDS_GAINS", "read_wands"],
    "preprocess": ["CleaningReport", "robust_z", "clean", "subsample"],
    "privacy": ["NAME_PATTERNS", "VALUE_PATTERNS", "identifier_columns", "ProtectedColumn", "protect_identifiers"],
    "shapes": ["ShapeRoles", "long_tail_counts", "sessions", "catalogue", "product_pairs", "query_classes", "household_panel", "proportional_counts", "chinese_reviews", "ROLES", "GENERATORS", "generate", "shape_table"],
    "table": ["TEXT_ANALYZERS", "check_text_analyzer", "Table"],
})
