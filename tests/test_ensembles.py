"""imbalanced-learn's balancing ensembles beside their plain counterparts, LightGBM's class weights, and notebook
03's reading of what each member was fitted on, checked against the fitted trees themselves."""

import numpy as np
import pandas as pd
import pytest
from imblearn.ensemble import (BalancedBaggingClassifier, BalancedRandomForestClassifier, EasyEnsembleClassifier,
                               RUSBoostClassifier)
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, RandomForestClassifier
from sklearn.metrics import recall_score

from ecombalance._chapters import ensemble_study
from ecombalance.data._table import Table
from ecombalance.evaluation import make_folds
from ecombalance.models import _ensembles as ensembles
from ecombalance.models import _families as families
from ecombalance.models import _pipelines as pipelines


@pytest.fixture(scope="module")
def three():
    """Three classes, 70 / 20 / 10 %."""
    return make_classification(300, 6, n_informative=4, n_redundant=0, n_classes=3, weights=[0.7, 0.2, 0.1],
                               random_state=0)


@pytest.mark.parametrize("name, cls", [
    ("rf", RandomForestClassifier), ("balanced_rf", BalancedRandomForestClassifier), ("bagging", BaggingClassifier),
    ("balanced_bagging", BalancedBaggingClassifier), ("bagged_adaboost", BaggingClassifier),
    ("easy_ensemble", EasyEnsembleClassifier), ("adaboost", AdaBoostClassifier), ("rusboost", RUSBoostClassifier),
])
def test_each_name_builds_its_estimator_through_make_model(name, cls):
    model = pipelines.make_model(name, random_state=3)
    assert type(model) is cls
    assert model.random_state == 3 and model.n_estimators == ensembles.DEFAULT_SIZE[name]
    assert pipelines.make_model(name, n_estimators=7).n_estimators == 7
    assert name in pipelines.MODELS


def _member_settings(model):
    """The members' settings a balancing ensemble shares with its plain counterpart."""
    params = model.get_params()
    keep = {"n_estimators", "learning_rate", "max_features", "max_depth", "criterion", "min_samples_leaf"}
    shared = {k: v for k, v in params.items() if k in keep}
    estimator = params.get("estimator")
    if estimator is not None:
        inner = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
        shared["member"] = type(inner).__name__
        shared["member_params"] = {k: v for k, v in inner.get_params().items() if not hasattr(v, "get_params")}
        if hasattr(inner, "estimator") and inner.estimator is not None:
            shared["tree_depth"] = inner.estimator.max_depth
    return shared


@pytest.mark.parametrize("balancing, plain", list(ensembles.PLAIN_COUNTERPART.items()))
def test_a_balancing_ensemble_and_its_plain_counterpart_share_their_members(balancing, plain):
    assert ensembles.counterpart(balancing) == plain and ensembles.counterpart(plain) == plain
    ours, theirs = _member_settings(ensembles.make_ensemble(balancing, 0)), _member_settings(ensembles.make_ensemble(plain, 0))
    shared = ours.keys() & theirs.keys()  # EasyEnsemble fixes max_features=1.0 without a parameter for it
    assert "n_estimators" in shared and ("member" in shared or balancing == "balanced_rf")
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}


def test_balanced_random_forest_draws_every_class_to_the_smallest():
    model = ensembles.make_ensemble("balanced_rf")
    assert (model.sampling_strategy, model.replacement, model.bootstrap) == ("all", True, False)


def test_an_unknown_ensemble_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown ensemble 'forest'; choose one of rf, bagging, bagged_adaboost, "
                                         r"adaboost, balanced_rf, balanced_bagging, easy_ensemble, rusboost"):
        ensembles.make_ensemble("forest")
    with pytest.raises(ValueError, match=r"unknown model 'forest'; choose one of logreg, gboost, mlp, lightgbm, rf, "):
        pipelines.make_model("forest")


def _first_tree(fitted, member):
    """The (first) decision tree of one member, reached through bagging pipelines and AdaBoost."""
    est = fitted.estimators_[member]
    est = est.steps[-1][1] if hasattr(est, "steps") else est
    return est if hasattr(est, "tree_") else est.estimators_[0]


def test_member_counts_are_what_each_members_tree_was_fitted_on(three):
    X, y = three
    table = ensemble_study.member_counts(X, y, random_state=0, classes=[0, 1, 2])
    assert list(table.index.get_level_values("model").unique()) == list(ensemble_study.ENSEMBLE_MODELS)
    smallest = int(np.bincount(y).min())
    for model in ensemble_study.ENSEMBLE_MODELS:
        fitted = pipelines.make_model(model, random_state=0).fit(X, y)
        for member in range(3):
            counts = table.loc[(model, member), [0, 1, 2]].to_numpy(float)
            assert table.loc[(model, member), "rows"] == counts.sum()
            # the root of the member's tree holds the class shares of the (weighted) rows it was fitted on
            root = _first_tree(fitted, member if model not in ("adaboost", "rusboost") else 0).tree_
            if model in ("adaboost", "rusboost"):  # boosting: member = round; round 0's tree, uniform weights
                if member == 0:
                    np.testing.assert_allclose(root.value[0, 0], counts / counts.sum())
                continue
            np.testing.assert_allclose(root.value[0, 0], counts / counts.sum())
            if model in ("rf", "bagging", "balanced_rf", "balanced_bagging"):  # unit weights: the counts themselves
                np.testing.assert_allclose(root.value[0, 0] * root.weighted_n_node_samples[0], counts)
        if model in ("rf", "bagging", "bagged_adaboost"):  # bootstraps of all rows
            assert (table.loc[model, "rows"] == len(y)).all()
        if model in ("balanced_rf", "easy_ensemble", "rusboost"):  # every class at the smallest class's count
            assert (table.loc[model, [0, 1, 2]] == smallest).all(axis=None)
        if model == "balanced_bagging":  # balanced within each bootstrap, at that bootstrap's smallest count
            for member, rows in enumerate(fitted.estimators_samples_[:3]):
                assert (table.loc[(model, member), [0, 1, 2]] == np.bincount(y[rows]).min()).all()
    assert table.attrs["smallest"] == (2, smallest)
    assert table.attrs["rounds"]["adaboost"] == len(pipelines.make_model("adaboost", random_state=0).fit(X, y)
                                                    .estimators_)
    assert table.attrs["planned"] == {"adaboost": 50, "rusboost": 50}


def test_describe_members_reads_the_counts(three):
    X, y = three
    table = ensemble_study.member_counts(X, y, models=["rf", "balanced_rf", "adaboost", "rusboost"], random_state=0)
    rf, brf = table.loc[("rf", 0), [0, 1, 2]].tolist(), table.loc[("balanced_rf", 0), [0, 1, 2]].tolist()
    text = ensemble_study.describe_members(table).splitlines()
    assert text[0] == f"- The smallest class, `2`, has {int(np.bincount(y).min())} training rows."
    assert text[1] == (f"- `balanced_rf` (every class drawn with replacement to the smallest class's count): its first "
                       f"member was fitted on {brf[0]} / {brf[1]} / {brf[2]} rows of `0` / `1` / `2`, where the first "
                       f"member of its plain counterpart `rf` (a bootstrap of all rows) saw {rf[0]} / {rf[1]} / "
                       f"{rf[2]}.")
    rounds = table.attrs["rounds"]["rusboost"]
    stopped = [line for line in text if "boosting rounds" in line]
    assert stopped == ([f"- `rusboost` stopped after {rounds} of 50 boosting rounds: a round whose weighted error on "
                        "all training rows is no better than chance ends the boosting (SAMME), and fewer rounds mean "
                        "a weaker model."] if rounds < 50 else [])
    with pytest.raises(ValueError, match=r"member_counts reads back the ensembles .*, not \['logreg'\]"):
        ensemble_study.member_counts(X, y, models=["logreg"])


def test_lightgbm_class_weights_against_scale_pos_weight():
    X, y = make_classification(600, 8, weights=[0.9, 0.1], random_state=0)
    n_neg, n_pos = np.bincount(y)
    weighted = pipelines.pipeline(None, "none", "lightgbm", class_weight="balanced", random_state=0)
    assert weighted.named_steps["model"].class_weight == "balanced" and "dense" not in weighted.named_steps
    balanced = weighted.fit(X, y).predict_proba(X)[:, 1]
    # w_c = N / (C N_c): only the ratio of the two weights matters, N_neg / N_pos for the positive class
    ratio = ensembles.make_lightgbm(0, class_weight={0: 1.0, 1: n_neg / n_pos}).fit(X, y).predict_proba(X)[:, 1]
    np.testing.assert_allclose(balanced, ratio, atol=1e-6)
    pos_weight = ensembles.make_lightgbm(0, scale_pos_weight=n_neg / n_pos).fit(X, y).predict_proba(X)[:, 1]
    assert np.abs(balanced - pos_weight).max() > 0.01  # the start differs: weighted vs unweighted log-odds
    same_start = {"boost_from_average": False}
    a = ensembles.make_lightgbm(0, class_weight="balanced", **same_start).fit(X, y).predict_proba(X)[:, 1]
    b = ensembles.make_lightgbm(0, scale_pos_weight=n_neg / n_pos, **same_start).fit(X, y).predict_proba(X)[:, 1]
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert ensembles.make_lightgbm().n_jobs == 1


def test_tree_ensembles_take_sparse_tfidf_and_only_gboost_is_densified():
    import scipy.sparse as sp

    X, y = make_classification(200, 6, n_classes=3, n_informative=4, n_redundant=0, random_state=1)
    sparse = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0))
    for name in ("lightgbm", *ensembles.ENSEMBLES):
        assert "dense" not in pipelines.pipeline(None, "none", name).named_steps
        small = pipelines.make_model(name, random_state=0, n_estimators=3)  # the same trees from either input
        dense_pred = pipelines.pipeline(None, "none", small).fit(sparse.toarray(), y).predict(sparse.toarray())
        np.testing.assert_array_equal(pipelines.pipeline(None, "none", small).fit(sparse, y).predict(sparse),
                                      dense_pred)
    assert "dense" in pipelines.pipeline(None, "none", "gboost").named_steps


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    n = 400
    y = rng.choice(["big", "mid", "small"], n, p=[0.7, 0.2, 0.1])
    centre = {"big": 0.0, "mid": 1.2, "small": 2.0}
    frame = pd.DataFrame({"a": [centre[c] for c in y] + rng.normal(0, 0.8, n), "b": rng.normal(0, 1, n),
                          "label": y})
    return Table(frame, "label", [], ["a", "b"], [], name="toy")


@pytest.fixture(scope="module")
def ensemble_run(toy):  # about 4 s on a quiet 2-core machine: the tests that use it are marked slow
    models = ["rf", "balanced_rf", "adaboost", "rusboost"]
    cv = make_folds(toy.y, n_splits=3, n_repeats=2, random_state=0)
    return ensemble_study.compare_ensembles(toy.X.to_numpy(), toy.y, models, cv=cv, random_state=0, progress=False)


@pytest.mark.slow
def test_each_balancing_ensemble_is_judged_against_its_plain_counterpart(ensemble_run):
    table = families.family_effects(ensemble_run, n_resamples=50, random_state=0)
    assert table[["method", "against", "kind"]].values.tolist() == [
        ["none+balanced_rf", "none+rf", "balancing"], ["none+adaboost", "none+rf", "capacity"],
        ["none+rusboost", "none+adaboost", "balancing"]]
    numbers = ensemble_study.family_headline(table, "ensembles_")
    rows = table.set_index("method")
    assert numbers["ensembles_balanced_rf_difference"] == pytest.approx(rows.loc["none+balanced_rf", "difference"])
    assert numbers["ensembles_rusboost_real"] == bool(rows.loc["none+rusboost", "distinguishable"])
    assert numbers["ensembles_best_is_distinguishable"] == families.families_headline(table)["best_is_distinguishable"]
    assert not any("cv_" in key or "/" in key for key in numbers)  # the design is the chapter's; no method rows
    assert not ensemble_study.family_headline(table, "x_", beats_majority=False)["x_rusboost_real"]
    changes = ensemble_study.recall_changes(ensemble_run, table)
    y = ensemble_run.y
    for method, row in changes.iterrows():
        for name, column in ((method, "recall"), (row["against"], "plain_recall")):
            assert row[column] == pytest.approx(recall_score(y == "small", ensemble_run.oof_pred[name] == "small"))
    text = ensemble_study.describe_recall_changes(changes)
    assert text == ("- Recall of the smallest class `small`, plain → balanced: "
                    f"`rf` {changes.loc['none+balanced_rf', 'plain_recall']:.2f} → "
                    f"{changes.loc['none+balanced_rf', 'recall']:.2f} with `none+balanced_rf`; "
                    f"`adaboost` {changes.loc['none+rusboost', 'plain_recall']:.2f} → "
                    f"{changes.loc['none+rusboost', 'recall']:.2f} with `none+rusboost`.")


def test_ensemble_methods_check_their_names():
    assert list(ensemble_study.ensemble_methods(["rf", "balanced_rf"])) == ["none+rf", "none+balanced_rf"]
    with pytest.raises(ValueError, match=r"unknown model\(s\) \['forest'\]; choose from \['logreg', "):
        ensemble_study.ensemble_methods(["rf", "forest"])
    with pytest.raises(ValueError, match=r"models repeat a name: \['rf', 'rf'\]"):
        ensemble_study.ensemble_methods(["rf", "rf"])


@pytest.mark.slow
def test_eb_compare_runs_a_balancing_ensemble_against_its_plain_counterpart():
    import ecombalance as eb
    from ecombalance.data._datasets import case_table

    t = eb.load(case_table(random_state=0).frame, label="category", text="title")
    c = eb.compare(t, methods=["none+balanced_rf", "none+rf"], folds=3, repeats=1, n_resamples=50, progress=False)
    assert c.table.loc["none+balanced_rf", ["against", "kind"]].tolist() == ["none+rf", "balancing"]
    assert c.table.loc["none+rf", "kind"] == "reference"
    assert "Within `rf`" in c.reason


@pytest.mark.slow
def test_a_comparison_with_one_method_left_says_so(ensemble_run):
    from dataclasses import replace

    alone = families.subset(ensemble_run, ["none+rf"])
    alone = replace(alone, skipped={"none+balanced_rf": "left out: 40 s for 1 of 6 folds, about 240 s for all"})
    table = ensemble_study.judge_families(alone)
    assert table.empty and "kind" in table.columns
    assert ensemble_study.family_headline(table, "ensembles_") == {"ensembles_best_is_distinguishable": False}
    assert ensemble_study.describe_families_of(alone, table).splitlines() == [
        "- Only `none+rf` ran on every fold: nothing to compare.",
        "- `none+balanced_rf` left out: 40 s for 1 of 6 folds, about 240 s for all."]


@pytest.mark.slow
def test_describe_families_of_puts_the_verdicts_and_the_recalls_together(ensemble_run):
    table = ensemble_study.judge_families(ensemble_run, n_resamples=50)
    text = ensemble_study.describe_families_of(ensemble_run, table)
    recall = ensemble_study.describe_recall_changes(ensemble_study.recall_changes(ensemble_run, table))
    assert text == families.describe_families(table) + "\n" + recall
    losing = ensemble_study.describe_families_of(ensemble_run, table, beats_majority=False)
    assert losing == families.describe_families(table, beats_majority=False) + "\n" + recall
    assert "no method even beats always predicting the largest class" in losing


def test_the_params_command_lists_every_method_name(capsys):
    from ecombalance._reporting import cli
    from ecombalance.models import _methods as experiments

    assert cli.main(["params", "--notebooks", "06"]) == 0
    printed = capsys.readouterr().out.splitlines()
    model_line = next(line for line in printed if line.startswith("  model "))
    listed = [name for name in model_line.split(None, 1)[1].split(", ") if not name.startswith(("torch_mlp", "loss"))]
    assert listed[:len(pipelines.MODELS)] == list(pipelines.MODELS)
    for model in pipelines.MODELS:  # every listed model is a valid method
        assert experiments.parse(f"none+{model}")[1] == model
    pairs = next(line for line in printed if "balancing ensembles" in line)
    assert all(f"{b} (against {p})" in pairs for b, p in ensembles.PLAIN_COUNTERPART.items())
    assert cli.main(["params", "--notebooks", "01"]) == 0  # no method parameter: no list
    assert "method names" not in capsys.readouterr().out
