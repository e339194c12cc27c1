"""Calibration figures class by class: the reliability curve of each class's own probability, with the number of
rows behind every point (:func:`ecombalance.evaluation.classwise_reliability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ecombalance.evaluation.class_calibration import classwise_reliability
from ecombalance.evaluation.metrics import ECE_BINS
from ecombalance.plotting.style import CLASS_COLOURS, REFERENCE, axes_or_new

MAX_CLASSES_DRAWN = 6
"""Above this many classes :func:`plot_classwise_reliability` draws the largest and the smallest ones only."""


def plot_classwise_reliability(y_true: Any, proba: Any, classes: Sequence | None = None, n_bins: int = ECE_BINS,
                               show: Sequence | None = None, ax: Axes | None = None, title: str | None = None,
                               annotate: bool = True) -> Axes:
    """Per class, the mean predicted probability of the class in each bin against how often the label is that
    class, one line per class (largest class first, :data:`~ecombalance.plotting.style.CLASS_COLOURS`), with the
    diagonal of perfect calibration.

    Each point's area grows with the rows in its bin and, with ``annotate``, is labelled with that count, so a
    point resting on three rows is not read like one on three hundred. The legend gives each class's one-vs-rest
    ECE (the ``ece[<class>]`` of :func:`ecombalance.evaluation.calibration_table`: the same bins and rows) and its
    number of rows. ``show`` picks the classes drawn (default: all up to :data:`MAX_CLASSES_DRAWN`, else the three
    largest and the three smallest).
    """
    curves = classwise_reliability(y_true, proba, classes=classes, n_bins=n_bins)
    support = curves.groupby("class", sort=False)["count"].sum()  # every row falls in one bin of each class
    truth = np.asarray(y_true)
    sizes = {label: int((truth == label).sum()) for label in support.index}
    order = sorted(support.index, key=lambda label: -sizes[label])
    if show is None:
        show = order if len(order) <= MAX_CLASSES_DRAWN else order[:3] + order[-3:]
    unknown = [c for c in show if c not in sizes]
    if unknown:
        raise ValueError(f"show names class(es) {unknown} that are not among {list(order)[:10]}")
    ax = axes_or_new(ax, (5.5, 4.2))
    ax.plot([0, 1], [0, 1], color=REFERENCE, linestyle=":", linewidth=1.2, gid="diagonal")
    biggest = max(int(curves["count"].max()), 1)
    for label in show:
        colour = CLASS_COLOURS[order.index(label) % len(CLASS_COLOURS)]
        part = curves[(curves["class"] == label) & (curves["count"] > 0)]
        ece = curves.attrs["ece"][label]
        ax.plot(part["confidence"], part["frequency"], color=colour, linewidth=1.2, gid="classwise",
                label=f"{label} (ECE {ece:.3f}, {sizes[label]:,} rows)")
        ax.scatter(part["confidence"], part["frequency"], s=12 + 120 * np.sqrt(part["count"] / biggest),
                   color=colour, alpha=0.7, zorder=3)
        if annotate:
            for x, y, n in zip(part["confidence"], part["frequency"], part["count"]):
                ax.annotate(f"{int(n)}", (x, y), textcoords="offset points", xytext=(4, -9), fontsize=6,
                            color=colour)
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="predicted probability of the class",
           ylabel="share of the bin that is the class")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    return ax
