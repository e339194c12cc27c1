import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss

from ecombalance.evaluation import _calibration as calibration

# --- recalibrate (He et al. 2014) --------------------------------------------------------------------------


def test_recalibrate_matches_the_odds_form_of_the_closed_form():
    p = np.array([0.0, 0.01, 0.2, 0.5, 0.9, 1.0])
    w = 0.05
    q = calibration.recalibrate(p, w)
    # independent form: down-sampling negatives at w multiplies the odds by 1/w, so q's odds are w * p's odds
    inner = p[1:-1]
    expected_inner = w * inner / (1 - inner) / (1 + w * inner / (1 - inner))
    np.testing.assert_allclose(q[1:-1], expected_inner, rtol=1e-12)
    assert q[0] == 0.0 and q[-1] == 1.0
    np.testing.assert_allclose(calibration.recalibrate(p, 1.0), p)  # w = 1: nothing was down-sampled


def test_recalibrate_recovers_known_click_rates_after_negative_down_sampling():
    rng = np.random.default_rng(0)
    rates = np.array([0.005, 0.01, 0.02, 0.05, 0.1])  # true click rate of each bucket
    n_per_bucket, w = 400_000, 0.05
    bucket = np.repeat(np.arange(len(rates)), n_per_bucket)
    clicked = rng.random(bucket.size) < rates[bucket]
    kept = clicked | (rng.random(bucket.size) < w)  # all positives, a fraction w of the negatives
    n_kept = np.bincount(bucket[kept], minlength=len(rates))
    p_downsampled = np.bincount(bucket[kept], weights=clicked[kept], minlength=len(rates)) / n_kept
    q = calibration.recalibrate(p_downsampled, w)

    logit = lambda x: np.log(x / (1 - x))  # noqa: E731
    n_pos = rates * n_per_bucket
    n_neg_kept = (1 - rates) * n_per_bucket * w
    standard_error = np.sqrt(1 / n_pos + 1 / n_neg_kept)  # of the estimated log-odds
    assert np.all(np.abs(logit(q) - logit(rates)) < 4 * standard_error)
    assert np.all(p_downsampled > 5 * rates)  # without recalibration the rates are far off


@pytest.mark.parametrize("w", [0, -0.1, 1.5, float("nan")])
def test_recalibrate_rejects_rates_outside_zero_one(w):
    with pytest.raises(ValueError, match=r"negative_rate must be in \(0, 1\]"):
        calibration.recalibrate([0.1, 0.2], w)


@pytest.mark.parametrize(
    "p, message",
    [([0.1, np.nan], "contains NaN"), ([0.1, 1.2], r"must lie in \[0, 1\]"), ([[0.5, 0.5]], "positive-class")],
)
def test_recalibrate_rejects_bad_probabilities(p, message):
    with pytest.raises(ValueError, match=message):
        calibration.recalibrate(p, 0.5)


# --- temperature scaling (Guo et al. 2017) -----------------------------------------------------------------


def _overconfident_logits(n, n_classes, temperature, seed):
    rng = np.random.default_rng(seed)
    true_logits = rng.normal(0, 1.5, size=(n, n_classes))
    p = np.exp(true_logits) / np.exp(true_logits).sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    return true_logits * temperature, y


def test_temperature_scaling_recovers_the_temperature_and_lowers_nll():
    logits, y = _overconfident_logits(20_000, 4, temperature=3.0, seed=0)
    scaler = calibration.TemperatureScaler().fit(logits, y)
    assert scaler.temperature_ == pytest.approx(3.0, rel=0.05)
    calibrated = scaler.transform(logits)
    raw = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert log_loss(y, calibrated, labels=range(4)) < log_loss(y, raw, labels=range(4)) - 0.1
    assert scaler.nll_after_ == pytest.approx(log_loss(y, calibrated, labels=range(4)), rel=1e-6)
    np.testing.assert_array_equal(calibrated.argmax(axis=1), logits.argmax(axis=1))  # accuracy unchanged


def test_temperature_scaling_on_binary_logits():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, 20_000)
    y = (rng.random(z.size) < 1 / (1 + np.exp(-z))).astype(int)
    scaler = calibration.TemperatureScaler().fit(z * 0.5, y)  # under-confident logits: T = 0.5
    assert scaler.temperature_ == pytest.approx(0.5, rel=0.05)
    np.testing.assert_allclose(scaler.transform(z * 0.5), 1 / (1 + np.exp(-(z * 0.5) / scaler.temperature_)))


def test_temperature_scaler_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN or infinite"):
        calibration.TemperatureScaler().fit([[0.0, np.nan]], [0])
    with pytest.raises(ValueError, match=r"integer class indices in \[0, 1\]"):
        calibration.TemperatureScaler().fit([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match="2 rows but y has 1"):
        calibration.TemperatureScaler().fit([[0.0, 1.0], [1.0, 0.0]], [1])
    with pytest.raises(NotFittedError):
        calibration.TemperatureScaler().transform([[0.0, 1.0]])


# --- reliability diagrams ----------------------------------------------------------------------------------


def test_binary_reliability_curve_matches_scikit_learn():
    rng = np.random.default_rng(3)
    p = rng.beta(1, 3, 500)
    y = (rng.random(500) < p**0.8).astype(int)
    curve = calibration.reliability_curve(y, p, n_bins=8)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=8, strategy="uniform")
    filled = curve[curve["count"] > 0]
    np.testing.assert_allclose(filled["accuracy"], prob_true)
    np.testing.assert_allclose(filled["confidence"], prob_pred)
    assert curve["count"].sum() == 500 and len(curve) == 8


def test_top_label_reliability_curve_by_hand():
    proba = [[0.9, 0.05, 0.05], [0.1, 0.85, 0.05], [0.3, 0.3, 0.4], [0.5, 0.45, 0.05]]
    y = ["a", "a", "c", "b"]
    curve = calibration.reliability_curve(y, proba, n_bins=2, classes=["a", "b", "c"])
    # confidences 0.9, 0.85 (bin (0.5, 1]); 0.4, 0.5 (bin [0, 0.5]); correct: yes, no, yes, no
    assert curve["count"].tolist() == [2, 2]
    np.testing.assert_allclose(curve["confidence"], [0.45, 0.875])
    np.testing.assert_allclose(curve["accuracy"], [0.5, 0.5])
    assert calibration.expected_calibration_error_from_curve(curve) == pytest.approx(0.5 * 0.05 + 0.5 * 0.375)


def test_reliability_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="3 rows but there are 2 labels"):
        calibration.reliability_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="must be 0/1"):
        calibration.reliability_curve([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="n_bins must be a positive integer"):
        calibration.reliability_curve([0, 1], [0.1, 0.2], n_bins=0)
