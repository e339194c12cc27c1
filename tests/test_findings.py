"""Notebook 06's findings: the effects table (each method against the same model without balancing, by the one
test) and the sentences generated from it, on an experiment whose predictions are scripted so that every number
can be worked out by hand; the decision rules of a two-class table."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score, recall_score

from ecombalance import evaluation
from ecombalance._chapters import findings
from ecombalance.evaluation import _stats
from ecombalance.models import _families as families

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
    cv = evaluation.make_folds(Y, n_splits=5, random_state=0, n_repeats=2)
    return evaluation.run_experiment(methods, np.arange(len(Y))[:, None], Y, cv=cv, random_state=0, progress=False)


@pytest.fixture(scope="module")
def effects(result):
    return findings.effects(result, "none+logreg", n_resamples=300, random_state=0)


def _fold_scores(result, pred, score):
    return np.array([score(Y[test], pred[test]) for _, test in result.folds])


def _fold_mean(result, pred, score):
    return _fold_scores(result, pred, score).mean()


def _recall(cls):
    return lambda t, p: recall_score(t == cls, p == cls)


def _macro_f1(t, p):
    return f1_score(t, p, labels=CLASSES, average="macro", zero_division=0)


def _corrected_p(folds, a, b):
    """The corrected repeated cross-validation t-test by hand (Nadeau & Bengio 2003): fold differences,
    variance widened by n_test / n_train, Student's t with J - 1 degrees of freedom."""
    d = np.asarray(a) - np.asarray(b)
    n_train = np.mean([len(tr) for tr, _ in folds])
    n_test = np.mean([len(te) for _, te in folds])
    if d.var(ddof=1) == 0:
        return 1.0 if d.mean() == 0 else 0.0
    t = d.mean() / np.sqrt((1 / len(d) + n_test / n_train) * d.var(ddof=1))
    return 2 * stats.t.sf(abs(t), len(d) - 1)


def _top_label_ece(y, proba, n_bins=15):
    confidence, right = proba.max(1), CLASSES[proba.argmax(1)] == y
    bins = np.minimum(np.ceil(confidence * n_bins).astype(int) - 1, n_bins - 1)
    return sum((bins == b).sum() * abs(right[bins == b].mean() - confidence[bins == b].mean())
               for b in np.unique(bins)) / len(y)


def test_effects_compare_within_one_model_by_the_one_test(result, effects):
    assert list(effects.index) == ["random_over+logreg", "none+gboost"]
    assert effects[("comparison", "against")].tolist() == ["none+logreg", "none+logreg"]
    assert effects[("comparison", "kind")].tolist() == ["balancing", "capacity"]  # none+gboost: model choice
    a = effects.attrs
    assert {k: a[k] for k in ("smallest", "largest", "baseline", "test", "alpha", "design", "n_repeats", "n_splits")} \
        == {"smallest": "small", "largest": "big", "baseline": "none+logreg", "test": _stats.VERDICT_TEST,
            "alpha": 0.05, "design": "2 × 5-fold cross-validation", "n_repeats": 2, "n_splits": 5}
    assert a["baseline_means"]["macro_f1"] == pytest.approx(_fold_mean(result, BASELINE, _macro_f1))
    fix = effects.loc["random_over+logreg"]
    assert fix[("recall_smallest", "baseline")] == 0.0 and fix[("recall_smallest", "difference")] == 1.0
    assert fix[("recall_largest", "difference")] == pytest.approx(-10 / 60)  # 12 big items in each test fold
    fix_f1, base_f1 = _fold_scores(result, FIX, _macro_f1), _fold_scores(result, BASELINE, _macro_f1)
    assert fix[("macro_f1", "difference")] == pytest.approx(fix_f1.mean() - base_f1.mean())
    # one balancing comparison: Holm leaves its p-value as it is
    assert fix[("macro_f1", "p_value")] == pytest.approx(_corrected_p(result.folds, fix_f1, base_f1))
    big = _fold_scores(result, FIX, _recall("big")), _fold_scores(result, BASELINE, _recall("big"))
    assert fix[("recall_largest", "p_value")] == pytest.approx(_corrected_p(result.folds, *big))
    assert fix[("recall_smallest", "real")] and fix[("macro_f1", "real")]
    assert fix[("recall_largest", "real")] == (_corrected_p(result.folds, *big) < 0.05)
    assert fix[("ece", "difference")] == pytest.approx(0.0)  # 0.7 confident, 90 % right: both off by 0.2
    same = effects.loc["none+gboost"]
    assert (same.xs("difference", level=1) == 0).all() and not same.xs("real", level=1).any()


def test_describe_effects_names_the_methods_and_numbers(result, effects):
    lines = findings.describe_effects(effects).split("\n")
    base_macro = _fold_mean(result, BASELINE, _macro_f1)
    proba = result.oof_proba["none+logreg"]
    base_ece = np.mean([_top_label_ece(Y[test], proba[test]) for _, test in result.folds])
    fix = effects.loc["random_over+logreg"]
    big_real = fix[("recall_largest", "real")]
    assert lines[:3] == [
        f"- Baseline `none+logreg` (means over the folds): recall 0.000 on the smallest class `small`, 1.000 on the "
        f"largest `big`, macro-F1 {base_macro:.3f}. Each balancing method is compared with the same model without "
        "balancing; a difference is called real when the corrected repeated cross-validation t-test on the "
        "2 × 5-fold cross-validation gives p < 0.05 after Holm's correction.",
        "- Real gains in `small` recall over the same model without balancing: `random_over+logreg` (+1.000 against "
        "`none+logreg`).",
        (f"- Paid for with a real loss of `big` recall by: `random_over+logreg` (down to {1 - 10 / 60:.3f} at worst)."
         if big_real else "- Not enough evidence of a loss of `big` recall with them."),
    ]
    assert lines[3] == ("- Model choice (capacity), not balancing — plain models compared: `none+gboost` against "
                        "`none+logreg`: macro-F1 +0.000 (the same on every fold), `small` recall +0.000 (the same on "
                        "every fold).")
    assert lines[4] == (f"- Top-label calibration (ECE, baseline {base_ece:.3f}) against the same model without "
                        "balancing: no balancing method made it really worse; no real loss with `random_over+logreg` "
                        f"({fix[('ece', 'difference')]:+.3f}).")
    assert len(lines) == 5  # which method is best is the families' sentence, not repeated here


def test_calibration_sentence_holds_per_method(effects):
    # a worse calibration is claimed only of balancing methods whose ECE really rose, each with its own change
    frame = effects.copy()
    frame.loc["random_over+logreg", [("ece", "difference"), ("ece", "real")]] = [0.061, True]
    frame.loc["none+gboost", [("ece", "difference"), ("ece", "real")]] = [0.002, True]  # model choice: not here
    line = findings.describe_effects(frame).split("\n")[-1]
    assert line == ("- Top-label calibration (ECE, baseline 0.200) against the same model without balancing: really "
                    "worse with `random_over+logreg` (+0.061) — re-balanced probabilities need a prior correction "
                    "before they are read as probabilities.")


def test_without_a_balancing_method_nothing_is_said_of_balancing(result):
    only_plain = families.subset(result, ["none+logreg", "none+gboost"])
    frame = findings.effects(only_plain, "none+logreg", n_resamples=100)
    text = findings.describe_effects(frame)
    assert ("- No balancing method raised the recall of `small` over the same model without balancing by a real "
            "margin.") in text
    assert "Real gains" not in text and "Paid for" not in text and "Top-label calibration" not in text
    assert "- Model choice (capacity), not balancing" in text
    assert findings.best_of_effects(frame) == (None, False, "")


def test_prior_correction_of_the_best_method(result, effects):
    decided = findings.best_of_effects(effects)
    assert decided.best == "random_over+logreg" and decided.best_is_distinguishable
    assert decided.sentence.startswith("Within `logreg`: `random_over+logreg`: macro-F1 ")
    assert findings.most_rebalanced(effects) == "random_over+logreg"
    assert findings.compared_with(effects, "random_over+logreg") == "none+logreg"
    assert findings.compared_with(effects, "none+logreg") == "none+logreg"
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


def test_the_headline_names_what_each_method_was_compared_with(result, effects):
    summary = _stats.summarise(result, n_resamples=20)
    numbers = findings.effects_headline(summary, "small", effects)
    assert numbers["random_over+logreg/against"] == numbers["none+gboost/against"] == "none+logreg"
    assert numbers["random_over+logreg/recall_smallest_difference"] == 1.0
    assert numbers["random_over+logreg/macro_f1_real"] is True and numbers["none+gboost/macro_f1_real"] is False
    assert "none+logreg/against" not in numbers and "none+logreg/macro_f1" in numbers


# --- the majority predictor, the positive class of two-class tables, and the decision rules -----------------------

def test_majority_check_compares_every_method_with_the_constant_answer(result):
    majority = evaluation.majority_check(result, n_resamples=200, random_state=0)
    assert majority.attrs["majority_class"] == "big" and majority.attrs["metric"] == "macro_f1"
    assert majority.attrs["test"] == _stats.VERDICT_TEST and majority.attrs["n_repeats"] == 2
    table = majority.set_index("method")
    always_big = _fold_mean(result, np.full(len(Y), "big"), _macro_f1)  # F1 of big 2*0.6/1.6, 0 for the others
    assert always_big == pytest.approx(2 * 0.6 / 1.6 / 3)
    np.testing.assert_allclose(table["baseline_mean"], always_big)
    assert table.loc["random_over+logreg", "difference"] == pytest.approx(
        _fold_mean(result, FIX, _macro_f1) - always_big)
    assert table["improved"].all()  # every scripted method finds big and mid, the constant answer only big
    frame = findings.effects(result, "none+logreg", n_resamples=200, majority=majority)
    assert frame.attrs["majority"]["beaten_by"] == ["none+logreg", "random_over+logreg", "none+gboost"]
    assert findings.describe_effects(frame).split("\n")[0] == (
        f"- Every method beats the majority predictor (always `big`: macro-F1 {always_big:.3f} on the same folds) "
        "by a real margin.")
    assert frame[("recall_smallest", "real")].equals(
        findings.effects(result, "none+logreg", n_resamples=200)[("recall_smallest", "real")])


class Guess(Scripted):
    """:class:`Scripted` with probabilities that sum to 1 for any number of classes (0.8 on the answer)."""

    def predict_proba(self, X):
        chosen = self.predict(X)[:, None] == self.classes_
        return np.where(chosen, 0.8, 0.2 / (len(self.classes_) - 1))


def test_when_nothing_beats_the_majority_predictor_no_difference_is_real():
    """Methods that guess: the sentence comes first and every `real` is False, though the test alone would
    find the guesses different from each other."""
    y = np.repeat(["no", "yes"], [90, 10])
    rng = np.random.default_rng(1)
    guess = np.where(rng.random(100) < 0.3, "yes", "no")
    never = np.full(100, "no")
    methods = {"never": Guess(never), "guess": Guess(guess)}
    cv = evaluation.make_folds(y, n_splits=5, n_repeats=2)
    result = evaluation.run_experiment(methods, np.arange(100)[:, None], y, cv=cv, random_state=0, progress=False)
    majority = evaluation.majority_check(result, n_resamples=200)
    assert not majority["improved"].any()
    plain = findings.effects(result, "never", n_resamples=200)
    assert plain[("comparison", "kind")].tolist() == ["other"]  # names outside the grammar: no balancing claim
    assert plain[("recall_largest", "real")].any()  # guessing really loses "no" recall against never
    frame = findings.effects(result, "never", n_resamples=200, majority=majority)
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
    summary = _stats.summarise(result, n_resamples=20)
    numbers = findings.effects_headline(summary, 1, positive=table)
    assert numbers["lr/f1_positive"] == pytest.approx(row["f1"])
    assert numbers["lr/average_precision"] == pytest.approx(row["average_precision"])


def test_no_best_method_when_no_method_beats_the_majority_predictor(result, effects):
    majority = evaluation.majority_check(result, n_resamples=200, random_state=0)
    assert majority["improved"].any()
    assert findings.best_headline(findings.best_of_effects(effects)) == {"best_is_distinguishable": True,
                                                                      "best_method": "random_over+logreg"}
    beaten_by_none = majority.assign(improved=False)
    frame = findings.effects(result, "none+logreg", n_resamples=300, random_state=0, majority=beaten_by_none)
    decided = findings.best_of_effects(frame)
    assert decided.best is None and not decided.best_is_distinguishable
    assert decided.sentence.startswith("Within `logreg`: No difference to `none+logreg` on macro-F1 is called real: "
                                       "no method even beats always predicting the largest class. The top scores "
                                       "are `random_over+logreg`")
    assert findings.best_headline(decided) == {"best_is_distinguishable": False}


def _binary_table(grouped=False):
    from ecombalance.data._table import Table

    rng = np.random.default_rng(5)
    n = 300
    y = (rng.random(n) < 0.15).astype(int)
    frame = pd.DataFrame({"signal": rng.normal(np.where(y == 1, 1.2, 0.0), 1.0), "noise": rng.normal(size=n),
                          "label": y, "session": np.arange(n) // 3})
    return Table(frame, "label", [], ["signal", "noise"], [], group_col="session" if grouped else None, name="pairs")


@pytest.mark.slow
def test_decision_rules_run_as_methods_of_one_experiment_and_are_judged_by_the_one_test():
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import TunedThresholdClassifierCV

    from ecombalance.models import _methods as experiments

    tbl = _binary_table()
    y = tbl.y.to_numpy()
    cv = evaluation.make_folds(y, n_splits=4, random_state=0, n_repeats=2)
    table = findings.decision_comparison(tbl, cv, 1, random_state=0, n_resamples=200)
    assert list(table.index) == list(findings.DECISIONS)
    # every rule refitted by hand on the same folds, each scored on its test fold with scikit-learn
    fold_f1, first_pred, thresholds = {rule: [] for rule in findings.DECISIONS}, {}, []
    for i, (train, test) in enumerate(cv):
        models = {findings.DECISIONS[0]: experiments.build(tbl, "none+logreg", 0),
                  findings.DECISIONS[1]: experiments.build(tbl, "class_weight+logreg", 0),
                  findings.DECISIONS[2]: TunedThresholdClassifierCV(
                      experiments.build(tbl, "none+logreg", 0), scoring=make_scorer(f1_score, pos_label=1),
                      response_method="predict_proba",
                      cv=list(evaluation.make_folds(y[train], None, 3, 0)))}
        for rule, model in models.items():
            pred = model.fit(tbl.X.iloc[train], y[train]).predict(tbl.X.iloc[test])
            fold_f1[rule].append(f1_score(y[test], pred, pos_label=1))
            if i < cv.n_splits:  # the first repeat's predictions are the out-of-fold ones
                first_pred.setdefault(rule, np.empty(len(y), dtype=int))[test] = pred
        if i < cv.n_splits:
            thresholds.append((models[findings.DECISIONS[2]], test))
    for rule in findings.DECISIONS:
        assert table.loc[rule, "f1"] == pytest.approx(f1_score(y, first_pred[rule], pos_label=1))
        assert table.loc[rule, "f1_low"] <= table.loc[rule, "f1"] <= table.loc[rule, "f1_high"]
    base = np.array(fold_f1[findings.DECISIONS[0]])
    raw = [_corrected_p(cv, fold_f1[rule], base) for rule in findings.DECISIONS[1:]]
    holm = np.minimum(1, np.maximum.accumulate(np.sort(raw) * [2, 1]))[np.argsort(np.argsort(raw))]
    np.testing.assert_allclose(table["p_value"].iloc[1:], holm)
    for rule in findings.DECISIONS[1:]:
        assert table.loc[rule, "difference"] == pytest.approx(np.mean(fold_f1[rule]) - base.mean())
    assert table.attrs["design"] == "2 × 4-fold cross-validation" and table.attrs["test"] == _stats.VERDICT_TEST
    prevalence = y.mean()
    assert table.attrs["always_positive_f1"] == pytest.approx(2 * prevalence / (1 + prevalence))
    always = 2 * prevalence / (1 + prevalence)
    assert (table["real"] == ((table["p_value"] < 0.05) & (table["f1"].max() > always))).all()
    # the switch point: inside each fold's bracket around the tuned threshold scikit-learn chose
    proba = {}
    for model, test in thresholds:
        proba[id(model)] = model.predict_proba(tbl.X.iloc[test])[:, 1]
    mids = []
    for model, test in thresholds:
        p, called = proba[id(model)], first_pred[findings.DECISIONS[2]][test] == 1
        assert p[~called].max() < model.best_threshold_ <= p[called].min()
        mids.append((p[~called].max() + p[called].min()) / 2)
    assert table.attrs["threshold"] == pytest.approx(np.mean(mids))
    sentence = findings.describe_decision(table)
    assert sentence.startswith(f"- Deciding `1`: the plain model at the 0.5 threshold has F1 "
                               f"{table.loc[findings.DECISIONS[0], 'f1']:.3f}; class weights at 0.5 give "
                               f"{table.loc[findings.DECISIONS[1], 'f1']:.3f} "
                               f"({table.loc[findings.DECISIONS[1], 'difference']:+.3f}, ")
    assert sentence.endswith("(2 × 4-fold cross-validation, corrected repeated cross-validation t-test, "
                             "Holm-corrected).")


@pytest.mark.slow
def test_the_tuned_threshold_keeps_groups_together_in_its_inner_folds():
    tbl = _binary_table(grouped=True)
    cv = evaluation.make_folds(tbl.y, tbl.groups, n_splits=3, random_state=0)
    table = findings.decision_comparison(tbl, cv, 1, random_state=0, n_resamples=50)
    assert list(table.index) == list(findings.DECISIONS) and 0 < table.attrs["threshold"] < 1
    from ecombalance.models import _methods as experiments

    model = evaluation.InnerFoldThreshold(experiments.build(tbl, "none+logreg", 0), positive=1,
                                          random_state=0, group_column=findings.GROUPS)
    train = cv[0][0]
    X = tbl.X.assign(**{findings.GROUPS: tbl.groups.to_numpy()}).iloc[train]
    model.fit(X, tbl.y.to_numpy()[train])
    groups = tbl.groups.to_numpy()[train]
    for inner_train, inner_test in model.tuned_.cv:
        assert not set(groups[inner_train]) & set(groups[inner_test])
