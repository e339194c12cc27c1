"""Frozen-encoder sentence embeddings: mean pooling, a disk cache, and a scikit-learn transformer.

The frozen baseline of transfer learning: encode every title once with a pretrained encoder, average
the token vectors (attention-masked mean pooling, as Sentence-BERT does; Reimers & Gurevych 2019),

.. math:: e(x) = \\frac{\\sum_t m_t h_t(x)}{\\sum_t m_t},

and train any scikit-learn classifier on :math:`e(x)`. Resampling (SMOTE and friends) is meaningful in
this embedding space, never on raw text: :func:`embedding_classifier` puts an imbalanced-learn sampler
between the embedder and the classifier, so it only ever sees training folds.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin

from ecombalance import _paths as paths
from ecombalance._progress import progress_bar
from ecombalance.models import _pretrained as pretrained
from ecombalance.models._device import autocast, autocast_dtype, resolve_device, torch_threads
from ecombalance.models.finetune._text_batching import (as_text_inputs, collate, length_bucketed_batches, text_key,
                                                        to_device, tokenize)

_ENCODERS: dict[str, tuple] = {}


def _load_encoder(path: Path):
    """``(tokenizer, model)`` in eval mode, loaded once per process."""
    key = str(path)
    if key not in _ENCODERS:
        tokenizer, model = pretrained.load_encoder(path)
        _ENCODERS[key] = (tokenizer, model.eval())
    return _ENCODERS[key]


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Attention-masked mean of token vectors: padding never enters the average."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def _model_fingerprint(path: Path) -> str:
    weights = sorted(p for p in path.glob("*.safetensors")) or sorted(path.glob("*.bin"))
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in weights]
    return f"{path}|{(path / 'config.json').read_text()}|{stats}"


def embed_texts(
    texts,
    model_name: str | Path = pretrained.DEFAULT_MODEL,
    batch_size: int = 64,
    max_length: int = 128,
    cache_dir: str | Path | None = None,
    device: str = "auto",
    precision: str = "auto",
    progress: bool = False,
) -> np.ndarray:
    """Embed ``texts`` (or text pairs) with a frozen encoder, mean-pooled over the tokens.

    The embedding of a text is the attention-masked mean of the encoder's last hidden states
    (Sentence-BERT's pooling, Reimers & Gurevych 2019 [1]_):

    .. math:: e(x) = \\frac{\\sum_t m_t h_t(x)}{\\sum_t m_t}.

    Results are cached on disk under ``cache_dir/embeddings/<hash>.npy``, keyed by the model (path,
    config, weight files), ``max_length`` and the exact texts; a repeated call loads the file and never
    touches the model. Texts are tokenised once and encoded in length-sorted batches padded only to their own
    longest text.

    Parameters
    ----------
    texts : sequence of str, sequence of (str, str), Series, DataFrame or ndarray
        One text per sample, or text pairs (tuples, or two columns: query, product title).
    model_name : str or Path, default="all-MiniLM-L6-v2"
        A model name or local directory, resolved offline (nothing is downloaded); ``"tiny-random"`` is a
        2-layer random BERT for tests.
    batch_size : int, default=64
        Texts per forward pass.
    max_length : int, default=128
        Tokens per text (or pair) after truncation.
    cache_dir : str, Path, None or False, default=None
        The cache's root folder; None uses the data cache (``ECOMBALANCE_CACHE``, which the report command sets
        to the report's folder for a user's data, else the project's ``.cache/``); False disables the cache.
    device : str, default="auto"
        ``"auto"`` (CUDA if present), ``"cpu"`` or ``"cuda[:N]"``.
    precision : {"auto", "bf16", "fp16", "fp32"}, default="auto"
        The autocast precision: ``"auto"`` is bf16 on a CUDA GPU that supports it, full precision elsewhere.
    progress : bool, default=False
        Show a tqdm bar over the batches.

    Returns
    -------
    ndarray of shape (n_samples, hidden_size), dtype float32
        One embedding per text (or pair), in the order of ``texts``.

    Raises
    ------
    ecombalance.exceptions.ModelNotAvailableError
        When the model is not on this machine.
    ValueError
        When ``texts`` is empty or has more than two columns.

    See Also
    --------
    SentenceEmbedder : The same embeddings as a scikit-learn transformer.

    References
    ----------
    .. [1] Reimers, N. & Gurevych, I. (2019). Sentence-BERT: sentence embeddings using Siamese BERT-networks.
       EMNLP.

    Examples
    --------
    >>> from ecombalance.models import embed_texts
    >>> embed_texts(["red shoes", "blue shirt", "green shoes"], model_name="tiny-random", cache_dir=False).shape
    (3, 32)
    >>> embed_texts([("shoes", "red shoes"), ("shoes", "blue shirt")], model_name="tiny-random",
    ...             cache_dir=False).dtype
    dtype('float32')
    """
    first, second = as_text_inputs(texts)
    path = pretrained.resolve_model(model_name)
    cache_file = None
    if cache_dir is not False:
        root = Path(cache_dir) if cache_dir is not None else paths.data_cache_dir()
        key = text_key(first, second, _model_fingerprint(path), max_length, "mean")
        cache_file = root / "embeddings" / f"{key}.npy"
        if cache_file.is_file():
            return np.load(cache_file)
    tokenizer, model = _load_encoder(path)
    dev = resolve_device(device)
    dtype = autocast_dtype(dev, precision)
    model.to(dev)
    tokens = tokenize(tokenizer, first, second, max_length=max_length)
    out = np.empty((len(tokens), model.config.hidden_size), dtype=np.float32)
    batches = length_bucketed_batches(tokens.lengths, batch_size, shuffle=False)

    pooled = []
    # on the CPU every core encodes; the process's thread count is restored afterwards
    threads = torch_threads() if dev.type == "cpu" else contextlib.nullcontext()
    with threads, torch.inference_mode():
        for batch in progress_bar(batches, desc="embedding", unit="batch", disable=not progress, leave=False):
            inputs = to_device(collate(tokens, batch), dev)
            with autocast(dev, dtype):
                hidden = model(**inputs).last_hidden_state
            pooled.append(mean_pool(hidden.float(), inputs["attention_mask"]))
    out[np.concatenate(batches)] = torch.cat(pooled).cpu().numpy()  # one transfer at the end
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        staging = cache_file.with_suffix(f".tmp{id(out)}.npy")
        np.save(staging, out)
        staging.replace(cache_file)
    return out


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embed texts with a frozen encoder as a scikit-learn transformer (mean-pooled, float32).

    ``fit`` learns nothing; ``transform`` calls :func:`embed_texts` (disk-cached). It takes a 1-D
    sequence / Series of texts, or a DataFrame whose text columns are joined with spaces, so it works
    inside a ``ColumnTransformer`` on one or more text columns.

    Parameters
    ----------
    model_name : str, default="all-MiniLM-L6-v2"
        Model name or local path, resolved offline (see :func:`embed_texts`).
    batch_size : int, default=64
        Texts per forward pass.
    cache_dir : str, Path, None or False, default=None
        Embedding cache directory; None uses the data cache (:func:`embed_texts`), False disables it.

    Attributes
    ----------
    n_features_out_ : int
        The embedding size (the encoder's hidden size), set by :meth:`transform`.

    See Also
    --------
    embed_texts : The embeddings as a function.
    make_preprocessor : ``text="embedding"`` encodes text columns with this transformer.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.models import SentenceEmbedder
    >>> embedder = SentenceEmbedder(model_name="tiny-random", cache_dir=False)
    >>> frame = pd.DataFrame({"title": ["red shoes", "blue shirt"], "brand": ["acme", "zeta"]})
    >>> embedder.fit_transform(frame).shape  # title and brand joined into one text per row
    (2, 32)
    >>> embedder.get_feature_names_out()[:2].tolist()
    ['embedding0', 'embedding1']
    """

    def __init__(self, model_name: str = pretrained.DEFAULT_MODEL, batch_size: int = 64, cache_dir=None):
        self.model_name = model_name
        self.batch_size = batch_size
        self.cache_dir = cache_dir

    def fit(self, X, y=None):
        """Return the transformer unchanged: a frozen encoder learns nothing.

        Parameters
        ----------
        X : sequence of str, Series or DataFrame
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        SentenceEmbedder
            The transformer (``self``).
        """
        return self

    def transform(self, X) -> np.ndarray:
        """Return the mean-pooled embeddings of ``X``.

        Parameters
        ----------
        X : sequence of str, Series, DataFrame or 2-D ndarray
            The texts; the columns of a DataFrame or 2-D array are joined with spaces, one text per row.

        Returns
        -------
        ndarray of shape (n_samples, hidden_size), dtype float32
            One embedding per row.
        """
        texts = _joined_texts(X)
        embedded = embed_texts(texts, model_name=self.model_name, batch_size=self.batch_size, cache_dir=self.cache_dir)
        self.n_features_out_ = embedded.shape[1]
        return embedded

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Return the output column names ``embedding0``, ``embedding1``, ...

        Before :meth:`transform` the size is read from the model's config (no weights are loaded).

        Parameters
        ----------
        input_features : None
            Ignored (scikit-learn's API).

        Returns
        -------
        ndarray of str of shape (hidden_size,)
            The column names.
        """
        if not hasattr(self, "n_features_out_"):
            from transformers import AutoConfig

            config = AutoConfig.from_pretrained(pretrained.resolve_model(self.model_name), local_files_only=True)
            self.n_features_out_ = config.hidden_size
        return np.asarray([f"embedding{i}" for i in range(self.n_features_out_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


def _joined_texts(X) -> list[str]:
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        return X.astype(str).agg(" ".join, axis=1).tolist()
    array = np.asarray(X, dtype=object)
    if array.ndim == 2:
        return [" ".join(map(str, row)) for row in array]
    return [str(t) for t in array]


def embedding_classifier(
    model_name: str = pretrained.DEFAULT_MODEL,
    classifier=None,
    sampler=None,
    batch_size: int = 64,
    cache_dir=None,
):
    """``SentenceEmbedder`` -> optional imbalanced-learn ``sampler`` -> ``classifier``, as an imblearn Pipeline.

    The sampler (e.g. ``SMOTE(random_state=0)``) runs in embedding space and only inside ``fit``, so
    evaluation data keep their original distribution. The default classifier is a logistic regression.
    """
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression

    steps = [("embed", SentenceEmbedder(model_name=model_name, batch_size=batch_size, cache_dir=cache_dir))]
    if sampler is not None:
        steps.append(("resample", sampler))
    steps.append(("classify", classifier if classifier is not None else LogisticRegression(max_iter=2000)))
    return Pipeline(steps)


__all__: Sequence[str] = ["SentenceEmbedder", "embed_texts", "embedding_classifier", "mean_pool"]
