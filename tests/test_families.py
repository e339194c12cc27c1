"""Balancing judged within one model: differences against the plain model of the same family by the one test,
Holm-corrected within each kind, with the difference between plain models reported apart as model choice."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import f1_score

from ecombalance.data._table import Table
from ecombalance.evaluation import make_folds, run_experiment
from ecombalance.evaluation._stats import VERDICT_TEST
from ecombalance.models import _families as families
from ecombalance.models import _methods as experiments

METHODS = ["none+logreg", "class_weight+logreg", "random_over+logreg", "none+gboost", "class_weight+gboost"]


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(0)
    n = 600
    y = rng.choice(["big", "mid", "small"], n, p=[0.75, 0.18, 0.07])
    centre = {"big": 0.0, "mid": 1.0, "small": 1.6}
    frame = pd.DataFrame({"a": [centre[c] for c in y] + rng.normal(0, 0.8, n), "b": rng.normal(0, 1, n),
                          "c": (y == "small") * rng.normal(0.8, 0.5, n) + rng.normal(0, 0.5, n), "label": y})
    tbl = Table(frame, "label", [], ["a", "b", "c"], [], name="toy")
    pipes = experiments.build_all(tbl, METHODS, random_state=0)
    return run_experiment(pipes, tbl.X, tbl.y, cv=make_folds(tbl.y, n_splits=4, n_repeats=2), random_state=0,
                          progress=False)


@pytest.fixture(scope="module")
def table(result):
    return families.family_effects(result, n_resamples=300, random_state=0)


def test_family_baselines_are_the_plain_models():
    assert families.family_baselines(METHODS) == {"class_weight+logreg": "none+logreg",
                                                  "random_over+logreg": "none+logreg",
                                                  "class_weight+gboost": "none+gboost"}
    assert families.family_baselines(["none+torch_mlp:ce", "none+torch_mlp:logit_adjusted", "smote+logreg"]) == {
        "none+torch_mlp:logit_adjusted": "none+torch_mlp:ce"}
    assert experiments.balances_nothing("none+torch_mlp:ce") and not experiments.balances_nothing("none+torch_mlp:focal")
    assert families.plain_models(METHODS) == {"logreg": "none+logreg", "gboost": "none+gboost"}
    assert families.family_baselines(["none+balanced_rf", "none+rusboost", "none+adaboost"]) == {
        "none+rusboost": "none+adaboost"}  # no plain forest: balanced_rf has no family baseline
    assert families.model_of("none+easy_ensemble") == "bagged_adaboost" and families.model_of("frozen") == "frozen"
    assert not families.is_plain("none+balanced_bagging") and families.is_plain("none+bagging")


@pytest.mark.parametrize("methods, expected", [
    (METHODS, {"class_weight+logreg": ("none+logreg", "balancing"), "random_over+logreg": ("none+logreg", "balancing"),
               "none+gboost": ("none+logreg", "capacity"), "class_weight+gboost": ("none+gboost", "balancing")}),
    # notebook 06's default: the MLP's balanced loss against the plain MLP, the plain MLP against logreg
    (list(experiments.DEFAULT_METHODS)[:2] + ["none+torch_mlp:ce", "none+torch_mlp:logit_adjusted"],
     {"class_weight+logreg": ("none+logreg", "balancing"), "none+torch_mlp:ce": ("none+logreg", "capacity"),
      "none+torch_mlp:logit_adjusted": ("none+torch_mlp:ce", "balancing")}),
    # no plain MLP among the methods: its balanced loss is judged against nothing of its own
    (["none+logreg", "random_over+logreg", "none+torch_mlp:logit_adjusted"],
     {"random_over+logreg": ("none+logreg", "balancing"), "none+torch_mlp:logit_adjusted": ("none+logreg", "other")}),
    # a balancing method first: the plain version of its model is the reference of all
    (["class_weight+logreg", "none+logreg", "none+gboost"],
     {"class_weight+logreg": ("none+logreg", "balancing"), "none+gboost": ("none+logreg", "capacity")}),
    (["class_weight+logreg", "random_over+logreg"], {"random_over+logreg": ("class_weight+logreg", "other")}),
    (["never", "guess"], {"guess": ("never", "other")}),  # names outside the grammar: nothing known of them
    # imbalanced-learn's ensembles balance inside each member: each against its plain counterpart
    (["none+rf", "none+balanced_rf", "none+bagging", "none+balanced_bagging", "none+bagged_adaboost",
      "none+easy_ensemble", "none+adaboost", "none+rusboost"],
     {"none+balanced_rf": ("none+rf", "balancing"), "none+bagging": ("none+rf", "capacity"),
      "none+balanced_bagging": ("none+bagging", "balancing"), "none+bagged_adaboost": ("none+rf", "capacity"),
      "none+easy_ensemble": ("none+bagged_adaboost", "balancing"), "none+adaboost": ("none+rf", "capacity"),
      "none+rusboost": ("none+adaboost", "balancing")}),
    # eb.compare(t, methods=["none+balanced_rf", "none+rf"]): the plain forest is the reference of all
    (["none+balanced_rf", "none+rf", "class_weight+rf"],
     {"none+balanced_rf": ("none+rf", "balancing"), "class_weight+rf": ("none+rf", "balancing")}),
    # a balancing ensemble without its plain counterpart is not a plain model: no capacity claim from it
    (["none+logreg", "none+balanced_rf"], {"none+balanced_rf": ("none+logreg", "other")}),
    (["none+logreg", "none+gboost", "class_weight+gboost", "none+lightgbm", "class_weight+lightgbm"],
     {"none+gboost": ("none+logreg", "capacity"), "class_weight+gboost": ("none+gboost", "balancing"),
      "none+lightgbm": ("none+logreg", "capacity"), "class_weight+lightgbm": ("none+lightgbm", "balancing")}),
])
def test_every_method_is_compared_with_the_same_model_without_balancing(methods, expected):
    assert families.references(methods) == expected


def _corrected_p(folds, a, b):
    d = np.asarray(a) - np.asarray(b)
    ratio = np.mean([len(te) for _, te in folds]) / np.mean([len(tr) for tr, _ in folds])
    t = d.mean() / np.sqrt((1 / len(d) + ratio) * d.var(ddof=1))
    return 2 * stats.t.sf(abs(t), len(d) - 1), t


def test_each_balancing_method_is_compared_with_its_own_plain_model(result, table):
    rows = table.set_index("method")
    assert rows.loc["class_weight+gboost", "against"] == "none+gboost"
    assert rows.loc["class_weight+logreg", "against"] == "none+logreg"
    assert list(table[table["kind"] == "capacity"]["method"]) == ["none+gboost"]
    assert table.attrs["test"] == VERDICT_TEST and table.attrs["design"] == "2 × 4-fold cross-validation"
    y = result.y
    scores = {}
    r = result.results
    for m in METHODS:  # the experiment's fold scores, checked against scikit-learn on the first repeat's folds
        scores[m] = r[(r.method == m) & (r.metric == "macro_f1") & (r["class"] == "all")].sort_values("fold")["value"]
        scores[m] = scores[m].to_numpy()
        for i, (_, test) in enumerate(result.folds[:4]):
            assert scores[m][i] == pytest.approx(f1_score(y[test], result.oof_pred[m][test], average="macro"))
    for method, row in rows.iterrows():
        assert row["difference"] == pytest.approx(scores[method].mean() - scores[row["against"]].mean())
    # Holm over the three balancing comparisons together, from the corrected t-test done by hand
    balancing = table[table["kind"] == "balancing"]
    raw = np.array([_corrected_p(result.folds, scores[m], scores[b])[0]
                    for m, b in zip(balancing["method"], balancing["against"])])
    order = np.argsort(raw)
    holm = np.empty(3)
    holm[order] = np.minimum(1, np.maximum.accumulate(raw[order] * [3, 2, 1]))
    np.testing.assert_allclose(balancing["p_value"], holm)
    assert (table["distinguishable"] == (table["p_value"] < 0.05)).all()
    # the smallest detectable difference: t quantile of Bonferroni's first step times the standard error
    se = balancing["se"].to_numpy()
    np.testing.assert_allclose(balancing["detectable"], stats.t.ppf(1 - 0.05 / 6, 7) * se)
    assert ((balancing["ci_low"] <= balancing["pooled_difference"])
            & (balancing["pooled_difference"] <= balancing["ci_high"])).all()


def test_identical_fold_scores_count_once_in_holm(result):
    # a copy of a balancing method (named smote here) is the same hypothesis: the family keeps the size it had
    from dataclasses import replace

    r = result.results
    copy = r[r.method == "random_over+logreg"].assign(method="smote+logreg")
    twin = replace(result, results=pd.concat([r, copy], ignore_index=True),
                   oof_pred={**result.oof_pred, "smote+logreg": result.oof_pred["random_over+logreg"]},
                   oof_proba={**result.oof_proba, "smote+logreg": result.oof_proba["random_over+logreg"]})
    once = families.family_effects(result, n_resamples=50).set_index("method")
    twice = families.family_effects(twin, n_resamples=50).set_index("method")
    assert twice.loc["smote+logreg", "p_value"] == twice.loc["random_over+logreg", "p_value"]
    for m in ("class_weight+logreg", "random_over+logreg", "class_weight+gboost"):
        assert twice.loc[m, "p_value"] == pytest.approx(once.loc[m, "p_value"])


def test_verdicts_follow_the_one_rule_within_each_family(table):
    verdicts = families.family_verdicts(table)
    assert list(verdicts) == ["none+logreg", "none+gboost"]
    for base, verdict in verdicts.items():
        part = table[(table["against"] == base) & (table["kind"] == "balancing")]
        better = part[part["distinguishable"] & (part["difference"] > 0)]
        assert verdict.best_is_distinguishable == (not better.empty)
        assert verdict.best == (better.loc[better["method_mean"].idxmax(), "method"] if len(better) else None)
    numbers = families.families_headline(table)
    assert numbers["best_is_distinguishable"] == any(v.best for v in verdicts.values())
    assert numbers["capacity_difference"] == pytest.approx(table.loc[table["kind"] == "capacity", "difference"].max())
    assert {k: numbers[k] for k in ("cv_repeats", "cv_folds", "verdict_test")} == {
        "cv_repeats": 2, "cv_folds": 4, "verdict_test": VERDICT_TEST}
    assert numbers["smallest_detectable_difference"] == pytest.approx(table["detectable"][table["detectable"] > 0]
                                                                       .median())
    text = families.describe_families(table).splitlines()
    assert text[0].startswith("- Within `logreg` (against `none+logreg`): ")
    assert text[1].startswith("- Within `gboost` (against `none+gboost`): ")
    cap = table[table["kind"] == "capacity"].iloc[0]
    verdict = ("a real difference" if cap["distinguishable"] else
               f"not enough evidence; this design detects about {cap['detectable']:.3f}")
    assert text[2] == (f"- Model choice (capacity), not balancing: `none+gboost` against `none+logreg` differs by "
                       f"{cap['difference']:+.3f} (pooled out-of-fold {cap['pooled_difference']:+.3f}, interval "
                       f"[{cap['ci_low']:+.3f}, {cap['ci_high']:+.3f}]): {verdict}.")
    assert families.describe_families(table, with_apart=False).splitlines() == text[:2]
    # when no method beats the majority predictor, nothing is distinguishable
    assert not families.families_headline(table, beats_majority=False)["best_is_distinguishable"]


def test_a_family_without_its_plain_model_is_named(result):
    only = families.subset(result, ["class_weight+logreg", "random_over+logreg"])
    table = families.family_effects(only, n_resamples=50)
    assert table[["method", "against", "kind"]].values.tolist() == [["random_over+logreg", "class_weight+logreg",
                                                                      "other"]]
    assert families.family_verdicts(table) == {}
    assert families.best_of_families(table) == (None, False, "")
    assert families.describe_families(table).startswith(
        "- Not balancing alone (no plain `logreg` among the methods): `random_over+logreg` against "
        "`class_weight+logreg` differs by ")


def test_the_operating_point_of_one_model_with_and_without_balancing(result):
    from sklearn.metrics import average_precision_score, precision_score, recall_score

    points = families.operating_points(result, "none+logreg", "class_weight+logreg", "small")
    y = result.y
    column = list(result.classes).index("small")
    for method in ("none+logreg", "class_weight+logreg"):
        pred = result.oof_pred[method]
        assert points.loc[method, "recall"] == pytest.approx(recall_score(y == "small", pred == "small"))
        assert points.loc[method, "precision"] == pytest.approx(precision_score(y == "small", pred == "small"))
        assert points.loc[method, "average_precision"] == pytest.approx(
            average_precision_score(y == "small", result.oof_proba[method][:, column]))
    assert points.attrs == {"positive": "small", "prevalence": pytest.approx(np.mean(y == "small"))}
    before, after = points.loc["none+logreg"], points.loc["class_weight+logreg"]
    assert after["recall"] > before["recall"]  # class weights move the decisions towards the small class
    text = families.describe_operating_points(points)
    assert text.startswith(f"- Class `small` ({np.mean(y == 'small'):.3f} of the rows), one model without and with "
                           f"balancing: average precision {before['average_precision']:.3f} for `none+logreg`")
    assert (f"from recall {before['recall']:.3f} at precision {before['precision']:.3f} to recall "
            f"{after['recall']:.3f} at precision {after['precision']:.3f}") in text
