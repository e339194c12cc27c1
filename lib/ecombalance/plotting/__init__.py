"""Figures: one palette and style (:mod:`~ecombalance.plotting.style`, imported with the package so that every
figure after ``import ecombalance.plotting`` draws CJK glyphs) and the figure helpers
(:mod:`~ecombalance.plotting.figures`; class-wise calibration in :mod:`~ecombalance.plotting.calibration`),
re-exported here: ``plotting.plot_recall(...)``.
"""

from ecombalance._lazy import attach
from ecombalance.plotting import style as style  # noqa: F401 - registers the CJK font fallback on import

__getattr__, __dir__, __all__ = attach(__name__, {
    "style": ['CLASS_COLOURS', 'REFERENCE', 'OBSERVED', 'PROTOCOL_COLOURS', 'CALIBRATION_COLOURS', 'CJK_FONT_PACKAGE', 'CJK_FONT_FILE', 'cjk_font_path', 'use_cjk_fallback', 'CJK_FONT_FAMILY', 'LABEL_WORDS', 'readable', 'rounded', 'series_colours', 'panels', 'axes_or_new', 'table'],
    "displays": ["ComparisonDisplay"],
    "calibration": ['MAX_CLASSES_DRAWN', 'plot_classwise_reliability', 'plot_reliability_panels'],
    "figures": ['plot_class_distribution', 'plot_grouped_bars', 'plot_recall', 'plot_leakage', 'plot_reliability', 'plot_recalibration', 'plot_focal_curves', 'plot_posteriors', 'plot_downsampling_metric', 'plot_training_loss', 'plot_validation_curve', 'plot_confusion_matrix', 'plot_precision_recall', 'plot_boxes', 'plot_decision_boundaries', 'plot_projection', 'plot_cost_curve', 'plot_profit_curve'],
})
