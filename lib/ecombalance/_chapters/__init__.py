"""Chapters: what exists for one notebook, including the numbers and the "What we saw" text of each.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "baselines": ["OVERALL", "SHOWN_CLASSES", "shown_classes", "classes_note", "plain_model", "out_of_fold_experiment", "out_of_fold_predictions", "BASELINE_MAX_ROWS", "compare_baselines", "baselines_headline", "GAP", "describe_baselines", "ANALYZER_MAX_ROWS", "compare_analyzers", "analyzers_headline", "describe_analyzers"],
    "calibration_study": ["SHARE_TOLERANCE", "small_class_ratios", "describe_class_shares", "over_predicting", "calibration_headline", "pick_pair", "shares_caption"],
    "ctr": ["ctr_model", "click_metrics", "downsampling_study", "downsampling_headline", "describe_downsampling", "describe_rate_growth", "describe_reliability"],
    "decision_study": ["most_calibrated", "miss_cost_matrix", "inverse_frequency_costs", "cost_decision", "MAX_TUNED_CLASSES", "rarity_cost_decision", "cost_decision_headline", "describe_cost_decision", "shifted_rows", "PriorShiftStudy", "prior_shift_study", "prior_shift_headline", "describe_prior_shift", "click_profit_study", "profit_headline", "describe_profit"],
    "ensemble_study": ["ENSEMBLE_MODELS", "BOOSTED_METHODS", "DRAWS", "member_counts", "describe_members", "describe_rounds", "ensemble_methods", "compare_ensembles", "judge_families", "HEADLINE_KEYS", "family_headline", "recall_changes", "describe_recall_changes", "describe_families_of", "ensembles_heading", "boosted_heading"],
    "environment": ["PACKAGES", "package_versions", "hardware", "model_check", "check", "missing_packages", "as_frame", "environment_headline", "describe_environment"],
    "explore": ["RULES", "method_name", "cost_matrix", "threshold_decision", "View", "Explorer", "plot_confusion", "plot_focus_reliability", "plot_view", "ece_of", "describe_decisions"],
    "explore_widget": ["THRESHOLD_RANGE", "COST_RATIO_RANGE", "ExplorerWidget", "live", "show"],
    "findings": ["positive_class", "effects", "fold_mean", "describe_effects", "best_of_effects", "best_headline", "most_rebalanced", "compared_with", "prior_corrected", "describe_prior_correction", "describe_evaluation", "summary_table", "effects_headline", "positive_class_table", "describe_positive_class", "DECISIONS", "GROUPS", "decision_comparison", "describe_decision", "ranking_table"],
    "glossary": ["Term", "GLOSSARY", "term_names", "normalise_term", "glossary_frame", "term_title", "glossary_markdown", "COLUMN_TERMS", "COLUMN_MEANINGS", "describe_columns"],
    "loss_calibration": ["LOSS_GROUPS", "CONFIDENCE_TOLERANCE", "reliability_groups", "confidence_gap", "calibration_causes", "pooled_accuracy", "describe_tradeoffs"],
    "loss_study": ["weights_table", "focal_curves", "seed_formula_scenarios", "seed_regulariser_minimiser", "PriorShiftDemo", "gaussian_prior_shift", "POSTHOC", "LossComparison", "study_loss_params", "loss_methods", "FOLD_METRICS", "summarise_losses", "compare_losses", "loss_differences", "loss_verdict", "losses_headline", "describe_losses", "identical_losses", "describe_identical_losses", "describe_unmoved_recalls", "MAX_ROWS", "capped", "metrics_caption"],
    "preprocessing": ["fit_before_split_effects", "DATA_ORIGINS", "data_origin", "describe_preprocessing"],
    "resampling_study": ["WorkedExamples", "worked_examples", "SAMPLER_FAILURES", "resample_counts", "categorical_counts", "categorical_view", "row_origin", "OTHER_CLASSES", "projection", "leakage_demo", "leakage_inflation", "SAMPLER_METRICS", "compare_samplers", "complete_pairs", "summarise_comparison", "scalable_samplers", "scaling_table", "describe_scaling"],
    "resampling_findings": ["sampler_differences", "sampler_verdicts", "describe_comparison", "resampling_headline", "describe_study", "CLEANERS", "describe_cleaning"],
    "rule_study": ["NOT_ENOUGH", "NO_PLAIN_MODEL", "PLAIN_RULES", "OWN_RULE", "rule_name", "stated_cost", "rule_methods", "RuleComparison", "compare_rules", "rules_headline", "describe_cost", "describe_rules", "cost_curve_labels", "figure_lines", "no_plain_model"],
    "seed_formulas": ["SeedDocumentLosses", "seed_document_losses"],
    "smote_lesson": ["SmoteExample", "worked_example", "TOY_SAMPLERS", "toy_problem", "decision_boundaries", "GROUPED", "UNGROUPED", "grouping_inflation", "describe_grouping", "NO_GROUPS_NOTE", "grouping_study", "grouping_headline"],
    "tables": ["DATA_PARAMETERS", "loader_options", "notebook_table", "notebook_tables"],
    "transfer": ["CHINESE_ENCODERS", "text_inputs", "CjkTokenization", "measure_cjk_tokenization", "describe_tokenization", "smote_effect", "describe_smote_effect", "minority_only_row", "scores_table", "compare_quantized", "describe_quantized", "compare_precision", "describe_precision", "precision_headline", "compare_with_frozen", "describe_frozen_comparison", "transfer_headline", "describe_transfer", "P_VALUE_NOTE", "FP32_ON_GENERATED_ONLY"],
})
