"""The report folder: checked before anything runs, marked as ours, and written by one run at a time.

- :func:`check_out` (before the data check, before any kernel): the folder is not a file, can be written, holds
  no live lock, and is empty or a report of ours. A folder holding files ecombalance did not write is refused
  unless the caller forces it; even then no file of the user's is replaced (:func:`check_clashes`).
- :class:`Manifest` (``.ecombalance-manifest.json``): the names a report claimed in the folder. Only those are
  ever replaced or removed. A report folder written before manifests existed is recognised by its
  ``summary.json`` and adopted with the files that summary names.
- :func:`locked` (``.ecombalance.lock``: process id, host, start time): a second run into the folder is refused
  while the first runs; the lock of a process that is no longer running is recognised and taken over.

Messages name the options as the caller passed them: ``--out`` / ``--force`` on the command line,
``out`` / ``force=True`` in Python (``words``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ecombalance.exceptions import ReportError

MANIFEST = ".ecombalance-manifest.json"
LOCK = ".ecombalance.lock"
# how messages name the output folder (``{out}`` is its path) and the option that forces it, per interface
PYTHON_WORDS = {"out": "out", "given": "out={out!r}", "force": "force=True"}
COMMAND_WORDS = {"out": "--out", "given": "--out {out}", "force": "--force"}
REPORT_FILES = ("index.html", "summary.json", "glossary.html", "mathjax/")  # runner.INDEX, SUMMARY, index.GLOSSARY_FILE
NOTEBOOK_SUFFIXES = (".ipynb", ".html", ".png", ".failed.ipynb", ".running.ipynb")
STALE_UNREADABLE_LOCK_S = 30  # a lock file without a readable owner older than this is a leftover
_HELD: dict[Path, list[int]] = {}  # locks this process holds: [thread that holds it, how often it entered]


def planned_names(stems: Iterable[str], data_cache: bool = False, extra: Iterable[str] = ()) -> list[str]:
    """The names a report of the notebooks ``stems`` writes into its folder (a trailing ``/``: a folder of ours)."""
    names = [*REPORT_FILES, *(f"{stem}{suffix}" for stem in stems for suffix in NOTEBOOK_SUFFIXES), *extra]
    return [*names, ".cache/"] if data_cache else names


def _listed(names: Iterable[str], limit: int = 8) -> str:
    names = sorted(names)
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _entries(folder: Path) -> set[str]:
    """The folder's entries as manifest names (folders with a trailing ``/``), lock and manifest left out."""
    return {entry.name + ("/" if entry.is_dir() else "") for entry in folder.iterdir()} - {LOCK, MANIFEST}


@dataclass
class Manifest:
    """What a report wrote into ``folder``: ``names`` relative to it (``"01_x.html"``, ``"mathjax/"``,
    ``"data/table.parquet"``)."""

    folder: Path
    names: set[str] = field(default_factory=set)
    adopted: bool = False  # recognised from an older report's summary.json (no manifest yet)

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def read(cls, folder: str | Path) -> "Manifest | None":
        """The manifest of ``folder``; None when the folder is not a report of ours (or does not exist)."""
        folder = Path(folder)
        path = folder / MANIFEST
        if path.is_file():
            try:
                names = json.loads(path.read_text(encoding="utf-8"))["files"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ReportError(f"{path} is not a readable manifest ({exc}); it marks {folder} as a report of "
                                  "ecombalance: delete it only if that folder holds no report") from exc
            return cls(folder, {str(n) for n in names})
        return cls._adopt(folder)

    @classmethod
    def _adopt(cls, folder: Path) -> "Manifest | None":
        """A report written before manifests: its ``summary.json`` lists the notebooks and their files."""
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
            entries = summary["notebooks"]
            stems = [str(e["notebook"]) for e in entries if isinstance(e, dict) and "status" in e]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not stems or len(stems) != len(entries) or not (folder / "index.html").is_file():
            return None
        names = {"index.html", "summary.json"}
        names |= {n for n in ("glossary.html",) if (folder / n).is_file()}
        names |= {"mathjax/"} if (folder / "mathjax" / ".installed-from").is_file() else set()
        names |= {n for n in planned_names(stems) if (folder / n).is_file()}
        return cls(folder, names, adopted=True)

    def owns(self, name: str) -> bool:
        """Whether ``name`` (a file, or a folder with a trailing ``/``) is ours, or lies in a folder of ours."""
        parts = name.split("/")
        return name in self.names or any("/".join(parts[:i]) + "/" in self.names for i in range(1, len(parts)))

    def claim(self, names: Iterable[str]) -> None:
        """Mark ``names`` as ours before writing them, and save."""
        self.names |= set(names)
        self.save()

    def save(self, prune: bool = False) -> None:
        """Write the manifest (atomically); ``prune`` first drops the names that were claimed but not written."""
        if prune:
            self.names = {n for n in self.names if (self.folder / n.rstrip("/")).exists()}
        payload = {"written_by": "ecombalance", "note": "the files ecombalance wrote here; only these are ever "
                   "replaced or removed by a report", "files": sorted(self.names)}
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def _probe_writable(folder: Path) -> str | None:
    """Why nothing can be written into the existing ``folder``, or None (tries a temporary file: permissions,
    read-only file systems and root alike)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".ecombalance-probe-"):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def check_out(out: str | Path, force: bool = False, words: Mapping[str, str] = PYTHON_WORDS) -> Path:
    """Check the report folder before anything runs or is written; return it resolved.

    Raises :class:`~ecombalance.exceptions.ReportError` when ``out`` is a file (or under one), cannot be written,
    is locked by a running report, or holds files ecombalance did not write (unless ``force``).
    """
    out = Path(out).expanduser().resolve()
    flag = words["given"].format(out=str(out))
    if out.exists() and not out.is_dir():
        raise ReportError(f"{flag} is a file, not a folder; give the folder the report goes into (it is created "
                          "when missing)")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ReportError(f"{flag} cannot be created: {existing} is a file, not a folder")
    why = _probe_writable(existing)
    if why:
        raise ReportError(f"{flag} cannot be written: {existing}: {why}; choose a folder you can write to")
    if existing != out:
        return out
    holder = live_lock(out)
    if holder:
        raise ReportError(_locked_message(out, holder))
    if Manifest.read(out) is None and _entries(out) and not force:
        raise ReportError(f"{flag} holds files that ecombalance did not write ({_listed(_entries(out))}); a report "
                          f"goes into an empty folder or one of its own reports. Choose another {words['out']}, or "
                          f"pass {words['force']} to write beside them (no file of yours is replaced or removed)")
    return out


def check_clashes(out: Path, names: Iterable[str], words: Mapping[str, str] = PYTHON_WORDS) -> None:
    """Raise when a name the run would write exists in ``out`` and is not ours (even when forced)."""
    if not out.is_dir():
        return
    manifest = Manifest.read(out) or Manifest(out)
    taken = [n for n in names if (out / n.rstrip("/")).exists() and not manifest.owns(n)]
    if taken:
        given = words["given"].format(out=str(out))
        raise ReportError(f"{given}: the report would replace {_listed(taken)}, which ecombalance did not "
                          f"write; move them away or choose another {words['out']} (your files are never replaced)")


# ---------------------------------------------------------------------------------------------------------------
# one run at a time
# ---------------------------------------------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process (or a platform without signal 0): assume it runs
    return True


def live_lock(out: Path) -> dict | None:
    """The owner (``pid``, ``host``, ``started``) of a lock on ``out`` whose process still runs, else None (no
    lock, this process's own, or a stale one: a dead process on this host, or an unreadable old file)."""
    path = Path(out) / LOCK
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        pid, host = int(holder["pid"]), str(holder["host"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):  # being written, or a torn leftover
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE_UNREADABLE_LOCK_S:
                return None
        return {"pid": "?", "host": "?", "started": "just now"}
    if host == socket.gethostname() and (pid == os.getpid() or not _alive(pid)):
        return None
    return holder


def _locked_message(out: Path, holder: Mapping) -> str:
    return (f"another ecombalance report (process {holder.get('pid')} on {holder.get('host')}, started "
            f"{holder.get('started')}) is writing into {out}; wait for it to finish or choose another folder. If no "
            f"report is running there, delete {out / LOCK}")


@contextlib.contextmanager
def locked(out: Path) -> Iterator[Path]:
    """Hold the lock of ``out`` (created when missing) while the block runs; re-entrant within a thread.

    Raises :class:`~ecombalance.exceptions.ReportError` naming the other run when a live one holds it (another
    process, or another thread of this one); a stale lock is replaced.
    """
    out = Path(out).resolve()
    held = _HELD.get(out)
    if held is not None:
        if held[0] != threading.get_ident():
            raise ReportError(_locked_message(out, {"pid": os.getpid(), "host": socket.gethostname(),
                                                    "started": "in another thread of this process"}))
        held[1] += 1
        try:
            yield out
        finally:
            held[1] -= 1
        return
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    owner = {"pid": os.getpid(), "host": socket.gethostname(),
             "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = live_lock(out)
            if holder:
                raise ReportError(_locked_message(out, holder)) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # a dead run's lock
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(owner, handle)
        break
    else:
        raise ReportError(f"could not lock {out}: {path} keeps coming back; is another report starting there?")
    _HELD[out] = [threading.get_ident(), 1]
    try:
        yield out
    finally:
        del _HELD[out]
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == owner["pid"]:
                path.unlink()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, so that a reader never sees half of it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
