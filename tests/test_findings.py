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
    return evaluation.run_experiment(methods, np.arange(len(Y))[:, None], Y, cv=5, random_state=0, progress=False)


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


@pytest.mark.slow
def test_effects_are_fold_mean_differences_with_a_verdict(result, effects):
    assert list(effects.index) == ["random_over+logreg", "none+gboost"]
    assert effects.attrs == {"smallest": "small", "largest": "big", "baseline": "none+logreg",
                             "test": "bootstrap", "alpha": 0.05, "n_resamples": 300}
    fix = effects.loc["random_over+logreg"]
    assert fix[("recall_smallest", "baseline")] == 0.0 and fix[("recall_smallest", "difference")] == 1.0
    assert fix[("recall_largest", "difference")] == pytest.approx(-10 / 60)  # 12 big items in each test fold
    assert fix[("macro_f1", "difference")] == pytest.approx(
        _fold_mean(result, FIX, _macro_f1) - _fold_mean(result, BASELINE, _macro_f1))
    assert fix[("recall_smallest", "real")] and fix[("recall_largest", "real")] and fix[("macro_f1", "real")]
    assert fix[("ece", "difference")] == pytest.approx(0.0)  # 0.7 confident, 90 % right: both off by 0.2
    same = effects.loc["none+gboost"]
    assert (same.xs("difference", level=1) == 0).all() and not same.xs("real", level=1).any()


def _macro_p(result, method="random_over+logreg"):
    table = evaluation.compare_to_baseline(result, "none+logreg", test="bootstrap", n_resamples=300, seed=0)
    return table.set_index("method").loc[method, "p_value"]


@pytest.mark.slow
def test_describe_effects_names_the_methods_and_numbers(result, effects):
    lines = findings.describe_effects(effects).split("\n")
    base_macro = _fold_mean(result, BASELINE, _macro_f1)
    gain = _fold_mean(result, FIX, _macro_f1) - base_macro
    worst_big = _fold_mean(result, FIX, _recall("big"))
    proba = result.oof_proba["none+logreg"]
    base_ece = np.mean([_top_label_ece(Y[test], proba[test]) for _, test in result.folds])
    assert lines == [
        f"- Baseline `none+logreg` (means over the folds): recall 0.000 on the smallest class `small`, 1.000 on the "
        f"largest `big`, macro-F1 {base_macro:.3f}. A difference is called real when the bootstrap test gives p < 0.05 after "
        "Holm's correction.",
        "- Real gains in `small` recall: `random_over+logreg` (+1.000).",
        f"- Paid for with a real loss of `big` recall by: `random_over+logreg` (down to {worst_big:.3f} at worst).",
        f"- `random_over+logreg`: macro-F1 {base_macro + gain:.3f} against {base_macro:.3f} for `none+logreg`, a "
        f"difference of {gain:+.3f}, "
        + (f"p = {_macro_p(result):.3g}" if _macro_p(result) > 0 else f"p < {2 / 300:.2g}")  # a bootstrap's resolution
        + " (paired bootstrap, Holm-corrected).",
        f"- Calibration (ECE, baseline {base_ece:.3f}): no method made it really worse; no real loss with "
        f"`random_over+logreg` ({effects.loc['random_over+logreg', ('ece', 'difference')]:+.3f}), `none+gboost` (+0.000).",
    ]


def test_calibration_sentence_holds_per_method(effects):
    # over-prediction is said only of the methods whose ECE really rose, each with its own change
    frame = effects.copy()
    frame.loc["random_over+logreg", [("ece", "difference"), ("ece", "real")]] = [0.061, True]
    frame.loc["none+gboost", [("ece", "difference"), ("ece", "real")]] = [0.002, False]
    line = findings.describe_effects(frame).split("\n")[-1]
    assert line == ("- Calibration (ECE, baseline 0.200): really worse with `random_over+logreg` (+0.061) — these "
                    "models over-predict the small classes until their probabilities are prior-corrected; no real "
                    "loss with `none+gboost` (+0.002).")


def test_without_a_real_gain_the_text_says_so(result):
    only_same = replace(result, oof_pred={k: v for k, v in result.oof_pred.items() if k != "random_over+logreg"},
                        results=result.results[result.results["method"] != "random_over+logreg"])
    frame = findings.effects(only_same, "none+logreg", test="bootstrap", n_resamples=100)
    text = findings.describe_effects(frame)
    assert "- No method raised the recall of `small` by a real margin." in text
    assert "Real gains" not in text and "Paid for" not in text
    base = _fold_mean(result, BASELINE, _macro_f1)
    assert (f"- No method is distinguishable from `none+logreg` on macro-F1; the top scores are `none+logreg` "
            f"{base:.3f}; `none+gboost` {base:.3f} (paired bootstrap, Holm-corrected, alpha 0.05).") in text
    assert "Best macro-F1" not in text
    assert findings.best_method(frame) == (None, False, text.split("\n")[-2][2:])


def test_prior_correction_of_the_best_method(result, effects):
    assert findings.best_method(effects).best == "random_over+logreg"
    assert findings.best_method(effects).best_is_distinguishable
    assert findings.most_rebalanced(effects) == "random_over+logreg"
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


# --- the majority predictor, the positive class of two-class tables, and the decision rules -----------------------

@pytest.mark.slow
def test_majority_check_compares_every_method_with_the_constant_answer(result):
    majority = findings.majority_check(result, test="bootstrap", n_resamples=200, seed=0)
    assert majority.attrs == {"majority_class": "big", "metric": "macro_f1", "n_resamples": 200}
    table = majority.set_index("method")
    always_big = _fold_mean(result, np.full(len(Y), "big"), _macro_f1)  # F1 of big 2*0.6/1.6, 0 for the others
    assert always_big == pytest.approx(2 * 0.6 / 1.6 / 3)
    np.testing.assert_allclose(table["baseline_mean"], always_big)
    assert table.loc["random_over+logreg", "difference"] == pytest.approx(
        _fold_mean(result, FIX, _macro_f1) - always_big)
    assert table["improved"].all()  # every scripted method finds big and mid, the constant answer only big
    frame = findings.effects(result, "none+logreg", test="bootstrap", n_resamples=200, majority=majority)
    assert frame.attrs["majority"]["beaten_by"] == ["none+logreg", "random_over+logreg", "none+gboost"]
    assert findings.describe_effects(frame).split("\n")[0] == (
        f"- Every method beats the majority predictor (always `big`: macro-F1 {always_big:.3f} on the same folds) "
        "by a real margin.")
    assert frame[("recall_smallest", "real")].equals(
        findings.effects(result, "none+logreg", test="bootstrap", n_resamples=200)[("recall_smallest", "real")])


class Guess(Scripted):
    """:class:`Scripted` with probabilities that sum to 1 for any number of classes (0.8 on the answer)."""

    def predict_proba(self, X):
        chosen = self.predict(X)[:, None] == self.classes_
        return np.where(chosen, 0.8, 0.2 / (len(self.classes_) - 1))


@pytest.mark.slow
def test_when_nothing_beats_the_majority_predictor_no_difference_is_real():
    """Methods that guess: the sentence comes first and every `real` is False, though a paired test alone
    would find the guesses different from each other."""
    y = np.repeat(["no", "yes"], [90, 10])
    rng = np.random.default_rng(1)
    guess = np.where(rng.random(100) < 0.3, "yes", "no")
    never = np.full(100, "no")
    methods = {"never": Guess(never), "guess": Guess(guess)}
    result = evaluation.run_experiment(methods, np.arange(100)[:, None], y, cv=5, random_state=0, progress=False)
    majority = findings.majority_check(result, test="bootstrap", n_resamples=200)
    assert not majority["improved"].any()
    plain = findings.effects(result, "never", test="bootstrap", n_resamples=200)
    assert plain[("recall_largest", "real")].any()  # guessing really loses "no" recall against never
    frame = findings.effects(result, "never", test="bootstrap", n_resamples=200, majority=majority)
    assert not frame.xs("real", axis=1, level=1).to_numpy().any()
    lines = findings.describe_effects(frame).split("\n")
    assert lines[0].startswith("- **No method beats the majority predictor** by a real margin (always `no`: "
                               f"macro-F1 {f1_score(y, never, average='macro'):.3f} on the same folds)")
    assert "a real difference" not in "\n".join(lines) and "Real gains" not in "\n".join(lines)


@pytest.mark.parametrize("labels, positive", [
    ([False, True], True), ([0, 1], 1), (["no", "yes"], "yes"), (["Yes", "No"], "Yes"),
    (["match", "other"], "match"),  # neither reads as positive: the smaller class
    (["a", "b", "c"], None),
])
def test_positive_class(labels, positive):
    y = np.repeat(labels, [70, 30, 10][:len(labels)] if len(labels) == 3 else [70, 30])
    if labels == ["match", "other"]:
        y = np.repeat(labels, [30, 70])
    assert findings.positive_class(y) == positive


def _binary_result():
    rng = np.random.default_rng(3)
    y = np.repeat([0, 1], [160, 40])
    X = np.column_stack([y + rng.normal(0, 0.9, 200), rng.normal(size=200)])
    from sklearn.linear_model import LogisticRegression

    return evaluation.run_experiment({"lr": LogisticRegression()}, X, y, cv=4, random_state=0, progress=False), y


def test_positive_class_table_against_sklearn():
    from sklearn.metrics import average_precision_score, precision_score

    result, y = _binary_result()
    table = findings.positive_class_table(result, 1, n_resamples=100)
    pred, proba = result.oof_pred["lr"], result.oof_proba["lr"]
    row = table.loc["lr"]
    assert row["f1"] == pytest.approx(f1_score(y, pred))
    assert row["precision"] == pytest.approx(precision_score(y, pred))
    assert row["recall"] == pytest.approx(recall_score(y, pred))
    assert row["average_precision"] == pytest.approx(average_precision_score(y, proba[:, 1]))
    assert row["f1_low"] <= row["f1"] <= row["f1_high"]
    assert table.attrs == {"positive": "1", "prevalence": 0.2}
    assert findings.describe_positive_class(table) == (
        f"- Positive class `1` (0.200 of the rows): best F1 `lr` {row['f1']:.3f} [{row['f1_low']:.3f}, "
        f"{row['f1_high']:.3f}]; best average precision `lr` {row['average_precision']:.3f} (a random ranking "
        "scores 0.200).")
    summary = evaluation.summarise(result, n_resamples=20)
    numbers = findings.effects_headline(summary, 1, positive=table)
    assert numbers["lr/f1_positive"] == pytest.approx(row["f1"])
    assert numbers["lr/average_precision"] == pytest.approx(row["average_precision"])


def test_no_best_method_when_no_method_beats_the_majority_predictor(result, effects):
    majority = findings.majority_check(result, test="bootstrap", n_resamples=200, seed=0)
    assert majority["improved"].any()
    assert findings.best_headline(findings.best_method(effects)) == {"best_is_distinguishable": True,
                                                                      "best_method": "random_over+logreg"}
    beaten_by_none = majority.assign(improved=False)
    frame = findings.effects(result, "none+logreg", test="bootstrap", n_resamples=300, seed=0, majority=beaten_by_none)
    decided = findings.best_method(frame)
    assert decided.best is None and not decided.best_is_distinguishable
    assert decided.sentence.startswith("No method is distinguishable from `none+logreg` on macro-F1 (no method even "
                                       "beats always predicting the largest class); the top scores are "
                                       "`random_over+logreg`")
    assert findings.best_headline(decided) == {"best_is_distinguishable": False}
