"""Every figure helper of the package: one signature ``plot_x(..., ax=None) -> Axes`` and one palette.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.evaluation.calibration import expected_calibration_error_from_curve, reliability_curve


def plot_reliability(ax, y_true: Any, proba: Any, n_bins: int = 10, classes: Sequence | None = None,
                     label: str | None = None, **plot_kwargs):
    """Draw a reliability diagram (accuracy against confidence per bin, with the diagonal) on ``ax``.

    Call it several times on one axis to compare, e.g., before and after :func:`prior_correct`; the
    legend shows each curve's expected calibration error. Returns ``ax``.
    """
    curve = reliability_curve(y_true, proba, n_bins=n_bins, classes=classes)
    ece = expected_calibration_error_from_curve(curve)
    filled = curve[curve["count"] > 0]
    name = f"{label} " if label else ""
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.plot(filled["confidence"], filled["accuracy"], marker="o", label=f"{name}(ECE {ece:.3f})", **plot_kwargs)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence" if np.ndim(proba) == 2 else "predicted probability")
    ax.set_ylabel("accuracy" if np.ndim(proba) == 2 else "observed frequency")
    ax.legend(loc="upper left")
    return ax


def plot_projection(frame: pd.DataFrame, ncols: int = 4):
    """Small multiples of :func:`projection`: originals as dots, synthetic points as crosses."""
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(frame["sampler"]))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3 * nrows), sharex=True, sharey=True, squeeze=False)
    colours = dict(zip(pd.unique(frame["label"]), plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for ax, name in zip(axes.flat, names):
        part = frame[frame["sampler"] == name]
        for label, colour in colours.items():
            for origin, marker, alpha in (("original", "o", 0.5), ("copy", "o", 0.5), ("synthetic", "x", 0.8)):
                pts = part[(part["label"] == label) & (part["origin"] == origin)]
                ax.scatter(pts["x"], pts["y"], s=8, marker=marker, color=colour, alpha=alpha,
                           label=f"{label} ({origin})" if origin != "copy" else None)
        ax.set_title(f"{name} (n={len(part)})", fontsize=9)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
