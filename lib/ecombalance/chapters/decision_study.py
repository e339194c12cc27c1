"""The decisions a user must take after the comparison, on the chapters' own data: which rule for a cost
matrix (notebook 06, :func:`cost_decision`), how far to trust the probabilities when the deployment priors
move and are unknown (notebook 06, :func:`prior_shift_study`), and which click probability is worth acting
on (notebook 07, :func:`click_profit_study`); each with its headline numbers and its sentences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label
from ecombalance.chapters.experiments import balances_nothing, training_priors
from ecombalance.evaluation import (
    CostDecision,
    ExperimentResult,
    cost_decision_cv,
    estimate_priors_em,
    expected_calibration_error,
    profit_curve,
    profit_threshold,
)
from ecombalance.sampling.weights import prior_correct


# ------------------------------------------------------------------------------------- a cost matrix
def miss_cost_matrix(classes: Sequence, miss_costs: Mapping[Any, float] | None = None) -> np.ndarray:
    """A cost matrix where predicting any wrong class for a row of class ``c`` costs ``miss_costs[c]`` and a
    right answer costs 0 (:func:`inverse_frequency_costs` gives a starting point a user replaces by their own
    numbers). Rows: true class, columns: decision, both in the order of ``classes``."""
    classes = [plain_label(c) for c in classes]
    if miss_costs is None:
        raise ValueError("miss_costs is required: the cost of missing an item of each class, e.g. "
                         "{'electronics': 1, 'sports_outdoors': 5}")
    missing = [c for c in classes if c not in miss_costs]
    if missing:
        raise ValueError(f"miss_costs has no cost for class(es) {missing}; give one for each of {classes}")
    costs = np.array([float(miss_costs[c]) for c in classes])
    if not (np.isfinite(costs).all() and (costs >= 0).all()):
        raise ValueError(f"miss_costs must be finite and >= 0, got {dict(zip(classes, costs.tolist()))}")
    return costs[:, None] * (1 - np.eye(len(classes)))


def inverse_frequency_costs(y: Any) -> dict:
    """``{class: N_largest / N_c}``: missing an item of a class costs as much as its rarity (the largest class 1)."""
    counts = pd.Series(np.asarray(y)).value_counts()
    return {plain_label(c): float(counts.iloc[0] / n) for c, n in counts.items()}


def cost_decision(result: ExperimentResult, method: str, cost_matrix: Any, n_resamples: int = 1000,
                  seed: int = 0) -> CostDecision:
    """:func:`ecombalance.evaluation.cost_decision_cv` on ``method``'s out-of-fold probabilities and the
    experiment's folds: argmax, the Bayes rule and per-class weights tuned on the training folds only, each
    scored on the test folds. With repeated folds, the first repeat's: the out-of-fold probabilities are its."""
    proba = result.oof_proba.get(method)
    if proba is None:
        raise ValueError(f"method {method!r} has no out-of-fold probabilities; the experiment ran {result.methods}")
    first, tested = [], np.zeros(len(result.y), dtype=bool)
    for train, test in result.folds:  # the leading folds that test each row once
        if tested[test].any():
            break
        first.append((train, test))
        tested[test] = True
    return cost_decision_cv(result.y, cost_matrix, proba, first, classes=result.classes,
                            groups=result.groups, n_resamples=n_resamples, seed=seed)


MAX_TUNED_CLASSES = 20
"""Above this many classes notebook 06 skips the cost decision: the tuned rule searches one weight per class
(about 16 s a fold at 190 classes)."""


def rarity_cost_decision(result: ExperimentResult, method: str, n_resamples: int = 1000, seed: int = 0,
                         max_classes: int = MAX_TUNED_CLASSES) -> CostDecision | None:
    """:func:`cost_decision` with :func:`inverse_frequency_costs` (missing an item costs its class's rarity,
    a right answer nothing), notebook 06's default; None when the table has more than ``max_classes``."""
    if len(result.classes) > max_classes:
        return None
    cost = miss_cost_matrix(result.classes, inverse_frequency_costs(result.y))
    return cost_decision(result, method, cost, n_resamples=n_resamples, seed=seed)


def cost_decision_headline(decision: CostDecision) -> dict[str, float]:
    """For the report index: ``threshold_<rule>_cost`` per rule (out-of-fold mean cost per row),
    ``threshold_tuned_cost_difference`` with its interval against the arg-max, and per class the recall of
    the arg-max and of the tuned rule (``threshold_<rule>_recall[<class>]``)."""
    table = decision.table
    numbers = {f"threshold_{rule}_cost": float(table.loc[rule, "expected_cost"]) for rule in table.index}
    for key, column in (("difference", "cost_difference"), ("difference_ci_low", "ci_low"),
                        ("difference_ci_high", "ci_high")):
        numbers[f"threshold_tuned_cost_{key}"] = float(table.loc["tuned", column])
    for column in [c for c in table.columns if c.startswith("recall[")]:
        for rule in ("argmax", "tuned"):
            numbers[f"threshold_{rule}_{column}"] = float(table.loc[rule, column])
    return numbers


def describe_cost_decision(decision: CostDecision) -> str:
    """One Markdown bullet on :func:`cost_decision`: the mean cost per item of each rule, whether the tuned
    rule's saving is larger than the noise, and what it does to each class's recall."""
    t = decision.table
    tuned = t.loc["tuned"]
    clear = tuned["ci_high"] < 0 or tuned["ci_low"] > 0
    verdict = ("a difference larger than the noise" if clear else "within the noise, so keep the arg-max")
    recalls = ", ".join(f"`{c[7:-1]}` {t.loc['argmax', c]:.2f} → {tuned[c]:.2f}" for c in t.columns
                        if c.startswith("recall["))
    return (f"- Mean cost per item, scored out of fold: arg-max {t.loc['argmax', 'expected_cost']:.3f}, Bayes rule "
            f"{t.loc['bayes', 'expected_cost']:.3f}, class weights tuned on the training folds only "
            f"{tuned['expected_cost']:.3f} ({tuned['cost_difference']:+.3f} [{tuned['ci_low']:+.3f}, "
            f"{tuned['ci_high']:+.3f}] against the arg-max, {verdict}); recall arg-max → tuned: {recalls}.")


# ---------------------------------------------------------------------------- an unknown deployment prior
def shifted_rows(y: Any, target_priors: Any, seed: int = 0) -> np.ndarray:
    """Row positions of the largest sample of ``y`` (without replacement) whose class shares are
    ``target_priors`` (a mapping ``{class: share}``, in any order): a test set with a known, shifted prior."""
    y = np.asarray(y)
    shares = pd.Series(dict(target_priors), dtype=float)
    if (shares <= 0).any() or not np.isclose(shares.sum(), 1):
        raise ValueError(f"target_priors must be positive shares summing to 1, got {shares.to_dict()}")
    counts = pd.Series(y).value_counts()
    unknown = [c for c in shares.index if c not in counts.index]
    if unknown:
        raise ValueError(f"target_priors names class(es) {unknown} that y does not hold")
    n = int(min(counts[c] / s for c, s in shares.items()))
    rng = np.random.default_rng(seed)
    rows = [rng.choice(np.flatnonzero(y == c), int(round(s * n)), replace=False) for c, s in shares.items()]
    return np.sort(np.concatenate(rows))


def most_calibrated(result: ExperimentResult) -> str:
    """The plain model (no sampler, no class weights, plain cross-entropy: it learnt the data's priors) whose
    out-of-fold probabilities have the smallest top-label ECE. The EM estimate of :func:`prior_shift_study`
    assumes calibrated posteriors (Saerens et al. 2002), so it runs on this one; ValueError when no method is
    plain."""
    plain = [m for m in result.methods if balances_nothing(m) and result.oof_proba.get(m) is not None]
    if not plain:
        raise ValueError(f"no plain model (e.g. 'none+logreg') with probabilities among {result.methods}: the prior "
                         "estimate needs a model that learnt the data's priors")
    return min(plain, key=lambda m: expected_calibration_error(result.y, result.oof_proba[m], classes=result.classes))


def prior_shift_study(result: ExperimentResult, method: str, target_priors: Any = "reversed",
                      seed: int = 0) -> pd.DataFrame:
    """Deploy ``method`` on rows whose class priors moved, without telling it: its out-of-fold probabilities
    on a subsample of the experiment with the shifted priors (``"reversed"``: the data's shares in reverse
    order, the smallest class now the largest; ``"uniform"``; or a mapping ``{class: share}``).

    Returns one row per class: the ``train`` priors the model learnt
    (:func:`ecombalance.chapters.experiments.training_priors`), the ``true`` shifted priors, the ``estimated``
    priors of :func:`ecombalance.evaluation.estimate_priors_em` from the unlabelled shifted rows, and the
    ``naive`` estimate (the mean unadjusted posterior). ``attrs``: ``method``, ``n_rows``, ``n_iter``,
    ``max_error`` (largest absolute error of the EM estimate) and the top-label ECE of the unadjusted
    probabilities, of those adjusted to the estimated priors and of those corrected with the true priors
    (``ece_raw``, ``ece_estimated``, ``ece_known``)."""
    proba = result.oof_proba.get(method)
    if proba is None:
        raise ValueError(f"method {method!r} has no out-of-fold probabilities; the experiment ran {result.methods}")
    y = np.asarray(result.y)
    counts = pd.Series(y).value_counts().reindex(result.classes)
    data_priors = counts / counts.sum()
    if isinstance(target_priors, str):
        if target_priors not in ("reversed", "uniform"):
            raise ValueError(f"target_priors must be 'reversed', 'uniform' or {{class: share}}, got {target_priors!r}")
        ordered = data_priors.sort_values(ascending=False)
        target_priors = (dict(zip(ordered.index, ordered.to_numpy()[::-1])) if target_priors == "reversed"
                         else {c: 1 / len(counts) for c in counts.index})
    rows = shifted_rows(y, target_priors, seed)
    train = training_priors(method, dict(zip(result.classes, counts.to_numpy())))
    true = pd.Series(y[rows]).value_counts(normalize=True).reindex(result.classes).fillna(0).to_numpy()
    estimate = estimate_priors_em(proba[rows], train)
    known = prior_correct(proba[rows], train, np.maximum(true, 1e-12))
    ece = {name: expected_calibration_error(y[rows], p, classes=result.classes)
           for name, p in (("ece_raw", proba[rows]), ("ece_estimated", estimate.proba), ("ece_known", known))}
    frame = pd.DataFrame({"train": train, "true": true, "estimated": estimate.priors,
                          "naive": proba[rows].mean(axis=0)}, index=pd.Index(result.classes, name="class"))
    frame.attrs.update(method=method, n_rows=int(len(rows)), n_iter=estimate.n_iter,
                       max_error=float(np.abs(estimate.priors - true).max()), **ece)
    return frame


def prior_shift_headline(frame: pd.DataFrame) -> dict[str, float]:
    """For the report index: ``estimated_prior_<class>`` and ``true_prior_<class>`` per class,
    ``estimated_prior_max_error`` and the three ECEs of :func:`prior_shift_study` (``estimated_prior_ece_*``)."""
    numbers = {}
    for cls, row in frame.iterrows():
        numbers[f"estimated_prior_{cls}"] = float(row["estimated"])
        numbers[f"true_prior_{cls}"] = float(row["true"])
    numbers["estimated_prior_max_error"] = frame.attrs["max_error"]
    for name in ("raw", "estimated", "known"):
        numbers[f"estimated_prior_ece_{name}"] = frame.attrs[f"ece_{name}"]
    return numbers


def describe_prior_shift(frame: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`prior_shift_study`."""
    a = frame.attrs
    shares = ", ".join(f"`{c}` {r['true']:.3f} (estimated {r['estimated']:.3f})" for c, r in frame.iterrows())
    return (f"- With the class shares moved to {shares} on {a['n_rows']:,} unlabelled rows, the EM procedure of "
            f"Saerens et al. (2002) recovers them within {a['max_error']:.3f} ({a['n_iter']} iterations) from "
            f"`{a['method']}`'s probabilities alone; the top-label ECE goes from {a['ece_raw']:.3f} unadjusted to "
            f"{a['ece_estimated']:.3f} with the estimated priors ({a['ece_known']:.3f} with the true ones).")


# ------------------------------------------------------------------------------------------- clicks
def click_profit_study(y: Any, p: Any, value_of_click: float, cost_of_impression: float, cost_of_miss: float = 0.0,
                       seed: int = 0) -> dict[str, Any]:
    """Which click probability to act on: the rows are split in two at random halves; the threshold that
    maximises profit (:func:`ecombalance.evaluation.profit_threshold`) is chosen on the first and scored on the
    second, next to the closed-form threshold :math:`C/(V+C+M)` and to acting on every row.

    Returns ``tuned`` (the :class:`ProfitThreshold` of the tuning half), ``scored`` (:func:`profit_curve` of the
    scoring half at the tuned threshold, the closed form and 0, as rows ``tuned``, ``closed_form``,
    ``everyone``) and ``curve`` (the profit curve of the scoring half, for the figure)."""
    y, p = np.asarray(y).astype(int), np.asarray(p, dtype=float)
    order = np.random.default_rng(seed).permutation(len(y))
    tune, score = np.sort(order[: len(y) // 2]), np.sort(order[len(y) // 2:])
    tuned = profit_threshold(y[tune], p[tune], value_of_click, cost_of_impression, cost_of_miss)
    scored = profit_curve(y[score], p[score], value_of_click, cost_of_impression, cost_of_miss,
                          [tuned.threshold, tuned.closed_form, 0.0])
    scored.index = pd.Index(["tuned", "closed_form", "everyone"], name="rule")
    curve = profit_curve(y[score], p[score], value_of_click, cost_of_impression, cost_of_miss)
    return {"tuned": tuned, "scored": scored, "curve": curve}


def profit_headline(study: Mapping[str, Any]) -> dict[str, float]:
    """For the report index: ``profit_threshold`` (tuned on the first half), ``profit_threshold_closed_form``
    and the profit per 1,000 rows of the second half for each rule (``profit_per_1000_<rule>``)."""
    numbers = {"profit_threshold": study["tuned"].threshold,
               "profit_threshold_closed_form": study["tuned"].closed_form}
    for rule, row in study["scored"].iterrows():
        numbers[f"profit_per_1000_{rule}"] = float(row["profit_per_row"] * 1000)
    return numbers


def describe_profit(study: Mapping[str, Any], value_of_click: float, cost_of_impression: float) -> str:
    """One Markdown bullet on :func:`click_profit_study`."""
    s, t = study["scored"], study["tuned"]
    return (f"- A click worth {value_of_click:g} and an impression costing {cost_of_impression:g}: act when the "
            f"click probability is at least {t.threshold:.3f} (tuned on half the log; the closed form for calibrated "
            f"probabilities gives {t.closed_form:.3f}). On the other half that earns "
            f"{s.loc['tuned', 'profit_per_row'] * 1000:.1f} per 1,000 rows, against "
            f"{s.loc['closed_form', 'profit_per_row'] * 1000:.1f} at the closed form and "
            f"{s.loc['everyone', 'profit_per_row'] * 1000:.1f} acting on every row.")
