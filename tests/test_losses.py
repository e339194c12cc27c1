"""Balanced losses against independent NumPy computations, their identities, gradients and errors."""

import numpy as np
import pytest
import torch
from scipy.special import logsumexp

from ecombalance._chapters import seed_formulas
from ecombalance.models import _losses as L
from ecombalance.sampling import _weights as weights

COUNTS = np.array([400, 150, 50])
N, C = 12, 3


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(N, C))
    targets = rng.integers(0, C, size=N)
    targets[:C] = np.arange(C)  # every class present
    return logits, targets


def _t(logits, targets):
    return torch.tensor(logits), torch.tensor(targets)


# ---------------------------------------------------------------- numpy references, written by hand
def np_log_softmax(z):
    return z - logsumexp(z, axis=1, keepdims=True)


def np_nll(z, y):
    return -np_log_softmax(z)[np.arange(len(y)), y]


def np_effective_weights(counts, beta):
    w = (1 - beta) / (1 - beta ** counts.astype(float))
    return w / w.sum() * len(counts)


def reduce(per_sample, reduction):
    return {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]


# ---------------------------------------------------------------- each loss against numpy
@pytest.mark.parametrize("reduction", L.REDUCTIONS)
def test_cross_entropy_and_weighted(batch, reduction):
    z, y = batch
    got = L.make_loss("ce", reduction=reduction)(*_t(z, y)).numpy()
    np.testing.assert_allclose(got, reduce(np_nll(z, y), reduction), rtol=1e-12)
    for weighting in weights.WEIGHTINGS:
        w = {"balanced": COUNTS.sum() / (3 * COUNTS), "sqrt": 3 * COUNTS ** -0.5 / (COUNTS ** -0.5).sum(),
             "effective": np_effective_weights(COUNTS, 0.999)}[weighting]
        per = w[y] * np_nll(z, y)
        expected = per.sum() / w[y].sum() if reduction == "mean" else reduce(per, reduction)  # torch's convention
        got = L.make_loss("weighted_ce", COUNTS, weighting=weighting, reduction=reduction)(*_t(z, y)).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("reduction", L.REDUCTIONS)
def test_focal_loss(batch, gamma, reduction):
    z, y = batch
    p_t = np.exp(z[np.arange(N), y]) / np.exp(z).sum(axis=1)
    alpha = np.array([0.25, 0.5, 1.0])
    expected = -alpha[y] * (1 - p_t) ** gamma * np.log(p_t)
    got = L.make_loss("focal", gamma=gamma, alpha=alpha, reduction=reduction)(*_t(z, y)).numpy()
    np.testing.assert_allclose(got, reduce(expected, reduction), rtol=1e-10)


@pytest.mark.parametrize("base", ["softmax", "focal"])
def test_class_balanced_loss(batch, base):
    z, y = batch
    beta, gamma = 0.99, 1.5
    p_t = np.exp(z[np.arange(N), y]) / np.exp(z).sum(axis=1)
    per = -np.log(p_t) * ((1 - p_t) ** gamma if base == "focal" else 1.0)
    expected = (np_effective_weights(COUNTS, beta)[y] * per).mean()  # plain mean, as Cui et al.'s code
    got = L.make_loss("class_balanced", COUNTS, beta=beta, base=base, gamma=gamma)(*_t(z, y)).item()
    assert got == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
def test_logit_adjusted_loss(batch, tau):
    z, y = batch
    prior = COUNTS / COUNTS.sum()
    expected = np_nll(z + tau * np.log(prior), y).mean()
    assert L.make_loss("logit_adjusted", COUNTS, tau=tau)(*_t(z, y)).item() == pytest.approx(expected, rel=1e-12)


def test_balanced_softmax_loss(batch):
    z, y = batch
    e = COUNTS * np.exp(z)
    expected = -np.log(e[np.arange(N), y] / e.sum(axis=1))
    got = L.make_loss("balanced_softmax", COUNTS, reduction="none")(*_t(z, y)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_ldam_margins_formula():
    margins = L.ldam_margins(COUNTS, max_margin=0.5).numpy()
    raw = 1 / COUNTS ** 0.25
    np.testing.assert_allclose(margins, raw * 0.5 / raw.max())
    assert margins.max() == pytest.approx(0.5) and margins.argmax() == 2  # rarest class, largest margin
    # Delta_c = K / N_c^{1/4}: the product with N_c^{1/4} is the same K for every class
    np.testing.assert_allclose(margins * COUNTS ** 0.25, np.full(3, 0.5 * 50 ** 0.25))


@pytest.mark.parametrize("with_weight", [False, True])
def test_ldam_loss(batch, with_weight):
    z, y = batch
    s, max_m = 10.0, 0.4
    delta = 1 / COUNTS ** 0.25
    delta = delta * max_m / delta.max()
    shifted = z.copy()
    shifted[np.arange(N), y] -= delta[y]
    per = np_nll(s * shifted, y)
    w = np_effective_weights(COUNTS, 0.9999) if with_weight else np.ones(3)
    expected = (w[y] * per).sum() / w[y].sum()
    loss = L.make_loss("ldam", COUNTS, max_margin=max_m, scale=s, drw_epoch=0 if with_weight else None)
    assert loss(*_t(z, y)).item() == pytest.approx(expected, rel=1e-10)


def test_drw_schedule():
    ones = np.ones(3)
    for epoch in range(4):
        np.testing.assert_array_equal(L.drw_class_weights(COUNTS, epoch, drw_epoch=4).numpy(), ones)
    for epoch in (4, 9):
        np.testing.assert_allclose(L.drw_class_weights(COUNTS, epoch, drw_epoch=4).numpy(),
                                   np_effective_weights(COUNTS, 0.9999))
    np.testing.assert_array_equal(L.drw_class_weights(COUNTS, 100, drw_epoch=None).numpy(), ones)
    loss = L.make_loss("ldam", COUNTS, drw_epoch=2)
    loss.set_epoch(1)
    np.testing.assert_array_equal(loss.weight.numpy(), ones)
    loss.set_epoch(2)
    assert loss.weight.sum().item() == pytest.approx(3) and loss.weight.argmax().item() == 2


def test_seed_document_losses_both_readings(batch):
    z, _ = batch
    alpha, beta = 0.7, 1.3
    prior = COUNTS / COUNTS.sum()
    logp = np_log_softmax(z)
    pbar = np.exp(logp).mean(axis=0)
    got = seed_formulas.seed_document_losses(torch.tensor(z), COUNTS, alpha, beta)
    assert got.cross_entropy_as_written.item() == pytest.approx(-(logp * prior).sum(axis=1).mean())
    assert got.cross_entropy_predicted.item() == pytest.approx(-(np.exp(logp) * logp).sum(axis=1).mean())
    const = alpha * (prior * np.log(prior)).sum() - beta * np.log((prior * prior).sum())
    assert got.balanced_as_written.item() == pytest.approx(const)
    expected = alpha * (pbar * np.log(prior)).sum() - beta * np.log((prior * pbar).sum())
    assert got.balanced_predicted.item() == pytest.approx(expected)


def test_seed_balanced_as_written_is_constant_predicted_reading_is_not():
    rng = np.random.default_rng(1)
    outputs = [torch.tensor(rng.normal(scale=s, size=(20, 3)), requires_grad=True) for s in (0.1, 1.0, 5.0)]
    readings = [seed_formulas.seed_document_losses(z, COUNTS) for z in outputs]
    written = [r.balanced_as_written.item() for r in readings]
    predicted = [r.balanced_predicted.item() for r in readings]
    assert max(written) - min(written) == 0.0
    assert not readings[0].balanced_as_written.requires_grad  # no gradient: nothing to train
    assert max(predicted) - min(predicted) > 1e-3
    readings[0].balanced_predicted.backward()
    assert outputs[0].grad.abs().sum() > 0
    # the trainable loss is CE plus the predicted reading
    z, y = outputs[1].detach(), torch.tensor(rng.integers(0, 3, 20))
    combined = L.make_loss("seed_balanced", COUNTS)(z, y).item()
    assert combined == pytest.approx(np_nll(z.numpy(), y.numpy()).mean() + predicted[1])
    none = L.make_loss("seed_balanced", COUNTS, reduction="none")(z, y)
    assert none.shape == (20,) and none.mean().item() == pytest.approx(combined)


def test_seed_predicted_regulariser_is_nonpositive_and_zero_at_one_class():
    collapsed = torch.tensor([[50.0, -50.0, -50.0]] * 4, dtype=torch.float64)
    assert L.seed_balanced_regulariser(collapsed, COUNTS).item() == pytest.approx(0.0, abs=1e-12)
    mixed = torch.zeros(4, 3, dtype=torch.float64)
    assert L.seed_balanced_regulariser(mixed, COUNTS).item() < 0


# ---------------------------------------------------------------- identities
def test_identities(batch):
    z, y = _t(*batch)
    ce = L.cross_entropy(z, y)
    assert torch.allclose(L.focal_loss(z, y, gamma=0.0), ce, rtol=1e-12)
    assert torch.allclose(L.class_balanced_loss(z, y, COUNTS, beta=0.0), ce, rtol=1e-12)
    assert torch.allclose(L.class_balanced_loss(z, y, COUNTS, beta=0.0, base="focal", gamma=2.0),
                          L.focal_loss(z, y, gamma=2.0), rtol=1e-12)
    assert torch.allclose(L.logit_adjusted_loss(z, y, COUNTS, tau=0.0), ce, rtol=1e-12)
    assert torch.allclose(L.balanced_softmax_loss(z, y, COUNTS, reduction="none"),
                          L.logit_adjusted_loss(z, y, COUNTS, tau=1.0, reduction="none"), rtol=1e-12)
    balanced = np.full(3, 100)
    assert torch.allclose(L.weighted_cross_entropy(z, y, balanced, "sqrt", reduction="sum"),
                          L.cross_entropy(z, y, reduction="sum"), rtol=1e-12)


def test_posthoc_adjustment():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 3))
    prior = COUNTS / COUNTS.sum()
    np.testing.assert_allclose(L.posthoc_logit_adjust(z, COUNTS, tau=0.5), z - 0.5 * np.log(prior))
    assert isinstance(L.posthoc_logit_adjust(torch.tensor(z), prior), torch.Tensor)
    # tau=1 is the prior shift to uniform priors, up to the constant log(1/C)
    np.testing.assert_allclose(L.posthoc_logit_adjust(z, COUNTS), weights.prior_shift(z, COUNTS) - np.log(1 / 3))
    with pytest.raises(ValueError, match=r"logits must be 2-D \(N, C\)"):
        L.posthoc_logit_adjust(z[0], prior)


def test_init_bias_with_log_prior():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    L.init_bias_with_log_prior(layer, COUNTS)
    np.testing.assert_allclose(layer.bias.detach().numpy(), np.log(COUNTS / COUNTS.sum()), rtol=1e-6)
    np.testing.assert_allclose(layer(torch.zeros(1, 4)).softmax(1).detach().numpy()[0], COUNTS / 600, rtol=1e-6)
    with pytest.raises(ValueError, match="2 entries but the layer has 3 outputs"):
        L.init_bias_with_log_prior(layer, [1, 2])
    with pytest.raises(ValueError, match="has no bias"):
        L.init_bias_with_log_prior(torch.nn.Linear(4, 3, bias=False), COUNTS)


# ---------------------------------------------------------------- gradients and stability
@pytest.mark.parametrize("name", L.LOSSES)
def test_gradcheck(name, batch):
    z, y = batch
    z = torch.tensor(z[:5] / 3, requires_grad=True)
    y = torch.tensor(y[:5])
    params = {"ldam": {"scale": 2.0, "drw_epoch": 0}, "focal": {"gamma": 1.5, "alpha": [0.2, 0.3, 0.5]},
              "class_balanced": {"base": "focal", "beta": 0.99}}.get(name, {})
    loss = L.make_loss(name, COUNTS, **params)
    assert torch.autograd.gradcheck(lambda logits: loss(logits, y), (z,))


@pytest.mark.parametrize("name", L.LOSSES)
def test_stable_at_huge_logits(name):
    z = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]], requires_grad=True)
    y = torch.tensor([0, 0, 2])
    loss = L.make_loss(name, COUNTS, reduction="none")(z, y)
    loss.sum().backward()
    assert torch.isfinite(loss).all() and torch.isfinite(z.grad).all()
    if name in ("ce", "focal"):  # confident right: 0, confident wrong by 2e4: 2e4
        np.testing.assert_allclose(loss.detach().numpy(), [0.0, 2e4, 0.0], atol=1e-3)


def test_bf16_logits_are_computed_in_float32(batch):
    z, y = _t(*batch)
    got = L.focal_loss(z.bfloat16(), y)
    assert got.dtype == torch.float32
    assert got.item() == pytest.approx(L.focal_loss(z.bfloat16().float(), y).item())


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("counts, message", [
    ([400, -1, 50], r"class counts must be positive.*classes \[1\]"),
    ([400, 0, 50], r"class counts must be positive.*classes \[1\]"),
    ([400, 150], "class_counts has 2 entries but logits have 3 classes"),
    ([[1, 2, 3]], "non-empty 1-D"),
])
def test_bad_class_counts(batch, counts, message):
    with pytest.raises(ValueError, match=message):
        L.make_loss("balanced_softmax", counts)(*_t(*batch))


def test_bad_inputs(batch):
    z, y = _t(*batch)
    loss = L.make_loss("focal")
    with pytest.raises(ValueError, match=r"logits must be 2-D \(N, C\), got shape \(12,\)"):
        loss(z[:, 0], y)
    with pytest.raises(ValueError, match=r"targets must have shape \(N,\) = \(12,\)"):
        loss(z, y[:5])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 3\).*from 0 to 3"):
        loss(z, torch.where(y == 2, 3, y))
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 3\).*from -1"):
        loss(z, y - 1)
    with pytest.raises(TypeError, match="targets must be integer class indices.*torch.float32"):
        loss(z, y.float())
    with pytest.raises(TypeError, match="logits must be a torch.Tensor"):
        loss(z.numpy(), y)
    with pytest.raises(TypeError, match="logits must be floating point"):
        loss(z.long(), y)


def test_bad_names_and_options():
    with pytest.raises(ValueError, match="unknown loss 'focall'; valid names: ce, weighted_ce, focal"):
        L.make_loss("focall")
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) \['gama'\] for loss 'focal'; it takes: gamma"):
        L.make_loss("focal", gama=2)
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        L.make_loss("ce", reduction="avg")
    with pytest.raises(ValueError, match="weighting must be one of.*got 'inverse'"):
        L.make_loss("weighted_ce", COUNTS, weighting="inverse")
    with pytest.raises(ValueError, match="loss 'logit_adjusted' needs class_counts"):
        L.make_loss("logit_adjusted")
    with pytest.raises(ValueError, match=r"beta must lie in \[0, 1\)"):
        L.make_loss("class_balanced", COUNTS, beta=1.0)
    with pytest.raises(ValueError, match="base must be 'softmax' or 'focal'"):
        L.make_loss("class_balanced", COUNTS, base="sigmoid")
    assert L.select_params("logit_adjusted", gamma=2.0, tau=0.5, beta=0.9) == {"tau": 0.5}
