"""Where the report harness finds the notebooks and the parameter profiles, and where a report goes by default.

A checkout keeps ``notebooks/`` and ``params/`` at its top; a wheel carries copies of them inside the package
(``ecombalance/_suite/``, laid out as in the checkout, written by the build: ``setup.py``). ``ECOMBALANCE_HOME``
wins over both. :func:`copy_suite` writes the same layout into a folder of the user's (``ecombalance notebooks
DIR``), to open in JupyterLab or to run as a report with ``ECOMBALANCE_HOME=DIR``; ``--lang zh`` writes the Chinese
edition of the notebooks there (:mod:`ecombalance._reporting.edition`), built from the English ones and
``notebooks/zh/*.po``, their translations.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ecombalance import _paths
from ecombalance.exceptions import ReportError

__all__ = ["HOME_ENV", "SUITE_FOLDERS", "packaged_suite", "project_root", "notebooks_dir", "params_dir",
           "default_out", "copy_suite"]

HOME_ENV = "ECOMBALANCE_HOME"
# the folders of a project root the report reads, and the files of each (as the wheel carries them)
SUITE_FOLDERS = {"notebooks": "[0-9][0-9]_*.ipynb", "notebooks/zh": "*.po", "params": "*.yaml",
                 "benchmarks/results": "resampling.json"}


def packaged_suite() -> Path | None:
    """The notebooks and profiles inside an installed package (``ecombalance/_suite``), or None (a checkout, or
    a package built without them)."""
    suite = _paths.PACKAGE_DIR / "_suite"
    return suite if (suite / "notebooks").is_dir() else None


def project_root() -> Path:
    """The folder that holds ``notebooks/`` and ``params/``.

    ``ECOMBALANCE_HOME`` wins; otherwise the checkout this package is imported from (an editable install or
    ``PYTHONPATH=lib``); otherwise the copies inside the installed package (:func:`packaged_suite`); otherwise the
    current directory.
    """
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return _paths.checkout() or packaged_suite() or Path.cwd()


def notebooks_dir() -> Path:
    """``notebooks/`` of :func:`project_root` (:func:`ecombalance._reporting.runner.discover` says when it is missing)."""
    return project_root() / "notebooks"


def params_dir() -> Path:
    """``params/`` of :func:`project_root`: the parameter profiles (``smoke``, ``quick``, ``full``)."""
    return project_root() / "params"


def default_out(profile: str, edition: str = "en") -> Path:
    """Where a report goes when no folder is given: ``reports/<profile>`` under the current folder (never inside
    the installed package); ``reports/<profile>-zh`` for the Chinese edition, so that it never replaces the English
    report."""
    return Path.cwd() / "reports" / (profile if edition == "en" else f"{profile}-{edition}")


def copy_suite(target: str | Path, source: str | Path | None = None, edition: str = "en") -> list[Path]:
    """Copy the notebooks (with their translations), the parameter profiles and the benchmark table notebook 03
    reads into ``target``, laid out as in the project (``target/notebooks/``, ``target/notebooks/zh/``,
    ``target/params/``, ``target/benchmarks/results/``); returns the files written.

    ``source`` is a project root (default :func:`project_root`). ``edition="zh"`` writes the Chinese edition of
    each notebook under its own name instead of the English one (every one built before anything is written; a
    missing translation is a :class:`~ecombalance.exceptions.ReportError`). Nothing is ever replaced: when
    ``target`` already holds one of these files (a notebook you edited) a ReportError names them and nothing is
    copied.
    """
    from ecombalance._reporting.edition import dumps, edition_notebook

    source, target = Path(source or project_root()), Path(target).expanduser().resolve()
    files = [(f, target / folder / f.name) for folder, pattern in SUITE_FOLDERS.items()
             for f in sorted((source / folder).glob(pattern))]
    if not any(f.parent.name == "notebooks" for f, _ in files):
        raise ReportError(f"no notebooks in {source / 'notebooks'}; set {HOME_ENV} to a checkout of the project")
    if target.exists() and not target.is_dir():
        raise ReportError(f"{target} is a file; give a folder to copy the notebooks into")
    taken = [str(dest.relative_to(target)) for _, dest in files if dest.exists() or dest.is_symlink()]
    if taken:
        shown = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise ReportError(f"{target} already holds {shown}; nothing was copied (your files are never replaced): "
                          "choose another folder, or move those files away first")
    built = {src: edition_notebook(src, edition) for src, _ in files if edition != "en" and src.suffix == ".ipynb"}
    for src, dest in files:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src in built:
            dest.write_text(dumps(built[src]), encoding="utf-8")
        else:
            shutil.copyfile(src, dest)
    return [dest for _, dest in files]
