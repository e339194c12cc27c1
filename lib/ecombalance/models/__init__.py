"""Models: balanced losses, the torch MLP, fine-tuning and frozen embeddings of pretrained encoders, feature
fusion, models by name and the leakage-safe pipeline, devices and distributed training.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "checkpoint": ["STATE_FILE", "TRAINING_FILE", "flatten_optimizer", "unflatten_optimizer", "save_checkpoint", "read_state", "restore_training"],
    "device": ["resolve_device", "CPU_BF16_FLAGS", "cpu_bf16_supported", "cuda_bf16_supported", "autocast_dtype", "autocast", "torch_threads", "seed_everything"],
    "distributed": ["DistributedContext", "context", "init", "shutdown", "shard", "wrap", "DistributedClassBalancedSampler", "no_sync", "barrier", "weights_digest"],
    "embedding_rows": ["used_rows", "rows_digest", "UsedRowsEmbedding", "training_used_rows", "plain_embedding"],
    "embeddings": ["mean_pool", "embed_texts", "SentenceEmbedder", "embedding_classifier"],
    "features": ["SkewedLog1p", "as_object", "PairSimilarity", "TEXT_ENCODERS", "make_preprocessor"],
    "finetune": ["BALANCING", "EMBEDDING_ROWS", "tokenize_texts", "class_balanced_sampler", "resolve_loss", "TextClassifierFineTuner"],
    "finetune_run": ["adamw", "FineTuningRun"],
    "losses": ["LOSSES", "REDUCTIONS", "as_class_counts", "cross_entropy", "weighted_cross_entropy", "focal_loss", "class_balanced_loss", "logit_adjusted_loss", "balanced_softmax_loss", "ldam_margins", "ldam_loss", "drw_class_weights", "seed_balanced_regulariser", "seed_balanced_loss", "posthoc_logit_adjust", "init_bias_with_log_prior", "CrossEntropyLoss", "WeightedCrossEntropyLoss", "FocalLoss", "ClassBalancedLoss", "LogitAdjustedLoss", "BalancedSoftmaxLoss", "LDAMLoss", "SeedBalancedLoss", "loss_parameters", "select_params", "make_loss"],
    "neural": ["INIT_BIAS", "CosineLinear", "TorchMLPClassifier"],
    "pipelines": ["MODELS", "ClassWeightedClassifier", "make_model", "pipeline"],
    "pretrained": ["DEFAULT_MODEL", "TINY_RANDOM", "ModelNotAvailableError", "resolve_model", "quiet_transformers", "load_encoder", "load_tokenizer", "tiny_random_model"],
    "quantization": ["quantize_dynamic", "model_size_mb"],
    "seed_losses": ["SeedDocumentLosses", "seed_document_losses"],
    "text_batching": ["Tokenized", "as_text_inputs", "text_key", "tokenize", "length_bucketed_batches", "collate", "to_device"],
    "text_features": ["CJK_CHARACTER", "AUTO_CJK_ANALYZER", "DEFAULT_NGRAMS", "as_text", "cjk_share", "resolve_analyzer", "mixed_runs", "char_ngrams", "jieba_words", "tfidf_for", "TextVectorizer"],
    "train": ["main"],
})
