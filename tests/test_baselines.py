import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, recall_score
from sklearn.model_selection import cross_val_predict

from ecombalance._chapters import baselines
from ecombalance.data import _datasets as datasets
from ecombalance.evaluation import make_folds
from ecombalance.sampling import _imbalance as imbalance


@pytest.fixture(scope="module")
def reports():
    return baselines.compare_baselines(datasets.load(), folds=3, random_state=0)


def test_majority_predictor_scores_the_majority_share(reports):
    assert reports["overall"].loc["majority", "accuracy"] == pytest.approx(400 / 600)
    assert reports["majority"]["recall"].tolist() == [1.0, 0.0, 0.0]


def test_plain_model_shows_the_minority_gap_and_weights_narrow_it(reports):
    plain, weighted = reports["plain"]["recall"], reports["class_weighted"]["recall"]
    assert plain["electronics"] > 0.95
    assert plain["sports_outdoors"] < plain["electronics"] - 0.25  # imbalance visibly hurts the 50-item class
    assert plain["sports_outdoors"] > 0.2  # ... but the class is learnable
    assert weighted["sports_outdoors"] > plain["sports_outdoors"]


def test_the_reports_summarise_scikit_learns_out_of_fold_predictions_on_the_same_folds(reports):
    tbl = datasets.load()
    folds = make_folds(tbl.y, tbl.groups, 3, 0)
    for name, class_weight in (("plain", None), ("class_weighted", "balanced")):
        expected = cross_val_predict(baselines.plain_model(tbl, class_weight, 0), tbl.X, tbl.y, cv=folds)
        pred = baselines.out_of_fold_predictions(tbl, baselines.plain_model(tbl, class_weight, 0), folds=3, random_state=0)
        np.testing.assert_array_equal(pred, expected)
        np.testing.assert_allclose(reports[name]["recall"],
                                   recall_score(tbl.y, expected, labels=tbl.classes, average=None))
        assert reports["overall"].loc[name, "macro_f1"] == pytest.approx(f1_score(tbl.y, expected, average="macro"))
        assert reports["overall"].loc[name, "balanced_accuracy"] == pytest.approx(
            balanced_accuracy_score(tbl.y, expected))


class IndexRecorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and logs the row labels (DataFrame index) it is fitted on and asked about."""

    log: list = []

    def fit(self, X, y):
        IndexRecorder.log.append(("fit", X.index.to_numpy()))
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        IndexRecorder.log.append(("predict", X.index.to_numpy()))
        return np.full(len(X), self.majority_)


def test_out_of_fold_predictions_keep_each_query_on_one_side():
    search = datasets.load("search_log", n_queries=30)
    assert search.group_col == "query_id"
    IndexRecorder.log = []
    baselines.out_of_fold_predictions(search, IndexRecorder(), folds=3, random_state=0)
    fits = [rows for kind, rows in IndexRecorder.log if kind == "fit"]
    predicts = [rows for kind, rows in IndexRecorder.log if kind == "predict"]
    assert len(fits) == len(predicts) == 3
    queries = search.frame["query_id"]
    for fitted, predicted in zip(fits, predicts):
        assert not set(queries.loc[fitted]) & set(queries.loc[predicted])
    np.testing.assert_array_equal(np.sort(np.concatenate(predicts)), np.arange(len(search.frame)))


def test_describe_baselines_and_headline_read_the_reports(reports):
    y = datasets.load().y
    measures = imbalance.summary(y)
    overall, plain, weighted = reports["overall"], reports["plain"], reports["class_weighted"]
    text = baselines.describe_baselines(measures, reports)
    lines = text.split("\n")
    assert len(lines) == 4 and all(line.startswith("- ") for line in lines)
    counts = y.value_counts()
    shares = counts / len(y)
    entropy = -(shares * np.log(shares)).sum() / np.log(len(counts))
    assert lines[0] == (f"- {len(y)} rows in {len(counts)} classes; the largest holds {shares.max():.3f} of them, the "
                        f"smallest {shares.min():.3f} (imbalance ratio {counts.max() / counts.min():.1f}:1, normalised "
                        f"entropy {entropy:.3f}).")
    majority = np.full(len(y), counts.idxmax())
    assert (f"scores accuracy {accuracy_score(y, majority):.3f} with a macro-F1 of "
            f"{f1_score(y, majority, average='macro', zero_division=0):.3f}:") in lines[1]
    assert (f"recall is {plain.loc['electronics', 'recall']:.3f} on the largest class and "
            f"{plain.loc['sports_outdoors', 'recall']:.3f} on `sports_outdoors`: the minority gap") in lines[2]
    assert (f"move that recall to {weighted.loc['sports_outdoors', 'recall']:.3f} (precision "
            f"{plain.loc['sports_outdoors', 'precision']:.3f} → {weighted.loc['sports_outdoors', 'precision']:.3f})"
            ) in lines[3]
    numbers = baselines.baselines_headline(measures, reports)
    assert numbers == {
        "majority_share": pytest.approx(400 / 600), "imbalance_ratio": 8.0,
        "majority_accuracy": pytest.approx(400 / 600), "plain_accuracy": overall.loc["plain", "accuracy"],
        "plain_macro_f1": overall.loc["plain", "macro_f1"],
        "plain_recall_largest": plain.loc["electronics", "recall"],
        "plain_recall_smallest": plain.loc["sports_outdoors", "recall"],
        "weighted_recall_smallest": weighted.loc["sports_outdoors", "recall"],
    }


def _reports(largest: str, smallest: str, majority_accuracy: float, recall: tuple, weighted_recall: tuple):
    """Hand-made reports of two classes: the plain and weighted recall of (largest, smallest)."""
    import pandas as pd

    frame = {name: pd.DataFrame({"recall": r, "precision": [0.5, 0.5]}, index=[largest, smallest])
             for name, r in (("majority", (1.0, 0.0)), ("plain", recall), ("class_weighted", weighted_recall))}
    frame["overall"] = pd.DataFrame({"accuracy": [majority_accuracy, 0.8], "macro_f1": [0.3, 0.7]},
                                    index=["majority", "plain"])
    return frame


def test_describe_baselines_claims_only_what_the_numbers_show():
    from ecombalance.data import _shapes as shapes

    tbl = shapes.shape_table("query_classes", min_class_size=3)  # rare classes merged: "other" is the largest
    measures = imbalance.summary(tbl.y)
    assert tbl.classes[0] == "other"
    text = baselines.describe_baselines(measures, _reports("other", tbl.classes[-1], 0.52, (0.9, 0.85), (0.9, 0.8)))
    assert "`other` is rare classes merged together" in text
    assert "the minority gap" not in text and "no minority gap on this table" in text
    assert "lower than without them" in text
    for forbidden in ("title", "brand", "0.667", "400", "electronics"):
        assert forbidden not in text

    balanced = baselines.describe_baselines(measures, _reports("a", "b", 0.4, (0.9, 0.2), (0.9, 0.6)))
    assert "accuracy alone hides" not in balanced and "on this table accuracy is low too" in balanced
    assert ": the minority gap." in balanced and "higher than without them" in balanced and "merged" not in balanced
    same = baselines.describe_baselines(measures, _reports("a", "b", 0.4, (0.9, 0.2), (0.9, 0.2)))
    assert "move that recall to 0.200" in same and "the same as without them" in same


def test_many_classes_show_as_the_largest_and_smallest_ten():
    from ecombalance.data import _shapes as shapes

    y = shapes.shape_table("query_classes", min_class_size=0).y
    order = y.value_counts().index.tolist()
    assert len(order) > 150
    shown = baselines.shown_classes(y)
    assert shown == order[:10] + order[-10:]
    assert baselines.classes_note(y) == (f"Showing the 10 largest and the 10 smallest of {len(order)} classes "
                                         f"({len(order) - 20} in between left out).")
    assert baselines.shown_classes(["a", "b", "a"]) == ["a", "b"] and baselines.classes_note(["a", "b"]) == ""


# --------------------------------------------------------------------------- text tokens (notebook 01)
@pytest.fixture(scope="module")
def zh_analyzers():
    return baselines.compare_analyzers(datasets.load(lang="zh"), folds=3, random_state=0)


def _text_only_macro_f1(tbl, tfidf, folds=3, seed=0):
    """Independent of the library's pipeline: scikit-learn's TF-IDF of the one text column + logistic regression,
    scored out of fold on the same folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline

    from ecombalance.evaluation._folds import make_folds

    model = make_pipeline(TfidfVectorizer(sublinear_tf=True, max_features=20000, **tfidf),
                          LogisticRegression(max_iter=1000))
    texts = tbl.frame[tbl.text_cols[0]]
    pred = cross_val_predict(model, texts, tbl.y, cv=make_folds(tbl.y, None, folds, seed))
    return f1_score(tbl.y, pred, average="macro")


def test_on_chinese_titles_auto_takes_characters_and_beats_word_tokens_by_a_wide_margin(zh_analyzers):
    assert list(zh_analyzers.index) == ["word", "auto"]
    assert zh_analyzers["resolves_to"].tolist() == ["word", "char"]
    word, auto = zh_analyzers.loc["word"], zh_analyzers.loc["auto"]
    assert auto["macro_f1"] > word["macro_f1"] + 0.15
    assert auto["recall_smallest"] > word["recall_smallest"]
    tbl = datasets.load(lang="zh")
    assert word["macro_f1"] == pytest.approx(_text_only_macro_f1(tbl, {"ngram_range": (1, 2)}), abs=1e-12)
    # default word tokens keep whole unsegmented runs: the example title's tokens are long Chinese strings
    assert any(len(token.strip()) >= 4 for token in word["tokens"].split("|") if not token.strip().isascii())
    assert all(len(token.strip()) <= 2 for token in auto["tokens"].split("|")
               if token.strip() not in ("…",) and not token.strip().isascii())


@pytest.mark.slow
def test_on_english_titles_auto_is_the_word_model_fitted_once():
    tbl = datasets.load()
    analyzers = baselines.compare_analyzers(tbl, folds=3, random_state=0)
    assert analyzers["resolves_to"].tolist() == ["word", "word"]
    assert analyzers.loc["auto", "macro_f1"] == analyzers.loc["word", "macro_f1"] == pytest.approx(
        _text_only_macro_f1(tbl, {"ngram_range": (1, 2)}), abs=1e-12)
    text = baselines.describe_analyzers(analyzers)
    assert text.startswith("- Text `title` holds no Chinese, so `text_analyzer=\"auto\"` keeps")
    assert f"{analyzers.loc['word', 'macro_f1']:.3f}" in text


def test_analyzer_comparison_on_a_sample_says_so_in_its_bullet():
    tbl = datasets.load()  # 600 English titles: the bullet without Chinese must carry the note too
    analyzers = baselines.compare_analyzers(tbl, folds=3, random_state=0, max_rows=300)
    expected = sum(max(min(n, 10), round(n * 300 / 600)) for n in tbl.y.value_counts())
    note = analyzers.attrs["note"]
    assert note == (f"The comparison ran on a sample of {expected} of the table's 600 rows (stratified on "
                    f"'category', every class kept; `baselines.compare_analyzers(max_rows=300)`, 0 for all rows).")
    assert baselines.describe_analyzers(analyzers).endswith(f"tokens). {note}")


def test_analyzer_headline_and_bullet_give_the_measured_numbers(zh_analyzers):
    numbers = baselines.analyzers_headline(zh_analyzers)
    assert numbers == {"text_analyzer": "auto (char)", "macro_f1_word_tokens": zh_analyzers.loc["word", "macro_f1"],
                       "macro_f1_text_analyzer": zh_analyzers.loc["auto", "macro_f1"]}
    text = baselines.describe_analyzers(zh_analyzers)
    change = zh_analyzers.loc["auto", "macro_f1"] - zh_analyzers.loc["word", "macro_f1"]
    assert f"{change:+.3f}: a wide margin" in text and "`text_analyzer=\"auto\"` (char)" in text


def test_analyzer_comparison_of_a_table_without_text_is_empty():
    from dataclasses import replace

    tbl = replace(datasets.load(), text_cols=[])
    analyzers = baselines.compare_analyzers(tbl)
    assert analyzers.empty and baselines.analyzers_headline(analyzers) == {}
    assert baselines.describe_analyzers(analyzers) == ""
