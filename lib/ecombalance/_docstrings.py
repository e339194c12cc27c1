"""Docstring text written once and shared: a docstring line that holds only ``{name}`` is replaced by the text of
that name (indented as the line), as imbalanced-learn's ``Substitution`` decorator fills in its shared parameter
descriptions. The same parameter then reads the same in every function that takes it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"^([ \t]*)\{(\w+)\}[ \t]*$", flags=re.MULTILINE)


def fill_placeholders(obj: Any, texts: Mapping[str, str]) -> Any:
    """``obj`` (a function or class) with each docstring line ``{name}`` replaced by ``texts[name]``.

    >>> def f(a):
    ...     '''Do it.
    ...
    ...     Parameters
    ...     ----------
    ...     {a}
    ...     '''
    >>> print(fill_placeholders(f, {"a": "a : int\\n    The value."}).__doc__.splitlines()[4:6])
    ['    a : int', '        The value.']
    """
    if obj.__doc__:
        obj.__doc__ = _PLACEHOLDER.sub(lambda m: textwrap.indent(texts[m.group(2)], m.group(1)), obj.__doc__)
    return obj
