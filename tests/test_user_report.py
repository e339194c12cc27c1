"""Issue 26: a report on a user's table speaks of the user's table, and every shape of table runs.

- A notebook that cannot apply to the table (05 without a text column) is left out before any kernel starts, with
  the reason in the index, and the command exits 0.
- A notebook that does not read the table (00's documented case, 07's click log) is marked "on generated data (not
  your table)" in the index and ``summary.json``, and the index's summary reads none of its numbers.
- Inside the notebooks that read the table, what is computed on constructed data (03's worked examples, 04's
  design-document formulas and Gaussian illustration) says so, and 03's grouping inflation is not measured on a
  table without groups (a number of the generated search log would read as the user's).
- Notebooks 04 and 05 sample a large table (``max_rows``), with a note.
- Integer-coded categories get a note; a boolean label read with blanks stays boolean.
"""

import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, write_notebook
from test_smote_lesson import grouped_table

from ecombalance._api.tables import PYTHON_WORDING
from ecombalance._chapters import loss_study, resampling_findings, resampling_study, smote_lesson, transfer
from ecombalance._reporting import cli, datacheck, executive, index, labels, params
from ecombalance._reporting import runner as report
from ecombalance._validation import option_wording
from ecombalance.data import _codes as codes
from ecombalance.data import _datasets as datasets
from ecombalance.data import _shapes as shapes
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError

TEXT = pd.DataFrame({"title": ["red shoe", "blue bag", "soft hat", "red bag"], "body": ["a", "b", "c", "d"],
                     "note": ["x", "y", "z", "w"], "y": [0, 1, 0, 1]})


@pytest.mark.parametrize("text_cols, pair, applies", [
    ([], [], False), (["title"], [], True), (["title", "body"], [], True), (["title", "body", "note"], [], False),
    (["title", "body", "note"], ["title", "body"], True), ([], ["title", "body"], True),
])
def test_notebook_05_is_left_out_exactly_when_its_encoder_has_no_text_to_read(text_cols, pair, applies):
    values = {"data_path": "table.csv", "label_col": "y", "text_cols": text_cols, "text_pair": pair}
    reason = datacheck.not_applicable("05_transfer_learning", values)
    tbl = Table(TEXT, "y", list(dict.fromkeys([*text_cols, *pair])), text_pair=tuple(pair) or None, name="table.csv")
    if applies:
        assert reason == ""
        assert transfer.text_inputs(tbl) == (pair or text_cols)
    else:
        assert reason.startswith("not applicable: ")
        with pytest.raises(DataError, match="no text column|text columns"):
            transfer.text_inputs(tbl)
    if not text_cols and not pair:
        assert reason == ("not applicable: no text column (notebook 05 fine-tunes a text encoder on titles, queries "
                          "or reviews; name one with text_cols='COLUMN')")
        with option_wording(params.COMMAND_LINE_WORDING):  # the report command's words, then the front door's
            assert datacheck.not_applicable("05", values).endswith("name one with --text-col COLUMN)")
        with option_wording(PYTHON_WORDING):
            assert datacheck.not_applicable("05", values).endswith("name one with text='COLUMN')")
    assert datacheck.not_applicable("05", values) == reason  # by number or by name
    assert datacheck.not_applicable("05_transfer_learning", {**values, "data_path": ""}) == ""  # generated data
    assert datacheck.not_applicable("06_effect_evaluation", values) == ""  # no rule: every table


def _summary(imbalance_generated=12.0, imbalance_yours=3.0):
    def entry(stem, status="ok", data="yours", **extra):
        return {"notebook": stem, "status": status, "seconds": 1.0, "parameters": {}, "headline": {},
                "conclusions": "", "data": data, **extra}

    return {"profile": "quick", "updated": "now", "notebooks": [
        entry("00_overview", data="generated", headline={"imbalance_ratio": imbalance_generated, "majority_share": 0.9},
              conclusions="- The documented case is 0.667 / 0.250 / 0.083."),
        entry("01_documented_case", headline={"imbalance_ratio": imbalance_yours, "majority_share": 0.75,
                                              "plain_recall_smallest": 0.4},
              conclusions="- 400 rows in 2 classes."),
        entry("05_transfer_learning", status="not applicable", seconds=0.0,
              note="not applicable: no text column (name one with --text-col)"),
        entry("07_recommendation_ctr_scale", data="generated", conclusions="- At $w=0.05$ the model trains on 1 row."),
    ]}


def test_the_index_marks_left_out_and_generated_notebooks_and_sums_up_only_the_users():
    page = index.index_html(_summary())
    assert '<span class="badge ok">3 ok</span> <span class="badge na">1 not applicable</span>' in page
    assert "badge failed" not in page
    left_out = page[page.index('id="05_transfer_learning"'):]
    left_out = left_out[:left_out.index("</section>")]
    assert ("Left out on your table: not applicable: no text column (name one with --text-col)" in left_out
            and "<a href" not in left_out.split("<details>")[0])  # no link to a page of another run
    for stem in ("00_overview", "07_recommendation_ctr_scale"):
        section = page[page.index(f'id="{stem}"'):]
        assert section[:section.index("</section>")].count(index.GENERATED_NOTE) == 1
    section = page[page.index('id="01_documented_case"'):]
    assert index.GENERATED_NOTE not in section[:section.index("</section>")]
    summary = executive.executive_html(_summary())
    assert "it outnumbers the smallest 3 to 1" in summary and "75 %" in summary  # 01's, the user's table
    assert "12" not in re.sub(r"<[^>]+>", "", summary)  # not 00's documented case
    only_generated = _summary()
    only_generated["notebooks"] = [e for e in only_generated["notebooks"] if e["notebook"] != "01_documented_case"]
    assert executive.executive_html(only_generated) == ""  # nothing of the user's table to sum up
    generated_report = _summary()  # on the generated data nothing is marked: 01 still wins over 00
    for e in generated_report["notebooks"]:
        e["data"] = ""
    assert "3 to 1" in executive.executive_html(generated_report)
    assert index.GENERATED_NOTE not in index.index_html(generated_report)


DATA_PARAMETERS = 'data_path = ""\nlabel_col = ""\ntext_cols = []\ntext_pair = []\n'
RECORD = "from ecombalance._reporting import headline"


@pytest.fixture
def user_project(tmp_path, monkeypatch):
    """Three tiny notebooks: 01 reads the user's table, 05 needs a text column (it raises if it runs at all), 07
    does not read the table; and a table without text."""
    nbdir, pdir = tmp_path / "notebooks", tmp_path / "params"
    write_notebook(nbdir / "01_yours.ipynb", DATA_PARAMETERS, RECORD,
                   "headline.record(imbalance_ratio=3.0, majority_share=0.75)")
    write_notebook(nbdir / "05_text.ipynb", DATA_PARAMETERS, "raise RuntimeError('05 must not run without text')")
    write_notebook(nbdir / "07_clicks.ipynb", "n = 1", RECORD, "headline.record(imbalance_ratio=40.0)",
                   "headline.conclude('- 11,558 rows instead of 150,000.')")
    pdir.mkdir()
    (pdir / "smoke.yaml").write_text("n: 2\n")
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path))
    rng = np.random.default_rng(0)
    path = tmp_path / "sessions.csv"
    pd.DataFrame({"pages": rng.poisson(3, 60), "bought": rng.random(60) < 0.3}).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_the_command_leaves_05_out_marks_07_and_exits_0(user_project, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["report", "--profile", "smoke", "--out", str(out), "--data", str(user_project),
                     "--label-col", "bought"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "left out 05_text: not applicable: no text column" in printed.out and "failed" not in printed.err
    entries = {e["notebook"]: e for e in json.loads((out / "summary.json").read_text())["notebooks"]}
    assert {stem: (e["status"], e["data"]) for stem, e in entries.items()} == {
        "01_yours": ("ok", "yours"), "05_text": ("not applicable", "yours"), "07_clicks": ("ok", "generated")}
    with option_wording(params.COMMAND_LINE_WORDING):  # the command names its flags
        assert entries["05_text"]["note"] == datacheck.not_applicable("05_text", entries["05_text"]["parameters"])
    assert entries["05_text"]["note"].endswith("name one with --text-col COLUMN)")
    assert entries["05_text"]["seconds"] == 0 and not (out / "05_text.html").exists()
    assert not list(out.glob("05_text*.ipynb"))  # no kernel started
    page = (out / "index.html").read_text()
    assert "it outnumbers the smallest 3 to 1" in page and "40 to 1" not in page
    assert page.count(index.GENERATED_NOTE) == 1
    runs = [report.NotebookRun(stem, e["status"], e["seconds"], e["parameters"]) for stem, e in entries.items()]
    result = report.ReportResult(out, runs)  # what eb.report and the command see: a left-out notebook is no failure
    assert result.ok and result.raise_if_failed() is result
    runs[0].status = "failed"
    assert not report.ReportResult(out, runs).ok


def test_runs_on_the_generated_data_are_not_marked():
    assert datacheck.data_kind({"data_path": ""}, user_report=False) == ""
    assert datacheck.data_kind({"data_path": "x.csv"}, user_report=True) == datacheck.YOURS == "yours"
    assert datacheck.data_kind({"n_queries": 200}, user_report=True) == datacheck.GENERATED == "generated"
    declared = params.declared_parameters(ROOT / "notebooks" / "07_recommendation_ctr_scale.ipynb")
    assert "data_path" not in declared  # 07 studies the generated click log: marked on a user's report


# --- 03: what is computed on constructed data says so ---------------------------------------------------------

def test_grouping_inflation_is_measured_on_the_users_groups_or_not_at_all():
    no_groups = Table(pd.DataFrame({"t": ["a b", "b c", "c d", "d e"] * 10, "y": [0, 1] * 20}), "y", ["t"],
                      name="mine.csv")
    assert smote_lesson.grouping_study(no_groups, user_table=True) is None
    assert smote_lesson.describe_grouping(None) == smote_lesson.NO_GROUPS_NOTE
    assert "not your table" in smote_lesson.NO_GROUPS_NOTE and smote_lesson.grouping_headline(None) == {}
    grouped = grouped_table()
    study = smote_lesson.grouping_study(grouped, user_table=True, folds=3, random_state=1)
    direct = smote_lesson.grouping_inflation(grouped, folds=3, random_state=1)
    assert study.attrs["table"] == "queries" and study["macro_f1"].to_dict() == pytest.approx(
        direct["macro_f1"].to_dict())
    assert smote_lesson.grouping_headline(study) == {"grouping_inflation": pytest.approx(direct.attrs["inflation"]),
                                                     "grouping_table": "queries"}
    case = datasets.load("documented_case")  # generated data without groups: the generated search log's groups
    generated = smote_lesson.grouping_study(case, user_table=False, n_queries=20, folds=2)
    log = smote_lesson.grouping_inflation(datasets.load("search_log", n_queries=20), folds=2)
    assert generated.attrs["table"] == "search_log" and generated["macro_f1"].to_dict() == pytest.approx(
        log["macro_f1"].to_dict())
    assert smote_lesson.describe_grouping(generated).startswith("- On `search_log`, grouped by `query_id`")


def test_the_worked_examples_on_a_users_table_are_named_the_documents():
    worked = resampling_study.worked_examples({"category 1": 400, "category 2": 150, "category 3": 50})
    protocols = ["resample before the split (leaks)", "resample inside each training fold"]
    leak = {"smote": pd.DataFrame({"mean": [0.9, 0.8], "std": [0.01, 0.02]}, index=protocols)}
    results = pd.DataFrame({"sampler": ["none", "none", "smote", "smote"], "model": ["logreg"] * 4, "fold": [0, 1] * 2,
                            "fit_seconds": [0.1] * 4, "macro_f1": [0.5, 0.6, 0.7, 0.8], "recall[a]": [0.9] * 4,
                            "recall[b]": [0.2, 0.4, 0.6, 0.8]})
    yours = resampling_findings.describe_study(worked, leak, results, user_table=True)
    assert yours.startswith("- The design document's worked examples, on its own 400 / 150 / 50 rows (not your "
                            "table), hold exactly: [300, 150, 50] after under-sampling, [300, 150, 150] after")
    assert resampling_findings.describe_study(worked, leak, results).startswith("- The worked examples hold exactly")


# --- 04 and 05: capped for a user's table ----------------------------------------------------------------------

def test_notebook_04_samples_each_larger_table_stratified_with_a_note():
    big = datasets.load(data_path=shapes.sessions(3000, random_state=1), label_col="revenue")
    small = datasets.load("documented_case")
    tables, notes = loss_study.capped({"sessions": big, "documented_case": small}, max_rows=1000, random_state=0)
    assert tables["documented_case"] is small
    counts, n = big.y.value_counts(), len(big.frame)
    expected = {c: max(min(k, 10), round(k * 1000 / n)) for c, k in counts.items()}  # the rule of subsample
    assert tables["sessions"].y.value_counts().to_dict() == expected
    assert notes == [f"- On `sessions` the losses ran on a sample of {sum(expected.values()):,} of the table's "
                     f"{n:,} rows (stratified on 'revenue', every class kept; parameter `max_rows=1000`, 0 for all "
                     "rows)."]
    unchanged, none = loss_study.capped({"sessions": big}, max_rows=0)
    assert unchanged["sessions"] is big and none == []
    for stem, default in (("04_balanced_losses", loss_study.MAX_ROWS), ("05_transfer_learning", 600)):
        declared = params.declared_parameters(ROOT / "notebooks" / f"{stem}.ipynb")
        assert declared["max_rows"].default == default
    assert params.load_yaml(params.profile_path("full", ROOT / "params"))["max_rows"] == 0  # the full profile: all


@pytest.fixture(scope="module")
def losses_on_a_users_table():
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=[90, 30], centers=[[0, 0], [2, 2]], random_state=0)
    tbl = Table(pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y}), "y", [], ["a", "b"], name="mine.csv")
    return loss_study.compare_losses(tbl, ["ce", "focal"], folds=2, epochs=2, progress=False)


def test_notebook_04_names_its_constructed_examples_on_a_users_table(losses_on_a_users_table):
    seed_table = loss_study.seed_formula_scenarios([400, 150, 50])
    demo = loss_study.gaussian_prior_shift([400, 150, 50], n_test=2000, epochs=2)
    yours = loss_study.describe_losses(seed_table, demo, {"mine.csv": losses_on_a_users_table}).splitlines()
    assert yours[0].startswith("- The design document's \"balanced loss\" (on the documented case's class counts, "
                               "not your table) as written is")
    assert yours[1].startswith("- Gaussian illustration (generated data, not your table): post-hoc adjustment")
    generated = loss_study.describe_losses(seed_table, demo, {"documented_case": losses_on_a_users_table})
    assert "not your table" not in generated


# --- integer-coded categories ---------------------------------------------------------------------------------

def test_integer_codes_stay_numbers_with_a_note_that_says_how_to_make_them_categories():
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"OperatingSystems": rng.integers(1, 9, n), "Browser": rng.integers(1, 14, n),
                          "region_code": rng.integers(0, 5, n), "pages": rng.poisson(3, n),
                          "flag": rng.integers(0, 2, n), "day": rng.integers(1, 32, n), "price": rng.random(n),
                          "year": rng.integers(2010, 2019, n), "rating": rng.integers(1, 6, n),
                          "bought": rng.random(n) < 0.3})
    expected = {c: int(frame[c].nunique()) for c in ("OperatingSystems", "Browser", "region_code", "rating")}
    assert codes.integer_codes(frame, frame.columns.drop("bought")) == expected
    tbl = datasets.load(data_path=frame, label_col="bought")
    assert set(expected) <= set(tbl.numeric_cols)  # kept as numbers
    (note,) = [n for n in tbl.notes if "whole numbers" in n]
    assert all(f"'{c}': '{k} values'" in note for c, k in expected.items())
    assert not [c for c in ("pages", "day", "flag", "year", "price") if f"'{c}'" in note]  # counts, dates, 0/1
    assert "write them as text in the file" in note
    with option_wording(params.COMMAND_LINE_WORDING):  # the report command's words
        flagged = datasets.load(data_path=frame, label_col="bought").notes
    assert [n for n in flagged if "whole numbers" in n][0].endswith("or leave them out with --exclude-col")
    assert not [n for n in datasets.load(data_path=frame[["pages", "price", "bought"]], label_col="bought").notes
                if "whole numbers" in n]


def test_a_boolean_label_read_with_blanks_stays_boolean(tmp_path):
    frame = shapes.sessions(200, random_state=0)
    path = tmp_path / "sessions.csv"
    frame.to_csv(path, index=False)
    text = path.read_text().splitlines()
    text[5] = text[5].rsplit(",", 1)[0] + ","  # one session without its label
    path.write_text("\n".join(text) + "\n")
    assert pd.read_csv(path)["revenue"].dtype == object  # what pandas makes of True/False with a blank
    tbl = datasets.load(data_path=str(path), label_col="revenue", n_splits=5)
    assert tbl.y.dtype == bool and len(tbl.frame) == 199 and tbl.classes == [False, True]
    assert any("dropped 1 rows with no label" in note for note in tbl.notes)


# --- the whole report on a table without text and with a boolean label ------------------------------------------

GENERATED_WORDS = re.compile(r"documented case|documented_case|search log|search_log|design document|Gaussian|"
                             r"generated", re.IGNORECASE)


@pytest.mark.notebooks
@pytest.mark.slow
def test_report_over_all_notebooks_on_a_table_without_text_and_a_boolean_label(tmp_path):
    """Every notebook through the command on a small sessions table (no text, a boolean label): exit 0, 05 left out
    with its note, 08 ok; and no number of generated data is presented as the user's."""
    frame = shapes.sessions(300, random_state=0)
    path = tmp_path / "sessions.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "report"
    code = cli.main(["report", "--profile", "smoke", "--out", str(out), "--data", str(path), "--label-col", "revenue"])
    summary = json.loads((out / "summary.json").read_text())
    entries = {e["notebook"][:2]: e for e in summary["notebooks"]}
    assert code == 0, {k: (e["status"], e.get("error")) for k, e in entries.items()}
    assert list(entries) == ["00", "01", "02", "03", "04", "05", "06", "07", "08"]
    assert entries["05"]["status"] == "not applicable" and entries["05"]["note"].startswith(
        "not applicable: no text column")
    assert all(e["status"] == "ok" for k, e in entries.items() if k != "05")
    assert entries["08"]["headline"]["focus_class"] == "True"
    page = (out / "index.html").read_text()
    assert "Left out on your table: not applicable: no text column" in page
    # which notebooks read the table: those that declare data_path; the others are marked
    for key, entry in entries.items():
        declared = params.declared_parameters(ROOT / "notebooks" / f"{entry['notebook']}.ipynb")
        assert entry["data"] == ("yours" if "data_path" in declared else "generated"), key
    assert {k for k, e in entries.items() if e["data"] == "generated"} == {"00", "07"}
    for key in ("00", "07"):
        section = page[page.index(f'id="{entries[key]["notebook"]}"'):]
        assert index.GENERATED_NOTE in section[:section.index("</section>")]
    # the summary's imbalance is the user's table's, counted here
    share = frame["revenue"].value_counts(normalize=True).max()
    assert entries["01"]["headline"]["majority_share"] == pytest.approx(share, abs=0.01)
    summary_html = executive.executive_html(summary)
    shown = {key: f"holds {labels.number(100 * entries[key]['headline']['majority_share'], 1)} % of the rows"
             for key in ("00", "01")}
    assert shown["01"] in summary_html and shown["00"] not in summary_html  # the user's, not the documented case's
    # in the notebooks that read the table, a bullet about constructed or generated data says it is not the user's
    for key, entry in entries.items():
        if entry["data"] != "yours":
            continue
        for line in entry["conclusions"].splitlines():
            if GENERATED_WORDS.search(line):
                assert "not your table" in line, (key, line)
    assert "grouping_inflation" not in entries["03"]["headline"]  # no groups: nothing of the search log recorded
    assert smote_lesson.NO_GROUPS_NOTE in entries["03"]["conclusions"]
