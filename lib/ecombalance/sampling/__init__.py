"""Sampling: imbalanced-learn samplers by name with fit-time guards, negative down-sampling for click logs,
class weights and priors (one implementation), and measures of imbalance.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_resampling": ["SAMPLERS", "EvenOverSampler", "GuardedSampler", "make_sampler"],
    "_weights": ["class_priors", "class_weights", "sample_weights", "prior_shift", "prior_correct", "PriorShiftClassifier"],
    "_downsampling": ["stratified_sample", "negative_downsample", "downsample"],
    "_imbalance": ["class_counts", "imbalance_ratio", "normalised_entropy"],
})
