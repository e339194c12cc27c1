"""The library's one progress helper: live bars interactively, one final line in an executed report."""

import io

import pytest

from ecombalance import _progress
from ecombalance._progress import PROGRESS_ENV, progress_bar


def run_bar(**kwargs) -> str:
    out = io.StringIO()
    bar = progress_bar(total=10, desc="work", file=out, **kwargs)
    for i in range(10):
        bar.set_postfix_str(f"step {i}")
        bar.set_description(f"work {i}")
        bar.update()
    bar.close()
    bar.close()  # a second close writes nothing more
    return out.getvalue()


def test_final_mode_draws_nothing_while_running_and_one_line_at_the_end(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "final")
    out = io.StringIO()
    bar = progress_bar(total=10, desc="work", file=out, mininterval=0)
    for _ in range(9):
        bar.update()
        bar.set_postfix_str("busy")
        bar.refresh()
    assert out.getvalue() == ""
    bar.update()
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\r" not in out.getvalue()
    assert lines[0].startswith("work: 100%") and "10/10" in lines[0] and "busy" in lines[0]


def test_final_mode_over_an_iterable_and_without_leave(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "final")
    out = io.StringIO()
    assert list(progress_bar(range(4), desc="items", file=out)) == [0, 1, 2, 3]
    assert out.getvalue().count("\n") == 1 and "4/4" in out.getvalue()
    assert run_bar(leave=False) == ""
    assert run_bar(disable=True) == ""


def test_off_mode_shows_nothing(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "off")
    assert run_bar() == ""


def test_live_mode_is_tqdm_auto_and_redraws(monkeypatch):
    from tqdm.auto import tqdm

    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert _progress.progress_mode() == "live"
    out = io.StringIO()
    bar = progress_bar(total=3, desc="live", file=out, mininterval=0)
    assert isinstance(bar, tqdm)
    for _ in range(3):
        bar.update()
    bar.close()
    assert out.getvalue().count("\r") >= 3  # every update redrawn in place


def test_unknown_mode_is_refused(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "quiet")
    with pytest.raises(ValueError, match=r"ECOMBALANCE_PROGRESS='quiet': choose one of \['live', 'final', 'off'\]"):
        progress_bar(total=1)
