"""Sampling: imbalanced-learn samplers by name with fit-time guards, negative down-sampling for click logs,
class weights and priors (one implementation), and measures of imbalance.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "downsampling": ["ENGINES", "label_counts", "stratified_sample", "negative_downsample", "spark_available", "spark_session", "label_counts_spark", "stratified_sample_spark", "negative_downsample_spark", "downsample"],
    "imbalance": ["class_counts", "distribution", "imbalance_ratio", "normalised_entropy", "summary"],
    "resampling": ["SAMPLERS", "SCALABLE", "CATEGORICAL", "EvenOverSampler", "make_sampler", "GuardedSampler"],
    "weights": ["WEIGHTINGS", "SHIFT_KINDS", "check_class_counts", "class_priors", "weights_from_counts", "class_weights", "sample_weights", "prior_shift", "prior_correct", "PriorShiftClassifier"],
})
