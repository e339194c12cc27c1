"""The decision a user must take: per-class weights for a cost matrix tuned on training folds only and scored
out of fold, and the profit-maximising threshold on a click probability, each against an independent
recomputation."""

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

from ecombalance.evaluation import make_folds
from ecombalance.evaluation._decisions import WEIGHT_GRID, cost_decision_cv, tune_class_weights
from ecombalance.evaluation._profit import profit_curve, profit_threshold

COST = np.array([[0, 1, 1], [1, 0, 1], [10, 10, 0]])  # missing the rare class costs 10, any other error 1


@pytest.fixture(scope="module")
def oof():
    X, y = make_classification(n_samples=1500, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.7, 0.2, 0.1], class_sep=0.8, random_state=0)
    labels = np.array(["common", "mid", "rare"])[y]
    folds = make_folds(labels, n_splits=5, random_state=0)
    proba = cross_val_predict(LogisticRegression(max_iter=1000), X, labels, cv=folds, method="predict_proba")
    return X, labels, folds, proba


def _mean_cost(proba, codes, weights, cost):
    decided = [min(range(cost.shape[1]), key=lambda j: sum(weights[i] * row[i] * cost[i, j] for i in range(len(row))))
               for row in proba]
    return np.mean([cost[a, b] for a, b in zip(codes, decided)])


def test_tuned_weights_beat_the_bayes_rule_and_match_a_brute_force_search_for_two_classes():
    rng = np.random.default_rng(0)
    p1 = rng.beta(1, 4, 400)
    codes = (rng.random(400) < p1 * 1.8).astype(int)  # under-confident for class 1: the Bayes rule is not optimal
    proba = np.column_stack([1 - p1, p1])
    cost = np.array([[0, 1], [5, 0]])
    w = tune_class_weights(proba, codes, cost)
    assert w[0] == 1
    brute = min(_mean_cost(proba, codes, [1, v], cost) for v in WEIGHT_GRID)
    assert _mean_cost(proba, codes, w, cost) == pytest.approx(brute)
    assert brute < _mean_cost(proba, codes, [1, 1], cost)


def test_tuned_three_class_weights_cost_no_more_than_any_single_move(oof):
    _, labels, _, proba = oof
    codes = np.searchsorted(["common", "mid", "rare"], labels)
    w = tune_class_weights(proba, codes, COST)
    tuned = _mean_cost(proba, codes, w, COST)
    assert tuned <= _mean_cost(proba, codes, [1, 1, 1], COST)
    for c, v in itertools.product((1, 2), WEIGHT_GRID[::4]):  # no single coordinate move lowers it further
        moved = w.copy()
        moved[c] = v
        assert _mean_cost(proba, codes, moved, COST) >= tuned - 1e-12


def test_cost_decision_out_of_fold(oof):
    _, labels, folds, proba = oof
    result = cost_decision_cv(labels, COST, proba, folds, n_resamples=200)
    codes = np.searchsorted(["common", "mid", "rare"], labels)
    table = result.table
    assert list(table.index) == ["argmax", "bayes", "tuned"]
    argmax_cost = COST[codes, proba.argmax(1)].mean()
    assert table.loc["argmax", "expected_cost"] == pytest.approx(argmax_cost)
    assert table.loc["bayes", "expected_cost"] == pytest.approx(_mean_cost(proba, codes, [1, 1, 1], COST))
    # the tuned rule, rebuilt fold by fold: weights from the training rows only, applied to the test rows
    tuned = np.empty(len(labels), dtype=int)
    for k, (train, test) in enumerate(folds):
        w = result.weights.loc[k].to_numpy()
        np.testing.assert_allclose(w, tune_class_weights(proba[train], codes[train], COST))
        tuned[test] = np.argmin((proba[test] * w) @ COST, axis=1)
    assert (result.predictions["tuned"] == np.array(["common", "mid", "rare"])[tuned]).all()
    assert table.loc["tuned", "expected_cost"] == pytest.approx(COST[codes, tuned].mean())
    assert table.loc["tuned", "cost_difference"] == pytest.approx(COST[codes, tuned].mean() - argmax_cost)
    assert table.loc["tuned", "ci_low"] <= table.loc["tuned", "cost_difference"] <= table.loc["tuned", "ci_high"]
    # missing "rare" is ten times dearer: the cost-aware rules find more of it and cost less than the arg-max
    assert table.loc["tuned", "expected_cost"] < argmax_cost and table.loc["bayes", "expected_cost"] < argmax_cost
    assert table.loc["tuned", "recall[rare]"] > table.loc["argmax", "recall[rare]"]
    assert table.loc["argmax", "recall[rare]"] == pytest.approx((proba.argmax(1)[codes == 2] == 2).mean())
    # one point of the manager's curve, by hand: predict "rare" at p_rare >= 0.2, else the larger of the others
    point = result.curve[(result.curve["class"] == "rare") & (result.curve["threshold"] == 0.2)].iloc[0]
    pred = np.where(proba[:, 2] >= 0.2, 2, proba[:, :2].argmax(1))
    assert point["expected_cost"] == pytest.approx(COST[codes, pred].mean())
    assert point["recall"] == pytest.approx((pred[codes == 2] == 2).mean())
    assert point["precision"] == pytest.approx((codes[pred == 2] == 2).mean())
    assert set(result.curve["class"]) == {"common", "mid", "rare"} and len(result.curve) == 3 * 19


def test_test_fold_labels_never_reach_its_weights(oof):
    _, labels, folds, proba = oof
    before = cost_decision_cv(labels, COST, proba, folds, n_resamples=20)
    changed = labels.copy()
    test = folds[0][1]
    changed[test] = np.roll(changed[test], 7)  # other labels on fold 0's test rows only
    after = cost_decision_cv(changed, COST, proba, folds, n_resamples=20)
    pd.testing.assert_series_equal(before.weights.loc[0], after.weights.loc[0])
    fold_ids = np.empty(len(labels), dtype=int)
    for k, (_, te) in enumerate(folds):
        fold_ids[te] = k
    by_id = cost_decision_cv(labels, COST, proba, fold_ids, n_resamples=20)
    pd.testing.assert_frame_equal(by_id.weights, before.weights)


def test_nested_estimator_path_refits_on_each_training_fold(oof):
    X, labels, _, _ = oof
    model = LogisticRegression(max_iter=1000)
    result = cost_decision_cv(labels[:600], COST, estimator=model, X=X[:600], n_splits=3, inner_splits=3,
                              n_resamples=50)
    train, test = make_folds(labels[:600], n_splits=3, random_state=0)[0]
    refit = LogisticRegression(max_iter=1000).fit(X[:600][train], labels[:600][train]).predict_proba(X[:600][test])
    np.testing.assert_allclose(result.proba[test], refit, atol=1e-8)
    assert result.table.loc["tuned", "expected_cost"] <= result.table.loc["argmax", "expected_cost"] + 0.05


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give either proba and folds"),
    ({"cost_matrix": np.ones((2, 2))}, r"cost_matrix must be \(3, 3\)"),
    ({"proba": "P"}, "proba needs folds"),
    ({"proba": "P", "folds": [(np.arange(5), np.arange(5))]}, "must cover each of the"),
    ({"proba": "P", "folds": np.zeros(7)}, "one fold id per row"),
    ({"proba": "P", "folds": "F", "estimator": LogisticRegression()}, "give either proba and folds"),
])
def test_cost_decision_rejects_what_it_cannot_use(oof, kwargs, message):
    _, labels, folds, proba = oof
    kwargs = {"cost_matrix": COST, **kwargs}
    kwargs = {k: proba if isinstance(v, str) and v == "P" else folds if isinstance(v, str) and v == "F" else v
              for k, v in kwargs.items()}
    with pytest.raises(ValueError, match=message):
        cost_decision_cv(labels, **kwargs)


# ----------------------------------------------------------------------------------------------- profit
def _profit(y, p, t, value, cost, miss=0.0):
    return sum(value if (pi >= t and yi) else -cost if pi >= t else -miss if yi else 0.0 for yi, pi in zip(y, p))


def test_profit_threshold_is_the_brute_force_optimum():
    rng = np.random.default_rng(1)
    p = np.round(rng.beta(1, 6, 300), 3)  # rounded: ties among the probabilities
    y = (rng.random(300) < p).astype(int)
    for value, cost, miss in ((1.0, 0.3, 0.0), (2.0, 0.5, 1.0)):
        found = profit_threshold(y, p, value, cost, miss)
        candidates = [np.inf, *np.unique(p)]
        profits = [_profit(y, p, t, value, cost, miss) for t in candidates]
        best = max(profits)
        assert found.profit == pytest.approx(best)
        assert found.threshold == max(t for t, v in zip(candidates, profits) if v >= best - 1e-9)
        assert found.profit_per_row == pytest.approx(best / 300)
        assert profit_curve(y, p, value, cost, miss, [found.threshold])["profit"].iloc[0] == pytest.approx(best)
        assert found.closed_form == pytest.approx(cost / (value + cost + miss))
        assert found.closed_form_profit == pytest.approx(_profit(y, p, found.closed_form, value, cost, miss))
        for _, row in found.curve.iloc[::17].iterrows():
            assert row["profit"] == pytest.approx(_profit(y, p, row["threshold"], value, cost, miss))
            acted = p >= row["threshold"]
            assert (row["acted"], row["hits"], row["missed"]) == (acted.sum(), (acted & (y == 1)).sum(),
                                                                  (~acted & (y == 1)).sum())


@pytest.mark.parametrize("value, cost, miss", [(1.0, 0.25, 0.0), (1.0, 0.25, 1.0), (3.0, 1.0, 0.0)])
def test_on_calibrated_probabilities_the_optimum_is_near_the_closed_form(value, cost, miss):
    rng = np.random.default_rng(2)
    p = rng.beta(2, 8, 200_000)
    y = (rng.random(len(p)) < p).astype(int)  # calibrated by construction
    found = profit_threshold(y, p, value, cost, miss)
    closed = cost / (value + cost + miss)
    assert abs(found.threshold - closed) < 0.03
    assert found.closed_form_profit >= found.profit - 0.005 * abs(found.profit)
    # expected profit (p in place of y) is maximal at the closed form, up to the grid step
    grid = np.linspace(0, 1, 1001)
    expected = [(p[p >= t] * (value + miss) - (1 - p[p >= t]) * cost).sum() for t in grid]
    assert abs(grid[int(np.argmax(expected))] - closed) <= 0.001 + 1e-12


def test_uncalibrated_probabilities_move_the_empirical_optimum():
    rng = np.random.default_rng(3)
    q = rng.beta(1, 12, 100_000)
    y = (rng.random(len(q)) < q).astype(int)
    w = 0.1  # a model trained on 10 % of the negatives: odds ten times too high
    p = q / (q + (1 - q) * w)
    on_p, on_q = profit_threshold(y, p, 1.0, 0.25), profit_threshold(y, q, 1.0, 0.25)
    assert abs(on_q.threshold - 0.2) < 0.03 and on_p.threshold > 0.5
    assert on_p.closed_form_profit < on_q.closed_form_profit


@pytest.mark.parametrize("args, message", [
    (([0, 1, 2], [0.1, 0.2, 0.3], 1, 1), "y must be 0/1"),
    (([0, 1], [0.1, 1.2], 1, 1), r"p must lie in \[0, 1\]"),
    (([0, 1], [0.1, 0.2, 0.3], 1, 1), "p has 3 rows but there are 2 labels"),
    (([0, 1], [[0.1, 0.9], [0.5, 0.5]], 1, 1), "p must be 1-D"),
    (([0, 1], [0.1, 0.2], -1, 1), "value_of_click must be a finite number >= 0"),
    (([0, 1], [0.1, 0.2], 1, float("nan")), "cost_of_impression must be a finite number >= 0"),
    (([0, 1], [0.1, 0.2], 0, 1), "a click must be worth something"),
])
def test_profit_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        profit_threshold(*args)
