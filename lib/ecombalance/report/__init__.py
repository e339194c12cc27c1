"""The report harness: runs the notebooks with papermill, writes HTML, the index and ``summary.json``.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "cli": ["main"],
    "datacheck": ["DATA_OPTIONS", "SPLIT_NEED", "add_data_options", "parse_gains", "data_overrides", "out_dir", "data_cache", "class_size_needs", "check_table"],
    "headline": ["HEADLINE_MIME", "as_json", "record", "read"],
    "params": ["PROFILES", "COMMAND_LINE", "ParameterError", "Parameter", "declared_parameters", "check_value", "parse_cli_value", "load_yaml", "profile_path", "notebook_stem", "resolve"],
    "paths": ["notebooks_dir", "params_dir"],
    "runner": ["SUMMARY", "INDEX", "KERNEL", "ReportError", "NotebookRun", "ReportResult", "discover", "select", "execute", "plan", "run_report"],
})
