"""What the calibration sections of notebooks 04 and 06 say, generated from their tables: which methods
over-predict the small classes (from :func:`ecombalance.evaluation.class_shares`, the direct measure, not from
top-label ECE) and the calibration numbers of the report's headline."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecombalance._validation import plain_label

SHARE_TOLERANCE = 0.05
"""A method assigning the small classes within ±5 % of their true number of rows predicts "about as many"."""


def _names(classes) -> str:
    return ", ".join(f"`{plain_label(c)}`" for c in classes)


def small_class_ratios(shares: pd.DataFrame) -> pd.Series:
    """Per method (a column of :func:`ecombalance.evaluation.class_shares`), the rows it assigns to the small
    classes (``shares.attrs["small"]``: below an equal share) divided by their true number of rows."""
    small = shares.attrs.get("small", [])
    if not small:
        return pd.Series(dtype=float)
    part = shares.loc[small]
    return part.drop(columns="true").sum() / part["true"].sum()


def describe_class_shares(shares: pd.DataFrame, calibration: pd.DataFrame | None = None, baseline: str | None = None,
                          tolerance: float = SHARE_TOLERANCE) -> str:
    """Markdown bullets on :func:`ecombalance.evaluation.class_shares`: which methods assign the small classes more
    rows than they have (over-predict them), fewer, or about as many (within ``tolerance``), with the counts, and
    how often each method predicts the smallest class.

    With ``calibration`` (:func:`ecombalance.evaluation.calibration_table`) and ``baseline``, a further bullet
    names the methods that over-predict the small classes although their top-label ECE is no higher than the
    baseline's: top-label ECE reads only each row's largest probability and cannot see it; class-wise ECE can.
    "" when no class is below an equal share (nothing is small)."""
    ratios = small_class_ratios(shares)
    if ratios.empty:
        return ""
    small, truth = shares.attrs["small"], int(shares.loc[shares.attrs["small"], "true"].sum())
    counts = shares.loc[small].drop(columns="true").sum()

    def listed(methods) -> str:
        return ", ".join(f"`{m}` {int(counts[m]):,} ({ratios[m]:.2f}×)" for m in methods)

    over = ratios[ratios > 1 + tolerance].sort_values(ascending=False).index
    under = ratios[ratios < 1 - tolerance].sort_values().index
    about = [m for m in ratios.index if m not in over and m not in under]
    parts = []
    if len(over):
        parts.append(f"more than they have, so they over-predict the small classes: {listed(over)}")
    if len(under):
        parts.append(f"fewer: {listed(under)}")
    if about:
        parts.append(f"about as many (within ±{tolerance:.0%}): {listed(about)}")
    lines = [f"- Rows assigned to the small classes ({_names(small)}: {truth:,} of {shares['true'].sum():,} "
             f"out-of-fold rows) by the arg-max of each method — " + "; ".join(parts) + "."]
    smallest = shares.index[-1]
    row = shares.loc[smallest]
    lines.append(f"- The smallest class `{plain_label(smallest)}` has {int(row['true']):,} rows; predicted "
                 + ", ".join(f"{int(row[m]):,} times by `{m}`" for m in ratios.index) + ".")
    if calibration is not None and baseline in calibration.index:
        base = calibration.loc[baseline]
        blind = [m for m in over if m != baseline and m in calibration.index
                 and calibration.loc[m, "ece"] <= base["ece"]]
        if blind:
            lines.append("- Top-label ECE does not see this: " + "; ".join(
                f"`{m}` over-predicts the small classes yet its top-label ECE is {calibration.loc[m, 'ece']:.3f} "
                f"against {base['ece']:.3f} for `{baseline}` (class-wise ECE {calibration.loc[m, 'classwise_ece']:.3f} "
                f"against {base['classwise_ece']:.3f})" for m in blind)
                + ". Top-label ECE reads only each row's largest probability; the counts above and class-wise ECE "
                  "read every class.")
    return "\n".join(lines)


def over_predicting(shares: pd.DataFrame, tolerance: float = SHARE_TOLERANCE) -> list[str]:
    """The methods that assign the small classes more than ``1 + tolerance`` times their true number of rows."""
    ratios = small_class_ratios(shares)
    return ratios[ratios > 1 + tolerance].sort_values(ascending=False).index.tolist()


def calibration_headline(calibration: pd.DataFrame, baseline: str) -> dict[str, Any]:
    """For the report index: ``classwise_ece`` of ``baseline`` (pooled out-of-fold, the number its table shows)."""
    if baseline not in calibration.index:
        raise ValueError(f"baseline {baseline!r} has no calibration row; the table has {list(calibration.index)}")
    return {"classwise_ece": float(calibration.loc[baseline, "classwise_ece"])}


def pick_pair(methods, preferred: str, baseline: str) -> list[str]:
    """``[baseline, preferred]`` when both ran, else the baseline and the first other method: the two whose
    class-wise reliability a notebook draws side by side."""
    methods = list(methods)
    if baseline not in methods:
        raise ValueError(f"baseline {baseline!r} did not run; the methods are {methods}")
    others = [m for m in methods if m != baseline]
    if not others:
        return [baseline]
    return [baseline, preferred if preferred in others else others[0]]

