"""int8 dynamic quantisation of a trained model for CPU inference, and its serialised size.

``torch.ao.quantization.quantize_dynamic`` stores the weights of every ``Linear`` layer as int8 and
quantises activations on the fly (Jacob et al. 2018, "Quantization and Training of Neural Networks for
Efficient Integer-Arithmetic-Only Inference"); embeddings and LayerNorm stay in float32.
"""

from __future__ import annotations

import copy
import io
import warnings

import torch


def quantize_dynamic(model: torch.nn.Module) -> torch.nn.Module:
    """An int8 dynamically quantised copy of ``model`` (Linear layers), on the CPU in eval mode."""
    from torch.ao.quantization import quantize_dynamic as _quantize

    source = copy.deepcopy(model).to("cpu", torch.float32).eval()
    # torch.ao.quantization works but warns that it is moving to torchao (not a dependency of this project)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _quantize(source, {torch.nn.Linear}, dtype=torch.qint8)


def model_size_mb(model: torch.nn.Module) -> float:
    """Serialised size of the model's state dict in MB (10^6 bytes)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell() / 1e6
