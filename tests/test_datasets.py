from collections import Counter

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from ecombalance.data import _datasets as datasets
from ecombalance.data import _loaders as loaders


def test_documented_case_has_exactly_400_150_50():
    df = datasets.documented_case(random_state=0)
    assert df["category"].value_counts().to_dict() == {"electronics": 400, "home_kitchen": 150, "sports_outdoors": 50}
    assert list(df.columns) == ["product_id", "title", "brand", *datasets.CASE_NUMERIC, "category"]
    assert df.notna().all().all() and df["product_id"].is_unique


def test_committed_csv_is_what_the_generator_makes():
    committed = pd.read_csv(ROOT / "data" / "documented_case.csv")
    regenerated = datasets.documented_case(random_state=0)
    pd.testing.assert_frame_equal(committed, regenerated, check_dtype=False)


def test_generators_repeat_by_seed_and_differ_across_seeds():
    pd.testing.assert_frame_equal(datasets.documented_case(3), datasets.documented_case(3))
    assert not datasets.documented_case(3)["title"].equals(datasets.documented_case(4)["title"])
    pd.testing.assert_frame_equal(datasets.search_log(50, 5, random_state=1), datasets.search_log(50, 5, random_state=1))
    assert not datasets.search_log(50, 5, random_state=1).equals(datasets.search_log(50, 5, random_state=2))


def test_categories_share_vocabulary_so_the_case_is_not_trivial():
    df = datasets.documented_case(0)
    words = {c: set(" ".join(g["title"]).lower().split()) for c, g in df.groupby("category")}
    small = words["sports_outdoors"]
    assert len(small & (words["electronics"] | words["home_kitchen"])) / len(small) > 0.8


def test_search_log_columns_proportions_and_clicks():
    log = datasets.search_log(n_queries=2000, products_per_query=10, random_state=0)
    assert len(log) == 20000
    for col in ["query_id", "query", "product_title", "brand", "category", "price", "text_overlap",
                "category_match", "price_ratio", "hist_ctr", "esci_label", "clicked"]:
        assert col in log.columns
    shares = log["esci_label"].value_counts(normalize=True)
    for label, expected in zip(datasets.ESCI_LABELS, datasets.ESCI_SHARES):
        assert shares[label] == pytest.approx(expected, abs=0.02)
    assert 0.01 <= log["clicked"].mean() <= 0.05
    assert log.groupby("query_id")["query"].nunique().eq(1).all()


def test_search_log_text_overlap_is_the_jaccard_of_the_words():
    log = datasets.search_log(100, 10, random_state=5)
    for _, row in log.sample(50, random_state=0).iterrows():
        q, t = set(row["query"].split()), set(row["product_title"].lower().split())
        assert row["text_overlap"] == pytest.approx(len(q & t) / len(q | t), abs=1e-4)


def test_search_log_labels_follow_the_pair():
    log = datasets.search_log(3000, 10, random_state=0)
    # exact matches share the query's words far more than irrelevant items, which never share a category
    by_label = log.groupby("esci_label")["text_overlap"].mean()
    assert by_label["E"] > by_label["S"] > by_label["I"]
    assert log.loc[log["esci_label"] == "E", "category_match"].mean() > 0.9
    assert log.groupby("esci_label")["hist_ctr"].mean()["E"] > log.groupby("esci_label")["hist_ctr"].mean()["I"]


def test_search_log_bad_sizes():
    with pytest.raises(ValueError, match="n_queries must be a positive int, got 0"):
        datasets.search_log(0)
    with pytest.raises(ValueError, match="products_per_query must be a positive int, got 2.5"):
        datasets.search_log(10, 2.5)


def test_search_log_strings_reach_sklearn_and_imblearn():
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder

    log = datasets.search_log(40, 5, random_state=0)
    assert isinstance(log["query"].dtype, pd.StringDtype)  # pandas 3: Arrow-backed strings
    assert TfidfVectorizer().fit_transform(log["product_title"]).shape[0] == 200
    assert OneHotEncoder().fit_transform(log[["brand", "category"]]).shape[0] == 200
    _, y = RandomUnderSampler(random_state=0).fit_resample(log[["price"]], log["esci_label"])
    assert y.value_counts().nunique() == 1


def test_load_dispatches_and_explains():
    assert datasets.load().name == "documented_case"
    clicks = datasets.load("search_log", label_col="clicked", n_queries=20)
    assert clicks.label == "clicked" and "esci_label" not in clicks.frame.columns
    assert clicks.group_col == "query_id"
    with pytest.raises(ValueError, match=r"unknown dataset 'x'; choose one of \['documented_case', 'search_log'\]"):
        datasets.load("x")
    with pytest.raises(ValueError, match="needs label_col"):
        datasets.load(data_path="a.csv")


def test_table_views():
    tbl = datasets.load()
    assert tbl.classes == ["electronics", "home_kitchen", "sports_outdoors"]
    assert list(tbl.X.columns) == tbl.feature_cols and tbl.label not in tbl.X.columns
    sub = tbl.subset(np.arange(10))
    assert len(sub.frame) == 10 and sub.label == tbl.label


def test_dirty_copy_adds_what_it_says():
    tbl = datasets.load()
    dirty = datasets.dirty_copy(tbl, random_state=0)
    assert len(dirty.frame) == 660
    assert dirty.frame["price"].max() > 10 * tbl.frame["price"].max()
    assert dirty.frame[tbl.numeric_cols].isna().sum().sum() > 0
    assert dirty.frame["source"].nunique() == 1 and dirty.frame["customer_email"].str.contains("@").all()


@pytest.mark.slow
def test_a_million_rows_in_bounded_memory():
    log = datasets.search_log(100_000, 10, random_state=0)
    assert len(log) == 1_000_000
    assert log.memory_usage(deep=True).sum() < 400e6


def test_load_each_defaults_or_the_users_table(tmp_path):
    both = datasets.load_each(["documented_case", "search_log"], n_queries=20)
    assert list(both) == ["documented_case", "search_log"]
    path = tmp_path / "u.csv"
    pd.DataFrame({"t": ["a b", "b c", "c d", "d e"], "y": ["x", "x", "y", "y"]}).to_csv(path, index=False)
    assert list(datasets.load_each(["documented_case"], str(path), "y", ["t"])) == ["u.csv"]
    with pytest.raises(ValueError, match=r"dataset names \['nope'\] are not in"):
        datasets.load_each(["nope"])


def test_load_and_load_each_pass_the_user_options_to_the_checked_loader(tmp_path):
    path = tmp_path / "pairs.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"left": [f"sku {i % 5} blue" for i in range(40)], "right": [f"sku {i % 7} blue" for i in range(40)],
                  "price": rng.normal(size=40), "stock": rng.integers(0, 9, 40), "match": [0, 1] * 20,
                  }).to_csv(path, index=False, encoding="utf-8-sig")
    options = dict(text_pair=["left", "right"], exclude_cols=["price"], min_class_action="drop", min_class_size=2)
    tbl = datasets.load(data_path=str(path), label_col="match", **options)
    assert tbl.text_pair == ("left", "right") and tbl.text_cols == ["left", "right"]
    assert tbl.feature_cols == ["left", "right", "stock"] and tbl.left_out == {"price": "excluded by exclude_cols"}
    each = datasets.load_each(["documented_case"], str(path), "match", **options)
    assert list(each) == ["pairs.csv"] and each["pairs.csv"].text_pair == ("left", "right")
    only = datasets.load(data_path=str(path), label_col="match", feature_cols=["price"])
    assert only.feature_cols == ["price"]
    # the generated datasets ignore the options meant for a user's file
    assert datasets.load_each(["documented_case"], **options)["documented_case"].text_pair is None


def test_search_log_is_a_text_pair_with_gains_only_for_its_relevance_label():
    relevance = datasets.search_table(n_queries=5)
    assert relevance.text_pair == ("query", "product_title") and relevance.gains == loaders.ESCI_GAINS
    clicks = datasets.search_table(n_queries=5, label="clicked")
    assert clicks.text_pair == ("query", "product_title") and clicks.gains is None
    assert datasets.case_table().text_pair is None and datasets.case_table().gains is None


# --- Chinese (lang="zh") ---------------------------------------------------------------------------------------

CJK = r"[\u4e00-\u9fff]"


def _cv_macro_f1(texts, labels, vectorizer, seed=0):
    """Macro-F1 of TF-IDF + plain logistic regression, 5-fold stratified CV."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(vectorizer, LogisticRegression(max_iter=1000))
    pred = cross_val_predict(model, texts, labels, cv=StratifiedKFold(5, shuffle=True, random_state=seed))
    return f1_score(labels, pred, average="macro")


def test_chinese_case_is_the_same_products_with_chinese_titles():
    zh, en = datasets.documented_case(0, lang="zh"), datasets.documented_case(0)
    assert zh["category"].value_counts().to_dict() == datasets.CASE_COUNTS
    assert list(zh.columns) == list(en.columns)
    pd.testing.assert_frame_equal(zh.drop(columns=["title", "brand"]), en.drop(columns=["title", "brand"]))
    assert zh["title"].str.contains(CJK).all() and zh["brand"].str.contains(CJK).mean() > 0.7
    assert zh["title"].str.contains(r"[A-Za-z]{3,}").mean() > 0.2  # English brands and model codes
    assert zh["title"].str.contains(r"\b(?:Anker|JBL|Sony|SUPOR|Xiaomi)\b|Pro|Max|mAh|Type-C").any()
    spaces = zh["title"].str.count(" ")
    assert 0.2 < (spaces == 0).mean() < 0.7 and (spaces >= 3).mean() > 0.1  # run together and spaced titles
    assert datasets.documented_case(0, lang="en").equals(en)


def test_committed_chinese_csv_is_what_the_generator_makes():
    committed = pd.read_csv(ROOT / "data" / "documented_case_zh.csv", encoding="utf-8")
    pd.testing.assert_frame_equal(committed, datasets.documented_case(0, lang="zh"), check_dtype=False)


def test_chinese_generators_repeat_by_seed_and_differ_across_seeds():
    pd.testing.assert_frame_equal(datasets.documented_case(3, "zh"), datasets.documented_case(3, "zh"))
    assert not datasets.documented_case(3, "zh")["title"].equals(datasets.documented_case(4, "zh")["title"])
    pd.testing.assert_frame_equal(datasets.search_log(50, 5, 1, "zh"), datasets.search_log(50, 5, 1, "zh"))
    assert not datasets.search_log(50, 5, 1, "zh")["query"].equals(datasets.search_log(50, 5, 2, "zh")["query"])


def test_chinese_categories_share_nouns_and_characters():
    df = datasets.documented_case(0, "zh")
    for noun in ["保温杯", "蓝牙音箱", "智能手表", "运动相机", "瑜伽垫"]:
        holders = df.loc[df["title"].str.contains(noun), "category"].unique()
        assert len(holders) >= 2, f"{noun} only in {holders}"
    chars = {c: set("".join(g["title"])) for c, g in df.groupby("category")}
    small = chars["sports_outdoors"]
    assert len(small & (chars["electronics"] | chars["home_kitchen"])) / len(small) > 0.8
    # most of the small class's character bigrams (as written, counted with repeats) occur in the others too
    counts = {c: Counter(t[i:i + 2] for t in g["title"] for i in range(len(t) - 1)) for c, g in df.groupby("category")}
    others = set(counts["electronics"]) | set(counts["home_kitchen"])
    shared = sum(n for gram, n in counts["sports_outdoors"].items() if gram in others)
    assert shared / sum(counts["sports_outdoors"].values()) > 0.65


@pytest.mark.slow
def test_chinese_case_is_about_as_hard_as_the_english_one_for_character_ngrams():
    """Measured (seed 0): English word TF-IDF 0.800, Chinese character 1–2-grams 0.684, Chinese with the default
    word tokens 0.544 (a run of characters is one token)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    en, zh = datasets.documented_case(0), datasets.documented_case(0, "zh")
    english = _cv_macro_f1(en["title"], en["category"], TfidfVectorizer())
    chinese = _cv_macro_f1(zh["title"], zh["category"], TfidfVectorizer(analyzer="char", ngram_range=(1, 2)))
    default = _cv_macro_f1(zh["title"], zh["category"], TfidfVectorizer())
    assert english - 0.13 < chinese < english  # within about 0.1, and still hard
    assert 0.6 < chinese and default < chinese - 0.1


def _bigram_jaccard(query, title):
    q, t = ("".join(s.lower().split()) for s in (query, title))
    a, b = {q[i:i + 2] for i in range(len(q) - 1)}, {t[i:i + 2] for i in range(len(t) - 1)}
    return len(a & b) / len(a | b)


def test_chinese_search_log_same_relations_chinese_texts_and_bigram_overlap():
    zh, en = datasets.search_log(300, 10, random_state=5, lang="zh"), datasets.search_log(300, 10, random_state=5)
    assert list(zh.columns) == list(en.columns) and zh["text_overlap"].dtype == en["text_overlap"].dtype
    texts = ["query", "product_title", "brand", "text_overlap"]
    pd.testing.assert_frame_equal(zh.drop(columns=texts), en.drop(columns=texts))
    assert zh["query"].str.contains(CJK).all() and zh["product_title"].str.contains(CJK).all()
    assert (zh["query"].str.count(" ") == 0).mean() > 0.5 and (zh["product_title"].str.count(" ") == 0).mean() > 0.3
    for _, row in zh.sample(60, random_state=0).iterrows():
        assert row["text_overlap"] == pytest.approx(_bigram_jaccard(row["query"], row["product_title"]), abs=1e-4)
    by_label = datasets.search_log(3000, 10, random_state=0, lang="zh").groupby("esci_label")["text_overlap"].mean()
    assert by_label["E"] > 2 * by_label["S"] and by_label["S"] > 1.5 * by_label["I"]


def test_load_in_chinese_and_a_clear_error_for_other_languages(tmp_path):
    case = datasets.load("documented_case", lang="zh")
    assert case.name == "documented_case (zh)" and case.frame["title"].str.contains(CJK).all()
    log = datasets.load("search_log", n_queries=10, lang="zh")
    assert log.name == "search_log (zh)" and log.text_pair == ("query", "product_title")
    both = datasets.load_each(["documented_case", "search_log"], n_queries=10, lang="zh")
    assert [t.name for t in both.values()] == ["documented_case (zh)", "search_log (zh)"]
    assert datasets.load(lang="en").name == "documented_case"
    for call in (lambda: datasets.load(lang="cn"), lambda: datasets.load_each(["search_log"], lang="fr"),
                 lambda: datasets.documented_case(0, lang="ZH"), lambda: datasets.search_log(5, lang=None)):
        with pytest.raises(ValueError, match=r"lang must be one of \['en', 'zh'\]"):
            call()
    path = tmp_path / "u.csv"  # a user's file is read as it is: lang is only checked
    pd.DataFrame({"t": ["a b", "b c", "c d", "d e"], "y": ["x", "x", "y", "y"]}).to_csv(path, index=False)
    assert datasets.load(data_path=str(path), label_col="y", text_cols=["t"], lang="zh").name == "u.csv"
