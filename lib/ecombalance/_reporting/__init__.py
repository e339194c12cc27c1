"""The report harness: runs the notebooks with papermill, writes HTML, the index and ``summary.json``.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "cli": ["main"],
    "compare": ["load_summary", "differences", "differing_parameters", "compare_html", "is_comparison_page", "write_comparison"],
    "edition": ["EDITIONS", "HTML_LANG", "TRANSLATIONS_DIR", "INJECTED_ID", "translations_path", "edition_of", "read_translations", "edition_parameters", "switch", "html_lang", "page_in", "note", "edition_notebook", "editions", "dumps", "chinese_share"],
    "datacheck": ["DATA_OPTIONS", "TEXT_OPTIONS", "SPLIT_NEED", "add_data_options", "parse_gains", "data_overrides", "out_dir", "PREPARED_DIR", "prepared_name", "write_prepared", "data_cache", "APPLIES", "not_applicable", "GENERATED", "YOURS", "data_kind", "class_size_needs", "check_table"],
    "executive": ["TOP", "MAX_LISTED", "parts_of", "family_of", "rebalances", "comparison_kind", "method_rows", "is_number", "difference", "method_verdicts", "claims", "executive_data", "executive_html"],
    "headline": ["HEADLINE_MIME", "CONCLUSIONS_MIME", "KEY_FIGURE_TAG", "as_json", "record", "conclude", "read", "read_title", "read_key_figure", "read_conclusions"],
    "index": ["STYLE", "esc", "fmt", "markdown_html", "mathjax_script", "page", "method_table", "numbers_table", "data_source", "index_html", "GLOSSARY_FILE", "glossary_html", "NOT_APPLICABLE", "GENERATED_NOTE", "badge_class"],
    "labels": ["METRICS", "QUALIFIERS", "WORDS", "PHRASES", "label", "number", "sentences", "listing"],
    "mathjax": ["MATHJAX_DIR", "MATHJAX_PACKAGE", "MATHJAX_CONFIG", "mathjax_source", "install_mathjax"],
    "pagecheck": ["MAX_DECIMALS", "is_progress_line", "strip_progress", "round_table_cells", "problems"],
    "params": ["PROFILES", "METHOD_PARAMETERS", "COMMAND_LINE", "PARAMETERS", "FLAGS", "COMMAND_LINE_WORDING", "Parameter", "declared_parameters", "check_value", "parse_cli_value", "load_yaml", "profile_path", "notebook_stem", "resolve", "method_names"],
    "outdir": ["MANIFEST", "LOCK", "PYTHON_WORDS", "COMMAND_WORDS", "REPORT_FILES", "NOTEBOOK_SUFFIXES", "STALE_UNREADABLE_LOCK_S", "planned_names", "Manifest", "check_out", "check_clashes", "live_lock", "locked", "write_atomic"],
    "paths": ["HOME_ENV", "SUITE_FOLDERS", "packaged_suite", "project_root", "notebooks_dir", "params_dir", "default_out", "copy_suite"],
    "runner": ["SUMMARY", "INDEX", "KERNEL", "NotebookRun", "ReportResult", "discover", "select", "kernel_options", "kernel_environment", "without_progress", "execute", "plan", "run_report", "FINISHED", "not_applicable_run"],
})
