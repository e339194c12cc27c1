"""Where the report harness finds the notebooks and the parameter profiles."""

from __future__ import annotations

from pathlib import Path

from ecombalance._paths import cache_dir, project_root

__all__ = ["cache_dir", "notebooks_dir", "params_dir", "project_root"]


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def params_dir() -> Path:
    return project_root() / "params"
