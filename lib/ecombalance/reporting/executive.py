"""The executive summary at the top of ``index.html``: the report's answer, generated from the headlines.

Four short parts, each written only when the notebooks that feed it ran: **the imbalance** (notebook 01's
``imbalance_ratio``, ``majority_share`` and the plain model's ``plain_recall_smallest``), **what helped**
and **how sure** (notebook 06's ``"<method>/<metric>"`` numbers with their ``*_real`` verdicts), and
**what to do**. No number is written by hand: every one comes from ``summary.json``.

The rule for "best": a method is named as helping only when its macro-F1 difference to the baseline is
distinguishable (``<method>/macro_f1_real``, notebook 06's corrected paired test), or when the notebook
recorded ``best_is_distinguishable`` / ``best_method`` itself. Otherwise the summary says that no method is
distinguishable from the baseline and lists the top scores as ties.
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping

from ecombalance.reporting.labels import number

TOP = 3  # methods listed as ties, or as distinguishable gains in the smallest class's recall


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _code(method: str) -> str:
    return f"<code>{_esc(method)}</code>"


def _headlines(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [entry.get("headline") or {} for entry in summary.get("notebooks", []) if entry.get("status") == "ok"]


_IMBALANCE_KEYS = ("imbalance_ratio", "majority_share", "plain_recall_smallest", "plain_recall_largest")


def parts_of(method: str) -> tuple[str, str, str]:
    """``"sampler+model:loss"`` as (sampler, model, loss); missing parts are "".

    Not :func:`ecombalance.chapters.experiments.parse`: the summary is read back from a report folder, whose
    method names (``frozen``, another version's samplers) this must show rather than reject."""
    sampler, plus, model = method.partition("+")
    if not plus:
        sampler, model = "", method
    model, _, loss = model.partition(":")
    return sampler, model, loss


def rebalances(method: str) -> bool:
    """Whether a method changes the class balance the model learns from (a sampler, class weights or a
    balanced loss): its probabilities then need a prior correction before they are read as probabilities."""
    sampler, _, loss = parts_of(method)
    return sampler not in ("", "none") or loss not in ("", "ce")


def method_rows(numbers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Headline numbers named ``"<method>/<metric>"`` as one row per method that has a ``macro_f1``,
    best macro-F1 first. A method without ``macro_f1_real`` is the baseline of the comparison."""
    by_method: dict[str, dict[str, Any]] = {}
    for key, value in numbers.items():
        method, sep, metric = key.rpartition("/")
        if sep and method:
            by_method.setdefault(method, {})[metric] = value
    rows = [{"method": m, **values} for m, values in by_method.items() if "macro_f1" in values]
    has_verdicts = any("macro_f1_real" in row for row in rows)
    for row in rows:
        row["baseline"] = has_verdicts and "macro_f1_real" not in row
    return sorted(rows, key=lambda r: -r["macro_f1"] if is_number(r["macro_f1"]) else math.inf)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def difference(row: Mapping[str, Any], base: Mapping[str, Any] | None, metric: str) -> float:
    """``row``'s difference to the baseline in ``metric``: as the paired test measured it when recorded
    (``<metric>_difference``), else from the two values; NaN when neither is known."""
    diff = row.get(f"{metric}_difference")
    if is_number(diff):
        return float(diff)
    if base is not None and is_number(row.get(metric)) and is_number(base.get(metric)):
        return float(row[metric] - base[metric])
    return math.nan


def _imbalance(numbers: Mapping[str, Any]) -> str:
    facts = []
    share, ratio = numbers.get("majority_share"), numbers.get("imbalance_ratio")
    if isinstance(share, (int, float)):
        facts.append(f"the largest class holds {number(100 * share, 1)} % of the rows")
    if isinstance(ratio, (int, float)):
        facts.append(f"it outnumbers the smallest {number(ratio, 1)} to 1 (imbalance ratio)")
    text = "; ".join(facts)
    text = text[:1].upper() + text[1:] + "." if text else ""
    small, large = numbers.get("plain_recall_smallest"), numbers.get("plain_recall_largest")
    if isinstance(small, (int, float)):
        against = f" against {number(large)} of the largest" if isinstance(large, (int, float)) else ""
        text += f" A plain model finds {number(small)} of the smallest class (recall){against}."
    return text.strip()


def method_verdicts(numbers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The comparison of methods in one headline: baseline, rows best macro-F1 first, the distinguishable
    gains (macro-F1 and smallest-class recall) and the best method by the rule above; None without verdicts."""
    rows = method_rows(numbers)
    base = next((r for r in rows if r["baseline"]), None)
    if base is None:
        return None
    others = [r for r in rows if not r["baseline"]]
    for row in others:
        row["diff"] = difference(row, base, "macro_f1")
        row["recall_diff"] = difference(row, base, "recall_smallest")
    better = sorted((r for r in others if r.get("macro_f1_real") and r["diff"] > 0), key=lambda r: -r["diff"])
    worse = [r for r in others if r.get("macro_f1_real") and r["diff"] < 0]
    recall_gains = sorted((r for r in others if r.get("recall_smallest_real") and r["recall_diff"] > 0),
                          key=lambda r: -r["recall_diff"])
    flag, named = numbers.get("best_is_distinguishable"), numbers.get("best_method")
    families = isinstance(flag, bool)  # the notebook applied the rule itself, within each model family
    if families:
        best = next((dict(r) for r in rows if r["method"] == named), {"method": named}) if flag and named else None
        if best is not None:
            best["against"] = _plain_of(best["method"], rows)
            plain = next((r for r in rows if r["method"] == best["against"]), {})
            best["diff"] = (float(numbers["best_difference"]) if is_number(numbers.get("best_difference"))
                            else float(best["macro_f1"] - plain["macro_f1"])  # the recorded one is against 06's base
                            if is_number(best.get("macro_f1")) and is_number(plain.get("macro_f1")) else math.nan)
    else:
        best = better[0] if better else None
        if best is not None:
            best = {**best, "against": base["method"]}
    # plain models of another family that differ really from the baseline: model capacity, not balancing
    capacity = [r for r in better + worse if not rebalances(r["method"])
                and parts_of(r["method"])[1] != parts_of(base["method"])[1]]
    if best is not None and not families and best["method"] in {r["method"] for r in capacity}:
        best["capacity"] = True
    return {"base": base, "rows": rows, "others": others, "better": better, "worse": worse,
            "recall_gains": recall_gains, "best": best, "families": families, "capacity": capacity}


def _plain_of(method: str, rows: list[dict[str, Any]]) -> str:
    """The family baseline of ``method``: the first row of the same model that balances nothing."""
    model = parts_of(method)[1]
    return next((r["method"] for r in rows if parts_of(r["method"])[1] == model and not rebalances(r["method"])),
                method)


def _interval(row: Mapping[str, Any], nested: bool = False) -> str:
    """ `` (95 % interval a–b)``, or ``, 95 % interval a–b`` inside parentheses; "" when not recorded."""
    if isinstance(row.get("macro_f1_ci_low"), (int, float)) and isinstance(row.get("macro_f1_ci_high"), (int, float)):
        text = f"95 % interval {number(row['macro_f1_ci_low'])}–{number(row['macro_f1_ci_high'])}"
        return f", {text}" if nested else f" ({text})"
    return ""


def _signed(value: Any) -> str:
    return f"{value:+.3f}" if isinstance(value, float) and value == value else "–"


def _helped(v: Mapping[str, Any]) -> tuple[str, str]:
    """(what helped, how sure) as HTML sentences."""
    base, best = v["base"], v["best"]
    base_text = f"{_code(base['method'])} (macro-F1 {number(base['macro_f1'])}{_interval(base, nested=True)})"
    if best is not None and v["families"]:
        helped = (f"<b>{_code(best['method'])} helped</b>: macro-F1 {number(best.get('macro_f1'))}{_interval(best)}, "
                  f"{_signed(best['diff'])} against the same model without balancing, {_code(best['against'])}.")
    elif best is not None:
        helped = f"<b>{_code(best['method'])} helped</b>: macro-F1 {number(best.get('macro_f1'))}{_interval(best)}"
        helped += f", {_signed(best['diff'])} against the baseline {base_text}."
        if best.get("capacity"):
            helped += (f" It uses a different model than the baseline ({_esc(parts_of(best['method'])[1])} against "
                       f"{_esc(parts_of(base['method'])[1])}): that gain is model capacity, not balancing.")
        also = [r for r in v["better"] if r["method"] != best["method"]]
        if also:
            helped += " Also distinguishably better: " + ", ".join(
                f"{_code(r['method'])} ({_signed(r['diff'])})" for r in also[:TOP]) + "."
    elif v["families"]:
        top = [r for r in v["rows"] if rebalances(r["method"]) and r not in v["worse"]][:TOP]
        ties = ", ".join(f"{_code(r['method'])} {number(r['macro_f1'])}" for r in top)
        helped = ("<b>No balancing method is distinguishable from the same model without balancing</b> in macro-F1"
                  + (f"; the top scores are {ties}: ties within the noise." if ties else "."))
    else:
        top = [r for r in v["others"] if r not in v["worse"]][:TOP]
        ties = ", ".join(f"{_code(r['method'])} {number(r['macro_f1'])}" for r in top)
        helped = (f"<b>No method is distinguishable from the baseline</b> {base_text} in macro-F1"
                  + (f"; the top scores are {ties}: ties within the noise." if ties else "."))
    if v["families"] and v["capacity"]:
        helped += " Model capacity, not balancing: " + ", ".join(
            f"{_code(r['method'])} ({_signed(r['diff'])})" for r in v["capacity"]) + f" against {base_text}."
    worse = [r for r in v["worse"] if not (v["families"] and r in v["capacity"])]
    if worse:
        helped += " Distinguishably worse than the baseline: " + ", ".join(
            f"{_code(r['method'])} ({_signed(r['diff'])})" for r in worse) + "."
    if v["recall_gains"]:
        base_recall = base.get("recall_smallest")
        start = f" (baseline {number(base_recall)})" if isinstance(base_recall, (int, float)) else ""
        helped += (f" Recall of the smallest class{start} rises distinguishably with "
                   + ", ".join(f"{_code(r['method'])} ({_signed(r['recall_diff'])})" for r in v["recall_gains"][:TOP])
                   + ".")
    judged = sum(1 for r in v["others"] if "macro_f1_real" in r)
    against = ("each balancing method with the same model without balancing, and every method with the baseline"
               if v["families"] else "the baseline")
    sure = (f"{judged} methods were compared on the same folds ({against}); a difference counts only when the "
            "paired test of notebook 06 (corrected for the number of comparisons) separates it from zero. "
            "Anything else is reported as a tie.")
    return helped, sure


def _todo(v: Mapping[str, Any]) -> str:
    base, best = v["base"], v["best"]
    if best is not None:
        todo = f"Use {_code(best['method'])}."
        if best.get("capacity"):
            family = parts_of(base["method"])[1]
            same = [r for r in v["better"] if parts_of(r["method"])[1] == family]
            todo = (f"Use the {_esc(parts_of(best['method'])[1])} model ({_code(best['method'])}) for its capacity; "
                    + (f"with the baseline's model {_esc(family)}, {_code(same[0]['method'])} is the distinguishable "
                       "balancing gain." if same else
                       f"with the baseline's model {_esc(family)}, no balancing method is distinguishable."))
        if rebalances(best["method"]):
            todo += " It re-balances the training, so recalibrate its probabilities (prior correction, notebook 06)"
            todo += " before using them as probabilities."
        if best.get("method") in {r["method"] for r in v["recall_gains"]} or not v["recall_gains"]:
            return todo
    elif v["families"]:
        bigger = [r for r in v["capacity"] if r["diff"] > 0]
        todo = ("No balancing step earns its place on macro-F1: keep the plain model"
                + (f"; {_code(bigger[0]['method'])} beats {_code(base['method'])} by model capacity, a choice of "
                   "model rather than of balancing." if bigger else "."))
    else:
        todo = f"Keep the baseline {_code(base['method'])}: no method beats it beyond the noise."
    if v["recall_gains"]:
        gain = v["recall_gains"][0]
        todo += (f" If missing the smallest class costs more than a false alarm, {_code(gain['method'])} finds more "
                 "of it; choose its decision threshold by that cost"
                 + (" and recalibrate its probabilities (notebook 06)." if rebalances(gain["method"]) else "."))
    return todo


def _threshold(numbers: Mapping[str, Any]) -> str:
    """Notebook 06's cost decision (``threshold_*``): the cost per item of the arg-max and of the thresholds
    tuned on training folds, and whether their paired difference is distinguishable from zero; "" without."""
    argmax, tuned = numbers.get("threshold_argmax_cost"), numbers.get("threshold_tuned_cost")
    if not (is_number(argmax) and is_number(tuned)):
        return ""
    text = (f" For the stated cost of errors, per-class thresholds tuned on the training folds move the mean cost per "
            f"item from {number(argmax)} (arg-max) to {number(tuned)} out of fold")
    diff, low, high = (numbers.get(f"threshold_tuned_cost_difference{s}") for s in ("", "_ci_low", "_ci_high"))
    if is_number(diff) and is_number(low) and is_number(high):
        verdict = "distinguishable" if low > 0 or high < 0 else "not distinguishable from the arg-max"
        text += f" ({_signed(float(diff))}, 95 % interval {_signed(float(low))} to {_signed(float(high))}: {verdict})"
    return text + "."


def executive_html(summary: Mapping[str, Any]) -> str:
    """The summary section of the index ("" when no notebook recorded anything it can use)."""
    items = []
    # notebook 01's numbers (the table the report ran on) over 00's overview of the documented case
    known = [h for h in _headlines(summary) if any(h.get(k) is not None for k in _IMBALANCE_KEYS)]
    first = max(known, key=lambda h: sum(h.get(k) is not None for k in _IMBALANCE_KEYS), default=None)
    if first and (text := _imbalance(first)):
        items.append(("The imbalance", text))
    comparison = next((v for h in _headlines(summary) if (v := method_verdicts(h)) is not None), None)
    if comparison is not None:
        helped, sure = _helped(comparison)
        cost = next((t for h in _headlines(summary) if (t := _threshold(h))), "")
        items += [("What helped", helped), ("How sure", sure), ("What to do", _todo(comparison) + cost)]
    if not items:
        return ""
    body = "".join(f"<dt>{_esc(term)}</dt><dd>{text}</dd>" for term, text in items)
    return f'<section class="summary" id="summary"><h2>Summary</h2><dl>{body}</dl></section>'
