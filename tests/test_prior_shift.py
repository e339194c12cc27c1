"""Prior shift with an unknown deployment prior: the EM procedure of Saerens, Latinne & Decaestecker (2002),
checked on a split whose shifted prior is known by construction."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ecombalance.evaluation import estimate_priors_em
from ecombalance.sampling._weights import prior_correct

SHIFTED = np.array([0.6, 0.3, 0.1])


@pytest.fixture(scope="module")
def shifted_split():
    """A logistic regression trained on three near-balanced classes, and a test set subsampled from held-out
    rows to the priors ``SHIFTED``."""
    X, y = make_classification(n_samples=12000, n_features=8, n_informative=5, n_redundant=1, n_classes=3,
                               n_clusters_per_class=1, weights=[0.34, 0.33, 0.33], class_sep=1.0, random_state=0)
    X_train, y_train, X_pool, y_pool = X[:6000], y[:6000], X[6000:], y[6000:]
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    rng = np.random.default_rng(1)
    n_test = 1500
    take = np.concatenate([rng.choice(np.flatnonzero(y_pool == c), int(round(share * n_test)), replace=False)
                           for c, share in enumerate(SHIFTED)])
    train_priors = np.bincount(y_train) / len(y_train)
    return model.predict_proba(X_pool[take]), y_pool[take], train_priors


def test_the_estimate_is_within_005_of_the_known_shifted_prior(shifted_split):
    proba, y_test, train_priors = shifted_split
    true = np.bincount(y_test, minlength=3) / len(y_test)
    np.testing.assert_allclose(true, SHIFTED, atol=1e-3)
    est = estimate_priors_em(proba, train_priors)
    assert est.converged and 1 < est.n_iter < 100
    assert np.abs(est.priors - true).max() < 0.05
    # better than reading the prior off the unadjusted posteriors, which stay near the training priors
    assert np.abs(est.priors - true).max() < np.abs(proba.mean(axis=0) - true).max()
    # the adjusted posteriors classify the shifted rows at least as well as the unadjusted ones
    assert (est.proba.argmax(1) == y_test).mean() >= (proba.argmax(1) == y_test).mean()


def test_the_fixed_point_is_the_mean_of_the_posteriors_adjusted_to_it(shifted_split):
    proba, _, train_priors = shifted_split
    est = estimate_priors_em(proba, train_priors, tol=1e-10, max_iter=1000)
    np.testing.assert_allclose(est.priors.sum(), 1.0)
    # Bayes' rule by hand with the estimated priors, then the M step: the same priors come back
    by_hand = proba * est.priors / train_priors
    by_hand /= by_hand.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(est.proba, by_hand, atol=1e-12)
    np.testing.assert_allclose(by_hand.mean(axis=0), est.priors, atol=1e-8)
    # the E step is the known-prior correction with the estimate as target priors
    np.testing.assert_allclose(est.proba, prior_correct(proba, train_priors, est.priors), atol=1e-12)


def test_iterations_by_hand_and_a_warning_when_max_iter_is_reached():
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    pi = np.array([0.5, 0.5])
    for _ in range(3):  # three EM steps from the training priors, written out
        q = proba * pi / 0.5
        pi = (q / q.sum(1, keepdims=True)).mean(0)
    with pytest.warns(ConvergenceWarning, match="did not converge in 3 iterations"):
        est = estimate_priors_em(proba, [0.5, 0.5], max_iter=3)
    assert est.n_iter == 3 and not est.converged
    np.testing.assert_allclose(est.priors, pi)


def test_unchanged_priors_are_a_fixed_point_at_once():
    # posteriors whose mean is already the training prior: the first M step returns it
    proba = np.array([[0.7, 0.3], [0.3, 0.7]])
    est = estimate_priors_em(proba, [0.5, 0.5])
    assert est.n_iter == 1 and est.converged
    np.testing.assert_allclose(est.priors, [0.5, 0.5])
    np.testing.assert_allclose(est.proba, proba)


@pytest.mark.parametrize("proba, priors, kwargs, message", [
    ([[0.5, 0.6], [0.5, 0.5]], [0.5, 0.5], {}, "rows of proba must sum to 1"),
    ([[0.5, 0.5], [np.nan, 0.5]], [0.5, 0.5], {}, "proba contains NaN"),
    ([[0.5, 0.5]], [0.3, 0.3, 0.4], {}, "train_priors has 3 entries but proba have 2 classes"),
    ([[0.5, 0.5]], [1.0, 0.0], {}, "class counts must be positive"),
    ([[0.5, 0.5]], [0.5, np.nan], {}, "class counts must be positive and finite"),
    ([0.5, 0.5], [0.5, 0.5], {}, "non-empty 2-D"),
    (np.empty((0, 2)), [0.5, 0.5], {}, "non-empty 2-D"),
    ([[0.5, 0.5]], [0.5, 0.5], {"max_iter": 0}, "max_iter must be a positive integer"),
    ([[0.5, 0.5]], [0.5, 0.5], {"tol": 0}, "tol must be a positive number"),
])
def test_bad_input_is_named(proba, priors, kwargs, message):
    with pytest.raises(ValueError, match=message):
        estimate_priors_em(proba, priors, **kwargs)
