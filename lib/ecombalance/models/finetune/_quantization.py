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
    """Return an int8 dynamically quantised copy of ``model`` for CPU inference.

    ``torch.ao.quantization.quantize_dynamic`` stores the weights of every ``Linear`` layer as int8 and quantises
    the activations on the fly [1]_; embeddings and LayerNorm stay in float32. ``model`` itself is not changed.

    Parameters
    ----------
    model : torch.nn.Module
        The trained model, on any device and in any precision (the copy is moved to the CPU in float32 first).

    Returns
    -------
    torch.nn.Module
        The quantised copy, on the CPU in eval mode.

    See Also
    --------
    TextClassifierFineTuner.quantized : A fitted fine-tuner with its model quantised.

    References
    ----------
    .. [1] Jacob, B. et al. (2018). Quantization and training of neural networks for efficient
       integer-arithmetic-only inference. CVPR.

    Examples
    --------
    >>> import torch
    >>> from ecombalance.models.finetune import quantize_dynamic
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    >>> quantized = quantize_dynamic(model)
    >>> quantized[0]
    DynamicQuantizedLinear(in_features=4, out_features=8, dtype=torch.qint8, qscheme=torch.per_tensor_affine)
    >>> quantized(torch.ones(3, 4)).shape, quantized.training
    (torch.Size([3, 2]), False)
    """
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
