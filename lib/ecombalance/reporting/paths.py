"""Where the report harness finds the notebooks and the parameter profiles.

The notebooks and ``params/`` are not part of the installed package: they live in the project's checkout.
This is the only place that falls back to the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from ecombalance._paths import checkout

__all__ = ["HOME_ENV", "notebooks_dir", "params_dir", "project_root"]

HOME_ENV = "ECOMBALANCE_HOME"


def project_root() -> Path:
    """The folder that holds ``notebooks/`` and ``params/``.

    ``ECOMBALANCE_HOME`` wins; otherwise the checkout this package is imported from (an editable
    install); otherwise the current directory.
    """
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return checkout() or Path.cwd()


def notebooks_dir() -> Path:
    """``notebooks/`` of :func:`project_root` (:func:`ecombalance.reporting.runner.discover` says when it is missing)."""
    return project_root() / "notebooks"


def params_dir() -> Path:
    """``params/`` of :func:`project_root`: the parameter profiles (``smoke``, ``quick``, ``full``)."""
    return project_root() / "params"
