"""Evaluation: metrics, ranking metrics, folds, the experiment runner, intervals and paired tests,
decisions and calibration.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "calibration": ["recalibrate", "TemperatureScaler", "inner_fold_count", "CALIBRATION_METHODS", "InnerFoldCalibration", "reliability_curve", "expected_calibration_error_from_curve", "PriorEstimate", "estimate_priors_em"],
    "class_calibration": ["classwise_reliability", "calibration_table", "class_shares"],
    "cost_rules": ["RULES", "LEARNT_PRIORS", "aligned_cost", "CostRuleClassifier"],
    "decisions": ["tune_threshold", "tune_threshold_cv", "bayes_decision", "expected_cost", "WEIGHT_GRID", "weighted_decision", "tune_class_weights", "CostDecision", "threshold_curve", "cost_decision_cv", "ProfitThreshold", "profit_curve", "profit_threshold"],
    "experiment": ["ExperimentResult", "run_experiment", "save_results", "load_results"],
    "fold_work": ["instantiate", "seed_estimator", "aligned_proba", "split_preprocess", "FoldFeatures", "fit_transform_fold", "TIMINGS", "import_modules", "call_or_exception", "FoldScorer", "fit_and_score_fold", "fit_predict_fold", "score_fold"],
    "folds": ["Folds", "RepeatedStratifiedGroupKFold", "as_folds", "check_folds", "make_folds", "stratified_split", "group_split", "holdout_split", "take_rows"],
    "metrics": ["ECE_BINS", "IBA_ALPHA", "LOWER_IS_BETTER", "encode_labels", "require_two_classes", "per_class_metrics", "per_class_table", "expected_calibration_error", "classwise_expected_calibration_error", "classification_metrics", "aggregate_metrics", "CONFUSION_METRICS", "CLASS_METRICS", "CLASS_PROBA_METRICS", "metric_value", "scores", "class_position"],
    "ranking": ["per_query_ranking", "ranking_metrics"],
    "stats": ["BootstrapResult", "TEST_NAME", "VERDICT_TEST", "bootstrap_ci", "metric_ci", "paired_bootstrap", "corrected_resampled_ttest", "detectable_difference", "fold_sizes", "holm", "verdict_table", "compare_to_baseline", "summarise", "p_value_text"],
    "thresholds": ["f1_scorer", "InnerFoldThreshold", "threshold_switch"],
    "verdicts": ["compare_fold_scores", "smallest_detectable", "design_headline", "METRIC_LABELS", "metric_label", "name_of_test", "BestMethod", "best_method"],
})
