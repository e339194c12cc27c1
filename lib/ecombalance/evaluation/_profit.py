"""Acting on a click probability: the threshold that maximises the profit of acting (showing the ad, sending the
offer) on labelled rows (:func:`profit_threshold`), and the profit at each threshold (:func:`profit_curve`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ecombalance._validation import check_labels, check_probabilities


class ProfitThreshold(NamedTuple):
    """What :func:`profit_threshold` found: the empirical optimum ``threshold`` (act when ``p >= threshold``;
    ``inf``: never act), its total ``profit`` and ``profit_per_row``, the ``closed_form`` threshold
    :math:`C / (V + C + M)` and the total profit there (``closed_form_profit``), and the profit ``curve`` on a
    grid of thresholds (:func:`profit_curve`)."""

    threshold: float
    profit: float
    profit_per_row: float
    closed_form: float
    closed_form_profit: float
    curve: pd.DataFrame


def _profit_inputs(y: Any, p: Any, value: float, cost: float, miss: float) -> tuple[np.ndarray, np.ndarray]:
    for name, v in (("value_of_click", value), ("cost_of_impression", cost), ("cost_of_miss", miss)):
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    if value + miss <= 0:
        raise ValueError("value_of_click + cost_of_miss must be positive: a click must be worth something")
    labels = check_labels(y, "y")
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("y must be 0/1 (or False/True): 1 for a click")
    prob = check_probabilities(p, name="p", n_rows=len(labels))
    if prob.ndim != 1:
        raise ValueError("p must be 1-D: the click probability of each row")
    return labels.astype(int), prob


def profit_curve(y: Any, p: Any, value_of_click: float, cost_of_impression: float, cost_of_miss: float = 0.0,
                 thresholds: Any = None) -> pd.DataFrame:
    r"""Profit of acting (showing the ad, sending the offer) on every row with :math:`p \ge t`, per threshold.

    A click on a row acted on earns :math:`V` (``value_of_click``), an act without a click costs :math:`C`
    (``cost_of_impression``, the false positive), a click on a row not acted on costs :math:`M`
    (``cost_of_miss``, default 0: only the lost value). Profit :math:`= V\,TP - C\,FP - M\,FN`.

    Returns
    -------
    DataFrame with ``threshold``, ``acted``, ``hits``, ``false_positives``, ``missed``, ``profit`` (total) and
    ``profit_per_row``; default thresholds 0, 0.01, ..., 1.
    """
    t, prob = _profit_inputs(y, p, value_of_click, cost_of_impression, cost_of_miss)
    grid = np.linspace(0, 1, 101) if thresholds is None else np.asarray(thresholds, dtype=float).ravel()
    acted = prob[None, :] >= grid[:, None]
    hits = (acted & (t == 1)).sum(axis=1)
    fps = acted.sum(axis=1) - hits
    missed = int(t.sum()) - hits
    profit = value_of_click * hits - cost_of_impression * fps - cost_of_miss * missed
    return pd.DataFrame({"threshold": grid, "acted": acted.sum(axis=1), "hits": hits, "false_positives": fps,
                         "missed": missed, "profit": profit.astype(float), "profit_per_row": profit / len(t)})


def profit_threshold(y: Any, p: Any, value_of_click: float, cost_of_impression: float, cost_of_miss: float = 0.0,
                     thresholds: Any = None) -> ProfitThreshold:
    r"""The threshold on a click probability that maximises profit on labelled rows (see :func:`profit_curve`).

    Acting on a row with click probability :math:`p` is worth :math:`pV - (1-p)C` against :math:`-pM` for not
    acting, so with calibrated :math:`p` the best rule acts when

    .. math:: p \ge t^* = \frac{C}{V + C + M}

    (Elkan 2001, "The foundations of cost-sensitive learning", eq. 2, with the costs of a correct act written
    as :math:`-V`). The empirical optimum is searched over every distinct ``p`` (and "never act"); it lies near
    :math:`t^*` when ``p`` is calibrated and moves away when it is not (a model trained on down-sampled
    negatives, before :func:`ecombalance.evaluation._calibration.recalibrate`). Tune on training or validation
    rows and read the profit of the chosen threshold on test rows with :func:`profit_curve`
    (``thresholds=[t]``); ties go to the highest threshold (fewest acts).

    Returns
    -------
    ProfitThreshold
    """
    t, prob = _profit_inputs(y, p, value_of_click, cost_of_impression, cost_of_miss)
    order = np.argsort(-prob, kind="stable")
    sorted_p, sorted_y = prob[order], t[order]
    hits, acts = np.cumsum(sorted_y), np.arange(1, len(t) + 1)
    last = np.r_[sorted_p[1:] != sorted_p[:-1], True]  # the last row of each distinct p: act on all >= it
    profit = value_of_click * hits - cost_of_impression * (acts - hits) - cost_of_miss * (t.sum() - hits)
    candidates = np.r_[np.inf, sorted_p[last]]
    profits = np.r_[-cost_of_miss * t.sum(), profit[last]].astype(float)
    best = int(np.flatnonzero(profits >= profits.max() - 1e-9)[0])  # thresholds descend: the highest of ties
    closed = cost_of_impression / (value_of_click + cost_of_impression + cost_of_miss)
    at_closed = profit_curve(t, prob, value_of_click, cost_of_impression, cost_of_miss, [closed])["profit"].iloc[0]
    curve = profit_curve(t, prob, value_of_click, cost_of_impression, cost_of_miss, thresholds)
    return ProfitThreshold(float(candidates[best]), float(profits[best]), float(profits[best] / len(t)), float(closed),
                           float(at_closed), curve)
