"""The executive summary at the top of ``index.html``: the report's answer, generated from the headlines.

Four short parts, each written only when the notebooks that feed it ran: **the imbalance** (notebook 01's
``imbalance_ratio``, ``majority_share`` and the plain model's ``plain_recall_smallest``), **what helped**
and **how sure** (notebook 06's ``"<method>/<metric>"`` numbers with their ``*_real`` verdicts), and
**what to do**. No number is written by hand: every one comes from ``summary.json``.

Capacity is kept apart from balancing: a balancing claim compares a method with the same model without
balancing (``<method>/against``, notebook 06's comparison; the baseline for a summary without it); a difference
between two plain models is model choice and has its own line. The claims are also data
(:func:`executive_data`, ``summary.json``'s ``"executive"``). The rule for "best": a balancing method is named as
helping only when its macro-F1 difference to its own plain model is distinguishable (``<method>/macro_f1_real``,
the one test of notebook 06), or as the notebook recorded it (``best_is_distinguishable`` / ``best_method``).
Otherwise the summary says there is not enough evidence and lists the top scores of each model apart. Every
sentence is a whole message of the catalogue (:mod:`ecombalance.i18n`), numbers and method names filled in after.
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping

from ecombalance._reporting.labels import listing, number, sentences
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import ngettext
from ecombalance.models._ensembles import PLAIN_COUNTERPART

TOP = 3  # top scores listed per model when nothing is distinguishable
MAX_LISTED = 6  # distinguishable gains listed before "and N more"
# the test a headline's ``verdict_test`` names (evaluation.stats.VERDICT_TEST), shown in the reader's language
N_("corrected repeated cross-validation t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004) on paired fold scores, "
   "Holm-corrected")


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _code(method: str) -> str:
    return f"<code>{_esc(method)}</code>"


def _headlines(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headlines of the notebooks that ran through, but none of a notebook that ran on generated data in a
    report on the user's table (``"data": "generated"``: 00's documented case is not the user's imbalance)."""
    return [entry.get("headline") or {} for entry in summary.get("notebooks", [])
            if entry.get("status") == "ok" and entry.get("data") != "generated"]


_IMBALANCE_KEYS = ("imbalance_ratio", "majority_share", "plain_recall_smallest", "plain_recall_largest")


def parts_of(method: str) -> tuple[str, str, str]:
    """``"sampler+model:loss"`` as (sampler, model, loss); missing parts are "".

    Not :func:`ecombalance.models._methods.parse`: the summary is read back from a report folder, whose
    method names (``frozen``, another version's samplers) this must show rather than reject."""
    sampler, plus, model = method.partition("+")
    if not plus:
        sampler, model = "", method
    model, _colon, loss = model.partition(":")
    return sampler, model, loss


def family_of(method: str) -> str:
    """The model a method is judged within: its model, or a balancing ensemble's plain counterpart."""
    model = parts_of(method)[1]
    return PLAIN_COUNTERPART.get(model, model)


def rebalances(method: str) -> bool:
    """Whether a method changes the class balance the model learns from (a sampler, class weights or a
    balanced loss): its probabilities then need a prior correction before they are read as probabilities."""
    sampler, model, loss = parts_of(method)
    return sampler not in ("", "none") or loss not in ("", "ce") or model in PLAIN_COUNTERPART


def comparison_kind(method: str, against: str) -> str:
    """``"balancing"`` (the same model, ``against`` without balancing), ``"capacity"`` (two plain models: model
    choice) or ``"other"`` (model and balancing both differ: no claim about either)."""
    same_model = family_of(method) == family_of(against)
    if same_model and not rebalances(against) and method != against:
        return "balancing"
    if not same_model and not rebalances(method) and not rebalances(against):
        return "capacity"
    return "other"


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
    """``row``'s difference to the method it was compared with in ``metric``: as the test measured it when
    recorded (``<metric>_difference``), else from the two values; NaN when neither is known."""
    diff = row.get(f"{metric}_difference")
    if is_number(diff):
        return float(diff)
    if base is not None and is_number(row.get(metric)) and is_number(base.get(metric)):
        return float(row[metric] - base[metric])
    return math.nan


def _imbalance(numbers: Mapping[str, Any]) -> str:
    share, ratio = numbers.get("majority_share"), numbers.get("imbalance_ratio")
    share = number(100 * share, 1) if isinstance(share, (int, float)) else None
    ratio = number(ratio, 1) if isinstance(ratio, (int, float)) else None
    if share is not None and ratio is not None:
        text = _("The largest class holds {share} % of the rows; it outnumbers the smallest {ratio} to 1 "
                 "(imbalance ratio).").format(share=share, ratio=ratio)
    elif share is not None:
        text = _("The largest class holds {share} % of the rows.").format(share=share)
    elif ratio is not None:
        text = _("It outnumbers the smallest {ratio} to 1 (imbalance ratio).").format(ratio=ratio)
    else:
        text = ""
    small, large = numbers.get("plain_recall_smallest"), numbers.get("plain_recall_largest")
    if isinstance(small, (int, float)):
        if isinstance(large, (int, float)):
            found = _("A plain model finds {small} of the smallest class (recall) against {large} of the "
                      "largest.").format(small=number(small), large=number(large))
        else:
            found = _("A plain model finds {small} of the smallest class (recall).").format(small=number(small))
        text = sentences(text, found)
    return text.strip()


def method_verdicts(numbers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The comparison of methods in one headline, kept apart by kind (:func:`comparison_kind`): ``base`` (the
    baseline row), ``rows`` (best macro-F1 first), ``balancing`` / ``capacity`` / ``other`` (the compared rows,
    each with ``against``, ``diff`` and ``recall_diff``), the distinguishable balancing gains ``better``, losses
    ``worse`` and smallest-class recall gains ``recall_gains``, and ``best`` (None unless a balancing method is
    distinguishably better than its own plain model); None without verdicts."""
    rows = method_rows(numbers)
    base = next((r for r in rows if r["baseline"]), None)
    if base is None:
        return None
    by_name = {r["method"]: r for r in rows}
    compared: dict[str, list[dict[str, Any]]] = {"balancing": [], "capacity": [], "other": []}
    for row in rows:
        if row["baseline"]:
            continue
        against = row.get("against") if isinstance(row.get("against"), str) else base["method"]
        row.update(against=against, kind=comparison_kind(row["method"], against))
        row["diff"] = difference(row, by_name.get(against), "macro_f1")
        row["recall_diff"] = difference(row, by_name.get(against), "recall_smallest")
        compared[row["kind"]].append(row)
    balancing = compared["balancing"]
    better = sorted((r for r in balancing if r.get("macro_f1_real") and r["diff"] > 0), key=lambda r: -r["diff"])
    worse = [r for r in balancing if r.get("macro_f1_real") and r["diff"] < 0]
    recall_gains = sorted((r for r in balancing if r.get("recall_smallest_real") and r["recall_diff"] > 0),
                          key=lambda r: -r["recall_diff"])
    flag, named = numbers.get("best_is_distinguishable"), numbers.get("best_method")
    if isinstance(flag, bool):  # the notebook applied the rule itself, within each model
        best = next((r for r in balancing if r["method"] == named), None) if flag else None
        if best is not None and is_number(numbers.get("best_difference")):
            best = {**best, "diff": float(numbers["best_difference"])}
    else:
        best = better[0] if better else None
    return {"base": base, "rows": rows, **compared, "better": better, "worse": worse, "recall_gains": recall_gains,
            "best": best}


def _claim(row: Mapping[str, Any], metric: str, diff: float) -> dict[str, Any]:
    return {"method": row["method"], "baseline": row["against"], "metric": metric,
            "difference": diff if math.isfinite(diff) else None, "distinguishable": bool(row.get(f"{metric}_real"))}


def claims(verdicts: Mapping[str, Any], kind: str = "balancing") -> list[dict[str, Any]]:
    """The comparisons of one kind as data: per compared row and metric (macro-F1, the smallest class's recall)
    ``{"method", "baseline", "metric", "difference", "distinguishable"}``; for ``"balancing"`` every baseline is
    the same model as its method, without balancing."""
    found = []
    for row in verdicts[kind]:
        for metric, diff in (("macro_f1", row["diff"]), ("recall_smallest", row["recall_diff"])):
            if f"{metric}_real" in row:
                found.append(_claim(row, metric, diff))
    return found


def _comparison(summary: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The first headline with a comparison of methods and its :func:`method_verdicts`."""
    return next(((h, v) for h in _headlines(summary) if (v := method_verdicts(h)) is not None), None)


def executive_data(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What the summary claims, as data for ``summary.json``: ``claims`` (each balancing method against the same
    model without balancing, :func:`claims`) and ``model_choice`` (plain models against each other); both empty
    when no notebook compared methods."""
    found = _comparison(summary)
    if found is None:
        return {"claims": [], "model_choice": []}
    return {"claims": claims(found[1]), "model_choice": claims(found[1], "capacity")}


def _interval(row: Mapping[str, Any], nested: bool = False) -> str:
    """ `` (95 % interval a–b)``, or ``, 95 % interval a–b`` inside parentheses; "" when not recorded."""
    if isinstance(row.get("macro_f1_ci_low"), (int, float)) and isinstance(row.get("macro_f1_ci_high"), (int, float)):
        text = _("95 % interval {low}–{high}").format(low=number(row["macro_f1_ci_low"]),
                                                     high=number(row["macro_f1_ci_high"]))
        return (_(", {interval}") if nested else _(" ({interval})")).format(interval=text)
    return ""


def _signed(value: Any) -> str:
    return f"{value:+.3f}" if isinstance(value, float) and value == value else "–"


def _against(row: Mapping[str, Any], key: str = "diff") -> str:
    """```a` (+0.050 against `p`)``."""
    return _("{method} ({difference} against {against})").format(
        method=_code(row["method"]), difference=_signed(row[key]), against=_code(row["against"]))


def _listed(rows: list[Mapping[str, Any]], key: str = "diff") -> str:
    """```a` (+0.050 against `p`), ...``, at most :data:`MAX_LISTED` and "and N more"."""
    text = listing(_against(r, key) for r in rows[:MAX_LISTED])
    if len(rows) > MAX_LISTED:
        return _("{items} and {n} more").format(items=text, n=len(rows) - MAX_LISTED)
    return text


def _ties(v: Mapping[str, Any]) -> str:
    """The top scores of each model with balancing methods, one list per model (the baseline's first): never
    mixed."""
    lists = []
    plains = dict.fromkeys(r["against"] for r in v["balancing"])
    for plain in sorted(plains, key=lambda p: p != v["base"]["method"]):
        family = [r for r in v["rows"] if r["method"] == plain or (r.get("against") == plain and
                                                                 r.get("kind") == "balancing")][:TOP]
        lists.append(_("with {model}, {scores}").format(
            model=_esc(parts_of(plain)[1]),
            scores=listing(f"{_code(r['method'])} {number(r['macro_f1'])}" for r in family)))
    return listing(lists, "; ")


def _design(numbers: Mapping[str, Any]) -> str:
    r, k = numbers.get("cv_repeats"), numbers.get("cv_folds")
    if is_number(r) and is_number(k):
        if int(r) == 1:
            return _("{k}-fold cross-validation").format(k=int(k))
        return _("{r} × {k}-fold cross-validation").format(r=int(r), k=int(k))
    return _("the same folds")


def _reach(numbers: Mapping[str, Any]) -> str:
    d = numbers.get("smallest_detectable_difference")
    if is_number(d):
        return _(": the smallest difference this design detects is about {difference}").format(difference=number(d))
    return ""


def _helped(v: Mapping[str, Any], numbers: Mapping[str, Any]) -> tuple[str, str]:
    """(what helped, how sure) as HTML sentences."""
    base, best = v["base"], v["best"]
    base_text = _("{method} (macro-F1 {score}{interval})").format(
        method=_code(base["method"]), score=number(base["macro_f1"]), interval=_interval(base, nested=True))
    said = []
    if best is not None:
        said.append(_("<b>{method} helped</b>: macro-F1 {score}{interval}, {difference} against the same model "
                      "without balancing, {against}.").format(
            method=_code(best["method"]), score=number(best.get("macro_f1")), interval=_interval(best),
            difference=_signed(best["diff"]), against=_code(best["against"])))
        also = [r for r in v["better"] if r["method"] != best["method"]]
        if also:
            said.append(_("Also distinguishably better than the same model without balancing: {methods}.").format(
                methods=_listed(also)))
    elif v["balancing"]:
        ties = _ties(v)
        said.append(_("<b>Not enough evidence to separate any balancing method from the same model without "
                      "balancing</b> in macro-F1{reach}.").format(reach=_reach(numbers)))
        if ties:
            said.append(_("The top scores: {scores}.").format(scores=ties))
    else:
        said.append(_("<b>No balancing method was compared with the same model without balancing</b>; the baseline "
                      "is {baseline}.").format(baseline=base_text))
    if v["capacity"]:
        said.append(_("Model choice (capacity), not balancing: {methods}.").format(methods=listing(
            _("{method} ({difference} against {against}, {verdict})").format(
                method=_code(r["method"]), difference=_signed(r["diff"]), against=_code(r["against"]),
                verdict=_("distinguishable") if r.get("macro_f1_real") else _("not enough evidence"))
            for r in v["capacity"])))
    if v["other"]:
        said.append(_("Not judged as balancing (model and balancing both differ from what they are compared with): "
                      "{methods}.").format(methods=_listed(v["other"])))
    if v["worse"]:
        said.append(_("Distinguishably worse than the same model without balancing: {methods}.").format(
            methods=_listed(v["worse"])))
    if v["recall_gains"]:
        said.append(_("Recall of the smallest class rises distinguishably over the same model without balancing "
                      "with {methods}.").format(methods=_listed(v["recall_gains"], "recall_diff")))
    helped = sentences(*said)
    test = numbers.get("verdict_test")
    test = _(str(test)) if test else _("paired test of notebook 06, corrected for the number of comparisons")
    d = numbers.get("smallest_detectable_difference")
    n, m = len(v["balancing"]), len(v["capacity"])
    compared = ngettext("{n} balancing method was compared with the same model without balancing",
                        "{n} balancing methods were compared with the same model without balancing", n).format(n=n)
    if m:
        compared = _("{compared} and {plain} with {baseline} (model choice)").format(
            compared=compared, plain=ngettext("{m} plain model", "{m} plain models", m).format(m=m),
            baseline=_code(base["method"]))
    reach = (_("; this design detects differences of about {difference} or more").format(difference=number(d))
             if is_number(d) else "")
    sure = sentences(
        _("{compared}, on {design}; a difference counts only when the one test separates it from zero "
          "({test}){reach}.").format(compared=compared, design=_design(numbers), test=_esc(test), reach=reach),
        _("A smaller difference is not enough evidence, not a proof that there is none."))
    return helped, sure


def _todo(v: Mapping[str, Any]) -> str:
    best = v["best"]
    bigger = [r for r in v["capacity"] if r.get("macro_f1_real") and r["diff"] > 0]
    capacity = (_("Apart from balancing, the model matters: {method} beats {against} by model choice "
                  "({difference}).").format(method=_code(bigger[0]["method"]), against=_code(bigger[0]["against"]),
                                            difference=_signed(bigger[0]["diff"])) if bigger else "")
    if best is not None:
        said = [_("Use {method}.").format(method=_code(best["method"]))]
        if rebalances(best["method"]):
            said.append(_("It re-balances the training, so recalibrate its probabilities (prior correction, notebook "
                          "06) before using them as probabilities."))
        said.append(capacity)
        if best.get("method") in {r["method"] for r in v["recall_gains"]} or not v["recall_gains"]:
            return sentences(*said)
    else:
        said = [_("No balancing step earns its place on macro-F1: keep the plain model."), capacity]
    if v["recall_gains"]:
        gain = v["recall_gains"][0]
        if rebalances(gain["method"]):
            text = _("If missing the smallest class costs more than a false alarm, {method} finds more of it than "
                     "{against}; choose its decision threshold by that cost and recalibrate its probabilities "
                     "(notebook 06).")
        else:
            text = _("If missing the smallest class costs more than a false alarm, {method} finds more of it than "
                     "{against}; choose its decision threshold by that cost.")
        said.append(text.format(method=_code(gain["method"]), against=_code(gain["against"])))
    return sentences(*said)


def _decision(numbers: Mapping[str, Any]) -> str:
    """Notebook 06's decision at its stated cost (``rule_study.rules_headline``): the plain model with the Bayes rule on
    calibrated probabilities against re-balanced training with its own rule, by the one test
    (``rebalanced_vs_decision_rule``); "" without those numbers."""
    bayes, verdict = numbers.get("bayes_rule_cost"), numbers.get("rebalanced_vs_decision_rule")
    plain = numbers.get("decision_rule_model")
    if not is_number(bayes) or verdict is None or not plain:
        return ""
    tuned = numbers.get("tuned_rule_cost")
    lead = _("At the stated cost of errors (notebook 06), {model} with the Bayes rule on its calibrated "
             "probabilities costs {cost} per item{tuned}").format(
        model=_code(plain), cost=number(bayes),
        tuned=_(" (per-class weights tuned in nested folds: {cost})").format(cost=number(tuned))
        if is_number(tuned) else "")
    cheapest, cost, diff = (numbers.get(k) for k in ("cheapest_rebalanced", "cheapest_rebalanced_cost",
                                                       "cheapest_rebalanced_difference"))
    named = (_("{method} with its own rule, {cost} ({difference})").format(
        method=_code(cheapest), cost=number(cost), difference=_signed(diff))
        if cheapest and is_number(cost) and is_number(diff) else "")
    if verdict is True:
        return _("{lead}. Re-balanced training does better at this cost: {cheapest}, distinguishably less; "
                 "re-balance when that cost is yours.").format(lead=lead, cheapest=named)
    if verdict is False:
        return _("{lead}. Every re-balancing method costs distinguishably more: keep the plain model and decide by "
                 "the Bayes rule for your costs.").format(lead=lead)
    return _("{lead}. No re-balancing method costs distinguishably less{cheapest}: keep the plain model and decide "
             "by the Bayes rule on calibrated probabilities, the simpler default (a new cost needs a new rule, not a "
             "new model).").format(lead=lead, cheapest=_(" (the cheapest: {named})").format(named=named)
                                   if named else "")


def executive_html(summary: Mapping[str, Any]) -> str:
    """The summary section of the index ("" when no notebook recorded anything it can use)."""
    items = []
    # notebook 01's numbers (the table the report ran on) over 00's overview of the documented case
    known = [h for h in _headlines(summary) if any(h.get(k) is not None for k in _IMBALANCE_KEYS)]
    first = max(known, key=lambda h: sum(h.get(k) is not None for k in _IMBALANCE_KEYS), default=None)
    if first and (text := _imbalance(first)):
        items.append((_("The imbalance"), text))
    found = _comparison(summary)
    if found is not None:
        numbers, comparison = found
        helped, sure = _helped(comparison, numbers)
        decision = next((t for h in _headlines(summary) if (t := _decision(h))), "")
        todo = (_("{decision} Without a stated cost: {todo}").format(decision=decision, todo=_todo(comparison))
                if decision else _todo(comparison))
        items += [(_("What helped"), helped), (_("How sure"), sure), (_("What to do"), todo)]
    if not items:
        return ""
    body = "".join(f"<dt>{_esc(term)}</dt><dd>{text}</dd>" for term, text in items)
    heading = _("Summary")
    return f'<section class="summary" id="summary"><h2>{_esc(heading)}</h2><dl>{body}</dl></section>'
