"""Class balancing of fine-tuning: class-balanced batches, over-sampled rows, class weights and the loss.

The whole training set is fine-tuned; imbalance is countered in one of the ways of :data:`BALANCING`, on the rows
each epoch trains on (:func:`epoch_rows`) or in the loss (:func:`training_loss`): ``"sampler"`` draws batches with
class-balanced probabilities (:func:`class_balanced_sampler`), ``"oversample"`` repeats minority rows once per fit
(imbalanced-learn's ``RandomOverSampler``, :func:`oversampled_rows`), ``"class_weight"`` weights cross-entropy by
:math:`N/(C N_c)`. A class-aware loss of :func:`ecombalance.models.make_loss` is the other lever.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from torch.utils.data import WeightedRandomSampler

from ecombalance.models._losses import make_loss
from ecombalance.models.finetune import _distributed as distributed
from ecombalance.models.finetune._text_batching import as_text_inputs
from ecombalance.sampling._weights import weights_from_counts

BALANCING = ("none", "sampler", "class_weight", "oversample")
"""The ``balancing`` values of :class:`~ecombalance.models.finetune.TextClassifierFineTuner`."""


def class_indices(X, y, classes=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(classes_, y_idx, counts)`` of the labels ``y`` of the texts ``X``: the label set (``classes``, or the
    labels in ``y``), each label's index in it and the rows per class; refuses continuous targets, a length other
    than ``X``'s, labels outside ``classes`` and a single class."""
    y = np.asarray(y)
    check_classification_targets(y)  # continuous targets are refused, not turned into one class per value
    if len(y) != len(as_text_inputs(X)[0]):
        raise ValueError(f"X has {len(as_text_inputs(X)[0])} samples but y has {len(y)}")
    encoder = LabelEncoder().fit(y if classes is None else np.asarray(classes))
    unknown = set(np.unique(y)) - set(encoder.classes_)
    if unknown:
        raise ValueError(f"y holds labels {sorted(unknown)} that are not in classes={list(encoder.classes_)}")
    y_idx = encoder.transform(y)
    if len(encoder.classes_) < 2:
        raise ValueError("y holds a single class; fine-tuning a classifier needs at least two (or pass classes=)")
    return encoder.classes_, y_idx, np.bincount(y_idx, minlength=len(encoder.classes_))


def class_balanced_sampler(y, num_samples: int | None = None, random_state: int = 0) -> WeightedRandomSampler:
    """A torch sampler that draws each class equally often: sample weight :math:`1/n_{c(i)}`, with replacement.

    Every class then has probability :math:`1/C` per draw, the batch-level version of re-balancing
    (class-balanced sampling, e.g. Kang et al. 2020, "Decoupling representation and classifier").
    torch's ``WeightedRandomSampler`` does the drawing; this only sets the weights.
    """
    y = np.asarray(y)
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    weights = torch.as_tensor(1.0 / counts[inverse], dtype=torch.double)
    generator = torch.Generator().manual_seed(int(random_state))
    return WeightedRandomSampler(weights, num_samples or len(y), replacement=True, generator=generator)


def resolve_loss(loss, class_counts, class_weight=None, **params):
    """The training loss as a callable ``loss(logits, targets)``.

    ``None`` / ``"ce"`` is cross-entropy (with per-class ``class_weight`` if given); a name is built by
    :func:`ecombalance.models._losses.make_loss` ``(name, class_counts, **params)``; a callable is used as it is.
    """
    if loss is None or loss in ("ce", "cross_entropy"):
        weight = None if class_weight is None else torch.as_tensor(class_weight, dtype=torch.float32)
        return torch.nn.CrossEntropyLoss(weight=weight)
    if class_weight is not None:
        raise ValueError(
            f"balancing='class_weight' weights the default cross-entropy; with loss={loss!r} use a class-aware "
            "loss from ecombalance.models._losses instead, or balancing='sampler'/'oversample'"
        )
    if callable(loss):
        return loss
    if isinstance(loss, str):
        return make_loss(loss, np.asarray(class_counts), **params)
    raise TypeError(f"loss must be None, a loss name or a callable loss(logits, targets), got {type(loss).__name__}")


def training_loss(loss, class_counts: np.ndarray, balancing: str = "none", loss_params: dict | None = None) -> Callable:
    """The training loss of a fit (:func:`resolve_loss`); ``"class_weight"`` weights cross-entropy by
    :math:`N/(C N_c)` over the classes present (an absent class is never a target: weight 0)."""
    weights = None
    if balancing == "class_weight":
        present = class_counts > 0
        weights = np.zeros(len(class_counts))
        weights[present] = weights_from_counts(class_counts[present], "balanced")
    return resolve_loss(loss, class_counts, weights, **(loss_params or {}))


def oversampled_rows(y_idx: np.ndarray, random_state) -> np.ndarray:
    """The training rows once over-sampled for the whole fit (imbalanced-learn's ``RandomOverSampler``)."""
    from imblearn.over_sampling import RandomOverSampler

    rows, _ = RandomOverSampler(random_state=random_state).fit_resample(np.arange(len(y_idx)).reshape(-1, 1), y_idx)
    return rows.ravel()


def epoch_rows(y_idx: np.ndarray, epoch: int, balancing: str = "none", random_state: int = 0,
               oversampled: np.ndarray | None = None) -> np.ndarray:
    """This process's rows for ``epoch`` (the training loop's order): all of them, or under ``torchrun`` this
    rank's shard of one epoch drawn identically on every rank (class-balanced per rank with ``"sampler"``);
    ``oversampled`` are the rows of ``"oversample"`` (:func:`oversampled_rows`)."""
    seed = [int(random_state), int(epoch)]
    ctx = distributed.context()
    if ctx.enabled:
        if balancing == "sampler":
            sampler = distributed.DistributedClassBalancedSampler(y_idx, num_samples=len(y_idx),
                                                                  random_state=int(random_state))
            sampler.set_epoch(epoch)
            return np.fromiter(iter(sampler), dtype=np.int64, count=len(sampler))
        rows = oversampled if balancing == "oversample" else np.arange(len(y_idx))
        return distributed.shard(rows, ctx)
    if balancing == "sampler":
        sampler = class_balanced_sampler(y_idx, random_state=int(np.random.default_rng(seed).integers(2**31)))
        return np.fromiter(iter(sampler), dtype=np.int64, count=len(y_idx))
    if balancing == "oversample":
        return oversampled
    return np.arange(len(y_idx))
