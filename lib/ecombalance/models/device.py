"""Device, precision and seeding for torch code: CUDA with bf16 autocast when present, else the CPU.

Every training loop in the package goes through these functions, so the same code runs on a laptop,
in CI (no GPU) and on a GPU machine.
"""

from __future__ import annotations

import contextlib
import os
import random

import numpy as np
import torch


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` picks ``cuda`` when torch sees a GPU, else ``cpu``; an explicit choice is checked."""
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise TypeError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {type(device).__name__}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(
            f"device {device!r} was asked for but torch sees no CUDA GPU (torch {torch.__version__}); "
            "use device='auto' or 'cpu', or install a CUDA build of torch (README: 'Using a GPU')"
        )
    try:
        return torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r}; use 'auto', 'cpu', 'cuda' or 'cuda:N'") from exc


def autocast_dtype(device: torch.device, precision: str = "auto") -> torch.dtype | None:
    """The autocast dtype for ``precision``: ``"auto"`` is bf16 on a CUDA GPU that supports it, else
    full precision (None); ``"bf16"`` / ``"fp16"`` force one; ``"fp32"`` disables autocast."""
    choices = {"auto", "bf16", "fp16", "fp32"}
    if precision not in choices:
        raise ValueError(f"precision must be one of {sorted(choices)}, got {precision!r}")
    if precision == "fp32":
        return None
    if precision == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return None
    return torch.bfloat16 if precision == "bf16" else torch.float16


def autocast(device: torch.device, dtype: torch.dtype | None):
    """``torch.autocast`` for ``dtype`` on ``device``, or a no-op context for full precision."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def cpu_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads (default: all cores) and return the number used."""
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    return threads


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so that a run repeats on the same machine."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
