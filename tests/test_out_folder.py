"""Nothing of the user's is lost: the report folder is checked before anything runs, marked as ours by a manifest,
and written by one run at a time (issue 28). Notebooks run through a stand-in for papermill that returns them as
they are, so no kernel starts; what is tested is which files are written, kept and refused."""

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, write_notebook

from ecombalance import _api as api
from ecombalance._reporting import cli, outdir
from ecombalance._reporting import runner as report
from ecombalance.exceptions import DataError, NotebookFailedError, ReportError


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Two tiny notebooks, a smoke profile, and papermill replaced by a copy (``fail: true`` marks a failure)."""
    import papermill

    write_notebook(tmp_path / "notebooks" / "01_good.ipynb", "n = 1")
    write_notebook(tmp_path / "notebooks" / "02_other.ipynb", "n = 2")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "smoke.yaml").write_text("n: 3\n")
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path))

    def copy(notebook, output, parameters=None, **kwargs):
        nbformat.write(nbformat.read(notebook, as_version=4), output)

    monkeypatch.setattr(papermill, "execute_notebook", copy)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _users_folder(folder: Path) -> dict[str, str]:
    """A folder of the user's that looks like a report: their own index, summary, MathJax and a running copy."""
    (folder / "mathjax").mkdir(parents=True)
    (folder / "mathjax" / "MathJax.js").write_text("// mine")
    (folder / "index.html").write_text("<p>my dashboard</p>")
    (folder / "summary.json").write_text('{"sales": 3}')
    (folder / "draft.running.ipynb").write_text("{}")
    return _fingerprint(folder)


def test_out_on_a_users_folder_is_refused_and_leaves_every_file_byte_identical(project, capsys):
    before = _users_folder(project / "mine")
    assert cli.main(["report", "--profile", "smoke", "--out", "mine"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ecombalance: error: --out {project / 'mine'} holds files that ecombalance did not write "
                          "(draft.running.ipynb, index.html, mathjax/, summary.json)")
    assert "pass --force to write beside them" in err
    assert cli.main(["report", "--profile", "smoke", "--out", "mine", "--force"]) == 2  # would replace index.html
    assert "the report would replace index.html, mathjax/, summary.json, which ecombalance did not write" in \
        capsys.readouterr().err
    assert _fingerprint(project / "mine") == before and not (project / "mine" / outdir.MANIFEST).exists()
    with pytest.raises(ReportError, match="pass force=True to write beside them") as caught:  # Python's words
        report.run_report("smoke", out=project / "mine", log=lambda _: None)
    assert "--" not in str(caught.value)
    assert _fingerprint(project / "mine") == before


def test_force_writes_beside_the_users_files_and_only_ours_are_ever_replaced(project, capsys):
    (project / "mine").mkdir()
    (project / "mine" / "notes.txt").write_text("keep me")
    (project / "mine" / "03_x.running.ipynb").write_text("mine too")
    assert cli.main(["report", "--profile", "smoke", "--out", "mine", "--force", "--notebooks", "01"]) == 0
    capsys.readouterr()
    manifest = json.loads((project / "mine" / outdir.MANIFEST).read_text())["files"]
    assert manifest == ["01_good.html", "01_good.ipynb", "glossary.html", "index.html", "mathjax/", "summary.json"]
    assert (project / "mine" / "notes.txt").read_text() == "keep me"
    # the folder is a report of ours now: no --force needed, the user's files stay, ours are replaced
    old_index = (project / "mine" / "index.html").read_bytes()
    assert cli.main(["report", "--profile", "smoke", "--out", "mine"]) == 0
    assert (project / "mine" / "notes.txt").read_text() == "keep me"
    assert (project / "mine" / "03_x.running.ipynb").read_text() == "mine too"  # not in the manifest: not removed
    assert (project / "mine" / "index.html").read_bytes() != old_index and (project / "mine" / "02_other.html").exists()
    assert "02_other.ipynb" in json.loads((project / "mine" / outdir.MANIFEST).read_text())["files"]


def test_a_report_written_before_manifests_is_recognised_as_ours(project):
    old = project / "reports" / "smoke"
    report.run_report("smoke", ["01"], old, log=lambda _: None)
    (old / outdir.MANIFEST).unlink()  # as an older version left it
    (old / "mine.txt").write_text("x")
    adopted = outdir.Manifest.read(old)
    assert adopted.adopted and "mine.txt" not in adopted.names
    assert {"index.html", "summary.json", "01_good.html", "01_good.ipynb", "mathjax/"} <= adopted.names
    report.run_report("smoke", ["01"], log=lambda _: None)  # the default folder: reports/<profile> here
    assert (old / "mine.txt").read_text() == "x" and (old / outdir.MANIFEST).is_file()


def test_an_out_that_is_a_file_or_cannot_be_written_is_named_before_the_data_check(project, capsys):
    (project / "report.html").write_text("mine")
    bad_table = ["--data", "missing.csv", "--label-col", "y"]  # the data check would fail too: it is not reached
    assert cli.main(["report", "--profile", "smoke", "--out", "report.html", *bad_table]) == 2
    assert capsys.readouterr().err == (f"ecombalance: error: --out {project / 'report.html'} is a file, not a folder; "
                                       "give the folder the report goes into (it is created when missing)\n")
    assert cli.main(["report", "--profile", "smoke", "--out", "report.html/sub", *bad_table]) == 2
    assert f"cannot be created: {project / 'report.html'} is a file, not a folder" in capsys.readouterr().err
    if Path("/proc/self").is_dir():  # a file system nobody writes to, root included
        assert cli.main(["report", "--profile", "smoke", "--out", "/proc/ecombalance-report", *bad_table]) == 2
        assert "--out /proc/ecombalance-report cannot be written: /proc: " in capsys.readouterr().err
    if os.geteuid() != 0:
        locked_up = project / "locked"
        locked_up.mkdir(mode=0o500)
        assert cli.main(["report", "--profile", "smoke", "--out", "locked/r", *bad_table]) == 2
        assert "cannot be written" in capsys.readouterr().err
    assert (project / "report.html").read_text() == "mine"


HOLD = """
import sys, time
from pathlib import Path
from ecombalance._reporting import outdir
with outdir.locked(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_run_is_refused_while_the_first_runs_and_a_dead_runs_lock_is_taken_over(project, capsys):
    out = project / "shared"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert first.stdout.readline().strip() == "locked"
        assert cli.main(["report", "--profile", "smoke", "--out", "shared"]) == 2
        err = capsys.readouterr().err
        assert f"another ecombalance report (process {first.pid} on " in err
        assert f"is writing into {out}; wait for it to finish or choose another folder" in err
        with pytest.raises(ReportError, match=f"process {first.pid} on"):
            report.run_report("smoke", out=out, log=lambda _: None)
        assert sorted(p.name for p in out.iterdir()) == [outdir.LOCK]  # nothing of the second run
    finally:
        first.send_signal(signal.SIGKILL)  # dies holding the lock: the file stays behind
        first.wait(timeout=30)
    assert (out / outdir.LOCK).is_file() and json.loads((out / outdir.LOCK).read_text())["pid"] == first.pid
    assert cli.main(["report", "--profile", "smoke", "--out", "shared", "--notebooks", "01"]) == 0
    assert not (out / outdir.LOCK).exists() and (out / "01_good.html").is_file()


def test_compare_never_replaces_a_file_it_did_not_write(project, capsys):
    report.run_report("smoke", ["01"], project / "a", log=lambda _: None)
    index = (project / "a" / "index.html").read_bytes()
    assert cli.main(["compare", "a", "a", "--out", "a/index.html"]) == 2
    assert "--out a/index.html exists and is not a comparison page of ecombalance" in capsys.readouterr().err
    assert (project / "a" / "index.html").read_bytes() == index
    (project / "mine.html").write_text("<p>mine</p>")
    assert cli.main(["compare", "a", "a", "--out", "mine.html"]) == 2
    assert (project / "mine.html").read_text() == "<p>mine</p>"
    assert cli.main(["compare", "a", "a", "--out", "c.html"]) == 0
    assert cli.main(["compare", "a", "a", "--out", "c.html"]) == 0  # its own page is replaced
    assert "two reports compared" in (project / "c.html").read_text()


# --------------------------------------------------------------------------------------------- eb.report
@pytest.fixture
def case():
    from ecombalance.data._datasets import documented_case

    return documented_case(0)


@pytest.fixture
def fake_run(monkeypatch):
    """``runner.run_report`` replaced: records what it was asked, writes nothing, returns the runs it is told."""
    calls, outcome = [], {"status": "ok"}

    def run(**kwargs):
        calls.append(kwargs)
        runs = [report.NotebookRun("01_documented_case", outcome["status"], 1.0, {}, error="code cell 2 raised X")]
        return report.ReportResult(kwargs["out"], runs)

    monkeypatch.setattr(report, "run_report", run)
    return calls, outcome


def test_report_checks_everything_before_writing_the_table(case, tmp_path, fake_run):
    out = tmp_path / "r"
    with pytest.raises(DataError, match=r"label column\(s\) \['categroy'\] not found"):
        api.report(case, out=out, notebooks="01", profile="smoke", label="categroy")
    two_levels = case.set_axis(pd.MultiIndex.from_tuples([(c, "x") for c in case.columns]), axis=1)
    with pytest.raises(DataError, match=r"DataFrame has MultiIndex columns \(2 levels, e\.g\. \('product_id', 'x'\)\)"):
        api.report(two_levels, out=out, notebooks="01", profile="smoke", label="category")
    with pytest.raises(DataError, match=r"DataFrame has MultiIndex columns"):  # eb.load says the same
        api.load(two_levels, label="category")
    assert not out.exists() and not fake_run[0]


def test_report_stores_a_column_of_mixed_objects_as_text_and_keeps_the_index(case, tmp_path, fake_run):
    mixed = case.assign(extra=[1, "a", 2.5, None] * (len(case) // 4)).set_index("brand")
    said = []
    api.report(mixed, out=tmp_path / "r", notebooks="01", profile="smoke", label="category", text="title",
               log=said.append)
    stored = pd.read_parquet(tmp_path / "r" / "data" / "table.parquet")
    assert list(stored.columns) == ["brand", *case.columns.drop("brand"), "extra"]
    assert stored["extra"].tolist()[:3] == ["1", "a", "2.5"] and pd.isna(stored["extra"][3])
    assert stored["brand"].tolist() == case["brand"].tolist()
    assert any("column 'extra' holds mixed Python objects (float, int, str); it is stored as text" in s for s in said)
    assert any("its index ['brand'] is kept as a column" in s for s in said)
    (call,) = fake_run[0]
    assert call["overrides"]["data_path"] == str(tmp_path / "r" / "data" / "table.parquet")
    assert "data/table.parquet" in json.loads((tmp_path / "r" / outdir.MANIFEST).read_text())["files"]


def test_report_refuses_to_replace_a_users_table_and_merges_label_case_when_asked(case, tmp_path, fake_run):
    out = tmp_path / "r"
    (out / "data").mkdir(parents=True)
    (out / "data" / "table.parquet").write_bytes(b"the user's own table")
    with pytest.raises(ReportError, match=r"holds files that ecombalance did not write \(data/\).*force=True"):
        api.report(case, out=out, notebooks="01", profile="smoke", label="category", text="title")
    with pytest.raises(ReportError, match=r"the report would replace data/table.parquet"):
        api.report(case, out=out, notebooks="01", profile="smoke", label="category", text="title", force=True)
    assert (out / "data" / "table.parquet").read_bytes() == b"the user's own table" and not fake_run[0]
    shouting = case.assign(category=case["category"].where(case.index % 7 > 0, case["category"].str.upper()))
    api.report(shouting, out=tmp_path / "m", notebooks="01", profile="smoke", label="category", text="title",
               merge_label_case=True, log=lambda _: None)
    stored = pd.read_parquet(tmp_path / "m" / "data" / "table.parquet")
    assert stored["category"].value_counts().to_dict() == case["category"].value_counts().to_dict()


def test_report_raises_notebook_failed_after_a_run_not_report_error(case, tmp_path, fake_run):
    fake_run[1]["status"] = "failed"
    with pytest.raises(NotebookFailedError, match="notebook 01_documented_case failed at code cell 2 raised X") as e:
        api.report(case, out=tmp_path / "r", notebooks="01", profile="smoke", label="category", text="title")
    assert not isinstance(e.value, ReportError) and e.value.result.runs[0].status == "failed"


def test_merge_label_case_on_the_command_line_gives_the_notebooks_a_merged_copy(case, tmp_path, monkeypatch, capsys,
                                                                               fake_run):
    shouting = case.assign(category=case["category"].where(case.index % 5 > 0, case["category"].str.title() + " "))
    shouting.to_csv(tmp_path / "shop.csv", index=False)
    monkeypatch.chdir(tmp_path)
    argv = ["report", "--profile", "smoke", "--notebooks", "01", "--data", "shop.csv", "--label-col", "category",
            "--text-col", "title", "--out", "r"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "differ only in case or surrounding spaces are separate classes" in out and "--merge-label-case" in out
    assert fake_run[0][-1]["overrides"]["data_path"] == str(tmp_path / "shop.csv")
    assert cli.main([*argv, "--merge-label-case"]) == 0
    copy = tmp_path / "r" / "data" / "shop.parquet"
    assert fake_run[0][-1]["overrides"]["data_path"] == str(copy)
    assert pd.read_parquet(copy)["category"].value_counts().to_dict() == case["category"].value_counts().to_dict()
    assert np.array_equal(pd.read_parquet(copy)["price"], case["price"])
