"""The decisions a user must take after the comparison, on the chapters' own data: which rule for a cost
matrix (notebook 06, :func:`cost_decision`), how far to trust the probabilities when the deployment priors
move and are unknown (notebook 06, :func:`prior_shift_study`), and which click probability is worth acting
on (notebook 07, :func:`click_profit_study`); each with its headline numbers and its sentences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label
from ecombalance.evaluation import ExperimentResult, calibration_table, estimate_priors_em, expected_calibration_error
from ecombalance.evaluation._decisions import CostDecision, cost_decision_cv
from ecombalance.evaluation._profit import profit_curve, profit_threshold
from ecombalance.evaluation._metrics import scores as scores_of
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models._methods import balances_nothing, training_priors
from ecombalance.sampling._weights import prior_correct


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
                  random_state: int = 0) -> CostDecision:
    """:func:`ecombalance.evaluation.cost_decision_cv` on ``method``'s out-of-fold probabilities and the
    experiment's folds: argmax, the Bayes rule and per-class weights tuned on the other folds' out-of-fold
    probabilities, each scored on the test folds. Not nested: the models that scored the tuning rows saw the test
    fold (:func:`ecombalance._chapters.rule_study.compare_rules` is fully nested). With repeated folds, the first repeat's: the out-of-fold probabilities are its."""
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
                            groups=result.groups, n_resamples=n_resamples, random_state=random_state)


MAX_TUNED_CLASSES = 20
"""Above this many classes notebook 06 skips the cost decision: the tuned rule searches one weight per class
(about 16 s a fold at 190 classes)."""


def rarity_cost_decision(result: ExperimentResult, method: str, n_resamples: int = 1000, random_state: int = 0,
                         max_classes: int = MAX_TUNED_CLASSES) -> CostDecision | None:
    """:func:`cost_decision` with :func:`inverse_frequency_costs` (missing an item costs its class's rarity,
    a right answer nothing), notebook 06's default; None when the table has more than ``max_classes``."""
    if len(result.classes) > max_classes:
        return None
    cost = miss_cost_matrix(result.classes, inverse_frequency_costs(result.y))
    return cost_decision(result, method, cost, n_resamples=n_resamples, random_state=random_state)


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
    verdict = (_("a difference larger than the noise") if clear else _("within the noise, so keep the arg-max"))
    recalls = join(f"`{c[7:-1]}` {t.loc['argmax', c]:.2f} → {tuned[c]:.2f}" for c in t.columns
                   if c.startswith("recall["))
    return _("- Mean cost per item, scored out of fold: arg-max {argmax:.3f}, Bayes rule {bayes:.3f}, class weights "
             "tuned on the other folds' out-of-fold probabilities (not nested: the models that scored those rows saw "
             "the test fold; `rule_study.compare_rules` tunes them fully nested) {tuned:.3f} ({difference:+.3f} "
             "[{low:+.3f}, {high:+.3f}] against the arg-max, {verdict}); recall arg-max → tuned: {recalls}.").format(
        argmax=t.loc["argmax", "expected_cost"], bayes=t.loc["bayes", "expected_cost"], tuned=tuned["expected_cost"],
        difference=tuned["cost_difference"], low=tuned["ci_low"], high=tuned["ci_high"], verdict=verdict,
        recalls=recalls)


# ---------------------------------------------------------------------------- an unknown deployment prior
def shifted_rows(y: Any, target_priors: Any, random_state: int = 0) -> np.ndarray:
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
    rng = np.random.default_rng(random_state)
    rows = [rng.choice(np.flatnonzero(y == c), int(round(s * n)), replace=False) for c, s in shares.items()]
    return np.sort(np.concatenate(rows))


def most_calibrated(result: ExperimentResult) -> str:
    """The plain model (no sampler, no class weights, plain cross-entropy: it learnt the data's priors) whose
    out-of-fold probabilities have the smallest top-label ECE (:func:`ecombalance.evaluation.calibration_table`,
    pooled out-of-fold). The EM estimate of :func:`prior_shift_study` assumes calibrated posteriors (Saerens et
    al. 2002), so it runs on this one; ValueError when no method is plain."""
    plain = [m for m in result.methods if balances_nothing(m) and result.oof_proba.get(m) is not None]
    if not plain:
        raise ValueError(f"no plain model (e.g. 'none+logreg') with probabilities among {result.methods}: the prior "
                         "estimate needs a model that learnt the data's priors")
    return str(calibration_table(result, plain)["ece"].idxmin())


@dataclass
class PriorShiftStudy:
    """What :func:`prior_shift_study` found over several shifted draws, the estimate always scored on rows it did
    not see.

    ``table``: one row per class — the ``train`` priors the model learnt, the ``true`` shifted shares (mean over
    draws), the EM ``estimated`` shares (mean over the estimates) with their standard deviation
    ``estimated_sd``, and the ``naive`` estimate (the mean unadjusted posterior). ``draws``: one row per draw
    and half (``draw``, ``half``, ``n_rows``, ``n_iter``, ``converged``, ``max_error`` of the half's estimate against
    the half's true shares). ``scores``: one row per draw, the top-label ECE and the accuracy of the draw's rows unadjusted
    (``raw``), adjusted with the estimate of the *other* half (``estimated``, held out), with the estimate of
    their own half (``in_sample``) and with the true shares (``known``)."""

    method: str
    table: pd.DataFrame
    draws: pd.DataFrame
    scores: pd.DataFrame
    n_rows: int
    """Rows per draw (both halves)."""

    @property
    def n_draws(self) -> int:
        return int(self.scores.shape[0])

    @property
    def max_error(self) -> pd.Series:
        """``mean``, ``sd``, ``min`` and ``max`` of the largest absolute prior error over every estimate."""
        errors = self.draws["max_error"]
        return pd.Series({"mean": errors.mean(), "sd": errors.std(ddof=1) if len(errors) > 1 else 0.0,
                          "min": errors.min(), "max": errors.max()})

    def mean(self, column: str) -> float:
        """The mean over draws of a ``scores`` column, e.g. ``ece_estimated``."""
        return float(self.scores[column].mean())


def _halves(y: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` split in two halves with (up to one row) the same class shares: each a shifted sample."""
    first, second = [], []
    for c in np.unique(y[rows]):
        members = rng.permutation(rows[y[rows] == c])
        cut = len(members) // 2 + (len(members) % 2) * int(rng.integers(2))
        first.append(members[:cut])
        second.append(members[cut:])
    return np.sort(np.concatenate(first)), np.sort(np.concatenate(second))


def _shares(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return np.array([(y == c).mean() for c in classes])


def prior_shift_study(result: ExperimentResult, method: str, target_priors: Any = "reversed", random_state: int = 0,
                      n_draws: int = 5, max_iter: int = 1000) -> PriorShiftStudy:
    """Deploy ``method`` on rows whose class priors moved, without telling it, ``n_draws`` times: each draw is a
    subsample of the experiment with the shifted shares (``"reversed"``: the data's shares in reverse order, the
    smallest class now the largest; ``"uniform"``; or a mapping ``{class: share}``; :func:`shifted_rows` with seed
    ``random_state + d``), split in two halves with the same shares. The EM procedure
    (:func:`ecombalance.evaluation.estimate_priors_em`) estimates the priors from one half's unlabelled
    out-of-fold probabilities, and the other half is adjusted with that estimate
    (:func:`ecombalance.sampling._weights.prior_correct`) and scored — then the halves swap, so every row is
    scored once per draw by an estimate that did not see it. For comparison the same rows adjusted with the
    estimate of their own half (in sample) and with the true shares. ``max_iter``: EM iterations at most (a prior
    heading towards 0 on a few dozen rows converges slowly). Returns :class:`PriorShiftStudy`."""
    proba = result.oof_proba.get(method)
    if proba is None:
        raise ValueError(f"method {method!r} has no out-of-fold probabilities; the experiment ran {result.methods}")
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise ValueError(f"n_draws must be a positive integer, got {n_draws!r}")
    y, classes = np.asarray(result.y), result.classes
    counts = pd.Series(y).value_counts().reindex(classes)
    data_priors = counts / counts.sum()
    if isinstance(target_priors, str):
        if target_priors not in ("reversed", "uniform"):
            raise ValueError(f"target_priors must be 'reversed', 'uniform' or {{class: share}}, got {target_priors!r}")
        ordered = data_priors.sort_values(ascending=False)
        target_priors = (dict(zip(ordered.index, ordered.to_numpy()[::-1])) if target_priors == "reversed"
                         else {c: 1 / len(counts) for c in counts.index})
    train = training_priors(method, dict(zip(classes, counts.to_numpy())))
    draws, scores, estimates, truths, naive = [], [], [], [], []
    n_rows = 0
    for d in range(n_draws):
        rows = shifted_rows(y, target_priors, random_state + d)
        n_rows = len(rows)
        halves = _halves(y, rows, np.random.default_rng(random_state + d))
        held, own = {}, {}
        for half, (fit, score) in enumerate((halves, halves[::-1])):
            estimate = estimate_priors_em(proba[fit], train, max_iter=max_iter)
            true = _shares(y[fit], classes)
            draws.append({"draw": d, "half": half, "n_rows": len(fit), "n_iter": estimate.n_iter,
                          "converged": estimate.converged,
                          "max_error": float(np.abs(estimate.priors - true).max())})
            estimates.append(estimate.priors)
            own.update(zip(fit.tolist(), estimate.proba))
            held.update(zip(score.tolist(), prior_correct(proba[score], train, np.maximum(estimate.priors, 1e-12))))
        true = _shares(y[rows], classes)
        truths.append(true)
        naive.append(proba[rows].mean(axis=0))
        adjusted = {"raw": proba[rows], "estimated": np.array([held[r] for r in rows.tolist()]),
                    "in_sample": np.array([own[r] for r in rows.tolist()]),
                    "known": prior_correct(proba[rows], train, np.maximum(true, 1e-12))}
        row = {"draw": d}
        for name, p in adjusted.items():
            row[f"ece_{name}"] = expected_calibration_error(y[rows], p, classes=classes)
            row[f"accuracy_{name}"] = scores_of(y[rows], classes[p.argmax(axis=1)], classes=classes,
                                                metrics=("accuracy",), per_class=())["accuracy"]
        scores.append(row)
    estimates = np.array(estimates)
    table = pd.DataFrame({"train": train, "true": np.mean(truths, axis=0), "estimated": estimates.mean(axis=0),
                          "estimated_sd": estimates.std(axis=0, ddof=1) if len(estimates) > 1 else 0.0,
                          "naive": np.mean(naive, axis=0)}, index=pd.Index(classes, name="class"))
    return PriorShiftStudy(method=method, table=table, draws=pd.DataFrame(draws), scores=pd.DataFrame(scores),
                           n_rows=n_rows)


def prior_shift_headline(study: PriorShiftStudy) -> dict[str, float]:
    """For the report index: ``estimated_prior_<class>`` (mean estimate) and ``true_prior_<class>`` per class,
    ``estimated_prior_max_error`` (mean over the estimates) with ``estimated_prior_max_error_sd`` and
    ``estimated_prior_max_error_max``, ``estimated_prior_draws``, and the mean top-label ECE of the shifted rows
    unadjusted, adjusted with the held-out estimate, with the in-sample estimate and with the true shares
    (``estimated_prior_ece_raw`` / ``_estimated`` / ``_in_sample`` / ``_known``)."""
    numbers: dict[str, float] = {}
    for cls, row in study.table.iterrows():
        numbers[f"estimated_prior_{cls}"] = float(row["estimated"])
        numbers[f"true_prior_{cls}"] = float(row["true"])
    error = study.max_error
    numbers.update(estimated_prior_max_error=float(error["mean"]), estimated_prior_max_error_sd=float(error["sd"]),
                   estimated_prior_max_error_max=float(error["max"]), estimated_prior_draws=study.n_draws)
    for name in ("raw", "estimated", "in_sample", "known"):
        numbers[f"estimated_prior_ece_{name}"] = study.mean(f"ece_{name}")
    return numbers


def describe_prior_shift(study: PriorShiftStudy) -> str:
    """Markdown bullets on :func:`prior_shift_study`: how close the estimate comes over the draws, what it does
    to the calibration and accuracy of rows it did not see, and why the estimated priors can give a lower ECE
    than the true ones."""
    t, error = study.table, study.max_error
    shares = join(_("`{cls}` {true:.3f} (estimated {estimated:.3f} ± {sd:.3f})").format(
        cls=plain_label(c), true=r["true"], estimated=r["estimated"], sd=r["estimated_sd"]) for c, r in t.iterrows())
    ece = {name: study.mean(f"ece_{name}") for name in ("raw", "estimated", "in_sample", "known")}
    accuracy = {name: study.mean(f"accuracy_{name}") for name in ("raw", "estimated", "known")}
    spread = study.scores[["ece_estimated", "ece_known"]].std(ddof=1).max() if study.n_draws > 1 else float("nan")
    lines = [
        _("- With the class shares moved to {shares} ({draws} draws of {rows:,} unlabelled rows, each split in two "
          "halves), the EM procedure of Saerens et al. (2002), fitted on one half from `{method}`'s probabilities "
          "alone, is off by at most {mean:.3f} on any class, on average over the {estimates} estimates (from "
          "{low:.3f} to {high:.3f}, standard deviation {sd:.3f}).").format(
            shares=shares, draws=study.n_draws, rows=study.n_rows, method=study.method, mean=error["mean"],
            estimates=len(study.draws), low=error["min"], high=error["max"], sd=error["sd"]),
        _("- Scored on the other half (rows the estimate did not see), the top-label ECE goes from {raw:.3f} "
          "unadjusted to {estimated:.3f} with the estimated priors ({known:.3f} with the true shares); accuracy from "
          "{accuracy_raw:.3f} to {accuracy_estimated:.3f} ({accuracy_known:.3f}).").format(
            raw=ece["raw"], estimated=ece["estimated"], known=ece["known"], accuracy_raw=accuracy["raw"],
            accuracy_estimated=accuracy["estimated"], accuracy_known=accuracy["known"]),
    ]
    noise = spread if np.isfinite(spread) else 0.0
    gap = ece["estimated"] - ece["known"]
    if abs(gap) <= noise:
        why = _("held out, the estimated priors and the true shares give about the same ECE ({estimated:.3f} and "
                "{known:.3f}: the gap is within the draw-to-draw spread of about {noise:.3f})")
    elif gap < 0:
        why = _("even held out the estimated priors give a lower ECE than the true shares ({estimated:.3f} against "
                "{known:.3f}): `{method}`'s probabilities are not calibrated under its training priors (label shift "
                "alone does not describe them), and the priors EM picks, the shares that make the model's own "
                "probabilities self-consistent on these rows, also absorb part of that bias, which the true shares "
                "leave in place")
    else:
        why = _("held out, the true shares give the lower ECE ({known:.3f} against {estimated:.3f}), as they should "
                "when only the priors moved")
    why = why.format(estimated=ece["estimated"], known=ece["known"], noise=noise, method=study.method)
    fitted = (_("scored on the rows it was estimated from, the estimate gives {in_sample:.3f}, lower than held out: at "
                "its fixed point EM makes the mean adjusted probability equal the estimated share on exactly those "
                "rows, so an ECE measured on them flatters it")
              if ece["in_sample"] < ece["estimated"] - noise else
              _("scored on the rows it was estimated from, the estimate gives {in_sample:.3f}, no lower than held "
                "out")).format(in_sample=ece["in_sample"])
    note = (_(" With {rows:,} rows per draw each ECE rests on a few rows per bin (standard deviation over the draws "
              "about {spread:.3f}).").format(rows=study.n_rows, spread=spread)
            if np.isfinite(spread) and abs(gap) > noise else "")
    lines.append(_("- Estimated against true priors: {why}; {fitted}.{note}").format(why=why, fitted=fitted, note=note))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- clicks
def _row_profit(y: np.ndarray, p: np.ndarray, threshold: float, value: float, cost: float, miss: float) -> np.ndarray:
    """Each row's profit when acting on ``p >= threshold``: V for a click acted on, −C for an act without a click,
    −M for a click not acted on, 0 otherwise (:func:`ecombalance.evaluation.profit_curve` row by row)."""
    acted = p >= threshold
    return np.where(acted, np.where(y == 1, value, -cost), np.where(y == 1, -miss, 0.0))


def click_profit_study(y: Any, p: Any, value_of_click: float, cost_of_impression: float, cost_of_miss: float = 0.0,
                       random_state: int = 0, raw: Any = None, groups: Any = None,
                       n_resamples: int = 1000) -> dict[str, Any]:
    """Which click probability to act on: the rows are split in two at random halves; the threshold that
    maximises profit (:func:`ecombalance.evaluation.profit_threshold`) is chosen on the first and scored on the
    second, next to the closed-form threshold :math:`C/(V+C+M)` and to acting on every row.

    Returns ``tuned`` (the :class:`ProfitThreshold` of the tuning half), ``scored`` (:func:`profit_curve` of the
    scoring half at the tuned threshold, the closed form and 0, as rows ``tuned``, ``closed_form``,
    ``everyone``), ``curve`` (the profit curve of the scoring half, for the figure) and ``difference``: the profit
    per 1,000 rows of the tuned threshold minus the closed form's on the scoring half, with a percentile bootstrap
    interval (:func:`ecombalance.evaluation.bootstrap_ci` over its rows, or over whole ``groups`` such as queries;
    the thresholds stay fixed, so the interval is that of the held-out comparison).

    With ``raw`` (the same rows' probabilities before recalibration, e.g. of a model trained on down-sampled
    negatives), also ``closed_form_raw``: per 1,000 rows of the scoring half, the items shown, the clicks among
    them and the profit when the closed-form threshold is applied to ``raw`` and to ``p``
    (rows ``raw``, ``recalibrated``)."""
    from ecombalance.evaluation import bootstrap_ci

    y, p = np.asarray(y).astype(int), np.asarray(p, dtype=float)
    order = np.random.default_rng(random_state).permutation(len(y))
    tune, score = np.sort(order[: len(y) // 2]), np.sort(order[len(y) // 2:])
    tuned = profit_threshold(y[tune], p[tune], value_of_click, cost_of_impression, cost_of_miss)
    scored = profit_curve(y[score], p[score], value_of_click, cost_of_impression, cost_of_miss,
                          [tuned.threshold, tuned.closed_form, 0.0])
    scored.index = pd.Index(["tuned", "closed_form", "everyone"], name="rule")
    curve = profit_curve(y[score], p[score], value_of_click, cost_of_impression, cost_of_miss)
    gain = 1000 * (_row_profit(y[score], p[score], tuned.threshold, value_of_click, cost_of_impression, cost_of_miss)
                   - _row_profit(y[score], p[score], tuned.closed_form, value_of_click, cost_of_impression,
                                 cost_of_miss))
    boot = bootstrap_ci(np.mean, gain, groups=None if groups is None else np.asarray(groups)[score],
                        n_resamples=n_resamples, random_state=random_state)
    study = {"tuned": tuned, "scored": scored, "curve": curve,
             "difference": {"estimate": boot.estimate, "ci_low": boot.low, "ci_high": boot.high,
                            "grouped": groups is not None, "n_rows": len(score)}}
    if raw is not None:
        raw = np.asarray(raw, dtype=float)
        if raw.shape != p.shape:
            raise ValueError(f"raw must hold one probability per row of p ({len(p)}), got shape {raw.shape}")
        rows = {}
        for name, probs in (("raw", raw), ("recalibrated", p)):
            at = profit_curve(y[score], probs[score], value_of_click, cost_of_impression, cost_of_miss,
                              [tuned.closed_form]).iloc[0]
            rows[name] = {"shown_per_1000": 1000 * at["acted"] / len(score), "clicks_per_1000": 1000 * at["hits"] / len(score),
                          "profit_per_1000": 1000 * at["profit_per_row"]}
        study["closed_form_raw"] = pd.DataFrame(rows).T.rename_axis("probabilities")
    return study


def profit_headline(study: Mapping[str, Any]) -> dict[str, float]:
    """For the report index: ``profit_threshold`` (tuned on the first half), ``profit_threshold_closed_form``,
    the profit per 1,000 rows of the second half for each rule (``profit_per_1000_<rule>``), the tuned minus the
    closed-form profit with its bootstrap interval (``profit_tuned_minus_closed_form``, ``_ci_low``, ``_ci_high``)
    and, when the study had raw probabilities, the profit and the items shown per 1,000 rows at the closed form on
    raw and on recalibrated probabilities (``profit_raw_at_closed_form``, ``profit_recalibrated_at_closed_form``,
    ``shown_raw_at_closed_form``, ``shown_recalibrated_at_closed_form``)."""
    numbers = {"profit_threshold": study["tuned"].threshold,
               "profit_threshold_closed_form": study["tuned"].closed_form}
    for rule, row in study["scored"].iterrows():
        numbers[f"profit_per_1000_{rule}"] = float(row["profit_per_row"] * 1000)
    if "difference" in study:
        d = study["difference"]
        numbers.update(profit_tuned_minus_closed_form=float(d["estimate"]),
                       profit_tuned_minus_closed_form_ci_low=float(d["ci_low"]),
                       profit_tuned_minus_closed_form_ci_high=float(d["ci_high"]))
    if "closed_form_raw" in study:
        for name, row in study["closed_form_raw"].iterrows():
            numbers[f"profit_{name}_at_closed_form"] = float(row["profit_per_1000"])
            numbers[f"shown_{name}_at_closed_form"] = float(row["shown_per_1000"])
    return numbers


def describe_profit(study: Mapping[str, Any], value_of_click: float, cost_of_impression: float) -> str:
    """Markdown bullets on :func:`click_profit_study`: the two thresholds and what each earns on the held-out half,
    whether tuning beat the closed form beyond the bootstrap interval, and (with raw probabilities) what the same
    closed-form rule does on the raw probabilities."""
    s, t = study["scored"], study["tuned"]
    lines = [_("- A click worth {value:g} and an impression costing {cost:g}: act when the click probability is at "
               "least {threshold:.3f} (tuned on half the log; the closed form for calibrated probabilities gives "
               "{closed_form:.3f}). On the other half that earns {tuned:.1f} per 1,000 rows, against {closed:.1f} at "
               "the closed form and {everyone:.1f} acting on every row.").format(
        value=value_of_click, cost=cost_of_impression, threshold=t.threshold, closed_form=t.closed_form,
        tuned=s.loc["tuned", "profit_per_row"] * 1000, closed=s.loc["closed_form", "profit_per_row"] * 1000,
        everyone=s.loc["everyone", "profit_per_row"] * 1000)]
    if "difference" in study:
        d = study["difference"]
        holds = d["ci_low"] <= 0 <= d["ci_high"]
        if holds:
            verdict = _("the interval holds 0, so on this log tuning the threshold on half the rows buys nothing the "
                        "closed form does not give for free")
        elif d["estimate"] > 0:
            verdict = _("the interval excludes 0: the tuned threshold earns more on rows it was not chosen on")
        else:
            verdict = _("the interval excludes 0: the closed form earns more on rows it was not chosen on")
        text = (_("- Tuned minus closed form on the held-out half: {estimate:+.2f} per 1,000 rows (95 % bootstrap "
                  "interval over its queries {low:+.2f} to {high:+.2f}): {verdict}.") if d["grouped"] else
                _("- Tuned minus closed form on the held-out half: {estimate:+.2f} per 1,000 rows (95 % bootstrap "
                  "interval over its rows {low:+.2f} to {high:+.2f}): {verdict}."))
        lines.append(text.format(estimate=d["estimate"], low=d["ci_low"], high=d["ci_high"], verdict=verdict))
    if "closed_form_raw" in study:
        raw, fixed = study["closed_form_raw"].loc["raw"], study["closed_form_raw"].loc["recalibrated"]
        ratio = raw["shown_per_1000"] / fixed["shown_per_1000"] if fixed["shown_per_1000"] else float("inf")
        lines.append(_("- The same closed-form threshold on the raw down-sampled probabilities shows {shown_raw:.0f} "
                       "items per 1,000 rows instead of {shown_fixed:.0f} ({ratio:.1f}× as many) for {clicks_raw:.1f} "
                       "clicks instead of {clicks_fixed:.1f}, and earns {profit_raw:.1f} instead of {profit_fixed:.1f} "
                       "per 1,000 rows ({profit_change:+.1f}): the raw probabilities are too high, so the rule pays for "
                       "impressions whose real click probability is below C / (V + C). This is what recalibration is "
                       "worth here.").format(
            shown_raw=raw["shown_per_1000"], shown_fixed=fixed["shown_per_1000"], ratio=ratio,
            clicks_raw=raw["clicks_per_1000"], clicks_fixed=fixed["clicks_per_1000"],
            profit_raw=raw["profit_per_1000"], profit_fixed=fixed["profit_per_1000"],
            profit_change=raw["profit_per_1000"] - fixed["profit_per_1000"]))
    return "\n".join(lines)
