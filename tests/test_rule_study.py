"""Issue 27, "the decision, finished": the decision rules as methods of the one engine (calibration and weight tuning
fitted on inner folds of the training rows only), and notebook 06's comparison at one stated cost — the plain model
with the calibrated Bayes rule against each re-balancing method with its own rule, by the one test."""

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

from ecombalance import evaluation
from ecombalance._chapters import decision_study, rule_study
from ecombalance.data._table import Table
from ecombalance.evaluation import CostRuleClassifier
from ecombalance.evaluation import _decisions as decisions
from ecombalance.evaluation import _stats as stats
from ecombalance.evaluation._calibration import InnerFoldCalibration
from ecombalance.exceptions import SmallClassWarning
from ecombalance.sampling._weights import prior_correct

COST = np.array([[0.0, 1.0, 1.0], [3.0, 0.0, 3.0], [8.0, 8.0, 0.0]])  # missing "c" costs 8, "b" 3, "a" 1


def problem(n=(240, 90, 30), seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(["a", "b", "c"], n)
    X = np.c_[np.repeat([0.0, 1.0, 2.0], n) + rng.normal(0, 0.9, sum(n)), rng.normal(0, 1, sum(n))]
    return X, y


# --- the estimators ---------------------------------------------------------------------------------------------------

def test_bayes_rule_is_the_minimum_expected_cost_of_the_estimators_probabilities():
    X, y = problem()
    rule = CostRuleClassifier(LogisticRegression(), COST, rule="bayes").fit(X, y)
    proba = LogisticRegression().fit(X, y).predict_proba(X)
    np.testing.assert_allclose(rule.predict_proba(X), proba)
    expected = np.array(["a", "b", "c"])[np.argmin(proba @ COST, axis=1)]
    np.testing.assert_array_equal(rule.predict(X), expected)
    assert (rule.predict(X) == "c").sum() > (proba.argmax(axis=1) == 2).sum()  # costly misses: more "c" calls
    argmax = CostRuleClassifier(LogisticRegression(), COST, rule="argmax").fit(X, y)
    np.testing.assert_array_equal(argmax.predict(X), np.array(["a", "b", "c"])[proba.argmax(axis=1)])


def test_the_cost_matrix_follows_its_own_class_order():
    X, y = problem()
    order = ["c", "a", "b"]
    shuffled = np.empty_like(COST)  # the same costs, written in the order c, a, b
    for i, ci in enumerate(order):
        for j, cj in enumerate(order):
            shuffled[i, j] = COST["abc".index(ci), "abc".index(cj)]
    a = CostRuleClassifier(LogisticRegression(), COST).fit(X, y).predict(X)
    b = CostRuleClassifier(LogisticRegression(), shuffled, classes=order).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_a_rebalanced_model_is_moved_back_to_the_training_shares_before_its_rule():
    X, y = problem()
    balanced = LogisticRegression(class_weight="balanced")
    rule = CostRuleClassifier(balanced, COST, learnt_priors="uniform").fit(X, y)
    raw = LogisticRegression(class_weight="balanced").fit(X, y).predict_proba(X)
    moved = prior_correct(raw, np.full(3, 1 / 3), np.array([240, 90, 30]) / 360)
    np.testing.assert_allclose(rule.predict_proba(X), moved)
    np.testing.assert_array_equal(rule.predict(X), np.array(["a", "b", "c"])[np.argmin(moved @ COST, axis=1)])
    # for miss costs N_max / N_c the Bayes rule of the moved probabilities is the re-balanced model's own arg-max
    rarity = decision_study.miss_cost_matrix(["a", "b", "c"], decision_study.inverse_frequency_costs(y))
    rule = CostRuleClassifier(balanced, rarity, learnt_priors="uniform").fit(X, y)
    np.testing.assert_array_equal(rule.predict(X), np.array(["a", "b", "c"])[raw.argmax(axis=1)])


def test_tuned_weights_come_from_inner_folds_of_the_training_rows_only():
    X, y = problem()
    rule = CostRuleClassifier(LogisticRegression(), COST, rule="tuned", n_splits=3, random_state=4).fit(X, y)
    inner = evaluation.make_folds(y, None, 3, 4)
    proba = cross_val_predict(LogisticRegression(), X, y, cv=list(inner), method="predict_proba")
    weights = decisions.tune_class_weights(proba, np.searchsorted(["a", "b", "c"], y), COST)
    np.testing.assert_allclose(rule.weights_, weights)
    full = LogisticRegression().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(rule.predict(X),
                                  np.array(["a", "b", "c"])[decisions.weighted_decision(full, weights, COST)])


def test_inner_fold_calibration_is_scikit_learns_on_the_library_folds():
    X, y = problem()
    ours = InnerFoldCalibration(LogisticRegression(), method="temperature", n_splits=3, random_state=2).fit(X, y)
    inner = evaluation.make_folds(y, None, 3, 2)
    theirs = CalibratedClassifierCV(LogisticRegression(), method="temperature", cv=list(inner)).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(ours.predict(X), ours.classes_[theirs.predict_proba(X).argmax(axis=1)])
    # the temperature: softmax(log p / T) reproduces each inner fold's calibrated probabilities
    betas = [c.beta_ for cal in theirs.calibrated_classifiers_ for c in cal.calibrators]
    assert ours.temperature_ == pytest.approx(np.mean(1 / np.array(betas)))
    assert InnerFoldCalibration(LogisticRegression(), method="isotonic").fit(X, y).temperature_ is None


def test_rules_refuse_bad_settings_with_the_fix():
    X, y = problem()
    with pytest.raises(ValueError, match=r"rule must be one of \['argmax', 'bayes', 'tuned'\], got 'best'"):
        CostRuleClassifier(LogisticRegression(), rule="best").fit(X, y)
    with pytest.raises(ValueError, match=r"learnt_priors must be one of \['data', 'uniform'\]"):
        CostRuleClassifier(LogisticRegression(), learnt_priors="flat").fit(X, y)
    with pytest.raises(ValueError, match=r"cost_matrix must be square with one row and column per class"):
        CostRuleClassifier(LogisticRegression(), np.ones((2, 2))).fit(X, y)
    with pytest.raises(ValueError, match=r"the training labels \['c'\] are not among classes \['a', 'b'\]"):
        CostRuleClassifier(LogisticRegression(), np.ones((2, 2)), classes=["a", "b"]).fit(X, y)
    with pytest.raises(TypeError, match="has no predict_proba; a cost rule reads probabilities"):
        CostRuleClassifier(object(), rule="bayes").fit(X, y)
    one = np.r_[y[:-30], ["c"]]  # a class of one row cannot be split into inner folds: warned, left out of this fit
    with pytest.warns(SmallClassWarning, match=r"at least 2 rows of every class .* \(min_class_size\); the weights "
                                               r"stay 1 \(the Bayes rule\)"):
        tuned = CostRuleClassifier(LogisticRegression(), rule="tuned").fit(X[:len(one)], one)
    assert (tuned.weights_ == 1).all()
    with pytest.warns(SmallClassWarning, match=r"fitted without calibration"):
        plain = InnerFoldCalibration(LogisticRegression()).fit(X[:len(one)], one)
    np.testing.assert_allclose(plain.predict_proba(X), LogisticRegression().fit(X[:len(one)], one).predict_proba(X))
    with pytest.raises(ValueError, match=r"method must be one of \['temperature', 'isotonic', 'sigmoid'\]"):
        InnerFoldCalibration(LogisticRegression(), method="platt").fit(X, y)
    # a class smaller than n_splits gets fewer inner folds instead of an error
    few = np.r_[y[:-28], ["c", "c"]]
    assert InnerFoldCalibration(LogisticRegression(), n_splits=5).fit(X[:len(few)], few).predict_proba(X).shape == (
        len(X), 3)


# --- notebook 06's comparison -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def table():
    X, y = problem(n=(200, 80, 24), seed=1)
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "category": y})
    return Table(frame, "category", [], ["x1", "x2"])


@pytest.fixture(scope="module")
def compared(table):
    cv = evaluation.make_folds(table.y, None, 3, 0, n_repeats=2)
    return cv, rule_study.compare_rules(table, ["none+logreg", "class_weight+logreg", "random_over+logreg"], cv,
                                        random_state=0, progress=False)


@pytest.mark.slow
def test_every_rule_is_scored_on_every_outer_fold_by_hand(table, compared):
    cv, rc = compared
    y = table.y.to_numpy()
    cost, miss = rule_study.stated_cost(y, np.array(["a", "b", "c"]))
    assert miss == {"a": 1.0, "b": 2.5, "c": 200 / 24}
    np.testing.assert_allclose(rc.cost, cost)
    built, roles = rule_study.rule_methods(table, ["none+logreg", "class_weight+logreg", "random_over+logreg"], cost,
                                           np.array(["a", "b", "c"]), random_state=0)
    assert list(rc.fold_costs.columns) == list(built) and len(rc.fold_costs) == 6  # 2 repeats x 3 folds
    assert roles.loc["class_weight+logreg + its Bayes rule", "learnt_priors"] == "uniform"
    assert pd.isna(roles.loc["none+logreg + Bayes rule, calibrated", "against"])  # the reference itself
    from sklearn.base import clone
    for name in ("none+logreg + Bayes rule, calibrated", "none+logreg + tuned weights, nested",
                 "class_weight+logreg + its Bayes rule"):
        by_hand = []
        for train, test in cv:  # each outer fold: fitted on its training rows only, scored on its test rows
            model = clone(built[name]).fit(table.X.iloc[train], y[train])
            decided = model.predict(table.X.iloc[test])
            codes = {c: i for i, c in enumerate("abc")}
            by_hand.append(cost[[codes[v] for v in y[test]], [codes[v] for v in decided]].mean())
        np.testing.assert_allclose(rc.fold_costs[name], by_hand)


def test_each_rule_is_tested_against_the_calibrated_bayes_rule_by_the_one_test(compared):
    cv, rc = compared
    reference = "none+logreg + Bayes rule, calibrated"
    n_train, n_test = stats.fold_sizes(cv)
    direct = evaluation.compare_fold_scores(rc.fold_costs, reference, n_train, n_test, metric="expected_cost",
                                            n_repeats=2).set_index("method")
    pd.testing.assert_series_equal(rc.tests["p_value"], direct["p_value"], check_names=False)
    table = rc.table
    assert table.loc[reference, "distinguishable"] == "reference"
    assert table.loc["none+logreg + arg-max", "expected_cost"] == pytest.approx(rc.fold_costs[
        "none+logreg + arg-max"].mean())
    assert set(table["distinguishable"]) <= {"yes", "no", "reference"}
    recall = (rc.pred[reference][rc.y == "c"] == "c").mean()
    assert table.loc[reference, "recall[c]"] == pytest.approx(recall)


def test_headline_and_text_carry_the_decision(compared):
    _, rc = compared
    numbers = rule_study.rules_headline(rc)
    table = rc.table
    assert numbers["bayes_rule_cost"] == pytest.approx(table.loc["none+logreg + Bayes rule, calibrated", "expected_cost"])
    assert numbers["tuned_rule_cost"] == pytest.approx(table.loc["none+logreg + tuned weights, nested", "expected_cost"])
    assert numbers["rebalanced_vs_decision_rule"] == rc.verdict
    own = ["class_weight+logreg + its Bayes rule", "random_over+logreg + its Bayes rule"]
    cheapest = table.loc[own, "expected_cost"].astype(float).idxmin()
    assert numbers["cheapest_rebalanced"] == cheapest.split(" + ")[0]
    text = rule_study.describe_rules(rc)
    assert f"the arg-max {numbers['argmax_rule_cost']:.3f}" in text
    assert "fully nested" in text and "calibrated by temperature scaling inside each training fold" in text
    assert f"Verdict (`rebalanced_vs_decision_rule`: {rule_study._verdict_words(rc.verdict)})" in text
    lines = rule_study.figure_lines(rc)
    assert lines["Bayes rule (calibrated)"] == pytest.approx(numbers["bayes_rule_cost"])
    curve = rc.curve()
    assert set(curve["class"]) == {"a", "b", "c"} and curve["expected_cost"].between(0, 200 / 24).all()


@pytest.mark.parametrize("differences, real, verdict", [
    ([-0.05, 0.02], [True, False], True),  # one re-balancing method distinguishably cheaper
    ([0.05, 0.02], [True, True], False),  # every one distinguishably costlier
    ([0.05, -0.02], [True, False], "not enough evidence"),
    ([-0.05, -0.02], [False, False], "not enough evidence"),
])
def test_the_verdict_is_true_false_or_not_enough_evidence(compared, differences, real, verdict):
    _, rc = compared
    own = list(rc.rebalanced.index)
    tests = rc.tests.copy()
    tests.loc[own, "difference"] = differences
    tests.loc[own, "real_difference"] = real
    changed = rule_study.RuleComparison(**{**rc.__dict__, "tests": tests})
    assert changed.verdict == verdict
    text = rule_study.describe_rules(changed)
    assert {True: "re-balanced training beats the decision rule", False: "every re-balancing method is "
            "distinguishably costlier", "not enough evidence": "no re-balancing method is distinguishably "
            "cheaper"}[verdict] in text


def test_compare_rules_refuses_an_unknown_calibration_and_has_nothing_without_a_plain_model(table):
    cv = evaluation.make_folds(table.y, None, 3, 0)
    with pytest.raises(ValueError, match=r"calibration must be one of \['temperature', 'isotonic', 'sigmoid'\]"):
        rule_study.compare_rules(table, ["none+logreg"], cv, calibration="platt", progress=False)
    assert rule_study.compare_rules(table, ["smote+logreg"], cv, progress=False) is None  # nothing to calibrate
    assert "No method is a plain model" in rule_study.NO_PLAIN_MODEL
