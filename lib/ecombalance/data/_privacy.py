"""Direct identifiers (user ids, e-mail addresses, phone numbers) are found and hashed or dropped
before any notebook shows rows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import pgettext

NAME_PATTERNS = re.compile(
    r"(^|_)(user|customer|member|buyer|account|device|session)_?(id|name)$|e-?mail|phone|mobile|"
    r"(^|_)(uid|ip|ip_address|id_card|passport)$",
    re.IGNORECASE,
)
VALUE_PATTERNS = {
    N_("e-mail addresses"): re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$"),
    N_("phone numbers"): re.compile(r"^\+?\d[\d\s().-]{6,}\d$"),
}
_SALT = "ecombalance"


def _hash(value) -> str:
    return hashlib.sha256(f"{_SALT}:{value}".encode()).hexdigest()[:16]


def identifier_columns(frame: pd.DataFrame, keep: Iterable[str] = ()) -> dict[str, str]:
    """Columns that look like direct identifiers, with the reason: their name, or most of their
    values matching an e-mail or phone pattern."""
    keep = set(keep)
    found = {}
    for col in frame.columns:
        if col in keep:
            continue
        if NAME_PATTERNS.search(str(col)):
            found[col] = _("its name marks a personal identifier")
            continue
        if pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            values = frame[col].dropna().astype(str).head(1000)
            for what, pattern in VALUE_PATTERNS.items():
                if len(values) and values.str.match(pattern).mean() > 0.5:
                    found[col] = _("its values are {what}").format(what=_(what))
                    break
    return found


@dataclass(frozen=True)
class ProtectedColumn:
    """An identifier column that :func:`protect_identifiers` hashed or dropped, and why.

    ``str()`` gives the note in words (``column 'user_id' hashed: its name marks a personal identifier``).
    """

    column: Any
    action: str  # "hashed" or "dropped"
    reason: str

    @property
    def action_words(self) -> str:
        """:attr:`action` in the current language."""
        words = {"hashed": pgettext("identifier", "hashed"), "dropped": pgettext("identifier", "dropped")}
        return words.get(self.action, self.action)

    def __str__(self) -> str:
        return _("column {column} {action}: {reason}").format(column=repr(self.column), action=self.action_words,
                                                             reason=self.reason)


def protect_identifiers(frame: pd.DataFrame, keep: Iterable[str] = (),
                        action: str = "hash") -> tuple[pd.DataFrame, list[ProtectedColumn]]:
    """Hash or drop the columns of a frame that hold direct identifiers.

    A column is an identifier when its name marks one (``user_id``, ``customer_name``, ``email``, ``phone``,
    ``ip_address``, ...) or when more than half of its first 1,000 values are e-mail addresses or phone numbers.
    Hashing is salted SHA-256, 16 hex digits: joins on the column still work; missing values stay missing.

    Parameters
    ----------
    frame : DataFrame
        The table; it is left unchanged.
    keep : iterable of str, default=()
        Columns never touched (the label, text and group columns).
    action : {"hash", "drop"}, default="hash"
        What to do with each identifier column.

    Returns
    -------
    protected_frame : DataFrame
        The new frame (``frame`` itself when no column is an identifier).
    protected : list of ProtectedColumn
        One per column: its name, what was done (``"hashed"`` or ``"dropped"``), why; ``str()`` gives the note in
        words.

    Raises
    ------
    ValueError
        When ``action`` is not ``"hash"`` or ``"drop"``.

    See Also
    --------
    clean : Protects identifiers first, then cleans the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.data import protect_identifiers
    >>> frame = pd.DataFrame({"user_id": [17, 42], "contact": ["ann@example.com", "bob@example.org"],
    ...                       "price": [9.5, 3.0]})
    >>> hashed, protected = protect_identifiers(frame)
    >>> hashed["user_id"].tolist()
    ['13d43c4a700e6e03', 'e53843a654a518be']
    >>> [str(p) for p in protected]
    ["column 'user_id' hashed: its name marks a personal identifier",
     "column 'contact' hashed: its values are e-mail addresses"]
    >>> dropped, _ = protect_identifiers(frame, keep=["user_id"], action="drop")
    >>> dropped.columns.tolist()
    ['user_id', 'price']
    """
    if action not in ("hash", "drop"):
        raise ValueError(f"identifiers must be 'hash' or 'drop', got {action!r}")
    found = identifier_columns(frame, keep)
    if not found:
        return frame, []
    frame = frame.copy()
    protected = []
    for col, reason in found.items():
        if action == "drop":
            frame = frame.drop(columns=col)
        else:
            frame[col] = frame[col].map(lambda v: None if pd.isna(v) else _hash(v)).astype("str")
        protected.append(ProtectedColumn(col, "dropped" if action == "drop" else "hashed", reason))
    return frame, protected
