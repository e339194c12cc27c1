"""The Chinese edition of a notebook (中文版): built from the English notebook and its translations, never edited.

One source, two editions. The English notebooks are the source of the code; the Chinese text of every markdown
cell is kept beside them in ``notebooks/zh/<stem>.po`` (a gettext PO file read with Babel: ``msgctxt`` the cell's
id, ``msgid`` the English cell source, ``msgstr`` its Chinese; tools/catalogue.py keeps it in step and flags an
entry ``fuzzy`` when its English changed). :func:`edition_notebook` puts the two together:

- every markdown cell is replaced by its current translation; a missing, stale (fuzzy) or out-of-step entry (its
  ``msgid`` is not the cell's English any more) is an error that names the cell and the fix;
- every code cell is kept as it is;
- after the ``parameters`` cell comes one cell tagged ``injected-parameters``, as papermill marks the parameters it
  injects (papermill's translator writes its source), with ``edition = "zh"`` and, where the notebook declares it,
  ``lang = "zh"``: the Chinese generated sentences and the Chinese documented case;
- the notebook's metadata say ``"ecombalance": {"edition": "zh", ...}``.

papermill replaces an ``injected-parameters`` cell with its own, so a zh notebook runs as a report as well
(the report passes ``edition`` and ``lang`` again: :func:`edition_parameters`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import nbformat

from ecombalance.exceptions import ReportError

__all__ = ["EDITIONS", "HTML_LANG", "TRANSLATIONS_DIR", "INJECTED_ID", "translations_path", "edition_of",
           "read_translations", "edition_parameters", "switch", "html_lang", "page_in", "note", "edition_notebook",
           "editions", "dumps", "chinese_share"]

EDITIONS = ("en", "zh")
"""The narrative's languages: English (the source) and Chinese (simplified)."""
HTML_LANG = {"en": "en", "zh": "zh-CN"}
"""The ``<html lang>`` of each edition's pages."""
TRANSLATIONS_DIR = "zh"
"""The folder beside the notebooks that holds ``<stem>.po``."""
INJECTED_ID = "injected-parameters"
"""The id of the built cell (a fixed id, so that the same sources build the same notebook)."""
_FIX = "run `python tools/catalogue.py`, then fill in its msgstr (and remove a fuzzy flag)"


def _checked(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: use one of {', '.join(map(repr, EDITIONS))}")
    return edition


def translations_path(notebook: str | Path) -> Path:
    """``notebooks/zh/<stem>.po`` of an English notebook ``notebooks/<stem>.ipynb``."""
    notebook = Path(notebook)
    return notebook.parent / TRANSLATIONS_DIR / f"{notebook.stem}.po"


def edition_of(nb: Mapping[str, Any]) -> str:
    """The edition a notebook is in: its metadata's ``ecombalance.edition``, else "en" (a source notebook)."""
    return nb.get("metadata", {}).get("ecombalance", {}).get("edition", "en")


def read_translations(path: str | Path) -> dict[str, tuple[str, str, bool]]:
    """``{cell id: (English, Chinese, fuzzy)}`` of the entries of a notebook's PO file (none when it is missing)."""
    from babel.messages.pofile import read_po

    path = Path(path)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {m.context: (m.id, m.string or "", m.fuzzy) for m in catalog if m.id and m.context}


def _problem(cell_id: str, english: str, entry: tuple[str, str, bool] | None) -> str | None:
    shown = f"cell {cell_id} ({english.strip().splitlines()[0][:50] if english.strip() else ''!r})"
    if entry is None or not entry[1]:
        return f"{shown} has no Chinese translation"
    if entry[0] != english:
        return f"{shown} changed since its translation (the catalogue is out of step)"
    if entry[2]:
        return f"{shown} has a stale (fuzzy) translation: its English changed"
    return None


def _declared(nb: nbformat.NotebookNode) -> set[str]:
    import ast

    cell = next((c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return set()
    return {t.id for s in ast.parse(cell.source).body if isinstance(s, ast.Assign) for t in s.targets
            if isinstance(t, ast.Name)}


def edition_parameters(edition: str, declared: Iterable[str], data_path: str = "") -> dict[str, str]:
    """The parameters that switch a notebook to ``edition``: ``edition`` where declared, and in the Chinese edition
    ``lang = "zh"`` where declared and no user table is given (a user's table keeps its own language)."""
    declared = set(declared)
    found = {"edition": _checked(edition)} if "edition" in declared else {}
    if edition == "zh" and "lang" in declared and not data_path:
        found["lang"] = "zh"
    return found


def switch(values: Mapping[str, dict[str, Any]], declared: Mapping[str, Iterable[str]], edition: str) -> None:
    """Add the parameters of ``edition`` to the resolved ``values`` of each notebook (``{stem: {name: value}}``,
    changed in place) whose ``declared`` parameters take them: ``edition`` always wins (it is the report's switch),
    ``lang`` only where not given (:func:`edition_parameters`). The English edition adds nothing: the notebooks'
    defaults are English, and the English report stays as it was."""
    if _checked(edition) == "en":
        return
    for stem, chosen in values.items():
        extra = edition_parameters(edition, declared[stem], chosen.get("data_path") or "")
        if "edition" in extra:
            chosen["edition"] = extra.pop("edition")
        for name, value in extra.items():
            chosen.setdefault(name, value)


def html_lang(page: str, edition: str) -> str:
    """``page`` (the index, the glossary, nbconvert's page of a notebook) with the ``<html lang>`` of ``edition``.

    nbconvert takes only an ISO 639-1 code (``zh``), so its pages are given the region here as well."""
    lang = HTML_LANG[_checked(edition)]
    return page if lang == "en" else re.sub(r'<html lang="[^"]*">', f'<html lang="{lang}">', page, count=1)


def page_in(edition: str, render: Callable[..., str], *args: Any) -> str:
    """``render(*args)``, a page of the report's own (index, glossary), in ``edition``: its generated text in that
    language (:mod:`ecombalance.i18n`), its ``<html lang>`` the edition's."""
    from ecombalance import i18n

    with i18n.language(edition):
        return html_lang(render(*args), edition)


def note(edition: str) -> str:
    """What the report's first line says of the edition: nothing for the English one."""
    return "" if _checked(edition) == "en" else f", edition {edition}"


def edition_notebook(notebook: str | Path, edition: str = "zh",
                     translations: str | Path | None = None) -> nbformat.NotebookNode:
    """The ``edition`` of the English notebook at ``notebook`` (the English one itself for "en").

    Parameters
    ----------
    notebook : path
        An English notebook of the suite, ``notebooks/<stem>.ipynb``.
    edition : {"zh", "en"}
    translations : path, optional
        Its PO file (default :func:`translations_path`).

    Raises
    ------
    ReportError
        A markdown cell without a current translation (missing, fuzzy, or translating an older English): the
        message names every such cell, the PO file and the fix.
    """
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    if edition_of(nb) == _checked(edition):
        return nb  # a notebook of this edition already (one `ecombalance notebooks DIR --lang zh` wrote)
    if edition_of(nb) != "en":
        raise ReportError(f"{notebook} is the {edition_of(nb)!r} edition of its notebook: run it with "
                          f"--lang {edition_of(nb)} (lang={edition_of(nb)!r}), or use the English notebook")
    po = Path(translations) if translations else translations_path(notebook)
    entries = read_translations(po)
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        problem = _problem(cell.id, cell.source, entries.get(cell.id))
        if problem:
            problems.append(problem)
        else:
            cell.source = entries[cell.id][1]
    if problems:
        raise ReportError(f"the Chinese edition of {notebook.name} cannot be built: in {po}, "
                          + "; ".join(problems) + f". To fix: {_FIX}")
    return _with_parameters(nb, edition, notebook.name, po.name)


def _with_parameters(nb: nbformat.NotebookNode, edition: str, source: str, po: str) -> nbformat.NotebookNode:
    """``nb`` with the edition's parameters injected after its ``parameters`` cell, as papermill injects them: a
    code cell tagged ``injected-parameters`` whose source papermill's own translator writes."""
    from papermill.translators import translate_parameters

    language = nb.metadata.get("kernelspec", {}).get("language", "python")
    code = translate_parameters("python3", language, edition_parameters(edition, _declared(nb)), "Parameters")
    injected = nbformat.v4.new_code_cell(code, id=INJECTED_ID, metadata={"tags": ["injected-parameters"]})
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, injected)
    nb.metadata["ecombalance"] = {"edition": edition, "built_from": source,
                                  "translations": f"{TRANSLATIONS_DIR}/{po}"}
    return nb


def editions(planned: Iterable[Path], edition: str = "en") -> dict[Path, nbformat.NotebookNode | None]:
    """What the report runs for each planned notebook: None (the file itself) in English, its ``edition`` otherwise;
    every one built before any runs (a missing translation, or a notebook of the other edition, is a
    :class:`~ecombalance.exceptions.ReportError` naming it)."""
    built = {nb: edition_notebook(nb, edition) for nb in planned}
    return {nb: None if edition == "en" else source for nb, source in built.items()}


def dumps(nb: Mapping[str, Any]) -> str:
    """A notebook's file text as the project keeps its notebooks: JSON, indent 1, characters unescaped, a final
    newline (``ecombalance notebooks DIR --lang zh`` writes them so)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


_NOT_PROSE = re.compile(
    r"```.*?```"                     # fenced code
    r"|`[^`]*`"                      # code spans: method names, columns, code
    r"|\$\$.*?\$\$|\$[^$]*\$"        # LaTeX, display and inline
    r"|\\\(.*?\\\)|\\\[.*?\\\]"
    r"|https?://\S+|\]\([^)]*\)"     # URLs, link targets
    r"|<[^>]+>"                      # HTML tags and anchors
    r"|[A-Za-z0-9]+(?:[_+:.@/-][A-Za-z0-9]+)*[_+:@][A-Za-z0-9]+",  # names: smote+logreg, class_weight
    re.S)
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def chinese_share(markdown: str) -> float:
    """The share of Chinese characters among the letters of ``markdown`` (0 where it has no letters).

    .. math:: \\text{share} = \\frac{n_\\text{Chinese}}{n_\\text{Chinese} + n_\\text{other letters}}

    Letters are the characters :meth:`str.isalpha` accepts; Chinese characters are the CJK unified ideographs
    (with extension A and the compatibility ideographs). Not counted: fenced code, code spans, LaTeX (``$…$``,
    ``$$…$$``, ``\\(…\\)``), URLs and link targets, HTML tags, names joined by ``_ + : @`` (``smote+logreg``,
    ``class_weight``) and numbers (not letters). The measure of issue 29's "≥ 60 % Chinese" for a page's
    markdown cells and generated conclusions."""
    prose = _NOT_PROSE.sub(" ", markdown)
    chinese = len(_CHINESE.findall(prose))
    letters = sum(ch.isalpha() for ch in prose)
    return chinese / letters if letters else 0.0
