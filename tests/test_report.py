"""The report harness end to end, on tiny notebooks written here (one real kernel each)."""

import base64
import json
import re

import nbformat
import pytest
from conftest import write_notebook

from ecombalance.report import cli, headline
from ecombalance.report import runner as report

GOOD = ("from ecombalance.report import headline", "headline.record(doubled=n * 2, label=name, share=n / 3)")


@pytest.fixture
def project(tmp_path, monkeypatch):
    nbdir, pdir = tmp_path / "notebooks", tmp_path / "params"
    write_notebook(nbdir / "01_good.ipynb", 'n = 1\nname = "x"', *GOOD)
    write_notebook(nbdir / "02_bad.ipynb", "fail = True", "x = 1", "if fail:\n    raise ValueError('boom')")
    pdir.mkdir()
    (pdir / "smoke.yaml").write_text("n: 2\n")
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path))
    return tmp_path


def test_report_runs_records_headlines_and_names_the_failing_cell(project, capsys):
    out = project / "out"
    code = cli.main(["report", "--profile", "smoke", "--out", str(out), "-p", "name", "cli"])
    assert code == 1
    err = capsys.readouterr().err
    assert "02_bad failed at code cell 3 ('if fail:') raised ValueError: boom" in err

    summary = json.loads((out / "summary.json").read_text())
    entries = {e["notebook"]: e for e in summary["notebooks"]}
    good, bad = entries["01_good"], entries["02_bad"]
    assert good["status"] == "ok" and good["parameters"] == {"n": 2, "name": "cli"}
    assert good["headline"] == {"doubled": 4, "label": "cli", "share": pytest.approx(2 / 3)}
    assert good["seconds"] > 0
    assert bad["status"] == "failed" and bad["failed_cell"] == 3
    assert (out / "01_good.html").exists() and (out / "01_good.ipynb").exists()
    assert not (out / "02_bad.html").exists()
    assert (out / "02_bad.failed.ipynb").exists()

    executed = nbformat.read(out / "01_good.ipynb", as_version=4)
    assert headline.read(executed) == good["headline"]
    index = (out / "index.html").read_text()
    assert '<a href="01_good.html">01_good</a>' in index and '<td>doubled</td><td class="num">4</td>' in index
    assert "ValueError: boom" in index and "02_bad.failed.ipynb" in index


def test_failure_keeps_the_last_good_html(project):
    out = project / "out"
    result = report.run_report("smoke", ["02"], out, overrides={"fail": False}, log=lambda _: None)
    assert result.ok
    good_html = (out / "02_bad.html").read_text()
    result = report.run_report("smoke", ["02"], out, log=lambda _: None)
    assert not result.ok
    assert (out / "02_bad.html").read_text() == good_html
    entry = json.loads((out / "summary.json").read_text())["notebooks"][0]
    assert entry["status"] == "failed" and entry["html"] == "02_bad.html" and entry["last_good"]
    # the successful re-run removes the stale failed copy
    report.run_report("smoke", ["02"], out, overrides={"fail": False}, log=lambda _: None)
    assert not (out / "02_bad.failed.ipynb").exists()


def test_partial_run_keeps_other_entries_in_the_summary(project):
    out = project / "out"
    report.run_report("smoke", ["01"], out, log=lambda _: None)
    report.run_report("smoke", ["02"], out, overrides={"fail": False}, log=lambda _: None)
    summary = json.loads((out / "summary.json").read_text())
    assert [e["notebook"] for e in summary["notebooks"]] == ["01_good", "02_bad"]


@pytest.mark.parametrize(
    "argv, message",
    [(["-p", "nn", "3"], "unknown parameter 'nn'"),
     (["-p", "n", "three"], "parameter 'n' takes a int"),
     (["--notebooks", "07"], "no notebook '07'"),
     (["--profile", "fast"], "unknown profile 'fast'")],
)
def test_bad_options_fail_before_any_kernel_starts(project, capsys, argv, message):
    out = project / "out"
    assert cli.main(["report", "--out", str(out), "--profile", "smoke", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_params_command_lists_parameters(project, capsys):
    assert cli.main(["params"]) == 0
    printed = capsys.readouterr().out
    assert "01_good" in printed and "n" in printed and "02_bad" in printed and "fail" in printed


# a 1x1 PNG
PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_quiet_kernels_one_line_bars_conclusions_figure_and_offline_math(project, capfd):
    write_notebook(
        project / "notebooks" / "03_story.ipynb", "steps = 5",
        "from ecombalance._progress import progress_bar\nfrom ecombalance.report import headline",
        "for _ in progress_bar(range(steps), desc='steps', mininterval=0):\n    pass",
        f"import base64\nfrom IPython.display import Image, display\ndisplay(Image(data=base64.b64decode('{PIXEL}')))",
        "headline.record(steps=steps)\nheadline.conclude('- $x^2$ grew by **{}**'.format(steps))",
    )
    out = project / "out"
    assert cli.main(["report", "--profile", "smoke", "--out", str(out), "--notebooks", "02,03"]) == 1
    terminal = capfd.readouterr()  # the kernels' own stderr too (they inherit the file descriptors)
    assert "without encryption" not in terminal.err and "IPKernelApp" not in terminal.err
    assert "02_bad failed at code cell 3 ('if fail:') raised ValueError: boom" in terminal.err  # errors still shown
    assert re.findall(r"^  (ok|FAILED) +(\w+)", terminal.out, re.M) == [("FAILED", "02_bad"), ("ok", "03_story")]

    executed = nbformat.read(out / "03_story.ipynb", as_version=4)
    streams = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert len(streams) == 1 and streams[0].name == "stdout"
    assert re.fullmatch(r"steps: 100%\|█+\| 5/5 \[[^\]]+\]\n", streams[0].text)  # the final line only

    entry = json.loads((out / "summary.json").read_text())["notebooks"][1]
    assert entry["conclusions"] == "- $x^2$ grew by **5**" and entry["title"] == "test notebook"
    assert entry["figure"] == "03_story.png"
    assert (out / "03_story.png").read_bytes() == base64.b64decode(PIXEL)
    index = (out / "index.html").read_text()
    assert "<li>$x^2$ grew by <strong>5</strong></li>" in index and '<img src="03_story.png"' in index

    page = (out / "03_story.html").read_text()
    assert '<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/ecombalance">' in page
    assert re.findall(r'src="(https?:[^"]*)"', page) == []  # nothing loaded from the network
    assert (out / "mathjax" / "MathJax.js").is_file()
    assert 'webFont: "STIX-Web"' in (out / "mathjax" / "config" / "local" / "ecombalance.js").read_text()
    assert (out / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").is_dir()


def test_a_missing_mathjax_package_is_named_before_any_kernel_starts(project, capsys, monkeypatch):
    from ecombalance.report import mathjax

    monkeypatch.setattr(mathjax, "MATHJAX_PACKAGE", "no_such_mathjax_package")
    assert cli.main(["report", "--profile", "smoke", "--out", str(project / "out")]) == 2
    assert "jupyter-server-mathjax is not installed; the report needs it to render formulas offline" \
        in capsys.readouterr().err
    assert not (project / "out" / "01_good.ipynb").exists()
