"""Chapters: what exists for one notebook, including the numbers and the "What we saw" text of each.
"""

from ecombalance._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "baselines": ["OVERALL", "SHOWN_CLASSES", "shown_classes", "classes_note", "plain_model", "out_of_fold_predictions", "BASELINE_MAX_ROWS", "compare_baselines", "baselines_headline", "GAP", "describe_baselines", "ANALYZER_MAX_ROWS", "compare_analyzers", "analyzers_headline", "describe_analyzers"],
    "ctr": ["ctr_model", "click_metrics", "downsampling_study", "downsampling_headline", "describe_downsampling"],
    "environment": ["PACKAGES", "package_versions", "hardware", "model_check", "check", "missing_packages", "as_frame", "environment_headline", "describe_environment"],
    "experiments": ["DEFAULT_METHODS", "BALANCING_SAMPLERS", "parse", "build", "build_all", "training_priors"],
    "findings": ["MAJORITY", "positive_class", "majority_check", "effects", "describe_effects", "best_method", "prior_corrected", "describe_prior_correction", "describe_evaluation", "summary_table", "effects_headline", "positive_class_table", "describe_positive_class", "DECISIONS", "decision_comparison", "describe_decision", "ranking_table"],
    "glossary": ["Term", "GLOSSARY", "term_names", "normalise_term", "glossary_frame", "glossary_markdown"],
    "loss_study": ["weights_table", "focal_curves", "seed_formula_scenarios", "seed_regulariser_minimiser", "PriorShiftDemo", "gaussian_prior_shift", "LossComparison", "study_loss_params", "compare_losses", "losses_headline", "describe_losses"],
    "preprocessing": ["fit_before_split_effects", "DATA_ORIGINS", "data_origin", "describe_preprocessing"],
    "resampling_study": ["WorkedExamples", "worked_examples", "resample_counts", "categorical_counts", "categorical_view", "row_origin", "OTHER_CLASSES", "projection", "leakage_demo", "leakage_inflation", "SAMPLER_METRICS", "compare_samplers", "summarise_comparison", "describe_comparison", "resampling_headline", "scalable_samplers", "describe_study", "scaling_table"],
    "seed_formulas": ["SeedDocumentLosses", "seed_document_losses"],
    "transfer": ["CHINESE_ENCODERS", "text_inputs", "CjkTokenization", "measure_cjk_tokenization", "describe_tokenization", "minority_only_row", "scores_table", "compare_quantized", "compare_precision", "describe_precision", "precision_headline", "compare_with_frozen", "describe_frozen_comparison", "transfer_headline", "describe_transfer"],
})
