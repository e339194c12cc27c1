"""Notebook 06's findings: the effects table and the sentences generated from it, on an experiment whose
predictions are scripted so that every number can be worked out by hand."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score, recall_score

from ecombalance import evaluation
from ecombalance.chapters import findings

CLASSES = np.array(["big", "mid", "small"])
Y = np.repeat(CLASSES, [60, 30, 10])
BASELINE = Y.copy()
BASELINE[Y == "small"] = "big"  # never finds the smallest class
FIX = Y.copy()
FIX[:10] = "small"  # finds every small item, at the cost of 10 big ones


class Scripted(ClassifierMixin, BaseEstimator):
    """Answers ``answers[row id]`` (row id = column 0 of X) with probability 0.7, 0.15 for the others."""

    def __init__(self, answers=None):
        self.answers = answers

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return self.answers[np.asarray(X)[:, 0].astype(int)]

    def predict_proba(self, X):
        chosen = self.predict(X)[:, None] == self.classes_
        return np.where(chosen, 0.7, 0.15)


@pytest.fixture(scope="module")
def result():
    methods = {"none+logreg": Scripted(BASELINE), "random_over+logreg": Scripted(FIX),
               "none+gboost": Scripted(BASELINE.copy())}
    return evaluation.run_experiment(methods, np.arange(len(Y))[:, None], Y, n_splits=5, seed=0, progress=False)


@pytest.fixture(scope="module")
def effects(result):
    return findings.effects(result, "none+logreg", test="bootstrap", n_resamples=300, seed=0)


def _fold_mean(result, pred, score):
    return np.mean([score(Y[test], pred[test]) for _, test in result.folds])


def _recall(cls):
    return lambda t, p: recall_score(t == cls, p == cls)


def _macro_f1(t, p):
    return f1_score(t, p, labels=CLASSES, average="macro", zero_division=0)


def _top_label_ece(y, proba, n_bins=15):
    confidence, right = proba.max(1), CLASSES[proba.argmax(1)] == y
    bins = np.minimum(np.ceil(confidence * n_bins).astype(int) - 1, n_bins - 1)
    return sum((bins == b).sum() * abs(right[bins == b].mean() - confidence[bins == b].mean())
               for b in np.unique(bins)) / len(y)


def test_effects_are_fold_mean_differences_with_a_verdict(result, effects):
    assert list(effects.index) == ["random_over+logreg", "none+gboost"]
    assert effects.attrs == {"smallest": "small", "largest": "big", "baseline": "none+logreg",
                             "test": "bootstrap", "alpha": 0.05}
    fix = effects.loc["random_over+logreg"]
    assert fix[("recall_smallest", "baseline")] == 0.0 and fix[("recall_smallest", "difference")] == 1.0
    assert fix[("recall_largest", "difference")] == pytest.approx(-10 / 60)  # 12 big items in each test fold
    assert fix[("macro_f1", "difference")] == pytest.approx(
        _fold_mean(result, FIX, _macro_f1) - _fold_mean(result, BASELINE, _macro_f1))
    assert fix[("recall_smallest", "real")] and fix[("recall_largest", "real")] and fix[("macro_f1", "real")]
    assert fix[("ece", "difference")] == pytest.approx(0.0)  # 0.7 confident, 90 % right: both off by 0.2
    same = effects.loc["none+gboost"]
    assert (same.xs("difference", level=1) == 0).all() and not same.xs("real", level=1).any()


def test_describe_effects_names_the_methods_and_numbers(result, effects):
    lines = findings.describe_effects(effects).split("\n")
    base_macro = _fold_mean(result, BASELINE, _macro_f1)
    gain = _fold_mean(result, FIX, _macro_f1) - base_macro
    assert lines == [
        f"- Baseline `none+logreg`: recall 0.000 on the smallest class `small`, 1.000 on the largest `big`, "
        f"macro-F1 {base_macro:.3f}. A difference is called real when the bootstrap test gives p < 0.05 after "
        "Holm's correction.",
        "- Real gains in `small` recall: `random_over+logreg` (+1.000).",
        "- Paid for with a real loss of `big` recall by: `random_over+logreg` (down to 0.833 at worst).",
        f"- Best macro-F1: `random_over+logreg` ({gain:+.3f}, a real difference); real macro-F1 changes: "
        "up `random_over+logreg`, down none.",
        "- Calibration (ECE, baseline 0.200) got really worse with none: re-balanced models over-predict the "
        "small classes until their probabilities are prior-corrected.",
    ]


def test_without_a_real_gain_the_text_says_so(result):
    only_same = replace(result, oof_pred={k: v for k, v in result.oof_pred.items() if k != "random_over+logreg"},
                        results=result.results[result.results["method"] != "random_over+logreg"])
    frame = findings.effects(only_same, "none+logreg", test="bootstrap", n_resamples=100)
    text = findings.describe_effects(frame)
    assert "- No method raised the recall of `small` by a real margin." in text
    assert "Real gains" not in text and "Paid for" not in text
    assert "- Best macro-F1: `none+gboost` (+0.000, within noise); real macro-F1 changes: up none, down none." in text


def test_prior_correction_of_the_best_method(result, effects):
    assert findings.best_method(effects) == "random_over+logreg"
    proba = result.oof_proba["random_over+logreg"]
    moved = proba * np.array([0.6, 0.3, 0.1]) / (1 / 3)  # true priors over the uniform ones it learnt
    corrected = findings.prior_corrected(result, "random_over+logreg")
    np.testing.assert_allclose(corrected, moved / moved.sum(1, keepdims=True))
    before, after = _top_label_ece(Y, proba), _top_label_ece(Y, corrected)
    assert before == pytest.approx(0.2)
    sentence = (f"- Prior correction moves the top-label ECE of `random_over+logreg` from {before:.3f} to "
                f"{after:.3f}.")
    assert findings.describe_prior_correction(result, "random_over+logreg") == sentence
    assert findings.describe_evaluation(effects, result) == findings.describe_effects(effects) + "\n" + sentence
    unbalanced = findings.prior_corrected(result, "none+logreg")  # learnt the data's priors: nothing moves
    np.testing.assert_allclose(unbalanced, result.oof_proba["none+logreg"])
    no_proba = replace(result, oof_proba={**result.oof_proba, "none+gboost": None})
    with pytest.raises(ValueError, match="method 'none\\+gboost' has no out-of-fold probabilities"):
        findings.prior_corrected(no_proba, "none+gboost")
