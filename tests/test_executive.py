"""The executive summary that opens index.html: generated from the headline numbers, naming a balancing method as
helping only when its difference to the same model without balancing is distinguishable, with model choice apart;
its claims also as data (summary.json's "executive")."""

import html
import re

import pytest

from ecombalance._reporting import executive, index

CASE = {"imbalance_ratio": 8.0, "majority_share": 400 / 600, "plain_recall_smallest": 0.56,
        "plain_recall_largest": 0.995, "plain_macro_f1": 0.853}


TEST = "corrected repeated cross-validation t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004) on paired fold scores"
DESIGN = {"cv_repeats": 2, "cv_folds": 5, "verdict_test": TEST, "smallest_detectable_difference": 0.031}


def method(name, f1, low, high, recall, diff=None, real=None, recall_diff=None, recall_real=None, against=None):
    numbers = {f"{name}/macro_f1": f1, f"{name}/macro_f1_ci_low": low, f"{name}/macro_f1_ci_high": high,
               f"{name}/recall_smallest": recall, f"{name}/balanced_accuracy": f1}
    if real is not None:
        numbers |= {f"{name}/macro_f1_difference": diff, f"{name}/macro_f1_real": real,
                    f"{name}/recall_smallest_difference": recall_diff, f"{name}/recall_smallest_real": recall_real}
    if against is not None:
        numbers[f"{name}/against"] = against
    return numbers


def effects(mlp_real=True, **extra):
    """Notebook 06's headline on the documented case (issue 25's numbers): each balancing method against the same
    model without balancing, the plain MLP against logistic regression as model choice."""
    logreg, mlp = "none+logreg", "none+torch_mlp:ce"
    return {**method(logreg, 0.8532, 0.8047, 0.8910, 0.56),
            **method("class_weight+logreg", 0.8727, 0.8325, 0.9081, 0.78, 0.0218, False, 0.22, True, logreg),
            **method("smote+logreg", 0.8737, 0.8350, 0.9090, 0.78, 0.0227, False, 0.22, True, logreg),
            **method(mlp, 0.9269, 0.8934, 0.9539, 0.74, 0.0714, mlp_real, 0.18, True, logreg),
            **method("none+torch_mlp:logit_adjusted", 0.8920, 0.86, 0.92, 0.86, -0.0349, False, 0.12, True, mlp),
            **method("random_under+logreg", 0.7203, 0.6805, 0.7626, 0.72, -0.1329, True, 0.16, True, logreg),
            "best_is_distinguishable": False, **DESIGN, **extra}


def report(*headlines, statuses=None):
    statuses = statuses or ["ok"] * len(headlines)
    return {"profile": "quick", "updated": "now", "notebooks": [
        {"notebook": f"0{i}_nb", "status": s, "seconds": 1.0, "headline": h}
        for i, (h, s) in enumerate(zip(headlines, statuses))]}


def text(page):
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_summary_is_the_first_section_of_the_index():
    page = index.index_html(report(CASE, effects()))
    sections = [m.start() for m in re.finditer(r"<section", page)]
    assert page.index('<section class="summary" id="summary"><h2>Summary</h2>') == sections[0]
    assert len(sections) == 3  # the summary, then one section per notebook


def test_the_imbalance_from_notebook_01s_numbers():
    shown = text(executive.executive_html(report(CASE)))
    assert f"holds {100 * 400 / 600:.1f} % of the rows" in shown and "outnumbers the smallest 8 to 1" in shown
    assert "finds 0.560 of the smallest class (recall) against 0.995 of the largest" in shown
    assert "What helped" not in shown  # notebook 06 did not run: its parts are left out


def test_without_a_distinguishable_gain_the_ties_are_listed_per_model_and_capacity_apart():
    """Issue 25: the recall gain of logit_adjusted is measured against the plain MLP (+0.120, not +0.300 against
    logistic regression), the ties never mix model families, class weights are not left out, and the plain
    MLP's advantage is model choice on its own line."""
    shown = text(executive.executive_html(report(CASE, effects())))
    helped = shown.split("What helped", 1)[1].split("How sure")[0]
    assert helped.startswith("Not enough evidence to separate any balancing method from the same model without "
                             "balancing in macro-F1: the smallest difference this design detects is about 0.031. "
                             "The top scores: with logreg, smote+logreg 0.874, class_weight+logreg 0.873, "
                             "none+logreg 0.853; with torch_mlp, none+torch_mlp:ce 0.927, "
                             "none+torch_mlp:logit_adjusted 0.892.")
    assert ("Model choice (capacity), not balancing: none+torch_mlp:ce (+0.071 against none+logreg, "
            "distinguishable).") in helped
    assert "Distinguishably worse than the same model without balancing: random_under+logreg (-0.133 against " \
           "none+logreg)." in helped
    assert ("Recall of the smallest class rises distinguishably over the same model without balancing with "
            "smote+logreg (+0.220 against none+logreg), class_weight+logreg (+0.220 against none+logreg), "
            "random_under+logreg (+0.160 against none+logreg), none+torch_mlp:logit_adjusted (+0.120 against "
            "none+torch_mlp:ce).") in helped
    assert "+0.300" not in shown and "helped:" not in shown
    sure = shown.split("How sure", 1)[1].split("What to do")[0]
    assert sure == ("4 balancing methods were compared with the same model without balancing and 1 plain model with "
                    "none+logreg (model choice), on 2 × 5-fold cross-validation; a difference counts only when the "
                    f"one test separates it from zero ({TEST}); this design detects differences of about 0.031 or "
                    "more. A smaller difference is not enough evidence, not a proof that there is none.")
    todo = shown.split("What to do", 1)[1]
    assert todo == ("No balancing step earns its place on macro-F1: keep the plain model. Apart from balancing, the "
                    "model matters: none+torch_mlp:ce beats none+logreg by model choice (+0.071). If missing the "
                    "smallest class costs more than a false alarm, smote+logreg finds more of it than none+logreg; "
                    "choose its decision threshold by that cost and recalibrate its probabilities (notebook 06).")


def test_a_distinguishable_gain_is_named_against_its_own_plain_model():
    numbers = effects(mlp_real=False, best_is_distinguishable=True, best_method="smote+logreg",
                      best_difference=0.0227, **{"smote+logreg/macro_f1_real": True})
    shown = text(executive.executive_html(report(numbers)))
    assert ("smote+logreg helped: macro-F1 0.874 (95 % interval 0.835–0.909), +0.023 against the same model "
            "without balancing, none+logreg.") in shown
    assert "Model choice (capacity), not balancing: none+torch_mlp:ce (+0.071 against none+logreg, not enough " \
           "evidence)." in shown
    todo = shown.split("What to do", 1)[1]
    assert todo.startswith("Use smote+logreg. It re-balances the training, so recalibrate its probabilities")
    assert "model matters" not in todo  # the MLP's difference was not distinguishable here


def test_a_best_method_measured_against_another_model_is_no_balancing_claim():
    """A report whose balanced loss has no plain MLP beside it: its difference to logistic regression mixes model
    and balancing, so it is neither named as helping nor counted as a claim."""
    numbers = {**method("none+logreg", 0.85, 0.8, 0.9, 0.56),
               **method("none+torch_mlp:logit_adjusted", 0.95, 0.92, 0.97, 0.86, 0.1, True, 0.3, True, "none+logreg"),
               "best_is_distinguishable": True, "best_method": "none+torch_mlp:logit_adjusted", **DESIGN}
    shown = text(executive.executive_html(report(numbers)))
    assert "helped" not in shown.split("How sure")[0].split("What helped")[1][:60]
    assert ("Not judged as balancing (model and balancing both differ from what they are compared with): "
            "none+torch_mlp:logit_adjusted (+0.100 against none+logreg).") in shown
    assert executive.executive_data(report(numbers)) == {"claims": [], "model_choice": []}


def test_a_summary_without_comparisons_names_model_choice_as_such():
    """An older summary.json (no ``against``: every method against the baseline, no family verdict): a plain model
    of another family is model choice, never what helped."""
    numbers = {**method("none+logreg", 0.8532, 0.8047, 0.8910, 0.56),
               **method("class_weight+logreg", 0.8727, 0.8325, 0.9081, 0.78, 0.0218, False, 0.22, True),
               **method("none+torch_mlp:ce", 0.9269, 0.8934, 0.9539, 0.74, 0.0714, True, 0.18, True)}
    shown = text(executive.executive_html(report(CASE, numbers)))
    assert "none+torch_mlp:ce helped" not in shown
    assert "Model choice (capacity), not balancing: none+torch_mlp:ce (+0.071 against none+logreg, " \
           "distinguishable)." in shown
    assert "class_weight+logreg (+0.220 against none+logreg)" in shown


def test_the_claims_are_data_and_every_baseline_is_the_same_model():
    data = executive.executive_data(report(CASE, effects()))
    claims = data["claims"]
    assert {(c["method"], c["metric"]) for c in claims} == {
        (m, metric) for m in ("class_weight+logreg", "smote+logreg", "random_under+logreg",
                              "none+torch_mlp:logit_adjusted") for metric in ("macro_f1", "recall_smallest")}
    for claim in claims:
        assert set(claim) == {"method", "baseline", "metric", "difference", "distinguishable"}
        assert executive.parts_of(claim["method"])[1] == executive.parts_of(claim["baseline"])[1]
        assert not executive.rebalances(claim["baseline"])
    logit = {c["metric"]: c for c in claims if c["method"] == "none+torch_mlp:logit_adjusted"}
    assert logit["recall_smallest"] == {"method": "none+torch_mlp:logit_adjusted", "baseline": "none+torch_mlp:ce",
                                        "metric": "recall_smallest", "difference": 0.12, "distinguishable": True}
    assert data["model_choice"] == [
        {"method": "none+torch_mlp:ce", "baseline": "none+logreg", "metric": "macro_f1", "difference": 0.0714,
         "distinguishable": True},
        {"method": "none+torch_mlp:ce", "baseline": "none+logreg", "metric": "recall_smallest", "difference": 0.18,
         "distinguishable": True}]
    assert executive.executive_data(report(CASE)) == {"claims": [], "model_choice": []}


@pytest.mark.parametrize("method_, against, kind", [
    ("class_weight+logreg", "none+logreg", "balancing"), ("none+torch_mlp:logit_adjusted", "none+torch_mlp:ce",
                                                          "balancing"),
    ("none+torch_mlp:ce", "none+logreg", "capacity"), ("none+torch_mlp:logit_adjusted", "none+logreg", "other"),
    ("smote+logreg", "class_weight+logreg", "other"), ("frozen", "none+logreg", "capacity"),
])
def test_comparison_kinds(method_, against, kind):
    assert executive.comparison_kind(method_, against) == kind


def test_missing_parts_are_left_out():
    assert executive.executive_html(report()) == ""
    assert executive.executive_html(report(CASE, statuses=["failed"])) == ""  # a failed run's numbers are not used
    only = text(executive.executive_html(report(effects())))
    assert "The imbalance" not in only and "What helped" in only and "What to do" in only
    assert '<section class="summary"' not in index.index_html(report({"x": 1.0}))


def test_a_users_table_with_many_classes_and_methods():
    """190 classes, text pairs: the same keys, the same rule; at most TOP ties listed per model."""
    numbers = method("none+logreg", 0.41, 0.38, 0.44, 0.0)
    for i in range(8):
        numbers |= method(f"m{i}+logreg", 0.42 + i / 1000, 0.39, 0.45, 0.05, 0.01 + i / 1000, False, 0.05, False,
                          "none+logreg")
    shown = text(executive.executive_html(report({"imbalance_ratio": 250.0, "majority_share": 0.12}, numbers)))
    assert "outnumbers the smallest 250 to 1" in shown and "holds 12 % of the rows" in shown
    assert "The top scores: with logreg, m7+logreg 0.427, m6+logreg 0.426, m5+logreg 0.425." in shown
    assert "m4+logreg" not in shown and "rises distinguishably" not in shown


@pytest.mark.parametrize("name, parts, rebalances", [
    ("none+logreg", ("none", "logreg", ""), False), ("smote+logreg", ("smote", "logreg", ""), True),
    ("none+torch_mlp:ce", ("none", "torch_mlp", "ce"), False),
    ("none+torch_mlp:logit_adjusted", ("none", "torch_mlp", "logit_adjusted"), True),
    ("class_weight+logreg", ("class_weight", "logreg", ""), True), ("frozen", ("", "frozen", ""), False),
])
def test_method_names_are_split_into_sampler_model_and_loss(name, parts, rebalances):
    assert executive.parts_of(name) == parts and executive.rebalances(name) is rebalances


def test_the_imbalance_comes_from_the_notebook_that_measured_the_plain_model():
    overview = {"imbalance_ratio": 8.0, "majority_share": 0.667}  # notebook 00: the documented case
    users = {"imbalance_ratio": 190.0, "majority_share": 0.3, "plain_recall_smallest": 0.1}  # 01 on a user's table
    shown = text(executive.executive_html(report(overview, users)))
    assert "outnumbers the smallest 190 to 1" in shown and "finds 0.100 of the smallest class" in shown
    assert "8 to 1" not in shown


RULES = {"decision_rule_model": "none+logreg", "bayes_rule_cost": 0.29944, "tuned_rule_cost": 0.30417,
         "argmax_rule_cost": 0.37278, "cheapest_rebalanced": "random_over+logreg", "cheapest_rebalanced_cost": 0.23361,
         "cheapest_rebalanced_difference": -0.06583}


@pytest.mark.parametrize("verdict, says", [
    ("not enough evidence", "No re-balancing method costs distinguishably less (the cheapest: random_over+logreg with "
                            "its own rule, 0.234 (-0.066)): keep the plain model and decide by the Bayes rule on "
                            "calibrated probabilities, the simpler default (a new cost needs a new rule, not a new "
                            "model)."),
    (True, "Re-balanced training does better at this cost: random_over+logreg with its own rule, 0.234 (-0.066), "
           "distinguishably less; re-balance when that cost is yours."),
    (False, "Every re-balancing method costs distinguishably more: keep the plain model and decide by the Bayes rule "
            "for your costs."),
])
def test_what_to_do_follows_the_decision_rule_against_rebalancing(verdict, says):
    """Issue 27: the summary's "what to do" opens with notebook 06's comparison at the stated cost, its verdict
    (true / false / not enough evidence) choosing the advice; the macro-F1 advice follows, marked as without a cost."""
    numbers = effects(**RULES, rebalanced_vs_decision_rule=verdict)
    todo = text(executive.executive_html(report(numbers))).split("What to do", 1)[1]
    opening = ("At the stated cost of errors (notebook 06), none+logreg with the Bayes rule on its calibrated "
               "probabilities costs 0.299 per item (per-class weights tuned in nested folds: 0.304). ")
    assert todo.startswith(opening + says)
    assert todo[len(opening + says):].startswith(" Without a stated cost: No balancing step earns its place")


def test_what_to_do_has_no_cost_sentence_without_the_decision_numbers():
    numbers = effects(**{k: v for k, v in RULES.items() if k != "bayes_rule_cost"},
                      rebalanced_vs_decision_rule="not enough evidence")
    todo = text(executive.executive_html(report(numbers))).split("What to do", 1)[1]
    assert "stated cost" not in todo and todo.startswith("No balancing step earns its place")