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
    """Return the language of generated text now.

    The last :func:`set_language` (or the enclosing :func:`language` block), else the environment variable
    ``ECOMBALANCE_LANG``, else "en".

    Returns
    -------
    str
        One of :data:`LANGUAGES`.

    Raises
    ------
    ValueError
        ``ECOMBALANCE_LANG`` names a language not in :data:`LANGUAGES` (and none was set).

    See Also
    --------
    set_language : Choose the language.

    Examples
    --------
    >>> from ecombalance.i18n import get_language, language
    >>> with language("zh"):
    ...     print(get_language())
    zh
    """
    if _current is not None:
        return _current
    return _checked(os.environ.get("ECOMBALANCE_LANG", "en") or "en")


def set_language(lang: str) -> None:
    """Generate text in ``lang`` ("en" or "zh") from now on in this process.

    It overrides ``ECOMBALANCE_LANG``; a notebook's ``edition`` parameter and ``eb.report(..., lang=...)`` set it.

    Parameters
    ----------
    lang : {"en", "zh"}
        The language: "en" English (the source), "zh" Chinese (simplified).

    Raises
    ------
    ValueError
        ``lang`` is not one of :data:`LANGUAGES`.

    See Also
    --------
    language : The same inside a ``with`` block only.
    get_language : The language now.

    Examples
    --------
    >>> from ecombalance.i18n import get_language, language, set_language
    >>> with language("en"):          # the block restores the language set before it
    ...     set_language("zh")
    ...     print(get_language())
    zh
    >>> set_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: unknown language 'fr': use one of 'en', 'zh'
    """
    global _current
    _current = _checked(lang)


@contextlib.contextmanager
def language(lang: str):
    """Generate text in ``lang`` inside the ``with`` block, then go back to the language before it.

    Parameters
    ----------
    lang : {"en", "zh"}
        The language: "en" English (the source), "zh" Chinese (simplified).

    Yields
    ------
    None
        Inside the block, :func:`get_language` returns ``lang``.

    Raises
    ------
    ValueError
        ``lang`` is not one of :data:`LANGUAGES`.

    See Also
    --------
    set_language : Choose the language for the rest of the process.

    Examples
    --------
    >>> from ecombalance.i18n import gettext, language
    >>> with language("zh"):
    ...     print(gettext("failed on a fold"))
    在某一折上失败
    """
    global _current
    before, _current = _current, _checked(lang)
    try:
        yield
    finally:
        _current = before


def catalogue_path(lang: str) -> Path:
    """Return the path of the PO file of ``lang``'s messages.

    The file is ``locale/<lang>/LC_MESSAGES/ecombalance.po`` beside this module; it need not exist (English, the
    source language, has none: its messages are the code's).

    Parameters
    ----------
    lang : {"en", "zh"}
        The language: "en" English (the source), "zh" Chinese (simplified).

    Returns
    -------
    pathlib.Path
        The path of the catalogue.

    Raises
    ------
    ValueError
        ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> from ecombalance.i18n import catalogue_path
    >>> catalogue_path("zh").parts[-4:]
    ('locale', 'zh', 'LC_MESSAGES', 'ecombalance.po')
    """
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
    """Translate ``message`` into the current language.

    Imported as ``_``; format the result *after* translation (``_("... {name} ...").format(name=...)``).

    Parameters
    ----------
    message : str
        The English message (the catalogue's ``msgid``).

    Returns
    -------
    str
        The translation; ``message`` itself in English, or where the catalogue has no current (translated,
        non-fuzzy) entry.

    See Also
    --------
    pgettext : With a context.
    ngettext : With a plural.

    Examples
    --------
    >>> from ecombalance.i18n import gettext, language
    >>> with language("zh"):
    ...     print(gettext("failed on a fold"))
    在某一折上失败
    >>> with language("en"):
    ...     print(gettext("failed on a fold"))
    failed on a fold
    """
    found = _lookup(None, message)
    return found if isinstance(found, str) else message


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged, marked for the catalogue.

    Marks an English message kept as data (a table of labels, a glossary meaning) for the catalogue (imported as
    ``N_``); it is translated where it is shown, with :func:`gettext`.

    Parameters
    ----------
    message : str
        The English message.

    Returns
    -------
    str
        ``message`` itself.

    Examples
    --------
    >>> from ecombalance.i18n import gettext, gettext_noop, language
    >>> LABEL = gettext_noop("failed on a fold")   # kept in English ...
    >>> with language("zh"):
    ...     print(LABEL, "->", gettext(LABEL))    # ... translated where it is shown
    failed on a fold -> 在某一折上失败
    """
    return message


__all__ += ["gettext_noop"]


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in a context, for a message whose translation depends on where it is used.

    As :func:`gettext`; the catalogue entry is the one with ``msgctxt`` ``context``.

    Parameters
    ----------
    context : str
        The context (the catalogue's ``msgctxt``), e.g. "environment".
    message : str
        The English message (the catalogue's ``msgid``).

    Returns
    -------
    str
        The translation; ``message`` itself in English, or where the catalogue has no current entry.

    Examples
    --------
    >>> from ecombalance.i18n import language, pgettext
    >>> with language("zh"):
    ...     print(pgettext("environment", "model"))
    模型
    """
    found = _lookup(context, message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form for ``n`` in the current language.

    Chinese has one form, the catalogue's first; in English (or without a current entry) ``singular`` when
    ``n == 1``, else ``plural``.

    Parameters
    ----------
    singular : str
        The English singular (the catalogue's ``msgid``).
    plural : str
        The English plural (``msgid_plural``).
    n : int
        The number the message counts.

    Returns
    -------
    str
        The form for ``n``, still to be formatted (``.format(n=n)``).

    Examples
    --------
    >>> from ecombalance.i18n import language, ngettext
    >>> with language("en"):
    ...     print(ngettext("{n} class", "{n} classes", 3).format(n=3))
    3 classes
    >>> with language("zh"):
    ...     print(ngettext("{n} class", "{n} classes", 3).format(n=3))
    3 个类别
    """
    found = _lookup(None, singular)
    if isinstance(found, (tuple, list)) and found:
        return found[0]
    if isinstance(found, str):
        return found
    return singular if n == 1 else plural


def join(items, sep: str = ", ") -> str:
    """Join a list of names or clauses in the current language.

    In English ``sep.join(items)`` (as the sentences always wrote it); in Chinese clauses (``sep`` holding ";")
    join with "；", names with "、" and "和" before the last (Babel's ``format_list`` for zh_CN: "a、b和c").

    Parameters
    ----------
    items : iterable
        The names or clauses (each shown with ``str``).
    sep : str, default=", "
        The English separator; one holding ";" marks clauses.

    Returns
    -------
    str
        The joined text ("" for no items).

    Examples
    --------
    >>> from ecombalance.i18n import join, language
    >>> with language("en"):
    ...     print(join(["a", "b", "c"]))
    a, b, c
    >>> with language("zh"):
    ...     print(join(["a", "b", "c"]))
    a、b和c
    """
    items = [str(item) for item in items]
    if get_language() == "en" or not items:
        return sep.join(items)
    if ";" in sep:
        return "；".join(items)
    from babel.lists import format_list

    return format_list(items, locale="zh_CN")
