"""What the calibration sections of notebooks 04 and 06 say, generated from their tables: which methods
over-predict the small classes (from :func:`ecombalance.evaluation.class_shares`, the direct measure, not from
top-label ECE) and the calibration numbers of the report's headline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ecombalance._validation import plain_label
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join

SHARE_TOLERANCE = 0.05
"""A method assigning a small class within ±5 % of its true number of rows predicts "about as many"."""


def _names(classes) -> str:
    return join(f"`{plain_label(c)}`" for c in classes)


def _methods(methods) -> str:
    return join(f"`{m}`" for m in methods)


def small_class_ratios(shares: pd.DataFrame) -> pd.DataFrame:
    """Rows a method assigns to a small class divided by the rows the class has: one row per small class
    (``shares.attrs["small"]``: below an equal share, smallest first), one column per method of
    :func:`ecombalance.evaluation.class_shares`."""
    small = list(shares.attrs.get("small", []))[::-1]
    part = shares.iloc[[shares.index.get_loc(c) for c in small]]  # by position: True / False are labels here
    return part.drop(columns="true").div(part["true"], axis=0)


def over_predicting(shares: pd.DataFrame, tolerance: float = SHARE_TOLERANCE) -> list[str]:
    """The methods that assign some small class more than ``1 + tolerance`` times its rows, the largest excess
    first."""
    ratios = small_class_ratios(shares)
    if ratios.empty:
        return []
    top = ratios.max()
    return top[top > 1 + tolerance].sort_values(ascending=False, kind="stable").index.tolist()


def describe_class_shares(shares: pd.DataFrame, calibration: pd.DataFrame | None = None,
                          baseline: str | Mapping[str, str] | None = None,
                          tolerance: float = SHARE_TOLERANCE, prefix: str = "", max_classes: int = 3) -> str:
    """Markdown bullets on :func:`ecombalance.evaluation.class_shares`: for each small class (smallest first),
    which methods assign it more rows than it has, fewer, or about as many (within ``tolerance``), with the
    counts; then which methods over-predict some small class (:func:`over_predicting`).

    With ``calibration`` (:func:`ecombalance.evaluation.calibration_table`) and ``baseline`` (one method, or
    ``{method: its baseline}`` such as :func:`ecombalance.models._families.family_baselines`, so that a method
    is held against the same model without balancing), a further bullet names the methods that over-predict a
    small class although their top-label ECE is no higher than their baseline's: top-label ECE reads only each
    row's largest probability and cannot see it; whether class-wise ECE does is said with its numbers. ``prefix`` opens every bullet (e.g. the table's name in bold); a bullet per
    class is written for the ``max_classes`` smallest only. "" when no class is below an equal share (nothing is
    small)."""
    ratios = small_class_ratios(shares)
    if ratios.empty:
        return ""
    lines = []
    for cls, row in ratios.head(max_classes).iterrows():
        counts = shares.iloc[shares.index.get_loc(cls)]

        def listed(methods) -> str:
            return join(_("`{method}` {rows:,} ({ratio:.2f}×)").format(method=m, rows=int(counts[m]), ratio=row[m])
                        for m in methods)

        more = row[row > 1 + tolerance].sort_values(ascending=False, kind="stable").index
        fewer = row[row < 1 - tolerance].sort_values(kind="stable").index
        about = [m for m in row.index if m not in more and m not in fewer]
        parts = [label.format(methods=listed(group), tolerance=tolerance) for label, group in
                 ((_("more with {methods}"), more), (_("fewer with {methods}"), fewer),
                  (_("about as many (within ±{tolerance:.0%}) with {methods}"), about)) if len(group)]
        lines.append(_("- {prefix}`{cls}` has {rows:,} of the {total:,} out-of-fold rows; the arg-max assigns it "
                       "{parts}.").format(prefix=prefix, cls=plain_label(cls), rows=int(counts["true"]),
                                          total=int(shares["true"].sum()), parts=join(parts, "; ")))
    over = over_predicting(shares, tolerance)
    rest = [m for m in ratios.columns if m not in over]
    which = (_names(ratios.index) if len(ratios) <= max_classes else
             _("any of the {n} below an equal share").format(n=len(ratios)))
    text = (_("- {prefix}Over-predict a small class ({which}) by more than {tolerance:.0%}: {over}; the others do not: "
              "{rest}.") if rest else _("- {prefix}Over-predict a small class ({which}) by more than {tolerance:.0%}: "
                                        "{over}."))
    lines.append(text.format(prefix=prefix, which=which, tolerance=tolerance, rest=_methods(rest),
                             over=_methods(over) if over else _("none")))
    if calibration is not None and baseline is not None:
        against = ({m: baseline for m in calibration.index if m != baseline} if isinstance(baseline, str)
                   else dict(baseline))
        blind = [m for m in over if m in calibration.index and against.get(m) in calibration.index
                 and calibration.loc[m, "ece"] <= calibration.loc[against[m], "ece"]]
        if blind:
            def pair(m, column):
                return _("{value:.3f} against {baseline_value:.3f} for `{baseline}`").format(
                    value=calibration.loc[m, column], baseline_value=calibration.loc[against[m], column],
                    baseline=against[m])

            seen = [m for m in blind if calibration.loc[m, "classwise_ece"] > calibration.loc[against[m], "classwise_ece"]]
            line = _("- {prefix}Top-label ECE does not see this: {methods}. It reads only each row's largest "
                     "probability.").format(prefix=prefix, methods=join((_(
                         "`{method}` over-predicts a small class yet its top-label ECE is no higher ({pair})").format(
                         method=m, pair=pair(m, "ece")) for m in blind), "; "))
            if seen:
                rest = [m for m in blind if m not in seen]
                higher = join((_("`{method}` ({pair})").format(method=m, pair=pair(m, "classwise_ece")) for m in seen),
                              "; ")
                line += (_(" Class-wise ECE, which reads every class's probability, is higher for {higher}; not for "
                           "{rest}.") if rest else
                         _(" Class-wise ECE, which reads every class's probability, is higher for {higher}.")).format(
                    higher=higher, rest=_methods(rest))
            lines.append(line + _(" The counts above are the direct measure."))
    return "\n".join(lines)


def shares_caption(name: str) -> str:
    """The line above a table's :func:`ecombalance.evaluation.class_shares` in notebook 04."""
    return _("**{name}**: rows per class, true and assigned by each loss (arg-max, out of fold)").format(name=name)


def calibration_headline(calibration: pd.DataFrame, baseline: str) -> dict[str, Any]:
    """For the report index: ``classwise_ece`` of ``baseline`` (pooled out-of-fold, the number its table shows)."""
    if baseline not in calibration.index:
        raise ValueError(f"baseline {baseline!r} has no calibration row; the table has {list(calibration.index)}")
    return {"classwise_ece": float(calibration.loc[baseline, "classwise_ece"])}


def pick_pair(methods, preferred: str, baseline: str) -> list[str]:
    """``[baseline, preferred]`` when both ran, else the baseline (or the first method, when the baseline did not
    run) and the first other method: the two whose class-wise reliability a notebook draws side by side."""
    methods = list(methods)
    if not methods:
        raise ValueError("no methods to pick from")
    if baseline not in methods:
        baseline = methods[0]
    others = [m for m in methods if m != baseline]
    if not others:
        return [baseline]
    return [baseline, preferred if preferred in others else others[0]]

