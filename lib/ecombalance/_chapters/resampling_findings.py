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

from ecombalance._chapters.resampling_study import (WorkedExamples, complete_pairs, leakage_inflation,
                                                    summarise_comparison)
from ecombalance.evaluation import best_method, compare_fold_scores
from ecombalance.evaluation._verdicts import BestMethod, design_headline, smallest_detectable
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join, ngettext


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
            text = _("- **{model}**: {sentence}").format(model=model, sentence=verdicts[model].sentence)
        else:
            text = _("- **{model}**: top mean macro-F1 with `{top}` ({score:.3f}; no run without resampling to test it "
                     "against).").format(model=model, top=top, score=means.loc[top, "macro_f1"])
        if minority and "none" in means.index and top != "none":
            text += _(" Recall of the smallest class ({cls}): {plain:.2f} without resampling, {top_recall:.2f} with "
                      "`{top}`.").format(cls=minority[len("recall["):-1], plain=means.loc["none", minority],
                                         top_recall=means.loc[top, minority], top=top)
        if "class_weight" in means.index and top != "class_weight":
            gap = means.loc[top, "macro_f1"] - means.loc["class_weight", "macro_f1"]
            text += _(" Class weighting, which adds no rows, scores {gap:.3f} below `{top}`.").format(gap=gap, top=top)
        slowest = means["fit_seconds"].idxmax()
        text += _(" Slowest to fit: `{slowest}` ({seconds:.2f} s per fold).").format(
            slowest=slowest, seconds=means.loc[slowest, "fit_seconds"])
        lines.append(text)
        if "none" in means.index:
            plain[model] = means.loc["none", "macro_f1"]
    if len(plain) > 1:  # model choice, kept apart from what balancing does within one model
        lines.append(_("- Model choice, without resampling (not a balancing effect): {scores} mean macro-F1.").format(
            scores=join(f"{model} {score:.3f}" for model, score in sorted(plain.items(), key=lambda kv: -kv[1]))))
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
    table was sampled), the worked examples (:func:`ecombalance._chapters.resampling_study.worked_examples`, on the
    design document's own counts: with ``user_table`` the bullet says they are not the user's table), the worst
    leakage (``leak``: sampler name -> ``leakage_demo`` table, scored by balanced accuracy), the top pipeline and,
    per classifier, :func:`describe_comparison`."""
    counts = worked.counts.values.tolist()
    own = " / ".join(str(int(n)) for n in counts[0])
    inflation = leakage_inflation(leak).dropna()
    summary = summarise_comparison(results)
    top_sampler, top_model = summary["macro_f1"].idxmax()
    if inflation.empty:
        why = join((_("`{name}`: {why}").format(name=name, why=table.attrs.get("failed") or _("no score"))
                    for name, table in leak.items()), "; ")
        leakage = _("- Resampling before the split could not be measured on every fold ({why}).").format(why=why[:300])
    else:
        worst = inflation.idxmax()
        leakage = _("- Resampling before the split inflated balanced accuracy by {inflation:.3f} with `{worst}` "
                    "({before:.3f} vs {inside:.3f} inside the folds).").format(
            inflation=inflation[worst], worst=worst, before=leak[worst]["mean"].iloc[0],
            inside=leak[worst]["mean"].iloc[1])
    times = sorted(set(worked.appearances))
    appear = (_("exactly {times} times").format(times=times[0]) if len(times) == 1
              else _("between {low} and {high} times").format(low=times[0], high=times[-1]))
    models = list(dict.fromkeys(results["model"]))
    samplers = [m for m in dict.fromkeys(results["sampler"]) if m not in ("none", "class_weight")]
    design = results.attrs.get("design", _("the same folds"))
    samplers_text = ngettext("{n} sampler", "{n} samplers", len(samplers)).format(n=len(samplers))
    models_text = ngettext("{n} classifier", "{n} classifiers", len(models)).format(n=len(models))
    compared = (_("- Compared: {samplers} with {classifiers} ({models}), each against the same classifier without "
                  "resampling and with class weights, on {design}.") if "class_weight" in set(results["sampler"]) else
                _("- Compared: {samplers} with {classifiers} ({models}), each against the same classifier without "
                  "resampling, on {design}."))
    return "\n".join([
        *filter(None, notes),
        (_("- The design document's worked examples, on its own {own} rows (not your table), hold exactly: {under} "
           "after under-sampling, {over} after over-sampling, every class-3 row appearing {appear}.") if user_table else
         _("- The worked examples hold exactly: {under} after under-sampling, {over} after over-sampling, every "
           "class-3 row appearing {appear}.")).format(own=own, under=counts[1], over=counts[2], appear=appear),
        leakage,
        compared.format(samplers=samplers_text, classifiers=models_text, models=join(models), design=design),
        _("- Top mean macro-F1: `{sampler}` + {model}, {score:.3f}. Per classifier, against the same classifier "
          "without resampling:").format(sampler=top_sampler, model=top_model, score=summary["macro_f1"].max()),
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
        listed = join(_("{removed:,} of {before:,} `{cls}` rows ({share:.0%})").format(
            removed=removed[c], before=int(before[c]), cls=c, share=shares[c]) for c in classes)
        largest = max(classes, key=lambda c: int(before[c]))
        where = (_("the largest share from `{most}`, not from the largest class `{largest}`") if most != largest
                 else _("the largest share from the largest class `{largest}`")).format(most=most, largest=largest)
        lines.append(_("- `{name}` removed {listed}: {where}. A cleaner removes rows whose neighbours disagree with "
                       "their label wherever the classes meet, so it thins every overlapping class, not the majority "
                       "alone.").format(name=name, listed=listed, where=where))
    return "\n".join(lines)
