"""Every notebook, top to bottom, through the report harness with the `smoke` profile, and the report's HTML in
headless Chromium."""

import html
import json
import re
import shutil
import subprocess
import time

import pytest
from conftest import ROOT

from ecombalance._reporting import runner as report

NOTEBOOKS = [nb.stem for nb in report.discover(ROOT / "notebooks")]


@pytest.mark.notebooks
@pytest.mark.slow
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
@pytest.mark.slow
def test_index_and_summary_list_every_notebook(smoke_report):
    summary = json.loads(smoke_report.summary.read_text())
    assert summary["profile"] == "smoke"
    assert [e["notebook"] for e in summary["notebooks"]] == NOTEBOOKS
    index = smoke_report.index.read_text()
    assert all(f'href="{stem}.html"' in index for stem in NOTEBOOKS)


@pytest.mark.notebooks
@pytest.mark.slow
def test_summary_carries_the_executive_claims_each_against_its_own_model(smoke_report):
    """Issue 25: summary.json's ``executive.claims`` name, for every claim, a method and a baseline with the same
    model (the baseline without balancing); notebook 06's headline carries the design of the one test."""
    from ecombalance._reporting import executive

    summary = json.loads(smoke_report.summary.read_text())
    claims = summary["executive"]["claims"]
    assert claims, "notebook 06 compared balancing methods: the summary must claim something about them"
    for claim in claims:
        assert set(claim) == {"method", "baseline", "metric", "difference", "distinguishable"}
        assert executive.parts_of(claim["method"])[1] == executive.parts_of(claim["baseline"])[1], claim
        assert not executive.rebalances(claim["baseline"]), claim
    assert summary["executive"] == executive.executive_data(summary)
    numbers = next(e["headline"] for e in summary["notebooks"] if e["notebook"].startswith("06"))
    assert isinstance(numbers["best_is_distinguishable"], bool)
    assert (numbers["cv_repeats"], numbers["cv_folds"]) == (1, 3)  # the smoke profile: one repeat of 3 folds
    assert numbers["verdict_test"].startswith("corrected repeated cross-validation t-test")
    assert numbers["smallest_detectable_difference"] > 0


BAR = re.compile(r"^(?P<desc>.*?):? +\d+%\|.*\| *(?P<n>\d+)/(?P<total>\d+) \[")


def progress_lines(executed: dict) -> list[tuple[str, int, int]]:
    """The progress-bar lines in an executed notebook's stream outputs: (description, n, total)."""
    found = []
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                for line in re.split(r"[\r\n]", "".join(output["text"])):
                    if match := BAR.match(line):
                        found.append((match["desc"], int(match["n"]), int(match["total"])))
    return found


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_progress_bars_leave_at_most_their_final_line(smoke_report, stem):
    executed = json.loads((smoke_report.out_dir / f"{stem}.ipynb").read_text())
    lines = progress_lines(executed)
    assert all(n == total for _, n, total in lines), f"{stem}: a bar left intermediate lines: {lines}"
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any("\r" in "".join(o.get("text", "")) for o in outputs)
    if stem.startswith("06"):  # each experiment over methods x folds: one bar, one line, in its own cell
        per_cell = [len(progress_lines({"cells": [cell]})) for cell in executed["cells"]]
        assert {desc for desc, _, _ in lines} == {"experiment"} and max(per_cell) == 1
        assert sum(per_cell) == 2  # the comparison and the decision-rule study


@pytest.mark.notebooks
@pytest.mark.slow
def test_index_tells_each_notebooks_conclusions_with_a_figure(smoke_report):
    summary = json.loads(smoke_report.summary.read_text())
    index = smoke_report.index.read_text()
    for entry in summary["notebooks"]:
        stem = entry["notebook"]
        bullets = [line for line in entry["conclusions"].splitlines() if line.startswith("- ")]
        assert len(bullets) >= 2, f"{stem} concluded nothing: {entry['conclusions']!r}"
        assert entry["title"].startswith(stem[:2] + " ·")
        assert entry["figure"] == f"{stem}.png" and (smoke_report.out_dir / entry["figure"]).read_bytes()[:4] == b"\x89PNG"
        section = index[index.index(f'id="{stem}"'):].split("</section>", 1)[0]
        assert f'<img src="{stem}.png"' in section and section.count("<li>") >= len(bullets)
    methods = index[index.index('id="06_effect_evaluation"'):].split("</section>", 1)[0]
    assert '<table class="methods">' in methods and methods.count('<tr class="baseline">') == 1
    assert re.search(r'<tr class="baseline"><td><code>none\+logreg</code></td><td class="num">0\.\d{3} \[0\.\d{3}, '
                     r"[01]\.\d{3}\]</td>", methods)
    assert methods.index("<details><summary>headline numbers") > methods.index('<table class="methods">')


@pytest.mark.notebooks
@pytest.mark.slow
def test_rendered_pages_show_no_progress_lines_long_floats_or_raw_keys(smoke_report):
    """What a reader sees: every notebook's HTML and the index pass the page check, and the index opens with
    the summary."""
    from ecombalance._reporting import pagecheck

    summary = json.loads(smoke_report.summary.read_text())
    keys = [key for entry in summary["notebooks"] for key in entry.get("headline") or {}]
    pages = sorted(smoke_report.out_dir.glob("*.html"))
    found = {page.name: pagecheck.problems(page.read_text(), keys) for page in pages}
    assert {name: problems for name, problems in found.items() if problems} == {}
    assert len(found) == len(NOTEBOOKS) + 2  # the notebooks, index.html and glossary.html
    index = smoke_report.index.read_text()
    assert index.index('<section class="summary" id="summary">') == index.index("<section")


@pytest.mark.notebooks
@pytest.mark.slow
def test_overview_headline_numbers(smoke_report):
    numbers = next(r for r in smoke_report.runs if r.notebook == "00_overview").headline
    assert numbers["majority_share"] == pytest.approx(400 / 600)
    assert numbers["imbalance_ratio"] == 8
    assert numbers["missing_packages"] == 0
    assert numbers["model_loads_offline"] is True
    from ecombalance.models._device import cpu_bf16_supported, cuda_bf16_supported

    assert numbers["cpu_bf16_supported"] is cpu_bf16_supported()  # CPU and GPU reported separately
    assert numbers["cuda_bf16_supported"] is cuda_bf16_supported()


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("profile", ["quick"])  # smoke: in the smoke report above
def test_explore_notebook_runs_alone_and_records_the_numbers_of_its_rules(tmp_path, profile):
    """Notebook 08 in the quick profile (the smoke profile runs in the smoke report): no live widget and no progress line in the report, the
    static view as its figure, one method fitted, and the headline recall of the smallest class at the arg-max
    and at the cost ratio equal to scikit-learn's on the same out-of-fold probabilities."""
    from sklearn.metrics import recall_score
    from test_explore import by_cost, by_threshold

    from ecombalance._chapters import explore
    from ecombalance._reporting import params
    from ecombalance.data import _datasets as datasets

    result = report.run_report(profile, ["08"], tmp_path, notebooks_dir=ROOT / "notebooks",
                               params_dir=ROOT / "params", log=lambda _: None)
    run = result.runs[0]
    assert run.status == "ok", f"{run.error} (executed copy: {tmp_path / str(run.ipynb)})"
    executed = json.loads((tmp_path / "08_explore_your_data.ipynb").read_text())
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert not progress_lines(executed) and not any("it/s]" in "".join(o.get("text", "")) for o in outputs)
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert (tmp_path / run.figure).read_bytes()[:4] == b"\x89PNG"
    declared = params.declared_parameters(ROOT / "notebooks" / "08_explore_your_data.ipynb")
    values, numbers = {name: p.default for name, p in declared.items()} | run.parameters, run.headline
    assert numbers["methods_fitted"] == 1 and numbers["method"] == values["method"] == "none+logreg"
    tbl = datasets.load(values["dataset"], n_splits=values["folds"], random_state=values["seed"])
    proba = explore.Explorer(tbl, [values["method"]], folds=values["folds"], random_state=values["seed"]).probabilities(
        values["method"])
    smallest = tbl.classes[-1]
    for rule, decided in (("argmax", by_threshold(proba, tbl.classes, smallest, 0.5)),
                          ("cost", by_cost(proba, tbl.classes, smallest, values["cost_ratio"]))):
        recall = recall_score(tbl.y.to_numpy(), decided, labels=[smallest], average=None)[0]
        assert numbers[f"recall_focus_{rule}"] == pytest.approx(recall)
    assert numbers["recall_focus_cost"] > numbers["recall_focus_argmax"]


@pytest.fixture(scope="module")
def user_csv(tmp_path_factory):
    """A table the suite has never seen: mixed column types, missing values, duplicates, a rare class; saved by
    Excel-style tools: UTF-8 with a byte-order mark, pandas' index as a first unnamed column, and a code of the
    label (`kind_code`) that the leakage guard must leave out."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 240
    label = rng.choice(["shoes", "bags", "hats"], size=n, p=[0.7, 0.25, 0.05])
    frame = pd.DataFrame({
        "name": [f"{rng.choice(['soft', 'red', 'classic'])} {lab} {i % 17}" for i, lab in enumerate(label)],
        "price": rng.lognormal(3, 1, n).round(2),
        "in_stock": rng.random(n) < 0.8,
        "colour": rng.choice(["red", "black", None], n),
        "email": [f"buyer{i}@shop.cn" for i in range(n)],
        "kind": label,
    })
    frame["kind_code"] = frame["kind"].map({"shoes": 1, "bags": 2, "hats": 3})
    frame = pd.concat([frame, frame.head(5)], ignore_index=True)
    frame.loc[3, "kind"] = "rare"
    path = tmp_path_factory.mktemp("user") / "catalogue.csv"
    frame.to_csv(path, encoding="utf-8-sig")
    return path


@pytest.mark.notebooks
@pytest.mark.slow
def test_report_on_a_users_csv_runs_notebooks_01_to_06(user_csv, tmp_path):
    from ecombalance._reporting import cli

    out = tmp_path / "user-report"
    wanted = ",".join(stem[:2] for stem in NOTEBOOKS if "01" <= stem[:2] <= "06")
    code = cli.main(["report", "--profile", "smoke", "--notebooks", wanted, "--out", str(out),
                     "--data", str(user_csv), "--label-col", "kind", "--text-col", "name", "--min-class-size", "3",
                     "--min-class-action", "merge", "--exclude-col", "in_stock"])
    summary = json.loads((out / "summary.json").read_text())
    assert code == 0, summary
    runs = {e["notebook"]: e for e in summary["notebooks"]}
    assert runs["01_documented_case"]["parameters"]["data_path"] == str(user_csv)
    assert runs["01_documented_case"]["headline"]["imbalance_ratio"] > 1
    assert runs["02_preprocessing"]["headline"]["identifier_columns"] >= 1
    assert [e["notebook"][:2] for e in summary["notebooks"]] == wanted.split(",")
    assert all(e["parameters"].get("data_path") == str(user_csv) for e in summary["notebooks"])
    executed = (out / "01_documented_case.html").read_text()
    assert "buyer1@shop.cn" not in executed  # identifiers hashed before any row is shown
    columns = runs["01_documented_case"]["headline"]
    assert columns["features"] == "name, price, colour"  # notebook 01 lists the features every notebook uses
    assert columns["leaking_columns"] == "kind_code" and "Unnamed: 0" in columns["columns_left_out"]
    assert "column 'kind_code' not used as a feature (alone it predicts 'kind' out of fold" in html.unescape(executed)
    excluded = {e["notebook"][:2]: e["parameters"].get("exclude_cols") for e in summary["notebooks"]}
    assert excluded == {"01": ["in_stock"], "02": ["in_stock"], "03": ["in_stock"], "04": ["in_stock"], "05": None,
                        "06": ["in_stock"]}  # 05 reads text only
    assert list((out / ".cache" / "embeddings").glob("*.npy"))  # the user's embeddings stay beside the report
    index = (out / "index.html").read_text()
    top = index[:index.index('<section class="nb')]  # the user's table comes first
    assert f"file: <code>{user_csv}</code>" in top and "label column: <code>kind</code>" in top
    assert ("columns of the file (8): <code>Unnamed: 0</code>, <code>name</code>, <code>price</code>, "
            "<code>in_stock</code>, <code>colour</code>, <code>email</code>, <code>kind</code>, "
            "<code>kind_code</code>") in top
    assert "features used: <code>name</code>, <code>price</code>, <code>colour</code>" in top
    assert "leaking columns: <code>kind_code</code>" in top


def test_data_options_fail_before_any_notebook_runs(tmp_path, capsys):
    from ecombalance._reporting import cli

    assert cli.main(["report", "--out", str(tmp_path / "x"), "--data", "f.csv"]) == 2
    assert "--data needs --label-col" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.notebooks
@pytest.mark.slow
def test_ctr_notebook_runs_on_the_spark_engine(tmp_path):
    from ecombalance.sampling import _downsampling as downsampling

    ok, why = downsampling.spark_available()
    if not ok:
        pytest.skip(why)
    result = report.run_report("smoke", ["07"], tmp_path, overrides={"engine": "spark"},
                               notebooks_dir=ROOT / "notebooks", params_dir=ROOT / "params", log=lambda _: None)
    run = result.runs[0]
    assert run.status == "ok", run.error
    assert run.headline["engine"] == "spark"
    assert run.headline["ece_recalibrated"] < run.headline["ece_raw"]


# --- the HTML report in a real browser with no network: headless Chromium renders every formula. These tests read
# the same smoke report (one session fixture, run once because the tests share this file). They skip where no
# Chromium is installed (``apt-get install chromium``; ``.ci/run`` installs it).
CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if (path := shutil.which(name))), None)


def in_a_browser(test):
    """The marks of a browser check: a notebook run, slow, skipped without Chromium."""
    for mark in (pytest.mark.notebooks, pytest.mark.slow,
                 pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium): "
                                                             "the browser check of the HTML report is skipped")):
        test = mark(test)
    return test


def rendered_dom(page, profile) -> str:
    """The page's DOM after its scripts ran, in headless Chromium that cannot resolve any host name."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: every network request fails
               "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout, done.stderr[-2000:]
    return done.stdout


def visible(dom: str) -> str:
    """The DOM without scripts and styles (MathJax keeps each formula's TeX in a script element)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S | re.I)


@in_a_browser
def test_formulas_of_notebook_04_render_offline(smoke_report, tmp_path):
    stem = "04_balanced_losses"
    source = json.loads((smoke_report.out_dir / f"{stem}.ipynb").read_text())
    markdown = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "markdown")
    displays = markdown.count("$$") // 2
    assert displays >= 5  # the chapter of loss formulas

    start = time.perf_counter()
    dom = visible(rendered_dom(smoke_report.out_dir / f"{stem}.html", tmp_path / "profile"))
    seconds = time.perf_counter() - start
    assert "$$" not in dom, "a display formula was left as raw TeX"
    assert len(re.findall(r'class="MathJax_Display"', dom)) == displays
    assert len(re.findall(r'class="MathJax"', dom)) > displays  # inline formulas too
    assert not re.search(r'class="(merror|MathJax_Error)"|Math Processing Error', dom)
    assert seconds < 60


@in_a_browser
def test_index_renders_its_formulas_and_shows_the_figures(smoke_report, tmp_path):
    dom = visible(rendered_dom(smoke_report.index, tmp_path / "profile"))
    assert 'class="MathJax"' in dom  # notebook 07's conclusions hold $w$ and q = p / (p + (1-p)/w)
    assert "$" not in dom.split('id="07_recommendation_ctr_scale"', 1)[1]
    assert len(re.findall(r'<img src="\d\d_\w+\.png"', dom)) == len(smoke_report.runs)
