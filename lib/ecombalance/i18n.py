"""The language of the generated text: one gettext message catalogue per language, read with Babel.

English is the source language: a message is written in English in the code, wrapped in :func:`gettext` (imported
as ``_``), and formatted *after* translation with ``str.format``, so numbers and method names are filled in by the
same code in every language::

    from ecombalance.i18n import gettext as _
    _("Top mean macro-F1: `{method}`, {score:.3f}.").format(method=name, score=value)

The Chinese catalogue is ``locale/zh/LC_MESSAGES/ecombalance.po`` beside this module (a PO file: ``msgid`` the
English message, ``msgstr`` the Chinese; an entry flagged ``fuzzy`` — stale after its English changed — is not
used). The language is chosen by :func:`set_language` (a notebook's ``edition`` parameter, ``eb.report(…,
lang=…)``), else by the environment variable ``ECOMBALANCE_LANG``, else English. Babel is used rather than the
standard library's ``gettext`` because it reads PO files directly (no compiled ``.mo`` files to keep in step) and
is already installed with JupyterLab.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

__all__ = ["LANGUAGES", "gettext", "ngettext", "pgettext", "get_language", "set_language", "language",
           "catalogue_path", "join"]

LANGUAGES = ("en", "zh")
"""The editions: English (the source) and Chinese (simplified, zh-CN)."""

_LOCALE_DIR = Path(__file__).with_name("locale")
_current: str | None = None


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(map(repr, LANGUAGES))}")
    return lang


def get_language() -> str:
    """The language of generated text now: the last :func:`set_language`, else ``$ECOMBALANCE_LANG``, else "en"."""
    if _current is not None:
        return _current
    return _checked(os.environ.get("ECOMBALANCE_LANG", "en") or "en")


def set_language(lang: str) -> None:
    """Generate text in ``lang`` ("en" or "zh") from now on in this process."""
    global _current
    _current = _checked(lang)


@contextlib.contextmanager
def language(lang: str):
    """Generate text in ``lang`` inside the ``with`` block, then go back to the language before it."""
    global _current
    before, _current = _current, _checked(lang)
    try:
        yield
    finally:
        _current = before


def catalogue_path(lang: str) -> Path:
    """The PO file of ``lang``'s messages."""
    return _LOCALE_DIR / _checked(lang) / "LC_MESSAGES" / "ecombalance.po"


@functools.cache
def _catalogue(lang: str) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """{(context, msgid): msgstr} of the translated, non-fuzzy entries of ``lang``'s catalogue."""
    from babel.messages.pofile import read_po

    path = catalogue_path(lang)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    found = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if all(strings):
            found[(message.context, key)] = message.string
    return found


def _lookup(context: str | None, message: str) -> str | tuple[str, ...] | None:
    lang = get_language()
    if lang == "en":
        return None
    return _catalogue(lang).get((context, message))


def gettext(message: str) -> str:
    """``message`` in the current language (itself in English, or where the catalogue has no current entry)."""
    found = _lookup(None, message)
    return found if isinstance(found, str) else message


def gettext_noop(message: str) -> str:
    """``message`` unchanged: marks an English message kept as data (a table of labels, a glossary meaning) for the
    catalogue (imported as ``N_``); it is translated where it is shown, with :func:`gettext`."""
    return message


__all__ += ["gettext_noop"]


def pgettext(context: str, message: str) -> str:
    """As :func:`gettext`, for a message whose translation depends on where it is used (``msgctxt``)."""
    found = _lookup(context, message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (Chinese has one form)."""
    found = _lookup(None, singular)
    if isinstance(found, (tuple, list)) and found:
        return found[0]
    if isinstance(found, str):
        return found
    return singular if n == 1 else plural


def join(items, sep: str = ", ") -> str:
    """A list of names or clauses in the current language: in English ``sep.join(items)`` (as the sentences always
    wrote it); in Chinese clauses (``sep`` holding ";") join with "；", names with "、" and "和" before the last
    (Babel's ``format_list`` for zh_CN: "a、b和c")."""
    items = [str(item) for item in items]
    if get_language() == "en" or not items:
        return sep.join(items)
    if ";" in sep:
        return "；".join(items)
    from babel.lists import format_list

    return format_list(items, locale="zh_CN")
