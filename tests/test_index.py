"""The report's index page, built from summary.json alone (no kernel)."""

import re

import pandas as pd
import pytest

from ecombalance._chapters import findings
from ecombalance._reporting import index

BASE, SMOTE = "none+logreg", "smote+logreg"


def summary_frame() -> pd.DataFrame:
    """What evaluation.summarise returns, for two methods and the classes a (large) and b (small)."""
    rows = []
    for method, (f1, lo, hi, bal, rec_b) in {BASE: (0.80, 0.75, 0.85, 0.78, 0.40),
                                             SMOTE: (0.84, 0.79, 0.88, 0.86, 0.70)}.items():
        rows += [{"method": method, "metric": "macro_f1", "class": "all", "pooled": f1, "ci_low": lo, "ci_high": hi},
                 {"method": method, "metric": "balanced_accuracy", "class": "all", "pooled": bal,
                  "ci_low": 0.0, "ci_high": 1.0},
                 {"method": method, "metric": "g_mean", "class": "all", "pooled": 0.5, "ci_low": 0.0, "ci_high": 1.0},
                 {"method": method, "metric": "recall", "class": "a", "pooled": 0.99, "ci_low": 0.9, "ci_high": 1.0},
                 {"method": method, "metric": "recall", "class": "b", "pooled": rec_b, "ci_low": 0.0, "ci_high": 1.0}]
    return pd.DataFrame(rows)


def effects_frame() -> pd.DataFrame:
    """The shape of findings.effects: one row per compared method, what it is compared with, then (metric,
    baseline/difference/real)."""
    columns = pd.MultiIndex.from_tuples([("comparison", "against"), ("comparison", "kind")] + [
        (m, s) for m in ("macro_f1", "recall_smallest") for s in ("baseline", "difference", "real")])
    return pd.DataFrame([[BASE, "balancing", 0.80, 0.035, False, 0.40, 0.30, True]], index=[SMOTE], columns=columns)


def test_effects_headline_records_intervals_verdicts_and_what_was_compared():
    numbers = findings.effects_headline(summary_frame(), "b", effects_frame())
    assert numbers == {
        f"{BASE}/macro_f1": 0.80, f"{BASE}/macro_f1_ci_low": 0.75, f"{BASE}/macro_f1_ci_high": 0.85,
        f"{BASE}/balanced_accuracy": 0.78, f"{BASE}/recall_smallest": 0.40,
        f"{SMOTE}/macro_f1": 0.84, f"{SMOTE}/macro_f1_ci_low": 0.79, f"{SMOTE}/macro_f1_ci_high": 0.88,
        f"{SMOTE}/balanced_accuracy": 0.86, f"{SMOTE}/recall_smallest": 0.70, f"{SMOTE}/against": BASE,
        f"{SMOTE}/macro_f1_difference": 0.035, f"{SMOTE}/macro_f1_real": False,
        f"{SMOTE}/recall_smallest_difference": 0.30, f"{SMOTE}/recall_smallest_real": True,
    }
    without = findings.effects_headline(summary_frame(), "b")
    assert not any(k.endswith("_real") for k in without) and len(without) == 10


def test_method_table_sorts_by_macro_f1_and_says_what_each_method_is_compared_with():
    numbers = findings.effects_headline(summary_frame(), "b", effects_frame())
    numbers |= {"random_under+logreg/macro_f1": 0.70, "random_under+logreg/macro_f1_real": True,
                "random_under+logreg/macro_f1_difference": -0.1, "random_under+logreg/against": BASE,
                "none+torch_mlp:ce/macro_f1": 0.9, "none+torch_mlp:ce/macro_f1_real": True,
                "none+torch_mlp:ce/macro_f1_difference": 0.1, "none+torch_mlp:ce/against": BASE}
    rows = index.method_rows({**numbers, "plain_number": 3})
    assert [r["method"] for r in rows] == ["none+torch_mlp:ce", SMOTE, BASE, "random_under+logreg"]
    assert [r["baseline"] for r in rows] == [False, False, True, False]
    table = index.method_table(numbers)
    cells = re.findall(r"<tr class=\"(\w*)\"><td><code>([^<]+)</code></td><td class=\"num\">([^<]+)</td>", table)
    assert cells == [("gain", "none+torch_mlp:ce", "0.900"), ("", SMOTE, "0.840 [0.790, 0.880]"),
                     ("baseline", BASE, "0.800 [0.750, 0.850]"), ("loss", "random_under+logreg", "0.700")]
    # the difference the test measured (0.035, not 0.84 - 0.80), against the same model without balancing
    assert (f"against {BASE}: macro-F1 +0.035 (not enough evidence); smallest-class recall +0.300 (real)"
            in table)
    assert f"against {BASE}: macro-F1 -0.100 (real)" in table
    assert f"model choice against {BASE}: macro-F1 +0.100 (real)" in table  # two plain models: not balancing
    assert "difference to the same model without balancing (plain models: model choice)" in table
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
