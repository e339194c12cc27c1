"""Balancing judged within one model: differences against the plain model of the same family, Holm-corrected,
with the capacity difference between plain models reported apart."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from ecombalance.chapters import experiments, families
from ecombalance.data.table import Table
from ecombalance.evaluation import holm, paired_bootstrap, run_experiment

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
    pipes = experiments.build_all(tbl, METHODS, seed=0)
    return run_experiment(pipes, tbl.X, tbl.y, cv=4, random_state=0, progress=False)


@pytest.fixture(scope="module")
def table(result):
    return families.family_effects(result, n_resamples=300, seed=0)


def test_family_baselines_are_the_plain_models():
    assert families.family_baselines(METHODS) == {"class_weight+logreg": "none+logreg",
                                                  "random_over+logreg": "none+logreg",
                                                  "class_weight+gboost": "none+gboost"}
    assert families.family_baselines(["none+torch_mlp:ce", "none+torch_mlp:logit_adjusted", "smote+logreg"]) == {
        "none+torch_mlp:logit_adjusted": "none+torch_mlp:ce"}
    assert experiments.balances_nothing("none+torch_mlp:ce") and not experiments.balances_nothing("none+torch_mlp:focal")
    assert families.plain_models(METHODS) == {"logreg": "none+logreg", "gboost": "none+gboost"}


def test_each_balancing_method_is_compared_with_its_own_plain_model(result, table):
    rows = table.set_index("method")
    assert rows.loc["class_weight+gboost", "against"] == "none+gboost"
    assert rows.loc["class_weight+logreg", "against"] == "none+logreg"
    assert list(table[table["kind"] == "capacity"]["method"]) == ["none+gboost"]
    y = result.y
    for method, row in rows.iterrows():  # mean over the folds of the fold macro-F1 differences, as effects reports
        f1 = {m: np.mean([f1_score(y[test], result.oof_pred[m][test], average="macro") for _, test in result.folds])
              for m in (method, row["against"])}
        assert row["difference"] == pytest.approx(f1[method] - f1[row["against"]])
    # Holm over the three balancing comparisons together, from the raw paired-bootstrap p-values
    balancing = table[table["kind"] == "balancing"]
    raw = [paired_bootstrap(y, result.oof_pred[m], result.oof_pred[b], classes=result.classes, n_resamples=300,
                            seed=0)["p_value"] for m, b in zip(balancing["method"], balancing["against"])]
    np.testing.assert_allclose(balancing["p_value"], holm(raw))
    assert (table["distinguishable"] == (table["p_value"] < 0.05)).all()


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
    text = families.describe_families(table).splitlines()
    assert text[0].startswith("- Within `logreg` (against `none+logreg`): ")
    assert text[1].startswith("- Within `gboost` (against `none+gboost`): ")
    cap = table[table["kind"] == "capacity"].iloc[0]
    assert text[2] == (f"- Model capacity, not balancing: `none+gboost` against `none+logreg` differs by "
                       f"{cap['difference']:+.3f} [{cap['ci_low']:+.3f}, {cap['ci_high']:+.3f}] "
                       f"({'a real difference' if cap['distinguishable'] else 'not distinguishable'}); neither "
                       "balances anything.")


def test_a_family_without_its_plain_model_is_named(result):
    only = families.subset(result, ["class_weight+logreg", "random_over+logreg"])
    with pytest.raises(ValueError, match="no method has a plain version of its model among"):
        families.family_effects(only, n_resamples=50)
