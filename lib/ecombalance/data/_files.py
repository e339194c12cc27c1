"""Reading what users bring: their CSV/TSV/Parquet files and the DataFrames they hold, into a plain frame.

Every problem is named with the file: an encoding that does not fit (or two encodings mixed in one file, with
the line where they change), content that is not a table (a ZIP archive, an Excel workbook, a Parquet file under
a ``.csv`` name), a repeated header. What reading changes is said in a note: a detected encoding, decimal commas
(``12,5``) in a ``;``-separated file, a DataFrame's index kept as a column. The checks of the table's columns
follow in :func:`ecombalance.data._loaders.load_table`.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from pathlib import Path

import pandas as pd

from ecombalance._validation import option
from ecombalance.data import _checks as checks
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _

log = logging.getLogger(__name__)

FALLBACK_ENCODINGS = ("gb18030", "cp1252")  # tried, after UTF-8, for files that are not UTF-8
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
# the first bytes of files that are not text tables -> what they are
MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook is one too)", b"PK\x05\x06": "an empty ZIP archive",
    b"PAR1": "a Parquet file", b"\xd0\xcf\x11\xe0": "an Excel .xls workbook (or another Office file)",
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"7z\xbc\xaf": "a 7-Zip archive", b"Rar!": "a RAR archive", b"SQLite format 3": "an SQLite database",
    b"BZh": "a bzip2 archive", b"\xfd7zXZ": "an xz archive",
}
MIXED_SHARE = 0.05  # UTF-8 lines among the non-ASCII lines that make a non-UTF-8 file "mixed"
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d*,\d+\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


def content_kind(raw: bytes) -> str | None:
    """What ``raw`` is when it is not a text table (``"a ZIP archive ..."``), else None."""
    for magic, kind in MAGIC.items():
        if raw.startswith(magic):
            return kind
    if raw[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in raw[:8192]:
        return "binary data (it holds NUL bytes), not text"
    return None


def _mixed_encodings(raw: bytes, error: UnicodeDecodeError, source: str) -> DataError | None:
    """An error naming the line where UTF-8 stops, when the file is otherwise UTF-8 (two encodings mixed)."""
    good = bad = 0
    for line in raw.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    if good < 2 or good < MIXED_SHARE * (good + bad):
        return None
    line_no = raw.count(b"\n", 0, error.start) + 1
    column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
    return DataError(f"{source} mixes text encodings: {good} lines with accents or Chinese characters are UTF-8, "
                     f"but line {line_no} is not (byte {raw[error.start:error.start + 1]!r} at column {column}), nor "
                     f"are {bad - 1} more; no single encoding reads it right. Save the file again in one encoding "
                     f"(UTF-8), or pass {option('encoding', 'gb18030')} (or cp1252, ...) if it is all in that one")


def decode_text(raw: bytes, encoding: str = "", source: str = "file") -> tuple[str, str, list[str]]:
    """Bytes of a text file as text: ``(text, encoding used, notes)``.

    ``encoding`` wins when given (an error names it if the bytes do not fit). Otherwise UTF-8, with or without
    the byte-order mark Excel writes ("CSV UTF-8"); a file mostly in UTF-8 with lines in another encoding is an
    error naming the first such line; then the most plausible of ``FALLBACK_ENCODINGS`` (Simplified Chinese
    GB18030, Western Windows-1252) by ``charset_normalizer``, and latin-1 last (it decodes any bytes). A fallback
    adds a note saying which encoding was used.
    """
    if encoding:
        try:
            return raw.decode(encoding), encoding, []
        except LookupError as exc:
            raise DataError(f"{source}: unknown encoding {encoding!r} (e.g. utf-8, gb18030, cp1252, "
                            "latin-1)") from exc
        except UnicodeDecodeError as exc:
            raise DataError(f"{source} is not valid {encoding}: byte {raw[exc.start:exc.start + 1]!r} at position "
                            f"{exc.start} cannot be read; try another encoding, e.g. {option('encoding', 'gb18030')} "
                            "(or utf-8, cp1252, latin-1)") from exc
    try:
        return raw.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text"
        note = _("{source}: not UTF-8; read as UTF-16 (its byte-order mark says so)").format(source=source)
        log.warning(note)
        return raw.decode("utf-16"), "utf-16", [note]
    mixed = _mixed_encodings(raw, utf8_error, source)
    if mixed is not None:
        raise mixed
    candidates = list(FALLBACK_ENCODINGS)
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(raw[:1_000_000], cp_isolation=candidates).best()
        if best is not None:
            candidates.insert(0, best.encoding)
    except ImportError:  # a plain order of strict attempts then
        pass
    for name in [*dict.fromkeys(candidates), "latin-1"]:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        note = _("{source}: not UTF-8; read as {encoding} (detected); if accents or Chinese characters look wrong, "
                 "pass {option} (or cp1252, latin-1, ...)").format(source=source, encoding=name,
                                                                  option=option("encoding", "gb18030"))
        log.warning(note)
        return text, name, [note]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _sniff_separator(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:20_000].split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def decimal_comma_columns(frame: pd.DataFrame) -> list[str]:
    """Text columns whose every value is a number written with a decimal comma (``12,5``) or an integer, at
    least one with the comma: what a ``;``-separated file from a European spreadsheet holds."""
    found = []
    for col in frame.columns:
        values = frame[col].dropna()
        if values.empty or pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.astype(str)
        comma = text.str.match(_DECIMAL_COMMA)
        if comma.any() and (comma | text.str.match(_INTEGER)).all():
            found.append(col)
    return found


def _read_text_table(path: Path, raw: bytes, suffix: str, encoding: str, kwargs: dict) -> tuple[pd.DataFrame, list]:
    text, _encoding, notes = decode_text(raw, encoding, str(path))
    sep = kwargs.pop("sep", "\t" if ".tsv" in suffix else _sniff_separator(text))
    header = pd.read_csv(io.StringIO(text), sep=sep, header=None, nrows=1, dtype=str, **kwargs)
    checks.check_header(header.iloc[0].tolist() if len(header) else [], str(path))
    frame = pd.read_csv(io.StringIO(text), sep=sep, **kwargs)
    if sep != "," and "decimal" not in kwargs:
        commas = decimal_comma_columns(frame)
        if commas:
            frame = pd.read_csv(io.StringIO(text), sep=sep, decimal=",", **kwargs)
            notes.append((_("{path}: read with decimal commas ('12,5' is 12.5) in {columns}, as the "
                            "semicolon-separated file writes them") if sep == ";" else
                          _("{path}: read with decimal commas ('12,5' is 12.5) in {columns}, as the {sep}-separated "
                            "file writes them")).format(path=path, columns=checks.capped(commas), sep=repr(sep)))
            log.info(notes[-1])
    return frame, notes


def read_file(path: str | Path, encoding: str = "", **kwargs) -> tuple[pd.DataFrame, list[str]]:
    """A CSV/TSV (any common delimiter, optionally gzipped) or Parquet file and notes on how it was read.

    Text files are decoded by :func:`decode_text` (UTF-8 with or without BOM, else a detected encoding with a
    note); numbers written with decimal commas in a file not separated by commas are read as numbers, with a
    note; a header that repeats a column name is an error naming it (pandas would rename the copy silently);
    content that is no text table (:func:`content_kind`) is named. Errors name the file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path} is a directory; give the path of a .csv or .parquet file")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    suffix = "".join(path.suffixes[-2:]).lower()
    notes: list[str] = []
    try:
        if suffix.endswith((".parquet", ".pq")):
            with path.open("rb") as handle:
                start = handle.read(4)
            if start != b"PAR1":
                raise DataError(f"{path} could not be read as .parquet: it is not a Parquet file (it starts with "
                                f"{start!r}, not b'PAR1'); {_rename_hint(start)}")
            frame = pd.read_parquet(path, **kwargs)
        elif suffix.endswith(TEXT_SUFFIXES):
            raw = path.read_bytes()
            if suffix.endswith(".gz") or raw.startswith(b"\x1f\x8b"):
                raw = gzip.decompress(raw)
            kind = content_kind(raw)
            if kind:
                raise DataError(f"{path} is not a CSV/TSV text file: its content is {kind}; {_rename_hint(raw[:16])}")
            frame, notes = _read_text_table(path, raw, suffix, encoding, kwargs)
        else:
            raise DataError(f"{path}: unknown file type {path.suffix!r}; use .csv, .tsv or .parquet")
    except DataError:
        raise
    except Exception as exc:  # pandas and pyarrow raise many types for a bad file
        raise DataError(f"{path} could not be read as {path.suffix or 'a table'}: {exc}") from exc
    if frame.empty:
        raise DataError(f"{path} has no rows")
    return frame, notes


def _rename_hint(start: bytes) -> str:
    if start.startswith(b"PAR1"):
        return "give it the .parquet suffix"
    if start.startswith(b"PK"):
        return "unzip it, or save the sheet from Excel as CSV UTF-8"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "save the sheet from Excel as CSV UTF-8"
    if content_kind(start) is None:
        return "if it is a text table, give it the .csv suffix"
    return "give the table itself as .csv, .tsv or .parquet"


def _keep_index(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with a meaningful index as columns (a named one, or labels that are not row numbers)."""
    index = frame.index
    named = [n for n in index.names if n is not None]
    if not named and (isinstance(index, pd.RangeIndex) or pd.api.types.is_integer_dtype(index)):
        return frame.reset_index(drop=True), []  # row numbers, nothing to keep
    kept = [str(n) for n in index.names] if named else ["index"]
    clash = [c for c in kept if c in frame.columns]
    if clash:
        note = _("{name}: its index {index} is not kept: the frame already has columns named {columns}").format(
            name=name, index=checks.capped(kept), columns=checks.capped(clash))
        return frame.reset_index(drop=True), [note]
    if not named:
        frame = frame.rename_axis("index")
    note = _("{name}: its index {index} is kept as a column (e.g. after set_index it would be lost otherwise); leave "
             "it out with {exclude_cols} if it is no feature").format(name=name, index=checks.capped(kept),
                                                                      exclude_cols=option("exclude_cols"))
    return frame.reset_index(), [note]


def read_dataframe(frame: pd.DataFrame, encoding: str = "") -> tuple[pd.DataFrame, list[str], str]:
    """A DataFrame a user already holds, checked as :func:`read_file` checks a file's header and rows:
    ``(copy, notes, name)``. The name is ``frame.attrs["name"]`` when set, else ``"DataFrame"``.

    A repeated column name, a column name that is not a string (MultiIndex columns included) and an empty frame
    are errors (pandas allows all three in memory); ``encoding`` is for files only, so giving one with a DataFrame
    is an error too. A named index (``set_index("brand")``), or one of labels that are not row numbers, is kept
    as a column with a note.
    """
    name = str(frame.attrs.get("name") or "DataFrame")
    if encoding:
        raise DataError(f"{name}: {option('encoding', encoding)} applies to files; a DataFrame is already "
                        f"decoded (leave {option('encoding')} out)")
    if isinstance(frame.columns, pd.MultiIndex):
        raise DataError(f"{name} has MultiIndex columns ({frame.columns.nlevels} levels, e.g. "
                        f"{frame.columns[0]!r}); flatten them to one name each first, e.g. "
                        "frame.columns = ['_'.join(map(str, c)) for c in frame.columns]")
    checks.check_header(list(frame.columns), name)
    not_text = [c for c in frame.columns if not isinstance(c, str)]
    if not_text:
        raise DataError(f"{name}: column names must be strings, got {checks.capped(map(repr, not_text))}; "
                        "rename them, e.g. frame.columns = frame.columns.map(str)")
    if frame.empty:
        raise DataError(f"{name} has no rows")
    copy, notes = _keep_index(frame, name)
    for note in notes:
        log.warning(note)
    return copy.copy(), notes, name


def read_frame(path: str | Path, encoding: str = "", **kwargs) -> pd.DataFrame:
    """Read a CSV/TSV or Parquet file (see :func:`read_file`), with errors that name it."""
    return read_file(path, encoding, **kwargs)[0]


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not missing
        return False


def storable(frame: pd.DataFrame, name: str = "DataFrame") -> tuple[pd.DataFrame, list[str]]:
    """``frame`` as Parquet can store it, and notes: a column of mixed Python objects (``1``, ``"a"``, a list)
    that Arrow cannot type becomes text (missing values kept), with a note naming the column and the types."""
    import pyarrow as pa

    notes, out = [], frame
    for col in frame.columns:
        if frame[col].dtype != object:
            continue
        try:
            pa.array(frame[col], from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            if out is frame:
                out = frame.copy()
            values = frame[col]
            types = sorted({type(v).__name__ for v in values if not _is_missing(v)})
            out[col] = values.map(lambda v: None if _is_missing(v) else str(v)).astype(object)
            notes.append(_("{name}: column {column} holds mixed Python objects ({types}); it is stored as text for the "
                           "notebooks (convert it yourself to keep numbers as numbers)").format(
                name=name, column=repr(col), types=", ".join(types)))
            log.warning(notes[-1])
    return out, notes
