"""Fine-tune only the token-embedding rows the training texts use, with the same result as the whole matrix.

The token-embedding matrix is about half of a small encoder's weights (MiniLM-L6: 30,522 x 384 = 11.7M of
22.7M), and a catalogue's titles use a few thousand of its rows. Plain fine-tuning still pays for every row
on every optimizer step: the backward pass writes a dense gradient of the whole matrix, gradient clipping
takes its norm, and AdamW reads and writes its weights and both moment estimates. For a row that no training
text contains, the gradient is zero at every step, so its AdamW moments stay zero and its update is the
weight decay alone (Loshchilov & Hutter 2019, decoupled decay):

.. math::

    \\theta_t = \\theta_{t-1}\\,(1 - \\eta_t \\lambda), \\qquad
    \\theta_T = \\theta_0 \\prod_{t=1}^{T} (1 - \\eta_t \\lambda).

:class:`UsedRowsEmbedding` therefore trains the used rows as their own parameter and applies that product to
the other rows when the weights are read (:meth:`UsedRowsEmbedding.merge`). The trained model is the one
full fine-tuning gives, to float rounding; PyTorch's sparse embedding gradients do not give this (AdamW
needs dense gradients, and ``SparseAdam`` is a different optimizer that skips the decay), which is why this
is our own code.
"""

from __future__ import annotations

import contextlib
import hashlib

import numpy as np
import torch
from torch.nn import functional as F


def used_rows(tokens) -> np.ndarray:
    """The sorted token ids that occur in ``tokens`` (a :class:`~ecombalance.models.finetune._text_batching.Tokenized`),
    with its padding id, which every padded batch holds."""
    ids = np.concatenate([*tokens.input_ids, [tokens.pad_token_id]])
    return np.unique(ids)


def rows_digest(rows: np.ndarray) -> str:
    """A short fingerprint of a row set (checkpoints record it: their optimizer state has one row per used id)."""
    return hashlib.sha256(np.asarray(rows, dtype=np.int64).tobytes()).hexdigest()[:16]


class UsedRowsEmbedding(torch.nn.Module):
    """Stands in for an ``nn.Embedding`` during training, with only the ``rows`` it is given as a parameter.

    Parameters
    ----------
    embedding : torch.nn.Embedding
        The model's token embedding; its weight is kept (frozen) as the home of every row and brought up
        to date by :meth:`merge`.
    rows : array of int
        The token ids the training batches contain (:func:`used_rows`). A batch with another id raises
        ``IndexError``: those rows are not being trained.

    Attributes
    ----------
    weight : torch.nn.Parameter
        The trained rows, ``embedding.weight[rows]`` at the start.
    untrained_scale : float
        The weight decay owed by the other rows since the last merge, :math:`\\prod_t (1 - \\eta_t\\lambda)`.
    """

    def __init__(self, embedding: torch.nn.Embedding, rows: np.ndarray):
        super().__init__()
        object.__setattr__(self, "embedding", embedding)  # not a submodule: the model's state stays the plain one
        device = embedding.weight.device
        self.rows = torch.as_tensor(np.asarray(rows, dtype=np.int64), device=device)
        position = torch.full((embedding.num_embeddings,), -1, dtype=torch.long, device=device)
        position[self.rows] = torch.arange(len(self.rows), device=device)
        self.register_buffer("position", position, persistent=False)
        pad = embedding.padding_idx
        self.padding_idx = int(position[pad]) if pad is not None and position[pad] >= 0 else None
        self.weight = torch.nn.Parameter(embedding.weight.detach()[self.rows].clone())
        self.untrained_scale = 1.0

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(self.position[input_ids], self.weight, padding_idx=self.padding_idx)

    def decay_untrained(self, learning_rate: float, weight_decay: float) -> None:
        """Record one AdamW step's decoupled weight decay for the rows that are not trained."""
        self.untrained_scale *= 1.0 - learning_rate * weight_decay

    @torch.no_grad()
    def merge(self) -> None:
        """Write the trained rows and the owed decay of the others into ``embedding.weight``."""
        full = self.embedding.weight
        if self.untrained_scale != 1.0:
            full.mul_(self.untrained_scale)
            self.untrained_scale = 1.0
        full[self.rows] = self.weight.detach().to(full.dtype)

    @torch.no_grad()
    def pull(self) -> None:
        """Take the trained rows from ``embedding.weight`` again (after weights were loaded into it)."""
        self.weight.copy_(self.embedding.weight[self.rows])
        self.untrained_scale = 1.0


@contextlib.contextmanager
def training_used_rows(model, tokens):
    """Within the block, ``model`` trains only the token-embedding rows ``tokens`` use (yields the
    :class:`UsedRowsEmbedding`); on leaving it, even by an exception, the model gets its own embedding
    back with every row up to date.

    Yields None, and changes nothing, where this does not apply: a frozen embedding matrix, or one tied
    to an output layer (a language-model head reads every row).
    """
    embedding = model.get_input_embeddings()
    output = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    tied = output is not None and getattr(output, "weight", None) is embedding.weight
    if not isinstance(embedding, torch.nn.Embedding) or not embedding.weight.requires_grad or tied:
        yield None
        return
    standin = UsedRowsEmbedding(embedding, used_rows(tokens))
    embedding.weight.requires_grad_(False)
    model.set_input_embeddings(standin)
    try:
        yield standin
    finally:
        standin.merge()
        model.set_input_embeddings(embedding)
        embedding.weight.requires_grad_(True)


@contextlib.contextmanager
def plain_embedding(model, standin: UsedRowsEmbedding | None):
    """Within the block, ``model`` has its own embedding with every row up to date (to predict, copy or
    load the weights, or save a checkpoint during training); the stand-in comes back afterwards and
    takes its rows from the (possibly reloaded) matrix."""
    if standin is None:
        yield
        return
    standin.merge()
    model.set_input_embeddings(standin.embedding)
    try:
        yield
    finally:
        standin.pull()
        model.set_input_embeddings(standin)
