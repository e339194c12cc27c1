"""Direct identifiers (user ids, e-mail addresses, phone numbers) are found and hashed or dropped
before any notebook shows rows."""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

import pandas as pd

NAME_PATTERNS = re.compile(
    r"(^|_)(user|customer|member|buyer|account|device|session)_?(id|name)$|e-?mail|phone|mobile|"
    r"(^|_)(uid|ip|ip_address|id_card|passport)$",
    re.IGNORECASE,
)
VALUE_PATTERNS = {
    "e-mail addresses": re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$"),
    "phone numbers": re.compile(r"^\+?\d[\d\s().-]{6,}\d$"),
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
            found[col] = "its name marks a personal identifier"
            continue
        if pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            values = frame[col].dropna().astype(str).head(1000)
            for what, pattern in VALUE_PATTERNS.items():
                if len(values) and values.str.match(pattern).mean() > 0.5:
                    found[col] = f"its values are {what}"
                    break
    return found


def protect_identifiers(frame: pd.DataFrame, keep: Iterable[str] = (), action: str = "hash"):
    """Hash (salted SHA-256, 16 hex digits: joins still work) or drop identifier columns.

    Returns the new frame and notes naming each column, the reason and what was done.
    """
    if action not in ("hash", "drop"):
        raise ValueError(f"identifiers must be 'hash' or 'drop', got {action!r}")
    found = identifier_columns(frame, keep)
    if not found:
        return frame, []
    frame = frame.copy()
    notes = []
    for col, reason in found.items():
        if action == "drop":
            frame = frame.drop(columns=col)
        else:
            frame[col] = frame[col].map(lambda v: None if pd.isna(v) else _hash(v)).astype("str")
        notes.append(f"column {col!r} {'dropped' if action == 'drop' else 'hashed'}: {reason}")
    return frame, notes
