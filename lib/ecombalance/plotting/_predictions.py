"""Figures of predictions against the truth: the confusion matrix (:func:`plot_confusion_matrix`) and the
precision-recall curves of one class with each model's operating point (:func:`plot_precision_recall`), drawn with
scikit-learn's displays in the palette of :mod:`ecombalance.plotting._style`. Each draws on ``ax`` when one is given,
else on a new figure, and returns the Axes it drew on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ecombalance.i18n import gettext as _
from ecombalance.plotting._style import REFERENCE, axes_or_new, readable, series_colours


def plot_confusion_matrix(y_true: Any, y_pred: Any, labels: Sequence | None = None, ax: Axes | None = None,
                          normalize: str | None = None, title: str | None = None) -> Axes:
    """Draw a confusion matrix (scikit-learn's display, no colour bar).

    Rows are the true labels, columns the predicted ones; ``normalize="true"`` shows each row's shares (recall on
    the diagonal).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The true labels.
    y_pred : array-like of shape (n_samples,)
        The predicted labels.
    labels : sequence, default=None
        The labels, in the order of rows and columns; None for the sorted labels present.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    normalize : {"true", "pred", "all"}, default=None
        Shares of each row, of each column or of all rows instead of counts; None for counts.
    title : str, default=None
        The title; None for none.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from ecombalance.plotting import plot_confusion_matrix
    >>> ax = plot_confusion_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"], normalize="true")
    >>> [text.get_text() for text in ax.texts]
    ['0.50', '0.50', '0.00', '1.00']
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = axes_or_new(ax, (5, 4))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=labels, normalize=normalize, ax=ax,
                                            colorbar=False, xticks_rotation=30,
                                            values_format=".2f" if normalize else None)
    if title:
        ax.set_title(readable(title), fontsize=10)
    return ax


def plot_precision_recall(y_true: Any, scores: Mapping[str, Any], positive: Any, classes: Sequence | None = None,
                          ax: Axes | None = None, reference: str | None = None,
                          decisions: Mapping[str, Any] | None = None) -> Axes:
    """Draw the precision-recall curves of one class, one per model.

    ``reference`` (a baseline) is drawn in grey; the class's prevalence as a dotted line (the precision of a random
    ranking); with ``decisions`` (name -> predicted labels) each model's operating point, the recall and precision
    of its own decisions, as a marker on its curve. The legend gives each curve's average precision (AP).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The true labels.
    scores : mapping of str to array-like
        A model's name and the positive class's scores (1-D) or the class probabilities (2-D, columns
        ``classes``).
    positive : object
        The class whose precision and recall are drawn.
    classes : sequence, default=None
        The class of each column of 2-D scores.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    reference : str, default=None
        The model drawn in grey (a baseline).
    decisions : mapping of str to array-like, default=None
        A model's name and its predicted labels, marked as its operating point.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        When 2-D scores come without ``classes``.

    Examples
    --------
    >>> from ecombalance.plotting import plot_precision_recall
    >>> y_true = ["shoes", "bags", "shoes", "bags", "shoes", "bags"]
    >>> scores = {"none": [0.6, 0.5, 0.6, 0.5, 0.4, 0.5], "smote": [0.9, 0.2, 0.7, 0.4, 0.3, 0.1]}
    >>> ax = plot_precision_recall(y_true, scores, positive="shoes", reference="none")
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['none (AP = 0.83)', 'smote (AP = 0.92)', 'prevalence 0.500 (random ranking)']
    """
    from sklearn.metrics import PrecisionRecallDisplay

    from ecombalance.evaluation._metrics import scores as metric_scores

    is_positive = np.asarray(y_true) == positive
    ax = axes_or_new(ax, (6, 4))
    for (name, s), colour in zip(scores.items(), series_colours(list(scores), reference)):
        s = np.asarray(s)
        if s.ndim == 2:
            if classes is None:
                raise ValueError("2-D scores need `classes` (their column labels) to find the positive class")
            s = s[:, list(classes).index(positive)]
        PrecisionRecallDisplay.from_predictions(is_positive, s, name=name, ax=ax,
                                                curve_kwargs={"color": colour})
        if decisions is not None and name in decisions:
            found = metric_scores(is_positive, np.asarray(decisions[name]) == positive, classes=[False, True],
                                  metrics=(), per_class=("precision", "recall"))
            ax.plot(found["recall[True]"], found["precision[True]"], "o", color=colour, markersize=8,
                    markeredgecolor="black", label=_("{name}: its decisions").format(name=name),
                    gid="operating point")
    ax.axhline(is_positive.mean(), color=REFERENCE, linestyle=":", linewidth=1, gid="prevalence",
               label=_("prevalence {rate} (random ranking)").format(rate=f"{is_positive.mean():.3f}"))
    ax.legend(loc="lower left", fontsize=8)
    ax.set(xlabel=_("recall of {name}").format(name=repr(positive)),
           ylabel=_("precision of {name}").format(name=repr(positive)))
    ax.set_title(_("Precision-recall for the class {name}").format(name=repr(positive)))
    return ax
