import json
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_info, threadpool_limits

from ecombalance import evaluation
from ecombalance._chapters import resampling_findings, resampling_study
from ecombalance.evaluation import _stats, _verdicts, make_folds
from ecombalance.exceptions import SmallClassWarning
from ecombalance.models import _pipelines as pipelines
from ecombalance.sampling import _resampling as resampling
from ecombalance.sampling import _weights as weights
from ecombalance.sampling._resampling import make_sampler

CASE = {"c1": 400, "c2": 150, "c3": 50}


def blobs(counts=(120, 40, 12), n_features=4, seed=0, labels=("a", "b", "c")):
    rng = np.random.default_rng(seed)
    y = np.repeat(labels, counts)
    centres = {label: 1.5 * i for i, label in enumerate(labels)}
    X = rng.normal(size=(len(y), n_features)) + np.array([centres[v] for v in y])[:, None]
    return X, y


def categorical_frame(counts=(120, 40, 12), seed=0, numeric=True):
    rng = np.random.default_rng(seed)
    y = np.repeat(["a", "b", "c"], counts)
    shift = {"a": 0, "b": 1, "c": 2}
    colours = np.array(["red", "green", "blue", "black"])
    frame = pd.DataFrame(
        {
            "colour": pd.Categorical(colours[(rng.integers(0, 2, len(y)) + [shift[v] for v in y]) % 4]),
            "size": pd.Categorical(rng.choice(["s", "m", "l"], len(y))),
        }
    )
    if numeric:
        frame["price"] = rng.normal(size=len(y)) + [shift[v] for v in y]
    return frame, y


# --- the design document's worked examples ---------------------------------------------------------


def test_worked_examples_match_the_document_exactly():
    result = resampling_study.worked_examples(CASE, random_state=0)
    assert result.counts.values.tolist() == [[400, 150, 50], [300, 150, 50], [300, 150, 150]]
    assert list(result.counts.columns) == ["c1", "c2", "c3"]
    # every class-3 sample appears exactly three times: itself and two extra copies
    assert len(result.appearances) == 50 and (result.appearances == 3).all()
    labels = np.repeat(list(CASE), list(CASE.values()))
    kept = pd.Series(result.sample_indices).value_counts()
    c1, c2 = kept.index[labels[kept.index] == "c1"], kept.index[labels[kept.index] == "c2"]
    assert len(c1) == 300 and (kept[c1] == 1).all()  # 100 rows of class 1 removed, none copied
    assert sorted(c2) == list(range(400, 550)) and (kept[c2] == 1).all()  # class 2 untouched


def test_worked_examples_from_labels_equals_from_counts():
    labels = np.repeat(list(CASE), list(CASE.values()))
    from_labels = resampling_study.worked_examples(labels, random_state=3)
    from_counts = resampling_study.worked_examples(CASE, random_state=3)
    pd.testing.assert_frame_equal(from_labels.counts, from_counts.counts)
    np.testing.assert_array_equal(from_labels.sample_indices, from_counts.sample_indices)


def test_imblearn_default_over_sampling_draws_with_replacement():
    # the same counts, but copies drawn with replacement: 3 appearances on average, not each
    result = resampling_study.worked_examples(CASE, random_state=0, replacement=True)
    assert result.counts.values.tolist()[-1] == [300, 150, 150]
    assert result.appearances.sum() == 150 and result.appearances.nunique() > 1


def test_even_over_sampler_remainder_is_drawn_without_replacement():
    X, y = np.arange(10).reshape(-1, 1), np.array([0] * 7 + [1] * 3)
    X_res, y_res = make_sampler("random_over", {1: 8}, random_state=0, replacement=False).fit_resample(X, y)
    copies = pd.Series(X_res[y_res == 1, 0]).value_counts()
    assert len(X_res) == 15 and sorted(copies.tolist()) == [2, 3, 3]  # 8 = 2 x 3 + 2 distinct extras


# --- every sampler against imbalanced-learn called directly ---------------------------------------

DIRECT = {
    "none": None,
    "random_under": lambda: RandomUnderSampler(random_state=7),
    "random_over": lambda: RandomOverSampler(random_state=7),
    "smote": lambda: SMOTE(random_state=7),
    "borderline_smote": lambda: BorderlineSMOTE(random_state=7),
    "adasyn": lambda: ADASYN(random_state=7),
    "svm_smote": lambda: SVMSMOTE(random_state=7),
    "smotenc": lambda: SMOTENC(categorical_features=[0, 1], random_state=7),
    "smoten": lambda: SMOTEN(random_state=7),
    "tomek": lambda: TomekLinks(),
    "enn": lambda: EditedNearestNeighbours(),
    "smote_tomek": lambda: SMOTETomek(random_state=7),
    "smote_enn": lambda: SMOTEENN(random_state=7),
}


def test_samplers_are_all_named():
    assert set(DIRECT) == set(resampling.SAMPLERS)
    assert set(resampling.SCALABLE) <= set(resampling.SAMPLERS)


@pytest.mark.parametrize("name", resampling.SAMPLERS)
def test_every_sampler_matches_imblearn(name):
    if name == "smotenc":
        X, y = categorical_frame()
    elif name == "smoten":
        X, y = categorical_frame(numeric=False)
    else:
        X, y = blobs()
    X_res, y_res = make_sampler(name, random_state=7).fit_resample(X, y)
    if name == "none":
        X_ref, y_ref = X, y
    else:
        X_ref, y_ref = DIRECT[name]().fit_resample(X, y)
    np.testing.assert_array_equal(np.asarray(y_res), np.asarray(y_ref))
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X_res, X_ref)
    else:
        np.testing.assert_array_equal(X_res, X_ref)
    before, after = pd.Series(y).value_counts(), pd.Series(np.asarray(y_res)).value_counts()
    if name in ("random_over", "smote", "borderline_smote", "smotenc", "smoten", "svm_smote"):
        assert (after == 120).all()  # 'auto' = every class but the majority brought up to it
    elif name == "random_under":
        assert (after == 12).all()
    elif name in ("tomek", "enn"):
        assert after["c"] == 12 and (after <= before).all() and after.sum() < before.sum()  # cleans, not minority
    elif name == "none":
        pd.testing.assert_series_equal(after, before)


def test_shrinkage_makes_synthetic_points_like_imblearn():
    X, y = blobs()
    X_res, y_res = make_sampler("random_over", random_state=1, shrinkage=0.5).fit_resample(X, y)
    X_ref, _ = RandomOverSampler(random_state=1, shrinkage=0.5).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    origin = resampling_study.row_origin(X, X_res)
    assert (origin == "original").sum() == len(y) and (origin == "synthetic").sum() == len(y_res) - len(y)
    plain, _ = make_sampler("random_over", random_state=1).fit_resample(X, y)
    assert set(resampling_study.row_origin(X, plain)[len(y):]) == {"copy"}


@pytest.mark.parametrize(
    "strategy, expected",
    [({"b": 60, "c": 30}, {"a": 120, "b": 60, "c": 30}), (lambda y: {"c": 24}, {"a": 120, "b": 40, "c": 24})],
)
def test_dict_and_callable_strategies(strategy, expected):
    X, y = blobs()
    _, y_res = make_sampler("smote", sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    assert pd.Series(y_res).value_counts().to_dict() == expected


def test_float_strategy_on_binary_labels():
    X, y = blobs(counts=(100, 10), labels=("neg", "pos"))
    _, y_res = make_sampler("random_under", sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    assert pd.Series(y_res).value_counts().to_dict() == {"neg": 20, "pos": 10}


# --- guards ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, direct",
    [
        ("smote", lambda: SMOTE(k_neighbors=3, random_state=0)),
        ("adasyn", lambda: ADASYN(n_neighbors=3, random_state=0)),
        ("smote_tomek", lambda: SMOTETomek(smote=SMOTE(k_neighbors=3, random_state=0), random_state=0)),
    ],
)
def test_small_class_lowers_k_neighbors_with_a_warning(name, direct):
    X, y = blobs(counts=(60, 30, 4))
    param = "n_neighbors" if name == "adasyn" else "k_neighbors"
    with pytest.warns(SmallClassWarning, match=rf"class 'c' has 4 samples.*lowering {param} to 3"):
        X_res, y_res = make_sampler(name, random_state=0).fit_resample(X, y)
    X_ref, y_ref = direct().fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)


def test_guard_adapts_to_each_training_fold_inside_a_pipeline():
    X, y = blobs(counts=(60, 30, 8))  # 8 samples of 'c' -> 4 in each 2-fold training part
    pipe = pipelines.pipeline(None, "smote", "logreg", random_state=0)
    with pytest.warns(SmallClassWarning, match="class 'c' has 4 samples"):
        scores = cross_validate(pipe, X, y, cv=StratifiedKFold(2, shuffle=True, random_state=0), error_score="raise")
    assert np.isfinite(scores["test_score"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallClassWarning)  # on all 8 rows, k=5 fits: no warning
        make_sampler("smote", random_state=0).fit_resample(X, y)


def test_classes_not_over_sampled_are_not_guarded():
    X, y = blobs(counts=(60, 30, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallClassWarning)
        _, y_res = make_sampler("smote", {"b": 60}, random_state=0).fit_resample(X, y)
    assert pd.Series(y_res).value_counts().to_dict() == {"a": 60, "b": 60, "c": 2}


@pytest.mark.parametrize("name", ["smote", "borderline_smote", "adasyn", "svm_smote", "smote_enn"])
def test_single_sample_class_fails_clearly(name):
    X, y = blobs(counts=(60, 30, 1))
    with pytest.raises(ValueError, match=rf"{name} cannot over-sample class\(es\) \['c'\]: a single sample"):
        make_sampler(name, random_state=0).fit_resample(X, y)


def test_random_over_copies_a_single_sample():
    X, y = blobs(counts=(60, 30, 1))
    _, y_res = make_sampler("random_over", random_state=0).fit_resample(X, y)
    assert pd.Series(y_res).value_counts()["c"] == 60


@pytest.mark.parametrize("name", ["smote", "adasyn", "tomek", "smote_enn"])
def test_text_features_point_to_smotenc_and_tfidf(name):
    X, y = blobs()
    frame = pd.DataFrame(X, columns=list("wxyz")).assign(title=[f"item {i}" for i in range(len(y))])
    with pytest.raises(TypeError, match=r"not numeric: \['title'\].*'smotenc'.*'smoten'.*TF-IDF or sentence embeddings"):
        make_sampler(name, random_state=0).fit_resample(frame, y)
    for array in (frame.to_numpy(dtype=object), frame.to_numpy(dtype=str)):
        with pytest.raises(TypeError, match=rf"array of dtype {array.dtype}\)'\]\. Categorical features: use 'smotenc'"):
            make_sampler(name, random_state=0).fit_resample(array, y)


def test_nan_features_fail_for_distance_samplers_only():
    X, y = blobs()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"smote measures distances.*contains NaN: impute"):
        make_sampler("smote").fit_resample(X, y)
    with pytest.raises(ValueError, match="enn measures distances"):
        make_sampler("enn").fit_resample(sp.csr_matrix(X), y)
    X_res, _ = make_sampler("random_over", random_state=0).fit_resample(X, y)
    assert np.isnan(X_res).sum() >= 1  # copying rows needs no distance


@pytest.mark.parametrize("name", ["none", "random_under", "smote"])
def test_single_class_fails_clearly(name):
    X, _ = blobs()
    with pytest.raises(ValueError, match=r"y holds a single class \('a' x 172\)"):
        make_sampler(name).fit_resample(X, np.repeat("a", len(X)))


def test_bad_names_and_parameters_fail_at_build_time():
    with pytest.raises(ValueError, match="unknown sampler 'smot'; choose one of none, random_under"):
        make_sampler("smot")
    with pytest.raises(ValueError, match="'k_neighbors' parameter of SMOTE must be an int"):
        make_sampler("smote", k_neighbors="five")
    with pytest.raises(TypeError, match=r"make_sampler\('smote'\):.*unexpected keyword argument 'n_neigbors'"):
        make_sampler("smote", n_neigbors=3)
    with pytest.raises(TypeError, match="sampling_strategy must be a str, float, dict"):
        make_sampler("random_under", sampling_strategy={"a", "b"})
    with pytest.raises(ValueError, match="replacement=False makes exact copies; it cannot be combined with shrinkage"):
        make_sampler("random_over", replacement=False, shrinkage=1.0)
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        pipelines.pipeline(None, "none", "svm")


# --- resampling never touches the evaluation fold -------------------------------------------------


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Records the row ids (column 0) it is fitted on and asked to predict."""

    fitted: list = []
    predicted: list = []

    def fit(self, X, y):
        RecordingClassifier.fitted.append((X[:, 0].copy(), np.asarray(y).copy()))
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        RecordingClassifier.predicted.append(X[:, 0].copy())
        return np.full(len(X), self.classes_[0])


def test_sampler_sees_only_training_rows_and_test_rows_stay_untouched():
    X, y = blobs()
    X = np.column_stack([np.arange(len(y)), X])  # column 0: the row id
    seen = []

    def record(X, y):
        seen.append(X[:, 0].copy())
        return make_sampler("random_over", random_state=0).fit_resample(X, y)

    from imblearn import FunctionSampler

    RecordingClassifier.fitted.clear(), RecordingClassifier.predicted.clear()
    pipe = pipelines.pipeline(None, FunctionSampler(func=record, validate=False), RecordingClassifier())
    result = cross_validate(pipe, X, y, cv=StratifiedKFold(4, shuffle=True, random_state=0), return_indices=True)
    train, test = result["indices"]["train"], result["indices"]["test"]
    assert len(seen) == 4
    for fold in range(4):
        np.testing.assert_array_equal(np.sort(seen[fold]), np.sort(train[fold]))  # training rows, each once
        ids, fitted_y = RecordingClassifier.fitted[fold]
        assert set(ids.astype(int)) == set(train[fold]) and len(ids) > len(train[fold])  # over-sampled
        assert (pd.Series(fitted_y).value_counts() == pd.Series(fitted_y).value_counts().max()).all()
        predicted = RecordingClassifier.predicted[fold].astype(int)
        np.testing.assert_array_equal(predicted, test[fold])  # the untouched test rows, in order
        original = pd.Series(y).value_counts(normalize=True)
        assert np.abs(pd.Series(y[predicted]).value_counts(normalize=True) - original).max() < 0.02


def test_leakage_demo_inflates_the_score_before_the_split():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(300, 5)), np.repeat([0, 1], [270, 30])  # no signal at all
    table = resampling_study.leakage_demo(X, y, "random_over", DecisionTreeClassifier(random_state=0), cv=5)
    before = table.loc["resample before the split (leaks)", "mean"]
    inside = table.loc["resample inside each training fold", "mean"]
    assert inside < 0.65  # chance level is 0.5 balanced accuracy
    assert before > inside + 0.25  # copies of test rows sit in the training folds


def test_leakage_demo_scores_both_protocols_on_r_x_k_folds_as_scikit_learn_does():
    X, y = blobs(counts=(60, 20, 10), seed=1)
    table = resampling_study.leakage_demo(X, y, "random_over", "logreg", cv=make_folds(y, None, 3, 0, n_repeats=2))
    folds = [f"fold {i}" for i in range(6)]
    assert list(table.columns) == ["mean", "std", *folds]
    assert table.attrs == {"failed": "", "design": "2 × 3-fold cross-validation"}
    X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    for protocol, (data, labels, inside) in {"resample before the split (leaks)": (X_res, y_res, False),
                                             "resample inside each training fold": (X, y, True)}.items():
        scores = []  # imbalanced-learn and scikit-learn by hand, on the same 2 x 3 folds
        for train, test in RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0).split(data, labels):
            X_tr, y_tr = data[train], labels[train]
            if inside:
                X_tr, y_tr = RandomOverSampler(random_state=0).fit_resample(X_tr, y_tr)
            pred = LogisticRegression(max_iter=1000).fit(X_tr, y_tr).predict(data[test])
            scores.append(balanced_accuracy_score(labels[test], pred))
        np.testing.assert_allclose(table.loc[protocol, folds].astype(float), scores)
        assert table.loc[protocol, "mean"] == pytest.approx(np.mean(scores))
        assert table.loc[protocol, "std"] == pytest.approx(np.std(scores))
    with pytest.raises(ValueError, match="scoring 'f2' is not one of the experiment's metrics"):
        resampling_study.leakage_demo(X, y, "random_over", "logreg", cv=2, scoring="f2")


def test_with_groups_no_group_sits_on_both_sides_of_a_fold():
    X, y = blobs()
    X = np.column_stack([np.arange(len(y)), X])  # column 0: the row id
    groups = np.arange(len(y)) // 4  # 43 groups of 4 neighbouring rows
    folds = make_folds(y, groups, n_splits=3, random_state=0)
    RecordingClassifier.fitted.clear(), RecordingClassifier.predicted.clear()
    resampling_study.compare_samplers(X, y, ["none", "random_over"], [RecordingClassifier()], cv=3,
                                      class_weight_baseline=False, progress=False, groups=groups)
    assert len(RecordingClassifier.fitted) == len(RecordingClassifier.predicted) == 6
    for i, ((fitted, _), predicted) in enumerate(zip(RecordingClassifier.fitted, RecordingClassifier.predicted)):
        train, test = folds[i % 3]
        assert set(fitted.astype(int)) == set(train)
        np.testing.assert_array_equal(predicted.astype(int), test)
        assert not set(groups[fitted.astype(int)]) & set(groups[predicted.astype(int)])

    RecordingClassifier.fitted.clear(), RecordingClassifier.predicted.clear()
    resampling_study.leakage_demo(X, y, "random_over", RecordingClassifier(), cv=3, groups=groups)
    pairs = [(fitted.astype(int), predicted.astype(int))
             for (fitted, _), predicted in zip(RecordingClassifier.fitted, RecordingClassifier.predicted)]
    leaky, honest = pairs[:3], pairs[3:]
    for (fitted, predicted), (train, test) in zip(honest, folds, strict=True):
        assert set(fitted) == set(train)
        np.testing.assert_array_equal(predicted, test)
        assert not set(groups[fitted]) & set(groups[predicted])
    assert all(set(fitted) & set(predicted) for fitted, predicted in leaky)  # copies of test rows were trained on


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """Notes the largest BLAS / OpenMP thread limit in force while fitting, then fails."""

    threads: list = []

    def fit(self, X, y):
        FailingClassifier.threads.append(max(lib["num_threads"] for lib in threadpool_info()))
        raise RuntimeError("fit failed on purpose")


def test_compare_samplers_restores_the_thread_limits_after_a_failing_fit():
    X, y = blobs()
    FailingClassifier.threads.clear()
    with threadpool_limits(limits=2):
        before = [(lib["filepath"], lib["num_threads"]) for lib in threadpool_info()]
        assert max(n for _, n in before) == 2
        with pytest.raises(RuntimeError, match="fit failed on purpose"):
            resampling_study.compare_samplers(X, y, ["none"], [FailingClassifier()], cv=2,
                                              class_weight_baseline=False, progress=False, max_threads=1)
        after = [(lib["filepath"], lib["num_threads"]) for lib in threadpool_info()]
    assert FailingClassifier.threads == [1]  # the cap held while fitting
    assert after == before


# --- comparison, models, class weights ------------------------------------------------------------


def test_compare_samplers_against_a_hand_run_fold():
    X, y = blobs()
    results = resampling_study.compare_samplers(X, y, ["none", "smote"], ["logreg"], cv=3, random_state=0, progress=False)
    assert len(results) == 3 * 3  # (none, smote, class_weight) x 1 model x 3 folds
    train, test = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))[1]
    X_tr, y_tr = SMOTE(random_state=0).fit_resample(X[train], y[train])
    pred = LogisticRegression(max_iter=1000).fit(X_tr, y_tr).predict(X[test])
    row = results[(results.sampler == "smote") & (results.fold == 1)].iloc[0]
    assert row["macro_f1"] == pytest.approx(f1_score(y[test], pred, average="macro"))
    recalls = recall_score(y[test], pred, labels=["a", "b", "c"], average=None)
    np.testing.assert_allclose(row[["recall[a]", "recall[b]", "recall[c]"]].astype(float), recalls)
    assert row["balanced_accuracy"] == pytest.approx(recalls.mean())
    assert row["g_mean"] == pytest.approx(np.prod(recalls) ** (1 / 3))
    weighted = LogisticRegression(max_iter=1000, class_weight="balanced").fit(X[train], y[train]).predict(X[test])
    row = results[(results.sampler == "class_weight") & (results.fold == 1)].iloc[0]
    assert row["g_mean"] == pytest.approx(geometric_mean_score(y[test], weighted))
    summary = resampling_study.summarise_comparison(results)
    assert summary["macro_f1"].is_monotonic_decreasing and len(summary) == 3


def test_compare_samplers_records_failures_on_request():
    X, y = blobs(counts=(60, 30, 3))  # 2 of 'c' in training folds: SMOTE works, lowered to k=1
    results = resampling_study.compare_samplers(X, y, ["smote"], ["logreg"], cv=3, class_weight_baseline=False,
                                          errors="record", progress=False)
    assert results["warnings"].str.contains("SmallClassWarning").all()
    X, y = blobs(counts=(60, 30, 2))  # one 'c' in some training folds: cannot interpolate
    results = resampling_study.compare_samplers(X, y, ["smote"], ["logreg"], cv=2, class_weight_baseline=False,
                                          errors="record", progress=False)
    assert results["error"].str.contains("single sample").all()
    with pytest.raises(ValueError, match="single sample"):
        resampling_study.compare_samplers(X, y, ["smote"], ["logreg"], cv=2, progress=False)


def test_compare_samplers_scores_are_run_experiments_on_the_same_folds():
    X, y = blobs()
    results = resampling_study.compare_samplers(X, y, ["none", "smote"], ["logreg"], cv=3, random_state=4,
                                                progress=False)
    methods = {"none": pipelines.pipeline(None, "none", "logreg", random_state=4),
               "smote": pipelines.pipeline(None, "smote", "logreg", random_state=4),
               "class_weight": pipelines.pipeline(None, "none", "logreg", class_weight="balanced", random_state=4)}
    folds = make_folds(y, None, 3, 4)
    result = evaluation.run_experiment(methods, X, y, cv=folds, random_state=4, progress=False)
    assert list(results["sampler"]) == [m for m in methods for _ in folds] and (results["model"] == "logreg").all()
    for method, pred in result.oof_pred.items():  # independent: scikit-learn on the out-of-fold predictions
        rows = results[results["sampler"] == method].set_index("fold")
        for fold, (_, test) in enumerate(folds):
            assert rows.loc[fold, "macro_f1"] == pytest.approx(f1_score(y[test], pred[test], average="macro"))
            recalls = recall_score(y[test], pred[test], labels=["a", "b", "c"], average=None)
            np.testing.assert_allclose(rows.loc[fold, ["recall[a]", "recall[b]", "recall[c]"]].astype(float), recalls)
            assert rows.loc[fold, "balanced_accuracy"] == pytest.approx(recalls.mean())
    assert (results["fit_seconds"] > 0).all()


def test_compare_samplers_records_a_model_failing_on_one_fold_and_leaves_the_pair_out():
    X, y = blobs()
    X = np.column_stack([np.arange(len(y)), X])  # column 0: the row id
    folds = make_folds(y, None, 3, 0)
    held_out = int(folds[1][1][0])  # fails only where this row is a test row: fold 1
    results = resampling_study.compare_samplers(X, y, ["none", "random_over"], [RowNeeded(held_out)], cv=3,
                                                class_weight_baseline=False, errors="record", progress=False)
    failed = results[results["error"].notna()]
    assert failed[["sampler", "fold"]].values.tolist() == [["none", 1], ["random_over", 1]]
    assert (failed["error"] == f"RuntimeError: row {held_out} is held out").all() and failed["macro_f1"].isna().all()
    assert results.loc[results["error"].isna(), "macro_f1"].notna().all()  # the other folds scored
    summary = resampling_study.summarise_comparison(results)
    assert summary.empty and len(summary.attrs["left_out"]) == 2
    assert summary.attrs["left_out"][0].startswith("- `none` with RowNeeded failed on 1 of 3 fold(s), left out")
    with pytest.raises(RuntimeError, match=f"row {held_out} is held out"):
        resampling_study.compare_samplers(X, y, ["none"], [RowNeeded(held_out)], cv=3,
                                          class_weight_baseline=False, progress=False)
    with pytest.raises(ValueError, match="errors must be one of 'raise', 'record', got 'skip'"):
        resampling_study.compare_samplers(X, y, ["none"], ["logreg"], cv=3, errors="skip", progress=False)


class RowNeeded(ClassifierMixin, BaseEstimator):
    """Logistic regression on columns 1: that raises when row ``row`` (column 0) is not a training row."""

    def __init__(self, row=0):
        self.row = row

    def fit(self, X, y):
        if self.row not in set(X[:, 0].astype(int)):
            raise RuntimeError(f"row {self.row} is held out")
        self.model_ = LogisticRegression(max_iter=500).fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X[:, 1:])


def test_class_weights_by_hand():
    y = np.repeat(["a", "b", "c"], [400, 150, 50])
    assert weights.class_weights(y) == pytest.approx({"a": 600 / (3 * 400), "b": 600 / (3 * 150), "c": 600 / (3 * 50)})
    per_row = weights.sample_weights(y)
    assert per_row[0] == pytest.approx(0.5) and per_row[-1] == pytest.approx(4.0)
    assert pd.Series(per_row).groupby(y).sum().tolist() == pytest.approx([200, 200, 200])  # N / C each


@pytest.mark.slow
def test_class_weight_option_on_each_model():
    X, y = blobs()
    logreg = pipelines.pipeline(None, "none", "logreg", class_weight="balanced")
    assert logreg.named_steps["model"].class_weight == "balanced"
    reference = MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged in 200 iterations; the same for both
        mlp = pipelines.pipeline(None, "none", "mlp", class_weight="balanced", random_state=0).fit(X, y)
        reference.fit(X, y, sample_weight=weights.sample_weights(y))
    np.testing.assert_array_equal(mlp.predict(X), reference.predict(X))
    gboost = pipelines.pipeline(None, "smote", "gboost", class_weight="balanced", random_state=0)
    gboost.fit(sp.csr_matrix(X), y)  # sparse features (TF-IDF) are densified for gradient boosting
    assert gboost.named_steps["model"].class_weight == "balanced"
    assert set(pipelines.MODELS) == {"logreg", "gboost", "mlp", "lightgbm", "rf", "balanced_rf", "bagging",
                                     "balanced_bagging", "bagged_adaboost", "easy_ensemble", "adaboost", "rusboost"}


# --- pandas 3 string labels -----------------------------------------------------------------------


def test_arrow_string_labels():
    X, y = blobs()
    labels = pd.Series(y, dtype="string[pyarrow]")
    X_res, y_res = make_sampler("smote", random_state=0).fit_resample(X, labels)
    assert pd.Series(y_res).value_counts().to_dict() == {"a": 120, "b": 120, "c": 120}
    np.testing.assert_array_equal(X_res, SMOTE(random_state=0).fit_resample(X, y)[0])
    assert resampling_study.worked_examples(pd.Series(np.repeat(list(CASE), list(CASE.values())), dtype="str")).counts.iloc[-1].tolist() == [300, 150, 150]
    results = resampling_study.compare_samplers(X, labels, ["random_under"], ["logreg"], cv=2, progress=False)
    assert {"recall[a]", "recall[b]", "recall[c]"} <= set(results.columns)


def test_resample_counts_and_projection():
    X, y = blobs()
    counts = resampling_study.resample_counts(X, y, ["random_under", "smote"], random_state=0)
    assert counts.loc["(before)", ["a", "b", "c"]].tolist() == [120, 40, 12]
    assert counts.loc["random_under", ["a", "b", "c"]].tolist() == [12, 12, 12]
    frame = resampling_study.projection(X, y, ["smote"], random_state=0)
    smote = frame[frame.sampler == "smote"]
    assert len(smote) == 360 and (smote.origin == "synthetic").sum() == 360 - 172
    assert set(frame.sampler) == {"none", "smote"}


def test_resample_counts_when_a_cleaner_removes_a_whole_class_or_a_sampler_fails():
    """ENN removes every row of a class surrounded by another (the `IntCastingNaNError` of 'Wall Art'): it counts
    0; SMOTE cannot interpolate a class of one row: its message is kept and the other rows still count."""
    X, y = blobs(counts=(60, 30, 3, 2), labels=("a", "b", "c", "d"))
    X[y == "c"] = X[y == "a"][:3] + 0.01  # the 3 rows of c sit inside class a
    X[y == "d"] += 10  # the smallest class, far away (ENN never cleans the smallest class)
    counts = resampling_study.resample_counts(X, y, ["enn", "random_over"], random_state=0)
    _, y_enn = EditedNearestNeighbours().fit_resample(X, y)
    assert "c" not in set(y_enn)
    assert counts.loc["enn", ["a", "b", "c", "d"]].tolist() == [(y_enn == "a").sum(), (y_enn == "b").sum(), 0, 2]
    assert counts.dtypes[["a", "b", "c", "d"]].tolist() == [np.dtype("int64")] * 4
    single = y.copy()
    single[-1] = "e"
    failed = resampling_study.resample_counts(X, single, ["random_under", "smote"], random_state=0,
                                              classes=["a", "e"])
    assert list(failed.columns) == ["a", "e", "seconds", "error"]
    assert failed.loc["random_under", ["a", "e"]].tolist() == [1, 1]
    assert "smote cannot over-sample class(es) ['d', 'e']" in failed.loc["smote", "error"]  # d kept 1 row
    assert failed.loc["smote", ["a", "e"]].isna().all()


def test_categorical_counts_run_what_applies_and_record_failures():
    frame, y = categorical_frame()
    table = resampling_study.categorical_counts(frame, y, ["smotenc", "smoten"], ["price"], ["colour"], random_state=0)
    assert table.loc["smotenc", ["a", "b", "c"]].tolist() == [120, 120, 120]
    assert table.loc["smoten", ["a", "b", "c"]].tolist() == [120, 120, 120]
    only_numbers = resampling_study.categorical_counts(frame, y, ["smotenc", "smoten"], ["price"], [])
    assert only_numbers.empty
    one = y.copy()
    one[-1] = "z"
    failed = resampling_study.categorical_counts(frame, one, ["smoten"], ["price"], ["colour"], classes=["a", "z"])
    assert list(failed.columns) == ["a", "z", "error"] and "class(es) ['z']" in failed.loc["smoten", "error"]


def test_projection_groups_the_other_classes_and_leaves_out_failing_samplers():
    X, y = blobs(counts=(60, 30, 12, 1), labels=("a", "b", "c", "d"))
    frame = resampling_study.projection(X, y, ["random_over", "smote"], random_state=0, classes=["a", "d"])
    assert set(frame["sampler"]) == {"none", "random_over"}
    assert "smote cannot over-sample class(es) ['d']" in frame.attrs["failed"]["smote"]
    assert set(frame["label"]) == {"a", "d", resampling_study.OTHER_CLASSES}
    assert (frame.query("sampler == 'none'")["label"] == resampling_study.OTHER_CLASSES).sum() == 42


@pytest.mark.slow
def test_leakage_demo_scores_a_fold_the_sampler_cannot_handle_as_nan():
    X, y = blobs(counts=(40, 20, 3))
    fine = resampling_study.leakage_demo(X, y, "smote", cv=3, random_state=0)  # 2 rows of c per training fold
    assert not fine["mean"].isna().any() and fine.attrs["failed"] == ""
    inside = fine.loc["resample inside each training fold"]
    assert inside["mean"] == pytest.approx(np.mean([inside[f"fold {i}"] for i in range(3)]))
    X, y = blobs(counts=(40, 20, 2))
    failing = resampling_study.leakage_demo(X, y, "smote", cv=2, random_state=0)  # 1 row of c per training fold
    assert failing.loc["resample before the split (leaks)", "mean"] > 0
    assert np.isnan(failing.loc["resample inside each training fold", "mean"])
    assert "smote cannot over-sample class(es) ['c']" in failing.attrs["failed"]
    worked = resampling_study.worked_examples(CASE, random_state=0)
    results = pd.DataFrame({"sampler": ["none", "smote"], "model": ["logreg"] * 2, "fold": [0, 0],
                            "fit_seconds": [0.1, 0.2], "macro_f1": [0.5, 0.6]})
    text = resampling_findings.describe_study(worked, {"smote": failing}, results)
    assert "- Resampling before the split could not be measured on every fold (`smote`: ValueError: smote " \
           "cannot over-sample" in text


def test_describe_comparison_reads_the_numbers():
    results = pd.DataFrame(
        {
            "sampler": ["none", "none", "smote", "smote", "class_weight", "class_weight"],
            "model": ["logreg"] * 6,
            "fold": [0, 1] * 3,
            "fit_seconds": [0.1, 0.1, 0.3, 0.5, 0.1, 0.1],
            "macro_f1": [0.5, 0.6, 0.7, 0.8, 0.65, 0.75],
            "recall[big]": [0.9, 0.9, 0.8, 0.8, 0.85, 0.85],
            "recall[small]": [0.2, 0.4, 0.6, 0.8, 0.5, 0.7],
        }
    )
    results.attrs.update(n_train=80.0, n_test=20.0)
    text = resampling_findings.describe_comparison(results)
    # the one rule: smote against none on the paired fold scores; every fold difference is the same (+0.2 and
    # +0.15), so the corrected t-test has no spread to doubt them: p = 0 for both, and smote scores higher
    assert text.startswith("- **logreg**: `smote+logreg`: macro-F1 0.750 against 0.550 for `none+logreg`, a mean fold "
                           "difference of +0.200, p < 0.001 (2-fold cross-validation, corrected repeated "
                           "cross-validation t-test, Holm-corrected, α = 0.05). ")
    assert "Recall of the smallest class (small): 0.30 without resampling, 0.70 with `smote`." in text
    assert "Class weighting, which adds no rows, scores 0.050 below `smote`." in text
    assert "Slowest to fit: `smote` (0.40 s per fold)." in text
    failed = results.assign(error=[None] * 5 + ["RuntimeError: no neighbours"])
    failed.loc[5, "macro_f1"] = np.nan
    text = resampling_findings.describe_comparison(failed)
    note = ("- `class_weight` with logreg failed on 1 of 2 fold(s), left out of the comparison: "
            "RuntimeError: no neighbours")
    assert text.endswith(note) and "class weighting" not in text  # its one-fold mean is not compared
    summary = resampling_study.summarise_comparison(failed)
    assert list(summary.index) == [("smote", "logreg"), ("none", "logreg")] and summary.attrs["left_out"] == [note]
    assert summary.loc[("smote", "logreg"), "macro_f1"] == pytest.approx(0.75)
    assert resampling_study.summarise_comparison(results).attrs["left_out"] == []


def test_describe_study_and_headline_read_the_numbers():
    worked = resampling_study.worked_examples(CASE, random_state=0)
    protocols = ["resample before the split (leaks)", "resample inside each training fold"]
    leak = {"random_over": pd.DataFrame({"mean": [0.95, 0.80], "std": [0.01, 0.02]}, index=protocols),
            "smote": pd.DataFrame({"mean": [0.90, 0.82], "std": [0.01, 0.02]}, index=protocols)}
    inflation = resampling_study.leakage_inflation(leak)
    gaps = {sampler: frame["mean"].iloc[0] - frame["mean"].iloc[1] for sampler, frame in leak.items()}
    assert inflation.to_dict() == pytest.approx(gaps)
    results = pd.DataFrame({
        "sampler": ["none", "none", "smote", "smote", "class_weight", "class_weight"],
        "model": ["logreg"] * 6, "fold": [0, 1] * 3, "fit_seconds": [0.1, 0.1, 0.3, 0.5, 0.1, 0.1],
        "macro_f1": [0.5, 0.6, 0.7, 0.8, 0.65, 0.75], "recall[big]": [0.9] * 6,
        "recall[small]": [0.2, 0.4, 0.6, 0.8, 0.5, 0.7],
    })
    text = resampling_findings.describe_study(worked, leak, results)
    assert text.startswith("- The worked examples hold exactly: [300, 150, 50] after under-sampling, "
                           "[300, 150, 150] after over-sampling, every class-3 row appearing exactly 3 times.\n")
    before, inside = leak["random_over"]["mean"]
    assert (f"- Resampling before the split inflated balanced accuracy by {before - inside:.3f} with `random_over` "
            f"({before:.3f} vs {inside:.3f} inside the folds).") in text
    top = results.groupby(["sampler", "model"])["macro_f1"].mean()
    (top_sampler, top_model), top_f1 = top.idxmax(), top.max()
    assert (f"- Top mean macro-F1: `{top_sampler}` + {top_model}, {top_f1:.3f}. Per classifier, against the same "
            "classifier without resampling:\n") in text
    assert "Best pipeline" not in text
    assert text.endswith(resampling_findings.describe_comparison(results))
    numbers = resampling_findings.resampling_headline(leak, results)
    assert numbers == {"top_sampler": top_sampler, "top_model": top_model, "top_macro_f1": pytest.approx(top_f1),
                       "leakage_inflation": pytest.approx(max(gaps.values())), "samplers_compared": 2}
    results.attrs.update(n_train=80.0, n_test=20.0)  # compare_samplers' fold sizes: the verdict is added
    verdicts = resampling_findings.sampler_verdicts(results)
    numbers = resampling_findings.resampling_headline(leak, results)
    assert numbers["best_is_distinguishable"] == (verdicts["logreg"].best is not None)
    assert numbers.get("best_method") == verdicts["logreg"].best


def test_scaling_table_reads_the_benchmark_file(tmp_path):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"cases": [
        {"sampler": "smote", "rows": 10, "seconds": 1.0, "status": "ok"},
        {"sampler": "smote", "rows": 100, "seconds": 9.0, "status": "ok"},
        {"sampler": "enn", "rows": 10, "seconds": 3.0, "status": "ok"},
        {"sampler": "enn", "rows": 100, "seconds": None, "status": "timeout > 5 s"},
        {"sampler": "imblearn_smote", "rows": 10, "seconds": 1.1, "status": "ok"},
    ]}))
    table = resampling_study.scaling_table(path)
    assert table.loc["smote"].tolist() == [1.0, 9.0, True, "ok"] and list(table.index) == ["smote", "enn"]
    assert table.loc["enn", "10 rows (s)"] == 3.0 and np.isnan(table.loc["enn", "100 rows (s)"])
    assert table.loc["enn", "status"] == "timeout > 5 s" and not table.loc["enn", "scalable"]
    with pytest.raises(FileNotFoundError, match="run benchmarks/resampling.py --json"):
        resampling_study.scaling_table(tmp_path / "missing.json")


def test_categorical_view_feeds_smotenc_and_smoten():
    frame, y = categorical_frame()
    frame = frame.astype({"colour": object})
    frame.loc[0, "colour"], frame.loc[1, "price"] = None, np.nan
    view = resampling_study.categorical_view(frame, ["price"], ["colour", "size"])
    assert view.loc[0, "colour"] == "(missing)" and view.loc[1, "price"] == frame["price"].median()
    assert (view.dtypes[["colour", "size"]] == "category").all()
    _, y_res = make_sampler("smotenc", random_state=0).fit_resample(view, y)
    assert pd.Series(y_res).value_counts().tolist() == [120, 120, 120]
    _, y_res = make_sampler("smoten", random_state=0).fit_resample(view[["colour", "size"]], y)
    assert pd.Series(y_res).value_counts().tolist() == [120, 120, 120]


def test_sampler_verdicts_name_a_sampler_only_beyond_the_fold_noise():
    folds = 5
    base = np.array([0.60, 0.62, 0.58, 0.61, 0.59])
    rows = [{"sampler": s, "model": "logreg", "fold": k, "fit_seconds": 0.1, "macro_f1": v}
            for s, scores in (("none", base), ("smote", base + 0.08 + np.array([0, 0.005, -0.005, 0.002, 0])),
                              ("tomek", base + np.array([0.02, -0.03, 0.01, -0.01, 0.02])))
            for k, v in zip(range(folds), scores)]
    results = pd.DataFrame(rows)
    with pytest.raises(ValueError, match="results.attrs needs n_train and n_test"):
        resampling_findings.sampler_verdicts(results)
    results.attrs.update(n_train=400.0, n_test=100.0)
    verdict = resampling_findings.sampler_verdicts(results)["logreg"]
    expected = evaluation.compare_fold_scores(
        pd.DataFrame({"none+logreg": base, "smote+logreg": results.loc[results["sampler"] == "smote", "macro_f1"].to_numpy(),
                      "tomek+logreg": results.loc[results["sampler"] == "tomek", "macro_f1"].to_numpy()}),
        "none+logreg", 400.0, 100.0).set_index("method")
    assert expected.loc["smote+logreg", "p_value"] < 0.05 <= expected.loc["tomek+logreg", "p_value"]
    assert verdict.best == "smote+logreg" and verdict.best_is_distinguishable
    assert verdict.sentence.startswith("`smote+logreg`: macro-F1 0.680 against 0.600 for `none+logreg`")


# --- the verdicts: r x k repeated folds and the one test ------------------------------------------

DIRECT_LOGREG = {"none": None, "random_over": lambda: RandomOverSampler(random_state=0),
                 "smote": lambda: SMOTE(random_state=0)}


def fold_scores_by_hand(X, y, splitter, samplers):
    """macro-F1 of sampler + logistic regression on each fold of ``splitter``, imbalanced-learn and scikit-learn
    called directly (no library pipeline, no run_experiment)."""
    scores = {s: [] for s in samplers}
    for train, test in splitter.split(X, y):
        for s in samplers:
            X_tr, y_tr = X[train], y[train]
            if DIRECT_LOGREG[s] is not None:
                X_tr, y_tr = DIRECT_LOGREG[s]().fit_resample(X_tr, y_tr)
            pred = LogisticRegression(max_iter=1000).fit(X_tr, y_tr).predict(X[test])
            scores[s].append(f1_score(y[test], pred, average="macro"))
    return pd.DataFrame(scores)


def test_sampler_verdicts_are_the_one_test_on_fold_scores_computed_by_hand():
    X, y = blobs(counts=(90, 30, 15), seed=3)
    samplers = ["none", "random_over", "smote"]
    results = resampling_study.compare_samplers(X, y, samplers, ["logreg"], cv=make_folds(y, None, 3, 0, n_repeats=2),
                                                class_weight_baseline=False, progress=False)
    assert len(results) == 3 * 6 and sorted(set(results["fold"])) == list(range(6))  # every fold of both repeats
    assert results.attrs == {"n_train": 90.0, "n_test": 45.0, "n_repeats": 2, "n_splits": 3,
                             "design": "2 × 3-fold cross-validation"}
    by_hand = fold_scores_by_hand(X, y, RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0), samplers)
    for s in samplers:
        np.testing.assert_allclose(results[results["sampler"] == s].sort_values("fold")["macro_f1"], by_hand[s])
    # Bouckaert & Frank's corrected repeated cross-validation t-test by hand, df = 6 - 1, Holm over the two samplers
    raw, se = {}, {}
    for s in ("random_over", "smote"):
        d = (by_hand[s] - by_hand["none"]).to_numpy()
        se[s] = np.sqrt((1 / 6 + 45 / 90) * d.var(ddof=1))
        raw[s] = 2 * stats.t.sf(abs(d.mean() / se[s]), df=5)
    low, high = sorted(raw, key=raw.get)
    holm = {low: min(1.0, 2 * raw[low])}
    holm[high] = max(holm[low], min(1.0, raw[high]))
    differences = resampling_findings.sampler_differences(results)["logreg"].set_index("method")
    for s in ("random_over", "smote"):
        row = differences.loc[f"{s}+logreg"]
        assert row["difference"] == pytest.approx((by_hand[s] - by_hand["none"]).mean())
        assert row["ttest_p"] == pytest.approx(raw[s]) and row["p_value"] == pytest.approx(holm[s])
        assert row["detectable"] == pytest.approx(stats.t.ppf(1 - 0.05 / 4, 5) * se[s])
    verdict = resampling_findings.sampler_verdicts(results)["logreg"]
    assert verdict.sentence.endswith("(2 × 3-fold cross-validation, corrected repeated cross-validation t-test, "
                                     "Holm-corrected, α = 0.05).")
    better = [s for s in ("random_over", "smote") if holm[s] < 0.05 and differences.loc[f"{s}+logreg", "difference"] > 0]
    assert verdict.best_is_distinguishable == bool(better)
    if not better:
        detectable = np.median([differences.loc[f"{s}+logreg", "detectable"] for s in ("random_over", "smote")])
        assert f"the smallest difference this design detects is about {detectable:.3f}" in verdict.sentence
        assert "no difference" not in verdict.sentence.lower()


def test_a_non_result_says_there_is_not_enough_evidence_and_how_large_a_difference_the_design_detects():
    base = np.array([0.60, 0.62, 0.58, 0.61, 0.59, 0.60])
    noise = np.array([0.03, -0.04, 0.02, -0.01, 0.03, -0.02])
    rows = [{"sampler": s, "model": "logreg", "fold": k, "fit_seconds": 0.1, "macro_f1": v}
            for s, scores in (("none", base), ("tomek", base + noise), ("smote", base + 0.01 - noise))
            for k, v in enumerate(scores)]
    results = pd.DataFrame(rows)
    results.attrs.update(n_train=200.0, n_test=100.0, n_repeats=2, n_splits=3, design="2 × 3-fold cross-validation")
    differences = resampling_findings.sampler_differences(results)["logreg"]
    assert list(differences["method"]) == ["tomek+logreg", "smote+logreg"]  # the run order
    assert differences.attrs["design"] == "2 × 3-fold cross-validation" and differences.attrs["n_repeats"] == 2
    assert (differences["p_value"] > 0.05).all()
    se = np.sqrt((1 / 6 + 100 / 200) * noise.var(ddof=1))  # the same spread for both samplers
    detectable = stats.t.ppf(1 - 0.05 / 4, 5) * se
    verdict = resampling_findings.sampler_verdicts(results)["logreg"]
    assert verdict.best is None
    assert verdict.sentence == (
        "Not enough evidence to separate any method from `none+logreg` on macro-F1: the smallest difference this "
        f"design detects is about {detectable:.3f}. The top scores are `smote+logreg` 0.608; `tomek+logreg` 0.602; "
        "`none+logreg` 0.600 (2 × 3-fold cross-validation, corrected repeated cross-validation t-test, "
        "Holm-corrected, α = 0.05).")
    worked = resampling_study.worked_examples(CASE, random_state=0)
    protocols = ["resample before the split (leaks)", "resample inside each training fold"]
    leak = {"random_over": pd.DataFrame({"mean": [0.95, 0.80], "std": [0.01, 0.02]}, index=protocols)}
    numbers = resampling_findings.resampling_headline(leak, results)
    assert numbers["best_is_distinguishable"] is False and "best_method" not in numbers
    assert {k: numbers[k] for k in ("cv_repeats", "cv_folds", "verdict_test")} == {
        "cv_repeats": 2, "cv_folds": 3, "verdict_test": _stats.VERDICT_TEST}
    assert numbers["smallest_detectable_difference"] == pytest.approx(detectable)
    assert verdict.sentence in resampling_findings.describe_study(worked, leak, results)


def test_the_headline_gives_the_design_and_the_median_detectable_difference_over_the_classifiers():
    X, y = blobs(counts=(90, 30, 15), seed=3)
    results = resampling_study.compare_samplers(X, y, ["none", "random_over", "smote"],
                                                ["logreg", DecisionTreeClassifier(max_depth=3)],
                                                cv=make_folds(y, None, 3, 0, n_repeats=2), progress=False)
    families = resampling_findings.sampler_differences(results)
    assert list(families) == ["logreg", "DecisionTreeClassifier"]
    for model, table in families.items():  # each classifier its own Holm family: 3 comparisons (class_weight too)
        assert len(table) == 3 and set(table["method"]) == {f"{s}+{model}" for s in ("random_over", "smote",
                                                                                     "class_weight")}
    leak = {"smote": pd.DataFrame({"mean": [0.9, 0.8], "std": [0.0, 0.0]},
                                  index=["resample before the split (leaks)", "resample inside each training fold"])}
    numbers = resampling_findings.resampling_headline(leak, results)
    per_family = [_verdicts.smallest_detectable(t) for t in families.values()]
    assert numbers["smallest_detectable_difference"] == pytest.approx(np.median(per_family)) and min(per_family) > 0
    assert (numbers["cv_repeats"], numbers["cv_folds"], numbers["verdict_test"]) == (2, 3, _stats.VERDICT_TEST)
    keys = list(numbers)
    assert keys.index("cv_repeats") == keys.index("best_is_distinguishable") + 1 + ("best_method" in numbers)
    text = resampling_findings.describe_comparison(results)
    none = results[results["sampler"] == "none"].groupby("model")["macro_f1"].mean()
    assert ("- Model choice, without resampling (not a balancing effect): "
            + ", ".join(f"{m} {v:.3f}" for m, v in none.sort_values(ascending=False).items())
            + " mean macro-F1.") in text


# --- every shape runs: a sampler that cannot work on a table is left out with a note --------------


def separated(counts=(60, 20, 12), seed=0):
    """Classes so far apart that every row's neighbours are of its own class: ADASYN finds no neighbour of
    another class and raises ("Not any neigbours belong to the majority class")."""
    X, y = blobs(counts=counts, seed=seed)
    return X + np.array([{"a": 0.0, "b": 50.0, "c": 100.0}[v] for v in y])[:, None], y


def test_a_table_adasyn_cannot_work_on_completes_with_adasyn_left_out():
    X, y = separated()
    with pytest.raises(RuntimeError, match="Not any neigbours belong to the majority class"):
        ADASYN(random_state=0).fit_resample(X, y)  # imbalanced-learn itself cannot
    counts = resampling_study.resample_counts(X, y, ["random_over", "adasyn"], random_state=0)
    assert counts.loc["random_over", ["a", "b", "c"]].tolist() == [60, 60, 60]
    assert counts.loc["adasyn", "error"].startswith("RuntimeError: Not any neigbours belong to the majority class")
    assert counts.loc["adasyn", ["a", "b", "c"]].isna().all()
    frame = resampling_study.projection(X, y, ["random_over", "adasyn"], random_state=0)
    assert set(frame["sampler"]) == {"none", "random_over"}
    assert frame.attrs["failed"]["adasyn"].startswith("RuntimeError: Not any neigbours")
    results = resampling_study.compare_samplers(X, y, ["none", "random_over", "adasyn"], ["logreg"], cv=3,
                                                errors="record", progress=False)
    adasyn = results[results["sampler"] == "adasyn"]
    assert len(adasyn) == 3 and adasyn["macro_f1"].isna().all()
    assert adasyn["error"].str.startswith("RuntimeError: Not any neigbours belong to the majority class").all()
    summary = resampling_study.summarise_comparison(results)
    assert "adasyn" not in summary.index.get_level_values("sampler") and len(summary) == 3
    assert len(summary.attrs["left_out"]) == 1 and summary.attrs["left_out"][0].startswith(
        "- `adasyn` with logreg failed on 3 of 3 fold(s), left out of the comparison: RuntimeError: Not any neigbours "
        "belong to the majority class.")
    text = resampling_findings.describe_comparison(results)
    assert text.endswith(summary.attrs["left_out"][0]) and "- **logreg**: " in text
    leak = resampling_study.leakage_demo(X, y, "adasyn", cv=3)
    assert leak["mean"].isna().all()
    assert leak.attrs["failed"].startswith("RuntimeError: Not any neigbours belong to the majority class")
    worked = resampling_study.worked_examples(CASE, random_state=0)
    study = resampling_findings.describe_study(worked, {"adasyn": leak}, results)
    assert "could not be measured on every fold (`adasyn`: RuntimeError: Not any neigbours" in study


def xor_table(seed=0):
    """Two numeric columns, three classes in tight clusters: ``a`` at (0, 0) and (50, 50), ``b`` at (0, 50) and
    (50, 0), ``c`` at (25, 25). No column alone tells the classes apart (so the report's leak check keeps both),
    yet every row's neighbours are of its own class: ADASYN cannot run on it."""
    rng = np.random.default_rng(seed)
    centres = {"a": [(0, 0), (50, 50)], "b": [(0, 50), (50, 0)], "c": [(25, 25)]}
    rows = [(x + rng.normal(), y + rng.normal(), label)
            for label, n in {"a": 120, "b": 40, "c": 20}.items()
            for (x, y) in (centres[label][i % len(centres[label])] for i in range(n))]
    return pd.DataFrame(rows, columns=["x1", "x2", "kind"])


@pytest.mark.notebooks
@pytest.mark.slow
def test_notebook_03_completes_on_a_table_adasyn_cannot_work_on_and_names_adasyn_left_out(tmp_path):
    from conftest import ROOT

    from ecombalance._reporting import runner

    frame = xor_table()
    with pytest.raises(RuntimeError, match="Not any neigbours belong to the majority class"):
        ADASYN(random_state=0).fit_resample(frame[["x1", "x2"]], frame["kind"])
    path = tmp_path / "xor.csv"
    frame.to_csv(path, index=False)
    result = runner.run_report("smoke", ["03"], tmp_path / "report", notebooks_dir=ROOT / "notebooks",
                               params_dir=ROOT / "params", log=lambda _: None,
                               overrides={"data_path": str(path), "label_col": "kind",
                                          "samplers": ["none", "random_over", "adasyn", "smote"]})
    run = result.runs[0]
    assert run.status == "ok", run.error
    summary = json.loads(result.summary.read_text())["notebooks"][0]
    assert ("- `adasyn` with logreg failed on 2 of 2 fold(s), left out of the comparison: RuntimeError: Not any "
            "neigbours belong to the majority class.") in summary["conclusions"]
    assert summary["headline"]["samplers_compared"] == 3  # none, random_over, smote
    executed = (tmp_path / "report" / "03_resampling.ipynb").read_text()
    # the class-count table names it in its error column (issue 27 replaced the SVD projection by the 2-D toy)
    assert "RuntimeError: Not any neigbours belong to the majority class" in executed
