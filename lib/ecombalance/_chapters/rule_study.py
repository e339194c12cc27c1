"""Notebook 06's decision at one stated cost: a plain model with a decision rule against re-balanced training.

A cost matrix :math:`C_{ij}` (the cost of deciding ``j`` when the truth is ``i``) can be met in two places. After
training: a plain model's probabilities, calibrated, and the Bayes rule :math:`\\arg\\min_j \\sum_i p_i(x) C_{ij}`
(Elkan 2001), which needs no tuning. Or in training: re-balance the rows (a sampler, class weights, a balanced loss),
so the model learns flat priors, and decide by its own probabilities. For the stated cost "missing an item of class
``c`` costs :math:`N_{\\max}/N_c`" the two target the same decision: the Bayes rule picks
:math:`\\arg\\max_c p_c(x)/\\pi_c`, which is the arg-max of a model that learnt flat priors. Which one gets there on
this table is an empirical question, settled here by the one test.

:func:`compare_rules` runs, on the experiment's own folds and through the one engine
(:func:`ecombalance.evaluation.run_experiment`, one call per repeat so that every fold's decisions are kept), for
each model with a plain version among the methods:

* the plain model with the arg-max;
* the plain model with the Bayes rule on calibrated probabilities: temperature scaling (or isotonic, sigmoid)
  fitted on inner folds of each training fold (:class:`~ecombalance.evaluation.InnerFoldCalibration`);
* the plain model with per-class weights tuned fully nested: inner folds of each training fold only
  (:class:`~ecombalance.evaluation.CostRuleClassifier` with ``rule="tuned"``);
* each re-balancing method of that model with its own rule: the Bayes rule on its probabilities moved back from
  the flat priors it learnt to the data's (for the stated cost, its arg-max).

Each is scored by its mean cost per item on every outer test fold, and each alternative is compared with the plain
model's calibrated Bayes rule by the corrected repeated cross-validation t-test on the paired per-fold costs,
Holm-corrected within the model (:func:`ecombalance.evaluation.compare_fold_scores`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ecombalance._chapters.decision_study import MAX_TUNED_CLASSES, inverse_frequency_costs, miss_cost_matrix
from ecombalance._validation import plain_label
from ecombalance.data._table import Table
from ecombalance.evaluation import (CostRuleClassifier, Folds, compare_fold_scores, expected_calibration_error,
                                    run_experiment)
from ecombalance.evaluation._calibration import CALIBRATION_METHODS, InnerFoldCalibration
from ecombalance.evaluation._decisions import threshold_curve
from ecombalance.evaluation._fold_work import FoldFeatures, split_preprocess
from ecombalance.evaluation._stats import fold_sizes
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models import _methods as experiments
from ecombalance.models._families import family_baselines, plain_models

NOT_ENOUGH = "not enough evidence"
"""The verdict when the test separates neither way (:attr:`RuleComparison.verdict`)."""

NO_PLAIN_MODEL = ("*No method is a plain model (no sampler, no class weights, plain cross-entropy, such as "
                  "`none+logreg`): the decision rules need one to calibrate and to compare re-balancing with.*")
"""What notebook 06 shows when :func:`compare_rules` has nothing to run."""

PLAIN_RULES = {"argmax": "arg-max", "bayes": "Bayes rule, calibrated", "tuned": "tuned weights, nested"}
"""The plain model's rules and how the rule names read (``"<plain> + <words>"``)."""


def no_plain_model() -> str:
    """:data:`NO_PLAIN_MODEL` in the current language."""
    return _("*No method is a plain model (no sampler, no class weights, plain cross-entropy, such as `none+logreg`): "
             "the decision rules need one to calibrate and to compare re-balancing with.*")


OWN_RULE = "its Bayes rule"
"""How a re-balancing method's rule reads (``"<method> + its Bayes rule"``)."""


def rule_name(method: str, rule: str) -> str:
    """The name of ``method`` with ``rule`` (a key of :data:`PLAIN_RULES`, or ``"own"``) in the comparison."""
    return f"{method} + {OWN_RULE if rule == 'own' else PLAIN_RULES[rule]}"


def stated_cost(y: Any, classes: Sequence) -> tuple[np.ndarray, dict]:
    """Notebook 06's stated cost: missing an item of class ``c`` costs :math:`N_{\\max}/N_c`
    (:func:`~ecombalance._chapters.decision_study.inverse_frequency_costs`), a right answer nothing. Returns the matrix
    (order ``classes``) and the miss costs ``{class: cost}``."""
    costs = inverse_frequency_costs(y)
    return miss_cost_matrix(classes, costs), costs


def _with_rule(built: Any, rule: str, cost: np.ndarray, classes: Sequence, learnt: str, calibration: str,
               inner_splits: int, random_state: int) -> Any:
    """``built`` (preprocess -> [sampler ->] model) with its model part inside the rule (and, for the Bayes rule of a
    plain model, inside the calibration): the preprocessing stays the first step, so the runner's fold cache shares it
    with every other method."""
    preprocess, rest = split_preprocess(built)
    if rule == "bayes":
        rest = InnerFoldCalibration(rest, method=calibration, n_splits=inner_splits, random_state=random_state)
    wrapped = CostRuleClassifier(rest, cost, classes=list(classes), rule="bayes" if rule == "own" else rule,
                                 learnt_priors=learnt, n_splits=inner_splits, random_state=random_state)
    return wrapped if preprocess is None else Pipeline([("preprocess", preprocess), ("rule", wrapped)])


def rule_methods(tbl: Table, methods: Sequence[str], cost_matrix: np.ndarray, classes: Sequence, *,
                 random_state: int = 0, epochs: int = 30, calibration: str = "temperature", inner_splits: int = 3,
                 max_tuned_classes: int = MAX_TUNED_CLASSES) -> tuple[dict[str, Any], pd.DataFrame]:
    """The estimators :func:`compare_rules` runs and what each is: ``({name: pipeline}, roles)``.

    ``roles`` has one row per name: ``method`` (the method of notebook 06 it wraps), ``model``, ``rule``
    (``argmax``, ``bayes``, ``tuned`` or ``own``), ``against`` (the plain model's calibrated Bayes rule, which
    every other rule of the model is compared with) and ``learnt_priors`` (``uniform`` for a method that re-balances
    the priors its model learns: its probabilities are moved back to the data's before its Bayes rule). Models
    without a plain version among ``methods`` are left out. The arg-max and the tuned rule run for the first plain
    model (the baseline's) only, the other models get their calibrated Bayes rule and their re-balancing methods'
    rules (what the comparison needs, at a fraction of the fits); above ``max_tuned_classes`` classes the tuned rule
    is left out (one weight per class to search)."""
    counts = tbl.y.value_counts().reindex(list(classes)).to_numpy(dtype=float)
    data_priors = counts / counts.sum()
    rebalanced = family_baselines(list(methods))
    built, roles = {}, []
    for k, (model, base) in enumerate(plain_models(list(methods)).items()):
        reference = rule_name(base, "bayes")
        plan = [(base, "bayes")]  # first: the runner never leaves out its first method
        if k == 0:  # the baseline's model also gets the arg-max and the nested tuned weights
            plan += [(base, "argmax")] + ([(base, "tuned")] if len(classes) <= max_tuned_classes else [])
        plan += [(m, "own") for m, b in rebalanced.items() if b == base]
        for method, rule in plan:
            learnt = "data"
            if rule == "own" and not np.allclose(
                    experiments.training_priors(method, dict(zip(classes, counts))), data_priors):
                learnt = "uniform"
            name = rule_name(method, rule)
            built[name] = _with_rule(experiments.build(tbl, method, random_state=random_state, epochs=epochs), rule,
                                     cost_matrix, classes, learnt, calibration, inner_splits, random_state)
            roles.append({"name": name, "method": method, "model": model, "rule": rule,
                          "against": None if name == reference else reference, "learnt_priors": learnt})
    columns = ["name", "method", "model", "rule", "against", "learnt_priors"]
    return built, pd.DataFrame(roles, columns=columns).set_index("name")


@dataclass
class RuleComparison:
    """What :func:`compare_rules` found.

    ``roles``: :func:`rule_methods`' table. ``fold_costs``: the mean cost per item of each rule (columns) on every
    outer test fold (rows, all repeats). ``tests``: per rule compared, the one test against its model's calibrated
    Bayes rule (``against``, ``difference`` = rule − Bayes rule in mean cost per item, ``p_value`` Holm-corrected
    within the model, ``real_difference``, ``detectable``). ``proba`` / ``pred``: each rule's out-of-fold
    probabilities (the ones its rule reads: raw for the arg-max, calibrated for the Bayes rule, moved back to the
    data's priors for a re-balancing method) and decisions, first repeat."""

    roles: pd.DataFrame
    fold_costs: pd.DataFrame
    tests: pd.DataFrame
    proba: dict[str, np.ndarray]
    pred: dict[str, np.ndarray]
    y: np.ndarray
    classes: np.ndarray
    cost: np.ndarray
    design: str
    calibration: str
    miss_costs: dict | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def baseline_model(self) -> str:
        """The model of the first plain method (notebook 06's baseline)."""
        return str(self.roles["model"].iloc[0])

    @property
    def baseline_method(self) -> str:
        """The plain method whose rules the headline and the figure show (``none+logreg`` by default)."""
        return str(self.roles["method"].iloc[0])

    def name_of(self, rule: str, model: str | None = None) -> str | None:
        """The name of ``rule`` (``argmax``, ``bayes``, ``tuned``) for ``model`` (default the baseline's)."""
        rows = self.roles[(self.roles["model"] == (model or self.baseline_model)) & (self.roles["rule"] == rule)]
        names = [n for n in rows.index if n in self.fold_costs.columns]
        return names[0] if names else None

    @property
    def table(self) -> pd.DataFrame:
        """One row per rule: ``expected_cost`` (mean cost per item over the folds) and ``cost_sd`` (its standard
        deviation over the folds); against the model's calibrated Bayes rule the test's ``difference`` (rule − Bayes
        rule), Holm-corrected ``p_value``, ``detectable`` and ``distinguishable`` ("yes" / "no"; "reference" on the
        Bayes rule itself); and ``recall[<class>]`` (pooled out-of-fold decisions, first repeat)."""
        rows = {}
        for name in self.fold_costs.columns:
            costs = self.fold_costs[name]
            row = {"expected_cost": float(costs.mean()),
                   "cost_sd": float(costs.std(ddof=1)) if len(costs) > 1 else 0.0,
                   "difference": np.nan, "p_value": np.nan, "detectable": np.nan, "distinguishable": "reference"}
            if name in self.tests.index:
                row.update({k: float(self.tests.loc[name, k]) for k in ("difference", "p_value", "detectable")})
                row["distinguishable"] = "yes" if bool(self.tests.loc[name, "real_difference"]) else "no"
            truth, decided = self.y, self.pred[name]
            row.update({f"recall[{plain_label(c)}]": float((decided[truth == c] == c).mean()) for c in self.classes})
            rows[name] = row
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "rule"
        return table

    @property
    def rebalanced(self) -> pd.DataFrame:
        """The tests of the re-balancing methods (``rule == "own"``) against their plain model's Bayes rule."""
        own = [n for n in self.roles.index[self.roles["rule"] == "own"] if n in self.tests.index]
        return self.tests.loc[own]

    @property
    def verdict(self) -> bool | str:
        """Does re-balanced training with its own rule beat the plain model with the calibrated Bayes rule at the
        stated cost? True when some re-balancing method's mean cost is distinguishably lower; False when every one
        is distinguishably higher; else :data:`NOT_ENOUGH` (also when no re-balancing method ran)."""
        tests = self.rebalanced
        if tests.empty:
            return NOT_ENOUGH
        real = tests["real_difference"].astype(bool)
        if (real & (tests["difference"] < 0)).any():
            return True
        if (real & (tests["difference"] > 0)).all():
            return False
        return NOT_ENOUGH

    def curve(self, classes: Sequence | None = None) -> pd.DataFrame:
        """The cost against a threshold on one class's probability (:func:`~ecombalance.evaluation.threshold_curve`)
        on the baseline's calibrated out-of-fold probabilities: each row scored by a model, and a calibration, fitted
        without it. The curve's lowest point is picked after seeing these rows, so it flatters; the rules' costs
        (:attr:`table`) are honest."""
        name, codes = self.name_of("bayes"), _codes(self.y, self.classes)
        if classes is None and len(self.classes) > 10:  # the five smallest classes
            classes = self.classes[np.argsort(np.bincount(codes, minlength=len(self.classes)), kind="stable")[:5]]
        return threshold_curve(codes, self.proba[name], self.cost, self.classes, classes)


def _codes(values: Any, classes: np.ndarray) -> np.ndarray:
    """Each value's position in ``classes``."""
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    return np.array([lookup[v] for v in np.asarray(values).tolist()], dtype=int)


def _repeats(cv: Folds) -> list[Folds]:
    """The folds of each repeat (every row tested once in each)."""
    k = cv.n_splits or len(cv)
    return [Folds(list(cv)[r * k:(r + 1) * k], 1, k, cv.grouped) for r in range(len(cv) // k)]


def compare_rules(tbl: Table, methods: Sequence[str], cv: Folds, cost_matrix: Any = None, *, random_state: int = 0,
                  epochs: int = 30, calibration: str = "temperature", inner_splits: int = 3, alpha: float = 0.05,
                  fold_features: FoldFeatures | None = None, n_jobs: int | None = None, time_budget: float | None = None,
                  progress: bool = True) -> RuleComparison | None:
    """Every rule of :func:`rule_methods` on the folds ``cv`` (notebook 06's ``r × k``), scored by its mean cost per
    item on each outer test fold and tested against its plain model's calibrated Bayes rule (see the module's
    docstring). ``cost_matrix`` (rows: true class, columns: decision, in the order of ``tbl.classes`` sorted as the
    runner sorts them) defaults to :func:`stated_cost`. ``time_budget``: seconds per rule and repeat, as the
    runner's (a slower rule is left out with a note; the baseline's Bayes rule always runs, and a model whose Bayes
    rule was left out has nothing to compare with). Returns :class:`RuleComparison`, or None when no method is a plain
    model (:data:`NO_PLAIN_MODEL` says why)."""
    if calibration not in CALIBRATION_METHODS:
        raise ValueError(f"calibration must be one of {list(CALIBRATION_METHODS)}, got {calibration!r}")
    y = tbl.y.to_numpy()
    classes = np.unique(y)
    miss = None
    if cost_matrix is None:
        cost_matrix, miss = stated_cost(y, classes)
    cost = np.asarray(cost_matrix, dtype=float)
    built, roles = rule_methods(tbl, methods, cost, classes, random_state=random_state, epochs=epochs,
                                calibration=calibration, inner_splits=inner_splits)
    if not built:
        return None
    codes = _codes(y, classes)
    features = FoldFeatures() if fold_features is None else fold_features
    fold_costs: dict[str, list[float]] = {name: [] for name in built}
    proba, pred, notes = {}, {}, []
    for r, folds in enumerate(_repeats(cv)):
        result = run_experiment(built, tbl.X, y, groups=tbl.groups, cv=folds, random_state=random_state,
                                classes=classes,
                                fold_features=features, errors="record", n_jobs=n_jobs, progress=progress,
                                time_budget=time_budget, record_warnings=True)
        notes += [n for n in result.notes if n not in notes]
        small = result.warnings[result.warnings["category"] == "SmallClassWarning"]
        for (method, message), part in small.groupby(["method", "message"], sort=False):
            note = _("- `{method}`, {n} fold(s) of repeat {repeat}: {message}.").format(
                method=method, n=len(part), repeat=r + 1, message=message)
            if note not in notes:
                notes.append(note)
        for name in list(fold_costs):
            if name not in result.oof_pred:
                fold_costs.pop(name)
                continue
            decided = _codes(result.oof_pred[name], classes)
            fold_costs[name] += [float(cost[codes[test], decided[test]].mean()) for _train, test in folds]
            if r == 0:
                proba[name], pred[name] = result.oof_proba[name], result.oof_pred[name]
    table = pd.DataFrame(fold_costs)
    first = roles.index[0]
    if first not in table.columns:
        raise RuntimeError(f"the calibrated Bayes rule, which every other rule is compared with, failed: {first!r}: "
                           + " ".join(notes))
    for lost in [n for n in roles.index[roles["rule"] == "bayes"] if n not in table.columns]:
        notes.append(_("- `{method}`'s rules are left out: its calibrated Bayes rule, which they are compared with, "
                       "did not run on every fold.").format(method=roles.loc[lost, "method"]))
        table = table.drop(columns=[n for n in roles.index[roles["against"] == lost] if n in table.columns])
    n_train, n_test = fold_sizes(cv)
    tests = []
    for reference, part in roles[roles["against"].notna()].groupby("against", sort=False):
        names = [n for n in part.index if n in table.columns]
        if reference not in table.columns or not names:
            continue
        compared = compare_fold_scores(table[[reference, *names]], reference, n_train, n_test,
                                       metric="expected_cost", alpha=alpha, n_repeats=cv.n_repeats)
        tests.append(compared.set_index("method").assign(against=reference))
    tests = pd.concat(tests) if tests else pd.DataFrame(
        columns=["against", "difference", "p_value", "real_difference", "detectable"])
    return RuleComparison(roles=roles, fold_costs=table, tests=tests, proba=proba, pred=pred, y=y, classes=classes,
                          cost=cost, design=cv.design, calibration=calibration, miss_costs=miss, notes=notes)


# ------------------------------------------------------------------------------------------- what it says
def _verdict_words(verdict: bool | str) -> str:
    return {True: "true", False: "false"}.get(verdict, NOT_ENOUGH) if isinstance(verdict, bool) else str(verdict)


def _test_words(tests: pd.DataFrame, name: str) -> str:
    row = tests.loc[name]
    text = (_("{difference:+.3f}, p = {p_value:.2g}, distinguishable") if bool(row["real_difference"]) else
            _("{difference:+.3f}, p = {p_value:.2g}, not distinguishable"))
    return text.format(difference=row["difference"], p_value=row["p_value"])


def rules_headline(rc: RuleComparison) -> dict[str, Any]:
    """For the report index, on the baseline's model: ``argmax_rule_cost``, ``bayes_rule_cost`` (calibrated) and
    ``tuned_rule_cost`` (nested; absent above :data:`MAX_TUNED_CLASSES` classes) in mean cost per item, with
    ``tuned_minus_bayes_cost`` and ``tuned_vs_bayes_distinguishable``; over every model,
    ``rebalanced_vs_decision_rule`` (:attr:`RuleComparison.verdict`: true, false or "not enough evidence"), the
    cheapest re-balancing method (``cheapest_rebalanced``, ``cheapest_rebalanced_cost``, its difference to its
    plain model's Bayes rule ``cheapest_rebalanced_difference``) and ``decision_rule_model`` (the plain method whose
    rules these are)."""
    table = rc.table
    names = {rule: rc.name_of(rule) for rule in PLAIN_RULES}
    numbers: dict[str, Any] = {"decision_rule_model": rc.roles.loc[names["bayes"], "method"]}
    for rule, name in names.items():
        if name is not None:
            numbers[f"{rule}_rule_cost"] = float(table.loc[name, "expected_cost"])
    if names["tuned"] is not None and names["tuned"] in rc.tests.index:
        numbers["tuned_minus_bayes_cost"] = float(rc.tests.loc[names["tuned"], "difference"])
        numbers["tuned_vs_bayes_distinguishable"] = bool(rc.tests.loc[names["tuned"], "real_difference"])
    numbers["rebalanced_vs_decision_rule"] = rc.verdict
    own = rc.rebalanced
    if not own.empty:
        cheapest = table.loc[own.index, "expected_cost"].astype(float).idxmin()
        numbers.update(cheapest_rebalanced=rc.roles.loc[cheapest, "method"],
                       cheapest_rebalanced_cost=float(table.loc[cheapest, "expected_cost"]),
                       cheapest_rebalanced_difference=float(own.loc[cheapest, "difference"]))
    return numbers


def describe_cost(rc: RuleComparison) -> str:
    """The stated cost in words (a miss cost per class), or "" for a cost matrix given as such."""
    if not rc.miss_costs:
        return ""
    listed = join(f"`{plain_label(c)}` {rc.miss_costs[plain_label(c)]:.3g}" for c in rc.classes)
    return _("- The stated cost: missing an item costs, by its class, {listed} (the largest class's rows over the "
             "class's), a right answer nothing; replace it by your own with `decision_study.miss_cost_matrix`.").format(
        listed=listed)


def describe_rules(rc: RuleComparison) -> str:
    """Markdown bullets on :func:`compare_rules`: per model, the cost of the plain model's three rules and whether the
    nested tuned weights beat the calibrated Bayes rule; then each re-balancing method with its own rule against
    that Bayes rule, and the verdict (:attr:`RuleComparison.verdict`)."""
    table, tests = rc.table, rc.tests
    lines = [describe_cost(rc)] if rc.miss_costs else []
    for model, roles in rc.roles.groupby("model", sort=False):
        bayes, argmax, tuned = (rc.name_of(rule, model) for rule in ("bayes", "argmax", "tuned"))
        if bayes is None:
            continue
        plain = roles.loc[bayes, "method"]
        ece = {rule: expected_calibration_error(rc.y, rc.proba[name], classes=rc.classes)
               for rule, name in (("raw", argmax), ("calibrated", bayes)) if name is not None}
        bayes_text = _("the Bayes rule on probabilities calibrated by {calibration} scaling inside each training fold "
                       "{cost:.3f}").format(calibration=rc.calibration, cost=table.loc[bayes, "expected_cost"])
        if len(ece) == 2:
            bayes_text += _(" (top-label ECE {raw:.3f} raw, {calibrated:.3f} calibrated)").format(
                raw=ece["raw"], calibrated=ece["calibrated"])
        parts = [_("the arg-max {cost:.3f}").format(cost=table.loc[argmax, "expected_cost"]) if argmax else "",
                 bayes_text,
                 _("per-class weights tuned on inner folds of each training fold only (fully nested) "
                   "{cost:.3f}").format(cost=table.loc[tuned, "expected_cost"]) if tuned else ""]
        line = _("- `{plain}`, mean cost per item over the {design}: {parts}.").format(
            plain=plain, design=rc.design, parts=join((p for p in parts if p), "; "))
        if tuned in tests.index:
            row = tests.loc[tuned]
            if not bool(row["real_difference"]):
                line += _(" The tuned weights are not distinguishable from the Bayes rule ({test}; this design detects "
                          "about {detectable:.3f}): the Bayes rule needs no tuning, so on calibrated probabilities it "
                          "is the default.").format(test=_test_words(tests, tuned), detectable=row["detectable"])
            elif row["difference"] < 0:
                line += _(" The tuned weights are distinguishably cheaper than the Bayes rule ({test}): the calibrated "
                          "probabilities are still off where the cost is decided; use the nested tuned "
                          "weights.").format(test=_test_words(tests, tuned))
            else:
                line += _(" The tuned weights are distinguishably costlier than the Bayes rule ({test}): tuning on "
                          "inner folds over-fits them; use the Bayes rule.").format(test=_test_words(tests, tuned))
        lines.append(line)
        own = [n for n in roles.index[roles["rule"] == "own"] if n in tests.index]
        if own:
            listed = join((_("`{method}` {cost:.3f} ({test})").format(
                method=rc.roles.loc[n, "method"], cost=table.loc[n, "expected_cost"], test=_test_words(tests, n))
                for n in own), "; ")
            text = (_("- At the same cost, re-balanced training with its own rule (the Bayes rule on its probabilities "
                      "moved back from the flat priors it learnt to the data's; for this cost, the same decisions as "
                      "its arg-max) against `{plain}` with the calibrated Bayes rule (the corrected repeated "
                      "cross-validation t-test on the paired per-fold costs, Holm-corrected): {listed}.")
                    if rc.miss_costs else
                    _("- At the same cost, re-balanced training with its own rule (the Bayes rule on its probabilities "
                      "moved back from the flat priors it learnt to the data's) against `{plain}` with the calibrated "
                      "Bayes rule (the corrected repeated cross-validation t-test on the paired per-fold costs, "
                      "Holm-corrected): {listed}."))
            lines.append(text.format(plain=plain, listed=listed))
    verdict = rc.verdict
    own = rc.rebalanced
    if own.empty:
        lines.append(_("- No re-balancing method with a plain version of its model ran, so nothing was compared with "
                       "the decision rule."))
    elif verdict is True:
        better = own[own["real_difference"].astype(bool) & (own["difference"] < 0)].sort_values("difference")
        lines.append(_("- Verdict (`rebalanced_vs_decision_rule`: true): re-balanced training beats the decision rule "
                       "at this cost: `{method}` is distinguishably cheaper than its plain model with the calibrated "
                       "Bayes rule.").format(method=rc.roles.loc[better.index[0], "method"]))
    elif verdict is False:
        lines.append(_("- Verdict (`rebalanced_vs_decision_rule`: false): every re-balancing method is distinguishably "
                       "costlier than its plain model with the calibrated Bayes rule: keep the plain model and decide "
                       "by the Bayes rule for your costs."))
    else:
        detectable = own["detectable"].astype(float).median()
        if own["difference"].min() < 0:
            text = _("- Verdict (`rebalanced_vs_decision_rule`: not enough evidence): no re-balancing method is "
                     "distinguishably cheaper than its plain model with the calibrated Bayes rule, and not every one "
                     "is distinguishably costlier; the smallest difference this design detects is about {detectable:.3f} "
                     "(the cheapest, `{cheapest}`, costs {saving:.3f} less, a difference this design cannot tell from "
                     "noise). The plain model with the calibrated Bayes rule is then the simpler choice: its "
                     "probabilities stay probabilities, and a new cost needs a new rule, not a new model.")
        else:
            text = _("- Verdict (`rebalanced_vs_decision_rule`: not enough evidence): no re-balancing method is "
                     "distinguishably cheaper than its plain model with the calibrated Bayes rule, and not every one "
                     "is distinguishably costlier; the smallest difference this design detects is about {detectable:.3f}. "
                     "The plain model with the calibrated Bayes rule is then the simpler choice: its probabilities "
                     "stay probabilities, and a new cost needs a new rule, not a new model.")
        lines.append(text.format(detectable=detectable, cheapest=rc.roles.loc[own["difference"].idxmin(), "method"],
                                 saving=-own["difference"].min()))
    return "\n".join(lines + [f"- {note.removeprefix('- ')}" for note in rc.notes])


def cost_curve_labels(rc: RuleComparison, largest: Any) -> dict[str, str]:
    """The ``cost_unit`` and ``title`` of :func:`ecombalance.plotting.plot_cost_curve` for notebook 06's cost
    figure (costs in units of missing a ``largest``-class item), in the current language."""
    return {"cost_unit": _("cost of missing a {cls!r} item").format(cls=str(largest)),
            "title": _("Cost against threshold: {method}, calibrated, out of fold").format(method=rc.baseline_method)}


def figure_lines(rc: RuleComparison) -> dict[str, float]:
    """The costs :func:`ecombalance.plotting.plot_cost_curve` marks beside :meth:`RuleComparison.curve`, as
    ``{label: mean cost per item}``: the baseline's arg-max, calibrated Bayes rule and nested tuned weights, and the
    cheapest re-balancing method of the same model (the curve is that model's)."""
    table, lines = rc.table, {}
    for rule, label in (("argmax", _("arg-max")), ("bayes", _("Bayes rule (calibrated)")),
                        ("tuned", _("tuned weights (nested)"))):
        name = rc.name_of(rule)
        if name is not None:
            lines[label] = float(table.loc[name, "expected_cost"])
    own = rc.rebalanced
    own = own[[rc.roles.loc[n, "model"] == rc.baseline_model for n in own.index]]
    if not own.empty:
        cheapest = table.loc[own.index, "expected_cost"].astype(float).idxmin()
        lines[_("{method} (its own rule)").format(method=rc.roles.loc[cheapest, "method"])] = float(
            table.loc[cheapest, "expected_cost"])
    return lines
