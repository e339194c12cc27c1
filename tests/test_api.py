"""The front door: ``import ecombalance as eb; eb.load(df, ...); eb.compare(t); eb.report(df, ...)``."""

from __future__ import annotations

import ast
import importlib
import io
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from sklearn.base import clone
from sklearn.metrics import f1_score

import ecombalance as eb
from ecombalance import _api as api
from ecombalance._reporting import cli, params
from ecombalance.data import _shapes as shapes
from ecombalance.data._datasets import case_table
from ecombalance.models import _methods as experiments


@pytest.fixture(scope="module")
def case() -> pd.DataFrame:
    return case_table(random_state=0).frame


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Every front-door call runs from a folder outside the checkout."""
    monkeypatch.chdir(tmp_path)


def _two_classes(n: int, positive_share: float, separation: float, seed: int = 0) -> pd.DataFrame:
    """A two-class table with one informative numeric feature, the classes ``separation`` standard deviations
    apart: with much overlap (1 sd, 10 % rare) class weights raise macro-F1, with little (2 sd, 5 %) they lower it
    (more false alarms on the rare class than it gains in recall)."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < positive_share
    return pd.DataFrame({"signal": rng.normal(np.where(y, separation, 0.0), 1.0), "noise": rng.normal(size=n),
                         "label": np.where(y, "rare", "common")})


# ------------------------------------------------------------------------------------------------ load
def test_a_dataframe_loads_as_its_csv_file_does(case, tmp_path):
    path = tmp_path / "case.csv"
    case.to_csv(path, index=False)
    from_frame = eb.load(case, label="category", text="title")
    from_file = eb.load(path, label="category", text=["title"])
    assert from_frame.feature_cols == from_file.feature_cols
    assert from_frame.left_out.keys() == from_file.left_out.keys() == {"product_id"}
    pd.testing.assert_series_equal(from_frame.y, from_file.y)
    assert from_frame.name == "DataFrame" and from_file.name == "case.csv"


def test_load_never_changes_the_callers_frame(case):
    before = case.copy()
    eb.load(case.assign(email=[f"u{i}@example.com" for i in range(len(case))]), label="category", text="title")
    pd.testing.assert_frame_equal(case, before)


def test_a_copy_of_the_label_is_left_out_with_a_note(case):
    t = eb.load(case.assign(label_copy=case["category"].str.upper()), label="category", text="title")
    assert "label_copy" not in t.feature_cols
    assert "predicts the label alone" in t.left_out["label_copy"] or "label in another form" in t.left_out["label_copy"]
    assert any("'label_copy'" in note for note in t.notes)


def test_the_checked_table_shows_every_columns_role_and_the_notes(case):
    t = eb.load(case.assign(label_copy=case["category"]), label="category", text="title")
    page = t._repr_html_()
    for column in t.frame.columns:
        assert f"<th>{column}</th>" in page
    assert "600 rows" in page and "8.0:1" in page  # 400 / 50
    assert "label_copy" in page.split("Notes:")[1]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"label": "categroy"}, "ColumnNotFoundError", ["'categroy'", "not found", "'category'"]),
    ({"label": "category", "text": "titel"}, "ColumnNotFoundError", ["'titel'"]),
    ({"label": "category", "text": "category"}, "DataError", ["category"]),
    ({"label": "category", "folds": 60}, "DataError", ["sports_outdoors", "min_class_size=60"]),
])
def test_bad_tables_get_the_loaders_errors(case, kwargs, error, words):
    with pytest.raises(Exception) as caught:
        eb.load(case, **kwargs)
    assert type(caught.value).__name__ == error
    assert all(word in str(caught.value) for word in words), str(caught.value)


def test_one_class_only_is_an_error(case):
    with pytest.raises(eb.DataError, match="one class only"):
        eb.load(case[case["category"] == "electronics"], label="category", text="title")


@pytest.mark.parametrize("kwargs, words", [
    ({"data": 42, "label": "category"}, "'data' parameter of load must be a pandas DataFrame or the path"),
    ({"label": 3}, "'label' parameter of load must be a column name"),
    ({"label": "category", "text": 5}, "'text' parameter of load must be a column name or a sequence"),
    ({"label": "category", "pair": ("title",)}, "'pair' parameter of load must be None or a sequence of 2 column"),
    ({"label": "category", "group": ["a", "b"]}, "'group' parameter of load must be None or a column name"),
    ({"label": "category", "min_class_size": "5"}, "'min_class_size' parameter of load must be an int in the range"),
    ({"label": "category", "folds": 1}, r"'folds' parameter of load must be an int in the range \[2, inf\); got 1"),
])
def test_wrong_parameter_types_are_named(case, kwargs, words):
    with pytest.raises(TypeError, match=words):
        eb.load(**{"data": case, **kwargs})


def test_api_and_command_line_give_the_same_error(case, tmp_path):
    path = tmp_path / "case.csv"
    case.assign(category=case["category"].where(case["category"] != "sports_outdoors", "rare").where(
        case.index >= 3, "tiny")).to_csv(path, index=False)
    with pytest.raises(eb.DataError) as caught:
        eb.load(path, label="category", text="title", folds=5)
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = cli.main(["report", "--data", str(path), "--label-col", "category", "--text-col", "title",
                           "--notebooks", "06", "--out", str(tmp_path / "r")])
    assert status == 2
    api_message = str(caught.value).split(";")[0]
    assert api_message in stderr.getvalue()
    assert "--" not in api_message


# --------------------------------------------------------------------------------------------- compare
@pytest.fixture(scope="module")
def comparison(case):
    t = eb.load(case, label="category", text="title")
    return eb.compare(t, methods=["none+logreg", "class_weight+logreg", "random_over+logreg"], folds=3,
                      n_resamples=200, progress=False)


@pytest.mark.slow
def test_compare_scores_match_an_independent_refit(case, comparison):
    t = eb.load(case, label="category", text="title")
    y = t.y.to_numpy()
    table = comparison.table
    assert comparison.design == "2 × 3-fold cross-validation" and len(comparison.result.folds) == 6
    fold_f1 = {}
    for method in ("none+logreg", "class_weight+logreg"):
        pred = np.empty(len(y), dtype=object)
        fold_f1[method] = []
        for i, (train, test) in enumerate(comparison.result.folds):
            model = clone(experiments.build(t, method, random_state=0)).fit(t.X.iloc[train], y[train])
            fold_pred = model.predict(t.X.iloc[test])
            fold_f1[method].append(f1_score(y[test], fold_pred, average="macro"))
            if i < 3:  # the pooled out-of-fold predictions are the first repeat's
                pred[test] = fold_pred
        assert table.loc[method, "macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"), abs=1e-12)
    # the difference the test judges: the mean over all six folds of the paired fold differences
    assert table.loc["class_weight+logreg", "difference"] == pytest.approx(
        np.mean(fold_f1["class_weight+logreg"]) - np.mean(fold_f1["none+logreg"]), abs=1e-12)
    assert table.loc["class_weight+logreg", "against"] == "none+logreg"


def test_compare_table_is_sorted_and_intervals_hold_the_estimate(comparison):
    table = comparison.table
    assert list(table["macro_f1"]) == sorted(table["macro_f1"], reverse=True)
    assert ((table["macro_f1_low"] <= table["macro_f1"]) & (table["macro_f1"] <= table["macro_f1_high"])).all()
    assert set(table.index) == {"none+logreg", "class_weight+logreg", "random_over+logreg"}
    assert table["kind"].to_dict() == {m: ("reference" if m == "none+logreg" else "balancing") for m in table.index}
    smallest = comparison.result.y == "sports_outdoors"
    recall = (comparison.result.oof_pred["none+logreg"][smallest] == "sports_outdoors").mean()
    assert table.loc["none+logreg", "recall_smallest"] == pytest.approx(recall)
    assert table.attrs["smallest_class"] == "sports_outdoors"


def test_best_is_none_with_the_ties_listed_when_nothing_is_distinguishable(comparison):
    table = comparison.table
    assert not (table["p_value"] < api.ALPHA).any()  # on this seed every difference is within the noise
    assert comparison.best() is None
    reason = comparison.reason
    assert reason.startswith("Within `logreg`: Not enough evidence to separate any method from `none+logreg` on "
                             "macro-F1: the smallest difference this design detects is about ")
    for method, row in table.head(3).iterrows():
        assert f"`{method}` {row.macro_f1:.3f} [{row.macro_f1_low:.3f}, {row.macro_f1_high:.3f}]" in reason
    assert "(2 × 3-fold cross-validation, corrected repeated cross-validation t-test, Holm-corrected" in reason


def test_best_names_a_method_only_when_its_difference_is_real():
    t = eb.load(_two_classes(2000, 0.1, 1.0), label="label")
    c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=5, n_resamples=300, progress=False)
    row = c.table.loc["class_weight+logreg"]
    assert row.difference > 0.03 and row.difference_low > 0 and row.p_value < api.ALPHA
    assert row.difference > row.detectable > 0
    assert c.best() == "class_weight+logreg"
    assert f"a mean fold difference of {row.difference:+.3f}" in c.reason and "capacity" not in c.reason
    assert f"p = {row.p_value:.3g} (2 × 5-fold cross-validation" in c.reason
    assert "class_weight+logreg" in c._repr_html_()


def test_a_real_loss_is_not_a_best_method():
    t = eb.load(_two_classes(2000, 0.05, 2.5), label="label")
    c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=5, n_resamples=300, progress=False)
    row = c.table.loc["class_weight+logreg"]
    assert row.difference_high < 0 and row.distinguishable
    assert c.best() is None
    assert c.reason.startswith(f"Within `logreg`: No method is distinguishably better than `none+logreg` on macro-F1 "
                               f"(`class_weight+logreg` is worse by {-row.difference:.3f})")


def test_a_model_change_is_model_choice_never_balancing():
    """A plain model of another family is compared with the baseline's plain model, as model choice: never a
    best method, reported on its own in the reason."""
    t = eb.load(_two_classes(2000, 0.1, 1.0), label="label")
    c = eb.compare(t, methods=["none+logreg", "class_weight+logreg", "none+gboost"], folds=5, n_resamples=100,
                   progress=False)
    row = c.table.loc["none+gboost"]
    assert (row["against"], row["kind"]) == ("none+logreg", "capacity")
    assert c.best() in (None, "class_weight+logreg")
    verdict = "a real difference" if row["distinguishable"] else "not enough evidence"
    assert (f"Model choice (capacity), not balancing: `none+gboost` against `none+logreg` differs by "
            f"{row['difference']:+.3f}") in c.reason and verdict in c.reason.split("Model choice")[1]
    # the note the chapters' older one-baseline rule appended
    assert "not balancing" in experiments.capacity_note("none+torch_mlp:ce", "none+logreg")
    assert experiments.capacity_note("class_weight+logreg", "none+logreg") == ""


def test_without_the_plain_model_no_balancing_claim_is_made():
    t = eb.load(_two_classes(600, 0.2, 1.0), label="label")
    c = eb.compare(t, methods=["class_weight+logreg", "random_over+logreg"], folds=3, repeats=1, n_resamples=50,
                   progress=False)
    assert c.best() is None and c.table.loc["random_over+logreg", "kind"] == "other"
    assert c.reason.startswith("No balancing method could be judged against the same model without balancing: add "
                               "the plain version of its model (e.g. `none+logreg`) to the methods. Not balancing "
                               "alone (no plain `logreg` among the methods)")


@pytest.mark.slow  # ~10 s: the per-class scores of 150 classes on every fold
def test_an_interval_holds_its_estimate_with_many_small_classes():
    """Issue 25: 150 classes x 3 rows, every prediction right (a feature that gives the class away): macro-F1
    1.000 and an interval that holds it (a class absent from a bootstrap resample is skipped, not scored 0)."""
    classes = [f"c{i:03d}" for i in range(150)]
    frame = pd.DataFrame({"code": np.repeat(classes, 3), "label": np.repeat(classes, 3)})
    t = eb.load(frame, label="label", features=["code"], folds=3)
    c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=3, repeats=1, n_resamples=100,
                   progress=False)
    assert (c.result.oof_pred["none+logreg"] == t.y.to_numpy()).all()
    table = c.table
    assert (table["macro_f1"] == 1.0).all()
    assert ((table["macro_f1_low"] <= 1.0) & (table["macro_f1_high"] >= 1.0)).all()
    assert table.loc["class_weight+logreg", "difference"] == 0.0 and c.best() is None


@pytest.mark.slow
def test_compare_repeats_with_the_seed(case):
    t = eb.load(case, label="category", text="title")
    runs = [eb.compare(t, methods=["none+logreg", "smote+logreg"], folds=3, n_resamples=100, progress=False).table
            for _ in range(2)]
    pd.testing.assert_frame_equal(*runs)


def test_the_reprs_are_a_few_lines_of_the_comparisons_numbers(case, comparison):
    text = repr(comparison)
    assert len(text.splitlines()) <= 5 and len(text) < 600, text
    first = text.splitlines()[0]
    assert first == (f"Comparison: 3 methods, {len(case):,} rows, {case['category'].nunique()} classes, "
                     "2 × 3-fold cross-validation")  # compare's default repeats=2
    table = comparison.table
    assert "macro-F1: " + ", ".join(f"{m} {v:.3f}" for m, v in table["macro_f1"].items()) in text
    assert "best: None" in text  # nothing is distinguishable on this seed (test above)
    result = repr(comparison.result)
    classes = case["category"].nunique()
    assert result.splitlines() == [f"ExperimentResult: 3 methods, {len(case):,} rows, {classes} classes, "
                                   "2 × 3-fold cross-validation",
                                   "  methods: none+logreg, class_weight+logreg, random_over+logreg"]


def test_one_best_method_in_the_library():
    defined = [path.relative_to(ROOT).as_posix() for path in (ROOT / "lib" / "ecombalance").rglob("*.py")
               if "def best_method(" in path.read_text(encoding="utf-8")]
    assert defined == ["lib/ecombalance/evaluation/_verdicts.py"]


def test_per_class_and_plot(comparison):
    per_class = comparison.per_class()
    assert per_class.loc["electronics", ("none+logreg", "support")] == 400
    ax = comparison.plot()
    assert [t.get_text() for t in ax.get_xticklabels()] == list(comparison.table.index)
    assert "macro-F1" in ax.get_ylabel()


def test_the_comparison_display_draws_the_comparisons_numbers(case, comparison):
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    display = eb.ComparisonDisplay.from_comparison(comparison)
    assert display.plot(ax=ax) is display and display.ax_ is ax and display.figure_ is figure
    methods = [t.get_text() for t in ax.get_xticklabels()]
    assert methods == list(comparison.table.index)
    y = comparison.result.y  # each bar: macro-F1 of the pooled out-of-fold predictions, computed here again
    expected = [f1_score(y, comparison.result.oof_pred[m], average="macro") for m in methods]
    np.testing.assert_allclose([bar.get_height() for bar in display.bars_], expected, rtol=1e-9)
    (container,) = [c for c in ax.containers if hasattr(c, "errorbar")]
    segments = container.errorbar.lines[2][0].get_segments()  # each bar's interval, bottom to top
    np.testing.assert_allclose([s[:, 1] for s in segments],
                               comparison.table[["macro_f1_low", "macro_f1_high"]].to_numpy(), rtol=1e-9)
    grey = [bar.get_facecolor() for bar, m in zip(display.bars_, methods) if m == comparison.baseline]
    assert grey == [(0.5019607843137255, 0.5019607843137255, 0.5019607843137255, 1.0)]
    assert comparison.plot(ax=(other := plt.subplots()[1])) is other and len(other.patches) == len(methods)
    plt.close("all")


def test_compare_rejects_what_it_cannot_use(case):
    t = eb.load(case, label="category", text="title")
    with pytest.raises(TypeError, match="call eb.load"):
        eb.compare(case)
    with pytest.raises(ValueError, match="unknown sampler 'smoot'"):
        eb.compare(t, methods=["none+logreg", "smoot+logreg"])
    with pytest.raises(ValueError, match="a baseline and at least one other"):
        eb.compare(t, methods="none+logreg")
    with pytest.raises(eb.DataError, match="fewer than the 60 folds"):
        eb.compare(t, folds=60)


def test_a_text_pair_table_compares():
    frame = shapes.generate("product_pairs", n_rows=400, random_state=0)
    t = eb.load(frame, label="match", pair=("left_title", "right_title"))
    assert t.text_pair == ("left_title", "right_title")
    c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=3, n_resamples=100, progress=False)
    assert c.best() in (None, "class_weight+logreg")
    assert set(c.table.index) == {"none+logreg", "class_weight+logreg"}


def test_default_methods_are_notebook_06s():
    declared = params.declared_parameters(ROOT / "notebooks" / "06_effect_evaluation.ipynb")
    assert declared["methods"].default == [] and declared["max_rows"].default is None
    assert declared["time_budget"].default == 0  # no wall-clock budget unless asked for
    source = (ROOT / "notebooks" / "06_effect_evaluation.ipynb").read_text()
    assert "list(methods) or list(experiments.default_methods(tbl))" in source  # compare's default, the same rule
    assert "workload.sample_for(full_tbl, methods, max_rows, folds, repeats, epochs, random_state=seed)" in source


# ---------------------------------------------------------------------------------- the package itself
def test_the_front_door_names_and_their_stub_agree():
    from ecombalance import exceptions

    assert set(eb.__all__) == {"load", "compare", "Comparison", "report", "Table", "ComparisonDisplay",
                               *exceptions.__all__}
    stub = ast.parse((ROOT / "lib" / "ecombalance" / "__init__.pyi").read_text())
    stubbed = {alias.asname for node in stub.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert stubbed == set(eb.__all__)
    for name in eb.__all__:
        assert getattr(eb, name).__doc__, name
    importlib.import_module("ecombalance._reporting.runner")  # a subpackage import must not shadow a front-door name
    assert eb.report is api.report and callable(eb.report)


@pytest.mark.slow
def test_report_from_a_dataframe(case, tmp_path):
    out = tmp_path / "report"
    result = eb.report(case.assign(label_copy=case["category"]), out=out, notebooks="01", profile="smoke",
                       label="category", text="title", log=lambda _: None)
    assert result.index == out / "index.html" and result.index.is_file()
    assert [run.status for run in result.runs] == ["ok"]
    written = pd.read_parquet(out / "data" / "table.parquet")
    assert list(written.columns) == [*case.columns, "label_copy"]
    assert "label_copy" in (out / "index.html").read_text()


def test_report_words_a_left_out_notebook_in_its_own_keyword_names(case, tmp_path):
    """Notebook 05 needs a text column; on a table without one ``eb.report`` leaves it out (no kernel starts) and
    says so in its keyword argument's name, not the report command's flag."""
    result = eb.report(case.drop(columns="title"), out=tmp_path / "r", notebooks="05", profile="smoke",
                       label="category", log=lambda _: None)
    [run] = result.runs
    assert run.status == "not applicable"
    assert run.note.endswith("name one with text='COLUMN')") and "--" not in run.note, run.note


def test_report_checks_the_table_before_any_notebook(case, tmp_path):
    with pytest.raises(eb.DataError, match="fewer rows than the"):
        api.report(case.assign(category=np.where(np.arange(len(case)) < 2, "tiny", case["category"])),
                  out=tmp_path / "r", notebooks="06", label="category", text="title")
    assert not (tmp_path / "r" / "index.html").exists()
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        api.report(case, out=tmp_path / "r", label="category", colour="red")


# ------------------------------------------------------------- bad input: the data layer's error, in each front end's names
def _relabel(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """``frame`` with a class 'tiny' of ``rows`` rows (taken from the first ones)."""
    return frame.assign(category=frame["category"].where(frame.index >= rows, "tiny"))


# (name, change to the table, front-door options, error, [(front-door words, the command's words, "" if the same)])
BAD_INPUT = [
    ("missing label column", lambda f: f, {"label": "categroy", "text": "title"}, "ColumnNotFoundError",
     [("label column(s) ['categroy'] not found; the columns are", "")]),
    ("one class only", lambda f: f[f["category"] == "electronics"], {"label": "category", "text": "title"},
     "DataError", [("has one class only ('electronics')", "")]),
    ("NaN labels", lambda f: f.assign(category=np.nan), {"label": "category", "text": "title"}, "DataError",
     [("label column 'category' is empty in every row", "")]),
    ("class too small for the folds", lambda f: _relabel(f, 3), {"label": "category", "text": "title"},
     "DataError", [("pass min_class_size=5 to merge", "pass --min-class-size 5 to merge"),
                   ("add min_class_action='drop' to drop", "add --min-class-action drop to drop")]),
    ("wrong text column", lambda f: f, {"label": "category", "text": "titel"}, "ColumnNotFoundError",
     [("text column(s) ['titel'] not found", "")]),
    ("label as text", lambda f: f, {"label": "category", "text": "category"}, "DataError",
     [("cannot also be a text column (text):", "cannot also be a text column (--text-col):")]),
]


@pytest.mark.parametrize("name, change, options, error, words", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_gets_the_same_error_from_the_library_the_front_door_and_the_command(
        case, tmp_path, name, change, options, error, words):
    from ecombalance.data import _datasets as datasets

    path = tmp_path / "table.csv"
    change(case).to_csv(path, index=False)
    with pytest.raises(Exception) as direct:  # the data layer, in its own (the notebooks') parameter names
        datasets.load(data_path=str(path), label_col=options["label"], text_cols=[options["text"]], n_splits=5)
    with pytest.raises(Exception) as front:
        eb.load(path, folds=5, **options)
    assert type(front.value) is type(direct.value) and type(front.value).__name__ == error
    assert isinstance(front.value, eb.DataError)
    api_message = str(front.value)
    words = [(ours, theirs or ours) for ours, theirs in words]
    assert all(ours in api_message for ours, _ in words) and "--" not in api_message, api_message
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = cli.main(["report", "--data", str(path), "--label-col", options["label"], "--text-col",
                           options["text"], "--notebooks", "06", "--out", str(tmp_path / "r")])
    printed = stderr.getvalue()
    assert status == 2 and all(theirs in printed for _, theirs in words), printed
    for ours, theirs in words:  # the command's message is the front door's with the option names as flags
        api_message = api_message.replace(ours, theirs)
    assert f"ecombalance: error: {api_message}" in printed, (api_message, printed)
    assert not (tmp_path / "r").exists()


def test_the_data_layer_speaks_python_and_names_no_flags():
    import re

    from ecombalance.data import _checks as checks
    from ecombalance.data import _datasets as datasets
    from ecombalance.data import _loaders as loaders
    from ecombalance.data import _preprocess as preprocess

    for module in (checks, datasets, loaders, preprocess):
        source = Path(module.__file__).read_text(encoding="utf-8")
        flags = re.findall(r"--(?:label|text|group|feature|exclude|min|gains|encoding)[a-z-]*", source)
        assert not flags, f"{module.__name__} names command-line flags {flags}: name the Python parameter"
