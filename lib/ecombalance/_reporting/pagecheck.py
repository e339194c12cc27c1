"""What a reader should never see on a report page, checked on the rendered HTML.

:func:`problems` lists, for one page (a notebook's HTML or ``index.html``): progress-bar (tqdm) lines
in cell outputs, numbers with more than :data:`MAX_DECIMALS` decimals in table cells, and headline keys
shown raw (``none+logreg/macro_f1_ci_low``) where a label belongs, and numbers of more than :data:`MAX_DECIMALS`
decimals in a dict a cell prints (``{'share': 0.6666666666666666}``). :func:`is_progress_line` is the one
definition of a progress-bar line; the report's HTML export drops such lines from stream outputs with it, and
rounds the long numbers of tables that a notebook shows without formatting (:func:`round_table_cells`).
"""

from __future__ import annotations

import re
from typing import Iterable

MAX_DECIMALS = 4
# tqdm's parts: "37%|███▋ |", "[00:39<00:00", "1.14s/it]" / "12.5it/s,"
_PROGRESS = re.compile(r"\d{1,3}%\|[^|\n]*\||\[\d+:\d+(?::\d+)?<[^\]\n]*\]|\d(?:it/s|s/it)[,\]]")
_LONG_FLOAT = re.compile(rf"(?<![\w.])[-+−]?\d+\.\d{{{MAX_DECIMALS + 1},}}(?:[eE][-+]?\d+)?(?![\w.])")
_RAW_METHOD_KEY = re.compile(r"^[\w+:.\-]+/[a-z0-9]+(?:_[a-z0-9]+)+$")
_SNAKE_KEY = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def is_progress_line(line: str) -> bool:
    """Whether a line of text output is (part of) a progress bar."""
    return bool(_PROGRESS.search(line))


def strip_progress(text: str) -> str:
    """``text`` without its progress-bar lines (lines split at ``\\n`` and ``\\r``)."""
    kept = [line for line in re.split(r"(?<=\n)", text.replace("\r\n", "\n"))
            if not any(is_progress_line(part) for part in line.split("\r"))]
    return "".join(kept)


_CELL_FLOAT = re.compile(rf"(<td\b[^>]*>\s*)([-+]?\d+\.\d{{{MAX_DECIMALS + 1},}})(\s*</td>)")


def round_table_cells(html_text: str, digits: int = 3) -> str:
    """``html_text`` with every table cell that holds only a number of more than :data:`MAX_DECIMALS`
    decimals (pandas prints 6: ``0.666667``) shown to ``digits`` decimals; everything else untouched."""
    return _CELL_FLOAT.sub(lambda m: f"{m.group(1)}{float(m.group(2)):.{digits}f}{m.group(3)}", html_text)


def _soup(html_text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html_text, "html.parser")


def _is_headline_table(table) -> bool:
    """A table of headline numbers: the notebooks' Markdown table (header "headline …") or the index's
    ``<details><summary>headline numbers``."""
    header = table.find("th")
    if header is not None and header.get_text(strip=True).lower().startswith("headline"):
        return True
    details = table.find_parent("details")
    summary = details.find("summary") if details is not None else None
    return summary is not None and summary.get_text(strip=True).lower().startswith("headline")


def problems(html_text: str, headline_keys: Iterable[str] = ()) -> list[str]:
    """What is wrong on a rendered page, one line per finding ([] when nothing).

    Parameters
    ----------
    html_text
        The page's HTML.
    headline_keys
        Headline keys of the report (from ``summary.json``); a table cell showing one of them verbatim is a
        finding. Without them, only the headline tables are checked for keys in their raw form.
    """
    soup = _soup(html_text)
    found = []
    for output in soup.select(".jp-OutputArea-output, .output_subarea"):
        for line in output.get_text().splitlines():
            if is_progress_line(line):
                found.append(f"progress-bar line in a cell output: {line.strip()[:120]!r}")
        text = output.get_text().strip() if output.find("pre") is not None else ""
        if text.startswith("{") and text.endswith("}"):  # a dict shown as Python prints it
            for match in _LONG_FLOAT.finditer(text):
                found.append(f"number with more than {MAX_DECIMALS} decimals in a dict output: {match.group(0)!r}")
    keys = {k for k in headline_keys if "_" in k or "/" in k}
    for cell in soup.find_all("td"):
        text = cell.get_text(" ", strip=True)
        for match in _LONG_FLOAT.finditer(text):
            found.append(f"number with more than {MAX_DECIMALS} decimals in a table: {match.group(0)!r}")
        if cell.find("code") is not None:  # shown as code on purpose (parameter names)
            continue
        table, row = cell.find_parent("table"), cell.find_parent("tr")
        name_cell = row is not None and row.find("td") is cell  # the name, not the value, of a headline row
        raw = text in keys or _RAW_METHOD_KEY.match(text) or (
            name_cell and table is not None and _is_headline_table(table) and _SNAKE_KEY.match(text))
        if raw:
            found.append(f"headline key shown raw instead of a label: {text!r}")
    return found
