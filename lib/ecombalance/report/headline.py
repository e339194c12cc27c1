"""Headline numbers: how a notebook hands its key results to the report index.

A notebook calls :func:`record`; the numbers go into the cell's output under a custom MIME
type (as scrapbook does), next to a readable Markdown table. :func:`read` collects them from
an executed notebook, so the index and the tests never parse HTML.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import nbformat

HEADLINE_MIME = "application/vnd.ecombalance.headline+json"


def _jsonable(name: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy / torch scalars
        return _jsonable(name, value.item())
    raise TypeError(
        f"headline {name!r}: {type(value).__name__} is not a number, string or bool; "
        "record scalars only (e.g. float(x))"
    )


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def as_json(**numbers: Any) -> dict[str, Any]:
    """The numbers as they are stored: JSON scalars, non-finite floats as ``None``."""
    if not numbers:
        raise ValueError("record() needs at least one name=value pair")
    return {name: _jsonable(name, value) for name, value in numbers.items()}


def record(**numbers: Any) -> None:
    """Record headline numbers of this notebook run and show them as a table.

    Parameters
    ----------
    **numbers
        Scalars (int, float, bool, str, None). Non-finite floats are stored as ``None``.
    """
    clean = as_json(**numbers)
    rows = "\n".join(f"| {name} | {_format(value)} |" for name, value in clean.items())
    markdown = f"| headline | value |\n|---|---|\n{rows}"
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: nothing to display
        return
    display({HEADLINE_MIME: clean, "text/markdown": markdown}, raw=True)


def read(notebook: nbformat.NotebookNode | str) -> dict[str, Any]:
    """All headline numbers recorded in an executed notebook (later records win)."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    found: dict[str, Any] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                found.update(data[HEADLINE_MIME])
    return found
