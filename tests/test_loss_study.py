"""Notebook 04's numbers: tables checked against hand formulas, the loss comparison against sklearn."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats
from sklearn.datasets import make_blobs
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.preprocessing import StandardScaler

from ecombalance import evaluation
from ecombalance._chapters import loss_study as S
from ecombalance.evaluation import _stats, make_folds
from ecombalance.models import _losses as losses
from ecombalance.models._neural import TorchMLPClassifier

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


def _blobs(seed=0, groups=False):
    X, y = make_blobs(n_samples=[120, 50, 20], centers=[[0, 0], [3, 3], [0, 3]], random_state=seed)
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=np.array(["x", "y", "z"])[y], query=np.arange(len(y)) % 40)
    return SimpleNamespace(X=frame[["a", "b"]], y=frame["label"], frame=frame, group_col="query" if groups else None,
                           groups=frame["query"] if groups else None)


def _ece_by_hand(y, proba, classes, n_bins=15):
    """Top-label ECE and each class's one-vs-rest ECE with equal-width bins (b/B, (b+1)/B], written out."""
    def ece(confidence, hit):
        bins = np.maximum(np.ceil(confidence * n_bins).astype(int) - 1, 0)
        return sum((bins == b).sum() * abs(hit[bins == b].mean() - confidence[bins == b].mean())
                   for b in np.unique(bins)) / len(confidence)
    top = ece(proba.max(1), (classes[proba.argmax(1)] == y).astype(float))
    per_class = [ece(proba[:, c], (y == label).astype(float)) for c, label in enumerate(classes)]
    return top, per_class


@pytest.fixture(scope="module")
def comparison():
    """ce, logit_adjusted and balanced_softmax (the same loss at tau = 1) with the post-hoc row, 2 x 3 folds."""
    return S.compare_losses(_blobs(), ["ce", "logit_adjusted", "balanced_softmax"], folds=3, repeats=2, epochs=5,
                            hidden=(8,), lr=1e-2, preprocessor=StandardScaler(), progress=False)


def test_compare_losses_runs_every_loss_through_the_engine_on_the_same_folds(comparison):
    res, tbl = comparison, _blobs()
    assert isinstance(res.result, evaluation.ExperimentResult)
    assert res.result.methods == ["ce", "ce + post-hoc", "logit_adjusted", "balanced_softmax"]
    assert list(res.metrics.index) == res.result.methods
    expected = make_folds(tbl.y, None, n_splits=3, random_state=0, n_repeats=2)
    assert res.result.design == "2 × 3-fold cross-validation" and len(res.result.folds) == 6
    for (train, test), (want_train, want_test) in zip(res.result.folds, expected):
        np.testing.assert_array_equal(train, want_train)
        np.testing.assert_array_equal(test, want_test)
    for k, (_, test) in enumerate(list(expected)[:3]):  # the first repeat gives each row its fold
        np.testing.assert_array_equal(np.flatnonzero(res.fold == k), np.sort(test))
    # fold scores recomputed with scikit-learn from each fold's own model (refitted here for the first fold)
    rows = res.per_fold.set_index(["loss", "fold"])
    train, test = res.result.folds[0]
    scaler = StandardScaler().fit(tbl.X.iloc[train])
    model = TorchMLPClassifier(hidden=(8,), loss="logit_adjusted", epochs=5, lr=1e-2, random_state=0)
    model.fit(scaler.transform(tbl.X.iloc[train]), tbl.y.iloc[train])
    pred = model.predict(scaler.transform(tbl.X.iloc[test]))
    truth = tbl.y.iloc[test].to_numpy()
    assert rows.loc[("logit_adjusted", 0), "macro_f1"] == pytest.approx(f1_score(truth, pred, average="macro"))
    assert rows.loc[("logit_adjusted", 0), "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(truth, pred))
    assert rows.loc[("logit_adjusted", 0), "recall[z]"] == pytest.approx(recall_score(truth, pred, average=None)[2])
    # the table's scores are the means over all r x k folds
    for loss in res.result.methods:
        assert res.metrics.loc[loss, "macro_f1"] == pytest.approx(rows.loc[loss, "macro_f1"].mean())
        assert len(rows.loc[loss]) == 6


def test_the_post_hoc_row_is_the_ce_model_moved_by_its_training_fold_priors(comparison):
    res = comparison
    y, ce, moved = res.y, res.proba["ce"], res.proba["ce + post-hoc"]
    for train, test in list(res.result.folds)[:3]:  # the first repeat: the out-of-fold probabilities
        prior = np.array([(y[train] == c).mean() for c in res.classes])
        by_hand = ce[test] / prior
        np.testing.assert_allclose(moved[test], by_hand / by_hand.sum(1, keepdims=True), rtol=1e-10)


def test_ece_in_the_table_is_that_of_the_pooled_out_of_fold_probabilities(comparison):
    res = comparison
    for loss in res.result.methods:
        top, per_class = _ece_by_hand(res.y, res.proba[loss], res.classes)
        assert res.metrics.loc[loss, "ece"] == pytest.approx(top, abs=1e-12)
        assert res.metrics.loc[loss, "classwise_ece"] == pytest.approx(np.mean(per_class), abs=1e-12)
    # not the mean of the fold ECEs (fewer rows per bin): that one stays in per_fold
    folds_mean = res.per_fold.groupby("loss")["ece"].mean()
    assert not np.allclose(folds_mean.reindex(res.metrics.index), res.metrics["ece"])


def test_balanced_softmax_and_logit_adjusted_at_tau_1_are_one_comparison(comparison):
    res = comparison
    scores = res.per_fold.pivot(index="fold", columns="loss", values="macro_f1")
    assert scores["balanced_softmax"].to_numpy().tobytes() == scores["logit_adjusted"].to_numpy().tobytes()
    np.testing.assert_array_equal(res.proba["balanced_softmax"], res.proba["logit_adjusted"])
    assert S.identical_losses(res) == [["logit_adjusted", "balanced_softmax"]]
    # the corrected repeated-CV t-test by hand (J = 6 folds), Holm over the two distinct hypotheses
    n_train, n_test = 190 * 2 / 3, 190 / 3
    raw = {}
    for loss in ["ce + post-hoc", "logit_adjusted"]:
        d = scores[loss].to_numpy() - scores["ce"].to_numpy()
        t = d.mean() / np.sqrt((1 / 6 + n_test / n_train) * d.var(ddof=1))
        raw[loss] = 2 * stats.t.sf(abs(t), df=5)
    low, high = sorted(raw, key=raw.get)
    holm = {low: min(1, 2 * raw[low])}
    holm[high] = max(holm[low], min(1, raw[high]))
    table = S.loss_differences(res).set_index("method")
    for loss in raw:
        assert table.loc[loss, "ttest_p"] == pytest.approx(raw[loss], rel=1e-6)
        assert table.loc[loss, "p_value"] == pytest.approx(holm[loss], rel=1e-6)
    assert table.loc["balanced_softmax", "p_value"] == table.loc["logit_adjusted", "p_value"]
    text = S.describe_identical_losses("blobs", res)
    assert text == ["- **blobs**: `logit_adjusted` and `balanced_softmax` have identical fold scores (the same loss, "
                    "hence the same network), so the test counts them as one comparison in Holm's correction."]


def test_the_headline_carries_the_design_beside_the_verdict(comparison):
    numbers = S.losses_headline({"documented_case": comparison})
    table = S.loss_differences(comparison)
    assert numbers["cv_repeats"] == 2 and numbers["cv_folds"] == 3
    assert numbers["verdict_test"] == _stats.VERDICT_TEST
    detectable = table["detectable"][table["detectable"] > 0].median()
    assert numbers["smallest_detectable_difference"] == pytest.approx(detectable) and detectable > 0
    assert numbers["documented_case_smallest_detectable_difference"] == numbers["smallest_detectable_difference"]
    top = comparison.metrics["macro_f1"].idxmax()
    assert numbers["documented_case_top_classwise_ece"] == comparison.metrics.loc[top, "classwise_ece"]
    assert numbers["best_is_distinguishable"] is numbers["documented_case_best_is_distinguishable"]


@pytest.mark.slow
def test_folds_run_in_parallel_give_the_same_numbers(comparison):
    again = S.compare_losses(_blobs(), ["ce", "logit_adjusted", "balanced_softmax"], folds=3, repeats=2, epochs=5,
                             hidden=(8,), lr=1e-2, preprocessor=StandardScaler(), progress=False, n_jobs=2)
    pd.testing.assert_frame_equal(again.per_fold, comparison.per_fold)
    for loss, proba in comparison.proba.items():
        np.testing.assert_array_equal(again.proba[loss], proba)


def test_unknown_losses_are_named():
    with pytest.raises(ValueError, match=r"unknown loss\(es\) \['hinge'\]; choose from ce"):
        S.compare_losses(_blobs(), ["hinge"], preprocessor=StandardScaler())


def test_compare_losses_keeps_each_query_on_one_side():
    tbl = _blobs(seed=1, groups=True)
    result = S.compare_losses(tbl, ["ce"], folds=3, epochs=2, hidden=(4,), preprocessor=StandardScaler(),
                              posthoc=False, progress=False)
    assert (pd.Series(result.fold).groupby(tbl.frame["query"]).nunique() == 1).all()  # a query: one test fold
    folds = make_folds(tbl.frame["label"], tbl.frame["query"], n_splits=3, random_state=0)
    for k, (_, test) in enumerate(folds):
        np.testing.assert_array_equal(np.flatnonzero(result.fold == k), np.sort(test))
    assert S.loss_verdict(result) is None and S.loss_differences(result) is None  # no other loss to compare


def _synthetic(per_loss, n=500):
    """A LossComparison of given fold macro-F1s on 5 folds of ``n`` rows (the predictions: the labels)."""
    y = np.repeat(["a", "b"], [n * 4 // 5, n // 5])
    folds = make_folds(y, None, n_splits=5, random_state=0)
    results = pd.DataFrame([(loss, k, "macro_f1", "all", v) for loss, values in per_loss.items()
                            for k, v in enumerate(values)], columns=["method", "fold", "metric", "class", "value"])
    result = evaluation.ExperimentResult(results=results, folds=folds, classes=np.array(["a", "b"]), y=y, groups=None,
                                         oof_pred={loss: y.copy() for loss in per_loss},
                                         oof_proba={loss: None for loss in per_loss})
    metrics = pd.DataFrame({"macro_f1": {loss: np.mean(v) for loss, v in per_loss.items()}})
    metrics = metrics.assign(balanced_accuracy=metrics["macro_f1"], ece=0.05, classwise_ece=0.06)
    per_fold = results.pivot(index=["method", "fold"], columns="metric", values="value").reset_index()
    return S.LossComparison(result=result, metrics=metrics, per_fold=per_fold.rename(columns={"method": "loss"}),
                            calibration=metrics[["ece", "classwise_ece"]])


def test_a_loss_is_best_only_when_distinguishable_from_cross_entropy():
    ce = np.array([0.80, 0.82, 0.78, 0.81, 0.79])
    tied = _synthetic({"ce": ce, "focal": ce + [0.03, -0.02, 0.01, -0.01, 0.02],
                       "seed_balanced": ce + [0.002, -0.001, 0.001, 0.0, -0.001]})
    verdict = S.loss_verdict(tied)
    assert verdict.best is None and not verdict.best_is_distinguishable
    assert verdict.sentence.startswith("Not enough evidence to separate any method from `ce` on macro-F1: the "
                                       "smallest difference this design detects is about")
    assert "5-fold cross-validation" in verdict.sentence
    clear = _synthetic({"ce": ce, "ldam": ce + [0.05, 0.051, 0.049, 0.05, 0.052], "focal": ce})
    scores = clear.per_fold.pivot(index="fold", columns="loss", values="macro_f1")
    expected = evaluation.compare_fold_scores(scores[["ce", "ldam", "focal"]], "ce", 400, 100).set_index("method")
    assert expected.loc["ldam", "p_value"] < 0.05
    assert S.loss_verdict(clear).best == "ldam"
    numbers = S.losses_headline({"documented_case": tied, "search_log": clear})
    assert numbers["documented_case_best_is_distinguishable"] is False and "documented_case_best_loss" not in numbers
    assert numbers["search_log_best_loss"] == "ldam" and numbers["best_is_distinguishable"] is True
    assert numbers["cv_repeats"] == 1 and numbers["cv_folds"] == 5
    assert S.loss_verdict(_synthetic({"focal": ce, "ldam": ce})) is None  # no cross-entropy to compare with


def test_losses_headline_names_the_top_loss_per_table():
    ce = np.array([0.80, 0.82, 0.78, 0.81, 0.79])
    res = _synthetic({"ce": ce, "focal": ce + [0.06, 0.05, 0.07, 0.06, 0.05], "ldam": ce + [0.03, 0.02, 0.04, 0.0, 0.01]})
    numbers = S.losses_headline({"documented_case": res})
    m = res.metrics
    assert numbers["documented_case_top_loss"] == "focal"
    assert numbers["documented_case_top_macro_f1"] == m.loc["focal", "macro_f1"]
    assert numbers["documented_case_ce_macro_f1"] == m.loc["ce", "macro_f1"]
    assert numbers["documented_case_top_ece"] == 0.05 and numbers["documented_case_top_classwise_ece"] == 0.06
    assert numbers["smallest_detectable_difference"] > 0
    # a user's file gives the same keys whatever it is called (not "online_shoppers_intention.csv_top_loss")
    user = S.losses_headline({"online_shoppers_intention.csv": res})
    assert user == {key.replace("documented_case", "user"): value for key, value in numbers.items()}


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


# --- issue 27: what the balanced losses cost, from the numbers ------------------------------------------------------

class _Flattened:
    """A logistic regression whose probabilities are flattened (softmax(log p / 3)): under-confident, as focal loss
    makes a network, with the arg-max unchanged."""

    def __new__(cls):
        from scipy.special import softmax
        from sklearn.base import BaseEstimator, ClassifierMixin
        from sklearn.linear_model import LogisticRegression

        class Flattened(ClassifierMixin, BaseEstimator):
            def fit(self, X, y):
                self.model_ = LogisticRegression().fit(X, y)
                self.classes_ = self.model_.classes_
                return self

            def predict_proba(self, X):
                return softmax(np.log(self.model_.predict_proba(X)) / 3, axis=1)

            def predict(self, X):
                return self.classes_[self.predict_proba(X).argmax(axis=1)]

        return Flattened()


@pytest.fixture(scope="module")
def tradeoffs():
    from sklearn.linear_model import LogisticRegression

    X, y = make_blobs(n_samples=[300, 120, 40], centers=[[0, 0], [2, 0], [1, 1.8]], cluster_std=1.0, random_state=3)
    labels = np.array(["big", "mid", "small"])[y]
    methods = {"ce": LogisticRegression(), "focal": _Flattened(),
               "weighted_ce": LogisticRegression(class_weight="balanced")}
    result = evaluation.run_experiment(methods, X, labels, cv=make_folds(labels, None, 3, 0, n_repeats=2),
                                       progress=False)
    return S.summarise_losses(result)


def test_calibration_causes_tell_under_confidence_from_over_predicting(tradeoffs):
    from ecombalance._chapters import loss_calibration as LC

    causes = LC.calibration_causes(tradeoffs)
    proba = tradeoffs.proba["focal"]
    truth = np.searchsorted(tradeoffs.classes, tradeoffs.y)
    assert causes.loc["focal", "confidence"] == pytest.approx(proba.max(axis=1).mean())
    assert causes.loc["focal", "accuracy"] == pytest.approx((proba.argmax(axis=1) == truth).mean())
    assert causes.loc["focal", "gap"] < -0.01 and causes.loc["focal", "cause"] == "under-confident"
    assert not causes.loc["focal", "over_predicts"]  # same arg-max as ce: it does not move rows onto a small class
    assert causes.loc["weighted_ce", "cause"] == "over-predicts small classes"
    assert causes.loc["ce", "cause"] == ""


def test_the_closing_text_reports_accuracy_by_the_one_test_and_the_cause_of_each_ece(tradeoffs):
    from ecombalance._chapters import loss_calibration as LC

    m = tradeoffs.metrics
    tests = evaluation.compare_to_baseline(tradeoffs.result, "ce", metric="accuracy").set_index("method")
    text = LC.describe_tradeoffs({"blobs": tradeoffs})
    lines = text.splitlines()
    assert len(lines) == 2 and "at some cost in accuracy" not in text
    raised = [loss for loss in ("focal", "weighted_ce") if m.loc[loss, "recall[small]"] > m.loc["ce", "recall[small]"]]
    assert f"{len(raised)} of 2 losses raise" in lines[0] and f"cross-entropy's {m.loc['ce', 'accuracy']:.3f}" in lines[0]
    body = lines[0].split("paired fold accuracies): ", 1)[1].split(". ", 1)[0].split("; ")
    said_lower = [part for part in body if part.startswith("distinguishably lower for")]
    said_not = [part for part in body if part.startswith("not distinguishably lower for")]
    for loss in raised:
        lower = bool(tests.loc[loss, "real_difference"]) and tests.loc[loss, "difference"] < 0
        assert any(f"`{loss}` {m.loc[loss, 'accuracy']:.3f}" in part for part in (said_lower if lower else said_not))
    assert "over-state the rare classes: `weighted_ce`" in lines[1]
    assert (f"`focal` {LC.calibration_causes(tradeoffs).loc['focal', 'confidence']:.3f} against" in lines[1]
            and "does not move the priors" in lines[1])


def test_reliability_groups_put_each_loss_in_one_panel():
    from ecombalance._chapters import loss_calibration as LC

    groups = LC.reliability_groups(["ce", "focal", "logit_adjusted", "ce + post-hoc", "weighted_ce", "new_loss"])
    assert groups == {"re-weighting the loss": ["weighted_ce"], "adjusting the logits": ["logit_adjusted", "ce + post-hoc"],
                      "reshaping the loss": ["focal"], "other losses": ["new_loss"]}
