"""What notebook 03 concludes from its sampler comparison, under the one rule for "best".

A sampler is named best for a classifier only when its macro-F1 is distinguishably higher than the same
classifier without resampling: the one test, the corrected repeated cross-validation t-test (Nadeau & Bengio 2003;
Bouckaert & Frank 2004) on the paired scores of all r × k folds, Holm-corrected over the samplers of that
classifier (:func:`ecombalance.evaluation.compare_fold_scores` and :func:`ecombalance.evaluation.best_method`).
Otherwise the text says there is not enough evidence to separate the samplers from no resampling, how large a
difference the design could have detected, and lists the top scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.chapters.resampling_study import (WorkedExamples, complete_pairs, leakage_inflation,
                                                   summarise_comparison)
from ecombalance.evaluation import best_method, compare_fold_scores, design_headline, smallest_detectable
from ecombalance.evaluation.verdicts import BestMethod


def sampler_differences(results: pd.DataFrame, alpha: float = 0.05) -> dict[str, pd.DataFrame]:
    """Per classifier, the one test on the fold scores of :func:`compare_samplers`: each ``<sampler>+<model>``
    against ``none+<model>`` on the same r × k folds (:func:`ecombalance.evaluation.compare_fold_scores`, Holm
    within the classifier's samplers). Classifiers without a ``none`` run are left out, and so are pairs with a
    failed or skipped fold (:func:`complete_pairs`). The fold sizes and the design come from ``results.attrs``
    (``n_train``, ``n_test``, ``n_repeats``, ``design``), which :func:`compare_samplers` sets; each table's
    ``attrs["design"]`` is the folds' (e.g. "2 × 5-fold grouped cross-validation")."""
    if not {"n_train", "n_test"} <= set(results.attrs):
        raise ValueError("results.attrs needs n_train and n_test (the fold sizes); compare_samplers sets them")
    complete, _ = complete_pairs(results)
    tables = {}
    for model, part in complete.groupby("model", sort=False):
        if "none" not in set(part["sampler"]) or part["sampler"].nunique() < 2:
            continue
        scores = part.pivot(index="fold", columns="sampler", values="macro_f1")
        scores = scores[list(dict.fromkeys(part["sampler"]))]  # the run order, not alphabetical
        scores.columns = [f"{sampler}+{model}" for sampler in scores.columns]
        differences = compare_fold_scores(scores, f"none+{model}", results.attrs["n_train"], results.attrs["n_test"],
                                          alpha=alpha, n_repeats=int(results.attrs.get("n_repeats", 1)))
        if results.attrs.get("design"):
            differences.attrs["design"] = results.attrs["design"]
        tables[model] = differences
    return tables


def sampler_verdicts(results: pd.DataFrame, alpha: float = 0.05) -> dict[str, BestMethod]:
    """Per classifier, the one rule for "best" (:func:`ecombalance.evaluation.best_method`) on
    :func:`sampler_differences`: a sampler is named only when it beats the same classifier without resampling
    distinguishably; otherwise the sentence says there is not enough evidence to separate them and how large a
    difference this design detects, with the design (r × k) and the test."""
    return {model: best_method(differences, f"none+{model}", metric="macro_f1", alpha=alpha)
            for model, differences in sampler_differences(results, alpha).items()}


def describe_comparison(results: pd.DataFrame) -> str:
    """A short Markdown reading of :func:`compare_samplers` results, generated from the numbers.

    Per model: the one rule's verdict against no resampling (:func:`sampler_verdicts`); the smallest class's
    recall without resampling and with the top-scoring sampler; how class weighting compares; the slowest
    sampler; and which pairs failed (left out of the means, as in :func:`summarise_comparison`).
    """
    ok, notes = complete_pairs(results)
    ok = ok if "macro_f1" in ok else ok.iloc[0:0]
    verdicts = sampler_verdicts(results) if {"n_train", "n_test"} <= set(results.attrs) else {}
    plain = {}
    recall_cols = [c for c in results.columns if c.startswith("recall[")]
    minority = recall_cols[-1] if recall_cols else None  # columns run largest class first
    lines = []
    for model, part in ok.groupby("model", sort=False):
        means = part.groupby("sampler", sort=False)[["macro_f1", "fit_seconds", *recall_cols]].mean()
        top = means["macro_f1"].idxmax()
        if model in verdicts:
            text = f"- **{model}**: {verdicts[model].sentence}"
        else:
            text = f"- **{model}**: top mean macro-F1 with `{top}` ({means.loc[top, 'macro_f1']:.3f}; no run without resampling to test it against)."
        if minority and "none" in means.index and top != "none":
            text += (f" Recall of the smallest class ({minority[len('recall['):-1]}): "
                     f"{means.loc['none', minority]:.2f} without resampling, {means.loc[top, minority]:.2f} with "
                     f"`{top}`.")
        if "class_weight" in means.index and top != "class_weight":
            gap = means.loc[top, "macro_f1"] - means.loc["class_weight", "macro_f1"]
            text += f" Class weighting, which adds no rows, scores {gap:.3f} below `{top}`."
        slowest = means["fit_seconds"].idxmax()
        text += f" Slowest to fit: `{slowest}` ({means.loc[slowest, 'fit_seconds']:.2f} s per fold)."
        lines.append(text)
        if "none" in means.index:
            plain[model] = means.loc["none", "macro_f1"]
    if len(plain) > 1:  # model choice, kept apart from what balancing does within one model
        lines.append("- Model choice, without resampling (not a balancing effect): "
                     + ", ".join(f"{model} {score:.3f}" for model, score in
                                 sorted(plain.items(), key=lambda kv: -kv[1])) + " mean macro-F1.")
    return "\n".join(lines + notes)


def resampling_headline(leak: Mapping[str, pd.DataFrame], results: pd.DataFrame) -> dict[str, Any]:
    """For the report index: the top (sampler, model) by mean macro-F1 and its score (``top_*``: the highest,
    not called best), ``best_is_distinguishable`` (some sampler beats its classifier without resampling by
    the one rule) and then ``best_method``, the design of the verdicts beside it
    (:func:`ecombalance.evaluation.design_headline`: ``cv_repeats``, ``cv_folds``, ``verdict_test`` and
    ``smallest_detectable_difference``, the median over the classifiers' families), the largest leakage
    inflation (:func:`leakage_inflation`) and how many samplers were compared (``none`` included, the
    ``class_weight`` baseline and pairs left out by :func:`summarise_comparison` not)."""
    summary = summarise_comparison(results)
    top_sampler, top_model = summary["macro_f1"].idxmax()
    numbers: dict[str, Any] = {"top_sampler": top_sampler, "top_model": top_model,
                               "top_macro_f1": float(summary["macro_f1"].max())}
    if {"n_train", "n_test"} <= set(results.attrs):
        families = sampler_differences(results)
        bests = [best_method(d, f"none+{m}", metric="macro_f1").best for m, d in families.items()]
        bests = [b for b in bests if b]
        numbers["best_is_distinguishable"] = bool(bests)
        if bests:
            numbers["best_method"] = max(bests, key=lambda m: summary.loc[tuple(m.split("+", 1)), "macro_f1"])
        if families:
            numbers.update(design_headline(next(iter(families.values()))))
            detectable = [smallest_detectable(d) for d in families.values()]
            numbers["smallest_detectable_difference"] = (float(np.nanmedian(detectable))
                                                         if np.isfinite(detectable).any() else float("nan"))
    numbers.update(leakage_inflation=float(leakage_inflation(leak).max()),
                   samplers_compared=len(set(summary.index.get_level_values("sampler")) - {"class_weight"}))
    return numbers


def describe_study(worked: WorkedExamples, leak: Mapping[str, pd.DataFrame], results: pd.DataFrame,
                   notes: Iterable[str] = (), user_table: bool = False) -> str:
    """Notebook 03's findings as Markdown bullets, generated from its numbers: ``notes`` first (e.g. that the
    table was sampled), the worked examples (:func:`ecombalance.chapters.resampling_study.worked_examples`, on the
    design document's own counts: with ``user_table`` the bullet says they are not the user's table), the worst
    leakage (``leak``: sampler name -> ``leakage_demo`` table, scored by balanced accuracy), the top pipeline and,
    per classifier, :func:`describe_comparison`."""
    counts = worked.counts.values.tolist()
    own = " / ".join(str(int(n)) for n in counts[0])
    which = (f"The design document's worked examples, on its own {own} rows (not your table)," if user_table
             else "The worked examples")
    inflation = leakage_inflation(leak).dropna()
    summary = summarise_comparison(results)
    top_sampler, top_model = summary["macro_f1"].idxmax()
    if inflation.empty:
        why = "; ".join(f"`{name}`: {table.attrs.get('failed') or 'no score'}" for name, table in leak.items())
        leakage = f"- Resampling before the split could not be measured on every fold ({why[:300]})."
    else:
        worst = inflation.idxmax()
        leakage = (f"- Resampling before the split inflated balanced accuracy by {inflation[worst]:.3f} with `{worst}` "
                   f"({leak[worst]['mean'].iloc[0]:.3f} vs {leak[worst]['mean'].iloc[1]:.3f} inside the folds).")
    times = sorted(set(worked.appearances))
    appear = (f"exactly {times[0]} times" if len(times) == 1
              else "between " + " and ".join(str(t) for t in (times[0], times[-1])) + " times")
    models = list(dict.fromkeys(results["model"]))
    samplers = [m for m in dict.fromkeys(results["sampler"]) if m not in ("none", "class_weight")]
    design = results.attrs.get("design", "the same folds")
    return "\n".join([
        *filter(None, notes),
        f"- {which} hold exactly: {counts[1]} after under-sampling, {counts[2]} after over-sampling, "
        f"every class-3 row appearing {appear}.",
        leakage,
        f"- Compared: {len(samplers)} sampler{'s' if len(samplers) != 1 else ''} with {len(models)} "
        f"classifier{'s' if len(models) != 1 else ''} ({', '.join(models)}), each against the same classifier "
        f"without resampling{' and with class weights' if 'class_weight' in set(results['sampler']) else ''}, on "
        f"{design}.",
        f"- Top mean macro-F1: `{top_sampler}` + {top_model}, {summary['macro_f1'].max():.3f}. Per classifier, "
        "against the same classifier without resampling:",
        describe_comparison(results),
    ])


CLEANERS = ("tomek", "enn")
"""The samplers that only remove rows where classes meet (imbalanced-learn's cleaning under-samplers), from every
class but the smallest by default."""


def describe_cleaning(counts: pd.DataFrame) -> str:
    """Markdown bullets on :func:`resample_counts`: for each cleaner of :data:`CLEANERS` that ran, how many rows of
    each class it removed, and from which class the largest share — a cleaner removes rows whose neighbours disagree
    with their label wherever the classes meet, not the largest class first. "" when no cleaner ran."""
    before = counts.loc["(before)"]
    # labels may be booleans: a list of them would index as a mask, so the class columns are picked by position
    positions = [i for i, c in enumerate(counts.columns) if c not in ("seconds", "error")]
    classes = [counts.columns[i] for i in positions]
    lines = []
    for name in [c for c in CLEANERS if c in counts.index]:
        after = counts.loc[name].iloc[positions]
        if after.isna().any():
            continue
        removed = {c: int(before[c]) - int(after[c]) for c in classes}
        shares = {c: removed[c] / int(before[c]) for c in classes if int(before[c])}
        most = max(shares, key=shares.get)
        listed = ", ".join(f"{removed[c]:,} of {int(before[c]):,} `{c}` rows ({shares[c]:.0%})" for c in classes)
        largest = max(classes, key=lambda c: int(before[c]))
        where = (f"the largest share from `{most}`, not from the largest class `{largest}`" if most != largest
                 else f"the largest share from the largest class `{largest}`")
        lines.append(f"- `{name}` removed {listed}: {where}. A cleaner removes rows whose neighbours disagree with "
                     "their label wherever the classes meet, so it thins every overlapping class, not the majority "
                     "alone.")
    return "\n".join(lines)
