"""The levers that keep the report fast on large tables: preprocessing fitted once per fold and shared,
stratified subsampling, only scalable samplers above a size, and a time budget that skips with a note."""

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold

from ecombalance._chapters import findings, resampling_findings, resampling_study
from ecombalance.data import _preprocess as preprocess
from ecombalance.data import _shapes as shapes
from ecombalance.data._table import Table
from ecombalance.evaluation._experiment import run_experiment
from ecombalance.evaluation._fold_work import FoldFeatures, split_preprocess
from ecombalance.evaluation._folds import make_folds
from ecombalance.models._pipelines import pipeline
from ecombalance.sampling._resampling import SCALABLE


class CountingTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF on one text column that counts its fits in a class attribute (clones share it)."""

    fits = 0

    def __init__(self, max_features=50):
        self.max_features = max_features

    def fit(self, X, y=None):
        type(self).fits += 1
        self.vectorizer_ = TfidfVectorizer(max_features=self.max_features).fit(X["text"])
        return self

    def transform(self, X):
        return self.vectorizer_.transform(X["text"])


class SlowClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression that sleeps ``delay`` seconds per fit and counts its slow fits."""

    slow_fits = 0

    def __init__(self, delay=0.0):
        self.delay = delay

    def fit(self, X, y):
        type(self).slow_fits += self.delay > 0
        time.sleep(self.delay)
        self.model_ = LogisticRegression(max_iter=500).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


@pytest.fixture
def texts():
    rng = np.random.default_rng(0)
    y = np.repeat(["shoes", "bags", "hats"], [60, 30, 15])
    words = {"shoes": "running shoe sneaker", "bags": "leather bag tote", "hats": "wool hat cap"}
    text = [f"{words[c]} {rng.choice(['red', 'blue', 'black'])} item {i}" for i, c in enumerate(y)]
    return pd.DataFrame({"text": text}), y


@pytest.mark.slow
def test_preprocessing_is_fitted_once_per_fold_and_shared_by_every_method(texts):
    X, y = texts
    methods = {name: pipeline(CountingTfidf(), sampler, "logreg", random_state=0)
               for name, sampler in [("none", "none"), ("over", "random_over"), ("under", "random_under")]}
    CountingTfidf.fits = 0
    cached = run_experiment(methods, X, y, cv=3, random_state=0, progress=False)
    assert CountingTfidf.fits == 3  # one per fold, not 3 methods x 3 folds

    # the same numbers as fitting every pipeline whole on each fold
    whole = {}
    for name, pipe in methods.items():
        for fold, (train, test) in enumerate(cached.folds):
            fitted = clone(pipe).fit(X.iloc[train], y[train])
            whole.setdefault(name, np.empty(len(y), dtype=y.dtype))[test] = fitted.predict(X.iloc[test])
    for name in methods:
        np.testing.assert_array_equal(cached.oof_pred[name], whole[name])


@pytest.mark.slow
def test_a_preprocessor_with_other_parameters_is_fitted_on_its_own(texts):
    X, y = texts
    methods = {"small": pipeline(CountingTfidf(max_features=5), "none", "logreg", random_state=0),
               "large": pipeline(CountingTfidf(max_features=50), "none", "logreg", random_state=0)}
    CountingTfidf.fits = 0
    run_experiment(methods, X, y, cv=2, random_state=0, progress=False)
    assert CountingTfidf.fits == 4


def test_fold_features_counts_fits_and_split_preprocess_leaves_other_estimators_alone(texts):
    X, y = texts
    cache, train, test = FoldFeatures(), np.arange(0, 80), np.arange(80, 105)
    first = cache.get(CountingTfidf(), X, y, train, test)
    again = cache.get(CountingTfidf(), X, y, train, test)
    cache.get(CountingTfidf(), X, y, train[1:], test)  # other training rows: other matrices
    cache.get(CountingTfidf(max_features=3), X, y, train, test)  # another preprocessor
    assert cache.fits == 3 and again[0] is first[0]
    assert first[0].shape[0] == 80 and first[1].shape[0] == 25
    model = LogisticRegression()
    assert split_preprocess(model) == (None, model)
    assert split_preprocess(pipeline(None, "none", "logreg"))[0] is None
    step, rest = split_preprocess(pipeline(CountingTfidf(), "random_over", "logreg"))
    assert isinstance(step, CountingTfidf) and [name for name, _ in rest.steps] == ["sampler", "model"]


def test_compare_samplers_fits_the_preprocessor_once_per_fold(texts):
    X, y = texts
    CountingTfidf.fits = 0
    results = resampling_study.compare_samplers(X, y, ["none", "random_over", "smote"], ["logreg"],
                                                preprocess=CountingTfidf(), cv=3, progress=False)
    assert CountingTfidf.fits == 3
    assert len(results) == 4 * 3 and results["macro_f1"].notna().all()


def test_leakage_and_comparison_share_one_cache_and_give_the_same_numbers_for_any_n_jobs(texts):
    X, y = texts
    folds = make_folds(y, None, 3, 0, n_repeats=2)
    cache, CountingTfidf.fits = FoldFeatures(), 0
    resampling_study.leakage_demo(X, y, "random_over", cv=folds, preprocess=CountingTfidf(), fold_features=cache)
    assert CountingTfidf.fits == 1 + 6  # once on all rows (the leaky protocol), once per fold of the honest one
    shared = resampling_study.compare_samplers(X, y, ["none", "random_over"], ["logreg"], preprocess=CountingTfidf(),
                                               cv=folds, progress=False, fold_features=cache)
    assert CountingTfidf.fits == 7  # the comparison's folds are the leakage demo's: nothing refitted
    parallel = resampling_study.compare_samplers(X, y, ["none", "random_over"], ["logreg"],
                                                 preprocess=CountingTfidf(), cv=folds, progress=False, n_jobs=2)
    pd.testing.assert_frame_equal(shared.drop(columns="fit_seconds"), parallel.drop(columns="fit_seconds"))
    assert shared.attrs == parallel.attrs and shared.attrs["design"] == "2 × 3-fold cross-validation"
    # in worker processes with a cache that already holds every fold: no preprocessing job, the same numbers
    # (it raised joblib's "This Parallel instance is already running")
    again = resampling_study.compare_samplers(X, y, ["none", "random_over"], ["logreg"], preprocess=CountingTfidf(),
                                              cv=folds, progress=False, n_jobs=2, fold_features=cache)
    pd.testing.assert_frame_equal(shared.drop(columns="fit_seconds"), again.drop(columns="fit_seconds"))


def _table(counts: dict, groups=None) -> Table:
    labels = np.repeat(list(counts), list(counts.values()))
    frame = pd.DataFrame({"x": np.arange(len(labels), dtype=float), "label": labels})
    if groups is not None:
        frame["g"] = groups
    return Table(frame, "label", [], ["x"], [], "g" if groups is not None else None, "t")


def test_subsample_is_stratified_and_keeps_every_class():
    tbl = _table({"a": 9000, "b": 900, "c": 95, "d": 5})
    sample, note = preprocess.subsample(tbl, 1000, random_state=0)
    counts = sample.y.value_counts()
    assert counts.to_dict() == {"a": 900, "b": 90, "c": 10, "d": 5}  # shares kept, small classes floored at 10
    assert sample.frame["x"].is_monotonic_increasing and sample.frame["x"].is_unique  # original rows, in order
    assert "1,005 of the table's 10,000 rows" in note and "every class kept" in note and "max_rows=1000" in note
    again, _ = preprocess.subsample(tbl, 1000, random_state=0)
    pd.testing.assert_frame_equal(sample.frame, again.frame)


def test_subsample_leaves_a_small_table_alone_and_keeps_whole_groups():
    tbl = _table({"a": 300, "b": 100})
    assert preprocess.subsample(tbl, 400) == (tbl, "")
    assert preprocess.subsample(tbl, 0) == (tbl, "")
    with pytest.raises(ValueError, match="max_rows must be a non-negative int"):
        preprocess.subsample(tbl, -1)
    grouped = _table({"a": 300, "b": 100}, groups=np.arange(400) // 4)
    sample, note = preprocess.subsample(grouped, 100, random_state=0)
    sizes = sample.frame["g"].value_counts()
    assert (sizes == 4).all() and len(sample.frame) == 100  # whole groups only
    assert "25 whole groups of 'g'" in note


def test_subsample_on_a_generated_catalogue_with_50_classes():
    tbl = shapes.shape_table("catalogue", n_rows=6000, n_classes=50)
    sample, note = preprocess.subsample(tbl, 2000, random_state=0)
    assert set(sample.y) == set(tbl.y)
    full, part = tbl.y.value_counts(normalize=True), sample.y.value_counts(normalize=True)
    big = tbl.y.value_counts().index[:5]
    np.testing.assert_allclose(part[big], full[big], atol=0.01)
    assert note


def test_only_scalable_samplers_above_the_size():
    samplers = ["none", "smote", "enn", "tomek", "random_over"]
    assert resampling_study.scalable_samplers(samplers, 1000, 20000) == (samplers, "")
    assert resampling_study.scalable_samplers(samplers, 50000, 0) == (samplers, "")
    kept, note = resampling_study.scalable_samplers(samplers, 50000, 20000)
    assert kept == ["none", "smote", "random_over"] and set(kept) <= set(SCALABLE)
    assert "`enn`, `tomek`" in note and "50,000 rows" in note


@pytest.mark.slow
def test_time_budget_leaves_out_a_slow_method_with_a_note(texts):
    X, y = texts
    methods = {"fast": pipeline(None, "none", SlowClassifier(0.0)), "slow": pipeline(None, "none", SlowClassifier(0.3))}
    X_num = np.random.default_rng(0).normal(size=(len(y), 3))
    SlowClassifier.slow_fits = 0
    result = run_experiment(methods, X_num, y, cv=5, random_state=0, progress=False, time_budget=0.5)
    assert SlowClassifier.slow_fits == 1  # stopped after the first slow fold (0.3 s x 5 folds > 0.5 s)
    assert result.methods == ["fast"] and set(result.results["method"]) == {"fast"}
    assert "slow" not in result.oof_pred and "slow" not in result.oof_proba
    assert "1 of 5 folds" in result.skipped["slow"] and "time budget of 0.5 s per method" in result.skipped["slow"]
    # the baseline (first method) always runs, however slow
    slow_first = run_experiment({"slow": methods["slow"]}, X_num, y, cv=2, random_state=0, progress=False,
                                time_budget=0.01)
    assert slow_first.methods == ["slow"] and not slow_first.skipped


def test_compare_samplers_time_budget_skips_the_pair_with_a_note(texts):
    _, y = texts
    X = np.random.default_rng(0).normal(size=(len(y), 3))
    SlowClassifier.slow_fits = 0
    results = resampling_study.compare_samplers(X, y, ["none"], ["logreg", SlowClassifier(0.3)], cv=4,
                                                class_weight_baseline=False, progress=False, time_budget=0.6)
    assert SlowClassifier.slow_fits == 1  # 0.3 s x 4 folds > 0.6 s: stopped after the first fold
    slow = results[results["model"] == "SlowClassifier"]
    assert len(slow) == 4 and slow["macro_f1"].isna().all()
    assert slow["error"].str.startswith("skipped: not run: over the time budget of 0.6 s per method (0 s for 1 of 4 "
                                        "folds").all()
    assert results.loc[results["model"] == "logreg", "macro_f1"].notna().all()
    assert "skipped: " in resampling_findings.describe_comparison(results)
    SlowClassifier.slow_fits = 0  # the first pair is the reference: it always runs, as run_experiment's first method
    first = resampling_study.compare_samplers(X, y, ["none"], [SlowClassifier(0.3)], cv=2,
                                              class_weight_baseline=False, progress=False, time_budget=0.1)
    assert SlowClassifier.slow_fits == 2 and first["macro_f1"].notna().all() and "error" not in first


@pytest.mark.slow
def test_describe_evaluation_names_the_skipped_methods_and_the_sample(texts):
    _, y = texts
    X_num = np.random.default_rng(0).normal(size=(len(y), 3))
    methods = {"none+logreg": pipeline(None, "none", "logreg"),
               "random_over+logreg": pipeline(None, "none", SlowClassifier(0.5)),
               "class_weight+logreg": pipeline(None, "none", "logreg", class_weight="balanced")}
    result = run_experiment(methods, X_num, y, cv=3, random_state=0, progress=False, time_budget=1.0)
    assert result.methods == ["none+logreg", "class_weight+logreg"]
    effects = findings.effects(result, "none+logreg", n_resamples=50, random_state=0)
    text = findings.describe_evaluation(effects, result, notes=["- This chapter ran on a sample.", ""])
    assert text.startswith("- This chapter ran on a sample.\n- `random_over+logreg` not run: over the time budget of 1 s "
                           "per method (")


@pytest.mark.slow
def test_compare_baselines_samples_a_large_table_and_says_so():
    from ecombalance._chapters import baselines
    from ecombalance.sampling import _imbalance as imbalance

    tbl = shapes.shape_table("sessions", n_rows=600)
    reports = baselines.compare_baselines(tbl, folds=3, random_state=0, max_rows=300)
    note = reports["overall"].attrs["note"]
    expected = sum(max(min(n, 10), round(n * 300 / 600)) for n in tbl.y.value_counts())
    assert note.startswith(f"- The three models ran on a sample of {expected} of the table's 600 rows")
    assert "`baselines.compare_baselines(max_rows=300)`, 0 for all rows)." in note
    text = baselines.describe_baselines(imbalance.summary(tbl.y), reports)
    assert text.startswith(note + "\n- 600 rows")
    assert baselines.compare_baselines(tbl, folds=3, random_state=0)["overall"].attrs["note"] == ""


def test_one_cache_shared_by_two_experiments_on_different_tables_gives_the_fresh_results(texts):
    # a cache keyed on the fold number alone handed the second table the first table's matrices
    X, y = texts
    rng = np.random.default_rng(1)
    other = X.assign(text=[t if rng.random() < 0.6 else "plain item" for t in X["text"]])  # half the words gone
    methods = {"plain": pipeline(CountingTfidf(), "none", "logreg", random_state=0),
               "over": pipeline(CountingTfidf(), "random_over", "logreg", random_state=0)}
    shared = FoldFeatures()
    first = run_experiment(methods, X, y, cv=3, progress=False, fold_features=shared)
    second = run_experiment(methods, other, y, cv=first.folds, progress=False, fold_features=shared)
    fresh_first = run_experiment(methods, X, y, cv=first.folds, progress=False)
    fresh_second = run_experiment(methods, other, y, cv=first.folds, progress=False)
    pd.testing.assert_frame_equal(first.results, fresh_first.results)
    pd.testing.assert_frame_equal(second.results, fresh_second.results)
    assert not first.results["value"].equals(second.results["value"])
    assert shared.fits == 6  # three folds of each table, shared by both methods


def test_the_results_do_not_depend_on_n_jobs(texts):
    X, y = texts
    methods = {"plain": pipeline(CountingTfidf(), "none", "logreg", random_state=0),
               "smote": pipeline(CountingTfidf(), "smote", "logreg", random_state=0)}
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    serial = run_experiment(methods, X, y, cv=cv, progress=False)
    parallel = run_experiment(methods, X, y, cv=cv, progress=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial.results, parallel.results)
    for method in methods:
        np.testing.assert_array_equal(serial.oof_pred[method], parallel.oof_pred[method])
    assert serial.design == parallel.design == "2 × 3-fold cross-validation"
