"""Text to tokens and TF-IDF: word tokens for English, character n-grams or jieba words for Chinese mixed with
Latin brands and model codes; "auto" decides per column."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from ecombalance._reporting import cli, datacheck, paths
from ecombalance.data import _datasets as datasets
from ecombalance.data._table import TEXT_ANALYZERS, Table
from ecombalance.exceptions import ParameterError
from ecombalance.models import _features as features
from ecombalance.models import _text_features as text_features
from ecombalance.models._text_features import TextVectorizer, char_ngrams, cjk_share, jieba_words, mixed_runs

VALID = r"\['auto', 'word', 'char', 'jieba'\]"


# --- tokenisers --------------------------------------------------------------------------------------------------

def test_char_ngrams_keep_latin_words_and_codes_whole_and_stay_within_a_chinese_run():
    assert char_ngrams("Apple iPhone 15 Pro 256G 黑色 手机") == [
        "apple", "iphone", "15", "pro", "256g", "黑", "色", "黑色", "手", "机", "手机"]  # no "色手": a space between
    assert char_ngrams("索尼KDL-40V4100电视，5.3英寸") == [
        "索", "尼", "索尼", "kdl-40v4100", "电", "视", "电视", "5.3", "英", "寸", "英寸"]
    assert char_ngrams("好用的!", ngram_range=(2, 3)) == ["好用", "用的", "好用的"]
    assert char_ngrams("  ，。!! ") == [] and char_ngrams("") == []
    # extension A and compatibility ideographs are Chinese too; kana and underscores are not part of a run
    assert mixed_runs("㐀豈 すし_x") == [("㐀豈", True), ("すし", False), ("x", False)]


def test_jieba_words_segment_chinese_runs_and_keep_codes_whole():
    assert jieba_words("华为Mate60 Pro 512G手机，电池很耐用！") == [
        "华为", "mate60", "pro", "512g", "手机", "电池", "很", "耐用"]
    assert jieba_words("KDL-40V4100 电视") == ["kdl-40v4100", "电视"]  # jieba alone splits the code at "-"
    assert jieba_words(" ，。 ") == []


def test_cjk_share_counts_non_empty_texts_with_an_ideograph():
    texts = ["手机壳", "phone case", "", None, np.nan, "㐀", "豈", "すし"]
    assert cjk_share(texts) == 3 / 5  # missing values are empty: 3 of 手机壳, phone case, 㐀, 豈, すし
    assert cjk_share(pd.Series(["", None])) == 0.0 and cjk_share([]) == 0.0
    assert cjk_share(np.array(["Apple iPhone 15 黑色", "Nike Air"], dtype=object)) == 0.5


# --- TextVectorizer -------------------------------------------------------------------------------------------------

def test_auto_resolves_by_the_share_of_chinese_texts():
    english = ["red shoes", "blue bag", "green hat", "black tent"] * 5
    some_chinese = english[:18] + ["红色鞋子", "蓝色包"]  # 2 of 20 = 0.10
    assert TextVectorizer().fit(english).analyzer_ == "word"
    assert TextVectorizer().fit(some_chinese).analyzer_ == text_features.AUTO_CJK_ANALYZER == "char"
    assert TextVectorizer(cjk_threshold=0.2).fit(some_chinese).analyzer_ == "word"
    assert TextVectorizer("jieba").fit(english).analyzer_ == "jieba"  # an explicit choice is kept


def test_auto_on_english_is_exactly_the_previous_word_tfidf():
    titles = datasets.load().frame["title"]
    ours = TextVectorizer().fit(titles)
    before = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=20000, min_df=1).fit(titles)
    assert ours.analyzer_ == "word" and ours.vocabulary_ == before.vocabulary_
    assert (ours.transform(titles) != before.transform(titles)).nnz == 0
    np.testing.assert_array_equal(ours.get_feature_names_out(), before.get_feature_names_out())


def test_preprocessor_on_english_tables_is_unchanged():
    tbl = datasets.load()
    pre = features.make_preprocessor(tbl).fit(tbl.X)
    X = pre.transform(tbl.X)
    before = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=20000, min_df=1)
    text = before.fit(tbl.frame["title"]).transform(tbl.frame["title"])  # fit, then transform, as the pipeline does
    block = pre.output_indices_["text_title"]
    assert (X[:, block] != text).nnz == 0
    search = datasets.load("search_log", n_queries=20)
    pair = features.make_preprocessor(search).fit(search.X).named_transformers_["pair"]
    assert pair.analyzer_ == "word" and pair.word_.vectorizer_.ngram_range == (1, 1)


def test_preprocessor_decides_per_column_and_follows_the_table():
    frame = pd.DataFrame({"title": ["华为手机 Mate60", "小米耳机", "耐克跑步鞋", "优衣库外套"] * 3,
                          "brand": ["Huawei", "Xiaomi", "Nike", "Uniqlo"] * 3, "y": ["a", "b", "c", "d"] * 3})
    tbl = Table(frame, "y", ["title", "brand"], name="zh")
    pre = features.make_preprocessor(tbl).fit(tbl.X)
    assert pre.named_transformers_["text_title"][-1].analyzer_ == "char"
    assert pre.named_transformers_["text_brand"][-1].analyzer_ == "word"
    assert "手机" in pre.named_transformers_["text_title"][-1].vocabulary_
    tbl.text_analyzer = "jieba"
    pre = features.make_preprocessor(tbl).fit(tbl.X)
    assert {pre.named_transformers_[f"text_{c}"][-1].analyzer_ for c in ("title", "brand")} == {"jieba"}
    pre = features.make_preprocessor(tbl, text_analyzer="word").fit(tbl.X)  # the argument wins over the table
    assert "华为手机" in pre.named_transformers_["text_title"][-1].vocabulary_


@pytest.mark.parametrize("analyzer", ["char", "jieba", "word"])
def test_text_vectorizer_pickles_and_clones(analyzer):
    texts = ["华为 Mate60 手机", "小米 蓝牙耳机", "Nike 跑步鞋 42码", ""]
    fitted = TextVectorizer(analyzer, max_features=50).fit(texts)
    again = pickle.loads(pickle.dumps(fitted))
    assert (again.transform(texts) != fitted.transform(texts)).nnz == 0
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params() and not hasattr(twin, "vectorizer_")
    assert (twin.fit_transform(texts) != fitted.transform(texts)).nnz == 0


def test_missing_values_are_empty_texts_and_one_column_frames_are_accepted():
    vec = TextVectorizer("char").fit(pd.DataFrame({"t": ["手机", None, np.nan]}))
    assert vec.transform(["", None]).nnz == 0
    assert sorted(vec.vocabulary_) == ["手", "手机", "机"]


def test_bad_analyzer_empty_texts_and_wrong_shapes_are_named():
    with pytest.raises(ValueError, match=f"text_analyzer must be one of {VALID}, got 'bpe'"):
        TextVectorizer("bpe").fit(["a b"])
    with pytest.raises(ValueError, match=r"analyzer 'word'\): no token in the 3 training texts \(67% empty\)"):
        TextVectorizer().fit(["", None, "a"])  # one-letter words are no word tokens
    with pytest.raises(ValueError, match=r"no token in the 2 training texts .*drop it from text_cols"):
        TextVectorizer("char").fit(["，。", "!!"])
    with pytest.raises(ValueError, match=r"one text column .* shape \(2, 2\)"):
        TextVectorizer().fit(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match=r"one text column .* got str"):
        TextVectorizer().fit("just one string")
    tbl = datasets.load()
    with pytest.raises(ValueError, match=f"text_analyzer must be one of {VALID}, got 'chars'"):
        features.make_preprocessor(tbl, text_analyzer="chars")


# --- PairSimilarity on Chinese pairs -----------------------------------------------------------------------------

def test_pair_similarity_on_chinese_queries_and_titles():
    train = pd.DataFrame({
        "query": ["华为 Mate60 Pro 512G", "小米手机", "苹果耳机", "耐克跑步鞋", "华为P60手机", "索尼降噪耳机"],
        "title": ["华为Mate60 Pro 512G 雅川青 5G手机", "小米14 Ultra 全网通手机", "Apple AirPods Pro 无线蓝牙耳机",
                  "Nike Air Max 270 男款跑步鞋", "华为 P60 Pro 洛可可白 手机", "索尼WH-1000XM5 头戴式降噪耳机"]})
    pairs = features.PairSimilarity().fit(train)
    assert pairs.analyzer_ == "char"
    test = pd.DataFrame({"query": ["华为 Mate60 Pro 512G", "华为 Mate60 Pro 512G", "华为 Mate60 Pro 512G"],
                         "title": ["华为Mate60 Pro 512G 黑色 手机", "耐克 跑步鞋 男款 透气", "华为 P60 Pro 手机"]})
    out = pd.DataFrame(pairs.transform(test), columns=pairs.get_feature_names_out())
    same, other, other_model = out.iloc[0], out.iloc[1], out.iloc[2]
    assert same.word_cosine > 0.6 and other.word_cosine < 0.1
    # tokens of the query: 华 为 华为 mate60 pro 512g; the title adds 黑 色 黑色 手 机 手机: 6 of 12 shared
    assert same.token_jaccard == pytest.approx(6 / 12) and other.token_jaccard == 0.0
    assert (same.code_jaccard, same.code_conflict) == (1.0, 0.0)  # {mate60, 512g} both sides
    assert (other_model.code_jaccard, other_model.code_conflict) == (0.0, 1.0)  # {mate60, 512g} vs {p60}
    # word tokens see "华为mate60" as one token: the Chinese and the code are lost together
    word = features.PairSimilarity(analyzer="word").fit(train)
    assert word.transform(test)[0, 2] < same.token_jaccard


def test_pair_similarity_fit_transform_is_fit_then_transform_with_one_tokenisation():
    from ecombalance.data import _shapes as shapes

    pairs = shapes.generate("product_pairs", 300, random_state=0)[["left_title", "right_title"]]
    for analyzer in ("word", "char"):
        once = features.PairSimilarity(analyzer=analyzer)
        fitted = once.fit_transform(pairs)
        np.testing.assert_allclose(fitted, features.PairSimilarity(analyzer=analyzer).fit(pairs).transform(pairs),
                                   rtol=0, atol=1e-12)
        np.testing.assert_allclose(fitted, once.transform(pairs), rtol=0, atol=1e-12)
    # the cosine columns checked against scikit-learn's TF-IDF directly
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, max_features=20000)
    char.fit(np.concatenate([pairs["left_title"], pairs["right_title"]]))
    left, right = char.transform(pairs["left_title"]), char.transform(pairs["right_title"])
    expected = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    np.testing.assert_allclose(features.PairSimilarity().fit_transform(pairs)[:, 1], expected, atol=1e-12)


def test_pair_similarity_rejects_an_unknown_analyzer():
    pair = pd.DataFrame({"q": ["手机"], "t": ["手机壳"]})
    with pytest.raises(ValueError, match=f"text_analyzer must be one of {VALID}"):
        features.PairSimilarity(analyzer="spaces").fit(pair)


# --- Chinese classification: characters or jieba words beat scikit-learn's word tokens -----------------------------

ASPECTS = {"物流": ["快递很快", "物流太慢", "第二天就到了", "送货及时"], "质量": ["做工精细", "质量很好", "用两天就坏了", "材质一般"],
           "价格": ["性价比高", "价格实惠", "有点贵", "活动很划算"]}
FILLERS = ["总体来说", "给个好评", "还行吧", "下次再来", "非常", "真的", "这次"]


def _reviews(n_rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unsegmented reviews: 2–4 clauses of an aspect's phrases with fillers glued on, so that whole clauses
    (scikit-learn's word tokens) rarely repeat while characters and words do."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(list(ASPECTS), n_rows, p=[0.5, 0.3, 0.2])
    texts = []
    for label in labels:
        clauses = [rng.choice(FILLERS) + rng.choice(ASPECTS[label] if rng.random() < 0.7 else FILLERS)
                   + rng.choice(FILLERS) for _ in range(rng.integers(2, 5))]
        texts.append("，".join(clauses) + "。")
    return np.array(texts, dtype=object), labels


@pytest.mark.slow
def test_on_chinese_reviews_char_and_jieba_beat_word_tokens_by_a_wide_margin():
    texts, y = _reviews(300, seed=0)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    f1 = {a: cross_val_score(make_pipeline(TextVectorizer(a), LogisticRegression(max_iter=1000)), texts, y,
                             cv=folds, scoring="f1_macro").mean() for a in ("word", "char", "jieba")}
    assert f1["char"] > f1["word"] + 0.3 and f1["jieba"] > f1["word"] + 0.3, f1
    assert TextVectorizer().fit(texts).analyzer_ == "char"


# --- the table, load() and the report command -------------------------------------------------------------------

def test_load_sets_and_checks_the_text_analyzer():
    assert datasets.load().text_analyzer == "auto"
    assert datasets.load("search_log", n_queries=5, text_analyzer="char").text_analyzer == "char"
    tables = datasets.load_each(["documented_case", "search_log"], n_queries=5, text_analyzer="jieba")
    assert {t.text_analyzer for t in tables.values()} == {"jieba"}
    assert datasets.load().subset([0, 1]).text_analyzer == "auto"
    for call in (lambda: datasets.load(text_analyzer="bert"), lambda: datasets.load_each(["documented_case"],
                                                                                         text_analyzer="bert")):
        with pytest.raises(ValueError, match=f"text_analyzer must be one of {VALID}, got 'bert'"):
            call()
    assert TEXT_ANALYZERS == ("auto", "word", "char", "jieba")


def test_text_analyzer_option_sets_the_notebook_parameter_with_or_without_data(tmp_path):
    parser = cli._parser()
    args = parser.parse_args(["report", "--text-analyzer", "char"])
    assert datacheck.data_overrides(args, cwd=tmp_path) == {"text_analyzer": "char"}
    args = parser.parse_args(["report", "--data", "x.csv", "--label-col", "y", "--text-analyzer", "jieba"])
    assert datacheck.data_overrides(args, cwd=tmp_path) == {"data_path": str(tmp_path / "x.csv"), "label_col": "y",
                                                            "text_analyzer": "jieba"}
    assert "text_analyzer" not in datacheck.data_overrides(parser.parse_args(["report"]), cwd=tmp_path)
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "--text-analyzer", "bpe"])


@pytest.mark.slow
def test_text_analyzer_reaches_the_table_check(tmp_path):
    path = tmp_path / "zh.csv"
    pd.DataFrame({"标题": ["华为手机", "小米耳机", "耐克跑步鞋"] * 6, "类别": ["手机", "耳机", "鞋"] * 6}).to_csv(path, index=False)
    notebook = paths.notebooks_dir() / "01_documented_case.ipynb"
    planned = {notebook: {"data_path": str(path), "label_col": "类别", "text_cols": ["标题"],
                                            "text_analyzer": "jieba"}}
    lines = []
    assert datacheck.check_table(planned, cwd=tmp_path, log=lines.append) == {"data_path": str(path)}
    assert "18 rows" in lines[0]
    planned[notebook]["text_analyzer"] = "jeba"  # e.g. from a parameter file: load() checks it
    with pytest.raises(ParameterError, match=f"text_analyzer must be one of {VALID}, got 'jeba'"):
        datacheck.check_table(planned, cwd=tmp_path, log=lines.append)


@pytest.mark.slow
def test_benchmark_script_measures_every_analyzer_on_the_generated_chinese_titles():
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        import text_analyzers
    finally:
        sys.path.pop(0)
    case = datasets.documented_case(0, lang="zh")
    results = text_analyzers.evaluate(text_features.as_text(case["title"]), case["category"].to_numpy())
    assert list(results) == ["word", "char", "jieba"]
    assert results["char"]["macro_f1"] > results["word"]["macro_f1"] + 0.1
    assert all(0 < r["macro_f1"] <= 1 and 0 < r["balanced_accuracy"] <= 1 for r in results.values())
