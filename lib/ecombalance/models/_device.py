"""Device, precision and seeding for torch code: CUDA with bf16 autocast when present, else the CPU
(with bf16 autocast where the CPU has bf16 instructions and the caller asks for it).

Every training loop in the package goes through these functions, so the same code runs on a laptop,
in CI (no GPU) and on a GPU machine.
"""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """Return the torch device for ``device``: ``"auto"`` picks ``cuda`` when torch sees a GPU, else ``cpu``.

    Parameters
    ----------
    device : str or torch.device, default="auto"
        ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; an explicit choice is checked.

    Returns
    -------
    torch.device
        The device to compute on.

    Raises
    ------
    TypeError
        When ``device`` is neither a string nor a ``torch.device``.
    RuntimeError
        When a CUDA device is asked for but torch sees no CUDA GPU.
    ValueError
        When ``device`` names no device torch knows.

    Examples
    --------
    >>> from ecombalance.models import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("auto").type in ("cpu", "cuda")
    True
    """
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


CPU_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def _cpuinfo_flags(path: str | Path = "/proc/cpuinfo") -> set[str]:
    """The feature flags of the first CPU in ``/proc/cpuinfo`` (Linux); empty where there is no such file."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.partition(":")[2].split())
    return set()


@functools.cache
def cpu_bf16_supported() -> bool:
    """Whether this CPU computes bf16 matrix products natively, so that bf16 autocast makes training faster.

    True on an x86 CPU whose ``/proc/cpuinfo`` flags include ``avx512_bf16`` (Intel Cooper Lake and later,
    AMD Zen 4 and later) or ``amx_bf16`` (Intel Sapphire Rapids and later), and whose torch build has
    oneDNN bf16 kernels (``torch.ops.mkldnn._is_mkldnn_bf16_supported``). Without these instructions
    torch still runs bf16 on the CPU, but emulated, slower than fp32; so this is False there, on ARM and
    off Linux. The answer is cached for the process.
    """
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    if not _cpuinfo_flags().intersection(CPU_BF16_FLAGS):
        return False
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def cuda_bf16_supported() -> bool:
    """Whether torch sees a CUDA GPU that computes in bf16 (Ampere and later)."""
    return torch.cuda.is_available() and bool(torch.cuda.is_bf16_supported())


def autocast_dtype(device: torch.device, precision: str = "auto", cpu_bf16: bool = False) -> torch.dtype | None:
    """The autocast dtype for ``precision``.

    ``"auto"`` is bf16 on a CUDA GPU that supports it; on the CPU it is bf16 when ``cpu_bf16`` is True
    and the CPU has bf16 instructions (:func:`cpu_bf16_supported`), else full precision (None).
    ``"bf16"`` / ``"fp16"`` force one; ``"fp32"`` disables autocast. ``cpu_bf16`` is the caller's
    choice because bf16 pays on the CPU only for large matrix products (fine-tuning a transformer, not a
    small MLP) and changes the results in the last digits.
    """
    choices = {"auto", "bf16", "fp16", "fp32"}
    if precision not in choices:
        raise ValueError(f"precision must be one of {sorted(choices)}, got {precision!r}")
    if precision == "fp32":
        return None
    if precision == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        if device.type == "cpu" and cpu_bf16 and cpu_bf16_supported():
            return torch.bfloat16
        return None
    return torch.bfloat16 if precision == "bf16" else torch.float16


def autocast(device: torch.device, dtype: torch.dtype | None):
    """``torch.autocast`` for ``dtype`` on ``device``, or a no-op context for full precision."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


@contextlib.contextmanager
def torch_threads(threads: int | None = None) -> Iterator[int]:
    """Run a block with ``threads`` torch intra-op CPU threads, then restore the previous count (also
    when the block raises). ``None`` or a negative number use every core (``os.cpu_count()``).

    torch's thread count is global to the process; setting it only inside the block keeps one
    estimator's choice from changing the speed of everything that runs after it. Yields the count used.
    """
    if threads is None:
        threads = -1
    if not isinstance(threads, (int, np.integer)) or isinstance(threads, bool) or threads == 0:
        raise ValueError(f"threads must be a positive int, -1 (every core) or None, got {threads!r}")
    if threads < 0:
        threads = os.cpu_count() or 1
    before = torch.get_num_threads()
    torch.set_num_threads(int(threads))
    try:
        yield int(threads)
    finally:
        torch.set_num_threads(before)


def seed_everything(random_state: int) -> None:
    """Seed Python, NumPy and torch (all devices) so that a run repeats on the same machine."""
    if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, bool):
        raise TypeError(f"random_state must be an int, got {random_state!r}")
    random.seed(random_state)
    np.random.seed(random_state % 2**32)
    torch.manual_seed(random_state)
