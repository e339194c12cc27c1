"""Models: balanced losses and the torch MLP, imbalanced-learn's balancing ensembles and LightGBM, frozen embeddings
of pretrained encoders, feature fusion, models by name and the leakage-safe pipeline, devices. The Hugging Face fine-tuning stack (fine-tuner, training loop,
checkpoints, quantisation, distributed training) is the subpackage :mod:`ecombalance.models.finetune`.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "device": ["resolve_device", "CPU_BF16_FLAGS", "cpu_bf16_supported", "cuda_bf16_supported", "autocast_dtype", "autocast", "torch_threads", "seed_everything"],
    "ensembles": ["PLAIN_COUNTERPART", "BALANCING_ENSEMBLES", "PLAIN_ENSEMBLES", "ENSEMBLES", "DEFAULT_SIZE", "BOOSTER_ROUNDS", "BOOST_DEPTH", "counterpart", "make_ensemble", "LIGHTGBM_DEFAULTS", "make_lightgbm"],
    "embeddings": ["mean_pool", "embed_texts", "SentenceEmbedder", "embedding_classifier"],
    "features": ["SkewedLog1p", "as_object", "PairSimilarity", "TEXT_ENCODERS", "make_preprocessor"],
    "losses": ["LOSSES", "REDUCTIONS", "check_logits", "as_class_counts", "prior_tensor", "cross_entropy", "weighted_cross_entropy", "focal_loss", "class_balanced_loss", "logit_adjusted_loss", "balanced_softmax_loss", "ldam_margins", "ldam_loss", "drw_class_weights", "seed_balanced_regulariser", "seed_balanced_loss", "posthoc_logit_adjust", "init_bias_with_log_prior", "CrossEntropyLoss", "WeightedCrossEntropyLoss", "FocalLoss", "ClassBalancedLoss", "LogitAdjustedLoss", "BalancedSoftmaxLoss", "LDAMLoss", "SeedBalancedLoss", "loss_parameters", "select_params", "make_loss"],
    "neural": ["INIT_BIAS", "CosineLinear", "TorchMLPClassifier"],
    "pipelines": ["MODELS", "ClassWeightedClassifier", "make_model", "densify", "pipeline"],
    "pretrained": ["DEFAULT_MODEL", "TINY_RANDOM", "resolve_model", "quiet_transformers", "load_encoder", "load_tokenizer", "tiny_random_model"],
    "text_features": ["CJK_CHARACTER", "AUTO_CJK_ANALYZER", "DEFAULT_NGRAMS", "as_text", "cjk_share", "resolve_analyzer", "mixed_runs", "char_ngrams", "jieba_words", "tfidf_for", "TextVectorizer"],
})
