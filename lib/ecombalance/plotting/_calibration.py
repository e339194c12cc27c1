"""Calibration figures class by class: the reliability curve of each class's own probability, with the number of
rows behind every point (:func:`ecombalance.evaluation.classwise_reliability`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ecombalance.evaluation._class_calibration import classwise_reliability
from ecombalance.evaluation._metrics import ECE_BINS
from ecombalance.i18n import gettext as _
from ecombalance.plotting._style import CLASS_COLOURS, REFERENCE, axes_or_new, readable

MAX_CLASSES_DRAWN = 6
"""Above this many classes :func:`plot_classwise_reliability` draws the largest and the smallest ones only."""


def plot_classwise_reliability(y_true: Any, proba: Any, classes: Sequence | None = None, n_bins: int = ECE_BINS,
                               show: Sequence | None = None, ax: Axes | None = None, title: str | None = None,
                               annotate: bool = True) -> Axes:
    """Draw the reliability curve of each class's own probability, with the rows behind every point.

    Per class, the mean predicted probability of the class in each bin against how often the label is that
    class, one line per class (largest class first, :data:`~ecombalance.plotting._style.CLASS_COLOURS`), with the
    diagonal of perfect calibration (:func:`ecombalance.evaluation._class_calibration.classwise_reliability`).

    Each point's area grows with the rows in its bin and, with ``annotate``, is labelled with that count, so a
    point resting on three rows is not read like one on three hundred. The legend gives each class's one-vs-rest
    ECE (the ``ece[<class>]`` of :func:`ecombalance.evaluation.calibration_table`: the same bins and rows) and its
    number of rows. ``show`` picks the classes drawn (default: all up to :data:`MAX_CLASSES_DRAWN`, else the three
    largest and the three smallest).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The true labels.
    proba : array-like of shape (n_samples, n_classes)
        The probability of each class (columns ``classes``).
    classes : sequence, default=None
        The class of each column of ``proba``; None for the sorted labels.
    n_bins : int, default=15
        Number of equal-width bins (:data:`~ecombalance.evaluation._metrics.ECE_BINS`).
    show : sequence, default=None
        The classes drawn; None for the default above.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    title : str, default=None
        The title; None for none.
    annotate : bool, default=True
        Write each point's row count beside it.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        When ``show`` names a class that is not among the labels.

    Examples
    --------
    >>> from ecombalance.plotting import plot_classwise_reliability
    >>> y_true = ["a", "a", "a", "b", "b", "c"]
    >>> proba = [[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.5, 0.2, 0.3],
    ...          [0.3, 0.6, 0.1], [0.2, 0.5, 0.3], [0.3, 0.2, 0.5]]
    >>> ax = plot_classwise_reliability(y_true, proba, n_bins=5)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['a (ECE 0.317, 3 rows)', 'b (ECE 0.283, 2 rows)', 'c (ECE 0.233, 1 rows)']
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
                label=_("{label} (ECE {ece}, {n} rows)").format(label=label, ece=f"{ece:.3f}", n=f"{sizes[label]:,}"))
        ax.scatter(part["confidence"], part["frequency"], s=12 + 120 * np.sqrt(part["count"] / biggest),
                   color=colour, alpha=0.7, zorder=3)
        if annotate:
            for x, y, n in zip(part["confidence"], part["frequency"], part["count"]):
                ax.annotate(f"{int(n)}", (x, y), textcoords="offset points", xytext=(4, -9), fontsize=6,
                            color=colour)
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel=_("predicted probability of the class"),
           ylabel=_("share of the bin that is the class"))
    if title:
        ax.set_title(readable(title), fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_reliability_panels(y_true: Any, probas: Mapping[str, Any], groups: Mapping[str, Sequence[str]],
                            reference: str | None = None, classes: Sequence | None = None, n_bins: int = ECE_BINS,
                            counts: bool = True, axes: Sequence[Axes] | None = None, ncols: int = 3,
                            size: tuple[float, float] = (4.3, 3.7), title: str = "") -> np.ndarray:
    """Small multiples of :func:`~ecombalance.plotting._figures.plot_reliability` instead of one panel of many
    overlapping curves: one panel per group of methods (``groups``: ``{panel title: [method, ...]}``), each with
    ``reference`` (e.g. plain cross-entropy) in grey beside the group's methods and, with ``counts``, every curve's
    rows per bin as bars on a logarithmic axis. Draws on ``axes`` (one per group) when given, else on a new figure
    of ``ncols`` columns; ``title`` opens every panel's title. Returns the Axes drawn on."""
    from ecombalance.plotting._figures import plot_reliability
    from ecombalance.plotting._style import panels

    if not groups:
        raise ValueError("groups is empty: give {panel title: [method, ...]}")
    unknown = sorted({m for names in groups.values() for m in names} - set(probas))
    if unknown or (reference is not None and reference not in probas):
        raise ValueError(f"no probabilities for {unknown or [reference]}; probas has {list(probas)}")
    axes = panels(len(groups), size=size, ncols=ncols) if axes is None else np.asarray(axes, dtype=object).ravel()
    if len(axes) < len(groups):
        raise ValueError(f"{len(groups)} panels to draw but only {len(axes)} axes were given")
    for ax, (name, methods) in zip(axes, groups.items()):
        if reference is not None:
            plot_reliability(y_true, probas[reference], n_bins=n_bins, classes=classes, label=reference, ax=ax,
                             color=REFERENCE, counts=counts)
        for method, colour in zip(methods, CLASS_COLOURS):
            plot_reliability(y_true, probas[method], n_bins=n_bins, classes=classes, label=method, ax=ax,
                             color=colour, counts=counts)
        ax.set_title(f"{title}{readable(name)}", fontsize=10)
        ax.legend(fontsize=7, loc="upper left")
    return axes[:len(groups)]
