"""Notebook 03's SMOTE lesson: the worked point is imbalanced-learn's own, the boundaries are the fitted
models', and grouped against ungrouped folds is computed as scikit-learn computes it."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from ecombalance._chapters import smote_lesson
from ecombalance.data._table import Table
from ecombalance.evaluation import make_folds


def test_the_worked_point_is_the_one_imbalanced_learn_makes():
    example = smote_lesson.worked_example(random_state=0)
    minority = np.array([[1.0, 2.0], [3.0, 3.0]])
    majority = np.array([[6.0, 1.0], [7.0, 2.5], [6.5, 4.0], [8.0, 3.0], [7.5, 0.5], [5.5, 2.0]])
    X, y = np.vstack([majority, minority]), np.array([0] * 6 + [1] * 2)
    X_res, _ = SMOTE(k_neighbors=1, sampling_strategy={1: 3}, random_state=0).fit_resample(X, y)
    np.testing.assert_allclose(example.new, X_res[len(X)])
    assert 0 < example.lam < 1
    np.testing.assert_allclose(example.x_i + example.lam * (example.x_nn - example.x_i), example.new)
    assert {tuple(example.x_i), tuple(example.x_nn)} == {(1.0, 2.0), (3.0, 3.0)}
    rows = example.table()
    assert list(rows.index)[:3] == ["x_i", "x_nn", "x_nn − x_i"]
    np.testing.assert_allclose(rows.iloc[3].to_numpy(), example.new)
    a, b = example.x_i, example.new
    assert example.describe().startswith(f"SMOTE drew $\\lambda = {example.lam:.3f}$ for the segment from "
                                         f"$x_i = ({a[0]:.2f}, {a[1]:.2f})$")
    assert example.describe().endswith(f"= ({b[0]:.2f}, {b[1]:.2f})$.")
    np.testing.assert_array_equal(smote_lesson.worked_example(random_state=0).new, example.new)  # seeded
    assert not np.allclose(smote_lesson.worked_example(random_state=1).new, example.new)


def test_decision_boundaries_are_the_fitted_models_predictions():
    X, y = smote_lesson.toy_problem(n=300, random_state=2)
    panels = smote_lesson.decision_boundaries(X, y, samplers=("none", "random_over", "smote"), grid=40)
    plain = panels["none"]
    mesh = np.c_[plain["xx"].ravel(), plain["yy"].ravel()]
    expected = LogisticRegression().fit(X, y).predict(mesh).reshape(plain["xx"].shape)
    np.testing.assert_array_equal(plain["zz"], expected)
    assert plain["minority_share"] == pytest.approx(np.mean(y == 1))
    assert panels["random_over"]["minority_share"] == pytest.approx(0.5)
    # balancing moves the boundary into the majority: more of the plane is called minority
    assert panels["smote"]["zz"].mean() > plain["zz"].mean()
    assert panels["random_over"]["zz"].mean() > plain["zz"].mean()


def grouped_table(seed=0, queries=60):
    """Each query's rows share a label tendency that only its id reveals: memorising ids pays off only when
    a query's rows are on both sides of a split."""
    rng = np.random.default_rng(seed)
    query = np.repeat(np.arange(queries), 8)
    leaning = rng.random(queries) < 0.3
    label = np.where(rng.random(len(query)) < 0.85, leaning[query], ~leaning[query]).astype(int)
    frame = pd.DataFrame({"query": query.astype(str), "noise": rng.normal(size=len(query)), "y": label})
    return Table(frame, "y", [], ["noise"], ["query"], group_col="query", name="queries")


def test_ungrouped_folds_inflate_the_score_by_what_sklearn_computes():
    tbl = grouped_table()
    pre, model = OneHotEncoder(handle_unknown="ignore"), LogisticRegression(max_iter=500)
    frame = smote_lesson.grouping_inflation(tbl, pre, model, folds=4, random_state=0)
    y = tbl.y.to_numpy()
    scores = {}
    for name, cv, groups in (("grouped by query", StratifiedGroupKFold(4, shuffle=True, random_state=0), tbl.groups),
                             ("ungrouped", StratifiedKFold(4, shuffle=True, random_state=0), None)):
        pred = cross_val_predict(make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression(max_iter=500)),
                                 tbl.X, y, groups=groups, cv=cv)
        scores[name] = f1_score(y, pred, average="macro")
    assert frame["macro_f1"].to_dict() == pytest.approx(scores)
    assert frame.attrs["inflation"] == pytest.approx(scores["ungrouped"] - scores["grouped by query"])
    assert frame.attrs["inflation"] > 0.1  # ids carry the label only within a query
    assert smote_lesson.describe_grouping(frame) == (
        f"- On `queries`, grouped by `query` (4-fold cross-validation): folds that ignore the query groups score "
        f"macro-F1 {scores['ungrouped']:.3f}, folds that keep each query on one side {scores['grouped by query']:.3f}: "
        f"ungrouped cross-validation inflates the score by {scores['ungrouped'] - scores['grouped by query']:+.3f}.")
    flat = pd.DataFrame({"macro_f1": [0.70, 0.69]}, index=["grouped by query", "ungrouped"])
    assert smote_lesson.describe_grouping(flat) == (
        "- Folds that ignore the query groups score macro-F1 0.690, folds that keep each query on one side 0.700: "
        "ignoring the groups did not inflate the score on this table.")


def test_with_repeats_each_protocol_averages_the_pooled_macro_f1_of_its_repeats():
    tbl = grouped_table(seed=1)
    frame = smote_lesson.grouping_inflation(tbl, OneHotEncoder(handle_unknown="ignore"),
                                            LogisticRegression(max_iter=500), folds=3, random_state=2, n_repeats=2)
    y = tbl.y.to_numpy()
    expected = {}
    for name, groups in (("grouped by query", tbl.groups), ("ungrouped", None)):
        folds = make_folds(y, groups, 3, 2, n_repeats=2)
        assert any(not np.array_equal(a[1], b[1]) for a, b in zip(folds[:3], folds[3:]))  # other splits
        per_repeat = []
        for repeat in (folds[:3], folds[3:]):  # scikit-learn by hand on each repeat's folds: every row once
            pred = np.empty(len(y), dtype=y.dtype)
            for train, test in repeat:
                model = make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression(max_iter=500))
                pred[test] = model.fit(tbl.X.iloc[train], y[train]).predict(tbl.X.iloc[test])
            per_repeat.append(f1_score(y, pred, average="macro"))
        expected[name] = np.mean(per_repeat)
    assert frame["macro_f1"].to_dict() == pytest.approx(expected)
    assert frame.attrs["inflation"] == pytest.approx(expected["ungrouped"] - expected["grouped by query"])
    assert frame.attrs["design"] == "2 × 3-fold cross-validation"
    assert "(2 × 3-fold cross-validation)" in smote_lesson.describe_grouping(frame)


def test_grouping_inflation_needs_a_group_column():
    tbl = grouped_table()
    tbl.group_col = None
    with pytest.raises(ValueError, match="table 'queries' has no group column; grouping_inflation compares"):
        smote_lesson.grouping_inflation(tbl, OneHotEncoder(), LogisticRegression())
