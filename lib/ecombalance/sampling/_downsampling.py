"""Negative down-sampling and per-class stratified sampling for click logs, on pandas or Spark.

Click and purchase labels are 1–5 % positive over billions of impressions. The standard practice
(He et al. 2014, "Practical lessons from predicting clicks on ads at Facebook") keeps every positive
and a fraction ``w`` of the negatives, trains on that, and maps the model's probabilities back with
``q = p / (p + (1 − p) / w)`` (:func:`ecombalance.evaluation._calibration.recalibrate`).

Both engines draw each row independently (Bernoulli sampling, as Spark's ``sampleBy`` does), so a
class keeps ``fraction × count`` rows in expectation, and the two engines agree in distribution.
The pandas engine holds at most the input and the sampled output (two copies at most); the Spark
engine (``pip install -e .[spark]``) is for logs that outgrow one machine.
"""

from __future__ import annotations

import shutil
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ecombalance._validation import check_columns

ENGINES = ("pandas", "spark")


def _check_rate(rate: float) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 1:
        raise ValueError(f"negative down-sampling rate w must be a number in (0, 1], got {rate!r}")
    return float(rate)


def _check_fractions(fractions: Mapping[Any, float]) -> dict:
    if not fractions:
        raise ValueError("fractions must map each class to the share of its rows to keep")
    for label, fraction in fractions.items():
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 <= fraction <= 1:
            raise ValueError(f"fraction for class {label!r} must be in [0, 1], got {fraction!r}")
    return dict(fractions)


def _check_click_labels(counts: pd.Series, label_col: str) -> None:
    """``counts``: rows per value of the label column, missing values included (both engines)."""
    missing = pd.isna(counts.index)
    values = set(counts.index[~missing])
    if not values <= {0, 1}:  # True / False compare equal to 1 / 0: bool labels pass
        raise ValueError(f"column {label_col!r} must hold 0/1 click labels, found {sorted(values, key=str)[:5]}")
    if missing.any():
        raise ValueError(f"column {label_col!r} has {int(counts[missing].sum())} missing labels; drop or fill them first")


def _bernoulli_rows(frame: pd.DataFrame, keep_prob: np.ndarray, random_state: int) -> pd.DataFrame:
    return frame.loc[np.random.default_rng(random_state).random(len(frame)) < keep_prob]


def label_counts(frame: pd.DataFrame, label_col: str) -> pd.Series:
    """Rows per class, largest first."""
    check_columns(frame, label_col, "label")
    return frame[label_col].value_counts()


def stratified_sample(frame: pd.DataFrame, label_col: str, fractions: Mapping[Any, float],
                      random_state: int = 0) -> pd.DataFrame:
    """Keep each row of class ``c`` with probability ``fractions[c]`` (classes not named: dropped,
    as in Spark's ``sampleBy``)."""
    fractions = _check_fractions(fractions)
    check_columns(frame, label_col, "label")
    keep_prob = frame[label_col].map(fractions).fillna(0.0).to_numpy(dtype=float)
    return _bernoulli_rows(frame, keep_prob, random_state)


def negative_downsample(frame: pd.DataFrame, label_col: str = "clicked", rate: float = 0.1,
                        random_state: int = 0, weight_col: str | None = None) -> pd.DataFrame:
    """Keep every positive (label 1 or True) and each negative (0 or False) with probability ``rate`` (w).

    ``weight_col`` adds importance weights (1 for positives, 1/w for negatives) for models that
    take ``sample_weight`` instead of being recalibrated afterwards.
    """
    rate = _check_rate(rate)
    check_columns(frame, label_col, "label")
    labels = frame[label_col]
    _check_click_labels(labels.value_counts(dropna=False), label_col)
    clicked = (labels == 1).to_numpy(dtype=bool)
    sample = _bernoulli_rows(frame, np.where(clicked, 1.0, rate), random_state)
    if weight_col:
        sample = sample.assign(**{weight_col: np.where(sample[label_col].to_numpy() == 1, 1.0, 1.0 / rate)})
    return sample


# ---------------------------------------------------------------------------------------------
# Spark
# ---------------------------------------------------------------------------------------------


def spark_available() -> tuple[bool, str]:
    """Whether a local Spark can start here, and if not, why."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False, "pyspark is not installed: pip install -e '.[spark]'"
    if not shutil.which("java"):
        return False, "no Java runtime on PATH: Spark needs Java 17 or newer"
    return True, ""


def spark_session(master: str = "local[2]", app_name: str = "ecombalance"):
    """A local SparkSession with Arrow transfers on and a quiet log."""
    ok, why = spark_available()
    if not ok:
        raise RuntimeError(why)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName(app_name)
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "2g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def label_counts_spark(df, label_col: str) -> pd.Series:
    """Rows per class of a Spark DataFrame, as a pandas Series (largest first; missing labels included)."""
    check_columns(df, label_col, "label")
    rows = df.groupBy(label_col).count().collect()
    return pd.Series({row[label_col]: row["count"] for row in rows}, name="count").sort_values(ascending=False)


def stratified_sample_spark(df, label_col: str, fractions: Mapping[Any, float], random_state: int = 0):
    """Spark's ``DataFrame.sampleBy``: each row of class ``c`` kept with probability ``fractions[c]``."""
    fractions = _check_fractions(fractions)
    check_columns(df, label_col, "label")
    return df.sampleBy(label_col, fractions=fractions, seed=random_state)


def negative_downsample_spark(df, label_col: str = "clicked", rate: float = 0.1, random_state: int = 0):
    """:func:`negative_downsample` on a Spark DataFrame, with the same checks.

    Checking the labels (0/1 or boolean, none missing) runs one aggregation over the label column
    (:func:`label_counts_spark`); the sample itself stays lazy: nothing runs until an action.
    """
    rate = _check_rate(rate)
    _check_click_labels(label_counts_spark(df, label_col), label_col)
    boolean = df.schema[label_col].dataType.typeName() == "boolean"
    return stratified_sample_spark(df, label_col, {True: 1.0, False: rate} if boolean else {1: 1.0, 0: rate},
                                   random_state)


def downsample(data, label_col: str = "clicked", rate: float = 0.1, random_state: int = 0, engine: str = "pandas"):
    """Negative down-sampling on the chosen engine: ``data`` is a pandas or a Spark DataFrame."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}, got {engine!r}")
    if engine == "spark":
        return negative_downsample_spark(data, label_col, rate, random_state)
    return negative_downsample(data, label_col, rate, random_state)
