"""Class weights, priors and prior shift (sampling.weights) against scikit-learn, hand formulas and Bayes' rule."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import RandomUnderSampler
from scipy.special import logsumexp, softmax
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from ecombalance.sampling import _weights as weights

COUNTS = np.array([400, 150, 50])


def np_effective_weights(counts, beta):
    w = (1 - beta) / (1 - beta ** counts.astype(float))
    return w / w.sum() * len(counts)


def np_softmax(z):
    return np.exp(z - logsumexp(z, axis=1, keepdims=True))


# --- weights from class counts (balanced, sqrt, effective number) -----------------------------------------


def test_balanced_weights_match_sklearn():
    y = np.repeat(np.arange(3), COUNTS)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(weights.weights_from_counts(COUNTS, "balanced"), expected)
    assert (COUNTS * weights.weights_from_counts(COUNTS, "balanced")).sum() == pytest.approx(COUNTS.sum())


def test_sqrt_and_effective_weights_sum_to_c():
    sqrt = weights.weights_from_counts(COUNTS, "sqrt")
    np.testing.assert_allclose(sqrt, 3 / np.sqrt(COUNTS) / (1 / np.sqrt(COUNTS)).sum())
    assert sqrt.sum() == pytest.approx(3)
    for beta in (0.9, 0.99, 0.999):
        eff = weights.weights_from_counts(COUNTS, "effective", beta)
        np.testing.assert_allclose(eff, np_effective_weights(COUNTS, beta), rtol=1e-12)
        assert eff.sum() == pytest.approx(3)
    np.testing.assert_array_equal(weights.weights_from_counts(COUNTS, "effective", 0.0), np.ones(3))


def test_effective_weights_tend_to_inverse_frequency():
    eff = weights.weights_from_counts(COUNTS, "effective", 1 - 1e-9)
    inverse = (1 / COUNTS) / (1 / COUNTS).sum() * 3
    np.testing.assert_allclose(eff, inverse, rtol=1e-5)


@pytest.mark.parametrize("weighting", weights.WEIGHTINGS)
def test_every_weighting_is_one_for_balanced_classes(weighting):
    np.testing.assert_allclose(weights.weights_from_counts([70, 70, 70, 70], weighting), np.ones(4), rtol=1e-12)


def test_weights_from_counts_rejects_bad_input():
    with pytest.raises(ValueError, match="weighting must be one of.*got 'inverse'"):
        weights.weights_from_counts(COUNTS, "inverse")
    with pytest.raises(ValueError, match=r"beta must lie in \[0, 1\)"):
        weights.weights_from_counts(COUNTS, "effective", 1.0)
    with pytest.raises(ValueError, match=r"class counts must be positive.*classes \[1\]"):
        weights.weights_from_counts([400, 0, 50])


# --- class weights from labels (scikit-learn's class_weight) ------------------------------------------------


def test_class_and_sample_weights_from_labels():
    y = np.array(["a"] * 400 + ["b"] * 150 + ["c"] * 50)
    sk = compute_class_weight("balanced", classes=np.array(["a", "b", "c"]), y=y)
    assert weights.class_weights(y) == pytest.approx(dict(zip("abc", sk)))
    np.testing.assert_array_equal(weights.sample_weights(y), compute_sample_weight("balanced", y))
    effective = weights.class_weights(y, "effective")
    np.testing.assert_allclose(list(effective.values()), np_effective_weights(COUNTS, 0.999), rtol=1e-12)
    # a mapping or None is read as scikit-learn does: unlisted classes get 1
    assert weights.class_weights(y, {"c": 5.0}) == {"a": 1.0, "b": 1.0, "c": 5.0}
    np.testing.assert_array_equal(weights.sample_weights(y, None), np.ones(len(y)))
    np.testing.assert_array_equal(weights.sample_weights(y, {"c": 5.0}), compute_sample_weight({"c": 5.0}, y))


# --- counts and priors ------------------------------------------------------------------------------------------


def test_class_priors_and_count_checks():
    np.testing.assert_allclose(weights.class_priors(COUNTS), COUNTS / 600)
    np.testing.assert_allclose(weights.class_priors({"b": 1, "a": 3}, classes=["a", "b"]), [0.75, 0.25])
    series = pd.Series([3, 1], index=["a", "b"])
    counts = weights.check_class_counts(series)
    assert counts.dtype == np.float64 and counts.tolist() == [3.0, 1.0]
    counts[0] = 7  # a copy: the caller's values stay as they were
    assert series.tolist() == [3, 1]
    with pytest.raises(ValueError, match="class_counts is required"):
        weights.check_class_counts(None)
    with pytest.raises(TypeError, match="class_counts must be a sequence of numbers"):
        weights.check_class_counts(["many", "few"])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        weights.check_class_counts([[1, 2, 3]])
    with pytest.raises(ValueError, match="class_counts has 2 entries but logits have 3 classes"):
        weights.check_class_counts([1, 2], 3)
    with pytest.raises(ValueError, match=r"must be positive and finite.*classes \[1\] the values \[nan\]"):
        weights.check_class_counts([1, np.nan])
    with pytest.raises(ValueError, match=r"has no entry for class\(es\) \['c'\]"):
        weights.class_priors({"a": 1, "b": 2}, classes=["a", "b", "c"])


# --- prior shift of logits and probabilities (Saerens et al. 2002; Menon et al. 2021) ---------------------------


def test_prior_shift_of_logits_and_probabilities():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 3))
    prior = COUNTS / COUNTS.sum()
    # logits: shift by log target/train priors; uniform target = post-hoc adjustment with tau=1
    np.testing.assert_allclose(weights.prior_shift(z, COUNTS, "uniform"), z - np.log(prior) + np.log(1 / 3))
    proba = np_softmax(z)
    target = np.array([0.2, 0.3, 0.5])
    expected = proba * target / prior
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights.prior_shift(proba, prior, target), expected, rtol=1e-10)
    np.testing.assert_allclose(weights.prior_shift(proba, prior, prior), proba, rtol=1e-10)
    # the two forms agree: shifting logits then applying softmax = shifting the probabilities
    np.testing.assert_allclose(softmax(weights.prior_shift(z, prior, target, kind="logits"), axis=1),
                               weights.prior_shift(proba, prior, target, kind="proba"), rtol=1e-10)
    with pytest.raises(ValueError, match="kind must be 'auto', 'logits' or 'proba'"):
        weights.prior_shift(z, prior, kind="scores")
    with pytest.raises(ValueError, match="target_priors must be priors, counts or 'uniform'"):
        weights.prior_shift(z, prior, "balanced")
    with pytest.raises(ValueError, match="train_priors has 2 entries but logits have 3 classes"):
        weights.prior_shift(z, [1, 2])
    with pytest.raises(ValueError, match=r"scores must be 2-D \(n_samples, n_classes\)"):
        weights.prior_shift(z[0], prior)
    with pytest.raises(ValueError, match="must sum to 1"):
        weights.prior_shift(proba * 0.5, prior, kind="proba")


# --- prior_correct: prior_shift of a checked probability matrix ----------------------------------------------

MEANS = np.array([0.0, 1.5, 3.0])
TRUE_PRIORS = np.array([400, 150, 50]) / 600


def _bayes_posterior(x, priors):
    joint = priors * norm.pdf(x[:, None], loc=MEANS, scale=1.0)
    return joint / joint.sum(axis=1, keepdims=True)


def test_prior_correct_maps_the_balanced_posterior_to_the_true_one_exactly():
    x = np.linspace(-3, 6, 50)
    balanced = _bayes_posterior(x, np.full(3, 1 / 3))
    corrected = weights.prior_correct(balanced, np.full(3, 1 / 3), TRUE_PRIORS)
    np.testing.assert_allclose(corrected, _bayes_posterior(x, TRUE_PRIORS), atol=1e-12)


def test_prior_correct_repairs_a_model_trained_on_under_sampled_data():
    rng = np.random.default_rng(1)
    n = 30_000
    y = rng.choice(3, size=n, p=TRUE_PRIORS)
    x = rng.normal(MEANS[y], 1.0)[:, None]
    x_bal, y_bal = RandomUnderSampler(random_state=0).fit_resample(x, y)
    model = LogisticRegression(C=1e4, max_iter=1000).fit(x_bal, y_bal)  # well specified: equal variances
    grid = np.linspace(-1.5, 4.5, 40)
    learnt = model.predict_proba(grid[:, None])
    train_counts = dict(zip(*np.unique(y_bal, return_counts=True)))
    corrected = weights.prior_correct(learnt, train_counts, dict(enumerate(TRUE_PRIORS)), classes=[0, 1, 2])
    truth = _bayes_posterior(grid, TRUE_PRIORS)
    assert np.abs(corrected - truth).max() < 0.03
    assert np.abs(learnt - truth).max() > 0.2  # the uncorrected model is clearly off


@pytest.mark.parametrize(
    "proba, train, true, message",
    [
        ([[0.5, 0.6]], [0.5, 0.5], [0.9, 0.1], "must sum to 1"),
        ([[0.5, 0.5]], [0.5, 0.5, 0.0], [0.9, 0.1], "one value per class"),
        ([[0.5, 0.5]], [0.5, -0.5], [0.9, 0.1], "must be positive"),
        ([[0.5, 0.5]], {"a": 1, "b": 1}, [0.9, 0.1], "pass classes="),
        ([[np.nan, 0.5]], [0.5, 0.5], [0.9, 0.1], "contains NaN"),
        ([0.5, 0.5], [0.5, 0.5], [0.9, 0.1], "use recalibrate"),
    ],
)
def test_prior_correct_rejects_bad_input(proba, train, true, message):
    with pytest.raises(ValueError, match=message):
        weights.prior_correct(proba, train, true)


def test_prior_correct_is_prior_shift_of_probabilities():
    proba = np_softmax(np.random.default_rng(3).normal(size=(5, 3)))
    np.testing.assert_array_equal(weights.prior_correct(proba, COUNTS, [1, 1, 1]),
                                  weights.prior_shift(proba, COUNTS, "uniform", kind="proba"))
