"""Keep the Chinese edition's catalogues in step with the English source (a maintainer's tool, not shipped).

    python tools/catalogue.py            # both: the library's messages and the notebooks' markdown cells
    python tools/catalogue.py --check    # exit 1 and list what is missing or stale; changes nothing

Two kinds of PO file, both read and written with Babel:

- ``lib/ecombalance/locale/zh/LC_MESSAGES/ecombalance.po``: every message of the library wrapped in ``_()`` /
  ``gettext``, ``pgettext``, ``ngettext`` (extracted with Babel's Python extractor). A new message is added with an
  empty translation; a message no longer in the code is dropped; a message whose English changed slightly is
  matched to its old entry and flagged ``fuzzy`` (stale), as ``msgmerge`` does.
- ``notebooks/zh/<notebook>.po``: one entry per markdown cell, ``msgctxt`` the cell's id, ``msgid`` the English
  cell source, ``msgstr`` its Chinese. When a cell's English changes, its entry keeps the old translation, takes the
  new ``msgid``, records the old one (``#| msgid``) and is flagged ``fuzzy``: the translator compares the two
  English versions and updates the Chinese, then removes the flag.

A translation is current when it is non-empty and not fuzzy; tests/test_i18n.py fails on any other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "lib" / "ecombalance"
LIBRARY_PO = LIB / "locale" / "zh" / "LC_MESSAGES" / "ecombalance.po"
NOTEBOOKS = ROOT / "notebooks"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "gettext_noop": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


HEADER = """\
# Chinese (simplified) translations of ecombalance: msgid the English source, msgstr its Chinese.
# Updated by tools/catalogue.py; an entry flagged fuzzy is stale (its English changed) and is not used."""


def new_catalogue(project: str) -> Catalog:
    return Catalog(locale="zh_CN", project=project, version="0.1.0", charset="utf-8", fuzzy=False,
                   header_comment=HEADER, copyright_holder="the ecombalance authors", msgid_bugs_address="")


def read(path: Path) -> Catalog:
    if not path.exists():
        return new_catalogue("ecombalance")
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=116, omit_header=False, sort_output=False, include_previous=True,
                 no_location=True)


def library_template() -> Catalog:
    """Every message the library passes to the gettext functions, in source order."""
    template = new_catalogue("ecombalance")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(LIB), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",),
            directory_filter=lambda path: not Path(path).name.startswith((".", "__"))):  # _chapters/ too
        template.add(message, None, [(f"lib/ecombalance/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def notebook_template(notebook: Path) -> Catalog:
    """One message per markdown cell of ``notebook``: context the cell id, id the English source."""
    template = new_catalogue(notebook.stem)
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            template.add("".join(cell["source"]), None, context=cell["id"])
    return template


def merged(path: Path, template: Catalog) -> Catalog:
    catalog = read(path)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, update_creation_date=False)
    # entries a notebook's cell id still names: their English changed, keep the old text as a stale draft
    for message in catalog:
        old = next((o for o in catalog.obsolete.values() if o.context == message.context), None) \
            if message.id and message.context and not message.string else None
        if old is not None and old.string:
            message.string, message.previous_id = old.string, [old.id] if isinstance(old.id, str) else list(old.id)
            message.flags.add("fuzzy")
    catalog.obsolete.clear()
    return catalog


def problems(catalog: Catalog, name: str) -> list[str]:
    """The entries of ``catalog`` without a current translation."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        where = f"{name}: {message.context + ': ' if message.context else ''}{str(message.id)[:60]!r}"
        if message.fuzzy:
            found.append(f"{where} is stale (its English changed): update the Chinese, remove the fuzzy flag")
        elif not all(strings):
            found.append(f"{where} has no translation")
    return found


def notebook_targets(notebooks: Path = NOTEBOOKS) -> list[tuple[Path, Catalog]]:
    """(PO file, its template) for every notebook in ``notebooks``."""
    return [(notebooks / "zh" / f"{nb.stem}.po", notebook_template(nb))
            for nb in sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))]


def targets() -> list[tuple[Path, Catalog]]:
    return [(LIBRARY_PO, library_template()), *notebook_targets()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list what is missing or stale; change nothing")
    args = parser.parse_args(argv)
    found = []
    for path, template in targets():
        catalog = merged(path, template)
        found += problems(catalog, str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
        if not args.check:
            write(catalog, path)
    print("\n".join(found) if found else "every message has a current Chinese translation")
    return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
