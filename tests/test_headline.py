import math

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from ecombalance._reporting import headline


def test_numbers_are_stored_as_json_scalars():
    out = headline.as_json(a=np.float32(0.5), b=np.int64(3), c=True, d="x", e=math.nan, f=None)
    assert out == {"a": 0.5, "b": 3, "c": True, "d": "x", "e": None, "f": None}
    assert type(out["b"]) is int and type(out["a"]) is float


def test_record_rejects_non_scalars_and_nothing():
    with pytest.raises(TypeError, match="headline 'x': list is not a number"):
        headline.record(x=[1, 2])
    with pytest.raises(ValueError, match="at least one"):
        headline.record()


def test_record_displays_the_numbers_under_its_mime_type(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    assert headline.record(a=1, b=0.5) is None
    assert shown[0][headline.HEADLINE_MIME] == {"a": 1, "b": 0.5}
    assert "| a | 1 |" in shown[0]["text/markdown"]


def test_read_collects_records_in_order_later_wins():
    def out(data):
        return new_output("display_data", data={headline.HEADLINE_MIME: data, "text/markdown": "t"})

    nb = new_notebook(cells=[
        new_code_cell("", outputs=[out({"a": 1, "b": 2})]),
        new_code_cell("", outputs=[new_output("stream", name="stdout", text="hi"), out({"b": 3})]),
    ])
    assert headline.read(nb) == {"a": 1, "b": 3}


def test_conclude_displays_the_markdown_under_its_mime_type(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    assert headline.conclude("- one\n- two") is None
    assert shown == [{headline.CONCLUSIONS_MIME: {"markdown": "- one\n- two"}, "text/markdown": "- one\n- two"}]
    for bad in ("", "  \n", None, ["- a"]):
        with pytest.raises(ValueError, match="conclude\\(\\) needs the conclusions as non-empty Markdown"):
            headline.conclude(bad)


def test_read_conclusions_title_and_key_figure():
    import base64

    from nbformat.v4 import new_markdown_cell

    def png(data: bytes) -> dict:
        return new_output("display_data", data={"image/png": base64.b64encode(data).decode(), "text/plain": "fig"})

    def said(text):
        return new_output("display_data", data={headline.CONCLUSIONS_MIME: {"markdown": text}, "text/markdown": text})

    nb = new_notebook(cells=[
        new_markdown_cell("Intro\n\n## 03 · Resampling\n\n# later"),
        new_code_cell("", outputs=[png(b"first")]),
        new_code_cell("", outputs=[png(b"key")], metadata={"tags": [headline.KEY_FIGURE_TAG]}),
        new_code_cell("", outputs=[png(b"last"), said("- a")]),
        new_code_cell("", outputs=[said("- b")]),
    ])
    assert headline.read_title(nb) == "03 · Resampling"
    assert headline.read_conclusions(nb) == "- a\n- b"
    assert headline.read_key_figure(nb) == b"key"
    nb.cells[2].metadata = {}
    assert headline.read_key_figure(nb) == b"last"  # no tagged cell: the last figure
    empty = new_notebook(cells=[new_code_cell("", outputs=[new_output("stream", name="stdout", text="x")])])
    assert headline.read_key_figure(empty) is None
    assert headline.read_conclusions(empty) == "" and headline.read_title(empty) == ""
