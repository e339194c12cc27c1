"""Tokenise once, then batch by length: the input side of fine-tuning and embedding.

Padding every batch to a fixed length wastes most of the compute on short product titles. Here texts
are tokenised once without padding (:func:`tokenize`), batches are formed from texts of similar length
(:func:`length_bucketed_batches`) and padded only to their own longest member (:func:`collate`).
Hugging Face's ``DataCollatorWithPadding`` pads dynamically but batches at random, and its
``group_by_length`` option needs a ``Trainer``; these few functions give both to a plain loop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch


@dataclass(frozen=True)
class Tokenized:
    """Token ids of a text set, one unpadded array per text."""

    input_ids: list[np.ndarray]
    token_type_ids: list[np.ndarray] | None
    pad_token_id: int

    @property
    def lengths(self) -> np.ndarray:
        return np.fromiter((len(ids) for ids in self.input_ids), dtype=np.int64, count=len(self.input_ids))

    def __len__(self) -> int:
        return len(self.input_ids)


def as_text_inputs(X) -> tuple[list[str], list[str] | None]:
    """Split ``X`` into ``(first_texts, second_texts or None)``.

    ``X`` is a sequence of strings (one text per sample), a sequence of ``(text, text_pair)`` tuples, a
    one- or two-column DataFrame / 2-D array (two columns are a pair: query, product title), or a Series.
    """
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # DataFrame
        columns = [X.iloc[:, j].astype(str).tolist() for j in range(X.shape[1])]
    else:
        array = np.asarray(X, dtype=object)
        if array.ndim == 1 and len(array) and isinstance(array[0], (tuple, list)):
            array = np.asarray([tuple(row) for row in array], dtype=object)
        if array.ndim == 1:
            columns = [[str(t) for t in array]]
        elif array.ndim == 2:
            columns = [[str(t) for t in array[:, j]] for j in range(array.shape[1])]
        else:
            raise ValueError(f"texts must be 1-D (texts) or 2-D (text pairs), got an array of shape {array.shape}")
    if len(columns) not in (1, 2):
        raise ValueError(
            f"expected one text column or a pair (query, title), got {len(columns)} columns; "
            "select the text columns before fitting"
        )
    if not columns[0]:
        raise ValueError("no texts given (an empty sequence)")
    return columns[0], (columns[1] if len(columns) == 2 else None)


def text_key(first: Sequence[str], second: Sequence[str] | None = None, *extra: object) -> str:
    """A content hash of a text set (and anything else that changes its encoding)."""
    digest = hashlib.sha256()
    for part in (*extra, len(first)):
        digest.update(repr(part).encode())
    for texts in (first, second or ()):
        digest.update(b"\x1e")
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\x1f")
    return digest.hexdigest()


def tokenize(tokenizer, first: Sequence[str], second: Sequence[str] | None = None, max_length: int = 64) -> Tokenized:
    """Tokenise a text set (or text pairs, as ``[CLS] a [SEP] b [SEP]``) once, without padding.

    Pairs keep their segment ids (``token_type_ids`` 0 for the query, 1 for the title) where the model
    uses them.
    """
    if max_length < 2:
        raise ValueError(f"max_length must be at least 2 tokens, got {max_length}")
    encoded = tokenizer(
        list(first), list(second) if second is not None else None,
        truncation=True, max_length=max_length, padding=False,
        return_attention_mask=False, return_token_type_ids="token_type_ids" in tokenizer.model_input_names,
    )
    ids = [np.asarray(row, dtype=np.int64) for row in encoded["input_ids"]]
    types = encoded.get("token_type_ids")
    types = [np.asarray(row, dtype=np.int64) for row in types] if types is not None else None
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    return Tokenized(ids, types, int(pad))


def length_bucketed_batches(
    lengths: np.ndarray,
    batch_size: int,
    indices: np.ndarray | None = None,
    bucket_batches: int = 50,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
) -> list[np.ndarray]:
    """Batches of sample indices whose texts have similar lengths.

    The (shuffled) ``indices`` are cut into buckets of ``bucket_batches * batch_size`` samples, each
    bucket is sorted by length and cut into batches, and the batches are shuffled. Randomness stays
    (every bucket is a random draw) while each batch pads to nearly its own length. With
    ``shuffle=False`` (inference) all indices are sorted by length at once.

    Parameters
    ----------
    lengths : array of int
        Token count of every sample in the data set.
    batch_size : int
    indices : array of int, optional
        The samples to batch (e.g. drawn by a balanced sampler, with repeats); default all.
    bucket_batches : int
        Bucket size in batches.
    shuffle : bool
    rng : numpy Generator, optional
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size}")
    lengths = np.asarray(lengths)
    indices = np.arange(len(lengths)) if indices is None else np.asarray(indices, dtype=np.int64)
    if not shuffle:
        order = indices[np.argsort(lengths[indices], kind="stable")]
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng = rng if rng is not None else np.random.default_rng()
    indices = rng.permutation(indices)
    bucket = max(1, bucket_batches) * batch_size
    batches = []
    for start in range(0, len(indices), bucket):
        chunk = indices[start:start + bucket]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def collate(tokens: Tokenized, batch: np.ndarray) -> dict[str, torch.Tensor]:
    """Pad the samples in ``batch`` to the longest of them: ``input_ids``, ``attention_mask`` and
    ``token_type_ids`` (where the model uses them) as int64 tensors."""
    rows = [tokens.input_ids[i] for i in batch]
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), tokens.pad_token_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for k, row in enumerate(rows):
        ids[k, :len(row)] = row
        mask[k, :len(row)] = 1
    out = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
    if tokens.token_type_ids is not None:
        types = np.zeros((len(rows), width), dtype=np.int64)
        for k, i in enumerate(batch):
            types[k, :len(tokens.token_type_ids[i])] = tokens.token_type_ids[i]
        out["token_type_ids"] = torch.from_numpy(types)
    return out


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """Move a collated batch; pinned and asynchronous on CUDA so the host does not wait."""
    if device.type == "cuda":
        return {k: v.pin_memory().to(device, non_blocking=True) for k, v in batch.items()}
    return batch
