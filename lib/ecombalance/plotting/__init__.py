"""Figures: one palette and style (:mod:`~ecombalance.plotting._style`, imported with the package so that every
figure after ``import ecombalance.plotting`` draws CJK glyphs) and the figure helpers
(:mod:`~ecombalance.plotting._figures`; predictions against the truth in :mod:`~ecombalance.plotting._predictions`,
losses and training in :mod:`~ecombalance.plotting._training`, class-wise calibration in
:mod:`~ecombalance.plotting._calibration`), re-exported here: ``plotting.plot_recall(...)``.
"""

from ecombalance._lazy import attach
from ecombalance.plotting import _style  # noqa: F401 - registers the CJK font fallback on import

__getattr__, __dir__, __all__ = attach(__name__, {
    "_displays": ["ComparisonDisplay"],
    "_style": ["use_cjk_fallback"],
    "_figures": ["plot_class_distribution", "plot_recall", "plot_reliability"],
    "_predictions": ["plot_confusion_matrix", "plot_precision_recall"],
    "_training": ["plot_focal_curves", "plot_training_loss", "plot_validation_curve"],
    "_calibration": ["plot_classwise_reliability"],
})
