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


def cache_dir() -> Path:
    """Caches (embeddings, generated test models): ``.cache/`` in the checkout, ignored by git."""
    return project_root() / ".cache"
