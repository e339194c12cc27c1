"""Figures of the losses and of training a neural model: the loss of one sample against its true-class probability
(:func:`plot_focal_curves`), the training loss per optimizer step (:func:`plot_training_loss`) and a validation
metric per epoch (:func:`plot_validation_curve`). Each draws on ``ax`` when one is given, else on a new figure, and
returns the Axes it drew on, as every helper of :mod:`ecombalance.plotting._figures`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes

from ecombalance.i18n import gettext as _
from ecombalance.plotting._style import axes_or_new, readable, series_colours


def plot_focal_curves(curves: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw the loss of one sample against its true-class probability, one line per γ, on a log axis.

    The focal loss [1]_ of a sample whose true class has probability :math:`p_t` is
    :math:`-(1 - p_t)^\\gamma \\log p_t`; γ = 0 is the cross-entropy.

    Parameters
    ----------
    curves : DataFrame
        One column per γ (its name in the legend), indexed by :math:`p_t`
        (:func:`ecombalance._chapters.loss_study.focal_curves`).
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.

    Returns
    -------
    Axes
        The Axes drawn on.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss for Dense Object Detection",
       ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from ecombalance.plotting import plot_focal_curves
    >>> p_t = np.linspace(0.01, 0.99, 50)
    >>> curves = pd.DataFrame({f"gamma={g}": -(1 - p_t) ** g * np.log(p_t) for g in (0, 2)}, index=p_t)
    >>> ax = plot_focal_curves(curves)
    >>> ax.get_title(), len(ax.get_lines()), ax.get_yscale()
    ('Cross-entropy vs focal loss', 2, 'log')
    """
    ax = axes_or_new(ax, (6, 3.5))
    curves.plot(ax=ax, logy=True, ylim=(1e-5, 5), color=series_colours(curves.columns))
    ax.set(xlabel=_("$p_t$ (probability of the true class)"), ylabel=_("loss of one sample"),
           title=_("Cross-entropy vs focal loss"))
    return ax


def plot_training_loss(step_logs: Mapping[str, pd.DataFrame], ax: Axes | None = None) -> Axes:
    """Draw the training loss per optimizer step, one line per run.

    Parameters
    ----------
    step_logs : mapping of str to DataFrame
        Each run's name and its log with columns ``step`` and ``loss`` (a fitted model's ``step_log_``).
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.plotting import plot_training_loss
    >>> logs = {"cross-entropy": pd.DataFrame({"step": [1, 2, 3], "loss": [1.1, 0.8, 0.6]}),
    ...         "focal": pd.DataFrame({"step": [1, 2, 3], "loss": [0.7, 0.5, 0.4]})}
    >>> ax = plot_training_loss(logs)
    >>> ax.get_xlabel(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('optimizer step', ['cross-entropy', 'focal'])
    """
    ax = axes_or_new(ax, (5, 3.4))
    for (name, log), colour in zip(step_logs.items(), series_colours(list(step_logs))):
        ax.plot(log["step"], log["loss"], label=name, color=colour)
    ax.set(xlabel=_("optimizer step"), ylabel=_("training loss"), title=_("training loss"))
    ax.legend()
    return ax


def plot_validation_curve(histories: Mapping[str, pd.DataFrame], metric: str = "val_macro_f1",
                          ax: Axes | None = None) -> Axes:
    """Draw a validation metric per epoch, one line per run.

    Parameters
    ----------
    histories : mapping of str to DataFrame
        Each run's name and its history with a column ``epoch`` and one per metric (a fitted model's
        ``history_``).
    metric : str, default="val_macro_f1"
        The column drawn.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.plotting import plot_validation_curve
    >>> histories = {"cross-entropy": pd.DataFrame({"epoch": [1, 2], "val_macro_f1": [0.61, 0.70]}),
    ...              "focal": pd.DataFrame({"epoch": [1, 2], "val_macro_f1": [0.64, 0.73]})}
    >>> ax = plot_validation_curve(histories)
    >>> ax.get_title(), len(ax.get_lines())
    ('validation macro-F1', 2)
    """
    ax = axes_or_new(ax, (5, 3.4))
    for (name, history), colour in zip(histories.items(), series_colours(list(histories))):
        ax.plot(history["epoch"], history[metric], marker="o", label=name, color=colour)
    label = readable(metric.removeprefix("val_"))
    ax.set(xlabel=_("epoch"), ylabel=label, title=_("validation {metric}").format(metric=label))
    ax.legend()
    return ax
