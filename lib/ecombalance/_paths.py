"""Where the checkout and its caches are, for every layer (the report harness adds its own folders)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The checkout that holds ``notebooks/`` and ``params/``.

    ``ECOMBALANCE_HOME`` wins; otherwise the checkout this (editable) package was installed
    from; otherwise the current directory.
    """
    env = os.environ.get("ECOMBALANCE_HOME")
    if env:
        return Path(env).resolve()
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "notebooks").is_dir():
        return checkout
    return Path.cwd()


CACHE_ENV = "ECOMBALANCE_CACHE"


def cache_dir() -> Path:
    """Caches of the project (generated test models, embeddings of the generated data): ``.cache/`` in the
    checkout, ignored by git."""
    return project_root() / ".cache"


def data_cache_dir() -> Path:
    """Caches computed from the data being analysed (embeddings): ``ECOMBALANCE_CACHE`` when set, else
    :func:`cache_dir`. The report command sets ``ECOMBALANCE_CACHE`` to ``<out>/.cache`` for a run on a user's
    file, so that what is derived from the user's data stays beside their report, not in the project tree."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).resolve() if env else cache_dir()
