"""The report harness end to end, on tiny notebooks written here (one real kernel each)."""

import base64
import json
import re
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import write_notebook

from ecombalance._reporting import cli, headline, outdir, pagecheck
from ecombalance._reporting import runner as report
from ecombalance.exceptions import ReportInterrupted

GOOD = ("from ecombalance._reporting import headline", "headline.record(doubled=n * 2, label=name, share=n / 3)")


@pytest.fixture
def project(tmp_path, monkeypatch):
    nbdir, pdir = tmp_path / "notebooks", tmp_path / "params"
    write_notebook(nbdir / "01_good.ipynb", 'n = 1\nname = "x"', *GOOD)
    write_notebook(nbdir / "02_bad.ipynb", "fail = True", "x = 1", "if fail:\n    raise ValueError('boom')")
    pdir.mkdir()
    (pdir / "smoke.yaml").write_text("n: 2\n")
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_partial_run_keeps_other_entries_in_the_summary(project):
    out = project / "out"
    report.run_report("smoke", ["01"], out, log=lambda _: None)
    report.run_report("smoke", ["02"], out, overrides={"fail": False}, log=lambda _: None)
    summary = json.loads((out / "summary.json").read_text())
    assert [e["notebook"] for e in summary["notebooks"]] == ["01_good", "02_bad"]


@pytest.mark.slow
def test_an_interrupted_run_indexes_what_finished_and_marks_the_rest(project, monkeypatch, capsys):
    import papermill

    out = project / "out"
    report.run_report("smoke", ["01", "02"], out, overrides={"fail": False}, log=lambda _: None)
    old_html = (out / "02_bad.html").read_text()
    real_execute, calls = papermill.execute_notebook, []

    def execute_then_ctrl_c(notebook, output, **kwargs):  # the second notebook is stopped mid-run
        calls.append(notebook)
        if len(calls) == 2:
            nbformat.write(nbformat.read(notebook, as_version=4), output)  # papermill's partial copy
            raise KeyboardInterrupt
        return real_execute(notebook, output, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", execute_then_ctrl_c)
    code = cli.main(["report", "--profile", "smoke", "--out", str(out), "-p", "n", "5", "--notebooks", "01,02"])
    assert code == 130
    assert "interrupted by Ctrl-C" in capsys.readouterr().err
    entries = {e["notebook"]: e for e in json.loads((out / "summary.json").read_text())["notebooks"]}
    first, second = entries["01_good"], entries["02_bad"]
    assert first["status"] == "ok" and first["headline"]["doubled"] == 10  # this run's numbers, not the old 4
    assert second["status"] == "interrupted" and second["last_good"] and second["html"] == "02_bad.html"
    assert list(out.glob("*.running.ipynb")) == [] and not (out / "02_bad.failed.ipynb").exists()
    assert (out / "02_bad.html").read_text() == old_html  # the last good page, untouched
    index = (out / "index.html").read_text()
    assert '<td>doubled</td><td class="num">10</td>' in index
    assert '<span class="badge failed">interrupted</span>' in index and "1 interrupted" in index


def test_sigterm_ends_the_run_as_an_interrupt_and_a_stale_running_copy_is_removed(project, monkeypatch):
    import os
    import signal

    import papermill

    out = project / "out"
    out.mkdir()
    (out / "02_bad.running.ipynb").write_text("{}")  # left by a run of ours killed outright
    outdir.Manifest(out).claim(["02_bad.running.ipynb"])
    (out / "mine.running.ipynb").write_text("{}")  # the user's, beside it: never removed

    def terminated(notebook, output, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(papermill, "execute_notebook", terminated)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(ReportInterrupted, match="interrupted by SIGTERM") as stop:
        report.run_report("smoke", ["01", "02"], out, log=lambda _: None)
    assert [run.status for run in stop.value.result.runs] == ["interrupted"]
    assert signal.getsignal(signal.SIGTERM) is handler  # the caller's handler again
    assert list(out.glob("*.running.ipynb")) == [out / "mine.running.ipynb"]
    entry = json.loads((out / "summary.json").read_text())["notebooks"]
    assert [(e["notebook"], e["status"]) for e in entry] == [("01_good", "interrupted")]


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


# ---------------------------------------------------------------------------------------------
# options for a user's file: checked, with the table, before any kernel starts
# ---------------------------------------------------------------------------------------------

DATA_PARAMETERS = ('data_path = ""\nlabel_col = ""\ntext_cols = []\ngroup_col = ""\nmin_class_size = 0\n'
                   'min_class_action = "merge"\nexclude_cols = []\nfeature_cols = []\ntext_pair = []\ngains = {}\n'
                   'encoding = ""\n')


@pytest.fixture
def data_project(tmp_path, monkeypatch):
    """Notebooks that read a user's file (01 with 5 folds, 02 with a test split, 03 with fewer data options), and
    a fake runner that
    records what it was asked to run: any test that reaches it has passed every check."""
    nbdir, pdir = tmp_path / "notebooks", tmp_path / "params"
    write_notebook(nbdir / "01_folds.ipynb", DATA_PARAMETERS + "folds = 5")
    write_notebook(nbdir / "02_split.ipynb", DATA_PARAMETERS + "test_size = 0.25")
    write_notebook(nbdir / "03_text.ipynb", 'data_path = ""\nlabel_col = ""\ntext_cols = []')  # fewer options
    pdir.mkdir()
    (pdir / "smoke.yaml").write_text("notebooks:\n  02: {test_size: 0.3}\n")
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path))
    monkeypatch.delenv("ECOMBALANCE_CACHE", raising=False)
    calls = []

    def fake_run_report(**kwargs):
        import os

        calls.append({**kwargs, "cache": os.environ.get("ECOMBALANCE_CACHE")})
        return report.ReportResult(kwargs["out"], [])

    monkeypatch.setattr(report, "run_report", fake_run_report)
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    rng = np.random.default_rng(0)
    kind = rng.choice(["shoes", "bags", "hats"], 90, p=[0.6, 0.3, 0.1])
    pd.DataFrame({"title": [f"{rng.choice(['red', 'soft'])} {k} {i % 7}" for i, k in enumerate(kind)],
                  "price": rng.lognormal(3, 1, 90).round(2), "kind_code": pd.Series(kind).map(
                      {"shoes": 1, "bags": 2, "hats": 3}), "kind": kind}).to_csv(work / "data" / "x.csv", index=False)
    monkeypatch.chdir(work)
    return SimpleNamespace(root=tmp_path, work=work, calls=calls)


@pytest.mark.parametrize("argv", [["--text-col", "t"], ["--group-col", "g"], ["--min-class-size", "5"],
                                  ["--exclude-col", "x"], ["--feature-col", "x"], ["--encoding", "latin-1"],
                                  ["--text-pair", "a", "b"], ["--gains", "{E: 1}"], ["--min-class-action", "drop"]])
def test_data_options_without_data_are_rejected(data_project, capsys, argv):
    assert cli.main(["report", "--profile", "smoke", "--out", "out", *argv]) == 2
    assert f"{argv[0]} only apply with --data FILE" in capsys.readouterr().err
    assert not data_project.calls and not (data_project.work / "out").exists()


def test_an_empty_notebook_selection_is_rejected_not_read_as_all(data_project, capsys):
    assert cli.main(["report", "--profile", "smoke", "--notebooks", "", "--out", "out"]) == 2
    assert "--notebooks '' names no notebook" in capsys.readouterr().err
    assert cli.main(["params", "--notebooks", " , "]) == 2
    assert not data_project.calls


def test_an_out_folder_inside_the_notebooks_is_refused(data_project, capsys):
    before = sorted(p.name for p in (data_project.root / "notebooks").iterdir())
    for out in ("../notebooks", str(data_project.root / "notebooks" / "run")):
        assert cli.main(["report", "--profile", "smoke", "--out", out]) == 2
        assert "is inside the project's notebooks folder" in capsys.readouterr().err
    assert sorted(p.name for p in (data_project.root / "notebooks").iterdir()) == before
    assert not data_project.calls


def test_relative_data_and_out_are_the_callers_and_the_table_is_checked_first(data_project, capsys):
    code = cli.main(["report", "--profile", "smoke", "--out", "out", "--data", "data/x.csv", "--label-col", "kind",
                     "--text-col", "title", "--text-pair", "title", "kind_code", "--exclude-col", "price"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    (call,) = data_project.calls
    data = str(data_project.work / "data" / "x.csv")
    assert call["out"] == data_project.work / "out"  # against the caller's directory, not notebooks/
    assert call["overrides"]["data_path"] == data
    assert call["overrides"]["text_pair"] == ["title", "kind_code"] and call["overrides"]["exclude_cols"] == ["price"]
    assert call["cache"] == str(data_project.work / "out" / ".cache")  # the user's embeddings beside the report
    assert "ECOMBALANCE_CACHE" not in __import__("os").environ
    assert f"checked {data}: 90 rows, label 'kind' with 3 classes" in printed and printed.count("checked") == 1
    assert "features: ['title', 'kind_code']" in printed
    assert "column 'price' not used as a feature (excluded by --exclude-col)" in printed


def test_a_leaking_column_is_named_before_the_run(data_project, capsys):
    assert cli.main(["report", "--profile", "smoke", "--out", "out", "--data", "data/x.csv",
                     "--label-col", "kind", "--text-col", "title"]) == 0
    printed = capsys.readouterr().out
    assert "column 'kind_code' not used as a feature (alone it predicts 'kind' out of fold" in printed
    assert "features: ['title', 'price']" in printed


@pytest.mark.parametrize("argv, message", [
    (["--text-col", "kind"], "'kind' is the label and cannot also be a text column (--text-col)"),
    (["--group-col", "kind"], "'kind' is the label and cannot also be the group column"),
    (["--text-col", "body"], "text column(s) ['body'] not found"),
    (["--gains", "{shoes: 1, bags: high}"], "--gains must map each label to a number"),
    (["--gains", "{shoes: 1, bags: 0}"], "classes ['hats'] have no gain"),
    (["--encoding", "klingon"], "unknown encoding 'klingon'"),
    (["--min-class-size", "-1"], "--min-class-size must be 0 or more"),
])
def test_bad_data_options_stop_before_any_kernel_starts(data_project, capsys, argv, message):
    code = cli.main(["report", "--profile", "smoke", "--out", "out", "--data", "data/x.csv", "--label-col", "kind",
                     *argv])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not data_project.calls and not (data_project.work / "out").exists()


def test_a_bad_file_stops_before_any_kernel_starts(data_project, capsys):
    (data_project.work / "data" / "rep.csv").write_text("title,kind,kind\na,x,x\nb,y,y\n")
    assert cli.main(["report", "--profile", "smoke", "--data", "data/rep.csv", "--label-col", "kind"]) == 2
    assert "rep.csv: the header repeats 'kind' (columns 2, 3)" in capsys.readouterr().err
    assert cli.main(["report", "--profile", "smoke", "--data", "data/none.csv", "--label-col", "kind"]) == 2
    assert "none.csv: no such file" in capsys.readouterr().err
    assert not data_project.calls


def test_one_class_minimum_for_the_whole_report_is_the_largest_need(data_project, capsys):
    frame = pd.read_csv(data_project.work / "data" / "x.csv")
    frame.loc[:3, "kind"] = "rare"  # 4 rows: enough for 02's splits (3), not for 01's 5 folds
    frame.to_csv(data_project.work / "data" / "rare.csv", index=False)
    argv = ["report", "--profile", "smoke", "--out", "out", "--data", "data/rare.csv", "--label-col", "kind"]
    assert cli.main([*argv, "--notebooks", "02"]) == 0
    assert cli.main([*argv, "--min-class-size", "3"]) == 2
    err = capsys.readouterr().err
    assert "1 class {'rare': 4} in 'kind' have fewer rows than the 5 folds need" in err
    assert "--min-class-size 5" in err and "--min-class-action drop" in err
    assert ("One minimum serves the whole report: the largest need of the selected notebooks is 5 rows per class "
            "(01_folds: 5 (5 folds); 02_split: 3 (stratified splits))") in err
    assert cli.main([*argv, "--min-class-size", "5", "--min-class-action", "drop"]) == 0
    assert data_project.calls[-1]["overrides"]["min_class_action"] == "drop"
    assert "dropped 4 rows of 1 class with < 5 rows" in capsys.readouterr().out


def test_gains_may_come_from_a_yaml_file(data_project):
    (data_project.work / "gains.yaml").write_text("shoes: 1\nbags: 0.5\nhats: 0\n")
    assert cli.main(["report", "--profile", "smoke", "--out", "out", "--data", "data/x.csv", "--label-col", "kind",
                     "--gains", "gains.yaml"]) == 0
    assert data_project.calls[-1]["overrides"]["gains"] == {"shoes": 1, "bags": 0.5, "hats": 0}


def test_a_relative_data_path_given_as_a_parameter_is_the_callers_too(data_project):
    assert cli.main(["report", "--profile", "smoke", "--out", "out", "-p", "data_path", "data/x.csv",
                     "-p", "label_col", "kind"]) == 0
    assert data_project.calls[-1]["overrides"]["data_path"] == str(data_project.work / "data" / "x.csv")
# a 1x1 PNG
PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.mark.slow
def test_quiet_kernels_one_line_bars_conclusions_figure_and_offline_math(project, capfd):
    write_notebook(
        project / "notebooks" / "03_story.ipynb", "steps = 5",
        "from ecombalance._progress import progress_bar\nfrom ecombalance._reporting import headline",
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
    assert "steps: 100%" not in page and pagecheck.problems(page) == []  # the HTML drops the progress line
    assert '<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/ecombalance">' in page
    assert re.findall(r'src="(https?:[^"]*)"', page) == []  # nothing loaded from the network
    assert (out / "mathjax" / "MathJax.js").is_file()
    assert 'webFont: "STIX-Web"' in (out / "mathjax" / "config" / "local" / "ecombalance.js").read_text()
    assert (out / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").is_dir()


def test_a_missing_mathjax_package_is_named_before_any_kernel_starts(project, capsys, monkeypatch):
    from ecombalance._reporting import mathjax

    monkeypatch.setattr(mathjax, "MATHJAX_PACKAGE", "no_such_mathjax_package")
    assert cli.main(["report", "--profile", "smoke", "--out", str(project / "out")]) == 2
    assert "jupyter-server-mathjax is not installed; the report needs it to render formulas offline" \
        in capsys.readouterr().err
    assert not (project / "out" / "01_good.ipynb").exists()
