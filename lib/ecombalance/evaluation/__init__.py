"""Evaluation: metrics, ranking metrics, folds, the experiment runner, intervals and paired tests,
decisions and calibration.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "_experiment": ["ExperimentResult", "run_experiment", "save_results", "load_results"],
    "_folds": ["Folds", "RepeatedStratifiedGroupKFold", "make_folds", "holdout_split"],
    "_metrics": ["classification_metrics", "per_class_metrics", "expected_calibration_error", "classwise_expected_calibration_error"],
    "_class_calibration": ["class_shares", "calibration_table"],
    "_calibration": ["reliability_curve", "recalibrate", "TemperatureScaler", "estimate_priors_em"],
    "_stats": ["compare_to_baseline", "corrected_resampled_ttest", "holm", "bootstrap_ci", "paired_bootstrap"],
    "_verdicts": ["compare_fold_scores", "best_method", "BestMethod"],
    "_majority": ["majority_check"],
    "_decisions": ["tune_threshold", "tune_threshold_cv", "bayes_decision", "expected_cost"],
    "_thresholds": ["InnerFoldThreshold"],
    "_cost_rules": ["CostRuleClassifier"],
    "_ranking": ["ranking_metrics"],
})
