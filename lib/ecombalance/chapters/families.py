"""Balancing judged within one model: each method against the plain version of its own model.

A comparison of ``none+torch_mlp:ce`` with ``none+logreg`` measures model capacity, not balancing; a balancing
method is judged against its *family baseline* — the same model with no sampler, no class weights and plain
cross-entropy (``none+logreg`` for ``class_weight+logreg`` and ``smote+logreg``, ``none+torch_mlp:ce`` for
``none+torch_mlp:logit_adjusted``). Differences between family baselines are reported apart, as capacity.
Every difference is the paired bootstrap of :func:`ecombalance.evaluation.compare_to_baseline` on the pooled
out-of-fold predictions, Holm-corrected over all the balancing comparisons together, and "best" follows the
one rule of :func:`ecombalance.evaluation.best_method`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from ecombalance.chapters.experiments import balances_nothing, parse
from ecombalance.evaluation import ExperimentResult, best_method, compare_to_baseline, detectable_difference, holm
from ecombalance.evaluation.verdicts import BestMethod


def plain_models(methods: list[str]) -> dict[str, str]:
    """``{model: the first of methods that is its plain version}`` (:func:`balances_nothing`)."""
    plain: dict[str, str] = {}
    for m in methods:
        if balances_nothing(m):
            plain.setdefault(parse(m)[1], m)
    return plain


def family_baselines(methods: list[str]) -> dict[str, str]:
    """Each method's family baseline (the first method of the same model that balances nothing), for the
    methods that have one in ``methods``; the baselines themselves are left out."""
    plain = plain_models(methods)
    return {m: plain[parse(m)[1]] for m in methods if plain.get(parse(m)[1], m) != m}


def subset(result: ExperimentResult, methods: list[str]) -> ExperimentResult:
    """``result`` with only ``methods`` (their order), for a comparison among them."""
    keep = set(methods)
    return replace(result, results=result.results[result.results["method"].isin(keep)].reset_index(drop=True),
                   oof_pred={m: p for m, p in result.oof_pred.items() if m in keep},
                   oof_proba={m: p for m, p in result.oof_proba.items() if m in keep},
                   skipped={m: w for m, w in result.skipped.items() if m in keep})


def family_effects(result: ExperimentResult, metric: str = "macro_f1", n_resamples: int = 1000, seed: int = 0,
                   alpha: float = 0.05) -> pd.DataFrame:
    """Macro-F1 (or ``metric``) differences within each model family and between the family baselines.

    Returns one row per comparison: ``method``, ``against``, ``kind`` (``"balancing"``: the same model with and
    without a balancing step; ``"capacity"``: one plain model against the experiment's baseline),
    ``method_mean`` / ``baseline_mean`` and ``difference`` (means over the folds, as
    :func:`ecombalance.chapters.findings.effects` reports them), ``ci_low`` / ``ci_high`` (paired bootstrap of the
    pooled out-of-fold difference), ``p_value`` (Holm-corrected within its kind) and ``distinguishable``
    (``p_value < alpha``).
    """
    methods = result.methods
    rows = []
    baselines = family_baselines(methods)
    for base in dict.fromkeys(baselines.values()):
        members = [m for m, b in baselines.items() if b == base]
        frame = compare_to_baseline(subset(result, [base, *members]), base, metric=metric,
                                    correction=None, n_resamples=n_resamples, seed=seed, alpha=alpha)
        design = dict(frame.attrs)
        rows.append(frame.assign(against=base, kind="balancing"))
    overall = methods[0]
    plain = [m for model, m in plain_models(methods).items() if model != parse(overall)[1]]
    if plain and balances_nothing(overall):
        frame = compare_to_baseline(subset(result, [overall, *plain]), overall, metric=metric,
                                    correction=None, n_resamples=n_resamples, seed=seed, alpha=alpha)
        design = dict(frame.attrs)
        rows.append(frame.assign(against=overall, kind="capacity"))
    if not rows:
        raise ValueError(f"no method has a plain version of its model among {methods}; add e.g. 'none+logreg' "
                         "so that balancing can be judged within one model")
    table = pd.concat(rows, ignore_index=True)
    for kind in table["kind"].unique():
        part = table["kind"] == kind
        table.loc[part, "p_value"] = holm(table.loc[part, "ttest_p"].to_numpy())
        table.loc[part, "detectable"] = detectable_difference(table.loc[part, "se"], table.loc[part, "df"], alpha,
                                                              int(part.sum()))
    table["distinguishable"] = table["p_value"] < alpha
    table = table[["method", "against", "kind", "method_mean", "baseline_mean", "difference", "ci_low", "ci_high",
                   "p_value", "detectable", "distinguishable"]]
    table.attrs.update(metric=metric, alpha=alpha, n_resamples=n_resamples, test=design["test"],
                       design=design["design"], n_repeats=design["n_repeats"], n_splits=design["n_splits"])
    return table


def family_verdicts(table: pd.DataFrame) -> dict[str, BestMethod]:
    """The one rule for "best" applied within each family of :func:`family_effects`: ``{family baseline:
    BestMethod}``."""
    a = table.attrs
    verdicts = {}
    for base, part in table[table["kind"] == "balancing"].groupby("against", sort=False):
        differences = part.set_index("method")[["difference", "p_value", "detectable", "baseline_mean",
                                                "method_mean"]].assign(metric=a.get("metric", "macro_f1"))
        verdicts[base] = best_method(differences, base, metric=a.get("metric", "macro_f1"),
                                     alpha=a.get("alpha", 0.05), design=a.get("design"))
    return verdicts


def families_headline(table: pd.DataFrame) -> dict[str, Any]:
    """``best_is_distinguishable`` (some family has a balancing method distinguishably better than its plain
    model) and, when true, ``best_method`` (of those, the largest difference) and ``best_difference``;
    ``capacity_difference`` (the largest difference between plain models) when one was measured."""
    verdicts = family_verdicts(table)
    bests = table[table["method"].isin([v.best for v in verdicts.values() if v.best])]
    numbers: dict[str, Any] = {"best_is_distinguishable": not bests.empty}
    if not bests.empty:
        top = bests.loc[bests["difference"].idxmax()]
        numbers.update(best_method=top["method"], best_difference=float(top["difference"]))
    capacity = table[table["kind"] == "capacity"]
    if not capacity.empty:
        numbers["capacity_difference"] = float(capacity["difference"].max())
    return numbers


def describe_families(table: pd.DataFrame) -> str:
    """Markdown bullets: per family, the one rule's sentence against the plain model; then the capacity
    differences, named as such."""
    lines = [f"- Within `{parse(base)[1]}` (against `{base}`): {verdict.sentence}"
             for base, verdict in family_verdicts(table).items()]
    for _, row in table[table["kind"] == "capacity"].iterrows():
        verdict = "a real difference" if row["distinguishable"] else "not distinguishable"
        lines.append(f"- Model capacity, not balancing: `{row['method']}` against `{row['against']}` differs by "
                     f"{row['difference']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}] ({verdict}); neither "
                     "balances anything.")
    return "\n".join(lines)
