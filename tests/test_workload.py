"""How many rows a comparison runs on (a rule on the table's size, never a clock), the chosen method on every row,
the default methods and vocabularies of a table, and budgets that never decide a verdict."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import balanced_accuracy_score, f1_score

import ecombalance as eb
from ecombalance.data import _shapes as shapes
from ecombalance.evaluation import make_folds
from ecombalance.models import _methods as experiments
from ecombalance.models import _workload as workload


def _numbers(n: int, seed: int = 0, shares=(0.8, 0.2)) -> pd.DataFrame:
    """Two numeric columns, one informative, and a label with the given class shares."""
    rng = np.random.default_rng(seed)
    y = rng.choice(len(shares), n, p=shares)
    return pd.DataFrame({"signal": rng.normal(y * 1.5, 1.0), "noise": rng.normal(size=n),
                         "label": np.array(["common", "rare", "third"])[y]})


@pytest.fixture(scope="module")
def small():
    return eb.load(_numbers(300, shares=(0.6, 0.3, 0.1)), label="label")


# ------------------------------------------------------------------------------------------- the default methods
def test_trees_join_the_defaults_on_a_table_of_numbers_and_categories_only():
    sessions = shapes.shape_table("sessions", 200)
    assert experiments.default_methods(sessions) == experiments.DEFAULT_METHODS + experiments.TREE_METHODS
    pairs = shapes.shape_table("product_pairs", 200)  # the pair's similarities are numbers
    assert experiments.default_methods(pairs)[-2:] == ("none+gboost", "class_weight+gboost")
    reviews = shapes.shape_table("chinese_reviews", 200)  # free text and one numeric column
    assert experiments.default_methods(reviews) == experiments.DEFAULT_METHODS
    text_only = shapes.shape_table("query_classes", 200)
    assert experiments.default_methods(text_only) == experiments.DEFAULT_METHODS


def test_linear_models_read_every_term_and_dense_models_a_capped_vocabulary():
    pairs = shapes.shape_table("product_pairs", 300)
    X = pairs.X
    linear = experiments.build(pairs, "class_weight+logreg").named_steps["preprocess"].fit(X)
    dense = experiments.build(pairs, "none+torch_mlp:ce").named_steps["preprocess"].fit(X)
    full_terms = linear.named_transformers_["text_left_title"][-1].vocabulary_
    # every term of the column: an independent count of the word 1-2-grams of the training texts
    from sklearn.feature_extraction.text import CountVectorizer
    assert len(full_terms) == len(CountVectorizer(ngram_range=(1, 2)).fit(X["left_title"]).vocabulary_) > 100
    capped = dense.named_transformers_["text_left_title"][-1].vocabulary_
    assert len(capped) == experiments.DENSE_MAX_FEATURES and set(capped) <= set(full_terms)
    # the pair's similarities are the same six numbers for both
    np.testing.assert_allclose(linear.named_transformers_["pair"].transform(X[["left_title", "right_title"]]),
                               dense.named_transformers_["pair"].transform(X[["left_title", "right_title"]]))
    assert experiments.build(pairs, "none+gboost", max_features=7).named_steps["preprocess"].fit(X) \
        .named_transformers_["text_left_title"][-1].vectorizer_.max_features == 7
    note = experiments.vocabulary_note(pairs, ["none+logreg", "none+gboost", "none+torch_mlp:ce"])
    assert note == ("- Text: `logreg` read every TF-IDF term of the text; `gboost`, `torch_mlp` need dense input and "
                    "read the 100 most frequent terms of each text column in the training folds "
                    "(`experiments.DENSE_MAX_FEATURES`).")
    assert experiments.vocabulary_note(pairs, ["none+logreg", "class_weight+logreg"]) == ""
    assert experiments.vocabulary_note(shapes.shape_table("sessions", 100), ["none+logreg", "none+gboost"]) == ""


def test_boosted_trees_are_built_as_scikit_learn_sets_them():
    model = experiments.build(shapes.shape_table("sessions", 100), "class_weight+gboost", random_state=3).named_steps["model"]
    assert (model.max_iter, model.max_leaf_nodes, model.early_stopping, model.random_state) == (100, 31, "auto", 3)
    assert model.class_weight == "balanced"


@pytest.mark.parametrize("rows, expected", [(1000, 30), (8000, 30), (8001, 30), (10_000, 24), (36_000, 7),
                                            (240_000, 1), (10**6, 1)])
def test_torch_epochs_shrink_on_large_tables_so_a_fit_passes_over_a_bounded_number_of_rows(rows, expected):
    assert experiments.epochs_for(rows) == expected == max(1, min(30, int(np.ceil(240_000 / rows))))
    assert experiments.epochs_for(rows, 5) == min(5, expected)


def test_epochs_for_rejects_what_is_no_row_count():
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="n_rows must be a positive int"):
            experiments.epochs_for(bad)


def test_a_torch_method_on_a_large_table_trains_fewer_epochs():
    big = eb.load(_numbers(20_000), label="label")
    assert experiments.build(big, "none+torch_mlp:focal", epochs=30).named_steps["model"].epochs == 12


# ------------------------------------------------------------------------------------------------ the size rule
def test_work_is_estimated_from_rows_classes_and_methods(small):
    counts = small.y.value_counts().to_numpy()
    per_fit_rows = 300 * 4 / 5 * 10  # 2 × 5 folds, four fifths of the rows each
    logreg = 15.0 * 3 ** 0.85  # three classes
    assert workload.work_seconds(small, ["none+logreg"]) == pytest.approx(logreg * per_fit_rows * 1e-6)
    over = 3 * counts.max() / counts.sum()  # random over-sampling brings every class up to the largest
    assert workload.work_seconds(small, ["random_over+logreg"]) == pytest.approx(logreg * over * per_fit_rows * 1e-6)
    assert workload.input_width(small) == 2
    tree = 0.025 * 100 * 2 * 3  # per row, column and tree, 100 rounds of three trees
    assert workload.fit_microseconds(small, "class_weight+gboost", 300) == pytest.approx(tree)
    torch = 30 * (20 + 0.05 * 2)
    assert workload.fit_microseconds(small, "none+torch_mlp:ce", 300) == pytest.approx(torch)


def test_a_table_that_fits_runs_on_every_row_and_a_larger_one_on_a_sample_that_fits(small):
    methods = experiments.default_methods(small)
    assert workload.row_limit(small, methods) == 0
    sample, note = workload.sample_for(small, methods)
    assert sample is small and note == ""
    big = eb.load(_numbers(40_000, shares=(0.5, 0.3, 0.2)), label="label")
    limit = workload.row_limit(big, methods, budget=60)
    assert 100 < limit < 40_000
    assert workload.work_seconds(big, methods, limit) <= 60 < workload.work_seconds(big, methods, limit + 1)
    assert workload.row_limit(big, methods, budget=60) == limit  # no clock: the same rows every time


def test_the_sample_note_says_why_and_how_to_change_it():
    big = eb.load(_numbers(200_000, shares=(0.6, 0.3, 0.1)), label="label")
    methods = experiments.default_methods(big)
    limit = workload.row_limit(big, methods)
    sample, note = workload.sample_for(big, methods, random_state=0)
    assert len(sample.frame) == pytest.approx(limit, abs=2)
    estimate = workload.work_seconds(big, methods)
    assert note == (f"- The comparison ran on a sample of {len(sample.frame):,} of the table's 200,000 rows: the whole "
                    f"table would take about {estimate:,.0f} s of fitting for 9 methods × 10 folds, estimated from its "
                    "rows, classes and columns (`workload.row_limit`), over the work budget of 150 s (stratified on "
                    f"'label', every class kept; parameter `max_rows=None` ({limit:,} here), 0 for all rows).")
    assert workload.sample_for(big, methods, max_rows=0)[0] is big
    assert len(workload.sample_for(big, methods, max_rows=1000)[0].frame) == 1000


def test_recommended_is_best_or_else_the_top_plain_model():
    scores = pd.Series({"none+logreg": 0.70, "class_weight+logreg": 0.80, "none+gboost": 0.75,
                        "none+torch_mlp:logit_adjusted": 0.90})
    assert workload.recommended("class_weight+logreg", scores) == "class_weight+logreg"
    assert workload.recommended(None, scores) == "none+gboost"  # no balancing earned its place
    assert workload.recommended(None, scores.drop(["none+logreg", "none+gboost"])) == "none+torch_mlp:logit_adjusted"


# ------------------------------------------------------------------------------------ compare on a large table
@pytest.fixture(scope="module")
def sampled():
    table = eb.load(_numbers(1500, seed=1), label="label")
    return table, eb.compare(table, methods=["none+logreg", "class_weight+logreg"], folds=3, repeats=1,
                             max_rows=400, n_resamples=50, progress=False)


def test_the_chosen_method_is_scored_again_on_every_row(sampled):
    table, c = sampled
    assert c.sampled and c.rows == 1500 and len(c.result.y) == pytest.approx(400, abs=2)
    chosen = c.chosen
    assert chosen == (c.best() or "none+logreg")
    y = table.y.to_numpy()
    pred = np.empty(len(y), dtype=object)
    for train, test in make_folds(table.y, None, 3, 0):  # an independent refit on every row
        model = clone(experiments.build(table, chosen, random_state=0)).fit(table.X.iloc[train], y[train])
        pred[test] = model.predict(table.X.iloc[test])
    assert c.full_table["macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"), abs=1e-12)
    assert c.full_table["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, pred), abs=1e-12)
    assert c.full_table["rows"] == 1500 and c.full_table["design"] == "3-fold cross-validation"
    assert c.notes[0].startswith(f"- `compare` ran on a sample of {len(c.result.y):,} of the table's 1,500 rows")
    sample_score = c.table.loc[chosen]
    assert c.notes[-1] == (f"- `{chosen}` fitted again on every row (1,500 rows, 3-fold cross-validation, pooled "
                           f"out-of-fold): macro-F1 {c.full_table['macro_f1']:.3f}, balanced accuracy "
                           f"{c.full_table['balanced_accuracy']:.3f} (on the {len(c.result.y):,}-row sample: "
                           f"{sample_score['macro_f1']:.3f} and {sample_score['balanced_accuracy']:.3f}).")


def test_a_comparison_on_every_row_is_not_refitted():
    table = eb.load(_numbers(200), label="label")
    c = eb.compare(table, methods=["none+logreg", "class_weight+logreg"], folds=3, repeats=1, n_resamples=50,
                   progress=False)
    assert not c.sampled and c.full_table is None and c.rows == 200
    assert not any("every row" in note for note in c.notes)


# --------------------------------------------------------------------------------- budgets never decide a verdict
class _FastClock:
    """``time.perf_counter`` of a machine 1,000 times slower: every interval looks 1,000 times longer."""

    def __init__(self, real):
        self.real, self.start = real, real()

    def __call__(self):
        return self.start + (self.real() - self.start) * 1000


def test_the_defaults_give_the_same_verdict_on_a_loaded_machine(monkeypatch):
    table = eb.load(_numbers(400, seed=2), label="label")
    methods = ["none+logreg", "class_weight+logreg", "random_over+logreg", "none+gboost", "class_weight+gboost"]
    idle = eb.compare(table, methods=methods, folds=3, n_resamples=50, progress=False)
    monkeypatch.setattr(time, "perf_counter", _FastClock(time.perf_counter))
    loaded = eb.compare(table, methods=methods, folds=3, n_resamples=50, progress=False)
    assert loaded.best() == idle.best() and loaded.reason == idle.reason and not loaded.not_run
    pd.testing.assert_frame_equal(loaded.table, idle.table)
    # an opt-in wall-clock budget is what a loaded machine changes: it leaves methods out, and says so
    budgeted = eb.compare(table, methods=methods, folds=3, n_resamples=50, progress=False, time_budget=60)
    assert budgeted.not_run and set(budgeted.not_run) <= set(methods[1:])


def test_a_method_left_out_for_time_is_named_everywhere_and_never_judged(monkeypatch):
    table = eb.load(_numbers(400, seed=2), label="label")
    methods = ["none+logreg", "class_weight+logreg", "none+gboost", "class_weight+gboost"]
    monkeypatch.setattr(time, "perf_counter", _FastClock(time.perf_counter))
    c = eb.compare(table, methods=methods, folds=3, repeats=1, n_resamples=50, progress=False, time_budget=5)
    dropped = list(c.not_run)
    assert dropped and "none+logreg" not in dropped
    for method in dropped:
        assert c.not_run[method].startswith("not run: over the time budget of 5 s per method")
        assert f"`{method}` (over the time budget of 5 s per method" in c.reason
        assert any(note.startswith(f"- `{method}` not run: over the time budget") for note in c.notes)
        row = c.table.loc[method]
        assert row["kind"] == "not run" and np.isnan(row["macro_f1"]) and np.isnan(row["difference"])
        assert not row["distinguishable"] and method not in c.differences["method"].tolist()
    assert c.reason.startswith("Not run, so no verdict covers them: ") or c.reason.startswith("Only the baseline")


def test_a_run_of_the_baseline_alone_returns_its_scores_with_a_note():
    table = eb.load(_numbers(300, seed=3), label="label")
    c = eb.compare(table, methods=["none+logreg", "class_weight+logreg", "random_over+logreg"], folds=3, repeats=1,
                   n_resamples=50, progress=False, time_budget=1e-9)  # every other method over it after one fold
    assert c.result.methods == ["none+logreg"] and set(c.not_run) == {"class_weight+logreg", "random_over+logreg"}
    assert c.best() is None and c.chosen == "none+logreg"
    y_true, pred, _, _ = c.result.pooled("none+logreg")
    assert c.table.loc["none+logreg", "macro_f1"] == pytest.approx(f1_score(y_true, pred, average="macro"))
    assert c.table["kind"].tolist() == ["reference", "not run", "not run"]
    assert c.reason.startswith("Only the baseline `none+logreg` was run (3-fold cross-validation), so nothing was "
                               "compared and no verdict is drawn; its scores are in `.table`. Not run: "
                               "`class_weight+logreg` (over the time budget of 1e-09 s per method")
    c.plot()  # the baseline's bar alone


def test_compare_checks_max_rows():
    table = eb.load(_numbers(100), label="label")
    with pytest.raises(TypeError, match=r"'max_rows' parameter of compare must be None or an int in the range \[0, "
                                        r"inf\); got -1"):
        eb.compare(table, methods=["none+logreg", "class_weight+logreg"], max_rows=-1, progress=False)


def test_every_method_and_model_has_a_cost():
    table = shapes.shape_table("catalogue", 300)
    from ecombalance.models import _pipelines as pipelines
    from ecombalance.sampling import _resampling as resampling
    for sampler, model in itertools.product([*resampling.SAMPLERS, "class_weight"], pipelines.MODELS):
        assert workload.fit_microseconds(table, f"{sampler}+{model}", 300) > 0


def test_a_chosen_method_too_slow_for_every_row_is_scored_on_the_largest_sample_its_folds_fit():
    full = eb.load(_numbers(20_000, shares=(0.7, 0.3)), label="label")
    sample, _ = workload.sample_for(full, ["none+logreg"], max_rows=300)
    summary = pd.DataFrame({"method": ["none+logreg"] * 2, "metric": ["macro_f1", "balanced_accuracy"],
                            "class": ["all"] * 2, "pooled": [0.71, 0.72]})
    budget = workload.work_seconds(full, ["none+logreg"], 5000, folds=3, repeats=1)
    chosen, score, note = workload.every_row_check(full, sample, None, summary, folds=3, budget=budget)
    assert chosen == "none+logreg" and abs(score["rows"] - 5000) <= 2
    assert note.startswith("- `none+logreg` fitted again on a larger sample, the most rows its folds fit in the work "
                           f"budget (of 20,000) ({score['rows']:,} rows, 3-fold cross-validation, pooled out-of-fold)")
    assert note.endswith(f"(on the {len(sample.frame):,}-row sample: 0.710 and 0.720).")
    # a budget no larger sample fits: nothing to add
    assert workload.every_row_check(full, sample, None, summary, folds=3, budget=1e-9)[1:] == (None, "")


@pytest.mark.slow
def test_the_report_and_compare_give_the_same_answer_on_the_same_table(tmp_path):
    """Notebook 06 with its defaults and ``eb.compare`` with the same settings: the same methods (trees included on
    a table of numbers), rows, folds, scores, best() and recommended method."""
    import json

    frame = shapes.generate("household_panel", 360, random_state=0)
    options = {"label": "choice", "group": "id"}
    eb.report(frame, out=tmp_path / "r", notebooks="06", profile="smoke", log=lambda _: None,
              parameters={"methods": [], "max_rows": 200}, **options)
    headline = json.loads((tmp_path / "r" / "summary.json").read_text())["notebooks"][0]["headline"]
    c = eb.compare(eb.load(frame, **options), folds=3, repeats=1, epochs=5, n_resamples=100, max_rows=200,
                   progress=False)
    assert set(c.result.methods) == set(experiments.default_methods(eb.load(frame, **options)))
    assert headline["compared_rows"] == len(c.result.y) < 360 and headline["table_rows"] == 360
    assert headline["chosen_method"] == c.chosen and headline.get("best_method") == c.best()
    for method in c.result.methods:
        assert headline[f"{method}/macro_f1"] == pytest.approx(c.table.loc[method, "macro_f1"], abs=1e-12)
    assert headline["every_row_macro_f1"] == pytest.approx(c.full_table["macro_f1"], abs=1e-12)
