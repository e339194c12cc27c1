"""Click-through-rate models trained on negatively down-sampled logs, and what recalibration repairs.

:func:`downsampling_study` trains the same CTR model on the full training log and on logs whose
negatives were kept at rate ``w``, then scores each on the untouched test log (original click rate)
twice: with the raw probabilities ``p`` — too high, since the model saw ``1/w`` times more positives
per negative than the traffic has — and with ``q = p / (p + (1 − p)/w)`` (He et al. 2014). Ranking
metrics (ROC-AUC, PR-AUC) do not move under this monotone map; log-loss and calibration do.
"""

from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ecombalance._progress import progress_bar
from ecombalance.data._table import Table
from ecombalance.evaluation._calibration import expected_calibration_error_from_curve, recalibrate, reliability_curve
from ecombalance.evaluation._metrics import ECE_BINS, encode_labels, metric_value
from ecombalance.i18n import gettext as _
from ecombalance.models import _pipelines as pipelines
from ecombalance.models._features import make_preprocessor
from ecombalance.sampling import _downsampling as downsampling


def ctr_model(tbl: Table, random_state: int = 0, use_text: bool = False):
    """A logistic-regression CTR model on the log's numeric and categorical match features
    (and TF-IDF of the texts when ``use_text``)."""
    features = tbl if use_text else Table(tbl.frame, tbl.label, [], tbl.numeric_cols, tbl.categorical_cols)
    return pipelines.pipeline(make_preprocessor(features), "none", "logreg", random_state=random_state)


def click_metrics(y_true, p, n_bins: int = ECE_BINS) -> dict[str, float]:
    """Log-loss, ROC-AUC, PR-AUC and ECE of the click probability ``p`` (``n_bins`` equal-width bins, as the
    reliability diagram of :func:`ecombalance.plotting.plot_reliability`), all from
    :func:`ecombalance.evaluation._metrics.metric_value` (the click class's own column), and mean predicted
    vs observed rate."""
    y_true = np.asarray(y_true).astype(int)
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    t, _, proba, _ = encode_labels(y_true, None, p, classes=[0, 1])
    return {
        "log_loss": metric_value("log_loss", t, None, proba, 2),
        **{name: metric_value(name, t, None, proba, 2, class_index=1, n_bins=n_bins)
           for name in ("roc_auc", "pr_auc", "ece")},
        "mean_predicted": float(p.mean()),
        "observed_rate": float(y_true.mean()),
    }


def _downsample(train: Table, rate: float, random_state: int, engine: str, spark=None) -> pd.DataFrame:
    if rate == 1.0:
        return train.frame
    if engine == "spark":
        sdf = spark.createDataFrame(train.frame[[*train.feature_cols, train.label]])
        return downsampling.negative_downsample_spark(sdf, train.label, rate, random_state).toPandas()
    return downsampling.negative_downsample(train.frame, train.label, rate, random_state)


def downsampling_study(train: Table, test: Table, rates: Sequence[float] = (1.0, 0.5, 0.1, 0.05),
                       random_state: int = 0, engine: str = "pandas", spark=None, use_text: bool = False):
    """Train at each negative rate ``w`` and evaluate on ``test`` before and after recalibration.

    Returns ``(metrics, predictions)``: a tidy DataFrame (rate, calibration, metric, value) plus
    training rows and seconds, and a dict ``{rate: (p_raw, q_recalibrated)}`` for plots. ``w = 1``
    is the model trained on every row (nothing to recalibrate).
    """
    if engine not in downsampling.ENGINES:
        raise ValueError(f"engine must be one of {list(downsampling.ENGINES)}, got {engine!r}")
    if engine == "spark" and spark is None:
        spark = downsampling.spark_session()
    rows, predictions = [], {}
    for rate in progress_bar(list(rates), desc="negative rates"):
        sample = _downsample(train, float(rate), random_state, engine, spark)
        model = ctr_model(train, random_state, use_text)
        start = time.perf_counter()
        model.fit(sample[train.feature_cols], sample[train.label].astype(int))
        seconds = time.perf_counter() - start
        p = model.predict_proba(test.X)[:, 1]
        q = recalibrate(p, rate)
        predictions[rate] = (p, q)
        for calibration, probs in (("raw", p), ("recalibrated", q)):
            for metric, value in click_metrics(test.y, probs).items():
                rows.append((rate, calibration, metric, value))
        rows += [(rate, "-", "train_rows", len(sample)), (rate, "-", "train_positive_rate",
                                                         float(sample[train.label].mean())),
                 (rate, "-", "fit_seconds", seconds)]
    return pd.DataFrame(rows, columns=["rate", "calibration", "metric", "value"]), predictions


def _smallest_rate(table: pd.DataFrame, rate: float | None) -> float:
    rate = min(table.columns) if rate is None else rate
    if rate not in table.columns:
        raise ValueError(f"rate {rate} was not studied; the table has rates {list(table.columns)}")
    return rate


def downsampling_headline(table: pd.DataFrame, engine: str, rate: float | None = None) -> dict[str, float | None]:
    """For the report index: the test click rate, training rows, and ECE / log-loss before and after
    recalibration at ``rate`` (default: the smallest studied). ``table`` is :func:`downsampling_study`'s
    metrics pivoted to rows ``(calibration, metric)`` and columns ``rate``."""
    w = _smallest_rate(table, rate)
    raw, fixed, rows = table.loc["raw", w], table.loc["recalibrated", w], table.loc[("-", "train_rows")]
    return {
        "click_rate": float(raw["observed_rate"]), "engine": engine, "smallest_rate": w,
        "train_rows_full": int(rows[1.0]) if 1.0 in rows.index else None, "train_rows_smallest": int(rows[w]),
        "ece_raw": float(raw["ece"]), "ece_recalibrated": float(fixed["ece"]),
        "log_loss_raw": float(raw["log_loss"]), "log_loss_recalibrated": float(fixed["log_loss"]),
        "roc_auc": float(raw["roc_auc"]),
    }


def describe_downsampling(table: pd.DataFrame, train: Table, engine: str, rate: float | None = None) -> str:
    """Notebook 07's "What we saw" in Markdown: at ``rate`` (default: the smallest studied) how many rows the
    model trained on and which click rate it saw, and its probabilities before and after recalibration
    against the test log's click rate. ``table`` as in :func:`downsampling_headline`; ``train`` is the full
    training log."""
    w = _smallest_rate(table, rate)
    raw, fixed = table.loc["raw", w], table.loc["recalibrated", w]
    rows, full = table.loc[("-", "train_rows"), w], len(train.frame)
    seen, rate_full = table.loc[("-", "train_positive_rate"), w], train.frame[train.label].mean()
    odds = (seen / (1 - seen)) / (rate_full / (1 - rate_full))
    return "\n".join([
        _("- At $w={w}$ the model trains on {rows:,} rows instead of {full:,} ({fewer:.1f}x fewer) and sees a click "
          "rate of {seen:.3f} instead of {rate:.3f}: {growth:.1f}x, while the odds of a click grow {odds:.1f}x "
          "(down-sampling multiplies the odds, not the rate, by $1/w = {inverse:g}$).").format(
            w=w, rows=int(rows), full=full, fewer=full / rows, seen=seen, rate=rate_full, growth=seen / rate_full,
            odds=odds, inverse=1 / w),
        _("- Its raw probabilities average {mean:.4f} against an observed click rate of {observed:.4f} (ECE "
          "{ece:.4f}, log-loss {log_loss:.4f}).").format(mean=raw["mean_predicted"], observed=raw["observed_rate"],
                                                          ece=raw["ece"], log_loss=raw["log_loss"]),
        _("- Recalibrated with $q = p/(p + (1-p)/w)$ they average {mean:.4f} (ECE {ece:.4f}, log-loss "
          "{log_loss:.4f}).").format(mean=fixed["mean_predicted"], ece=fixed["ece"], log_loss=fixed["log_loss"]),
        _("- ROC-AUC is {raw:.4f} raw and {recalibrated:.4f} recalibrated: recalibration is monotone, so ranking is "
          "untouched; engine: {engine}.").format(raw=raw["roc_auc"], recalibrated=fixed["roc_auc"], engine=engine),
    ])


def describe_rate_growth(table: pd.DataFrame, train: Table, rate: float | None = None) -> str:
    """One Markdown bullet: why the click rate grows by less than :math:`1/w` at ``rate`` (default: the smallest
    studied). A rate :math:`p` becomes :math:`p/(p + (1-p)\\,w)`, nearly :math:`p/w` only when :math:`p \\ll w`; the
    bullet says which side of that condition the log is on, with the growth it measured. ``table`` and ``train`` as
    in :func:`describe_downsampling`."""
    w = _smallest_rate(table, rate)
    seen, full = table.loc[("-", "train_positive_rate"), w], train.frame[train.label].mean()
    if full < 0.1 * w:
        text = _("- The click rate grows by less than $1/w$: a rate $p$ becomes $p / (p + (1-p)\\,w)$, nearly $p/w$ "
                 "only when $p \\ll w$; here $p$ = {p:.3f} is far below $w$ = {w:g}, so the rate grows {growth:.1f}x, "
                 "not {inverse:g}x, while the odds grow {inverse:g}x.")
    else:
        text = _("- The click rate grows by less than $1/w$: a rate $p$ becomes $p / (p + (1-p)\\,w)$, nearly $p/w$ "
                 "only when $p \\ll w$; here $p$ = {p:.3f} is not far below $w$ = {w:g}, so the rate grows "
                 "{growth:.1f}x, not {inverse:g}x, while the odds grow {inverse:g}x.")
    return text.format(p=full, w=w, growth=seen / full, inverse=1 / w)


def describe_reliability(y_true: Any, q: Any, n_bins: int = ECE_BINS, far: float = 0.2) -> str:
    """One Markdown bullet on the recalibrated probabilities' reliability: the ECE weights each bin by its rows,
    so when nearly every row sits in the lowest bins (a 3 % click rate), a curve far off the diagonal above
    ``far`` barely moves it. Says how many rows sit where, the largest gap above ``far`` and its rows."""
    y, q = np.asarray(y_true).astype(int), np.asarray(q, dtype=float)
    curve = reliability_curve(y, q, n_bins=n_bins)
    ece = expected_calibration_error_from_curve(curve)
    filled = curve[curve["count"] > 0]
    low = filled[filled["bin_upper"] <= 0.1 + 1e-12]
    high = filled[filled["bin_lower"] >= far - 1e-12]
    n = len(y)
    edge = float(low["bin_upper"].max()) if len(low) else 0.0
    near = float((low["accuracy"] - low["confidence"]).abs().max()) if len(low) else float("nan")
    numbers = {"ece": ece, "bins": n_bins, "low": int(low["count"].sum()), "n": n, "low_share": low["count"].sum() / n,
               "edge": edge, "near": near}
    if not len(high):
        return _("- Recalibrated, the test log's ECE is {ece:.3f} ({bins} equal-width bins): the ECE weights each bin "
                 "by its rows, and {low:,} of the {n:,} rows ({low_share:.1%}) have a probability below {edge:.3f}, "
                 "where the curve is within {near:.4f} of the diagonal.").format(**numbers)
    gap = (high["accuracy"] - high["confidence"]).abs()
    return _("- Recalibrated, the test log's ECE is {ece:.3f} ({bins} equal-width bins): the ECE weights each bin by "
             "its rows, and {low:,} of the {n:,} rows ({low_share:.1%}) have a probability below {edge:.3f}, where the "
             "curve is within {near:.4f} of the diagonal. Above {far:g} the points lie up to {gap:.2f} off the "
             "diagonal, but those bins hold {high:,} rows ({high_share:.2%}), too few to move the ECE: the number "
             "says the typical row is calibrated, not that the rare confident ones are (the bars under the curve "
             "count the rows per bin).").format(**numbers, far=far, gap=gap.max(), high=int(high["count"].sum()),
                                                high_share=high["count"].sum() / n)
