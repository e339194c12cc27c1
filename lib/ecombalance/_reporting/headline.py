"""Headline numbers and conclusions: how a notebook hands its key results to the report index.

A notebook calls :func:`record`; the numbers go into the cell's output under a custom MIME
type (as scrapbook does), next to a readable Markdown table. :func:`read` collects them from
an executed notebook, so the index and the tests never parse HTML. Its "What we saw" text goes
the same way: :func:`conclude` shows the Markdown and records it, :func:`read_conclusions` reads it.
"""

from __future__ import annotations

import base64
import math
from numbers import Integral, Real
from typing import Any

import nbformat

from ecombalance._reporting import labels
from ecombalance.i18n import gettext as _

HEADLINE_MIME = "application/vnd.ecombalance.headline+json"
CONCLUSIONS_MIME = "application/vnd.ecombalance.conclusions+json"
KEY_FIGURE_TAG = "key-figure"  # a cell tag: this cell's figure stands for the notebook in the index


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
    """A value as the notebook's table shows it (see :func:`ecombalance._reporting.labels.number`)."""
    return labels.number(value)


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
    rows = "\n".join(f"| {labels.label(name)} | {_format(value)} |" for name, value in clean.items())
    header = _("| headline number | value |")
    markdown = f"{header}\n|---|---:|\n{rows}"
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: nothing to display
        return
    display({HEADLINE_MIME: clean, "text/markdown": markdown}, raw=True)


def conclude(markdown: str) -> None:
    """Show a notebook's conclusions ("What we saw") and record them for the report.

    Parameters
    ----------
    markdown
        The generated Markdown, usually one ``- `` bullet per finding. It is displayed as
        Markdown and stored under :data:`CONCLUSIONS_MIME`, from which the report's index and
        ``summary.json`` take it.
    """
    if not isinstance(markdown, str) or not markdown.strip():
        raise ValueError(f"conclude() needs the conclusions as non-empty Markdown text, got {markdown!r}")
    try:
        from IPython.display import display
    except ImportError:  # outside IPython: nothing to display
        return
    display({CONCLUSIONS_MIME: {"markdown": markdown}, "text/markdown": markdown}, raw=True)


def _recorded(notebook: nbformat.NotebookNode | str, mime: str) -> list[Any]:
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    return [output["data"][mime] for cell in notebook.cells for output in cell.get("outputs", [])
            if mime in output.get("data", {})]


def read(notebook: nbformat.NotebookNode | str) -> dict[str, Any]:
    """All headline numbers recorded in an executed notebook (later records win)."""
    found: dict[str, Any] = {}
    for numbers in _recorded(notebook, HEADLINE_MIME):
        found.update(numbers)
    return found


def read_title(notebook: nbformat.NotebookNode | str) -> str:
    """The text of the notebook's first Markdown heading ("" when it has none)."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def read_key_figure(notebook: nbformat.NotebookNode | str) -> bytes | None:
    """The PNG of the notebook's key figure: the first one in a cell tagged ``key-figure``, else the
    last PNG the notebook shows; None when it shows none."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    tagged, last = None, None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                last = png
                if tagged is None and KEY_FIGURE_TAG in cell.get("metadata", {}).get("tags", []):
                    tagged = png
    chosen = tagged or last
    return base64.b64decode(chosen) if chosen else None


def read_conclusions(notebook: nbformat.NotebookNode | str) -> str:
    """The Markdown an executed notebook recorded with :func:`conclude` ("" when none), in order."""
    return "\n".join(entry["markdown"] for entry in _recorded(notebook, CONCLUSIONS_MIME))
