"""Models: balanced losses and the torch MLP, imbalanced-learn's balancing ensembles and LightGBM, frozen embeddings
of pretrained encoders, feature fusion, models by name and the leakage-safe pipeline, devices. The Hugging Face
fine-tuning stack (fine-tuner, training loop, checkpoints, quantisation, distributed training) is the subpackage
:mod:`ecombalance.models.finetune`.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_losses": ["LOSSES", "cross_entropy", "weighted_cross_entropy", "focal_loss", "class_balanced_loss", "logit_adjusted_loss", "balanced_softmax_loss", "ldam_loss", "drw_class_weights", "posthoc_logit_adjust", "init_bias_with_log_prior", "make_loss", "CrossEntropyLoss", "WeightedCrossEntropyLoss", "FocalLoss", "ClassBalancedLoss", "LogitAdjustedLoss", "BalancedSoftmaxLoss", "LDAMLoss"],
    "_neural": ["TorchMLPClassifier"],
    "_pipelines": ["MODELS", "make_model", "pipeline"],
    "_features": ["make_preprocessor"],
    "_text_features": ["TextVectorizer"],
    "_ensembles": ["ENSEMBLES", "make_ensemble"],
    "_embeddings": ["SentenceEmbedder", "embed_texts"],
    "_pretrained": ["DEFAULT_MODEL"],
    "_device": ["resolve_device"],
})
