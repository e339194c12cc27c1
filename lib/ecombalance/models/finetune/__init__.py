"""Fine-tuning of Hugging Face encoders for text classification, with class balancing.

:class:`TextClassifierFineTuner` is a scikit-learn classifier that fine-tunes a pretrained encoder with a
classification head; :class:`FineTuningRun` is the training loop of one fit; :func:`quantize_dynamic` makes an int8
copy for CPU inference; ``python -m ecombalance.models.finetune.train`` (:func:`train.main`) fine-tunes from the
command line, also data-parallel under ``torchrun``.

The same code runs on CUDA (bf16 autocast) and the CPU (bf16 autocast too where the CPU has bf16 instructions: about
1.3x faster than fp32 there). Speed comes from the input side: texts are tokenised once, batches are drawn from length
buckets and padded only to their own longest text, and the loss is accumulated on the device and read (a host sync)
only every ``log_every`` optimizer steps. On the optimizer side, AdamW is fused and trains only the token-embedding
rows the training texts use (``embedding_rows="used"``, the same model as updating all ~30k rows every step).

- :mod:`~ecombalance.models.finetune._tuner`: :class:`TextClassifierFineTuner`, a scikit-learn classifier;
- :mod:`~ecombalance.models.finetune._balancing`: class-balanced batches, over-sampled rows, the loss with class
  weights;
- :mod:`~ecombalance.models.finetune._encoder`: the encoder with its classification head, loaded, frozen, predicting;
- :mod:`~ecombalance.models.finetune._run`: the training loop of one fit (:class:`FineTuningRun`);
- :mod:`~ecombalance.models.finetune._checkpoint`: safetensors checkpoints that resume optimizer, scheduler and RNG;
- :mod:`~ecombalance.models.finetune._embedding_rows`: training only the token-embedding rows a text set uses;
- :mod:`~ecombalance.models.finetune._text_batching`: tokenising once, length-bucketed batches;
- :mod:`~ecombalance.models.finetune._quantization`: int8 dynamic quantisation;
- :mod:`~ecombalance.models.finetune._distributed`: DistributedDataParallel under ``torchrun``;
- :mod:`~ecombalance.models.finetune.train`: the training command (``python -m ecombalance.models.finetune.train``).

Part of the models layer; torch and transformers load only when a name that needs them is touched.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_tuner": ["TextClassifierFineTuner"],
    "_run": ["FineTuningRun"],
    "_quantization": ["quantize_dynamic"],
})
