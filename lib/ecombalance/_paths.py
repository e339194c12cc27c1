"""Where the library keeps its caches, for every layer.

The library reads nothing from the source checkout and writes nothing into it, nor into the installed package:
its caches are per user (:func:`user_cache_dir`), or beside a report (``ECOMBALANCE_CACHE``). Only the report
harness looks for ``notebooks/`` and ``params/`` (:mod:`ecombalance._reporting.paths`): in the checkout, else
inside the installed package.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

CACHE_ENV = "ECOMBALANCE_CACHE"


def checkout() -> Path | None:
    """The source checkout this package is imported from (``<checkout>/lib/ecombalance``: an editable install
    or ``PYTHONPATH=lib``), or None when it is installed from a wheel."""
    root = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR.parent.name == "lib" and (root / "pyproject.toml").is_file():
        return root
    return None


def user_cache_dir() -> Path:
    """The per-user cache of an installed package: ``$XDG_CACHE_HOME/ecombalance``, else
    ``~/.cache/ecombalance`` (``%LOCALAPPDATA%\\ecombalance`` on Windows). Never the current directory."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG specification ignores a relative value
        return Path(xdg) / "ecombalance"
    local = os.environ.get("LOCALAPPDATA", "")
    if sys.platform == "win32" and local:
        return Path(local) / "ecombalance"
    return Path.home() / ".cache" / "ecombalance"


def cache_dir() -> Path:
    """Caches of the library (generated test models, embeddings of the generated data): :func:`user_cache_dir`,
    whether the package is installed or imported from a checkout (never inside either)."""
    return user_cache_dir()


def data_cache_dir() -> Path:
    """Caches computed from the data being analysed (embeddings): ``ECOMBALANCE_CACHE`` when set, else
    :func:`cache_dir`. The report command sets ``ECOMBALANCE_CACHE`` to ``<out>/.cache`` for a run on a user's
    file, so that what is derived from the user's data stays beside their report, not in the project tree."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).resolve() if env else cache_dir()
