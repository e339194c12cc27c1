import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from ecombalance import evaluation
from ecombalance._chapters import preprocessing
from ecombalance.data import _datasets as datasets
from ecombalance.data import _preprocess as preprocess
from ecombalance.data import _privacy as privacy
from ecombalance.data._table import Table
from ecombalance.evaluation import _folds as folds
from ecombalance.exceptions import DataError
from ecombalance.models import _features as features


def small_table():
    frame = pd.DataFrame({
        "title": ["Red Mug", "red mug!", "Blue Tent", "Blue Tent", "green lamp", "lamp  GREEN", None, "big tent"],
        "price": [10.0, 10.0, 99.0, 99.0, 20.0, 21.0, 15.0, 5000.0],
        "brand": ["a", "a", "b", "b", None, "c", "a", "b"],
        "const": [1] * 8,
        "label": ["x", "x", "y", "y", "x", "x", None, "y"],
    })
    return Table(frame, "label", ["title"], ["price", "const"], ["brand"], None, "small")


def test_clean_reports_every_removal():
    cleaned, report = preprocess.clean(small_table(), outliers="drop", z_threshold=3)
    assert report.rows_in == 8
    assert report.removed_rows == {"no label": 1, "exact duplicate": 1,
                                   "near duplicate (same text up to case/punctuation)": 1,
                                   "outlier in price": 1}
    assert report.rows_out == len(cleaned.frame) == 8 - 4
    assert report.removed_columns == {"const": "constant (1 in every row)"}
    assert "const" not in cleaned.frame.columns and cleaned.numeric_cols == ["price"]
    assert report.missing["brand"] == 1
    table = report.as_frame()
    assert set(table["action"]) >= {"rows removed", "column removed", "missing values"}


def test_outliers_reported_clipped_or_dropped():
    _, report = preprocess.clean(small_table(), outliers="report", z_threshold=3)
    assert report.outliers["price"] == 1
    clipped, _ = preprocess.clean(small_table(), outliers="clip", z_threshold=3)
    assert clipped.frame["price"].max() == 99.0
    with pytest.raises(ValueError, match="outliers must be 'report', 'clip' or 'drop'"):
        preprocess.clean(small_table(), outliers="remove")


def test_robust_z_matches_hand_computation():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0])  # skewed: scored on log1p
    logged = np.log1p(values)
    mad = np.median(np.abs(logged - np.median(logged))) * 1.4826
    np.testing.assert_allclose(preprocess.robust_z(values), np.abs(logged - np.median(logged)) / mad)


def test_skewed_log1p_decides_on_training_rows():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.lognormal(0, 1.5, 500), rng.normal(0, 1, 500)])
    step = features.SkewedLog1p().fit(X)
    assert step.log_columns_.tolist() == [0]
    out = step.transform(X)
    np.testing.assert_allclose(out[:, 0], np.log1p(X[:, 0]))
    np.testing.assert_array_equal(out[:, 1], X[:, 1])


def test_preprocessor_fuses_sources_and_fits_on_training_rows_only():
    tbl = datasets.load()
    train, test = folds.stratified_split(tbl, random_state=0)
    pre = features.make_preprocessor(tbl).fit(train.X)
    tfidf = pre.named_transformers_["text_title"][-1]
    analyse = tfidf.vectorizer_.build_analyzer()
    train_terms = {term for title in train.frame["title"] for term in analyse(title)}
    assert set(tfidf.vocabulary_) <= train_terms
    numeric = pre.named_transformers_["numeric"]
    expected = StandardScaler().fit(numeric[:-1].transform(train.frame[tbl.numeric_cols]))
    np.testing.assert_allclose(numeric[-1].mean_, expected.mean_)
    n_brands = train.frame["brand"].nunique()
    assert pre.transform(test.X).shape[1] == len(tfidf.vocabulary_) + len(tbl.numeric_cols) + n_brands


def test_preprocessor_handles_missing_values_and_arrow_strings():
    tbl = datasets.dirty_copy(datasets.load(), random_state=1)
    assert isinstance(tbl.frame["brand"].dtype, pd.StringDtype)
    X = features.make_preprocessor(tbl).fit_transform(tbl.X)
    assert np.isfinite(X.toarray() if hasattr(X, "toarray") else X).all()


def test_bad_text_encoder():
    with pytest.raises(ValueError, match=r"text must be one of \['tfidf', 'embedding'\]"):
        features.make_preprocessor(datasets.load(), text="bow")


def test_stratified_split_keeps_class_shares():
    tbl = datasets.load()
    train, test = folds.stratified_split(tbl, test_size=0.25, random_state=0)
    assert test.y.value_counts().to_dict() == {"electronics": 100, "home_kitchen": 38, "sports_outdoors": 12}
    assert len(train.frame) + len(test.frame) == 600


def test_group_split_keeps_queries_on_one_side():
    tbl = datasets.load("search_log", n_queries=100)
    train, test = folds.group_split(tbl, random_state=0)
    assert not set(train.groups) & set(test.groups)
    assert len(train.frame) + len(test.frame) == len(tbl.frame)
    with pytest.raises(ValueError, match="has no group column"):
        folds.group_split(datasets.load())


def test_fitting_before_the_split_lets_test_rows_in():
    effects = preprocessing.fit_before_split_effects(datasets.load(), random_state=0)
    assert effects["test_only_terms_in_vocabulary"] > 0
    assert effects["largest_scaler_mean_shift"] > 0


def test_identifiers_found_by_name_and_by_value():
    frame = pd.DataFrame({"user_id": [1, 2], "contact": ["a@b.com", "c@d.org"], "tel": ["+86 138 0013 8000", "010-6552-9988"],
                          "query_id": [1, 2], "title": ["x", "y"]})
    found = privacy.identifier_columns(frame, keep=["query_id"])
    assert found == {"user_id": "its name marks a personal identifier", "contact": "its values are e-mail addresses",
                     "tel": "its values are phone numbers"}
    hashed, notes = privacy.protect_identifiers(frame, keep=["query_id"])
    assert hashed["contact"].tolist() == [privacy._hash("a@b.com"), privacy._hash("c@d.org")]
    assert hashed["query_id"].tolist() == [1, 2] and len(notes) == 3
    dropped, _ = privacy.protect_identifiers(frame, keep=["query_id"], action="drop")
    assert list(dropped.columns) == ["query_id", "title"]


def cleaning_report():
    return preprocess.CleaningReport(
        rows_in=10, rows_out=7, removed_rows={"no label": 1, "exact duplicate": 2},
        removed_columns={"const": "constant (1 in every row)"}, hashed_columns={"email": "e-mail addresses"},
        missing={"brand": 3, "price": 1}, outliers={"price": 2, "rating": 0}, outlier_action="clip")


def test_describe_preprocessing_states_every_number():
    effects = {"train_rows": 6, "test_rows": 2, "test_only_terms_in_vocabulary": 17,
               "test_mean_abs_when_fit_on_train": 0.2468, "test_mean_abs_when_fit_on_all": 0.1234,
               "largest_scaler_mean_shift": 0.04567}
    shares = {"train": pd.Series({"x": 0.5, "y": 0.5}), "test": pd.Series({"x": 0.5, "y": 0.25, "z": 0.25})}
    report = cleaning_report()
    lines = preprocessing.describe_preprocessing(report, effects, shares, n_features=42, n_sources=3).splitlines()
    assert lines[0] == ("- Cleaning took 10 rows to 7: removed 1 no label, 2 exact duplicate. Columns removed: "
                        "`const` (constant (1 in every row)); protected: `email`.")
    assert lines[1] == (f"- {sum(report.missing.values())} missing cells stay in the table and are imputed inside the "
                        f"pipeline; {sum(report.outliers.values())} numeric outliers were found (clip).")
    # shares differ by 0.25 for y and z (z is missing from train); the first largest is reported
    gaps = (shares["train"] - shares["test"]).abs().reindex(shares["test"].index).fillna(shares["test"])
    assert lines[2] == (f"- The fused matrix has 42 columns from 3 sources, fitted on 6 training rows only; the 2 test "
                        f"rows keep the class shares (largest train/test difference {gaps.max():.3f}, for "
                        f"`{gaps.idxmax()}`).")
    assert lines[3].startswith("- Fitting before the split would have put 17 words that occur only in test rows into "
                               f"the vocabulary and moved a scaler's mean by up to "
                               f"{effects['largest_scaler_mean_shift']:.3f} ")
    assert (f"(mean |mean| {effects['test_mean_abs_when_fit_on_all']:.3f} instead of "
            f"{effects['test_mean_abs_when_fit_on_train']:.3f} when fitted on the training rows only).") in lines[3]


def test_describe_preprocessing_without_text_or_numeric_columns():
    report = preprocess.CleaningReport(rows_in=4, rows_out=4)
    shares = pd.DataFrame({"train": [0.75, 0.25], "test": [0.75, 0.25]}, index=["a", "b"])
    text = preprocessing.describe_preprocessing(report, {"train_rows": 3, "test_rows": 1}, shares, 5, 1)
    assert "removed none. Columns removed: none; protected: none." in text
    assert "largest train/test difference 0.000" in text
    assert text.endswith("- The table has no text or numeric columns, so fitting before the split lets nothing "
                         "through.")
    numeric_only = {"train_rows": 3, "test_rows": 1, "test_mean_abs_when_fit_on_train": 0.5,
                    "test_mean_abs_when_fit_on_all": 0.1, "largest_scaler_mean_shift": 1.0}
    text = preprocessing.describe_preprocessing(report, numeric_only, shares, 5, 1)
    assert "- Fitting before the split would have moved a scaler's mean by up to 1.000 " in text
    assert "words" not in text


@pytest.mark.parametrize("identifiers", ["hash", "drop"])
def test_clean_protects_identifier_columns_whose_names_hold_quotes_and_spaces(identifiers):
    emails = ["ann@shop.com", "bo@shop.com", "cy@shop.org", "di@shop.net", "ed@shop.com", "fa@shop.com",
              "gu@shop.com", "hu@shop.com"]
    frame = small_table().frame.assign(**{
        "buyer's email": emails,                                      # found by its name
        'the "contact" of  the buyer': [e.upper() for e in emails],   # found by its values
    })
    tbl = Table(frame, "label", ["title"], ["price", "const"], ["brand"], None, "quoted")
    cleaned, report = preprocess.clean(tbl, identifiers=identifiers)
    done = "hashed" if identifiers == "hash" else "dropped"
    assert report.hashed_columns == {
        "buyer's email": f"{done}: its name marks a personal identifier",
        'the "contact" of  the buyer': f"{done}: its values are e-mail addresses",
    }
    if identifiers == "hash":
        kept = cleaned.frame.set_index("title")
        assert kept.loc["Blue Tent", "buyer's email"] == privacy._hash("cy@shop.org")
        assert kept.loc["Blue Tent", 'the "contact" of  the buyer'] == privacy._hash("CY@SHOP.ORG")
        assert report.removed_columns == {"const": "constant (1 in every row)"}
    else:
        assert not {"buyer's email", 'the "contact" of  the buyer'} & set(cleaned.frame.columns)
        assert report.removed_columns == {"buyer's email": "direct identifier",
                                          'the "contact" of  the buyer': "direct identifier",
                                          "const": "constant (1 in every row)"}
    protected = report.as_frame().query("action == 'column protected'")
    assert sorted(protected["where"]) == sorted(["buyer's email", 'the "contact" of  the buyer'])


def test_protect_identifiers_says_what_it_did_per_column():
    frame = pd.DataFrame({"buyer's email": ["a@b.com", "c@d.org"], "title": ["x", "y"]})
    hashed, protected = privacy.protect_identifiers(frame)
    assert protected == [privacy.ProtectedColumn("buyer's email", "hashed", "its name marks a personal identifier")]
    assert str(protected[0]) == "column \"buyer's email\" hashed: its name marks a personal identifier"
    assert hashed["buyer's email"].tolist() == [privacy._hash("a@b.com"), privacy._hash("c@d.org")]


# --- pair features, splits with single-row classes, where the cleaned data came from ----------------------------

def test_pair_similarity_against_independent_computations():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    train = pd.DataFrame({"left": ["Sony KDL-40V4100 40in LCD TV", "Canon EOS 5D camera", "HP laser printer"],
                          "right": ["sony kdl40v4100 lcd tv black", "canon eos 6d camera", "laser printer hp"]})
    test = pd.DataFrame({"left": ["Sony KDL-40V4100 TV", "", "Bose speaker 2.5"],
                         "right": ["tv kdl-40v4101 sony", "anything", "bose speaker 25"]})
    pairs = features.PairSimilarity().fit(train)
    out = pairs.transform(test)
    assert out.shape == (3, 6) and list(pairs.get_feature_names_out()) == list(features.PairSimilarity.FEATURES)
    texts = pd.concat([train["left"], train["right"]])
    word = TfidfVectorizer(sublinear_tf=True).fit(texts)  # fitted on the training rows' texts of both columns
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
    for j, vectorizer in enumerate((word, char)):
        expected = [cosine_similarity(vectorizer.transform([a]), vectorizer.transform([b]))[0, 0]
                    for a, b in zip(test["left"], test["right"])]
        np.testing.assert_allclose(out[:, j], expected, atol=1e-12)
    # tokens: sony, kdl40v4100, tv | tv, kdl40v4101, sony: 2 shared of 4; the codes differ: a conflict
    np.testing.assert_allclose(out[0, 2:], [2 / 4, 19 / 19, 0.0, 1.0])
    np.testing.assert_allclose(out[1], [0, 0, 0, 0, 0, 0])  # an empty text matches nothing
    # "2.5" and "25" are the same number once the dot is gone: no conflict, codes shared
    np.testing.assert_allclose(out[2, 2:], [1.0, 15 / 16, 1.0, 0.0])


def test_pair_block_in_the_preprocessor_and_its_errors():
    frame = pd.DataFrame({"q": ["red mug", "blue tent", "mug"], "t": ["mug red", "tent", "lamp"],
                          "price": [1.0, 2.0, 3.0], "y": ["a", "b", "a"]})
    tbl = Table(frame, "y", ["q", "t"], ["price"], [], None, "pairs", text_pair=("q", "t"))
    pre = features.make_preprocessor(tbl).fit(tbl.X)
    assert [name for name, _, _ in pre.transformers_][:4] == ["text_q", "text_t", "numeric", "pair"]
    assert pre.transform(tbl.X).shape[1] == len(pre.named_transformers_["text_q"][-1].vocabulary_) + len(
        pre.named_transformers_["text_t"][-1].vocabulary_) + 1 + 6
    assert list(pre.named_transformers_["pair"].get_feature_names_out())[2] == "token_jaccard"
    for bad in (("q", "q"), ("q", "price"), ("q",)):
        with pytest.raises(ValueError, match=r"text_pair .* must name two different text columns of text_cols \['q', 't'\]"):
            features.make_preprocessor(Table(frame, "y", ["q", "t"], ["price"], [], None, "pairs", text_pair=bad))
    empty = pd.DataFrame({"q": ["", None], "t": ["!!", ""]})
    with pytest.raises(ValueError, match=r"text pair \['q', 't'\]: .*hold no words"):
        features.PairSimilarity().fit(empty)
    with pytest.raises(ValueError, match="PairSimilarity compares two text columns, got 3"):
        features.PairSimilarity().fit(frame[["q", "t", "y"]])


def test_stratified_split_names_single_row_classes():
    frame = pd.DataFrame({"x": range(12), "label": ["a"] * 6 + ["b"] * 4 + ["c", "d"]})
    tbl = Table(frame, "label", [], ["x"], [], None, "rare")
    with pytest.raises(DataError, match=r"table 'rare': 2 class\(es\) of 'label' have a single row \(c, d\), so a "
                                        r"stratified split cannot .*min_class_size=5"):
        evaluation.holdout_split(tbl)
    many = Table(pd.DataFrame({"x": range(40), "label": ["a"] * 20 + [f"s{i}" for i in range(20)]}), "label", [],
                 ["x"], [], None, "many")
    with pytest.raises(DataError, match=r"20 class\(es\) .*\(s0, s1, .*, s9, \.\.\. 10 more\)"):
        evaluation.holdout_split(many)


def test_describe_preprocessing_says_where_the_data_came_from():
    report = preprocess.CleaningReport(rows_in=4, rows_out=4)
    shares = pd.DataFrame({"train": [0.75, 0.25], "test": [0.5, 0.5]}, index=["a", "b"])
    effects = {"train_rows": 3, "test_rows": 1}
    assert preprocessing.data_origin(user_data=True, dirt_added=True) == "user"  # a user's file is never dirtied
    assert preprocessing.data_origin(user_data=False, dirt_added=True) == "dirty copy"
    assert preprocessing.data_origin(user_data=False, dirt_added=False) == "generated"
    text = preprocessing.describe_preprocessing(report, effects, shares, 5, 1, origin="user", group_col="household")
    lines = text.splitlines()
    assert lines[0] == preprocessing.DATA_ORIGINS["user"] and "nothing was added" in lines[0]
    assert "the 1 test rows hold whole groups of `household`, so the class shares may move (largest train/test " \
           "difference 0.250, for `a`)" in lines[3]
    dirty = preprocessing.describe_preprocessing(report, effects, shares, 5, 1, origin="dirty copy")
    assert dirty.startswith("- These are the **generated** data with teaching dirt added by `datasets.dirty_copy`")
    assert "keep the class shares" in dirty
