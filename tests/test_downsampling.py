import numpy as np
import pandas as pd
import pytest

from ecombalance.data import _datasets as datasets
from ecombalance.sampling import _downsampling as downsampling


@pytest.fixture(scope="module")
def clicks():
    return datasets.search_log(n_queries=4000, products_per_query=10, random_state=0)


def test_negative_downsampling_keeps_positives_and_a_share_w_of_negatives(clicks):
    w = 0.1
    sample = downsampling.negative_downsample(clicks, "clicked", rate=w, random_state=1)
    pos, neg = int(clicks["clicked"].sum()), int((clicks["clicked"] == 0).sum())
    assert int(sample["clicked"].sum()) == pos
    kept_neg = int((sample["clicked"] == 0).sum())
    sd = np.sqrt(neg * w * (1 - w))
    assert abs(kept_neg - neg * w) < 4 * sd
    assert sample.index.isin(clicks.index).all() and sample.index.is_unique  # rows, not copies


def test_downsampling_repeats_by_seed(clicks):
    a = downsampling.negative_downsample(clicks, rate=0.2, random_state=7)
    b = downsampling.negative_downsample(clicks, rate=0.2, random_state=7)
    c = downsampling.negative_downsample(clicks, rate=0.2, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.index.equals(c.index)


def test_importance_weights(clicks):
    sample = downsampling.negative_downsample(clicks, rate=0.25, random_state=0, weight_col="w")
    assert set(sample.loc[sample["clicked"] == 1, "w"]) == {1.0}
    assert set(sample.loc[sample["clicked"] == 0, "w"]) == {4.0}
    # weighted negatives estimate the original count
    assert sample.loc[sample["clicked"] == 0, "w"].sum() == pytest.approx((clicks["clicked"] == 0).sum(), rel=0.05)


def test_stratified_sample_matches_fractions():
    frame = pd.DataFrame({"y": ["a"] * 20000 + ["b"] * 5000 + ["c"] * 100})
    sample = downsampling.stratified_sample(frame, "y", {"a": 0.1, "b": 0.5}, random_state=0)
    counts = sample["y"].value_counts()
    assert abs(counts["a"] - 2000) < 4 * np.sqrt(20000 * 0.1 * 0.9)
    assert abs(counts["b"] - 2500) < 4 * np.sqrt(5000 * 0.25)
    assert "c" not in counts  # classes not named are dropped, as in Spark's sampleBy


@pytest.mark.parametrize("rate", [0, 1.5, -0.1, "0.1", True])
def test_bad_rates(clicks, rate):
    with pytest.raises(ValueError, match=r"rate w must be a number in \(0, 1\]"):
        downsampling.negative_downsample(clicks, rate=rate)


def test_bad_labels_and_columns():
    with pytest.raises(KeyError, match="label column 'click' not found"):
        downsampling.negative_downsample(pd.DataFrame({"clicked": [0, 1]}), "click")
    with pytest.raises(ValueError, match="must hold 0/1 click labels"):
        downsampling.negative_downsample(pd.DataFrame({"clicked": [0, 2]}), "clicked")
    with pytest.raises(ValueError, match="1 missing labels"):
        downsampling.negative_downsample(pd.DataFrame({"clicked": [0, 1, None]}), "clicked")
    with pytest.raises(ValueError, match="fraction for class 'a' must be in"):
        downsampling.stratified_sample(pd.DataFrame({"y": ["a"]}), "y", {"a": 2})
    with pytest.raises(ValueError, match=r"engine must be one of \['pandas', 'spark'\]"):
        downsampling.downsample(pd.DataFrame({"clicked": [0, 1]}), engine="dask")


@pytest.mark.parametrize("dtype", [bool, "boolean", float])
def test_bool_and_float_click_labels_sample_like_0_1_labels(clicks, dtype):
    data = clicks[["query_id", "clicked"]]
    as_int = downsampling.negative_downsample(data, rate=0.2, random_state=5, weight_col="w")
    other = downsampling.negative_downsample(data.astype({"clicked": dtype}), rate=0.2, random_state=5, weight_col="w")
    assert len(other) > int(data["clicked"].sum()) > 0  # every click and some of the non-clicks
    assert other.index.equals(as_int.index)  # the same rows: True is a click, as 1 is
    assert other["w"].tolist() == as_int["w"].tolist()
    assert int(other["clicked"].sum()) == int(data["clicked"].sum())


def test_string_labels_are_not_clicks():
    with pytest.raises(ValueError, match=r"must hold 0/1 click labels, found \['0', '1'\]"):
        downsampling.negative_downsample(pd.DataFrame({"clicked": ["0", "1"]}))


SPARK_OK, SPARK_WHY = downsampling.spark_available()


@pytest.fixture(scope="module")
def spark():
    if not SPARK_OK:
        pytest.skip(SPARK_WHY)
    session = downsampling.spark_session("local[2]")
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_and_pandas_agree_within_sampling_error(spark, clicks):
    data = clicks[["query_id", "price", "clicked"]]
    sdf = spark.createDataFrame(data)
    assert downsampling.label_counts_spark(sdf, "clicked").to_dict() == data["clicked"].value_counts().to_dict()
    w = 0.1
    spark_counts = downsampling.label_counts_spark(downsampling.downsample(sdf, rate=w, random_state=3, engine="spark"), "clicked")
    pandas_counts = downsampling.label_counts(downsampling.downsample(data, rate=w, random_state=3), "clicked")
    assert spark_counts[1] == pandas_counts[1] == int(data["clicked"].sum())
    neg = int((data["clicked"] == 0).sum())
    sd = np.sqrt(neg * w * (1 - w))
    # two independent Bernoulli draws: their difference has sd sqrt(2) * sd
    assert abs(spark_counts[0] - pandas_counts[0]) < 4 * np.sqrt(2) * sd
    assert abs(spark_counts[0] - neg * w) < 4 * sd


@pytest.mark.slow
def test_spark_stratified_sampling(spark):
    frame = pd.DataFrame({"y": ["E"] * 6000 + ["S"] * 2000 + ["C"] * 300, "x": np.arange(8300)})
    sample = downsampling.stratified_sample_spark(spark.createDataFrame(frame), "y", {"E": 0.05, "S": 0.15, "C": 1.0}, random_state=0)
    counts = downsampling.label_counts_spark(sample, "y")
    assert counts["C"] == 300
    assert abs(counts["E"] - 300) < 4 * np.sqrt(6000 * 0.05 * 0.95)
    assert abs(counts["S"] - 300) < 4 * np.sqrt(2000 * 0.15 * 0.85)
    with pytest.raises(KeyError, match="label column 'z' not found"):
        downsampling.label_counts_spark(sample, "z")


def test_spark_unavailable_reason_is_clear(monkeypatch):
    monkeypatch.setattr(downsampling.shutil, "which", lambda name: None)
    if downsampling.spark_available()[1].startswith("pyspark is not installed"):
        pytest.skip("pyspark not installed: the Java check is not reached")
    ok, why = downsampling.spark_available()
    assert not ok and "Java 17" in why
    with pytest.raises(RuntimeError, match="no Java runtime"):
        downsampling.spark_session()


@pytest.mark.slow
def test_spark_downsampling_checks_labels_and_columns_like_pandas(spark):
    with pytest.raises(KeyError, match=r"label column 'click' not found; the columns are \['clicked'\]"):
        downsampling.negative_downsample_spark(spark.createDataFrame(pd.DataFrame({"clicked": [0, 1]})), "click")
    with pytest.raises(ValueError, match=r"must hold 0/1 click labels, found \[0, 2\]"):
        downsampling.negative_downsample_spark(spark.createDataFrame(pd.DataFrame({"clicked": [0, 2]})))
    with pytest.raises(ValueError, match="column 'clicked' has 1 missing labels"):
        downsampling.negative_downsample_spark(spark.createDataFrame([(0,), (1,), (None,)], "clicked int"))
    with pytest.raises(ValueError, match=r"rate w must be a number in \(0, 1\]"):
        downsampling.negative_downsample_spark(spark.createDataFrame(pd.DataFrame({"clicked": [0, 1]})), rate=0)
    with pytest.raises(KeyError, match="label column 'z' not found"):
        downsampling.stratified_sample_spark(spark.createDataFrame(pd.DataFrame({"y": [0, 1]})), "z", {0: 0.5})


@pytest.mark.slow
def test_spark_bool_click_labels(spark):
    frame = pd.DataFrame({"clicked": [True] * 500 + [False] * 5000, "x": np.arange(5500)})
    w = 0.1
    counts = downsampling.label_counts_spark(
        downsampling.negative_downsample_spark(spark.createDataFrame(frame), rate=w, random_state=0), "clicked")
    assert counts[True] == 500
    assert abs(counts[False] - 5000 * w) < 4 * np.sqrt(5000 * w * (1 - w))
