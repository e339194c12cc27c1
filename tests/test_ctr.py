import numpy as np
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from ecombalance.chapters import ctr
from ecombalance.data import datasets, preprocess
from ecombalance.sampling import downsampling


@pytest.fixture(scope="module")
def split():
    tbl = datasets.load("search_log", label_col="clicked", n_queries=6000)
    return preprocess.group_split(tbl, seed=0)


@pytest.fixture(scope="module")
def study(split):
    return ctr.downsampling_study(*split, rates=(1.0, 0.1), seed=0)


def value(metrics, rate, calibration, metric):
    row = metrics[(metrics.rate == rate) & (metrics.calibration == calibration) & (metrics.metric == metric)]
    return float(row["value"].iloc[0])


def test_downsampled_model_overpredicts_and_recalibration_repairs_it(study, split):
    metrics, _ = study
    observed = split[1].y.mean()
    assert value(metrics, 0.1, "raw", "mean_predicted") > 3 * observed
    assert value(metrics, 0.1, "recalibrated", "mean_predicted") == pytest.approx(observed, rel=0.2)
    assert value(metrics, 0.1, "recalibrated", "ece") < value(metrics, 0.1, "raw", "ece") / 5
    assert value(metrics, 0.1, "recalibrated", "log_loss") < value(metrics, 0.1, "raw", "log_loss")
    # recalibrated log-loss is close to the model trained on every row
    assert value(metrics, 0.1, "recalibrated", "log_loss") == pytest.approx(value(metrics, 1.0, "raw", "log_loss"), rel=0.03)


def test_ranking_is_unchanged_by_recalibration(study, split):
    metrics, predictions = study
    p, q = predictions[0.1]
    assert value(metrics, 0.1, "raw", "roc_auc") == value(metrics, 0.1, "recalibrated", "roc_auc")
    assert value(metrics, 0.1, "raw", "roc_auc") == pytest.approx(roc_auc_score(split[1].y, p))
    np.testing.assert_allclose(q, p / (p + (1 - p) / 0.1))


def test_training_rows_shrink_with_the_rate(study, split):
    metrics, _ = study
    train = split[0]
    assert value(metrics, 1.0, "-", "train_rows") == len(train.frame)
    assert value(metrics, 0.1, "-", "train_rows") < 0.2 * len(train.frame)
    assert value(metrics, 0.1, "-", "train_positive_rate") > 3 * train.y.mean()


def test_click_metrics_match_sklearn():
    rng = np.random.default_rng(0)
    y, p = rng.random(500) < 0.1, rng.random(500) * 0.3
    m = ctr.click_metrics(y, p)
    assert m["log_loss"] == pytest.approx(log_loss(y, p))
    assert m["observed_rate"] == pytest.approx(y.mean()) and m["mean_predicted"] == pytest.approx(p.mean())
    bins = np.minimum((p * 10).astype(int), 9)  # equal-width bins by hand
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins))
    assert m["ece"] == pytest.approx(ece)


def test_unknown_engine(split):
    with pytest.raises(ValueError, match=r"engine must be one of \['pandas', 'spark'\]"):
        ctr.downsampling_study(*split, engine="ray")


@pytest.mark.skipif(not downsampling.spark_available()[0], reason=downsampling.spark_available()[1] or "spark")
def test_spark_engine_gives_the_same_picture(split):
    spark = downsampling.spark_session()
    metrics, _ = ctr.downsampling_study(*split, rates=(0.1,), engine="spark", spark=spark)
    observed = split[1].y.mean()
    assert value(metrics, 0.1, "recalibrated", "mean_predicted") == pytest.approx(observed, rel=0.25)
    assert value(metrics, 0.1, "-", "train_positive_rate") > 3 * split[0].y.mean()
