"""The report's index page, built from summary.json alone (no kernel)."""

import re

import pandas as pd
import pytest

from ecombalance.chapters import findings
from ecombalance.reporting import index


def summary_frame() -> pd.DataFrame:
    """What evaluation.summarise returns, for two methods and the classes a (large) and b (small)."""
    rows = []
    for method, (f1, lo, hi, bal, rec_b) in {"base": (0.80, 0.75, 0.85, 0.78, 0.40),
                                             "smote": (0.84, 0.79, 0.88, 0.86, 0.70)}.items():
        rows += [{"method": method, "metric": "macro_f1", "class": "all", "pooled": f1, "ci_low": lo, "ci_high": hi},
                 {"method": method, "metric": "balanced_accuracy", "class": "all", "pooled": bal,
                  "ci_low": 0.0, "ci_high": 1.0},
                 {"method": method, "metric": "g_mean", "class": "all", "pooled": 0.5, "ci_low": 0.0, "ci_high": 1.0},
                 {"method": method, "metric": "recall", "class": "a", "pooled": 0.99, "ci_low": 0.9, "ci_high": 1.0},
                 {"method": method, "metric": "recall", "class": "b", "pooled": rec_b, "ci_low": 0.0, "ci_high": 1.0}]
    return pd.DataFrame(rows)


def effects_frame() -> pd.DataFrame:
    """The shape of findings.effects: one row per non-baseline method, (metric, baseline/difference/real)."""
    columns = pd.MultiIndex.from_product([["macro_f1", "recall_smallest"], ["baseline", "difference", "real"]])
    return pd.DataFrame([[0.80, 0.035, False, 0.40, 0.30, True]], index=["smote"], columns=columns)


def test_effects_headline_records_intervals_and_verdicts():
    numbers = findings.effects_headline(summary_frame(), "b", effects_frame())
    assert numbers == {
        "base/macro_f1": 0.80, "base/macro_f1_ci_low": 0.75, "base/macro_f1_ci_high": 0.85,
        "base/balanced_accuracy": 0.78, "base/recall_smallest": 0.40,
        "smote/macro_f1": 0.84, "smote/macro_f1_ci_low": 0.79, "smote/macro_f1_ci_high": 0.88,
        "smote/balanced_accuracy": 0.86, "smote/recall_smallest": 0.70,
        "smote/macro_f1_difference": 0.035, "smote/macro_f1_real": False,
        "smote/recall_smallest_difference": 0.30, "smote/recall_smallest_real": True,
    }
    without = findings.effects_headline(summary_frame(), "b")
    assert not any(k.endswith("_real") for k in without) and len(without) == 10


def test_method_table_sorts_by_macro_f1_and_says_which_differences_are_real():
    numbers = findings.effects_headline(summary_frame(), "b", effects_frame())
    numbers["worse/macro_f1"], numbers["worse/macro_f1_real"] = 0.70, True
    rows = index.method_rows({**numbers, "plain_number": 3})
    assert [r["method"] for r in rows] == ["smote", "base", "worse"]
    assert [r["baseline"] for r in rows] == [False, True, False]
    table = index.method_table(numbers)
    cells = re.findall(r"<tr class=\"(\w*)\"><td><code>([^<]+)</code></td><td class=\"num\">([^<]+)</td>", table)
    assert cells == [("", "smote", "0.840 [0.790, 0.880]"), ("baseline", "base", "0.800 [0.750, 0.850]"),
                     ("loss", "worse", "0.700")]
    # the difference the paired test measured where recorded (0.035, not 0.84 - 0.80), else from the values
    assert "macro-F1 +0.035 (within noise); smallest-class recall +0.300 (real)" in table
    assert "macro-F1 -0.100 (real)" in table
    assert index.method_table({"a": 1, "m/balanced_accuracy": 0.5}) == ""  # no macro-F1: no table


def entry(stem, status="ok", **extra):
    return {"notebook": stem, "status": status, "seconds": 1.5, "parameters": {"seed": 1},
            "headline": {"x": 0.123456}, "html": f"{stem}.html", "ipynb": f"{stem}.ipynb", **extra}


def test_index_shows_conclusions_figure_status_and_folds_the_numbers():
    summary = {"profile": "quick", "updated": "now", "notebooks": [
        entry("01_a", title="01 · A", conclusions="- found **this**\n- and `that`", figure="01_a.png"),
        entry("02_b", "failed", error="code cell 3 ('x') raised ValueError: boom", ipynb="02_b.failed.ipynb",
              last_good="yesterday", html=None, figure="02_b.png"),
    ]}
    page = index.index_html(summary, mathjax_url="mathjax/MathJax.js?config=X")
    assert "<li>found <strong>this</strong></li>" in page and "<code>that</code>" in page
    assert '<img src="01_a.png"' in page and '<img src="02_b.png"' not in page  # no figure for a failure
    assert '<a href="01_a.html">01 · A</a>' in page and '<span class="badge ok">ok</span> 1.5 s' in page
    assert "raised ValueError: boom" in page and '<a href="02_b.failed.ipynb">' in page and "yesterday" in page
    assert re.search(r"<details><summary>headline numbers \(1\)</summary><table><tbody><tr><td>x</td>"
                     r"<td class=\"num\">0.123</td>", page)
    assert '<script src="mathjax/MathJax.js?config=X"></script>' in page and "1 failed" in page
    assert "Your table" not in page  # generated data: no data section


def test_index_names_the_users_table_and_its_columns(tmp_path):
    csv = tmp_path / "catalogue.csv"
    csv.write_text("title,price,kind\nred shoe,3.5,shoes\n")
    parameters = {"data_path": str(csv), "label_col": "kind", "text_cols": ["title"], "group_col": "",
                  "min_class_size": 3}
    summary = {"profile": "smoke", "updated": "now", "notebooks": [entry("01_a", parameters=parameters)]}
    assert index.data_source(summary) == {"file": str(csv), "label_col": "kind", "text_cols": ["title"],
                                          "min_class_size": 3}
    page = index.index_html(summary)
    top = page[:page.index('<section class="nb')]
    assert f"file: <code>{csv}</code>" in top and "label column: <code>kind</code>" in top
    assert "text columns: <code>title</code>" in top and "min class size: <code>3</code>" in top
    assert "columns of the file (3): <code>title</code>, <code>price</code>, <code>kind</code>" in top
    csv.unlink()  # the file moved away: the index still names it
    assert f"file: <code>{csv}</code>" in index.index_html(summary)


@pytest.mark.parametrize("value, shown", [(0.123456, "0.123"), (3, "3"), (150.0, "150"), (12345, "12,345"),
                                          (0.89, "0.890"), (None, "–"), (float("nan"), "–"), (True, "yes")])
def test_fmt(value, shown):
    assert index.fmt(value) == shown
