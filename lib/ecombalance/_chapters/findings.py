"""What an experiment found: each method against the same model without balancing (:mod:`.families`) on
overall quality, the smallest and largest class and calibration, with the one test (``compare_to_baseline``);
plain models apart, as model choice; whether any method beats the majority predictor (:func:`majority_check`);
for two classes the positive class's F1 and AP and class weights vs a tuned threshold (:func:`decision_comparison`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label
from ecombalance.data._table import Table
from ecombalance.evaluation import (BestMethod, ExperimentResult, InnerFoldThreshold, compare_to_baseline,
                                    expected_calibration_error, run_experiment)
from ecombalance.evaluation._fold_work import FoldFeatures
from ecombalance.evaluation._metrics import scores
from ecombalance.evaluation._stats import VERDICT_TEST, metric_ci
from ecombalance.evaluation._thresholds import threshold_switch
from ecombalance.evaluation._verdicts import metric_label, name_of_test
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models import _families as families
from ecombalance.models import _methods as experiments
from ecombalance.models._methods import training_priors
from ecombalance.sampling._weights import prior_correct


def positive_class(y: Any) -> Any:
    """The class whose F1 and average precision a two-class table reports: ``True`` / ``1`` / ``"yes"`` /
    ``"true"`` / ``"positive"`` when one of the two labels is such, else the smaller class; None when ``y``
    has more (or fewer) than two classes."""
    counts = pd.Series(np.asarray(y)).value_counts()
    if len(counts) != 2:
        return None
    for label in counts.index:
        value = plain_label(label)
        if (isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "y", "positive", "pos"}) or (
                not isinstance(value, str) and value is not None and value == 1):
            return value
    return plain_label(counts.index[-1])


def effects(result: ExperimentResult, baseline: str, n_resamples: int = 1000, random_state: int = 0,
            alpha: float = 0.05, majority: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each method against the same model without balancing, on several metrics: one row per compared method
    (:func:`ecombalance.models._families.references`, with ``baseline`` first), columns ``("comparison",
    "against")`` and ``("comparison", "kind")`` (``balancing``: the method against its own plain model;
    ``capacity``: a plain model against the baseline's, model choice; ``other``: no plain version of its model
    among the methods), then for macro-F1, balanced accuracy, the recall of the smallest and of the largest class,
    and ECE: ``baseline`` (the compared-with method's mean over the folds), ``difference``, ``p_value`` (the one
    test, Holm-corrected within each kind), ``detectable`` and ``real``. The summary table pools the out-of-fold
    predictions instead of averaging folds.

    With ``majority`` (:func:`majority_check`) ``attrs["majority"]`` says which methods beat the majority
    predictor; when none does, no difference is called real: every ``real`` is False. ``attrs["baseline_means"]``
    holds the baseline's own fold means per metric."""
    counts = pd.Series(result.y).value_counts()
    smallest, largest = counts.index[-1], counts.index[0]
    checks = {"macro_f1": ("macro_f1", None), "balanced_accuracy": ("balanced_accuracy", None),
              "recall_smallest": ("recall", smallest), "recall_largest": ("recall", largest)}
    if any(p is not None for p in result.oof_proba.values()):
        checks["ece"] = ("ece", None)
    ordered = families.subset(result, [baseline, *(m for m in result.methods if m != baseline)])
    columns, means, table = {}, {}, None
    for name, (metric, cls) in checks.items():
        table = families.family_effects(ordered, metric=metric, class_=cls, alpha=alpha, n_resamples=n_resamples,
                                        random_state=random_state, interval=False).set_index("method")
        if not columns:
            columns[("comparison", "against")] = table["against"]
            columns[("comparison", "kind")] = table["kind"]
        columns[(name, "baseline")] = table["baseline_mean"]
        columns[(name, "difference")] = table["difference"]
        columns[(name, "p_value")] = table["p_value"]
        columns[(name, "detectable")] = table["detectable"]
        columns[(name, "real")] = table["distinguishable"]
        means[name] = fold_mean(result, baseline, metric, cls)
    frame = pd.DataFrame(columns)
    frame.index.name = "method"
    frame.attrs.update(smallest=str(smallest), largest=str(largest), baseline=baseline, test=VERDICT_TEST, alpha=alpha,
                       n_resamples=n_resamples, design=result.design, n_repeats=table.attrs["n_repeats"],
                       n_splits=table.attrs["n_splits"], baseline_means=means)
    if majority is not None:
        beaten = majority.loc[majority["improved"], "method"].tolist()
        frame.attrs["majority"] = {"class": majority.attrs.get("majority_class", ""),
                                   "metric": majority.attrs.get("metric", "macro_f1"),
                                   "score": float(majority["baseline_mean"].iloc[0]), "beaten_by": beaten,
                                   "methods": majority["method"].tolist()}
        if not beaten:
            for name in checks:
                frame[(name, "real")] = False
    return frame


def fold_mean(result: ExperimentResult, method: str, metric: str, class_: Any = None) -> float:
    """``method``'s mean over the folds of ``metric`` (of class ``class_`` for a per-class metric)."""
    r, cls = result.results, "all" if class_ is None else str(class_)
    return float(r.loc[(r["method"] == method) & (r["metric"] == metric) & (r["class"] == cls), "value"].mean())


def _list(methods) -> str:
    return join(f"`{m}`" for m in methods) or _("none")


def _changes(differences: pd.Series) -> str:
    """```a` (+0.050), `b` (-0.002)``: each method with its own difference to the baseline."""
    return join(_("`{method}` ({difference:+.3f})").format(method=m, difference=d) for m, d in differences.items())


def _against(frame: pd.DataFrame, part: pd.DataFrame) -> str:
    """```a` (+0.050 against `p`), ...``: each method with its difference to the method it is compared with."""
    return join(_("`{method}` ({difference:+.3f} against `{against}`)").format(
        method=m, difference=d, against=frame.loc[m, ("comparison", "against")]) for m, d in part["difference"].items())


def _describe_majority(majority: dict) -> str:
    metric, behind = majority["metric"], [m for m in majority["methods"] if m not in majority["beaten_by"]]
    numbers = dict(cls=majority["class"], score=majority["score"], beaten=_list(majority["beaten_by"]),
                   behind=_list(behind),
                   metric=metric_label(metric) if metric in ("macro_f1", "balanced_accuracy", "g_mean") else metric)
    if not majority["beaten_by"]:
        text = _("- **No method beats the majority predictor** by a real margin (always `{cls}`: {metric} {score:.3f} "
                 "on the same folds): on this table the models have not learnt more than a constant answer, so no "
                 "difference between them is called real below.")
    elif not behind:
        text = _("- Every method beats the majority predictor (always `{cls}`: {metric} {score:.3f} on the same "
                 "folds) by a real margin.")
    else:
        text = _("- Beat the majority predictor (always `{cls}`: {metric} {score:.3f} on the same folds) by a real "
                 "margin: {beaten}; not: {behind}.")
    return text.format(**numbers)


def _describe_apart(frame: pd.DataFrame, kind: str) -> str:
    """One bullet on the comparisons of ``kind`` (``capacity`` or ``other``): their macro-F1 and smallest-class
    recall differences, named as what they are (not balancing); "" when there are none."""
    rows = frame[frame[("comparison", "kind")] == kind]
    if rows.empty:
        return ""
    a = frame.attrs

    def verdict(row, metric: str) -> str:
        return _("real") if row[(metric, "real")] else families.not_enough_evidence(row[(metric, "detectable")])

    parts = [_("`{method}` against `{against}`: macro-F1 {f1_difference:+.3f} ({f1_verdict}), `{smallest}` recall "
               "{recall_difference:+.3f} ({recall_verdict})").format(
        method=m, against=row[("comparison", "against")], f1_difference=row[("macro_f1", "difference")],
        f1_verdict=verdict(row, "macro_f1"), smallest=a["smallest"],
        recall_difference=row[("recall_smallest", "difference")], recall_verdict=verdict(row, "recall_smallest"))
        for m, row in rows.iterrows()]
    text = (_("- Model choice (capacity), not balancing — plain models compared: {comparisons}.") if kind == "capacity"
            else _("- Not balancing alone (no plain version of the model among the methods): {comparisons}."))
    return text.format(comparisons=join(parts, "; "))


def describe_effects(frame: pd.DataFrame) -> str:
    """A short Markdown summary of :func:`effects`, generated from its numbers; it opens with
    :func:`majority_check`'s verdict when ``effects`` had one. Balancing claims (gains, their costs, calibration)
    are made only against the same model without balancing; differences between plain models come on their own
    line, as model choice. Which method is best is :func:`ecombalance.models._families.describe_families`' part."""
    a = frame.attrs
    balancing = frame[frame[("comparison", "kind")] == "balancing"]
    small, large = balancing["recall_smallest"], balancing["recall_largest"]
    helped = small[small["real"] & (small["difference"] > 0)].sort_values("difference", ascending=False)
    means = a["baseline_means"]
    lines = [_describe_majority(a["majority"])] if "majority" in a else []
    lines.append(_("- Baseline `{baseline}` (means over the folds): recall {recall_smallest:.3f} on the smallest class "
                   "`{smallest}`, {recall_largest:.3f} on the largest `{largest}`, macro-F1 {macro_f1:.3f}. Each "
                   "balancing method is compared with the same model without balancing; a difference is called real "
                   "when the {test} on the {design} gives p < {alpha} after Holm's correction.").format(
        **means, **{k: a[k] for k in ("baseline", "smallest", "largest", "design", "alpha")}, test=name_of_test()))
    if helped.empty:
        lines.append(_("- No balancing method raised the recall of `{smallest}` over the same model without "
                       "balancing by a real margin.").format(smallest=a["smallest"]))
    else:
        lines.append(_("- Real gains in `{smallest}` recall over the same model without balancing: {gains}.").format(
            smallest=a["smallest"], gains=_against(frame, helped)))
        cost = large.loc[helped.index]
        costly = cost[cost["real"] & (cost["difference"] < 0)]
        worst = (costly["baseline"] + costly["difference"]).min() if len(costly) else None
        lines.append(_("- Paid for with a real loss of `{largest}` recall by: {methods} (down to {worst:.3f} at "
                       "worst).").format(largest=a["largest"], methods=_list(costly.index), worst=worst)
                     if len(costly) else
                     _("- Not enough evidence of a loss of `{largest}` recall with them.").format(largest=a["largest"]))
    lines += [line for kind in ("capacity", "other") if (line := _describe_apart(frame, kind))]
    if "ece" in frame.columns.get_level_values(0) and not balancing.empty:
        ece = balancing["ece"]
        worse = ece[ece["real"] & (ece["difference"] > 0)]
        rest = ece.drop(index=worse.index)
        line = (_("- Top-label calibration (ECE, baseline {ece:.3f}) against the same model without balancing: really "
                  "worse with {worse} — re-balanced probabilities need a prior correction before they are read as "
                  "probabilities") if len(worse) else
                _("- Top-label calibration (ECE, baseline {ece:.3f}) against the same model without balancing: no "
                  "balancing method made it really worse"))
        rest_text = _("; no real loss with {rest}").format(rest=_changes(rest["difference"])) if len(rest) else ""
        lines.append(_("{sentence}{rest}.").format(sentence=line.format(ece=means["ece"], worse=_changes(
            worse["difference"])), rest=rest_text))
    return "\n".join(lines)


def best_of_effects(frame: pd.DataFrame, metric: str = "macro_f1") -> BestMethod:
    """The one rule for "best" (:func:`ecombalance.evaluation.best_method`) on :func:`effects`, within each model
    (:func:`ecombalance.models._families.best_of_families`): a balancing method is best only when its difference
    in ``metric`` to the same model without balancing is real (Holm-corrected p below the frame's alpha, and some
    method beats the majority predictor when :func:`majority_check` was given); of several, the largest gain.
    The sentence gives each family's verdict, or says there is not enough evidence and lists its top scores."""
    a, part = frame.attrs, frame[metric]
    table = pd.DataFrame({"method": frame.index, "against": frame[("comparison", "against")].to_numpy(),
                          "kind": frame[("comparison", "kind")].to_numpy(),
                          "method_mean": (part["baseline"] + part["difference"]).to_numpy(dtype=float),
                          "baseline_mean": part["baseline"].to_numpy(dtype=float),
                          "difference": part["difference"].to_numpy(dtype=float),
                          "p_value": part["p_value"].to_numpy(dtype=float),
                          "detectable": part["detectable"].to_numpy(dtype=float),
                          "distinguishable": part["real"].to_numpy(dtype=bool)})
    table.attrs.update(metric=metric, alpha=a.get("alpha", 0.05), design=a.get("design"))
    beats = bool(a["majority"]["beaten_by"]) if "majority" in a else True
    return families.best_of_families(table, beats)


def best_headline(decided: BestMethod) -> dict[str, Any]:
    """For the report index: ``best_is_distinguishable`` of :func:`best_of_effects` (or
    :func:`ecombalance.evaluation.best_method`) and, only when it is true, ``best_method``."""
    numbers: dict[str, Any] = {"best_is_distinguishable": bool(decided.best_is_distinguishable)}
    if decided.best is not None:
        numbers["best_method"] = decided.best
    return numbers


def most_rebalanced(frame: pd.DataFrame) -> str:
    """The method of :func:`effects` that raised the recall of the smallest class the most over the same model
    without balancing (among the methods that balance; any compared method when none does): the one whose
    operating point and calibration notebook 06 shows beside its plain model's (not a claim that it is best)."""
    rebalancing = [m for m in frame.index if not families.is_plain(m)]
    candidates = frame.loc[rebalancing] if rebalancing else frame
    balancing = candidates[candidates[("comparison", "kind")] == "balancing"]
    return (balancing if len(balancing) else candidates)[("recall_smallest", "difference")].idxmax()


def compared_with(frame: pd.DataFrame, method: str) -> str:
    """The method :func:`effects` compared ``method`` with (its plain model for a balancing method), or the
    frame's baseline for the baseline itself."""
    if method == frame.attrs["baseline"]:
        return method
    return str(frame.loc[method, ("comparison", "against")])


def prior_corrected(result: ExperimentResult, method: str) -> np.ndarray:
    """``method``'s out-of-fold probabilities moved from the priors its model learnt
    (:func:`ecombalance.models._methods.training_priors`: uniform after balancing) to the class
    priors of the data, by :func:`ecombalance.sampling._weights.prior_correct` (Saerens et al. 2002)."""
    proba = result.oof_proba.get(method)
    if proba is None:
        raise ValueError(f"method {method!r} has no out-of-fold probabilities; the experiment ran "
                         f"{result.methods}, each needs predict_proba")
    y = np.asarray(result.y)
    true_priors = np.array([(y == c).sum() for c in result.classes]) / len(y)
    return prior_correct(proba, training_priors(method, dict(zip(result.classes, true_priors))), true_priors)


def describe_prior_correction(result: ExperimentResult, method: str) -> str:
    """One Markdown bullet: the top-label ECE of ``method`` before and after :func:`prior_corrected`."""
    before = expected_calibration_error(result.y, result.oof_proba[method], classes=result.classes)
    after = expected_calibration_error(result.y, prior_corrected(result, method), classes=result.classes)
    return _("- Prior correction moves the top-label ECE of `{method}` from {before:.3f} to {after:.3f}.").format(
        method=method, before=before, after=after)


def describe_evaluation(frame: pd.DataFrame, result: ExperimentResult, positive: pd.DataFrame | None = None,
                        decision: pd.DataFrame | None = None, notes: Iterable[str] = ()) -> str:
    """Notebook 06's findings: ``notes`` (e.g. that the table was sampled) and the methods the time budget left
    out, then :func:`describe_effects` and what prior correction does to the calibration of the
    :func:`most_rebalanced` method; for a two-class table also :func:`describe_positive_class` and
    :func:`describe_decision` when given."""
    skipped = [f"- `{method}` {why}." for method, why in result.skipped.items()]
    parts = [*filter(None, notes), *skipped, describe_effects(frame),
             describe_prior_correction(result, most_rebalanced(frame))]
    if positive is not None:
        parts.append(describe_positive_class(positive))
    if decision is not None:
        parts.append(describe_decision(decision))
    return "\n".join(parts)


def summary_table(summary: pd.DataFrame, classes=None) -> pd.DataFrame:
    """:func:`ecombalance.evaluation.summarise` as method x metric cells "pooled [low, high]" (each metric on the
    pooled out-of-fold predictions, with its bootstrap interval); per-class cells only for ``classes`` when
    given (the largest and smallest of many)."""
    if classes is not None:
        summary = summary[(summary["class"] == "all") | summary["class"].isin([str(c) for c in classes])]
    label = summary["metric"].where(summary["class"] == "all", summary["metric"] + "[" + summary["class"] + "]")
    cells = summary.assign(metric=label, cell=[f"{p:.3f} [{lo:.3f}, {hi:.3f}]" for p, lo, hi in
                                               zip(summary["pooled"], summary["ci_low"], summary["ci_high"])])
    return cells.pivot(index="method", columns="metric", values="cell").loc[summary["method"].unique()]


def effects_headline(summary: pd.DataFrame, smallest, effects: pd.DataFrame | None = None,
                     positive: pd.DataFrame | None = None) -> dict[str, float]:
    """For the report index: each method's macro-F1 with its bootstrap interval, balanced accuracy and recall
    of the smallest class, as ``"<method>/<metric>"``; with ``effects`` (:func:`effects`) also the method it was
    compared with (``.../against``: the same model without balancing, or the baseline for a plain model), the
    difference of its macro-F1 and smallest-class recall to that method and whether it is real
    (``.../macro_f1_real``); with ``positive`` (:func:`positive_class_table`, two-class tables) also its F1 and average precision there.
    :func:`best_headline` adds the verdict of the one rule for "best"."""
    numbers = {}
    for row in summary.to_dict("records"):
        if row["metric"] in ("macro_f1", "balanced_accuracy") and row["class"] == "all":
            numbers[f"{row['method']}/{row['metric']}"] = row["pooled"]
            if row["metric"] == "macro_f1":
                numbers[f"{row['method']}/macro_f1_ci_low"] = row["ci_low"]
                numbers[f"{row['method']}/macro_f1_ci_high"] = row["ci_high"]
        elif row["metric"] == "recall" and row["class"] == str(smallest):
            numbers[f"{row['method']}/recall_smallest"] = row["pooled"]
    for method in [] if effects is None else effects.index:
        numbers[f"{method}/against"] = str(effects.loc[method, ("comparison", "against")])
        for metric in ("macro_f1", "recall_smallest"):
            numbers[f"{method}/{metric}_difference"] = float(effects.loc[method, (metric, "difference")])
            numbers[f"{method}/{metric}_real"] = bool(effects.loc[method, (metric, "real")])
    if positive is not None:
        for method, row in positive.iterrows():
            numbers[f"{method}/f1_positive"] = float(row["f1"])
            if "average_precision" in row and pd.notna(row["average_precision"]):
                numbers[f"{method}/average_precision"] = float(row["average_precision"])
    return numbers


# ----------------------------------------------------------------------------------- two-class tables
def positive_class_table(result: ExperimentResult, positive: Any, n_resamples: int = 1000,
                         random_state: int = 0) -> pd.DataFrame:
    """Per method (and the majority predictor): precision, recall and F1 of the ``positive`` class and its
    average precision (area under the precision-recall curve of its probability), on the pooled out-of-fold
    predictions, F1 and average precision with bootstrap intervals (whole groups when the experiment had them).
    ``attrs``: ``positive`` and its ``prevalence`` — the average precision of a random ranking, the
    reference the matching and click literature compares with."""
    y = np.asarray(result.y)
    rows = {}
    for method in result.methods:
        y_true, pred, proba, groups = result.pooled(method)
        row = scores(y_true, pred, classes=result.classes, metrics=(), per_class=("precision", "recall"))
        row = {m: row[f"{m}[{positive}]"] for m in ("precision", "recall")}
        f1 = metric_ci(y_true, pred, proba, metric="f1", classes=result.classes, class_=positive, groups=groups,
                       n_resamples=n_resamples, random_state=random_state)
        row.update(f1=f1.estimate, f1_low=f1.low, f1_high=f1.high)
        if proba is not None:
            ap = metric_ci(y_true, pred, proba, metric="pr_auc", classes=result.classes, class_=positive,
                           groups=groups, n_resamples=n_resamples, random_state=random_state)
            row.update(average_precision=ap.estimate, ap_low=ap.low, ap_high=ap.high)
        rows[method] = row
    table = pd.DataFrame(rows).T
    table.index.name = "method"
    table.attrs.update(positive=str(positive), prevalence=float(np.mean(y == positive)))
    return table


def describe_positive_class(table: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`positive_class_table`: the best F1 and the best average precision of the
    positive class, against its prevalence."""
    a = table.attrs
    best = table["f1"].astype(float).idxmax()
    numbers = dict(positive=a["positive"], prevalence=a["prevalence"], best=best, f1=table.loc[best, "f1"],
                   low=table.loc[best, "f1_low"], high=table.loc[best, "f1_high"])
    if not ("average_precision" in table and table["average_precision"].notna().any()):
        return _("- Positive class `{positive}` ({prevalence:.3f} of the rows): best F1 `{best}` {f1:.3f} [{low:.3f}, "
                 "{high:.3f}].").format(**numbers)
    ap = table["average_precision"].astype(float).idxmax()
    return _("- Positive class `{positive}` ({prevalence:.3f} of the rows): best F1 `{best}` {f1:.3f} [{low:.3f}, "
             "{high:.3f}]; best average precision `{ap}` {average_precision:.3f} (a random ranking scores "
             "{prevalence:.3f}).").format(**numbers, ap=ap, average_precision=table.loc[ap, "average_precision"])


DECISIONS = ("plain, threshold 0.5", "class weights, threshold 0.5", "plain, threshold tuned for F1")
"""The decision rules :func:`decision_comparison` compares, in its row order."""


GROUPS = "__groups__"
"""The column :func:`decision_comparison` adds to the tuned rule's input: its inner folds keep each group together."""


def decision_comparison(tbl: Table, folds, positive: Any, random_state: int = 0, inner_splits: int = 3,
                        n_resamples: int = 1000, alpha: float = 0.05, n_jobs: int | None = None,
                        fold_features: FoldFeatures | None = None) -> pd.DataFrame:
    """Class weights or a tuned threshold? The F1 of the ``positive`` class under three decision rules, run as
    three methods of one experiment (:func:`ecombalance.evaluation.run_experiment`) on ``folds`` (what its ``cv``
    takes, e.g. notebook 06's repeated folds), each fitted per training fold and scored on the untouched test
    folds:

    - the plain model (``none+logreg``) predicting positive when :math:`p \\ge 0.5`;
    - the class-weighted model (``class_weight+logreg``, :math:`w_c = N / (C N_c)`) at 0.5;
    - the plain model with the threshold that maximises F1 on out-of-fold scores of the training fold only
      (:class:`ecombalance.evaluation._thresholds.InnerFoldThreshold`: scikit-learn's ``TunedThresholdClassifierCV``
      on inner folds from :func:`ecombalance.evaluation.make_folds`, grouped when the table has a group column).

    Returns one row per rule: ``f1``, ``precision``, ``recall`` (pooled out-of-fold), ``f1_low`` / ``f1_high``
    (bootstrap interval: a description of the pooled predictions), ``difference`` in F1 against the plain model
    at 0.5 (mean over the folds), its ``p_value`` (the one test of
    :func:`ecombalance.evaluation.compare_to_baseline`, Holm-corrected over the two comparisons), ``detectable``
    (the smallest difference the test could call real here) and ``real`` (never when no rule beats predicting
    every row positive). ``attrs``: ``positive``, ``threshold`` (where the tuned rule switched to ``positive``:
    per fold the midpoint between the highest probability it called negative and the lowest it called positive,
    averaged over the folds of the first repeat), ``always_positive_f1`` (the F1 of predicting every row positive,
    :math:`2\\pi / (1 + \\pi)` for prevalence :math:`\\pi`), ``test`` and ``design``.
    """
    y = np.asarray(tbl.y)
    grouped = tbl.groups is not None
    tuned = InnerFoldThreshold(experiments.build(tbl, "none+logreg", random_state), positive=positive,
                               n_splits=inner_splits, random_state=random_state, group_column=GROUPS if grouped else None)
    methods = {DECISIONS[0]: experiments.build(tbl, "none+logreg", random_state),
               DECISIONS[1]: experiments.build(tbl, "class_weight+logreg", random_state),
               DECISIONS[2]: ("grouped", tuned) if grouped else tuned}
    features = {"grouped": tbl.X.assign(**{GROUPS: tbl.groups.to_numpy()})} if grouped else None
    result = run_experiment(methods, tbl.X, y, groups=None if not grouped else tbl.groups.to_numpy(), cv=folds,
                            random_state=random_state, features=features, progress=False, n_jobs=n_jobs,
                            fold_features=fold_features)
    compared = compare_to_baseline(result, DECISIONS[0], metric="f1", class_=positive, alpha=alpha,
                                   n_resamples=n_resamples, random_state=random_state).set_index("method")
    table = {}
    for rule in DECISIONS:
        y_true, pred, _, groups = result.pooled(rule)
        ci = metric_ci(y_true, pred, metric="f1", classes=result.classes, class_=positive, groups=groups,
                       n_resamples=n_resamples, random_state=random_state)
        counts = scores(y_true, pred, classes=result.classes, metrics=(), per_class=("precision", "recall"))
        table[rule] = {"f1": ci.estimate, "f1_low": ci.low, "f1_high": ci.high,
                       **{m: counts[f"{m}[{positive}]"] for m in ("precision", "recall")}}
    frame = pd.DataFrame(table).T
    frame["difference"] = [0.0, *compared.loc[list(DECISIONS[1:]), "difference"]]
    frame["p_value"] = [np.nan, *compared.loc[list(DECISIONS[1:]), "p_value"]]
    frame["detectable"] = [np.nan, *compared.loc[list(DECISIONS[1:]), "detectable"]]
    prevalence = float(np.mean(y == positive))
    always = 2 * prevalence / (1 + prevalence)  # F1 of predicting every row positive: precision p, recall 1
    frame["real"] = (frame["p_value"] < alpha) & (frame["f1"].max() > always)
    frame.index.name = "decision rule"
    frame.attrs.update(positive=str(positive), threshold=threshold_switch(result, DECISIONS[2], positive),
                       always_positive_f1=always, test=VERDICT_TEST, design=result.design)
    return frame


def describe_decision(frame: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`decision_comparison`: what class weights and a tuned threshold did to the
    positive class's F1 at the plain model's 0.5 threshold, and which rule is better on this table."""
    plain, weights, tuned = (frame.loc[rule] for rule in DECISIONS)

    def change(row) -> str:
        verdict = _("a real difference") if row["real"] else families.not_enough_evidence(row["detectable"])
        return _("{f1:.3f} ({difference:+.3f}, {verdict})").format(f1=row["f1"], difference=row["difference"],
                                                                   verdict=verdict)

    best = frame["f1"].astype(float).idxmax()
    always = frame.attrs["always_positive_f1"]
    if frame.loc[best, "f1"] <= always:
        verdict = _("none beats predicting every row positive (F1 {always:.3f}), so no difference is called real")
    elif frame["real"].any():
        verdict = _("highest F1: {rule}")
    else:
        verdict = _("highest F1: {rule}, though there is not enough evidence to separate the rules")
    rule = dict(zip(DECISIONS, (_("plain, threshold 0.5"), _("class weights, threshold 0.5"),
                                _("plain, threshold tuned for F1")))).get(best, best)  # the row labels stay English
    verdict = verdict.format(always=always, rule=rule)
    return _("- Deciding `{positive}`: the plain model at the 0.5 threshold has F1 {f1:.3f}; class weights at 0.5 "
             "give {weights}; a threshold tuned for F1 on the training folds only (about {threshold:.2f}) gives "
             "{tuned} — {verdict} ({design}, {test}, Holm-corrected).").format(
        positive=frame.attrs["positive"], f1=plain["f1"], weights=change(weights), threshold=frame.attrs["threshold"],
        tuned=change(tuned), verdict=verdict, design=frame.attrs["design"], test=name_of_test())


def ranking_table(result: ExperimentResult) -> pd.DataFrame | None:
    """Mean NDCG@k, MRR and recall@k per method over folds (the methods that ran on every fold), or None when the
    experiment had no queries."""
    r = result.results[result.results["method"].isin(result.methods)]
    rows = r[r["metric"].str.contains("@", regex=False) | (r["metric"] == "mrr")]
    return rows.pivot_table(index="method", columns="metric", values="value") if len(rows) else None
