"""Balancing judged within one model: each method against the plain version of its own model.

A comparison of ``none+torch_mlp:ce`` with ``none+logreg`` measures model capacity, not balancing; a balancing
method is judged against its *family baseline* — the same model with no sampler, no class weights and plain
cross-entropy (``none+logreg`` for ``class_weight+logreg`` and ``smote+logreg``, ``none+torch_mlp:ce`` for
``none+torch_mlp:logit_adjusted``). A balancing ensemble of imbalanced-learn, which balances inside each bootstrap or
boosting round, is judged against its plain counterpart (``none+rf`` for ``none+balanced_rf``, ``none+bagging`` for
``none+balanced_bagging``, ``none+bagged_adaboost`` for ``none+easy_ensemble``, ``none+adaboost`` for
``none+rusboost``: :func:`ecombalance.models._methods.family_model`). Differences between plain models are
reported apart, as model choice (capacity). A method whose model has no plain version among the methods is compared with the first method and
marked ``other``: its difference is not balancing alone, and no claim about balancing is made from it.

Every difference is the one test of :func:`ecombalance.evaluation.compare_to_baseline` (the corrected repeated
cross-validation t-test on paired fold scores), Holm-corrected over the comparisons of one kind together, and
"best" follows the one rule of :func:`ecombalance.evaluation.best_method`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.evaluation import ExperimentResult, best_method, compare_to_baseline, holm
from ecombalance.evaluation._stats import detectable_difference
from ecombalance.evaluation._verdicts import BestMethod
from ecombalance.i18n import gettext as _
from ecombalance.models._methods import balances_nothing, family_model

KINDS = ("balancing", "capacity", "other")
"""What a comparison measures: ``balancing`` (the same model with and without a balancing step), ``capacity``
(one plain model against another: model choice) and ``other`` (no plain version of the model among the methods:
model and balancing mixed, never a balancing claim)."""


def model_of(method: str) -> str:
    """The model family of ``"<sampler>+<model>[:<loss>]"``: its model, or a balancing ensemble's plain counterpart
    (:func:`ecombalance.models._methods.family_model`); a name outside that grammar is its own model."""
    try:
        return family_model(method)
    except ValueError:
        return method


def is_plain(method: str) -> bool:
    """:func:`balances_nothing`, False for a name outside the grammar (nothing is known of it)."""
    try:
        return balances_nothing(method)
    except ValueError:
        return False


def plain_models(methods: list[str]) -> dict[str, str]:
    """``{model: the first of methods that is its plain version}`` (:func:`balances_nothing`)."""
    plain: dict[str, str] = {}
    for m in methods:
        if is_plain(m):
            plain.setdefault(model_of(m), m)
    return plain


def family_baselines(methods: list[str]) -> dict[str, str]:
    """Each method's family baseline (the first method of the same model that balances nothing), for the
    methods that have one in ``methods``; the baselines themselves are left out."""
    plain = plain_models(methods)
    return {m: plain[model_of(m)] for m in methods if plain.get(model_of(m), m) != m}


def references(methods: list[str]) -> dict[str, tuple[str, str]]:
    """``{method: (the method it is compared with, kind)}`` for every method but the reference of all (the first
    method, or the plain version of its model when that is among ``methods``):

    - a method whose model has a plain version among ``methods``: that plain version, ``"balancing"``;
    - a plain model: the plain version of the first method's model, ``"capacity"`` (model choice), or the first
      method itself when its model has no plain version (``"other"``);
    - a balancing method whose model has no plain version: the first method, ``"other"`` (another model, or
      another balancing step: not the same model without balancing).
    """
    methods = list(methods)
    plain = plain_models(methods)
    first = methods[0]
    overall = plain.get(model_of(first), first)
    found: dict[str, tuple[str, str]] = {}
    for m in methods:
        own = plain.get(model_of(m))
        if own is not None and own != m:
            found[m] = (own, "balancing")
        elif m == overall or (own is None and m == first):
            continue
        elif own == m:
            found[m] = (overall, "capacity" if is_plain(overall) else "other")
        else:
            found[m] = (first, "other")
    return found


def subset(result: ExperimentResult, methods: list[str]) -> ExperimentResult:
    """``result`` with only ``methods`` (their order), for a comparison among them."""
    keep = [m for m in methods if m in result.oof_pred]
    return replace(result, results=result.results[result.results["method"].isin(set(methods))].reset_index(drop=True),
                   oof_pred={m: result.oof_pred[m] for m in keep}, oof_proba={m: result.oof_proba[m] for m in keep},
                   skipped={m: w for m, w in result.skipped.items() if m in set(methods)})


def _fold_scores(result: ExperimentResult, method: str, metric: str, class_: Any) -> bytes:
    r, cls = result.results, "all" if class_ is None else str(class_)
    chosen = r[(r["method"] == method) & (r["metric"] == metric) & (r["class"] == cls)]
    return chosen.sort_values("fold")["value"].to_numpy().tobytes()


def family_effects(result: ExperimentResult, metric: str = "macro_f1", n_resamples: int = 1000, random_state: int = 0,
                   alpha: float = 0.05, class_: Any = None, interval: bool = True) -> pd.DataFrame:
    """``metric`` (of class ``class_`` for per-class metrics) compared within each model family and between the
    plain models (:func:`references`).

    Returns one row per comparison: ``method``, ``against``, ``kind`` (:data:`KINDS`), ``method_mean`` /
    ``baseline_mean`` and ``difference`` (means over the folds, the ``against`` method's as baseline), ``se``,
    ``pooled_difference`` with ``ci_low`` / ``ci_high`` (the paired bootstrap interval of the pooled out-of-fold
    difference: a description, not the test; NaN without ``interval``), ``p_value`` (the one test, Holm-corrected
    over the comparisons of the same kind, identical fold scores counted once), ``detectable`` (the smallest
    difference the test could call real with this spread) and ``distinguishable`` (``p_value < alpha``).
    ``attrs``: ``metric``, ``class``, ``alpha``, ``n_resamples``, ``test``, ``design``, ``n_repeats``,
    ``n_splits``, ``baseline`` (the first method).
    """
    methods = result.methods
    if len(methods) < 2:
        raise ValueError(f"family_effects needs at least two methods, got {methods}")
    found = references(methods)
    rows, design = [], {}
    for base in dict.fromkeys(against for against, _kind in found.values()):
        members = [m for m, (against, _kind) in found.items() if against == base]
        frame = compare_to_baseline(subset(result, [base, *members]), base, metric=metric, class_=class_,
                                    correction=None, interval=interval, n_resamples=n_resamples,
                                    random_state=random_state, alpha=alpha)
        design = dict(frame.attrs)
        rows.append(frame.assign(against=base, kind=[found[m][1] for m in frame["method"]]))
    table = pd.concat(rows, ignore_index=True)
    for kind in table["kind"].unique():
        part = (table["kind"] == kind).to_numpy()
        # identical fold scores (balanced_softmax = logit_adjusted with tau = 1) are one hypothesis: counted once
        keys = [(row.against, _fold_scores(result, row.method, metric, class_)) for row in table[part].itertuples()]
        table.loc[part, "p_value"] = holm(table.loc[part, "ttest_p"].to_numpy(), keys)
        table.loc[part, "detectable"] = detectable_difference(table.loc[part, "se"], table.loc[part, "df"], alpha,
                                                              len(set(keys)))
    table["distinguishable"] = table["p_value"] < alpha
    order = {m: i for i, m in enumerate(methods)}
    table = table.sort_values("method", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    table = table[["method", "against", "kind", "method_mean", "baseline_mean", "difference", "se",
                   "pooled_difference", "ci_low", "ci_high", "p_value", "detectable", "distinguishable"]]
    table.attrs.update(metric=metric, alpha=alpha, n_resamples=n_resamples, test=design["test"],
                       design=design["design"], n_repeats=design["n_repeats"], n_splits=design["n_splits"],
                       baseline=methods[0], **{"class": "all" if class_ is None else str(class_)})
    return table


def family_verdicts(table: pd.DataFrame, beats_majority: bool = True,
                    scores: pd.DataFrame | None = None) -> dict[str, BestMethod]:
    """The one rule for "best" applied within each family of :func:`family_effects` (its ``balancing`` rows):
    ``{family baseline: BestMethod}``. With ``beats_majority=False`` (no method beats the majority predictor)
    no difference is called distinguishable; ``scores`` (indexed by method: ``score``, optionally ``low`` /
    ``high``) are the numbers the sentences quote instead of the fold means."""
    a = table.attrs
    verdicts = {}
    for base, part in table[table["kind"] == "balancing"].groupby("against", sort=False):
        shown = [c for c in ("difference", "p_value", "detectable", "baseline_mean", "method_mean",
                             "pooled_difference", "ci_low", "ci_high") if c in part]
        differences = part.set_index("method")[shown].assign(metric=a.get("metric", "macro_f1"))
        if a.get("class", "all") != "all":
            differences["class"] = a["class"]
        quoted = None if scores is None else scores.loc[[base, *differences.index]]
        verdicts[base] = best_method(differences, base, scores=quoted, metric=a.get("metric", "macro_f1"),
                                     alpha=a.get("alpha", 0.05), beats_majority=beats_majority, design=a.get("design"))
    return verdicts


def best_of_families(table: pd.DataFrame, beats_majority: bool = True,
                     scores: pd.DataFrame | None = None) -> BestMethod:
    """One answer over every family of :func:`family_effects`: the balancing method with the largest
    distinguishable gain over its own plain model (None when no family has one), and the families' sentences
    (:func:`family_verdicts`)."""
    verdicts = family_verdicts(table, beats_majority, scores)
    named = [v.best for v in verdicts.values() if v.best]
    sentence = " ".join(_("Within `{model}`: {sentence}").format(model=model_of(base), sentence=v.sentence)
                        for base, v in verdicts.items())
    if not named:
        return BestMethod(None, False, sentence)
    rows = table.set_index("method").loc[named]
    return BestMethod(str(rows["difference"].idxmax()), True, sentence)


def families_headline(table: pd.DataFrame, beats_majority: bool = True) -> dict[str, Any]:
    """``best_is_distinguishable`` (some family has a balancing method distinguishably better than its plain
    model) and, when true, ``best_method`` (of those, the largest difference), ``best_against`` (its plain
    model) and ``best_difference``; ``capacity_difference`` (the largest difference between plain models) when
    one was measured; and the design of the test (:func:`ecombalance.evaluation.design_headline`)."""
    from ecombalance.evaluation._verdicts import design_headline

    decided = best_of_families(table, beats_majority)
    numbers: dict[str, Any] = {"best_is_distinguishable": decided.best_is_distinguishable}
    if decided.best is not None:
        row = table.set_index("method").loc[decided.best]
        numbers.update(best_method=decided.best, best_against=row["against"], best_difference=float(row["difference"]))
    capacity = table[table["kind"] == "capacity"]
    if not capacity.empty:
        numbers["capacity_difference"] = float(capacity["difference"].max())
    return {**numbers, **design_headline(table)}


def not_enough_evidence(detectable: float) -> str:
    """How a non-result reads: "not enough evidence; this design detects about 0.031", or "the same on every
    fold" when the two methods' fold scores do not differ at all (nothing to detect)."""
    if not np.isfinite(detectable) or detectable <= 0:
        return _("the same on every fold")
    return _("not enough evidence; this design detects about {detectable:.3f}").format(detectable=detectable)


def apart(table: pd.DataFrame, beats_majority: bool = True) -> list[str]:
    """One sentence per comparison of :func:`family_effects` that is not balancing alone: a plain model against
    another (model choice, capacity) or a method without the plain version of its model among the methods."""
    sentences = []
    for _index, row in table[table["kind"] != "balancing"].iterrows():
        verdict = (_("a real difference") if row["distinguishable"] and beats_majority else
                   not_enough_evidence(row["detectable"]))
        interval = (_(" (pooled out-of-fold {difference:+.3f}, interval [{low:+.3f}, {high:+.3f}])").format(
            difference=row["pooled_difference"], low=row["ci_low"], high=row["ci_high"])
            if np.isfinite(row["ci_low"]) else "")
        what = (_("Model choice (capacity), not balancing") if row["kind"] == "capacity" else
                _("Not balancing alone (no plain `{model}` among the methods)").format(model=model_of(row["method"])))
        sentences.append(_("{what}: `{method}` against `{against}` differs by {difference:+.3f}{interval}: "
                           "{verdict}.").format(what=what, method=row["method"], against=row["against"],
                                                difference=row["difference"], interval=interval, verdict=verdict))
    return sentences


def describe_families(table: pd.DataFrame, beats_majority: bool = True, with_apart: bool = True) -> str:
    """Markdown bullets: per family, the one rule's sentence against the plain model; then (``with_apart``) the
    differences between plain models, named as model choice, and the comparisons that are not balancing alone
    (:func:`apart`)."""
    lines = [_("- Within `{model}` (against `{base}`): {sentence}").format(model=model_of(base), base=base,
                                                                           sentence=verdict.sentence)
             for base, verdict in family_verdicts(table, beats_majority).items()]
    return "\n".join(lines + [f"- {sentence}" for sentence in (apart(table, beats_majority) if with_apart else [])])


def operating_points(result: ExperimentResult, plain: str, method: str, positive: Any) -> pd.DataFrame:
    """One model without and with balancing, for class ``positive`` (pooled out-of-fold): ``average_precision``
    (the area under its precision-recall curve: the ranking) and the ``recall`` / ``precision`` of each method's
    own decisions (its operating point on that curve). ``attrs``: ``positive`` and its ``prevalence``."""
    from ecombalance.evaluation._metrics import scores

    rows = {}
    for name in (plain, method):
        y_true, pred, proba, _groups = result.pooled(name)
        found = scores(y_true, pred, proba, classes=result.classes, metrics=(),
                       per_class=("recall", "precision") + (("pr_auc",) if proba is not None else ()))
        rows[name] = {"average_precision": found.get(f"pr_auc[{positive}]", np.nan),
                      "recall": found[f"recall[{positive}]"], "precision": found[f"precision[{positive}]"]}
    table = pd.DataFrame(rows).T
    table.index.name = "method"
    table.attrs.update(positive=str(positive), prevalence=float(np.mean(np.asarray(result.y) == positive)))
    return table


def describe_operating_points(table: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`operating_points`: how much balancing moved the curve (average precision)
    and how much it moved the operating point along it."""
    (plain, before), (method, after) = table.iterrows()
    a = table.attrs
    return _("- Class `{positive}` ({prevalence:.3f} of the rows), one model without and with balancing: average "
             "precision {ap_before:.3f} for `{plain}` and {ap_after:.3f} for `{method}` ({ap_change:+.3f}: the "
             "ranking, the curve), while the decisions move from recall {recall_before:.3f} at precision "
             "{precision_before:.3f} to recall {recall_after:.3f} at precision {precision_after:.3f} (the operating "
             "point along the curve).").format(
        positive=a["positive"], prevalence=a["prevalence"], ap_before=before["average_precision"], plain=plain,
        ap_after=after["average_precision"], method=method,
        ap_change=after["average_precision"] - before["average_precision"], recall_before=before["recall"],
        precision_before=before["precision"], recall_after=after["recall"], precision_after=after["precision"])
