"""The one rule for "best" (evaluation.stats.best_method), the fold-score comparison it can read, and the
capacity note, against hand-built tables and hand-computed tests."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from ecombalance.evaluation import best_method, compare_fold_scores, holm
from ecombalance.evaluation._stats import VERDICT_TEST
from ecombalance.models._methods import capacity_note, within_family


def table(rows, metric="macro_f1", detectable=0.025):
    """A compare_to_baseline-shaped table: (method, difference, ci_low, ci_high, p_value) per row."""
    frame = pd.DataFrame(rows, columns=["method", "difference", "ci_low", "ci_high", "p_value"])
    frame = frame.assign(metric=metric, ttest_p=frame["p_value"], pooled_difference=frame["difference"],
                         detectable=detectable)
    frame.attrs["design"] = "2 × 5-fold cross-validation"
    return frame


HOW = "2 × 5-fold cross-validation, corrected repeated cross-validation t-test, Holm-corrected, α = 0.05"


SCORES = pd.DataFrame({"score": [0.80, 0.83, 0.84, 0.79], "low": [0.75, 0.78, 0.80, 0.74],
                       "high": [0.85, 0.88, 0.89, 0.84]}, index=["base", "a", "b", "c"])


def test_the_best_is_the_top_score_among_the_distinguishably_better():
    # b scores highest but is within the noise; a is distinguishably better: a is best, not b
    diffs = table([("a", 0.03, 0.01, 0.05, 0.01), ("b", 0.04, -0.01, 0.09, 0.20), ("c", -0.01, -0.03, 0.01, 0.5)])
    decided = best_method(diffs, "base", scores=SCORES)
    assert decided == ("a", True, "`a`: macro-F1 0.830 against 0.800 for `base`, a mean fold difference of +0.030 "
                                  "(pooled out-of-fold difference +0.030, interval [+0.010, +0.050]), p = 0.01 "
                                  f"({HOW}).")
    both = table([("a", 0.03, 0.01, 0.05, 0.01), ("b", 0.04, 0.01, 0.09, 0.02), ("c", -0.01, -0.03, 0.01, 0.5)])
    assert best_method(both, "base", scores=SCORES).best == "b"
    assert best_method(both, "base", scores=SCORES, alpha=0.015).best == "a"  # b's p 0.02 no longer below alpha


def test_without_a_distinguishable_method_the_ties_are_listed():
    diffs = table([("a", 0.03, -0.01, 0.05, 0.06), ("b", 0.04, -0.01, 0.09, 0.20), ("c", -0.01, -0.03, 0.01, 0.5)])
    decided = best_method(diffs, "base", scores=SCORES)
    assert decided == (None, False, "Not enough evidence to separate any method from `base` on macro-F1: the "
                                    "smallest difference this design detects is about 0.025. The top scores are "
                                    "`b` 0.840 [0.800, 0.890]; `a` 0.830 [0.780, 0.880]; `base` 0.800 [0.750, 0.850] "
                                    f"({HOW}).")
    assert best_method(diffs, "base", scores=SCORES, n_top=1).sentence.count("`") == 4  # base and b only


def test_a_distinguishable_loss_is_named_and_no_best():
    diffs = table([("a", 0.01, -0.01, 0.03, 0.4), ("c", -0.02, -0.03, -0.01, 0.001)])
    decided = best_method(diffs, "base", scores=SCORES.drop(index="b"))
    assert decided.best is None
    assert decided.sentence.startswith("No method is distinguishably better than `base` on macro-F1 (`c` is worse "
                                       "by 0.020); for the others there is not enough evidence to separate them from "
                                       "it: the smallest difference this design detects is about 0.025. The top "
                                       "scores are `a` 0.830")


def test_no_difference_counts_when_no_method_beats_the_majority_predictor():
    diffs = table([("a", 0.03, 0.01, 0.05, 0.01)])
    decided = best_method(diffs, "base", scores=SCORES.loc[["base", "a"]], beats_majority=False)
    assert decided.best is None and decided.sentence.startswith(
        "No difference to `base` on macro-F1 is called real: no method even beats always predicting the largest "
        "class. The top scores")


def test_lower_is_better_metrics_and_default_scores():
    diffs = table([("a", -0.02, -0.03, -0.01, 0.001), ("b", 0.03, 0.02, 0.04, 0.001)], metric="ece")
    diffs["baseline_mean"], diffs["method_mean"] = 0.06, 0.06 + diffs["difference"]
    decided = best_method(diffs, "base")
    assert decided.best == "a"  # lower ECE is better; b's real change is a loss
    assert decided.sentence.startswith("`a`: ECE 0.040 against 0.060 for `base`, a mean fold difference of -0.020")
    assert best_method(diffs.drop(index=0), "base").sentence.startswith(
        "No method is distinguishably better than `base` on ECE (`b` is worse by 0.030)")


def test_verdict_flags_instead_of_p_values_and_a_note():
    frame = pd.DataFrame({"difference": [0.05, 0.01], "real": [True, False], "baseline_mean": 0.7,
                          "method_mean": [0.75, 0.71]}, index=["none+torch_mlp:ce", "class_weight+logreg"])
    decided = best_method(frame, "none+logreg", metric="macro_f1", note=capacity_note, design="5-fold cross-validation")
    assert decided.best == "none+torch_mlp:ce"
    assert decided.sentence == ("`none+torch_mlp:ce`: macro-F1 0.750 against 0.700 for `none+logreg`, a mean fold "
                                "difference of +0.050 (5-fold cross-validation, corrected repeated cross-validation "
                                "t-test, Holm-corrected, α = 0.05)."
                                + capacity_note("none+torch_mlp:ce", "none+logreg"))
    assert "not balancing" in decided.sentence


def test_best_method_rejects_what_it_cannot_read():
    with pytest.raises(ValueError, match="needs a p_value column"):
        best_method(pd.DataFrame({"difference": [0.1], "baseline_mean": 0.5, "method_mean": 0.6}, index=["a"]), "b")
    with pytest.raises(ValueError, match="pass scores"):
        best_method(table([("a", 0.03, 0.01, 0.05, 0.01)]), "base")
    with pytest.raises(ValueError, match=r"scores has no row for \['base'\]"):
        best_method(table([("a", 0.03, 0.01, 0.05, 0.01)]), "base", scores=SCORES.drop(index="base"))
    with pytest.raises(ValueError, match="no method besides the baseline"):
        best_method(table([("base", 0.0, 0.0, 0.0, 1.0)]), "base", scores=SCORES)


def test_compare_fold_scores_is_the_corrected_t_test_with_holm():
    rng = np.random.default_rng(0)
    base = rng.normal(0.8, 0.02, 10)
    folds = pd.DataFrame({"none": base, "up": base + 0.03 + rng.normal(0, 0.005, 10),
                          "same": base + rng.normal(0, 0.02, 10)})
    out = compare_fold_scores(folds, "none", n_train=900, n_test=100, n_repeats=2).set_index("method")
    assert out.attrs["design"] == "2 × 5-fold cross-validation" and out.attrs["test"] == VERDICT_TEST
    raw = {}
    for method in ("up", "same"):
        d = folds[method] - folds["none"]
        t = d.mean() / np.sqrt((1 / 10 + 100 / 900) * d.var(ddof=1))  # Nadeau & Bengio's corrected variance
        raw[method] = 2 * scipy_stats.t.sf(abs(t), 9)
        assert out.loc[method, "difference"] == pytest.approx(d.mean())
        assert out.loc[method, "ttest_p"] == pytest.approx(raw[method])
    low, high = sorted(raw, key=raw.get)
    assert out.loc[low, "p_value"] == pytest.approx(min(1, 2 * raw[low]))  # Holm: smallest p times 2
    assert out.loc[high, "p_value"] == pytest.approx(max(min(1, 2 * raw[low]), raw[high]))
    for method in ("up", "same"):  # the smallest difference Holm's first step (alpha / 2) could call real
        d = folds[method] - folds["none"]
        se = np.sqrt((1 / 10 + 100 / 900) * d.var(ddof=1))
        assert out.loc[method, "detectable"] == pytest.approx(scipy_stats.t.ppf(1 - 0.05 / 4, 9) * se)
    decided = best_method(out.reset_index(), "none")
    assert decided.best == "up" and "2 × 5-fold cross-validation, corrected repeated cross-validation t-test" in (
        decided.sentence)
    with pytest.raises(ValueError, match="baseline 'zero' is not one of the methods"):
        compare_fold_scores(folds, "zero", 900, 100)


def test_within_family_and_the_capacity_note():
    assert within_family("class_weight+logreg", "none+logreg")
    assert within_family("none+torch_mlp:logit_adjusted", "none+torch_mlp:ce")
    assert not within_family("none+torch_mlp:ce", "none+logreg")
    assert "the model `torch_mlp` against `logreg`, not balancing" in capacity_note("none+torch_mlp:ce", "none+logreg")
    assert capacity_note("none+torch_mlp:ce", "none+torch_mlp:focal") == ""
    assert capacity_note("smote+torch_mlp", "none+logreg") == ""  # it does balance (a sampler)
    with pytest.raises(ValueError, match="unknown model"):
        within_family("none+forest", "none+logreg")


def test_identical_fold_scores_count_once_in_the_holm_family():
    # balanced_softmax is logit_adjusted with tau = 1: the same hypothesis, tested once
    rng = np.random.default_rng(1)
    base = rng.normal(0.8, 0.02, 10)
    adjusted = base + 0.02 + rng.normal(0, 0.01, 10)
    folds = pd.DataFrame({"ce": base, "logit_adjusted": adjusted, "balanced_softmax": adjusted.copy(),
                          "focal": base + rng.normal(0, 0.01, 10)})
    out = compare_fold_scores(folds, "ce", n_train=900, n_test=100).set_index("method")
    raw = out["ttest_p"]
    assert out.loc["logit_adjusted", "p_value"] == out.loc["balanced_softmax", "p_value"]
    np.testing.assert_allclose(out.loc[["logit_adjusted", "focal"], "p_value"],
                               holm(raw[["logit_adjusted", "focal"]]))  # a family of two, not three
    assert holm([0.01, 0.01, 0.04], keys=["a", "a", "b"]).tolist() == pytest.approx([0.02, 0.02, 0.04])
