"""Checkpoints of a fine-tuning run: model and tokenizer as safetensors (``save_pretrained``), plus the
estimator's state as JSON and the optimizer, scheduler and RNG state as safetensors, so that a run
resumes where it stopped.

safetensors stores flat ``{name: tensor}`` maps only: :func:`flatten_optimizer` splits an optimizer's
``state_dict`` into its tensors and the JSON-able rest, :func:`unflatten_optimizer` joins them again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from safetensors.torch import load_file, save_file

from ecombalance.models._pretrained import quiet_transformers

STATE_FILE = "ecombalance_finetune.json"
TRAINING_FILE = "training_state.safetensors"


def flatten_optimizer(state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """An optimizer ``state_dict`` as ``({"optimizer.<param>.<slot>": tensor}, JSON-able metadata)``."""
    tensors, meta = {}, {"param_groups": state["param_groups"], "scalars": {}}
    for pid, slots in state["state"].items():
        for name, value in slots.items():
            if torch.is_tensor(value):
                tensors[f"optimizer.{pid}.{name}"] = value.detach().cpu().contiguous()
            else:
                meta["scalars"][f"{pid}.{name}"] = value
    return tensors, meta


def unflatten_optimizer(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    """The optimizer ``state_dict`` that :func:`flatten_optimizer` split."""
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, pid, name = key.split(".", 2)
            state.setdefault(int(pid), {})[name] = value
    for key, value in meta["scalars"].items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = value
    return {"state": state, "param_groups": meta["param_groups"]}


def save_checkpoint(directory: str | Path, model, tokenizer, state: dict[str, Any], optimizer=None,
                    scheduler=None) -> Path:
    """Write ``model`` and ``tokenizer`` (safetensors), ``state`` (JSON, with the optimizer's metadata and
    the scheduler when given) and the torch RNG and optimizer tensors to ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with quiet_transformers():
        model.save_pretrained(directory, safe_serialization=True)
        tokenizer.save_pretrained(directory)
    state = dict(state)
    tensors = {"rng.torch": torch.get_rng_state()}
    if optimizer is not None:
        flat, state["optimizer"] = flatten_optimizer(optimizer.state_dict())
        tensors.update(flat)
        state["scheduler"] = scheduler.state_dict()
    save_file(tensors, str(directory / TRAINING_FILE))
    (directory / STATE_FILE).write_text(json.dumps(state, indent=1, default=str))
    return directory


def estimator_state(est, epoch: int | None = None, best_f1: float = -np.inf,
                    embedding_rows: str | None = None) -> dict[str, Any]:
    """The JSON state of a fitted fine-tuner ``est`` that :func:`save_checkpoint` writes: its parameters (a callable
    ``loss`` left out), classes, step, epoch (None: the rows of ``history_``), history and step log, the best
    validation macro-F1 ``best_f1`` (-inf: none) and the digest of the trained ``embedding_rows``."""
    params = {k: v for k, v in est.get_params().items() if k != "loss" or isinstance(v, (str, type(None)))}
    if params["classes"] is not None:
        params["classes"] = np.asarray(params["classes"]).tolist()
    return {
        "params": params,
        "classes": est.classes_.tolist(),
        "global_step": int(est.global_step_),
        "epoch": int(epoch if epoch is not None else len(getattr(est, "history_", []))),
        "history": pd.DataFrame(getattr(est, "history_", [])).to_dict("records"),
        "step_log": pd.DataFrame(getattr(est, "step_log_", [])).to_dict("records"),
        "best_val_macro_f1": None if best_f1 == -np.inf else float(best_f1),
        "embedding_rows": embedding_rows,
    }


def read_state(directory: str | Path) -> dict[str, Any]:
    """The JSON state of a checkpoint written by :func:`save_checkpoint`."""
    path = Path(directory) / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{directory} holds no {STATE_FILE}; it was not written by TextClassifierFineTuner.save"
        )
    return json.loads(path.read_text())


def restore_training(directory: str | Path, state: dict[str, Any], optimizer, scheduler) -> None:
    """Load the optimizer, scheduler and torch RNG state of a checkpoint into a run that resumes it."""
    tensors = load_file(str(Path(directory) / TRAINING_FILE))
    optimizer.load_state_dict(unflatten_optimizer(tensors, state["optimizer"]))
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(tensors["rng.torch"])
