"""The executive summary that opens index.html: generated from the headline numbers, naming a method as
helping only when its difference to the baseline is distinguishable."""

import re

import pytest

from ecombalance.reporting import executive, index

CASE = {"imbalance_ratio": 8.0, "majority_share": 400 / 600, "plain_recall_smallest": 0.56,
        "plain_recall_largest": 0.995, "plain_macro_f1": 0.853}


def method(name, f1, low, high, recall, diff=None, real=None, recall_diff=None, recall_real=None):
    numbers = {f"{name}/macro_f1": f1, f"{name}/macro_f1_ci_low": low, f"{name}/macro_f1_ci_high": high,
               f"{name}/recall_smallest": recall, f"{name}/balanced_accuracy": f1}
    if real is not None:
        numbers |= {f"{name}/macro_f1_difference": diff, f"{name}/macro_f1_real": real,
                    f"{name}/recall_smallest_difference": recall_diff, f"{name}/recall_smallest_real": recall_real}
    return numbers


def effects(mlp_real=True, **extra):
    return {**method("none+logreg", 0.8532, 0.8047, 0.8910, 0.56),
            **method("class_weight+logreg", 0.8727, 0.8325, 0.9081, 0.78, 0.0218, False, 0.22, True),
            **method("smote+logreg", 0.8737, 0.8350, 0.9090, 0.78, 0.0227, False, 0.22, True),
            **method("none+torch_mlp:ce", 0.9269, 0.8934, 0.9539, 0.74, 0.0714, mlp_real, 0.18, True),
            **method("random_under+logreg", 0.7203, 0.6805, 0.7626, 0.72, -0.1329, True, 0.16, True), **extra}


def report(*headlines, statuses=None):
    statuses = statuses or ["ok"] * len(headlines)
    return {"profile": "quick", "updated": "now", "notebooks": [
        {"notebook": f"0{i}_nb", "status": s, "seconds": 1.0, "headline": h}
        for i, (h, s) in enumerate(zip(headlines, statuses))]}


def text(html):
    return re.sub(r"<[^>]+>", "", html)


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


def test_a_distinguishable_gain_is_named_with_its_size_interval_and_capacity_caveat():
    shown = text(executive.executive_html(report(CASE, effects())))
    assert "none+torch_mlp:ce helped: macro-F1 0.927 (95 % interval 0.893–0.954), +0.071 against the baseline" in shown
    assert "none+logreg (macro-F1 0.853, 95 % interval 0.805–0.891)" in shown
    assert "different model than the baseline (torch_mlp against logreg): that gain is model capacity" in shown
    assert "Distinguishably worse than the baseline: random_under+logreg (-0.133)" in shown
    # smallest-class recall gains, largest first (ties by macro-F1), at most TOP of them
    assert "Recall of the smallest class (baseline 0.560) rises distinguishably with smote+logreg (+0.220), " \
           "class_weight+logreg (+0.220), none+torch_mlp:ce (+0.180)." in shown
    assert "4 methods were compared on the same folds (the baseline)" in shown
    assert "with the baseline's model logreg, no balancing method is distinguishable" in shown


def test_no_distinguishable_method_lists_the_top_scores_as_ties():
    shown = text(executive.executive_html(report(CASE, effects(mlp_real=False))))
    assert "helped" not in shown.split("What to do")[0].split("What helped", 1)[1][:40]
    assert ("No method is distinguishable from the baseline none+logreg (macro-F1 0.853, 95 % interval "
            "0.805–0.891) in macro-F1; the top scores are none+torch_mlp:ce 0.927, smote+logreg 0.874, "
            "class_weight+logreg 0.873: ties within the noise.") in shown
    todo = shown.split("What to do", 1)[1]
    assert todo.startswith("Keep the baseline none+logreg: no method beats it beyond the noise.")
    assert "smote+logreg finds more of it" in todo and "recalibrate its probabilities" in todo


def test_the_notebooks_family_verdict_wins_over_the_flags():
    """Notebook 06 judges balancing within each model (best_is_distinguishable / best_method / best_difference):
    the summary follows it and names the difference between plain models as capacity."""
    shown = text(executive.executive_html(report(effects(best_is_distinguishable=False))))
    assert ("No balancing method is distinguishable from the same model without balancing in macro-F1; the top "
            "scores are smote+logreg 0.874, class_weight+logreg 0.873: ties within the noise.") in shown
    assert ("Model capacity, not balancing: none+torch_mlp:ce (+0.071) against none+logreg (macro-F1 0.853, "
            "95 % interval 0.805–0.891).") in shown
    assert "Distinguishably worse than the baseline: random_under+logreg (-0.133)." in shown
    todo = shown.split("What to do", 1)[1]
    assert todo.startswith("No balancing step earns its place on macro-F1: keep the plain model; none+torch_mlp:ce "
                           "beats none+logreg by model capacity")
    assert "each balancing method with the same model without balancing" in shown

    numbers = effects(mlp_real=False, best_is_distinguishable=True, best_method="smote+logreg",
                      best_difference=0.0227)
    shown = text(executive.executive_html(report(numbers)))
    assert ("smote+logreg helped: macro-F1 0.874 (95 % interval 0.835–0.909), +0.023 against the same model "
            "without balancing, none+logreg.") in shown
    assert "Model capacity" not in shown  # the MLP's difference was not real here
    assert "Use smote+logreg. It re-balances the training, so recalibrate its probabilities" in shown
    # without best_difference: from the two macro-F1s of the method and its plain model
    numbers = {**effects(), **method("none+torch_mlp:la", 0.9400, 0.91, 0.96, 0.8, 0.087, True, 0.2, True),
               "best_is_distinguishable": True, "best_method": "none+torch_mlp:la"}
    numbers = {k.replace(":la", ":logit_adjusted"): v for k, v in numbers.items()}
    numbers["best_method"] = "none+torch_mlp:logit_adjusted"
    shown = text(executive.executive_html(report(numbers)))
    assert (f"{0.9400 - 0.9269:+.3f} against the same model without balancing, none+torch_mlp:ce.") in shown


def test_missing_parts_are_left_out():
    assert executive.executive_html(report()) == ""
    assert executive.executive_html(report(CASE, statuses=["failed"])) == ""  # a failed run's numbers are not used
    only = text(executive.executive_html(report(effects())))
    assert "The imbalance" not in only and "What helped" in only and "What to do" in only
    assert '<section class="summary"' not in index.index_html(report({"x": 1.0}))


def test_a_users_table_with_many_classes_and_methods():
    """190 classes, text pairs: the same keys, the same rule; at most TOP ties listed."""
    numbers = method("none+logreg", 0.41, 0.38, 0.44, 0.0)
    for i in range(8):
        numbers |= method(f"m{i}+logreg", 0.42 + i / 1000, 0.39, 0.45, 0.05, 0.01 + i / 1000, False, 0.05, False)
    shown = text(executive.executive_html(report({"imbalance_ratio": 250.0, "majority_share": 0.12}, numbers)))
    assert "outnumbers the smallest 250 to 1" in shown and "holds 12 % of the rows" in shown
    assert "the top scores are m7+logreg 0.427, m6+logreg 0.426, m5+logreg 0.425: ties" in shown
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


def test_what_to_do_adds_the_cost_decision_when_notebook_06_made_one():
    numbers = effects(best_is_distinguishable=False, threshold_argmax_cost=0.38556, threshold_tuned_cost=0.26722,
                      threshold_tuned_cost_difference=-0.11833, threshold_tuned_cost_difference_ci_low=-0.22865,
                      threshold_tuned_cost_difference_ci_high=-0.02243)
    todo = text(executive.executive_html(report(numbers))).split("What to do", 1)[1]
    assert todo.endswith("per-class thresholds tuned on the training folds move the mean cost per item from 0.386 "
                         "(arg-max) to 0.267 out of fold (-0.118, 95 % interval -0.229 to -0.022: distinguishable).")
    numbers["threshold_tuned_cost_difference_ci_high"] = 0.01
    assert "0.010: not distinguishable from the arg-max)." in text(executive.executive_html(report(numbers)))
    del numbers["threshold_tuned_cost"]
    assert "thresholds" not in text(executive.executive_html(report(numbers)))
