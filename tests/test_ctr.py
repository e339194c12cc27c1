import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from ecombalance._chapters import ctr
from ecombalance.data import _datasets as datasets
from ecombalance.data._table import Table
from ecombalance.evaluation import _folds as folds
from ecombalance.evaluation._metrics import ECE_BINS
from ecombalance.sampling import _downsampling as downsampling


@pytest.fixture(scope="module")
def split():
    tbl = datasets.load("search_log", label_col="clicked", n_queries=6000)
    return folds.group_split(tbl, random_state=0)


@pytest.fixture(scope="module")
def study(split):
    return ctr.downsampling_study(*split, rates=(1.0, 0.1), random_state=0)


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
    bins = np.minimum((p * ECE_BINS).astype(int), ECE_BINS - 1)  # equal-width bins by hand, as every chapter's ECE
    ece = sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins))
    assert m["ece"] == pytest.approx(ece)


def test_unknown_engine(split):
    with pytest.raises(ValueError, match=r"engine must be one of \['pandas', 'spark'\]"):
        ctr.downsampling_study(*split, engine="ray")


@pytest.mark.skipif(not downsampling.spark_available()[0], reason=downsampling.spark_available()[1] or "spark")
@pytest.mark.slow
def test_spark_engine_gives_the_same_picture(split):
    spark = downsampling.spark_session()
    metrics, _ = ctr.downsampling_study(*split, rates=(0.1,), engine="spark", spark=spark)
    observed = split[1].y.mean()
    assert value(metrics, 0.1, "recalibrated", "mean_predicted") == pytest.approx(observed, rel=0.25)
    assert value(metrics, 0.1, "-", "train_positive_rate") > 3 * split[0].y.mean()


def constructed_table():
    """:func:`ctr.downsampling_study`'s tidy metrics for rates 1.0 and 0.1, pivoted as notebook 07 does."""
    rows = []
    studied = {1.0: ((0.0301, 0.0312, 0.1301, 0.7512), (0.0301, 0.0312, 0.1301, 0.7512), 8000, 0.03),
               0.1: ((0.2345, 0.2071, 0.3456, 0.7498), (0.0311, 0.0042, 0.1299, 0.7498), 1016, 0.2362)}
    for rate, (raw, fixed, train_rows, train_rate) in studied.items():
        for calibration, (mean_predicted, ece, loss, auc) in (("raw", raw), ("recalibrated", fixed)):
            rows += [(rate, calibration, "mean_predicted", mean_predicted), (rate, calibration, "ece", ece),
                     (rate, calibration, "log_loss", loss), (rate, calibration, "roc_auc", auc),
                     (rate, calibration, "observed_rate", 0.0305)]
        rows += [(rate, "-", "train_rows", train_rows), (rate, "-", "train_positive_rate", train_rate),
                 (rate, "-", "fit_seconds", 0.5)]
    metrics = pd.DataFrame(rows, columns=["rate", "calibration", "metric", "value"])
    return metrics.pivot_table(index=["calibration", "metric"], columns="rate", values="value")


def click_log(n=8000, clicks=240):
    frame = pd.DataFrame({"clicked": np.r_[np.ones(clicks, int), np.zeros(n - clicks, int)], "position": np.arange(n)})
    return Table(frame, "clicked", [], ["position"], [], None, "log")


def test_describe_downsampling_states_the_smallest_rate():
    table, log = constructed_table(), click_log()
    lines = ctr.describe_downsampling(table, log, "pandas").splitlines()
    raw, fixed, rows = table.loc["raw", 0.1], table.loc["recalibrated", 0.1], int(table.loc[("-", "train_rows"), 0.1])
    seen, full = table.loc[("-", "train_positive_rate"), 0.1], log.frame["clicked"].mean()
    odds = (seen / (1 - seen)) / (full / (1 - full))
    assert f"{seen / full:.1f}" == "7.9" and f"{odds:.1f}" == "10.0"  # the rate grows less than 1/w, the odds by 1/w
    assert lines == [
        f"- At $w=0.1$ the model trains on {rows:,} rows instead of {len(log.frame):,} ({len(log.frame) / rows:.1f}x "
        f"fewer) and sees a click rate of {seen:.3f} instead of {full:.3f}: {seen / full:.1f}x, while the odds of a "
        f"click grow {odds:.1f}x (down-sampling multiplies the odds, not the rate, by $1/w = 10$).",
        f"- Its raw probabilities average {raw['mean_predicted']:.4f} against an observed click rate of "
        f"{raw['observed_rate']:.4f} (ECE {raw['ece']:.4f}, log-loss {raw['log_loss']:.4f}).",
        f"- Recalibrated with $q = p/(p + (1-p)/w)$ they average {fixed['mean_predicted']:.4f} (ECE "
        f"{fixed['ece']:.4f}, log-loss {fixed['log_loss']:.4f}).",
        f"- ROC-AUC is {raw['roc_auc']:.4f} raw and {fixed['roc_auc']:.4f} recalibrated: recalibration is monotone, "
        "so ranking is untouched; engine: pandas.",
    ]
    at_full = ctr.describe_downsampling(constructed_table(), click_log(), "spark", rate=1.0)
    assert at_full.startswith("- At $w=1.0$ the model trains on 8,000 rows instead of 8,000 (1.0x fewer)")
    with pytest.raises(ValueError, match=r"rate 0.5 was not studied; the table has rates \[0.1, 1.0\]"):
        ctr.describe_downsampling(constructed_table(), click_log(), "pandas", rate=0.5)


def test_downsampling_headline():
    assert ctr.downsampling_headline(constructed_table(), "pandas") == {
        "click_rate": 0.0305, "engine": "pandas", "smallest_rate": 0.1, "train_rows_full": 8000,
        "train_rows_smallest": 1016, "ece_raw": 0.2071, "ece_recalibrated": 0.0042, "log_loss_raw": 0.3456,
        "log_loss_recalibrated": 0.1299, "roc_auc": 0.7498}
    without_full = constructed_table().drop(columns=1.0)
    assert ctr.downsampling_headline(without_full, "spark")["train_rows_full"] is None


def test_the_reliability_legend_shows_the_tables_ece(study, split):
    """Notebook 07's figure and its table read one ECE: the click probability's, 15 equal-width bins, the same rows."""
    import re

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecombalance.plotting import _figures as figures

    metrics, predictions = study
    p, q = predictions[0.1]
    ax = figures.plot_recalibration(split[1].y.to_numpy(), p, q, labels=("raw, w=0.1", "recalibrated"))
    legend = {t.get_text().rsplit(" (", 1)[0]: float(re.search(r"ECE ([0-9.]+)", t.get_text()).group(1))
              for t in ax.get_legend().get_texts()}
    assert legend == {"raw, w=0.1": round(value(metrics, 0.1, "raw", "ece"), 3),
                      "recalibrated": round(value(metrics, 0.1, "recalibrated", "ece"), 3)}
    plt.close(ax.figure)
