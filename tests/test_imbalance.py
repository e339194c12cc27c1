import math

import numpy as np
import pytest

from ecombalance.sampling import _imbalance as imbalance

CASE = {"c1": 400, "c2": 150, "c3": 50}


def test_documented_case_distribution_is_the_correct_one():
    dist = imbalance.distribution(CASE)
    assert list(dist.index) == ["c1", "c2", "c3"]
    np.testing.assert_allclose(dist["proportion"], [400 / 600, 150 / 600, 50 / 600])
    assert dist["proportion"].round(3).tolist() == [0.667, 0.25, 0.083]  # not [0.64, 0.27, 0.09]


def test_summary_against_hand_computation():
    p = [2 / 3, 1 / 4, 1 / 12]
    entropy = -sum(x * math.log(x) for x in p) / math.log(3)
    s = imbalance.summary(CASE)
    assert s["imbalance_ratio"] == 8.0
    assert s["n_samples"] == 600 and s["n_classes"] == 3
    assert s["majority_share"] == pytest.approx(2 / 3) and s["minority_share"] == pytest.approx(1 / 12)
    assert s["normalised_entropy"] == pytest.approx(entropy)


def test_labels_and_counts_give_the_same_answer():
    labels = ["a"] * 5 + ["b"] * 2 + ["c"]
    assert imbalance.summary(labels) == imbalance.summary({"a": 5, "b": 2, "c": 1})


def test_balanced_and_single_class_extremes():
    assert imbalance.normalised_entropy({"a": 3, "b": 3}) == pytest.approx(1.0)
    assert imbalance.imbalance_ratio({"a": 3, "b": 3}) == 1.0
    assert imbalance.normalised_entropy({"a": 3}) == 1.0


@pytest.mark.parametrize("bad, message", [({}, "no classes"), ({"a": 3, "b": 0}, r"classes \['b'\] have none")])
def test_bad_counts_raise(bad, message):
    with pytest.raises(ValueError, match=message):
        imbalance.summary(bad)


def test_the_output_of_value_counts_is_read_as_counts():
    import pandas as pd

    labels = pd.Series(["a"] * 5 + ["b"] * 2 + ["c"])
    counts = labels.value_counts()
    assert imbalance.summary(counts) == imbalance.summary(labels) == imbalance.summary({"a": 5, "b": 2, "c": 1})
    assert imbalance.imbalance_ratio(counts) == 5.0  # not 1.0: the counts are not read as three labels
    assert imbalance.distribution(pd.Series([True] * 3 + [False]).value_counts())["count"].tolist() == [3, 1]
    with pytest.raises(ValueError, match=r"looks like value_counts\(normalize=True\)"):
        imbalance.summary(labels.value_counts(normalize=True))
    # any other Series is labels, as before
    assert imbalance.summary(pd.Series([3, 3, 1]))["n_classes"] == 2
