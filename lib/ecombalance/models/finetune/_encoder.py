"""The encoder with a classification head that fine-tuning trains: loaded from disk only, partly frozen on request,
and its class probabilities over length-bucketed batches.
"""

from __future__ import annotations

import numpy as np
import torch

from ecombalance.models import _pretrained as pretrained
from ecombalance.models._device import autocast
from ecombalance.models._pretrained import quiet_transformers
from ecombalance.models.finetune._text_batching import Tokenized, collate, length_bucketed_batches, to_device


def load_classifier(source, num_labels: int) -> tuple:
    """``(tokenizer, model)``: the encoder ``source`` (a model name or directory, :func:`resolve_model`) with a
    sequence-classification head of ``num_labels`` outputs, loaded from disk only."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    path = pretrained.resolve_model(source)
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=num_labels, local_files_only=True
        )
    return tokenizer, model


def freeze_layers(model, trainable_layers: int | None = None, freeze_embeddings: bool = False) -> None:
    """Freeze parts of ``model`` in place: the token embeddings with ``freeze_embeddings``; with ``trainable_layers``
    k the embeddings and all but the last k encoder layers (the pooler and the head stay trainable)."""
    if freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad = False
    if trainable_layers is None:
        return
    base = model.base_model
    layers = next(
        (m for m in base.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == model.config.num_hidden_layers),
        None,
    )
    if layers is None:
        raise ValueError(f"cannot find the encoder layers of {type(base).__name__} to freeze; "
                         "use trainable_layers=None")
    keep = len(layers) - min(trainable_layers, len(layers))
    for param in base.parameters():
        param.requires_grad = False
    for layer in list(layers)[keep:]:
        for param in layer.parameters():
            param.requires_grad = True
    pooler = getattr(base, "pooler", None)
    if pooler is not None:
        for param in pooler.parameters():
            param.requires_grad = True


def class_probabilities(model, tokens: Tokenized, batch_size: int, device: torch.device,
                        dtype: torch.dtype | None = None) -> np.ndarray:
    """Softmax of ``model``'s logits for texts already tokenised, float32 ``(n_texts, n_classes)``: batches of
    ``batch_size`` in length order, autocast to ``dtype`` (None: full precision); the model's train/eval mode is
    restored afterwards."""
    batches = length_bucketed_batches(tokens.lengths, batch_size, shuffle=False)
    was_training = model.training
    model.eval()
    out = []
    with torch.inference_mode():
        for batch in batches:
            inputs = to_device(collate(tokens, batch), device)
            with autocast(device, dtype):
                logits = model(**inputs).logits
            out.append(torch.softmax(logits.float(), dim=-1))
    model.train(was_training)
    proba = np.empty((len(tokens), out[0].shape[1]), dtype=np.float32)
    proba[np.concatenate(batches)] = torch.cat(out).cpu().numpy()
    return proba
