"""Numeric columns that may hold codes (an operating system, a browser, a region id) rather than quantities: named
in a note, never changed — the user decides whether they are categories."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ecombalance._validation import option
from ecombalance.data._checks import capped
from ecombalance.i18n import gettext as _

CODE_MAX_VALUES = 20  # a column of whole numbers with at most this many values may hold codes, not quantities
CODE_WORDS = frozenset({"id", "code", "type", "region", "browser", "os", "system", "category", "channel", "device",
                        "country", "city", "province", "state", "zone", "area", "store", "shop", "brand", "segment",
                        "source", "platform", "kind"})
"""Words of a column name that say it holds codes (``device_type``, ``osId``, ``Region``; a plural ``s`` allowed)."""


def name_words(name: Any) -> list[str]:
    """The lower-case words of a column name: split at separators and at camel-case humps (``TrafficType`` ->
    ``["traffic", "type"]``, ``osId`` -> ``["os", "id"]``)."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", str(name))]


def integer_codes(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, int]:
    """Numeric columns among ``columns`` that may hold codes rather than quantities, with their count of values:
    integers (not booleans) with 3 to :data:`CODE_MAX_VALUES` distinct values that are either numbered from 1 with
    few gaps (at most twice as high as their count: the UCI online-shoppers table's ``OperatingSystems``,
    ``Browser``, ``Region``; counts usually hold 0, years are high) or have a name of a code (:data:`CODE_WORDS`:
    ``region``, ``device_type``, ``osId``)."""
    found = {}
    for col in columns:
        series = frame[col]
        if not pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = series.dropna()
        n = int(values.nunique())
        named = any(w in CODE_WORDS or (w.endswith("s") and w[:-1] in CODE_WORDS) for w in name_words(col))
        numbered = values.min() >= 1 and values.max() <= 2 * n  # 1, 2, 3, ... with few gaps (not a year)
        if 3 <= n <= CODE_MAX_VALUES and (numbered or named):
            found[str(col)] = n
    return found


def integer_codes_note(frame: pd.DataFrame, columns: Iterable[str], source: str = "table") -> list[str]:
    """A note naming :func:`integer_codes` among the numeric feature ``columns`` (none when there are none): they
    are used as numbers, whose order and distances count; codes are categories, and the note says how to make
    them so."""
    codes = integer_codes(frame, columns)
    if not codes:
        return []
    shown = capped({col: _("{n} values").format(n=n) for col, n in codes.items()})
    return [_("{source}: numeric columns {shown} hold a few whole numbers each; they are used as numbers (their order "
              "and distances count). If they are codes (an operating system, a browser, a region id), write them as "
              "text in the file (e.g. 'os_2' for 2) so that they are read as categories, or leave them out with "
              "{exclude_cols}").format(source=source, shown=shown, exclude_cols=option("exclude_cols"))]
