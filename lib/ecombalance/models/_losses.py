"""Balanced losses for multi-class classifiers (torch): weighted CE, focal, class-balanced, logit
adjustment, balanced softmax, LDAM(-DRW), and the trainable reading of the design document's §4.2
"balanced loss" (the formulas as written: :mod:`ecombalance._chapters.seed_formulas`).

Notation, used in every docstring: logits :math:`f(x) \\in \\mathbb{R}^C`, target :math:`y \\in
\\{0, \\dots, C-1\\}`, softmax :math:`\\hat p_c(x)`, class counts :math:`N_c` with
:math:`N = \\sum_c N_c` and class priors :math:`\\pi_c = N_c / N`.

Each loss is a plain function ``loss(logits, targets, ...)`` plus a thin :class:`torch.nn.Module`
(the style of torchvision's ``sigmoid_focal_loss``), computed from ``log_softmax`` so that it stays
finite and exact at logits of :math:`\\pm 10^4`, with ``reduction`` = ``"mean"`` | ``"sum"`` |
``"none"``. :func:`make_loss` builds any of them by name. torch ships plain and class-weighted
cross-entropy (used here); it has no focal, class-balanced, logit-adjusted, balanced-softmax or LDAM
loss for the softmax case, so those are written here, each from its paper. Class weights and priors
come from :mod:`ecombalance.sampling._weights` (NumPy), converted to tensors here.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ecombalance.models._loss_docs import document
from ecombalance.sampling._weights import check_class_counts, class_priors, weights_from_counts

LOSSES = (
    "ce", "weighted_ce", "focal", "class_balanced", "logit_adjusted", "balanced_softmax", "ldam",
    "seed_balanced",
)
REDUCTIONS = ("mean", "sum", "none")
Array = Any  # list, numpy array or torch tensor


# ----------------------------------------------------------------------------- checks
def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def check_logits(logits: torch.Tensor, targets: torch.Tensor | None = None) -> tuple:
    """``(logits, targets)`` checked (2-D float logits, integer targets in range), half precision made float32."""
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits must be a torch.Tensor of shape (N, C), got {type(logits).__name__}")
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    if not logits.is_floating_point():
        raise TypeError(f"logits must be floating point, got {logits.dtype}; use logits.float()")
    if logits.dtype in (torch.float16, torch.bfloat16):  # losses are computed in float32 (as autocast does)
        logits = logits.float()
    if targets is None:
        return logits, None
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"targets must be a torch.Tensor of class indices, got {type(targets).__name__}")
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(
            f"targets must be integer class indices (torch.int64), got {targets.dtype}; "
            "pass class indices, not one-hot vectors or probabilities (e.g. targets.long())"
        )
    if targets.ndim != 1 or targets.shape[0] != logits.shape[0]:
        raise ValueError(
            f"targets must have shape (N,) = ({logits.shape[0]},) to match logits {tuple(logits.shape)}, "
            f"got {tuple(targets.shape)}"
        )
    n_classes = logits.shape[1]
    if targets.numel() and (int(targets.min()) < 0 or int(targets.max()) >= n_classes):
        raise ValueError(
            f"targets must lie in [0, {n_classes}) for logits with {n_classes} classes; "
            f"found values from {int(targets.min())} to {int(targets.max())}"
        )
    return logits, targets.long()


def _numpy(values: Array) -> Array:
    return values.detach().to("cpu", torch.float64).numpy() if isinstance(values, torch.Tensor) else values


def as_class_counts(class_counts: Array, n_classes: int | None = None) -> torch.Tensor:
    """Class counts :math:`N_c` as a float64 tensor, checked by
    :func:`ecombalance.sampling._weights.check_class_counts` (1-D, finite, all positive, C entries)."""
    return torch.from_numpy(check_class_counts(_numpy(class_counts), n_classes))


def _per_class(values: Array | None, n_classes: int, name: str, like: torch.Tensor) -> torch.Tensor | None:
    if values is None:
        return None
    values = torch.as_tensor(np.asarray(values, dtype=np.float64) if not isinstance(values, torch.Tensor)
                             else values.detach().double())
    if values.ndim != 1 or values.numel() != n_classes:
        raise ValueError(f"{name} must hold one value per class ({n_classes}), got shape {tuple(values.shape)}")
    return values.to(like)


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def prior_tensor(class_counts: Array, n_classes: int | None = None) -> torch.Tensor:
    """:math:`\\pi_c` as a float64 tensor, from :func:`ecombalance.sampling._weights.class_priors`."""
    return torch.from_numpy(class_priors(_numpy(class_counts), n_classes))


def _weights(class_counts: Array, weighting: str = "balanced", beta: float = 0.999) -> torch.Tensor:
    """:func:`ecombalance.sampling._weights.weights_from_counts` as a float64 tensor."""
    return torch.from_numpy(weights_from_counts(_numpy(class_counts), weighting, beta))


# ----------------------------------------------------------------------------- functions
def cross_entropy(logits: torch.Tensor, targets: torch.Tensor, weight: Array | None = None,
                  reduction: str = "mean") -> torch.Tensor:
    """Compute the (class-weighted) cross-entropy :math:`\\ell_i = -w_{y_i} \\log \\hat p_{y_i}(x_i)`.

    With ``weight`` and ``reduction="mean"`` the result is torch's weighted mean
    :math:`\\sum_i \\ell_i / \\sum_i w_{y_i}` (``F.cross_entropy``'s convention), so the overall
    scale of the weights does not matter; ``"sum"`` and ``"none"`` keep it.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    weight = _per_class(weight, logits.shape[1], "weight", logits)
    return F.cross_entropy(logits, targets, weight=weight, reduction=reduction)


def weighted_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array,
                           weighting: str = "balanced", beta: float = 0.999,
                           reduction: str = "mean") -> torch.Tensor:
    """Compute the cross-entropy weighted by class weights :math:`w_c` computed from the class counts.

    :math:`\\ell_i = -w_{y_i} \\log \\hat p_{y_i}(x_i)`, :math:`w_c` by ``weighting`` = balanced | sqrt | effective
    (:func:`ecombalance.sampling._weights.weights_from_counts`); ``"mean"`` is :func:`cross_entropy`'s weighted mean.
    """
    logits, _ = check_logits(logits)
    as_class_counts(class_counts, logits.shape[1])
    return cross_entropy(logits, targets, _weights(class_counts, weighting, beta), reduction)


def focal_loss(logits: torch.Tensor, targets: torch.Tensor, gamma: float = 2.0, alpha: Array | None = None,
               reduction: str = "mean") -> torch.Tensor:
    """Compute the softmax focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017).

    .. math:: \\ell_i = -\\alpha_{y_i} (1 - p_t)^{\\gamma} \\log p_t, \\qquad p_t = \\hat p_{y_i}(x_i)

    ``"mean"`` is the plain mean over samples (as torchvision's ``sigmoid_focal_loss``).
    :math:`\\gamma = 0` without ``alpha`` is cross-entropy.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma}")
    log_pt = logits.log_softmax(dim=1).gather(1, targets[:, None]).squeeze(1)
    # 1 - p_t as -expm1(log p_t) keeps precision near p_t = 1; the floor keeps the gradient finite for gamma < 1
    one_minus_pt = (-torch.expm1(log_pt)).clamp_min(torch.finfo(log_pt.dtype).tiny)
    loss = -one_minus_pt.pow(gamma) * log_pt
    alpha = _per_class(alpha, logits.shape[1], "alpha", logits)
    if alpha is not None:
        loss = alpha[targets] * loss
    return _reduce(loss, reduction)


def class_balanced_loss(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array, beta: float = 0.999,
                        base: str = "softmax", gamma: float = 2.0, reduction: str = "mean") -> torch.Tensor:
    """Compute the class-balanced loss (Cui et al., CVPR 2019): :math:`\\ell_i = w_{y_i} L(f(x_i), y_i)`.

    :math:`w_c = (1-\\beta)/(1-\\beta^{N_c})` normalised to :math:`\\sum_c w_c = C`
    (:func:`~ecombalance.sampling._weights.weights_from_counts` ``"effective"``); :math:`L` is softmax
    cross-entropy (``base="softmax"``) or the focal loss with ``gamma`` (``base="focal"``). As in the
    paper's code, ``"mean"`` is the plain mean :math:`\\frac1N \\sum_i w_{y_i} L_i`, which is why the
    weights are normalised. :math:`\\beta=0` is the base loss.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    weights = _weights(as_class_counts(class_counts, logits.shape[1]), "effective", beta).to(logits)
    if base == "softmax":
        loss = F.cross_entropy(logits, targets, reduction="none")
    elif base == "focal":
        loss = focal_loss(logits, targets, gamma=gamma, reduction="none")
    else:
        raise ValueError(f"base must be 'softmax' or 'focal', got {base!r}")
    return _reduce(weights[targets] * loss, reduction)


def logit_adjusted_loss(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array, tau: float = 1.0,
                        reduction: str = "mean") -> torch.Tensor:
    """Compute the logit-adjusted cross-entropy (Menon et al., "Long-tail learning via logit adjustment").

    .. math:: \\ell_i = -\\log \\frac{e^{f_{y_i}(x_i) + \\tau \\log \\pi_{y_i}}}{\\sum_c e^{f_c(x_i) + \\tau \\log \\pi_c}}

    Training against the prior-shifted logits makes :math:`f` itself estimate the *balanced* posterior,
    so ``argmax f`` targets the balanced error. :math:`\\tau = 0` is cross-entropy.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    log_prior = prior_tensor(class_counts, logits.shape[1]).log().to(logits)
    return F.cross_entropy(logits + tau * log_prior, targets, reduction=reduction)


def balanced_softmax_loss(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array,
                          reduction: str = "mean") -> torch.Tensor:
    """Compute the balanced softmax loss (Ren et al., "Balanced Meta-Softmax", NeurIPS 2020).

    .. math:: \\ell_i = -\\log \\frac{N_{y_i} e^{f_{y_i}(x_i)}}{\\sum_c N_c e^{f_c(x_i)}}

    Equal to :func:`logit_adjusted_loss` with :math:`\\tau = 1`: :math:`\\log N_c = \\log \\pi_c + \\log N` and the
    :math:`\\log N` shift cancels in the softmax. It is computed as exactly that (offsets :math:`\\log \\pi_c`), so
    that the two losses give bit-identical gradients and a model trained with either is the same model: a
    comparison counts them as one method.
    """
    return logit_adjusted_loss(logits, targets, class_counts, tau=1.0, reduction=reduction)


def ldam_margins(class_counts: Array, max_margin: float = 0.5) -> torch.Tensor:
    """LDAM margins :math:`\\Delta_c = K / N_c^{1/4}` (Cao et al., NeurIPS 2019), with the constant
    :math:`K` set so that the largest margin (rarest class) equals ``max_margin`` (the paper's code)."""
    if max_margin <= 0:
        raise ValueError(f"max_margin must be > 0, got {max_margin}")
    inv = as_class_counts(class_counts).pow(-0.25)
    return inv * (max_margin / inv.max())


def ldam_loss(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array, max_margin: float = 0.5,
              scale: float = 30.0, weight: Array | None = None, reduction: str = "mean") -> torch.Tensor:
    """Compute the label-distribution-aware margin (LDAM) loss (Cao et al., NeurIPS 2019).

    .. math:: \\ell_i = -\\log \\frac{e^{s (f_{y_i} - \\Delta_{y_i})}}{e^{s (f_{y_i} - \\Delta_{y_i})}
              + \\sum_{c \\ne y_i} e^{s f_c}}

    with margins :func:`ldam_margins` and scale :math:`s` (``scale``). The paper applies it to cosine
    logits (a normalised last layer, as :class:`ecombalance.models._neural.TorchMLPClassifier` does for
    ``loss="ldam"``). ``weight`` (e.g. from :func:`drw_class_weights`) follows torch's weighted mean.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    margins = ldam_margins(as_class_counts(class_counts, logits.shape[1]), max_margin).to(logits)
    shifted = logits - F.one_hot(targets, logits.shape[1]).to(logits) * margins[targets][:, None]
    weight = _per_class(weight, logits.shape[1], "weight", logits)
    return F.cross_entropy(scale * shifted, targets, weight=weight, reduction=reduction)


def drw_class_weights(class_counts: Array, epoch: int, drw_epoch: int | None, beta: float = 0.9999) -> torch.Tensor:
    """Return the per-class weights of deferred re-weighting (Cao et al. 2019) for ``epoch`` (0-based).

    Before ``drw_epoch`` all ones (plain loss, so that features are learnt from the natural
    distribution); from ``drw_epoch`` on the effective-number weights
    :func:`~ecombalance.sampling._weights.weights_from_counts`
    ``("effective", beta)``, summing to C. ``drw_epoch=None`` never switches.
    """
    counts = as_class_counts(class_counts)
    if drw_epoch is None or epoch < drw_epoch:
        return torch.ones(counts.numel(), dtype=torch.float64)
    return _weights(counts, "effective", beta)


# ----------------------------------------------------------------------------- the design document, §4.2
def seed_balanced_regulariser(logits: torch.Tensor, class_counts: Array, alpha: float = 1.0,
                              beta: float = 1.0) -> torch.Tensor:
    """The document's "balanced loss" read with p = the model's predicted class distribution.

    .. math:: R(\\bar p) = \\alpha \\sum_c \\bar p_c \\log \\pi_c - \\beta \\log \\sum_c \\pi_c \\bar p_c,
              \\qquad \\bar p_c = \\frac1N \\sum_i \\hat p_c(x_i)

    A scalar on the batch's mean prediction. The first term rewards mass on rare classes, the second on
    frequent ones; with :math:`\\alpha = \\beta` it is :math:`\\le 0` by Jensen, zero when all mass sits on
    one class, so it penalises collapsing onto a single class.
    """
    logits, _ = check_logits(logits)
    log_prior = prior_tensor(class_counts, logits.shape[1]).log().to(logits)
    mean_pred = logits.softmax(dim=1).mean(dim=0)
    return alpha * (mean_pred * log_prior).sum() - beta * (mean_pred * log_prior.exp()).sum().log()


def seed_balanced_loss(logits: torch.Tensor, targets: torch.Tensor, class_counts: Array, alpha: float = 1.0,
                       beta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy plus the document's "balanced loss" read on the predicted distribution.

    :math:`\\ell_i = -\\log \\hat p_{y_i}(x_i) + R(\\bar p)` with :func:`seed_balanced_regulariser`. As
    written the formula is a constant (nothing to train) and, read on predictions alone, it ignores the
    labels, so the trainable version adds it to cross-entropy. ``"none"`` returns
    :math:`\\ell_i` per sample (the batch-level :math:`R` added to each), so that its mean is ``"mean"``.
    """
    _check_reduction(reduction)
    logits, targets = check_logits(logits, targets)
    loss = F.cross_entropy(logits, targets, reduction="none")
    return _reduce(loss + seed_balanced_regulariser(logits, class_counts, alpha, beta), reduction)


# ----------------------------------------------------------------------------- after training
def _to_tensor(values: Array) -> tuple[torch.Tensor, bool]:
    if isinstance(values, torch.Tensor):
        return values, True
    return torch.as_tensor(np.asarray(values, dtype=np.float64)), False


def posthoc_logit_adjust(logits: Array, class_priors: Array, tau: float = 1.0) -> Array:
    """Subtract the scaled log-priors from trained logits: :math:`f_c(x) - \\tau \\log \\pi_c`.

    Post-hoc logit adjustment (Menon et al. 2021): ``argmax`` of the result is the Bayes decision for the
    balanced error when :math:`f` estimates the training posterior (``tau=1``).
    """
    tensor, is_torch = _to_tensor(logits)
    if tensor.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(tensor.shape)}")
    adjusted = tensor - tau * prior_tensor(class_priors, tensor.shape[1]).log().to(tensor)
    return adjusted if is_torch else adjusted.numpy()


def init_bias_with_log_prior(linear: nn.Linear, class_counts: Array) -> nn.Linear:
    """Set an output layer's bias to :math:`\\log \\pi_c`, so that the untrained model predicts the priors.

    The first steps then learn how inputs move the prediction away from the prior instead of learning
    the prior itself (a common trick for rare-positive click models).
    """
    if not isinstance(linear, nn.Linear):
        raise TypeError(f"linear must be a torch.nn.Linear, got {type(linear).__name__}")
    if linear.bias is None:
        raise ValueError("linear has no bias; build it with nn.Linear(..., bias=True)")
    log_prior = prior_tensor(class_counts).log()
    if log_prior.numel() != linear.out_features:
        raise ValueError(
            f"class_counts has {log_prior.numel()} entries but the layer has {linear.out_features} outputs"
        )
    with torch.no_grad():
        linear.bias.copy_(log_prior.to(linear.bias))
    return linear


# ----------------------------------------------------------------------------- modules
class _Loss(nn.Module):
    def __init__(self, reduction: str = "mean"):
        super().__init__()
        _check_reduction(reduction)
        self.reduction = reduction


class _CountsLoss(_Loss):
    def __init__(self, class_counts: Array, reduction: str = "mean"):
        super().__init__(reduction)
        self.register_buffer("class_counts", as_class_counts(class_counts))


class CrossEntropyLoss(_Loss):
    """Cross-entropy as a :class:`torch.nn.Module`: :func:`cross_entropy`, optionally class-weighted."""

    def __init__(self, weight: Array | None = None, reduction: str = "mean"):
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else torch.as_tensor(np.asarray(weight, float)))

    def forward(self, logits, targets):
        return cross_entropy(logits, targets, self.weight, self.reduction)


class WeightedCrossEntropyLoss(_CountsLoss):
    """The loss of :func:`weighted_cross_entropy` as a :class:`torch.nn.Module`."""

    def __init__(self, class_counts, weighting: str = "balanced", beta: float = 0.999, reduction: str = "mean"):
        super().__init__(class_counts, reduction)
        self.weighting, self.beta = weighting, beta
        self.register_buffer("weight", _weights(self.class_counts, weighting, beta))

    def forward(self, logits, targets):
        logits, _ = check_logits(logits)
        as_class_counts(self.class_counts, logits.shape[1])
        return cross_entropy(logits, targets, self.weight, self.reduction)


class FocalLoss(_Loss):
    """The loss of :func:`focal_loss` as a :class:`torch.nn.Module`."""

    def __init__(self, gamma: float = 2.0, alpha: Array | None = None, reduction: str = "mean"):
        super().__init__(reduction)
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma}")
        self.gamma = gamma
        self.register_buffer("alpha", None if alpha is None else torch.as_tensor(np.asarray(alpha, float)))

    def forward(self, logits, targets):
        return focal_loss(logits, targets, self.gamma, self.alpha, self.reduction)


class ClassBalancedLoss(_CountsLoss):
    """The loss of :func:`class_balanced_loss` as a :class:`torch.nn.Module`."""

    def __init__(self, class_counts, beta: float = 0.999, base: str = "softmax", gamma: float = 2.0,
                 reduction: str = "mean"):
        super().__init__(class_counts, reduction)
        if base not in ("softmax", "focal"):
            raise ValueError(f"base must be 'softmax' or 'focal', got {base!r}")
        _weights(self.class_counts, "effective", beta)  # checks beta now
        self.beta, self.base, self.gamma = beta, base, gamma

    def forward(self, logits, targets):
        return class_balanced_loss(logits, targets, self.class_counts, self.beta, self.base, self.gamma,
                                   self.reduction)


class LogitAdjustedLoss(_CountsLoss):
    """The loss of :func:`logit_adjusted_loss` as a :class:`torch.nn.Module`."""

    def __init__(self, class_counts, tau: float = 1.0, reduction: str = "mean"):
        super().__init__(class_counts, reduction)
        self.tau = tau

    def forward(self, logits, targets):
        return logit_adjusted_loss(logits, targets, self.class_counts, self.tau, self.reduction)


class BalancedSoftmaxLoss(_CountsLoss):
    """The loss of :func:`balanced_softmax_loss` as a :class:`torch.nn.Module`."""

    def forward(self, logits, targets):
        return balanced_softmax_loss(logits, targets, self.class_counts, self.reduction)


class LDAMLoss(_CountsLoss):
    """The loss of :func:`ldam_loss` as a :class:`torch.nn.Module`, with deferred re-weighting (DRW).

    Call :meth:`set_epoch` at the start of each epoch; from ``drw_epoch`` on the loss is weighted by
    :func:`drw_class_weights`.
    """

    def __init__(self, class_counts, max_margin: float = 0.5, scale: float = 30.0, drw_epoch: int | None = None,
                 beta: float = 0.9999, reduction: str = "mean"):
        super().__init__(class_counts, reduction)
        ldam_margins(self.class_counts, max_margin)  # checks max_margin now
        self.max_margin, self.scale, self.drw_epoch, self.beta = max_margin, scale, drw_epoch, beta
        self.register_buffer("weight", drw_class_weights(self.class_counts, 0, drw_epoch, beta))

    def set_epoch(self, epoch: int) -> None:
        self.weight = drw_class_weights(self.class_counts, epoch, self.drw_epoch, self.beta).to(self.weight)

    def forward(self, logits, targets):
        return ldam_loss(logits, targets, self.class_counts, self.max_margin, self.scale, self.weight,
                         self.reduction)


class SeedBalancedLoss(_CountsLoss):
    """Module form of :func:`seed_balanced_loss` (CE + the document's formula on predictions)."""

    def __init__(self, class_counts, alpha: float = 1.0, beta: float = 1.0, reduction: str = "mean"):
        super().__init__(class_counts, reduction)
        self.alpha, self.beta = alpha, beta

    def forward(self, logits, targets):
        return seed_balanced_loss(logits, targets, self.class_counts, self.alpha, self.beta, self.reduction)


_MODULES = {
    "ce": CrossEntropyLoss, "weighted_ce": WeightedCrossEntropyLoss, "focal": FocalLoss,
    "class_balanced": ClassBalancedLoss, "logit_adjusted": LogitAdjustedLoss,
    "balanced_softmax": BalancedSoftmaxLoss, "ldam": LDAMLoss, "seed_balanced": SeedBalancedLoss,
}


def loss_parameters(name: str) -> tuple[str, ...]:
    """The keyword parameters :func:`make_loss` accepts for loss ``name``."""
    if name not in _MODULES:
        raise ValueError(f"unknown loss {name!r}; valid names: {', '.join(LOSSES)}")
    signature = inspect.signature(_MODULES[name].__init__)
    return tuple(p for p in signature.parameters if p not in ("self", "class_counts", "weight"))


def select_params(name: str, **candidates: Any) -> dict[str, Any]:
    """The subset of ``candidates`` that loss ``name`` takes (e.g. shared gamma/beta/tau settings)."""
    accepted = loss_parameters(name)
    return {key: value for key, value in candidates.items() if key in accepted}


def make_loss(name: str, class_counts: Array | None = None, **params: Any) -> nn.Module:
    """Build the loss ``name`` (one of :data:`LOSSES`) as a module called ``loss(logits, targets)``.

    The loss's own parameters are those of its module's ``__init__`` (:func:`loss_parameters`).
    """
    accepted = loss_parameters(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise TypeError(f"unknown parameter(s) {unknown} for loss {name!r}; it takes: {', '.join(accepted)}")
    module = _MODULES[name]
    if "class_counts" in inspect.signature(module.__init__).parameters:
        if class_counts is None:
            raise ValueError(f"loss {name!r} needs class_counts (training samples per class)")
        return module(class_counts, **params)
    return module(**params)


document(globals())  # the numpydoc sections of the public losses (Parameters ... Examples)
