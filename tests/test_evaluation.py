import math

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics import classification_report_imbalanced, geometric_mean_score
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from scipy import stats
from sklearn import metrics as skm
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from ecombalance import evaluation
from ecombalance.data import _loaders as loaders
from ecombalance.evaluation import _folds, _stats
from ecombalance.evaluation import _metrics as metrics
from ecombalance.evaluation import _ranking as ranking

CLASSES = np.array(["c1", "c2", "c3"])  # largest first, as datasets.load orders them (not sorted order below)


def _predictions(n=300, seed=0, classes=CLASSES):
    rng = np.random.default_rng(seed)
    y = rng.choice(classes, size=n, p=[0.6, 0.3, 0.1])
    logits = rng.normal(0, 1, (n, len(classes)))
    logits[np.arange(n), np.searchsorted(classes, y)] += 1.5
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, classes[proba.argmax(axis=1)], proba


# --- classification metrics ------------------------------------------------------------------------------


def test_classification_metrics_agree_with_scikit_learn_and_imbalanced_learn():
    y, pred, proba = _predictions()
    order = ["c3", "c1", "c2"]  # a column order that is not sorted: metrics must follow `classes`
    columns = [list(CLASSES).index(c) for c in order]
    m = evaluation.classification_metrics(y, pred, proba[:, columns], classes=order)

    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    for average in ("macro", "weighted", "micro"):
        assert m[f"{average}_f1"] == pytest.approx(skm.f1_score(y, pred, average=average))
    assert m["g_mean"] == pytest.approx(geometric_mean_score(y, pred))
    report = classification_report_imbalanced(y, pred, output_dict=True)
    assert m["iba"] == pytest.approx(np.mean([report[c]["iba"] for c in CLASSES]))
    assert m["mcc"] == pytest.approx(skm.matthews_corrcoef(y, pred))
    assert m["roc_auc_macro"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr", labels=CLASSES))
    onehot = (y[:, None] == CLASSES).astype(float)
    ap = [skm.average_precision_score(onehot[:, c], proba[:, c]) for c in range(3)]
    assert m["pr_auc_macro"] == pytest.approx(np.mean(ap))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=CLASSES))
    assert m["brier"] == pytest.approx(((proba - onehot) ** 2).sum(axis=1).mean())  # multi-class Brier, [0, 2]


def test_binary_brier_is_the_mean_squared_error_of_the_positive_probability():
    y = np.array([0, 1, 1, 0, 1])
    p1 = np.array([0.2, 0.7, 0.4, 0.1, 0.9])
    m = evaluation.classification_metrics(y, (p1 > 0.5).astype(int), np.column_stack([1 - p1, p1]))
    assert m["brier"] == pytest.approx(np.mean((p1 - y) ** 2))
    assert evaluation.classification_metrics(y, (p1 > 0.5).astype(int), p1)["brier"] == pytest.approx(m["brier"])


def test_per_class_metrics_agree_with_imbalanced_learn_report():
    y, pred, proba = _predictions(seed=1)
    table = evaluation.per_class_metrics(y, pred, proba, classes=CLASSES)
    report = classification_report_imbalanced(y, pred, output_dict=True)
    assert list(table.index) == list(CLASSES)
    for c in CLASSES:
        row = table.loc[c]
        for ours, theirs in [("precision", "pre"), ("recall", "rec"), ("specificity", "spe"), ("f1", "f1"),
                             ("g_mean", "geo"), ("iba", "iba"), ("support", "sup")]:
            assert row[ours] == pytest.approx(report[c][theirs]), (c, ours)
        positive = y == c
        column = list(CLASSES).index(c)
        assert row["roc_auc"] == pytest.approx(skm.roc_auc_score(positive, proba[:, column]))
        assert row["pr_auc"] == pytest.approx(skm.average_precision_score(positive, proba[:, column]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@pytest.mark.parametrize("seed", range(6))
def test_the_confusion_matrix_formulas_equal_the_libraries_also_at_the_edges(seed):
    # per-class and aggregate metrics come from one confusion matrix: the same numbers as scikit-learn's and
    # imbalanced-learn's functions, with a class never predicted, a class absent from y_true and tied scores
    from imblearn.metrics import make_index_balanced_accuracy, sensitivity_specificity_support

    rng = np.random.default_rng(seed)
    n, k = 60, 4
    t = rng.choice(3, n, p=[0.6, 0.3, 0.1])  # class 3 never occurs
    p = np.where(rng.random(n) < 0.6, t, rng.choice([0, 1, 3], n))  # class 2 never predicted unless right
    proba = np.round(rng.dirichlet(np.ones(k), n), 1)  # rounded: many ties
    proba = proba / proba.sum(axis=1, keepdims=True)
    labels = np.arange(k)
    table = metrics.per_class_table(t, p, proba, labels)
    precision, recall, f1, support = skm.precision_recall_fscore_support(t, p, labels=labels, zero_division=0)
    _, specificity, _ = sensitivity_specificity_support(t, p, labels=labels, average=None)
    iba = make_index_balanced_accuracy(alpha=0.1, squared=True)(geometric_mean_score)(t, p, labels=labels,
                                                                                      average=None)
    np.testing.assert_allclose(table["precision"], precision)
    np.testing.assert_allclose(table["recall"], recall)
    np.testing.assert_allclose(table["f1"], f1)
    np.testing.assert_allclose(table["support"], support)
    np.testing.assert_allclose(table["specificity"], specificity)
    np.testing.assert_allclose(table["g_mean"], geometric_mean_score(t, p, labels=labels, average=None))
    np.testing.assert_allclose(table["iba"], iba)
    for c in range(3):
        assert table.loc[c, "roc_auc"] == pytest.approx(skm.roc_auc_score(t == c, proba[:, c]), abs=1e-12)
        assert table.loc[c, "pr_auc"] == pytest.approx(skm.average_precision_score(t == c, proba[:, c]),
                                                       abs=1e-12)
    assert np.isnan(table.loc[3, "roc_auc"]) and np.isnan(table.loc[3, "pr_auc"])
    m = metrics.aggregate_metrics(t, p, proba, labels, table)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(t, p))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(t, p))
    for average in ("macro", "weighted", "micro"):
        assert m[f"{average}_f1"] == pytest.approx(skm.f1_score(t, p, labels=labels, average=average,
                                                                zero_division=0))
    assert m["g_mean"] == pytest.approx(geometric_mean_score(t, p, labels=np.unique(t), average="multiclass"))
    assert m["mcc"] == pytest.approx(skm.matthews_corrcoef(t, p))


@pytest.mark.filterwarnings("ignore:Sensitivity is ill-defined")
def test_a_class_absent_from_the_truth_gets_nan_auc_and_zero_recall():
    y = np.array(["a", "a", "b", "b"])
    pred = np.array(["a", "c", "b", "b"])
    proba = np.array([[0.8, 0.1, 0.1], [0.3, 0.2, 0.5], [0.1, 0.8, 0.1], [0.2, 0.7, 0.1]])
    table = evaluation.per_class_metrics(y, pred, proba, classes=["a", "b", "c"])
    assert math.isnan(table.loc["c", "roc_auc"]) and table.loc["c", "recall"] == 0.0
    assert table.loc["a", "recall"] == 0.5 and table.loc["b", "precision"] == 1.0


def test_expected_calibration_error_by_hand():
    # top-label confidences 0.95, 0.9, 0.7, 0.65, 0.55; correct: yes, no, yes, yes, no; 5 bins of width 0.2
    proba = [[0.95, 0.05], [0.9, 0.1], [0.3, 0.7], [0.65, 0.35], [0.45, 0.55]]
    y = [0, 1, 1, 0, 1 - 1]
    # bin (0.8, 1.0]: conf (0.95 + 0.9) / 2 = 0.925, accuracy 1/2; bin (0.6, 0.8]: conf 0.675, accuracy 1;
    # bin (0.4, 0.6]: conf 0.55, accuracy 0
    expected = 2 / 5 * abs(0.5 - 0.925) + 2 / 5 * abs(1 - 0.675) + 1 / 5 * abs(0 - 0.55)
    assert evaluation.expected_calibration_error(y, proba, n_bins=5) == pytest.approx(expected)
    assert evaluation.classification_metrics(y, np.argmax(proba, axis=1), proba, n_bins=5)["ece"] == pytest.approx(
        expected
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_bootstrap_metrics_equal_scikit_learn(seed):
    y, pred, proba = _predictions(n=120, seed=seed)
    pred[:5] = "c2"  # make sure some class is often mispredicted
    t, p, prob, classes = metrics.encode_labels(y, pred, proba, CLASSES)
    reference = evaluation.classification_metrics(y, pred, proba, classes=CLASSES)
    for name in metrics.CONFUSION_METRICS + ("log_loss", "brier", "ece", "roc_auc_macro", "pr_auc_macro"):
        assert metrics.metric_value(name, t, p, prob, 3) == pytest.approx(reference[name]), name
    table = evaluation.per_class_metrics(y, pred, proba, classes=CLASSES)
    for name in metrics.CLASS_METRICS:
        for i, c in enumerate(CLASSES):
            assert metrics.metric_value(name, t, p, prob, 3, class_index=i) == pytest.approx(table.loc[c, name])


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((["a", "b", "a"], ["a", "b"]), ValueError, "y_true has 3 labels but y_pred has 2"),
        ((["a", "b"], ["a", "b"], [[0.5, 0.6], [0.5, 0.5]]), ValueError, "rows of proba must sum to 1"),
        ((["a", "a"], ["a", "b"]), ValueError, r"y_true holds only one class \('a'\)"),
        ((["a", None], ["a", "b"]), ValueError, "missing"),
        ((["a", "b"], ["a", "b"], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]), ValueError, "proba has 3 columns but"),
        ((["a", "b"], ["a", "b"], [[np.nan, 1.0], [0.5, 0.5]]), ValueError, "contains NaN"),
    ],
)
def test_classification_metrics_reject_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        evaluation.classification_metrics(*args)


def test_unknown_label_is_named():
    with pytest.raises(ValueError, match=r"y_pred holds label\(s\) \['z'\] that are not in classes"):
        evaluation.classification_metrics(["a", "b"], ["a", "z"], classes=["a", "b"])


def test_scores_agree_with_scikit_learn_and_imbalanced_learn_to_the_last_bit():
    y, pred, proba = _predictions(seed=3)
    pred[:7] = "c3"  # some false positives of the smallest class
    order = ["c2", "c3", "c1"]  # not sorted: metrics and per-class keys follow `classes`
    columns = [list(CLASSES).index(c) for c in order]
    out = metrics.scores(y, pred, proba[:, columns], classes=order,
                            metrics=("macro_f1", "balanced_accuracy", "accuracy", "g_mean", "ece"),
                            per_class=("recall", "f1", "roc_auc", "pr_auc"))
    assert list(out)[:5] == ["macro_f1", "balanced_accuracy", "accuracy", "g_mean", "ece"]
    assert [k for k in out if k.startswith("recall[")] == ["recall[c2]", "recall[c3]", "recall[c1]"]
    # exact equality: chapters switched from these library calls to scores() without changing a digit
    assert out["macro_f1"] == skm.f1_score(y, pred, labels=order, average="macro", zero_division=0)
    assert out["balanced_accuracy"] == skm.balanced_accuracy_score(y, pred)
    assert out["accuracy"] == skm.accuracy_score(y, pred)
    assert out["g_mean"] == geometric_mean_score(y, pred, labels=order, average="multiclass")
    assert out["ece"] == evaluation.expected_calibration_error(y, proba, classes=CLASSES)
    recalls = skm.recall_score(y, pred, labels=order, average=None)
    f1s = skm.f1_score(y, pred, labels=order, average=None)
    for i, c in enumerate(order):
        assert out[f"recall[{c}]"] == recalls[i] and out[f"f1[{c}]"] == f1s[i]
        assert out[f"roc_auc[{c}]"] == pytest.approx(skm.roc_auc_score(y == c, proba[:, list(CLASSES).index(c)]))
        assert out[f"pr_auc[{c}]"] == pytest.approx(
            skm.average_precision_score(y == c, proba[:, list(CLASSES).index(c)]))


def test_a_class_absent_from_a_fold_keeps_its_column_and_counts_in_the_macro_average():
    out = metrics.scores(["a", "a", "b"], ["a", "b", "b"], classes=["a", "b", "c"], metrics=("macro_f1",))
    assert out["recall[c]"] == 0.0 and out["recall[a]"] == 0.5 and out["recall[b]"] == 1.0
    assert out["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)  # F1 of a and b are both 2/3


def test_per_class_ece_of_a_binary_click_probability_by_hand():
    # the click class's own calibration: confidence is p, accuracy the click rate of the bin (5 bins)
    y = np.array([0, 1, 0, 0, 1, 1, 0])
    p = np.array([0.05, 0.15, 0.3, 0.35, 0.9, 0.7, 0.75])
    t, _, proba, _ = metrics.encode_labels(y, None, p, classes=[0, 1])
    # bins (0, .2]: p .05 .15, rate 1/2; (.2, .4]: p .3 .35, rate 0; (.6, .8]: p .7 .75, rate 1/2; (.8, 1]: .9, 1
    expected = (2 * abs(0.5 - 0.1) + 2 * abs(0 - 0.325) + 2 * abs(0.5 - 0.725) + abs(1 - 0.9)) / 7
    assert metrics.metric_value("ece", t, None, proba, 2, class_index=1, n_bins=5) == pytest.approx(expected)
    assert metrics.metric_value("roc_auc", t, None, proba, 2, class_index=1) == skm.roc_auc_score(y, p)
    assert metrics.metric_value("pr_auc", t, None, proba, 2, class_index=1) == skm.average_precision_score(y, p)
    single = np.zeros(4, dtype=int)
    assert math.isnan(metrics.metric_value("roc_auc", single, None, np.full((4, 2), 0.5), 2, class_index=1))


def test_per_class_metric_errors_name_the_choices():
    t, p = np.array([0, 1, 1]), np.array([0, 1, 0])
    with pytest.raises(ValueError, match=r"per-class metrics are \('precision', 'recall', 'f1', 'roc_auc'"):
        metrics.metric_value("mcc", t, p, None, 2, class_index=0)
    with pytest.raises(ValueError, match="per-class 'pr_auc' needs probabilities; pass proba"):
        metrics.metric_value("pr_auc", t, p, None, 2, class_index=0)
    with pytest.raises(ValueError, match=r"per_class metrics \['iba'\] are not among"):
        metrics.scores(t, p, per_class=("iba",))
    with pytest.raises(ValueError, match="scores needs y_pred"):
        metrics.scores(t, None)


# --- folds -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_splits, seed", [(2, 0), (3, 1), (5, 7)])
def test_folds_without_groups_are_scikit_learns_stratified_folds(n_splits, seed):
    y, _, _ = _predictions(n=200, seed=seed)
    folds = evaluation.make_folds(y, None, n_splits=n_splits, random_state=seed)
    reference = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
    for (train, test), (ref_train, ref_test) in zip(folds, reference, strict=True):
        np.testing.assert_array_equal(train, ref_train)
        np.testing.assert_array_equal(test, ref_test)


def test_grouped_folds_never_split_a_group():
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(30), 5)
    y = rng.choice(["a", "b", "c"], size=groups.size, p=[0.6, 0.3, 0.1])
    folds = evaluation.make_folds(y, groups, n_splits=3, random_state=0)
    np.testing.assert_array_equal(np.sort(np.concatenate([test for _, test in folds])), np.arange(len(y)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    with pytest.raises(ValueError, match="only 30 groups for n_splits=40"):
        evaluation.make_folds(y, groups, n_splits=40)
    with pytest.raises(ValueError, match="groups has 3 entries but y has 150"):
        evaluation.make_folds(y, groups[:3], n_splits=3)


def test_take_rows_by_position_for_frames_lists_and_arrays():
    rows = np.array([2, 0])
    frame = pd.DataFrame({"a": [10, 11, 12]}, index=[7, 8, 9])
    assert _folds.take_rows(frame, rows)["a"].tolist() == [12, 10]
    assert _folds.take_rows(["x", "y", "z"], rows) == ["z", "x"]
    np.testing.assert_array_equal(_folds.take_rows(np.array([5, 6, 7]), rows), [7, 5])


# --- ranking metrics -------------------------------------------------------------------------------------


def _search_frame():
    return pd.DataFrame({
        "query_id": ["q1"] * 4 + ["q2"] * 2 + ["q3"] * 4,
        "esci_label": ["S", "E", "I", "C", "I", "I", "E", "S", "I", "E"],
        "score": [0.9, 0.8, 0.3, 0.5, 0.4, 0.2, 0.9, 0.7, 0.6, 0.1],
    })


def test_ndcg_mrr_recall_on_a_hand_worked_query_list():
    per_query = ranking.per_query_ranking(_search_frame(), k=3)
    # q1 ranked by score: S (0.1), E (1.0), C (0.01), I (0) -> DCG@3 = 0.1/log2 2 + 1/log2 3 + 0.01/log2 4
    # ideal order E, S, C -> IDCG@3 = 1/log2 2 + 0.1/log2 3 + 0.01/log2 4
    dcg = 0.1 / 1 + 1.0 / math.log2(3) + 0.01 / 2
    idcg = 1.0 / 1 + 0.1 / math.log2(3) + 0.01 / 2
    assert per_query.loc["q1", "ndcg@3"] == pytest.approx(dcg / idcg)
    assert per_query.loc["q1", "mrr"] == pytest.approx(1 / 2)  # first Exact at rank 2
    assert per_query.loc["q1", "recall@3"] == 1.0
    # q3: E, S, I, E -> DCG@3 = 1 + 0.1/log2 3; ideal E, E, S -> 1 + 1/log2 3 + 0.1/2; one of two E in top 3
    assert per_query.loc["q3", "ndcg@3"] == pytest.approx((1 + 0.1 / math.log2(3)) / (1 + 1 / math.log2(3) + 0.05))
    assert per_query.loc["q3", "mrr"] == 1.0 and per_query.loc["q3", "recall@3"] == 0.5
    # q2 has only Irrelevant items: every metric is undefined
    assert per_query.loc["q2", ["ndcg@3", "mrr", "recall@3"]].isna().all()


def test_queries_without_relevant_items_are_excluded_or_scored_zero_as_asked():
    frame = _search_frame()
    per_query = ranking.per_query_ranking(frame, k=3)
    excluded = evaluation.ranking_metrics(frame, k=3)
    zero = evaluation.ranking_metrics(frame, k=3, no_relevant="zero")
    assert excluded["ndcg@3"] == pytest.approx(per_query.loc[["q1", "q3"], "ndcg@3"].mean())
    assert zero["ndcg@3"] == pytest.approx(per_query.loc[["q1", "q3"], "ndcg@3"].sum() / 3)
    assert excluded["mrr"] == pytest.approx((0.5 + 1) / 2) and zero["mrr"] == pytest.approx((0.5 + 1) / 3)
    assert excluded["n_queries"] == 3 and excluded["n_queries_without_relevant"] == 1
    assert excluded["n_queries_without_gain"] == 1
    with pytest.raises(ValueError, match="no_relevant must be 'exclude' or 'zero'"):
        evaluation.ranking_metrics(frame, no_relevant="drop")


def test_ndcg_agrees_with_scikit_learn_on_random_queries():
    rng = np.random.default_rng(4)
    labels = rng.choice(list("ESCI"), size=(30, 8), p=[0.3, 0.3, 0.2, 0.2])
    scores = rng.random((30, 8))  # continuous: no ties (sklearn averages ties, we break them pessimistically)
    frame = pd.DataFrame({"query_id": np.repeat(np.arange(30), 8), "esci_label": labels.ravel(),
                          "score": scores.ravel()})
    gains = np.vectorize(loaders.ESCI_GAINS.get)(labels)
    has_gain = gains.sum(axis=1) > 0
    expected = skm.ndcg_score(gains[has_gain], scores[has_gain], k=5)
    assert evaluation.ranking_metrics(frame, k=5)["ndcg@5"] == pytest.approx(expected)


def test_constant_scores_earn_no_credit_from_tie_order():
    frame = pd.DataFrame({"query_id": [1, 1, 1], "esci_label": ["E", "I", "S"], "score": [0.5, 0.5, 0.5]})
    worst = 0.1 / math.log2(3) + 1.0 / math.log2(4)  # order I, S, E
    assert ranking.per_query_ranking(frame, k=3).loc[1, "ndcg@3"] == pytest.approx(worst / (1 + 0.1 / math.log2(3)))


def test_ranking_metrics_reject_bad_input():
    frame = _search_frame()
    with pytest.raises(ValueError, match=r"no column\(s\) \['score'\]"):
        evaluation.ranking_metrics(frame.drop(columns="score"))
    with pytest.raises(ValueError, match=r"labels \['X'\] have no gain"):
        evaluation.ranking_metrics(frame.assign(esci_label="X"))
    with pytest.raises(ValueError, match="k must be a positive integer"):
        evaluation.ranking_metrics(frame, k=0)
    with pytest.raises(ValueError, match="column 'score' has 1 missing"):
        evaluation.ranking_metrics(frame.assign(score=[np.nan] + [0.0] * 9))


# --- experiment runner -----------------------------------------------------------------------------------


class Recorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and logs which row ids (column 0 of X) it was fitted on / asked about."""

    log: list = []

    def __init__(self, tag="", random_state=None):
        self.tag = tag
        self.random_state = random_state

    def fit(self, X, y):
        X = np.asarray(X)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        self.prior_ = counts / counts.sum()
        Recorder.log.append((self.tag, "fit", X[:, 0].astype(int).copy(), self.random_state, X.shape[1]))
        return self

    def predict(self, X):
        X = np.asarray(X)
        Recorder.log.append((self.tag, "predict", X[:, 0].astype(int).copy(), self.random_state, X.shape[1]))
        return np.full(len(X), self.majority_)

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(["c1", "c2", "c3"], size=n, p=[0.6, 0.3, 0.1])
    X = np.column_stack([np.arange(n), rng.normal(size=n) + (y == "c3") * 2, rng.normal(size=n)])
    return X, y


def test_every_method_sees_the_same_folds_and_never_fits_on_test_rows():
    X, y = _table()
    Recorder.log = []
    methods = {"plain": Recorder(tag="plain"),
               "oversampled": make_pipeline(RandomOverSampler(), Recorder(tag="oversampled"))}
    result = evaluation.run_experiment(methods, X, y, cv=4, random_state=3, progress=False)
    assert len(result.folds) == 4
    np.testing.assert_array_equal(np.sort(np.concatenate([te for _, te in result.folds])), np.arange(len(y)))
    for tag in methods:
        fits = [rows for t, kind, rows, *_ in Recorder.log if t == tag and kind == "fit"]
        predicts = [rows for t, kind, rows, *_ in Recorder.log if t == tag and kind == "predict"]
        assert len(fits) == len(predicts) == 4
        for (train, test), fitted, predicted in zip(result.folds, fits, predicts):
            assert set(fitted) <= set(train) and not set(fitted) & set(test)  # never fits a test row
            np.testing.assert_array_equal(predicted, test)  # predicts the original test rows, none resampled
    plain_fits = [rows for t, kind, rows, *_ in Recorder.log if t == "plain" and kind == "fit"]
    over_fits = [rows for t, kind, rows, *_ in Recorder.log if t == "oversampled" and kind == "fit"]
    for (train, _), plain, over in zip(result.folds, plain_fits, over_fits):
        np.testing.assert_array_equal(plain, train)
        assert set(over) == set(train) and len(over) > len(train)  # resampled inside the training fold only
    assert {seed for *_, seed, _ in Recorder.log} == {3}  # unset random_state filled with the seed


@pytest.mark.slow
def test_results_are_tidy_reproducible_and_round_trip_through_parquet(tmp_path):
    X, y = _table()
    methods = {"lr": LogisticRegression(max_iter=300), "ros": make_pipeline(RandomOverSampler(),
                                                                            LogisticRegression(max_iter=300))}
    X = X[:, 1:]  # without the row-id column
    first = evaluation.run_experiment(methods, X, y, cv=3, random_state=0, progress=False)
    again = evaluation.run_experiment(methods, X, y, cv=3, random_state=0, progress=False)
    other = evaluation.run_experiment(methods, X, y, cv=3, random_state=1, progress=False)
    pd.testing.assert_frame_equal(first.results, again.results)
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(first.folds, other.folds))
    r = first.results
    assert list(r.columns) == ["method", "fold", "metric", "class", "value"]
    assert set(r["class"]) == {"all", "c1", "c2", "c3"}
    macro = r[(r.method == "lr") & (r.metric == "macro_f1")].sort_values("fold")["value"].to_numpy()
    expected = [skm.f1_score(y[test], first.oof_pred["lr"][test], average="macro") for _, test in first.folds]
    np.testing.assert_allclose(macro, expected)
    recall_c3 = r[(r.method == "ros") & (r.metric == "recall") & (r["class"] == "c3")]["value"]
    assert len(recall_c3) == 3
    path = evaluation.save_results(first, tmp_path / "out" / "results.parquet")
    pd.testing.assert_frame_equal(evaluation.load_results(path), r)
    assert list(first.timings.columns) == ["method", "fold", "preprocess_seconds", "fit_seconds", "predict_seconds"]
    assert len(first.timings) == 6 and (first.timings[["preprocess_seconds", "fit_seconds", "predict_seconds"]] >= 0).all().all()


def test_grouped_folds_keep_each_query_on_one_side_and_score_rankings():
    rng = np.random.default_rng(5)
    n_queries, per_query = 40, 6
    groups = np.repeat(np.arange(n_queries), per_query)
    y = rng.choice(list("ESCI"), size=groups.size, p=[0.4, 0.3, 0.1, 0.2])
    X = np.column_stack([(y == "E") + rng.normal(0, 0.7, y.size), rng.normal(size=y.size)])
    result = evaluation.run_experiment({"lr": LogisticRegression(max_iter=300)}, X, y, groups=groups, cv=4,
                                       ranking_k=3, gains=loaders.ESCI_GAINS, progress=False)
    for train, test in result.folds:
        assert not set(groups[train]) & set(groups[test])
    r = result.results
    fold0 = r[(r.fold == 0) & (r["class"] == "all")].set_index("metric")["value"]
    test = result.folds[0][1]
    gains = np.array([loaders.ESCI_GAINS[c] for c in result.classes])
    frame = pd.DataFrame({"query_id": groups[test], "esci_label": y[test],
                          "score": result.oof_proba["lr"][test] @ gains})
    independent = evaluation.ranking_metrics(frame, k=3)
    for name in ("ndcg@3", "mrr", "recall@3"):
        assert fold0[name] == pytest.approx(independent[name])


def test_groups_without_gains_give_grouped_folds_and_no_ranking():
    """A household panel: the group column keeps each household on one side; its labels are brands, not
    relevance grades, so nothing is ranked — and asking for a ranking without gains names the missing gains."""
    rng = np.random.default_rng(6)
    groups = np.repeat(np.arange(30), 8)
    y = rng.choice(["kleebler", "nabisco", "private", "sunshine"], size=groups.size, p=[0.1, 0.5, 0.3, 0.1])
    X = np.column_stack([(y == "nabisco") + rng.normal(0, 0.7, y.size), rng.normal(size=y.size)])
    result = evaluation.run_experiment({"lr": LogisticRegression(max_iter=300)}, X, y, groups=groups, cv=3,
                                       progress=False)
    for train, test in result.folds:
        assert not set(groups[train]) & set(groups[test])
    assert not result.results["metric"].str.contains("@|mrr").any()
    with pytest.raises(ValueError, match=r"ranking_k needs gains \(\{label: relevance gain\}"):
        evaluation.run_experiment({"lr": LogisticRegression()}, X, y, groups=groups, cv=3, ranking_k=3,
                                  progress=False)
    with pytest.raises(ValueError, match=r"classes \['kleebler', 'private', 'sunshine'\] have no gain"):
        evaluation.run_experiment({"lr": LogisticRegression()}, X, y, groups=groups, cv=3, ranking_k=3,
                                  gains={"nabisco": 1.0}, progress=False)


def test_a_dataframe_with_text_goes_through_a_resampling_pipeline():
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.compose import make_column_transformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(14)
    y = rng.choice(["phone", "case", "charger"], size=150, p=[0.6, 0.3, 0.1])
    words = {"phone": "smartphone 5g screen", "case": "silicone cover case", "charger": "usb fast charger"}
    frame = pd.DataFrame({"title": [words[c] + " item" for c in y], "price": rng.lognormal(3, 1, 150)},
                         index=rng.permutation(150) + 1000)  # a non-default index: rows go by position
    pipeline = make_pipeline(
        make_column_transformer((TfidfVectorizer(), "title"), (StandardScaler(), ["price"])),
        RandomUnderSampler(), LogisticRegression(max_iter=300),
    )
    result = evaluation.run_experiment({"under": pipeline}, frame, pd.Series(y), cv=3, progress=False)
    np.testing.assert_allclose(result.oof_proba["under"].sum(axis=1), 1.0)
    assert (result.oof_pred["under"] == y).mean() > 0.95  # the titles give the class away
    assert {"macro_f1", "g_mean", "log_loss", "ece", "recall", "pr_auc"} <= set(result.results["metric"])


def test_given_folds_are_reused_exactly():
    X, y = _table()
    first = evaluation.run_experiment({"a": Recorder(tag="a")}, X, y, cv=3, random_state=5, progress=False)
    Recorder.log = []
    second = evaluation.run_experiment({"b": Recorder(tag="b")}, X, y, cv=first.folds, random_state=99, progress=False)
    predicted = [rows for _, kind, rows, *_ in Recorder.log if kind == "predict"]
    for (_, test), rows in zip(first.folds, predicted):
        np.testing.assert_array_equal(rows, test)
    assert second.folds is not first.folds and len(second.folds) == 3
    overlapping = [(np.arange(100), np.arange(90, 120))]
    with pytest.raises(ValueError, match="fold 0: training and test rows overlap"):
        evaluation.run_experiment({"b": Recorder()}, X, y, cv=overlapping, progress=False)


def test_precomputed_features_and_factories():
    X, y = _table()
    embedding = np.column_stack([np.arange(len(y)), np.ones((len(y), 4))])
    Recorder.log = []
    result = evaluation.run_experiment(
        {"raw": Recorder(tag="raw"), "emb": ("embedding", lambda: Recorder(tag="emb"))},
        X, y, cv=3, features={"embedding": embedding}, progress=False,
    )
    widths = {(tag, width) for tag, kind, _, _, width in Recorder.log if kind == "fit"}
    assert widths == {("raw", 3), ("emb", 5)}
    assert result.methods == ["raw", "emb"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(methods={}), "methods is empty"),
        (dict(X=np.zeros((5, 2))), "X has 5 rows but y has 120"),
        (dict(cv=30), "smallest class has .* fewer than n_splits=30"),
        (dict(methods={"m": "not an estimator"}), None),
        (dict(ranking_k=3), "ranking_k needs groups"),
    ],
)
def test_runner_rejects_bad_input(kwargs, message):
    X, y = _table()
    args = dict(methods={"m": Recorder()}, X=X, y=y, progress=False) | kwargs
    error = TypeError if message is None else ValueError
    with pytest.raises(error, match=message or "must be an estimator"):
        evaluation.run_experiment(**args)


# --- confidence intervals and paired comparisons ---------------------------------------------------------


def test_bootstrap_interval_covers_the_true_value_at_about_the_nominal_rate():
    rng = np.random.default_rng(6)
    truth, n = 0.3, 400
    covered = []
    for i in range(40):
        sample = rng.random(n) < truth
        ci = evaluation.bootstrap_ci(np.mean, sample, n_resamples=300, random_state=i)
        covered.append(ci.low <= truth <= ci.high)
        width = ci.high - ci.low
        assert width == pytest.approx(2 * 1.96 * math.sqrt(truth * (1 - truth) / n), rel=0.25)
    assert 0.85 <= np.mean(covered) <= 1.0
    first, again = (evaluation.bootstrap_ci(np.mean, sample, n_resamples=300, random_state=0) for _ in range(2))
    np.testing.assert_array_equal(first.distribution, again.distribution)  # same seed, same interval
    assert (first.low, first.high) == (again.low, again.high)


def test_group_bootstrap_resamples_whole_queries():
    rng = np.random.default_rng(7)
    groups = np.repeat(np.arange(20), 50)
    values = np.repeat(rng.random(20), 50)  # items of a query move together
    by_row = evaluation.bootstrap_ci(np.mean, values, n_resamples=300, random_state=0)
    by_group = evaluation.bootstrap_ci(np.mean, values, groups=groups, n_resamples=300, random_state=0)
    group_se = values[::50].std(ddof=1) / math.sqrt(20)
    assert by_group.high - by_group.low == pytest.approx(2 * 1.96 * group_se, rel=0.3)
    assert by_group.high - by_group.low > 4 * (by_row.high - by_row.low)


def test_metric_ci_estimate_is_the_metric_on_all_rows():
    y, pred, proba = _predictions(seed=8)
    ci = _stats.metric_ci(y, pred, proba, metric="macro_f1", n_resamples=200)
    assert ci.estimate == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert ci.low < ci.estimate < ci.high
    minority = _stats.metric_ci(y, pred, metric="recall", class_="c3", n_resamples=200)
    assert minority.estimate == pytest.approx(skm.recall_score(y == "c3", pred == "c3"))
    with pytest.raises(ValueError, match="class_ 'c9' is not one of the classes"):
        _stats.metric_ci(y, pred, metric="recall", class_="c9")
    with pytest.raises(ValueError, match="metric 'log_loss' needs probabilities"):
        _stats.metric_ci(y, pred, metric="log_loss")
    with pytest.raises(ValueError, match="confidence must be in"):
        _stats.metric_ci(y, pred, confidence=95)


def test_corrected_t_test_by_hand_and_against_the_plain_paired_t_test():
    a = np.array([0.71, 0.74, 0.69, 0.75, 0.72])
    b = np.array([0.70, 0.71, 0.70, 0.71, 0.69])
    d = a - b
    t = d.mean() / math.sqrt((1 / 5 + 30 / 120) * d.var(ddof=1))
    out = evaluation.corrected_resampled_ttest(a, b, n_train=120, n_test=30)
    assert out["t"] == pytest.approx(t)
    assert out["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), 4))
    plain = stats.ttest_rel(a, b)  # the correction vanishes as n_test / n_train -> 0
    assert evaluation.corrected_resampled_ttest(a, b, 1e12, 1)["p_value"] == pytest.approx(plain.pvalue)
    assert out["p_value"] > plain.pvalue
    with pytest.raises(ValueError, match="equal length"):
        evaluation.corrected_resampled_ttest(a, b[:4], 120, 30)


def test_holm_adjustment_by_hand():
    np.testing.assert_allclose(evaluation.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])


@pytest.mark.slow
def test_identical_methods_show_no_real_difference():
    X, y = _table(n=150)
    methods = {"base": LogisticRegression(max_iter=300), "same": LogisticRegression(max_iter=300)}
    result = evaluation.run_experiment(methods, X[:, 1:], y, cv=5, progress=False)
    table = evaluation.compare_to_baseline(result, "base", n_resamples=200)
    row = table.iloc[0]
    assert row["difference"] == 0 and row["ttest_p"] == 1 and row["se"] == 0 and row["pooled_difference"] == 0
    assert not row["real_difference"] and not row["improved"]


@pytest.mark.slow
def test_a_method_better_on_every_fold_is_a_real_difference():
    rng = np.random.default_rng(9)
    y = rng.choice(["c1", "c2", "c3"], size=300, p=[0.6, 0.3, 0.1])
    X = np.column_stack([(y == "c2") * 2.0 + (y == "c3") * 4.0 + rng.normal(0, 0.5, 300), rng.normal(size=300)])
    methods = {"majority": DummyClassifier(strategy="most_frequent"), "lr": LogisticRegression(max_iter=300)}
    result = evaluation.run_experiment(methods, X, y, cv=5, progress=False)
    for metric, cls in [("macro_f1", None), ("balanced_accuracy", None), ("recall", "c3")]:
        row = evaluation.compare_to_baseline(result, "majority", metric=metric, class_=cls, n_resamples=300).iloc[0]
        assert row["real_difference"] and row["improved"], (metric, row.to_dict())
        assert row["ci_low"] > 0 and row["ttest_p"] < 0.05
    log_loss = evaluation.compare_to_baseline(result, "majority", metric="log_loss", interval=False).iloc[0]
    assert log_loss["difference"] < 0 and log_loss["improved"]  # lower is better for log-loss
    summary = _stats.summarise(result, n_resamples=200)
    lr = summary[(summary.method == "lr") & (summary.metric == "macro_f1")].iloc[0]
    assert lr["ci_low"] <= lr["pooled"] <= lr["ci_high"]
    assert lr["pooled"] == pytest.approx(skm.f1_score(y, result.oof_pred["lr"], average="macro"))
    assert set(summary[summary.metric == "recall"]["class"]) == {"c1", "c2", "c3"}
    with pytest.raises(ValueError, match="baseline 'nope' is not one of the methods"):
        evaluation.compare_to_baseline(result, "nope")


# --- threshold and cost decisions ------------------------------------------------------------------------


def _scores(n, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    return y, rng.normal(y * 1.5, 1.0)


def test_threshold_for_a_target_recall_is_the_largest_that_reaches_it():
    y_val, s_val = _scores(8000, 10)
    threshold = evaluation.tune_threshold(y_val, s_val, target_recall=0.9)
    positives = np.sort(s_val[y_val == 1])
    assert (positives >= threshold).mean() >= 0.9
    assert (positives > threshold).mean() < 0.9  # any higher threshold misses the target
    y_test, s_test = _scores(20000, 11)  # chosen on validation, it generalises to fresh data
    assert (s_test[y_test == 1] >= threshold).mean() == pytest.approx(0.9, abs=0.035)


def test_threshold_for_costs_minimises_the_validation_cost():
    y, s = _scores(500, 12)
    threshold = evaluation.tune_threshold(y, s, cost_fp=1.0, cost_fn=8.0)

    def cost(t):
        predicted = s >= t
        return 1.0 * (predicted & (y == 0)).sum() + 8.0 * (~predicted & (y == 1)).sum()

    brute_force = min(cost(t) for t in np.append(s, np.inf))
    assert cost(threshold) == brute_force


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(y_val=[0, 0, 0], score_val=[0.1, 0.2, 0.3], target_recall=0.5), "only one class"),
        (dict(target_recall=0.9, cost_fp=1, cost_fn=1), "either target_recall or both"),
        (dict(target_recall=1.5), r"target_recall must be in \(0, 1\]"),
        (dict(score_val=[0.1, 0.2]), "one score per label"),
        (dict(cost_fp=1.0), "must both be given"),
    ],
)
def test_threshold_tuning_rejects_bad_input(kwargs, message):
    args = dict(y_val=[0, 1, 0], score_val=[0.1, 0.8, 0.3]) | kwargs
    with pytest.raises(ValueError, match=message):
        evaluation.tune_threshold(**args)


def test_bayes_decision_minimises_expected_cost():
    proba = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.2, 0.5, 0.3]])
    cost = np.array([[0, 1, 1], [1, 0, 1], [5, 5, 0]])  # missing the minority class c costs 5
    decided = evaluation.bayes_decision(proba, cost, classes=["a", "b", "c"])
    by_hand = ["abc"[int(np.argmin([sum(proba[i, t] * cost[t, j] for t in range(3)) for j in range(3)]))]
               for i in range(3)]
    assert decided.tolist() == by_hand == ["a", "c", "c"]
    assert evaluation.bayes_decision(proba, 1 - np.eye(3)).tolist() == proba.argmax(axis=1).tolist()
    assert evaluation.expected_cost(["a", "c", "b"], decided, cost, classes=["a", "b", "c"]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match=r"cost_matrix must be \(3, 3\)"):
        evaluation.bayes_decision(proba, np.eye(2))


def test_cross_validated_threshold_reaches_the_target_recall_on_fresh_data():
    rng = np.random.default_rng(13)
    n = 3000
    y = rng.choice(["click", "skip"], size=n, p=[0.1, 0.9])
    X = (y == "click")[:, None] * 1.2 + rng.normal(size=(n, 2))
    model = LogisticRegression()
    threshold = evaluation.tune_threshold_cv(model, X[:2000], y[:2000], pos_label="click", target_recall=0.8)
    fitted = model.fit(X[:2000], y[:2000])
    score = fitted.predict_proba(X[2000:])[:, list(fitted.classes_).index("click")]
    held_out_recall = (score[y[2000:] == "click"] >= threshold).mean()
    assert held_out_recall == pytest.approx(0.8, abs=0.08)
    assert (score[y[2000:] == "click"] >= 0.5).mean() < 0.5  # the default threshold misses most clicks
    with pytest.raises(ValueError, match="pos_label 'buy' is not among the labels"):
        evaluation.tune_threshold_cv(model, X, y, pos_label="buy", target_recall=0.8)


class RowLogger(ClassifierMixin, BaseEstimator):
    """A logistic regression on columns 1: that logs the row ids (column 0) of every fit and predict."""

    log: list = []

    def fit(self, X, y):
        RowLogger.log.append(("fit", X[:, 0].astype(int)))
        self.model_ = LogisticRegression().fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        RowLogger.log.append(("predict", X[:, 0].astype(int)))
        return self.model_.predict_proba(X[:, 1:])

    def predict(self, X):
        return self.model_.predict(X[:, 1:])


def test_cross_validated_threshold_scores_each_query_with_a_model_that_never_saw_it():
    rng = np.random.default_rng(15)
    groups = np.repeat(np.arange(100), 10)
    y = rng.choice(["click", "skip"], size=groups.size, p=[0.2, 0.8])
    X = np.column_stack([np.arange(len(y)), (y == "click") * 1.2 + rng.normal(size=len(y))])
    RowLogger.log = []
    threshold = evaluation.tune_threshold_cv(RowLogger(), X, y, pos_label="click", target_recall=0.8, n_splits=4,
                                             groups=groups)
    fits = [rows for kind, rows in RowLogger.log if kind == "fit"]
    predicts = [rows for kind, rows in RowLogger.log if kind == "predict"]
    assert len(fits) == len(predicts) == 4
    for fitted, predicted in zip(fits, predicts):
        assert not set(groups[fitted]) & set(groups[predicted])  # no query on both sides
    np.testing.assert_array_equal(np.sort(np.concatenate(predicts)), np.arange(len(y)))
    assert 0 < threshold < 1
    RowLogger.log = []
    evaluation.tune_threshold_cv(RowLogger(), X, y, pos_label="click", target_recall=0.8, n_splits=4, random_state=3)
    reference = evaluation.make_folds(y, None, n_splits=4, random_state=3)  # without groups: stratified folds
    predicts = [rows for kind, rows in RowLogger.log if kind == "predict"]
    for (_, test), predicted in zip(reference, predicts, strict=True):
        np.testing.assert_array_equal(predicted, test)


def test_p_value_text_states_the_bootstrap_resolution():
    from ecombalance.evaluation._stats import p_value_text

    assert p_value_text(0.0123, 500) == "p = 0.0123"
    assert p_value_text(0.0, 500) == "p < 0.004"
    assert p_value_text(0.0, 1000) == "p < 0.002"
