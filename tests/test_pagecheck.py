"""The rendered-page check (reporting.pagecheck) and the HTML export that drops progress-bar lines."""

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from ecombalance._reporting import pagecheck, runner
from ecombalance.plotting import _style as style

BARS = [
    "experiment: 100%|██████████| 35/35 [00:39<00:00,  1.14s/it, none+torch_mlp:logit_adjusted fold 4]",
    "losses x folds: 100%|██████████| 24/24 [00:13<00:00,  1.76it/s]",
    " 40%|████      | 2/5 [00:01<00:02,  1.50it/s]",
    "Map: 100%|##########| 10/10 [00:00<00:00, 2000.00 examples/s]",
]
NOT_BARS = ["documented_case: 600 rows, 3 classes, IR 8.0:1", "recall 100% | precision 50%", "ratio 3/4 [note]"]


@pytest.mark.parametrize("line", BARS)
def test_progress_lines_are_recognised(line):
    assert pagecheck.is_progress_line(line)


@pytest.mark.parametrize("line", NOT_BARS)
def test_other_lines_are_not(line):
    assert not pagecheck.is_progress_line(line)


def test_strip_progress_keeps_everything_else():
    text = "rows: 600\n" + BARS[0] + "\n" + "\r".join(BARS[2:3] * 3) + "\ndone\n"
    assert pagecheck.strip_progress(text) == "rows: 600\ndone\n"


def output(html):
    return (f'<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"><pre>{html}</pre>'
            "</div>")


def test_problems_finds_bars_long_floats_and_raw_keys():
    page = (output("fitting\n" + BARS[1].replace("<", "&lt;"))
            + "<table><thead><tr><th>headline number</th><th>value</th></tr></thead><tbody>"
            + "<tr><td>plain_recall_smallest</td><td>0.560000</td></tr>"
            + "<tr><td>best loss</td><td>seed_balanced</td></tr>"
            + "<tr><td>none+logreg/macro_f1_ci_low</td><td>0.8047</td></tr>"
            + "<tr><td><code>n_queries</code></td><td>1.5e-07</td></tr></tbody></table>")
    assert pagecheck.problems(page) == [
        f"progress-bar line in a cell output: {BARS[1]!r}",
        "headline key shown raw instead of a label: 'plain_recall_smallest'",
        "number with more than 4 decimals in a table: '0.560000'",
        "headline key shown raw instead of a label: 'none+logreg/macro_f1_ci_low'",
    ]
    # a key of the report shown verbatim in any table
    assert pagecheck.problems("<table><tr><td>x</td><td>a_b</td></tr></table>", headline_keys=["a_b", "x"]) == [
        "headline key shown raw instead of a label: 'a_b'"]


def test_problems_finds_long_floats_in_a_printed_dict_only():
    """Issue 27: notebooks 00 and 02 printed dicts of 16-digit floats; a dict output may show at most 4 decimals."""
    long_dict = output("{'n_samples': 600,\n 'majority_share': 0.6666666666666666,\n 'ratio': 8.0}")
    assert pagecheck.problems(long_dict) == [
        "number with more than 4 decimals in a dict output: '0.6666666666666666'"]
    assert pagecheck.problems(output("{'n_samples': 600, 'majority_share': 0.6667}")) == []
    assert pagecheck.problems(output("rows: 0.6666666")) == []  # not a dict: a printed line is the notebook's own


def test_a_clean_page_has_no_problems():
    page = output("rows: 600") + "<table><tr><td>share of the largest class</td><td>0.667</td></tr>" \
        "<tr><td>version</td><td>2.10.1</td></tr><tr><td>rows</td><td>12,345.5</td></tr></table>"
    assert pagecheck.problems(page) == []


def test_the_html_export_drops_progress_lines_but_the_notebook_keeps_them():
    nb = new_notebook(cells=[new_code_cell("run()", outputs=[
        new_output("stream", name="stdout", text="rows: 600\n" + BARS[0] + "\n"),
        new_output("stream", name="stderr", text=BARS[3] + "\n"),
    ])])
    clean = runner.without_progress(nb)
    assert [o.text for o in clean.cells[0].outputs] == ["rows: 600\n"]  # the emptied stderr stream is gone
    assert len(nb.cells[0].outputs) == 2 and BARS[0] in nb.cells[0].outputs[0].text  # the original is untouched
    page = runner._to_html(nbformat.from_dict(nb))
    assert "rows: 600" in page and "it/s" not in page and "s/it" not in page
    assert not [p for p in pagecheck.problems(page) if p.startswith("progress")]


def test_table_formats_floats_integers_and_missing_values():
    frame = pd.DataFrame({"macro_f1": [0.853169, np.nan], "rows": [150.0, 1200.0], "n": [3, 12000],
                          "hit": [1.0, 0.0], "name": ["a_b", "c"]}, index=["x", "y"])
    styler = style.table(frame, gradient=["macro_f1"])
    page = styler.to_html()
    cells = [c.split(">", 1)[1] for c in page.split("<td ")[1:]]
    values = [c.split("<", 1)[0].strip() for c in cells]
    assert values == ["0.853", "150", "3", "1.000", "a_b", "–", "1,200", "12,000", "0.000", "c"]
    assert "background-color" in page  # the gradient
    assert pagecheck.problems(page) == []
    assert "background-color" not in style.table(frame["rows"]).to_html()
    with pytest.raises(KeyError, match=r"no column\(s\) \['g_mean'\]"):
        style.table(frame, gradient=["g_mean"])
    with pytest.raises(TypeError, match="table\\(\\) shows a pandas DataFrame or Series, got list"):
        style.table([1, 2])


def test_round_table_cells_rounds_only_long_numbers_in_cells():
    page = ('<table><tr><td>0.666667</td><td class="x"> -0.083333 </td><td>0.25</td><td>3.14159 s</td>'
            "<td>1234.567891</td></tr></table><p>0.666667</p>")
    assert pagecheck.round_table_cells(page) == (
        '<table><tr><td>0.667</td><td class="x"> -0.083 </td><td>0.25</td><td>3.14159 s</td>'
        "<td>1234.568</td></tr></table><p>0.666667</p>")


def test_the_html_export_rounds_a_dataframe_shown_as_it_is():
    frame = pd.DataFrame({"share": [400 / 600, 50 / 600]})
    nb = new_notebook(cells=[new_code_cell("frame", outputs=[new_output(
        "execute_result", data={"text/html": frame.to_html(), "text/plain": repr(frame)}, execution_count=1)])])
    page = runner._to_html(nb)
    assert "<td>0.667</td>" in page and "<td>0.083</td>" in page and "0.666667" not in page.split("<pre>")[0]
    assert pagecheck.problems(page) == []
    assert "0.666667" in nb.cells[0].outputs[0].data["text/html"]  # the notebook keeps its numbers
