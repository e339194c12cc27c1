"""Display objects, as scikit-learn's (``ConfusionMatrixDisplay``): the numbers of a figure kept apart from its
drawing, so that a figure can be drawn on any Axes and its numbers read back (:class:`ComparisonDisplay`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecombalance.i18n import gettext_noop as N_
from ecombalance.plotting._figures import plot_grouped_bars


class ComparisonDisplay:
    """Macro-F1 of each method with its 95 % bootstrap interval, the baseline in grey.

    The figure of :meth:`ecombalance.Comparison.plot`.

    Build it with :meth:`from_comparison` and draw it with :meth:`plot`, as scikit-learn's displays (unlike their
    ``from_estimator``, :meth:`from_comparison` only collects the numbers: call :meth:`plot` to draw).

    Parameters
    ----------
    scores : Series
        Pooled out-of-fold macro-F1 per method (the index), in the order drawn.
    low, high : Series
        The bootstrap interval of each score (same index).
    baseline : str
        The method drawn in grey (the comparison's reference).

    Attributes
    ----------
    ax_ : matplotlib Axes
        The Axes drawn on (set by :meth:`plot`).
    figure_ : matplotlib Figure
        Its figure.
    bars_ : list of matplotlib Rectangle
        One bar per method, in the order of ``scores``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.plotting import ComparisonDisplay
    >>> scores = pd.Series({"none+logreg": 0.80, "smote+logreg": 0.84})
    >>> d = ComparisonDisplay(scores, scores - 0.02, scores + 0.02, baseline="none+logreg").plot()
    >>> [round(float(bar.get_height()), 2) for bar in d.bars_]
    [0.8, 0.84]
    """

    def __init__(self, scores: pd.Series, low: pd.Series, high: pd.Series, baseline: str):
        self.scores, self.low, self.high, self.baseline = scores, low, high, baseline

    @classmethod
    def from_comparison(cls, comparison: Any) -> ComparisonDisplay:
        """The display of a comparison's macro-F1 scores.

        The methods that ran, best macro-F1 first (the order of ``comparison.table``); a method not run has no bar.

        Parameters
        ----------
        comparison : Comparison
            What :func:`ecombalance.compare` returned.

        Returns
        -------
        ComparisonDisplay
            Not drawn yet: call :meth:`plot`.
        """
        table = comparison.table.dropna(subset=["macro_f1"])
        return cls(table["macro_f1"], table["macro_f1_low"], table["macro_f1_high"], comparison.baseline)

    def plot(self, ax: Any = None, *, title: str = N_("Macro-F1 with 95 % intervals")) -> ComparisonDisplay:
        """Draw the bars on ``ax`` (default: a new figure's Axes).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw.
        title : str
            The Axes' title.

        Returns
        -------
        ComparisonDisplay
            This display, with :attr:`ax_`, :attr:`figure_` and :attr:`bars_` set.
        """
        scores = self.scores.rename("macro-F1")
        interval = (self.low.rename("macro-F1").to_frame(), self.high.rename("macro-F1").to_frame())
        ax = plot_grouped_bars(scores, ax=ax, rot=30, reference=self.baseline, interval=interval, xlabel=N_("method"),
                               ylabel=N_("macro-F1 (pooled out-of-fold, 0–1)"), title=title)
        self.bars_ = list(ax.patches)[-len(scores):]
        for bar, method in zip(self.bars_, scores.index):
            if method == self.baseline:
                bar.set_facecolor("grey")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def __repr__(self) -> str:
        best = self.scores.index[int(np.argmax(self.scores.to_numpy()))] if len(self.scores) else None
        return f"ComparisonDisplay({len(self.scores)} methods, baseline {self.baseline!r}, highest {best!r})"
