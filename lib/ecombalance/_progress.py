"""Progress bars: the one helper every module of the library uses.

Interactively a bar is live: a widget in JupyterLab, a redrawn line in a terminal (``tqdm.auto``).
A notebook executed into a report stores every redraw as a line of output, so the report harness
sets ``ECOMBALANCE_PROGRESS=final`` for its kernels: a bar then draws nothing while it runs and
leaves one line when it closes (nothing when it was made with ``leave=False``). ``off`` shows no bar.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Iterable

PROGRESS_ENV = "ECOMBALANCE_PROGRESS"
PROGRESS_MODES = ("live", "final", "off")


def progress_mode() -> str:
    """The mode set by ``ECOMBALANCE_PROGRESS`` (``live`` when unset)."""
    mode = os.environ.get(PROGRESS_ENV, "").strip().lower() or "live"
    if mode not in PROGRESS_MODES:
        raise ValueError(f"{PROGRESS_ENV}={mode!r}: choose one of {list(PROGRESS_MODES)}")
    return mode


def _final_line_class():
    from tqdm.std import tqdm

    class FinalLineBar(tqdm):
        """A tqdm bar that draws nothing while it runs and, when closed, one line with its totals."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["delay"] = float("inf")  # never drawn by update()
            kwargs.setdefault("file", sys.stdout)  # a log line of the run, not an error
            super().__init__(*args, **kwargs)

        def refresh(self, nolock: bool = False, lock_args: Any = None) -> bool:
            return False  # set_description / set_postfix / the monitor thread redraw nothing

        def close(self) -> None:
            if getattr(self, "disable", True):
                return
            leave = abs(self.pos) == 0 if self.leave is None else self.leave
            if leave:
                self._ema_dt = lambda: None  # the overall rate, as tqdm's own last line shows it
                self.fp.write(f"{self}\n")
                self.fp.flush()
            super().close()  # never drawn, so it writes nothing more

    return FinalLineBar


def progress_bar(iterable: Iterable | None = None, **kwargs: Any):
    """A tqdm progress bar (same arguments as ``tqdm``) that follows :data:`PROGRESS_ENV`.

    ``live`` (default): ``tqdm.auto``, a widget in a notebook, text in a terminal. ``final``: nothing
    while running, one line at the end (none with ``leave=False``). ``off``: no output (``disable=True``).
    """
    mode = progress_mode()
    if mode == "off":
        kwargs["disable"] = True
    if mode == "final":
        return _final_line_class()(iterable, **kwargs)
    from tqdm.auto import tqdm

    return tqdm(iterable, **kwargs)
