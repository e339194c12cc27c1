"""Notebook 04's numbers: tables checked against hand formulas, the loss comparison against sklearn."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ecombalance import evaluation
import torch
from sklearn.datasets import make_blobs
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.preprocessing import StandardScaler

from ecombalance.chapters import loss_study as S
from ecombalance.evaluation import make_folds
from ecombalance.models import losses

COUNTS = {"c1": 400, "c2": 150, "c3": 50}


def test_weights_table():
    table = S.weights_table(COUNTS, beta=0.99)
    n = np.array([400, 150, 50])
    np.testing.assert_allclose(table["w balanced"], 600 / (3 * n))
    eff = (1 - 0.99) / (1 - 0.99 ** n)
    np.testing.assert_allclose(table["w effective (beta=0.99)"], eff / eff.sum() * 3)
    np.testing.assert_allclose(table["tau*log prior (tau=1)"], np.log(n / 600))
    assert list(table.index) == ["c1", "c2", "c3"] and table["LDAM margin"].max() == pytest.approx(0.5)


def test_focal_curves_match_formula():
    p = np.array([0.05, 0.3, 0.7, 0.99])
    curves = S.focal_curves(p, gammas=(0.0, 2.0))
    np.testing.assert_allclose(curves["gamma=0 (CE)"], -np.log(p), rtol=1e-10)
    np.testing.assert_allclose(curves["gamma=2"], -(1 - p) ** 2 * np.log(p), rtol=1e-8)


def test_seed_scenarios_show_the_document_errors():
    table = S.seed_formula_scenarios([400, 150, 50])
    written = table["doc balanced, p = class distribution"]
    assert written.max() - written.min() == 0.0  # a constant: the model does not enter
    assert table["doc balanced, p = mean prediction"].std() > 0.05
    # the document's "cross-entropy" prefers predicting the prior everywhere to a perfect classifier
    doc_ce = table["doc CE, p = class distribution"]
    assert doc_ce.idxmin() == "the prior for every input"
    assert table["correct CE (labels)"].idxmin() == "perfect (confident and right)"


@pytest.mark.slow
def test_seed_regulariser_minimiser_beats_the_prior():
    best = S.seed_regulariser_minimiser([400, 150, 50])
    assert best.sum() == pytest.approx(1.0)
    value = losses.seed_balanced_regulariser(torch.tensor(np.log(best.to_numpy()))[None], [400, 150, 50]).item()
    prior = losses.seed_balanced_regulariser(torch.tensor(np.log([400, 150, 50.0]))[None], [400, 150, 50]).item()
    assert value < prior


def test_gaussian_prior_shift_adjustment_trades_error_for_balanced_error():
    demo = S.gaussian_prior_shift([400, 150, 50], n_test=6000, epochs=10)
    t = demo.table
    bayes, adjusted = t.loc["Bayes, training priors"], t.loc["Bayes + post-hoc adjustment (tau=1)"]
    assert bayes["error"] < adjusted["error"] and adjusted["balanced error"] < bayes["balanced error"]
    learnt = t.loc["linear model, logit-adjusted loss"]
    assert learnt["balanced error"] < t.loc["linear model, CE"]["balanced error"]
    np.testing.assert_allclose(demo.curves.filter(like="balanced p").sum(axis=1), 1.0)


def test_compare_losses_uses_the_same_folds_and_sklearn_metrics():
    X, y = make_blobs(n_samples=[120, 50, 20], centers=[[0, 0], [3, 3], [0, 3]], random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=np.array(["x", "y", "z"])[y])
    tbl = SimpleNamespace(X=frame[["a", "b"]], y=frame["label"], frame=frame, group_col=None, groups=None)
    result = S.compare_losses(tbl, ["ce", "logit_adjusted"], folds=3, epochs=5, hidden=(8,), lr=1e-2,
                              preprocessor=StandardScaler(), progress=False)
    assert list(result.metrics.index) == ["ce", "ce + post-hoc", "logit_adjusted"]
    prior = np.bincount(y) / len(y)  # post-hoc: CE probabilities times 1/prior (training-fold priors)
    moved = result.proba["ce"] / prior
    np.testing.assert_allclose(result.proba["ce + post-hoc"], moved / moved.sum(1, keepdims=True), atol=0.02)
    assert sorted(result.per_fold["fold"].unique()) == [0, 1, 2]
    for name in ("ce", "logit_adjusted"):
        proba = result.proba[name]
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
        rows = result.per_fold[result.per_fold["loss"] == name].set_index("fold")
        for k in range(3):
            test = result.fold == k
            pred = result.classes[proba[test].argmax(1)]
            assert rows.loc[k, "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(result.y[test], pred))
            assert rows.loc[k, "macro_f1"] == pytest.approx(f1_score(result.y[test], pred, average="macro"))
            assert rows.loc[k, "recall[z]"] == pytest.approx(recall_score(result.y[test], pred, average=None)[2])
            confidence, right = proba[test].max(1), pred == result.y[test]  # top-label ECE, 15 bins, by hand
            bins = np.minimum(np.ceil(confidence * 15).astype(int) - 1, 14)
            ece = sum((bins == b).sum() * abs(right[bins == b].mean() - confidence[bins == b].mean())
                      for b in np.unique(bins)) / test.sum()
            assert rows.loc[k, "ece"] == pytest.approx(ece)
    with pytest.raises(ValueError, match=r"unknown loss\(es\) \['hinge'\]; choose from ce"):
        S.compare_losses(tbl, ["hinge"], preprocessor=StandardScaler())


def test_compare_losses_keeps_each_query_on_one_side():
    X, y = make_blobs(n_samples=[120, 50, 20], centers=[[0, 0], [3, 3], [0, 3]], random_state=1)
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=np.array(["x", "y", "z"])[y],
                                                       query=np.arange(len(y)) % 40)
    tbl = SimpleNamespace(X=frame[["a", "b"]], y=frame["label"], frame=frame, group_col="query",
                          groups=frame["query"])
    result = S.compare_losses(tbl, ["ce"], folds=3, epochs=2, hidden=(4,), preprocessor=StandardScaler(),
                              posthoc=False, progress=False)
    assert (pd.Series(result.fold).groupby(frame["query"]).nunique() == 1).all()  # a query's rows: one test fold
    folds = make_folds(frame["label"], frame["query"], n_splits=3, seed=0)
    for k, (_, test) in enumerate(folds):
        np.testing.assert_array_equal(np.flatnonzero(result.fold == k), test)


def test_losses_headline_names_the_top_loss_and_the_verdict():
    metrics = pd.DataFrame({"macro_f1": [0.80, 0.86, 0.83], "balanced_accuracy": [0.7, 0.9, 0.8], "ece": [0.05, 0.09, 0.07]},
                           index=["ce", "focal", "ldam"])
    numbers = S.losses_headline({"documented_case": SimpleNamespace(metrics=metrics)})
    top = metrics["macro_f1"].idxmax()
    assert numbers == {"documented_case_ce_macro_f1": metrics.loc["ce", "macro_f1"], "documented_case_top_loss": top,
                       "documented_case_top_macro_f1": metrics.loc[top, "macro_f1"],
                       "documented_case_top_balanced_accuracy": metrics.loc[top, "balanced_accuracy"],
                       "documented_case_top_ece": metrics.loc[top, "ece"]}
    # a user's file gives the same keys whatever it is called (not "online_shoppers_intention.csv_top_loss")
    user = S.losses_headline({"online_shoppers_intention.csv": SimpleNamespace(metrics=metrics)})
    assert user == {key.replace("documented_case", "user"): value for key, value in numbers.items()}


def _comparison(per_loss):
    """A LossComparison of fold macro-F1s only (5 folds over 500 rows)."""
    per_fold = pd.DataFrame([{"loss": loss, "fold": k, "macro_f1": v, "balanced_accuracy": v, "ece": 0.05}
                             for loss, scores in per_loss.items() for k, v in enumerate(scores)])
    metrics = per_fold.drop(columns="fold").groupby("loss", sort=False).mean()
    return S.LossComparison(metrics=metrics, per_fold=per_fold, proba={}, y=np.zeros(500), fold=np.zeros(500),
                            classes=np.array([0, 1]))


def test_a_loss_is_best_only_when_distinguishable_from_cross_entropy():
    ce = np.array([0.80, 0.82, 0.78, 0.81, 0.79])
    tied = _comparison({"ce": ce, "focal": ce + [0.03, -0.02, 0.01, -0.01, 0.02], "seed_balanced": ce + [0.002, -0.001, 0.001, 0.0, -0.001]})
    verdict = S.loss_verdict(tied)
    assert verdict.best is None and not verdict.best_is_distinguishable
    assert verdict.sentence.startswith("No method is distinguishable from `ce` on macro-F1; the top scores are")
    clear = _comparison({"ce": ce, "ldam": ce + [0.05, 0.051, 0.049, 0.05, 0.052], "focal": ce})
    scores = clear.per_fold.pivot(index="fold", columns="loss", values="macro_f1")
    expected = evaluation.compare_fold_scores(scores[["ce", "ldam", "focal"]], "ce", 400, 100).set_index("method")
    assert expected.loc["ldam", "p_value"] < 0.05
    assert S.loss_verdict(clear).best == "ldam"
    numbers = S.losses_headline({"documented_case": tied, "search_log": clear})
    assert numbers["documented_case_best_is_distinguishable"] is False and "documented_case_best_loss" not in numbers
    assert numbers["search_log_best_loss"] == "ldam" and numbers["best_is_distinguishable"] is True
    assert S.loss_verdict(_comparison({"focal": ce, "ldam": ce})) is None  # no cross-entropy to compare with


def test_a_recall_no_loss_moves_is_named_with_its_value():
    metrics = pd.DataFrame({"macro_f1": [0.66, 0.71, 0.72],
                            "recall[C]": [0.0, 0.278, 0.421], "recall[I]": [0.8611, 0.8614, 0.8609],
                            "recall[E]": [0.972, 0.956, 0.935]}, index=["ce", "weighted_ce", "ldam"])
    assert S.describe_unmoved_recalls("search_log", metrics) == [
        "- **search_log**: `recall[I]` (0.861) is the same under all 3 losses: the features alone decide that "
        "class, and a loss only moves boundaries where classes overlap (see the note under the per-class recall "
        "figure)."]
    metrics["recall[I]"] = [0.861, 0.861, 0.862]
    assert S.describe_unmoved_recalls("search_log", metrics) == []
    assert S.describe_unmoved_recalls("one", metrics.iloc[:1]) == []
