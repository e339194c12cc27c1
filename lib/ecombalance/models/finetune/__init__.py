"""Fine-tuning of Hugging Face encoders for text classification, with class balancing.

- :mod:`~ecombalance.models.finetune._tuner`: :class:`TextClassifierFineTuner`, a scikit-learn classifier;
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
