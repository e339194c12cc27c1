"""The design document's §4.2 "cross-entropy" and "balanced loss", evaluated as written and with its
:math:`p` read as the model's prediction (notation of :mod:`ecombalance.models._losses`).

As written both formulas are wrong (one ignores the labels, the other is a constant); the trainable
reading is :func:`ecombalance.models._losses.seed_balanced_loss` (``make_loss("seed_balanced")``).
Examined in notebook 04 (:mod:`ecombalance._chapters.loss_study`), so it lives with that chapter, not with the
losses a model trains on.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch

from ecombalance.models import _losses as losses


class SeedDocumentLosses(NamedTuple):
    """The design document's two §4.2 formulas under both readings of its :math:`p`."""

    cross_entropy_as_written: torch.Tensor
    """:math:`-\\frac1N \\sum_i \\sum_c \\pi_c \\log \\hat p_c(x_i)`, p = class distribution: ignores the labels."""
    cross_entropy_predicted: torch.Tensor
    """:math:`-\\frac1N \\sum_i \\sum_c \\hat p_c(x_i) \\log \\hat p_c(x_i)`, p = prediction: mean entropy."""
    balanced_as_written: torch.Tensor
    """:math:`\\alpha \\sum_c \\pi_c \\log \\pi_c - \\beta \\log \\sum_c \\pi_c^2`: a constant, no model in it."""
    balanced_predicted: torch.Tensor
    """:math:`\\alpha \\sum_c \\bar p_c \\log \\pi_c - \\beta \\log \\sum_c \\pi_c \\bar p_c`, :math:`\\bar p` = mean prediction."""


def seed_document_losses(logits: torch.Tensor, class_counts: Any, alpha: float = 1.0,
                         beta: float = 1.0) -> SeedDocumentLosses:
    """Both §4.2 formulas of the design document, as written and with p read as the model's prediction.

    As written, :math:`p_c` is the class distribution :math:`\\pi_c = N_c/N`. Then the "cross-entropy"
    never looks at the labels (it is minimised by predicting :math:`\\pi` for every input) and the
    "balanced loss" :math:`\\alpha \\sum_c \\pi_c \\log \\pi_c - \\beta \\log \\sum_c \\pi_c^2` is a constant: it
    has no gradient and cannot train anything. The correct cross-entropy is
    :func:`ecombalance.models._losses.cross_entropy` (labels :math:`y_{ic}` in place of :math:`p_c`); reading
    :math:`p` as the model's predicted distribution turns the "balanced loss" into
    :func:`ecombalance.models._losses.seed_balanced_regulariser`.
    """
    logits, _ = losses.check_logits(logits)
    prior = losses.prior_tensor(class_counts, logits.shape[1]).to(logits)
    log_prob = logits.log_softmax(dim=1)
    return SeedDocumentLosses(
        cross_entropy_as_written=-(log_prob * prior).sum(dim=1).mean(),
        cross_entropy_predicted=-(log_prob.exp() * log_prob).sum(dim=1).mean(),
        balanced_as_written=alpha * (prior * prior.log()).sum() - beta * (prior * prior).sum().log(),
        balanced_predicted=losses.seed_balanced_regulariser(logits, class_counts, alpha, beta),
    )
