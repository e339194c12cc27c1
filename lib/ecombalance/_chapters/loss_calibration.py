"""What notebook 04's balanced losses cost, generated from its numbers: accuracy against cross-entropy by the one
test, and why a loss's probabilities are off — it over-predicts the small classes (re-weighting and logit adjustment
move the probabilities towards the balanced posterior) or it is under-confident (focal loss flattens every
probability without touching the priors) — and the families its reliability panels group the losses in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._chapters.calibration_study import over_predicting
from ecombalance._validation import plain_label
from ecombalance.evaluation import class_shares, compare_to_baseline
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join, ngettext

LOSS_GROUPS = {
    "re-weighting the loss": ("weighted_ce", "class_balanced", "ldam"),
    "adjusting the logits": ("logit_adjusted", "balanced_softmax", "ce + post-hoc"),
    "reshaping the loss": ("focal", "seed_balanced"),
}
"""The losses of notebook 04 by what they do, one reliability panel each (:func:`reliability_groups`)."""

CONFIDENCE_TOLERANCE = 0.01
"""A mean confidence within this of the accuracy counts as neither over- nor under-confident."""


def reliability_groups(names: Sequence[str], reference: str = "ce") -> dict[str, list[str]]:
    """``{panel title: [loss, ...]}`` of :data:`LOSS_GROUPS` for the losses in ``names`` (``reference`` drawn in
    every panel, so left out of the groups); a loss in no group goes to "other losses"; empty groups are dropped.
    The titles are in the current language."""
    titles = {"re-weighting the loss": _("re-weighting the loss"), "adjusting the logits": _("adjusting the logits"),
              "reshaping the loss": _("reshaping the loss"), "other losses": _("other losses")}
    grouped = {title: [n for n in members if n in names] for title, members in LOSS_GROUPS.items()}
    known = {n for members in LOSS_GROUPS.values() for n in members}
    grouped["other losses"] = [n for n in names if n not in known and n != reference]
    return {titles.get(title, title): members for title, members in grouped.items() if members}


def confidence_gap(y: Any, proba: np.ndarray, classes: Sequence) -> float:
    """Mean top-label confidence minus accuracy of the arg-max: above 0 over-confident, below 0 under-confident
    (the sign of the reliability curve's distance from the diagonal, weighted by rows)."""
    proba = np.asarray(proba, dtype=float)
    lookup = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    truth = np.array([lookup[v] for v in np.asarray(y).tolist()])
    return float(proba.max(axis=1).mean() - (proba.argmax(axis=1) == truth).mean())


def calibration_causes(res: Any, baseline: str = "ce", tolerance: float = CONFIDENCE_TOLERANCE) -> pd.DataFrame:
    """Per loss of a :class:`~ecombalance._chapters.loss_study.LossComparison`: its pooled out-of-fold ``ece``,
    ``confidence`` (mean top-label probability), ``accuracy`` (pooled), their difference ``gap``, whether it
    ``over_predicts`` a small class (:func:`~ecombalance._chapters.calibration_study.over_predicting` on its class
    shares) and the ``cause`` of its calibration error against ``baseline``'s: ``"over-predicts small classes"``,
    ``"under-confident"``, ``"over-confident"`` or ``""`` (ECE no higher than the baseline's)."""
    over = set(over_predicting(class_shares(res.result)))
    rows = {}
    for name, proba in res.proba.items():
        proba = np.asarray(proba, dtype=float)
        gap = confidence_gap(res.y, proba, res.classes)
        ece = float(res.metrics.loc[name, "ece"])
        cause = ""
        if baseline in res.metrics.index and ece > float(res.metrics.loc[baseline, "ece"]):
            cause = ("over-predicts small classes" if name in over else "under-confident" if gap < -tolerance
                     else "over-confident" if gap > tolerance else "")
        rows[name] = {"ece": ece, "confidence": float(proba.max(axis=1).mean()), "accuracy": pooled_accuracy(res, proba),
                      "gap": gap, "over_predicts": name in over, "cause": cause}
    return pd.DataFrame(rows).T.rename_axis("loss")


def pooled_accuracy(res: Any, proba: np.ndarray) -> float:
    """Accuracy of the arg-max of ``proba`` on ``res``'s rows (the pooled out-of-fold decisions)."""
    lookup = {c: i for i, c in enumerate(np.asarray(res.classes).tolist())}
    truth = np.array([lookup[v] for v in np.asarray(res.y).tolist()])
    return float((np.asarray(proba).argmax(axis=1) == truth).mean())


def describe_tradeoffs(results: Mapping[str, Any], baseline: str = "ce", alpha: float = 0.05) -> str:
    """Markdown bullets, per table, on what the losses that raise the rarest class's recall cost: accuracy against
    ``baseline`` by the one test (:func:`ecombalance.evaluation.compare_to_baseline` on the paired fold accuracies,
    Holm-corrected), and the cause of every calibration error above the baseline's (:func:`calibration_causes`)."""
    lines = []
    for name, res in results.items():
        m = res.metrics
        if baseline not in m.index or len(m) < 2:
            continue
        rare = f"recall[{plain_label(pd.Series(res.y).value_counts().idxmin())}]"
        raised = [loss for loss in m.index if loss != baseline and m.loc[loss, rare] > m.loc[baseline, rare]]
        tests = compare_to_baseline(res.result, baseline, metric="accuracy", alpha=alpha).set_index("method")
        if raised:
            lower = [loss for loss in raised if loss in tests.index and tests.loc[loss, "real_difference"]
                     and tests.loc[loss, "difference"] < 0]
            rest = [loss for loss in raised if loss not in lower]
            words = {loss: f"`{loss}` {m.loc[loss, 'accuracy']:.3f}" for loss in raised}
            text = ngettext("- **{name}**: {n} of {total} losses raises {rare} over cross-entropy ({ce_recall:.2f}); "
                            "its accuracy against cross-entropy's {ce_accuracy:.3f} (mean over the folds, the one test "
                            "on the paired fold accuracies): {parts}.{end}",
                            "- **{name}**: {n} of {total} losses raise {rare} over cross-entropy ({ce_recall:.2f}); "
                            "their accuracy against cross-entropy's {ce_accuracy:.3f} (mean over the folds, the one "
                            "test on the paired fold accuracies): {parts}.{end}", len(raised))
            parts = []
            if lower:
                parts.append(_("distinguishably lower for {losses}").format(losses=join(words[x] for x in lower)))
            if rest:
                parts.append(_("not distinguishably lower for {losses}").format(losses=join(words[x] for x in rest)))
            matched = [loss for loss in raised if m.loc[loss, "accuracy"] >= m.loc[baseline, "accuracy"]]
            if matched:
                end = _(" Raising the rarest class's recall need not cost accuracy here: {losses} scored at or above "
                        "cross-entropy.").format(losses=join(f"`{loss}`" for loss in matched))
            elif lower:
                end = _(" Here raising it cost accuracy.")
            else:
                end = _(" None scored at or above cross-entropy, but none is distinguishably lower: not enough "
                        "evidence of a cost in accuracy.")
            lines.append(text.format(name=name, n=len(raised), total=len(m) - 1, rare=rare,
                                     ce_recall=m.loc[baseline, rare], ce_accuracy=m.loc[baseline, "accuracy"],
                                     parts=join(parts, "; "), end=end))
        causes = calibration_causes(res, baseline)
        worse = causes[causes["cause"] != ""]
        if len(worse):
            by = {cause: part for cause, part in worse.groupby("cause", sort=False)}
            parts = []
            def against(part):
                return join(_("`{loss}` {confidence:.3f} against {accuracy:.3f}").format(
                    loss=loss, confidence=r["confidence"], accuracy=r["accuracy"]) for loss, r in part.iterrows())

            if "over-predicts small classes" in by:
                parts.append(_("from over-predicting a small class (the class counts above), so its probabilities "
                               "over-state the rare classes: {losses}").format(
                    losses=join(f"`{loss}`" for loss in by["over-predicts small classes"].index)))
            if "under-confident" in by:
                focal = "focal" in by["under-confident"].index
                parts.append((_("from under-confidence without over-predicting any small class (mean confidence below "
                                "accuracy): {losses}; focal loss's factor $(1-p_t)^\\gamma$ pulls every probability "
                                "away from 1, it does not move the priors") if focal else
                              _("from under-confidence without over-predicting any small class (mean confidence below "
                                "accuracy): {losses}")).format(losses=against(by["under-confident"])))
            if "over-confident" in by:
                parts.append(_("from over-confidence: {losses}").format(losses=against(by["over-confident"])))
            lines.append(_("- **{name}**: top-label ECE above cross-entropy's ({ece:.3f}) comes {parts}.").format(
                name=name, ece=m.loc[baseline, "ece"], parts=join(parts, "; ")))
    return "\n".join(lines)
