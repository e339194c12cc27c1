"""Fine-tuning of Hugging Face encoders for text classification, with class balancing.

- :mod:`~ecombalance.models.finetune.tuner`: :class:`TextClassifierFineTuner`, a scikit-learn classifier;
- :mod:`~ecombalance.models.finetune.run`: the training loop of one fit (:class:`FineTuningRun`);
- :mod:`~ecombalance.models.finetune.checkpoint`: safetensors checkpoints that resume optimizer, scheduler and RNG;
- :mod:`~ecombalance.models.finetune.embedding_rows`: training only the token-embedding rows a text set uses;
- :mod:`~ecombalance.models.finetune.text_batching`: tokenising once, length-bucketed batches;
- :mod:`~ecombalance.models.finetune.quantization`: int8 dynamic quantisation;
- :mod:`~ecombalance.models.finetune.distributed`: DistributedDataParallel under ``torchrun``;
- :mod:`~ecombalance.models.finetune.train`: the training command (``python -m ecombalance.models.finetune.train``).

Part of the models layer; torch and transformers load only when a name that needs them is touched.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "tuner": ["BALANCING", "EMBEDDING_ROWS", "tokenize_texts", "class_balanced_sampler", "resolve_loss", "TextClassifierFineTuner"],
    "run": ["adamw", "FineTuningRun"],
    "checkpoint": ["STATE_FILE", "TRAINING_FILE", "flatten_optimizer", "unflatten_optimizer", "save_checkpoint", "read_state", "restore_training"],
    "embedding_rows": ["used_rows", "rows_digest", "UsedRowsEmbedding", "training_used_rows", "plain_embedding"],
    "text_batching": ["Tokenized", "as_text_inputs", "text_key", "tokenize", "length_bucketed_batches", "collate", "to_device"],
    "quantization": ["quantize_dynamic", "model_size_mb"],
    "distributed": ["DistributedContext", "context", "init", "shutdown", "shard", "wrap", "DistributedClassBalancedSampler", "no_sync", "barrier", "weights_digest"],
    "train": ["main"],
})
