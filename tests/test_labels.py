"""Headline keys in words and numbers as the report prints them (reporting.labels), used by the notebooks'
headline tables and the index."""

import pytest

from ecombalance._reporting import headline, labels


@pytest.mark.parametrize("key, words", [
    ("none+logreg/macro_f1_ci_low", "none+logreg — macro-F1, 95 % interval low"),
    ("none+logreg/macro_f1_ci_high", "none+logreg — macro-F1, 95 % interval high"),
    ("smote+logreg/recall_smallest_difference",
     "smote+logreg — recall of the smallest class, difference to the method it is compared with"),
    ("smote+logreg/macro_f1_real", "smote+logreg — macro-F1, difference distinguishable (the one test)"),
    ("finetuned_minus_frozen_bootstrap_real", "finetuned minus frozen, difference distinguishable (paired bootstrap "
                                              "of one held-out split, not the one test)"),
    ("smote+logreg/against", "smote+logreg — compared with"),
    # the design of the one test, beside best_is_distinguishable (issue 25)
    ("cv_repeats", "cross-validation repeats (r)"), ("cv_folds", "cross-validation folds (k)"),
    ("verdict_test", "test behind every verdict"),
    ("smallest_detectable_difference", "smallest difference the design detects"),  # a whole name, no qualifier
    ("classwise_ece", "class-wise expected calibration error (mean over classes)"),
    ("ece", "expected calibration error (ECE)"),
    ("best_difference", "the best method's difference to its plain model"),
    ("capacity_difference", "largest difference between plain models (model choice)"),
    ("none+torch_mlp:ce/balanced_accuracy", "none+torch_mlp:ce — balanced accuracy"),
    ("plain_recall_smallest", "plain model, recall of the smallest class"),
    ("weighted_recall_smallest", "class-weighted model, recall of the smallest class"),
    ("majority_share", "share of the largest class"),
    ("imbalance_ratio", "imbalance ratio (largest : smallest class)"),
    ("documented_case_best_macro_f1", "documented case best macro-F1"),
    ("search_log_ce_macro_f1", "search log cross-entropy, macro-F1"),
    ("cpu_bf16_supported", "CPU bfloat16 supported"),  # no metric: the generic fallback, word by word
    ("columns_left_out", "columns left out"),
    ("macro_f1_word_tokens", "macro-F1 word tokens"),
    ("threshold_argmax_recall[home_kitchen]", "threshold arg-max recall of home_kitchen"),
    ("m+logreg/recall[a_b]", "m+logreg — recall of a_b"),
    ("x", "x"),
])
def test_label_puts_keys_into_words(key, words):
    assert labels.label(key) == words


def test_every_label_has_no_underscore_left():
    keys = ["none+logreg/macro_f1_ci_low", "a_b_c", "plain_macro_f1", "x/y_z_real", "search_log_best_loss"]
    assert all("_" not in labels.label(k).split(" — ")[-1] for k in keys)


@pytest.mark.parametrize("value, shown", [
    (0.8531695156695157, "0.853"), (0.89, "0.890"), (-0.0213, "-0.021"), (150.0, "150"), (8.0, "8"),
    (1234567, "1,234,567"), (0.0, "0.000"), (True, "yes"), (False, "no"), (None, "–"), (float("inf"), "–"),
    ("seed_balanced", "seed_balanced"),
])
def test_number_prints_three_decimals_and_integers_as_integers(value, shown):
    assert labels.number(value) == shown


def test_headline_table_shows_labels_and_three_decimals(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    headline.record(**{"none+logreg/macro_f1_ci_low": 0.80468908887, "n_rows": 150.0})
    markdown = shown[0]["text/markdown"]
    assert "| none+logreg — macro-F1, 95 % interval low | 0.805 |" in markdown
    assert "| n rows | 150 |" in markdown and "macro_f1" not in markdown
    assert shown[0][headline.HEADLINE_MIME] == {"none+logreg/macro_f1_ci_low": 0.80468908887, "n_rows": 150.0}


@pytest.mark.parametrize("key, words", [
    # issue 27: "Top expected calibration error" was the ECE of the loss with the top macro-F1
    ("documented_case_top_ece", "documented case ECE of the top-scoring method (highest macro-F1)"),
    ("search_log_top_macro_f1", "search log highest mean macro-F1"),
    ("documented_case_smallest_detectable_difference", "documented case smallest difference the design detects"),
    ("bayes_rule_cost", "mean cost per item, plain model with the Bayes rule on calibrated probabilities"),
    ("rebalanced_vs_decision_rule", "re-balanced training cheaper than the decision rule (the one test)"),
    ("profit_raw_at_closed_form", "profit per 1,000 rows at the closed-form threshold, raw probabilities"),
    ("profit_tuned_minus_closed_form_ci_low",
     "profit per 1,000 rows, tuned minus closed-form threshold (other half), 95 % interval low"),
])
def test_labels_say_what_the_number_is(key, words):
    assert labels.label(key) == words
