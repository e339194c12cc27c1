"""Every notebook, top to bottom, through the report harness with the `smoke` profile."""

import json

import pytest

from ecombalance import report

from conftest import ROOT

NOTEBOOKS = [nb.stem for nb in report.discover(ROOT / "notebooks")]


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("smoke-report")
    return report.run_report("smoke", out=out, notebooks_dir=ROOT / "notebooks", params_dir=ROOT / "params")


@pytest.mark.notebooks
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_runs_in_smoke_profile(smoke_report, stem):
    run = next(r for r in smoke_report.runs if r.notebook == stem)
    assert run.status == "ok", f"{stem}: {run.error} (executed copy: {smoke_report.out_dir / run.ipynb})"
    assert run.headline, f"{stem} recorded no headline numbers"
    executed = json.loads((smoke_report.out_dir / f"{stem}.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert (smoke_report.out_dir / f"{stem}.html").stat().st_size > 10_000


@pytest.mark.notebooks
def test_index_and_summary_list_every_notebook(smoke_report):
    summary = json.loads(smoke_report.summary.read_text())
    assert summary["profile"] == "smoke"
    assert [e["notebook"] for e in summary["notebooks"]] == NOTEBOOKS
    index = smoke_report.index.read_text()
    assert all(f'href="{stem}.html"' in index for stem in NOTEBOOKS)


@pytest.mark.notebooks
def test_overview_headline_numbers(smoke_report):
    numbers = next(r for r in smoke_report.runs if r.notebook == "00_overview").headline
    assert numbers["majority_share"] == pytest.approx(400 / 600)
    assert numbers["imbalance_ratio"] == 8
    assert numbers["missing_packages"] == 0
    assert numbers["model_loads_offline"] is True
