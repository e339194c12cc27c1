"""``ecombalance compare DIR_A DIR_B`` on real report folders of tiny notebooks (one kernel each)."""

import json
import re

import pytest
from conftest import write_notebook

from ecombalance._reporting import cli, compare
from ecombalance._reporting import runner as report
from ecombalance.exceptions import CompareError

GOOD = ("from ecombalance._reporting import headline",
        "headline.record(doubled=n * 2, label=name)\nheadline.conclude(f'- doubled is **{n * 2}**')")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A: 01 ok (n=2), 02 failed. B: 01 ok (n=5), 02 ok, 03 ok (a notebook A did not run)."""
    root = tmp_path_factory.mktemp("compare")
    nbdir = root / "notebooks"
    write_notebook(nbdir / "01_good.ipynb", 'n = 1\nname = "x"', *GOOD)
    write_notebook(nbdir / "02_bad.ipynb", "fail = True", "if fail:\n    raise ValueError('boom')")
    write_notebook(nbdir / "03_extra.ipynb", "k = 1", "from ecombalance._reporting import headline",
                   "headline.record(k=k)")
    pdir = root / "params"
    pdir.mkdir()
    (pdir / "smoke.yaml").write_text("n: 2\n")
    quiet = {"notebooks_dir": nbdir, "params_dir": pdir, "log": lambda _: None}
    a = report.run_report("smoke", ["01", "02"], root / "runs" / "a", **quiet)
    b = report.run_report("smoke", ["01", "02", "03"], root / "runs" / "b", overrides={"n": 5, "fail": False}, **quiet)
    assert not a.ok and b.ok
    return root


@pytest.mark.slow
def test_compare_puts_two_folders_side_by_side(folders, capsys, monkeypatch):
    monkeypatch.chdir(folders)
    assert cli.main(["compare", "runs/a", "runs/b"]) == 0
    out = folders / "compare-a-vs-b.html"
    assert capsys.readouterr().out.strip() == f"comparison: {out}"
    page = out.read_text()
    # the overview: statuses, including a notebook that failed in A and one that only B ran
    overview = page[page.index("<table>"):page.index("</table>")]
    assert re.findall(r'href="#(\w+)">.*?badge (\w+)">([\w ]+)<.*?badge (\w+)">([\w ]+)<.*?"num">([^<]+)<', overview) == [
        ("01_good", "ok", "ok", "ok", "ok", "1 of 2"), ("02_bad", "failed", "failed", "ok", "ok", "0 of 0"),
        ("03_extra", "failed", "not run", "ok", "ok", "-")]
    assert "<li><code>03_extra</code> only in B</li>" in page and "only in A" not in page
    assert '<section class="nb failed" id="02_bad">' in page and '<section class="nb absent" id="03_extra">' in page
    # parameters that differ, highlighted, with both values
    assert re.search(r'<tr class="differ"><td><code>n</code></td><td class="num">2</td><td class="num">5</td>'
                     r"<td>01_good</td></tr>", page)
    assert re.search(r'<tr class="differ"><td><code>fail</code></td><td class="missing">notebook default</td>'
                     r'<td class="value">False</td><td>02_bad</td></tr>', page)
    # per-metric differences and both runs' conclusions
    assert re.search(r'<tr class="differ"><td>doubled</td><td class="num">4</td><td class="num">10</td>'
                     r'<td class="num up">\+6</td></tr>', page)
    assert re.search(r'<tr class=""><td>label</td><td class="value">x</td><td class="value">x</td>', page)
    assert "doubled is <strong>4</strong>" in page and "doubled is <strong>10</strong>" in page
    # the failure is named, and links go to each folder's pages
    assert "raised ValueError: boom" in page
    assert 'href="runs/a/01_good.html"' in page and 'href="runs/b/03_extra.html"' in page
    assert 'href="runs/a/02_bad.html"' not in page  # A has no page of the failed notebook, but its executed copy
    assert '<a href="runs/a/02_bad.failed.ipynb">executed copy</a>' in page
    assert 'href="runs/a/index.html"' in page and '<script src="runs/a/mathjax/MathJax.js' in page


@pytest.mark.slow
def test_compare_writes_where_asked_with_links_relative_to_it(folders):
    out = folders / "pages" / "deep" / "cmp.html"
    assert compare.write_comparison(folders / "runs" / "b", folders / "runs" / "a", out) == out
    page = out.read_text()
    assert 'href="../../runs/b/01_good.html"' in page
    assert re.search(r"<td>doubled</td><td class=\"num\">10</td><td class=\"num\">4</td>"
                     r"<td class=\"num down\">-6</td>", page)


def test_differences_of_two_mappings():
    rows = compare.differences({"a": 1, "b": 0.5, "s": "x", "t": True}, {"b": 0.75, "s": "y", "t": True, "c": 2})
    assert [(r["name"], r["a"], r["b"], r["differ"], r["delta"]) for r in rows] == [
        ("a", 1, None, True, None), ("b", 0.5, 0.75, True, 0.25), ("s", "x", "y", True, None),
        ("t", True, True, False, None), ("c", None, 2, True, None)]


@pytest.mark.slow
def test_compare_refuses_what_is_not_a_report(folders, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli.main(["compare", str(folders / "runs" / "a"), str(tmp_path / "empty")]) == 2
    assert f"{tmp_path / 'empty'} is not a report folder: it has no summary.json" in capsys.readouterr().err
    assert cli.main(["compare", str(tmp_path / "nowhere"), str(folders / "runs" / "a")]) == 2
    assert "is not a folder; give two report folders" in capsys.readouterr().err
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text("{not json")
    with pytest.raises(CompareError, match="summary.json is not valid JSON"):
        compare.load_summary(tmp_path / "broken")
    (tmp_path / "broken" / "summary.json").write_text(json.dumps({"profile": "x"}))
    with pytest.raises(CompareError, match="lists no notebooks"):
        compare.load_summary(tmp_path / "broken")
    with pytest.raises(CompareError, match="give a file name ending in .html"):
        compare.write_comparison(folders / "runs" / "a", folders / "runs" / "b", tmp_path / "out.txt")
