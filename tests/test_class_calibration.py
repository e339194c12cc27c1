"""Calibration class by class: class-wise ECE against scikit-learn's calibration curve, the pooled out-of-fold
calibration table that every legend and sentence quotes, predicted against true class counts, the sentence on
over-predicting the small classes, and the post-hoc prior-shift estimator."""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from ecombalance import evaluation, plotting  # noqa: E402
from ecombalance._chapters import calibration_study as cs  # noqa: E402
from ecombalance.evaluation import _class_calibration as class_calibration
from ecombalance.evaluation import _metrics as metrics
from ecombalance.sampling._weights import PriorShiftClassifier  # noqa: E402


def _ece_sklearn(positive, p, n_bins=15):
    """One-vs-rest ECE from scikit-learn's uniform calibration curve, the bin counts from the same edges."""
    frequency, confidence = calibration_curve(positive, p, n_bins=n_bins, strategy="uniform")
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], p)
    counts = np.bincount(ids, minlength=n_bins)
    counts = counts[counts > 0]
    return float((counts / counts.sum() * np.abs(frequency - confidence)).sum())


@pytest.fixture(scope="module")
def result():
    X, y = make_classification(n_samples=900, n_features=8, n_informative=5, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.7, 0.2, 0.1], class_sep=0.8, random_state=3)
    labels = np.array(["big", "mid", "small"])[y]
    methods = {"none+logreg": LogisticRegression(max_iter=1000),
               "class_weight+logreg": LogisticRegression(max_iter=1000, class_weight="balanced"),
               "svm": LinearSVC()}  # no predict_proba: counted in the shares, left out of calibration
    cv = evaluation.make_folds(labels, None, n_splits=3, random_state=0, n_repeats=2)
    return evaluation.run_experiment(methods, X, labels, cv=cv, random_state=0, progress=False)


def test_classwise_ece_is_the_mean_of_each_class_against_the_rest():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet([2, 1, 0.5], size=400)
    y = np.array([rng.choice(3, p=row) for row in proba])
    labels = np.array(["a", "b", "c"])[y]
    by_hand = [_ece_sklearn((y == c).astype(int), proba[:, c]) for c in range(3)]
    got = evaluation.classwise_expected_calibration_error(labels, proba, classes=["a", "b", "c"])
    assert got == pytest.approx(np.mean(by_hand), abs=1e-12)
    t, _, p, _ = metrics.encode_labels(labels, None, proba, ["a", "b", "c"])
    assert metrics.metric_value("classwise_ece", t, None, p, 3) == pytest.approx(got, abs=1e-15)
    assert metrics.scores(labels, labels, proba, metrics=("classwise_ece",), per_class=())["classwise_ece"] == got
    assert "classwise_ece" in metrics.LOWER_IS_BETTER
    with pytest.raises(ValueError, match="needs proba"):
        evaluation.classwise_expected_calibration_error(labels, None)


def test_top_label_ece_misses_probability_moved_onto_a_small_class():
    # the priors for every row (calibrated), then 0.1 moved from the middle class onto the smallest: the largest
    # probability and the arg-max do not change, so top-label ECE cannot tell the two apart; class-wise ECE can
    rng = np.random.default_rng(1)
    y = rng.choice(3, size=3000, p=[0.7, 0.2, 0.1])
    share = np.bincount(y, minlength=3) / len(y)
    calibrated, inflated = np.tile([0.7, 0.2, 0.1], (3000, 1)), np.tile([0.7, 0.1, 0.2], (3000, 1))
    top = [evaluation.expected_calibration_error(y, p, classes=[0, 1, 2]) for p in (calibrated, inflated)]
    assert top[0] == top[1] == pytest.approx(abs(share[0] - 0.7))
    classwise = [evaluation.classwise_expected_calibration_error(y, p, classes=[0, 1, 2])
                 for p in (calibrated, inflated)]
    assert classwise[0] == pytest.approx(np.abs(share - [0.7, 0.2, 0.1]).mean())  # one bin per class column
    assert classwise[1] == pytest.approx(np.abs(share - [0.7, 0.1, 0.2]).mean())
    assert classwise[1] > classwise[0] + 0.05


def test_the_calibration_table_is_the_pooled_out_of_fold_probabilities(result):
    table = evaluation.calibration_table(result)
    assert list(table.index) == ["none+logreg", "class_weight+logreg"]  # svm has no probabilities
    first_repeat = np.concatenate([test for _, test in list(result.folds)[:3]])
    assert sorted(first_repeat.tolist()) == list(range(len(result.y)))
    for method in table.index:
        proba = result.oof_proba[method]
        assert table.loc[method, "ece"] == pytest.approx(
            evaluation.expected_calibration_error(result.y, proba, classes=result.classes), abs=1e-15)
        per_class = [_ece_sklearn((result.y == c).astype(int), proba[:, i]) for i, c in enumerate(result.classes)]
        for c, value in zip(result.classes, per_class):
            assert table.loc[method, f"ece[{c}]"] == pytest.approx(value, abs=1e-12)
        assert table.loc[method, "classwise_ece"] == pytest.approx(np.mean(per_class), abs=1e-12)
    assert table.attrs["n_rows"] == 900 and table.attrs["n_bins"] == metrics.ECE_BINS
    # a fold mean (what the test compares) is another number: the table says which one it holds
    fold_mean = result.results.query("metric == 'ece' and method == 'none+logreg'")["value"].mean()
    assert fold_mean != pytest.approx(table.loc["none+logreg", "ece"], abs=1e-4)
    with pytest.raises(ValueError, match=r"method\(s\) \['svm'\] have no probabilities"):
        evaluation.calibration_table(result, ["svm"])
    with pytest.raises(ValueError, match=r"no method\(s\) \['nope'\]"):
        evaluation.calibration_table(result, ["nope"])


def test_the_legends_show_the_numbers_of_the_table(result):
    table = evaluation.calibration_table(result)
    ax = None
    for method in table.index:
        ax = plotting.plot_reliability(result.y, result.oof_proba[method], classes=result.classes, label=method, ax=ax)
    shown = {t.get_text().rsplit(" (", 1)[0]: float(re.search(r"ECE ([0-9.]+)", t.get_text()).group(1))
             for t in ax.get_legend().get_texts()}
    assert shown == {m: round(table.loc[m, "ece"], 3) for m in table.index}
    plt.close(ax.figure)
    method = "class_weight+logreg"
    ax = plotting.plot_classwise_reliability(result.y, result.oof_proba[method], classes=result.classes, title=method)
    for text in ax.get_legend().get_texts():
        label, value = re.match(r"(\S+) \(ECE ([0-9.]+), ([0-9,]+) rows\)", text.get_text()).group(1, 2)
        assert float(value) == round(table.loc[method, f"ece[{label}]"], 3)
    curves = class_calibration.classwise_reliability(result.y, result.oof_proba[method], classes=result.classes)
    # every point is labelled with its bin's count; the counts of one class add up to all rows
    counts = [int(t.get_text()) for t in ax.texts]
    assert sum(counts) == 3 * len(result.y) == curves["count"].sum()
    assert ax.get_title() == method
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"show names class\(es\) \['huge'\]"):
        plotting.plot_classwise_reliability(result.y, result.oof_proba[method], classes=result.classes, show=["huge"])


def test_classwise_reliability_bins_each_class_column_as_sklearn(result):
    proba = result.oof_proba["none+logreg"]
    curves = class_calibration.classwise_reliability(result.y, proba, classes=result.classes, n_bins=10)
    for i, c in enumerate(result.classes):
        part = curves[(curves["class"] == c) & (curves["count"] > 0)]
        frequency, confidence = calibration_curve((result.y == c).astype(int), proba[:, i], n_bins=10)
        np.testing.assert_allclose(part["frequency"], frequency)
        np.testing.assert_allclose(part["confidence"], confidence)
        assert curves.attrs["ece"][c] == pytest.approx(_ece_sklearn((result.y == c).astype(int), proba[:, i], 10))


def test_class_shares_count_the_arg_max_of_every_out_of_fold_row(result):
    shares = evaluation.class_shares(result)
    assert list(shares.index) == ["big", "mid", "small"] and list(shares.columns) == ["true", *result.methods]
    truth = pd.Series(result.y).value_counts()
    np.testing.assert_array_equal(shares["true"], truth.reindex(shares.index))
    for method in result.methods:
        predicted = pd.Series(result.oof_pred[method]).value_counts().reindex(shares.index, fill_value=0)
        np.testing.assert_array_equal(shares[method], predicted)
        assert shares[method].sum() == len(result.y)
    assert shares.attrs["small"] == ["mid", "small"] and shares.attrs["n_rows"] == 900
    # class weights move rows onto the small classes: more predicted than there are
    small = ["mid", "small"]
    assert shares.loc[small, "class_weight+logreg"].sum() > shares.loc[small, "true"].sum()
    assert shares.loc[small, "none+logreg"].sum() < shares.loc[small, "true"].sum()


def test_the_sentence_on_over_prediction_comes_from_the_counts():
    shares = pd.DataFrame({"true": [400, 150, 50], "none+logreg": [430, 135, 35], "class_weight+logreg": [350, 180, 70],
                           "none+torch_mlp:logit_adjusted": [390, 148, 62], "smote+logreg": [402, 150, 48]},
                          index=pd.Index(["electronics", "home_kitchen", "sports_outdoors"], name="class"))
    shares.attrs.update(small=["home_kitchen", "sports_outdoors"], n_rows=600)
    ratios = cs.small_class_ratios(shares)
    assert list(ratios.index) == ["sports_outdoors", "home_kitchen"]  # smallest first
    assert ratios.loc["sports_outdoors", "none+torch_mlp:logit_adjusted"] == pytest.approx(62 / 50)
    assert ratios.loc["home_kitchen", "class_weight+logreg"] == pytest.approx(180 / 150)
    # logit_adjusted: about as many rows for the two small classes together (210 of 200), 1.24x for the smallest
    assert cs.over_predicting(shares) == ["class_weight+logreg", "none+torch_mlp:logit_adjusted"]
    calibration = pd.DataFrame({"ece": [0.053, 0.081, 0.042, 0.050], "classwise_ece": [0.050, 0.071, 0.066, 0.049]},
                               index=["none+logreg", "class_weight+logreg", "none+torch_mlp:logit_adjusted",
                                      "smote+logreg"])
    lines = cs.describe_class_shares(shares, calibration, "none+logreg").split("\n")
    assert lines[0] == ("- `sports_outdoors` has 50 of the 600 out-of-fold rows; the arg-max assigns it more with "
                        "`class_weight+logreg` 70 (1.40×), `none+torch_mlp:logit_adjusted` 62 (1.24×); fewer with "
                        "`none+logreg` 35 (0.70×); about as many (within ±5%) with `smote+logreg` 48 (0.96×).")
    assert lines[1] == ("- `home_kitchen` has 150 of the 600 out-of-fold rows; the arg-max assigns it more with "
                        "`class_weight+logreg` 180 (1.20×); fewer with `none+logreg` 135 (0.90×); about as many "
                        "(within ±5%) with `none+torch_mlp:logit_adjusted` 148 (0.99×), `smote+logreg` 150 (1.00×).")
    assert lines[2] == ("- Over-predict a small class (`sports_outdoors`, `home_kitchen`) by more than 5%: "
                        "`class_weight+logreg`, `none+torch_mlp:logit_adjusted`; the others do not: `none+logreg`, "
                        "`smote+logreg`.")
    # logit_adjusted over-predicts with a lower top-label ECE than the baseline: named; class_weight's ECE rose
    assert lines[3] == ("- Top-label ECE does not see this: `none+torch_mlp:logit_adjusted` over-predicts a small "
                        "class yet its top-label ECE is no higher (0.042 against 0.053 for `none+logreg`). It reads "
                        "only each row's largest probability. Class-wise ECE, which reads every class's probability, is "
                        "higher for `none+torch_mlp:logit_adjusted` (0.066 against 0.050 for `none+logreg`). The counts "
                        "above are the direct measure.")
    calibration.loc["none+torch_mlp:logit_adjusted", "classwise_ece"] = 0.040
    calibration.loc["class_weight+logreg", "ece"] = 0.050
    both = cs.describe_class_shares(shares, calibration, "none+logreg").split("\n")[3]
    assert "`class_weight+logreg` over-predicts a small class yet its top-label ECE is no higher (0.050 against" in both
    assert ("is higher for `class_weight+logreg` (0.071 against 0.050 for `none+logreg`); not for "
            "`none+torch_mlp:logit_adjusted`." in both)
    # each method against the same model without balancing: logit_adjusted against the plain MLP
    calibration.loc["none+torch_mlp:ce"] = [0.030, 0.030]
    family = {"class_weight+logreg": "none+logreg", "none+torch_mlp:logit_adjusted": "none+torch_mlp:ce"}
    within = cs.describe_class_shares(shares, calibration, family).split("\n")
    assert "logit_adjusted" not in within[3] and "`class_weight+logreg`" in within[3]  # 0.042 > 0.030: seen
    assert len(cs.describe_class_shares(shares).split("\n")) == 3  # no calibration table: no fourth bullet
    assert cs.describe_class_shares(shares, prefix="**t**: ").split("\n")[2].startswith("- **t**: Over-predict")
    balanced = shares.copy()
    balanced.attrs["small"] = []
    assert cs.describe_class_shares(balanced) == "" and cs.over_predicting(balanced) == []
    assert cs.calibration_headline(calibration, "none+logreg") == {"classwise_ece": 0.050}
    with pytest.raises(ValueError, match="baseline 'x' has no calibration row"):
        cs.calibration_headline(calibration, "x")
    assert cs.pick_pair(calibration.index, "none+torch_mlp:logit_adjusted", "none+logreg") == [
        "none+logreg", "none+torch_mlp:logit_adjusted"]
    assert cs.pick_pair(["none+logreg", "smote+logreg"], "absent", "none+logreg") == ["none+logreg", "smote+logreg"]
    assert cs.pick_pair(["focal", "ldam"], "logit_adjusted", "ce") == ["focal", "ldam"]  # no ce: the first method


def test_prior_shift_classifier_moves_probabilities_by_its_training_priors():
    X, y = make_classification(n_samples=600, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.7, 0.2, 0.1], random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    base = LogisticRegression(max_iter=1000)
    wrapped = PriorShiftClassifier(base)
    assert clone(wrapped).get_params()["target_priors"] == "uniform"
    wrapped.fit(X[:400], labels[:400])
    prior = np.array([(labels[:400] == c).mean() for c in "abc"])
    np.testing.assert_allclose(wrapped.train_priors_, prior)
    raw = LogisticRegression(max_iter=1000).fit(X[:400], labels[:400]).predict_proba(X[400:])
    by_hand = raw / prior
    by_hand /= by_hand.sum(1, keepdims=True)
    np.testing.assert_allclose(wrapped.predict_proba(X[400:]), by_hand, rtol=1e-10)
    np.testing.assert_array_equal(wrapped.predict(X[400:]), np.array(list("abc"))[by_hand.argmax(1)])
    assert (wrapped.predict(X[400:]) == "c").sum() > (raw.argmax(1) == 2).sum()  # uniform priors: more rare calls
    to = PriorShiftClassifier(base, target_priors={"a": 0.2, "b": 0.3, "c": 0.5}).fit(X[:400], labels[:400])
    moved = raw * np.array([0.2, 0.3, 0.5]) / prior
    np.testing.assert_allclose(to.predict_proba(X[400:]), moved / moved.sum(1, keepdims=True), rtol=1e-10)
    assert wrapped.n_features_in_ == 5
    sparse = PriorShiftClassifier(LogisticRegression(max_iter=1000)).fit(sp.csr_matrix(X[:400]), labels[:400])
    assert sparse.predict_proba(sp.csr_matrix(X[400:])).shape == (200, 3)
    with pytest.raises(TypeError, match="LinearSVC has no predict_proba"):
        PriorShiftClassifier(LinearSVC()).fit(X, labels)
    with pytest.raises(ValueError, match="requires y to be passed"):
        PriorShiftClassifier(base).fit(X, None)


def test_tables_can_show_a_few_classes_of_many(result):
    table = evaluation.calibration_table(result, classes=["small"])
    assert list(table.columns) == ["ece", "classwise_ece", "ece[small]"]
    full = evaluation.calibration_table(result)
    pd.testing.assert_series_equal(table["classwise_ece"], full["classwise_ece"])
    shares = evaluation.class_shares(result, classes=["big", "small"])
    assert list(shares.index) == ["big", "small"] and shares.attrs["small"] == ["small"]
    assert shares.attrs["n_rows"] == 900
    with pytest.raises(ValueError, match=r"classes \['huge'\] are not among"):
        evaluation.class_shares(result, classes=["huge"])
    many = pd.DataFrame({"true": [500, *[10] * 6], "m": [480, *[12] * 6]}, index=[f"c{i}" for i in range(7)])
    many.attrs["small"] = [f"c{i}" for i in range(1, 7)]
    lines = cs.describe_class_shares(many, max_classes=2).split("\n")
    assert len(lines) == 3 and "(any of the 6 below an equal share)" in lines[2]


def test_true_and_false_are_class_labels_not_a_mask():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] + rng.normal(size=300) > 1.2
    result = evaluation.run_experiment({"none+logreg": LogisticRegression()}, X, y, cv=3, progress=False)
    shares = evaluation.class_shares(result)
    assert list(shares.index) == [False, True] and shares.attrs["small"] == [True]
    assert shares.loc[True, "true"] == y.sum() and list(evaluation.class_shares(result, classes=[True]).index) == [True]
    assert cs.small_class_ratios(shares).loc[True, "none+logreg"] == pytest.approx(
        result.oof_pred["none+logreg"].sum() / y.sum())
    assert cs.describe_class_shares(shares).startswith(f"- `True` has {y.sum()} of the 300 out-of-fold rows")
