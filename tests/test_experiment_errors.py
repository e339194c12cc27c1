"""run_experiment's errors="record" / record_warnings: a failing fold is recorded, the rest runs as without it."""

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from ecombalance import evaluation
from ecombalance._chapters import findings
from ecombalance.data import _loaders as loaders
from ecombalance.evaluation import _stats as stats
from ecombalance.evaluation import run_experiment


class FoldError(Exception):
    """An exception type of the test's own, to see that "raise" keeps the original type."""


class FailsWithoutRow(ClassifierMixin, BaseEstimator):
    """Logistic regression on columns 1: that raises when row ``row`` (column 0 holds row ids) is not among its
    training rows, i.e. in the one fold whose test part holds it; warns on every fit when ``warn``."""

    def __init__(self, row=0, warn=False):
        self.row = row
        self.warn = warn

    def fit(self, X, y):
        if self.warn:
            warnings.warn(f"fitted on {len(y)} rows", UserWarning)
        if self.row not in set(X[:, 0].astype(int)):
            raise FoldError(f"row {self.row} is held out")
        self.model_ = LogisticRegression(max_iter=500).fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X[:, 1:])

    def predict_proba(self, X):
        return self.model_.predict_proba(X[:, 1:])


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1])
    X = np.column_stack([np.arange(n), rng.normal(size=n) + (y == "c") * 2, rng.normal(size=n) + (y == "b")])
    return X, y


def test_a_fold_that_raises_is_recorded_and_the_other_methods_are_unchanged():
    X, y = _data()
    folds = evaluation.make_folds(y, n_splits=4, random_state=0)
    held_out = int(folds[2][1][0])  # a test row of fold 2: the method fails there, and only there
    good = {"lr": LogisticRegression(max_iter=500),
            "ros": make_pipeline(RandomOverSampler(), LogisticRegression(max_iter=500))}
    with_bad = {"lr": good["lr"], "bad": FailsWithoutRow(row=held_out), "ros": good["ros"]}
    result = evaluation.run_experiment(with_bad, X, y, cv=folds, random_state=0, errors="record",
                                       progress=False)
    assert result.failures.to_dict("records") == [
        {"method": "bad", "fold": 2, "error": "FoldError", "message": f"row {held_out} is held out"}]
    assert result.methods == ["lr", "ros"] and result.failed_methods == ["bad"]
    assert "bad" not in result.oof_pred and "bad" not in result.oof_proba
    bad_rows = result.results[result.results["method"] == "bad"]
    assert sorted(bad_rows["fold"].unique()) == [0, 1, 3]  # the folds that ran keep their scores
    assert result.notes == [f"- `bad` left out: failed on fold(s) 2 of 4 (FoldError: row {held_out} is held out)."]
    assert sorted(result.timings.query("method == 'bad'")["fold"]) == [0, 1, 3]

    alone = evaluation.run_experiment(good, X, y, cv=folds, random_state=0, progress=False)
    others = result.results[result.results["method"] != "bad"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, alone.results)
    for method in good:
        np.testing.assert_array_equal(result.oof_pred[method], alone.oof_pred[method])
        np.testing.assert_array_equal(result.oof_proba[method], alone.oof_proba[method])
    # the scores of the folds that ran are those of the same classifier fitted by hand on those folds
    train, test = folds[1]
    pred = LogisticRegression(max_iter=500).fit(X[train, 1:], y[train]).predict(X[test, 1:])
    macro = bad_rows.query("fold == 1 and metric == 'macro_f1' and `class` == 'all'")["value"].item()
    assert macro == pytest.approx(f1_score(y[test], pred, average="macro"))
    summary = stats.summarise(result, metrics=("macro_f1",), class_metrics=(), n_resamples=20)
    assert list(summary["method"]) == ["lr", "ros"]  # a summary over all folds leaves the failed method out


def test_errors_raise_keeps_the_original_exception():
    X, y = _data()
    folds = evaluation.make_folds(y, n_splits=3, random_state=0)
    held_out = int(folds[1][1][0])
    methods = {"lr": LogisticRegression(max_iter=500), "bad": FailsWithoutRow(row=held_out)}
    with pytest.raises(FoldError, match=f"row {held_out} is held out"):
        evaluation.run_experiment(methods, X, y, cv=folds, progress=False)
    with pytest.raises(FoldError, match=f"row {held_out} is held out"):
        evaluation.run_experiment(methods, X, y, cv=folds, errors="raise", progress=False)


@pytest.mark.parametrize("errors", ["ignore", "Record", None])
def test_a_bad_errors_value_names_the_allowed_ones(errors):
    X, y = _data()
    with pytest.raises(ValueError, match=r"errors must be one of 'raise', 'record', got " + repr(errors)):
        evaluation.run_experiment({"lr": LogisticRegression()}, X, y, cv=3, errors=errors, progress=False)


def test_record_warnings_keeps_each_fold_warnings_also_of_a_failed_fold():
    X, y = _data()
    folds = evaluation.make_folds(y, n_splits=3, random_state=0)
    held_out = int(folds[0][1][0])
    methods = {"warns": FailsWithoutRow(row=held_out, warn=True)}
    result = evaluation.run_experiment(methods, X, y, cv=folds, errors="record", record_warnings=True,
                                       progress=False)
    assert list(result.warnings.columns) == ["method", "fold", "category", "message"]
    expected = [{"method": "warns", "fold": f, "category": "UserWarning", "message": f"fitted on {len(tr)} rows"}
                for f, (tr, _) in enumerate(folds)]
    assert result.warnings.to_dict("records") == expected  # fold 0 failed after warning: its warning is kept
    assert list(result.failures["fold"]) == [0]
    with pytest.warns(UserWarning, match="fitted on"):  # without record_warnings they show as usual
        plain = evaluation.run_experiment({"warns": FailsWithoutRow(row=int(folds[0][0][0]), warn=True)}, X, y,
                                          cv=folds[:1], progress=False)
    assert plain.warnings is None and plain.failures.empty and plain.methods == ["warns"]


def test_a_method_that_is_not_an_estimator_is_rejected_before_any_fold_even_when_recording():
    X, y = _data()
    with pytest.raises(TypeError, match="method 'm' must be an estimator"):
        evaluation.run_experiment({"lr": LogisticRegression(), "m": "not an estimator"}, X, y, cv=3,
                                  errors="record", progress=False)


def test_the_ranking_table_leaves_out_a_method_with_a_failed_fold():
    rng = np.random.default_rng(5)
    groups = np.repeat(np.arange(30), 6)
    y = rng.choice(list("ESCI"), size=groups.size, p=[0.4, 0.3, 0.1, 0.2])
    X = np.column_stack([np.arange(y.size), (y == "E") + rng.normal(0, 0.7, y.size), rng.normal(size=y.size)])
    folds = evaluation.make_folds(y, groups, n_splits=3, random_state=0)
    methods = {"lr": LogisticRegression(max_iter=500),
               "bad": FailsWithoutRow(row=int(folds[2][1][0]))}
    result = evaluation.run_experiment(methods, X, y, groups=groups, cv=folds, ranking_k=3,
                                       gains=loaders.ESCI_GAINS, errors="record", progress=False)
    assert set(result.results.query("method == 'bad' and metric == 'mrr'")["fold"]) == {0, 1}
    table = findings.ranking_table(result)
    assert list(table.index) == ["lr"]
    mrr = result.results.query("method == 'lr' and metric == 'mrr'")["value"]
    assert table.loc["lr", "mrr"] == pytest.approx(mrr.mean()) and len(mrr) == 3


def test_parallel_folds_whose_preprocessing_fails_everywhere_are_recorded_and_the_pool_stays_usable():
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def broken(X):
        raise RuntimeError("no features")

    y = np.repeat(["a", "b"], [20, 10])
    bad = Pipeline([("preprocess", FunctionTransformer(broken)), ("model", DummyClassifier())])
    # only the failing method: a round of the parallel scheduler has no fit to send
    result = run_experiment({"bad": bad}, np.zeros((30, 1)), y, cv=3, errors="record", progress=False, n_jobs=2,
                            time_budget=100)
    assert result.methods == []
    assert result.failures["method"].tolist() == ["bad"] * 3
    assert set(result.failures["error"]) == {"RuntimeError"}
