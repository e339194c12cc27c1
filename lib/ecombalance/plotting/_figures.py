"""The figure helpers of the package: one signature ``plot_x(..., ax=None) -> Axes``, drawn in the palette of
:mod:`ecombalance.plotting._style` (predictions against the truth are in :mod:`ecombalance.plotting._predictions`,
losses and training in :mod:`ecombalance.plotting._training`, class-wise calibration in
:mod:`ecombalance.plotting._calibration`).

Each helper draws on ``ax`` when one is given (a panel of :func:`~ecombalance.plotting._style.panels`, or any Axes)
and otherwise creates a figure of a sensible size; it returns the Axes it drew on, so a caller can still change a
title or a limit. :func:`plot_projection` draws small multiples and takes and returns an array of Axes instead.
Titles, axis labels and legends are written in the current language (:mod:`ecombalance.i18n`); a default given in a
signature is English marked ``N_`` and translated where it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ecombalance.evaluation._calibration import expected_calibration_error_from_curve, reliability_curve
from ecombalance.evaluation._metrics import ECE_BINS
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.plotting._style import (CALIBRATION_COLOURS, CLASS_COLOURS, OBSERVED, PROTOCOL_COLOURS, REFERENCE,
                                         axes_or_new, panels, readable, series_colours)


# ----------------------------------------------------------------------------------------------- bars
def plot_class_distribution(dist: pd.DataFrame, ax: Axes | None = None, title: str | None = None,
                            xlabel: str = N_("items (rows)")) -> Axes:
    """Draw horizontal bars of the class counts, largest class on top, each labelled "count (share)".

    The default title gives the imbalance ratio :math:`\\max_c N_c / \\min_c N_c`.

    Parameters
    ----------
    dist : DataFrame
        One row per class (the index), columns ``count`` and ``proportion``
        (:func:`ecombalance.sampling._imbalance.distribution`).
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    title : str, default=None
        The title; None for "Class distribution, IR = <ratio>:1".
    xlabel : str, default="items (rows)"
        The label of the count axis.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        When ``dist`` lacks the column ``count`` or ``proportion``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.plotting import plot_class_distribution
    >>> dist = pd.DataFrame({"count": [400, 150, 50], "proportion": [0.667, 0.25, 0.083]},
    ...                     index=["electronics", "home_kitchen", "sports_outdoors"])
    >>> ax = plot_class_distribution(dist)
    >>> ax.get_title(), [label.get_text() for label in ax.texts]
    ('Class distribution, IR = 8.0:1', ['400 (0.667)', '150 (0.250)', '50 (0.083)'])
    """
    missing = {"count", "proportion"} - set(dist.columns)
    if missing:
        raise ValueError(f"dist needs the columns 'count' and 'proportion' (missing {sorted(missing)}); "
                         "pass ecombalance.sampling._imbalance.distribution(labels)")
    dist = dist.sort_values("count", ascending=False, kind="stable")
    ax = axes_or_new(ax, (6, 0.45 * len(dist) + 1.6))
    bars = ax.barh(dist.index.astype(str), dist["count"], color=series_colours(dist.index))
    ax.bar_label(bars, labels=[f"{n} ({p:.3f})" for n, p in zip(dist["count"], dist["proportion"])], padding=2)
    ax.invert_yaxis()
    ax.margins(x=0.25)
    ax.set_xlabel(readable(xlabel))
    ax.set_ylabel(readable(dist.index.name or N_("class")))
    ratio = f"{dist['count'].max() / dist['count'].min():.1f}"
    ax.set_title(readable(title) if title else _("Class distribution, IR = {ratio}:1").format(ratio=ratio))
    return ax


def plot_grouped_bars(table: pd.DataFrame | pd.Series, ax: Axes | None = None, *,
                      interval: tuple[pd.DataFrame, pd.DataFrame] | None = None, reference: Any = None,
                      colours: Sequence[str] | None = None, xlabel: str | None = None, ylabel: str | None = None,
                      title: str | None = None, ylim: tuple[float, float] | None = None, rot: float = 0,
                      legend_kw: Mapping[str, Any] | None = None) -> Axes:
    """One group of bars per row of ``table``, one bar (and legend entry) per column.

    ``colours`` default to :func:`series_colours` of the columns, with column ``reference`` in grey.
    ``interval`` = ``(low, high)``, frames shaped like ``table``, draws each bar's interval as an error
    bar. ``legend_kw`` updates the legend's keywords (default: small font, best place); a Series draws
    one colour and no legend. Axis labels default to the index's name (else "group") and the Series' or the
    columns' name (else "value"); every label and the title are written in words (:func:`readable`: a table row
    such as ``("-", "fit_seconds")`` reads "seconds to fit").
    """
    single = isinstance(table, pd.Series)
    frame = table.to_frame() if single else table
    ax = axes_or_new(ax, (max(5.0, 0.25 * frame.size + 2), 3.5))
    yerr = None
    if interval is not None:
        low, high = (pd.DataFrame(b).reindex(index=frame.index, columns=frame.columns) for b in interval)
        yerr = np.stack([(frame - low).T.to_numpy(), (high - frame).T.to_numpy()], axis=1)
    colours = list(colours) if colours is not None else series_colours(frame.columns, reference)
    frame.plot.bar(ax=ax, rot=rot, width=0.85 if frame.shape[1] > 1 else 0.6, yerr=yerr,
                   capsize=2 if yerr is not None else 0, color=colours)
    if rot:
        plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    default_y = table.name if single else frame.columns.name
    ax.set(xlabel=readable(xlabel if xlabel is not None else (frame.index.name or N_("group"))),
           ylabel=readable(ylabel or (default_y if default_y is not None else N_("value"))),
           title=readable(title) if title else "")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if single:
        ax.get_legend().remove()
    else:
        ax.legend(**{"fontsize": 7, "loc": "best", **(legend_kw or {})})
    return ax


def plot_recall(summary: pd.DataFrame, classes: Sequence, methods: Sequence[str], ax: Axes | None = None) -> Axes:
    """Draw grouped bars of per-class recall (pooled out-of-fold) with their bootstrap intervals.

    One group per class, one bar per method, the first method (the baseline) in grey.

    Parameters
    ----------
    summary : DataFrame
        The summary table of :func:`ecombalance.evaluation._stats.summarise`: columns ``method``, ``metric``,
        ``class``, ``pooled``, ``ci_low`` and ``ci_high``; its ``"recall"`` rows are drawn.
    classes : sequence
        The classes, in the order drawn.
    methods : sequence of str
        The methods, in the order drawn; the first is the baseline.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.plotting import plot_recall
    >>> summary = pd.DataFrame({"method": ["none", "none", "smote", "smote"], "metric": "recall",
    ...                         "class": ["big", "small", "big", "small"], "pooled": [0.9, 0.4, 0.85, 0.6],
    ...                         "ci_low": [0.85, 0.3, 0.8, 0.5], "ci_high": [0.95, 0.5, 0.9, 0.7]})
    >>> ax = plot_recall(summary, classes=["big", "small"], methods=["none", "smote"])
    >>> ax.get_title(), len(ax.patches)
    ('Per-class recall with 95 % bootstrap intervals', 4)
    """
    rows = summary[summary["metric"] == "recall"]
    order = [str(c) for c in classes]
    table = {col: rows.pivot(index="class", columns="method", values=col).loc[order, list(methods)]
             for col in ("pooled", "ci_low", "ci_high")}
    ax = axes_or_new(ax, (11, 3.5))
    return plot_grouped_bars(table["pooled"], ax=ax, interval=(table["ci_low"], table["ci_high"]),
                             reference=methods[0], ylabel=N_("recall (pooled out-of-fold)"),
                             title=N_("Per-class recall with 95 % bootstrap intervals"),
                             legend_kw={"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)})


def plot_leakage(leak: Mapping[str, pd.DataFrame], ax: Axes | None = None,
                 xlabel: str = N_("cross-validated balanced accuracy")) -> Axes:
    """Mean (± sd over folds) score per sampler when resampling before the split vs inside each fold.

    ``leak`` maps a sampler's name to :func:`ecombalance._chapters.resampling_study.leakage_demo`, whose
    first row is the leaky protocol and second the honest one.
    """
    names = list(leak)
    protocols = list(next(iter(leak.values())).index)
    ax = axes_or_new(ax, (7, 0.6 * len(names) * len(protocols) + 1))
    height = 0.8 / len(protocols)
    colours = [PROTOCOL_COLOURS["leaky"], PROTOCOL_COLOURS["honest"]]
    for k, protocol in enumerate(protocols):
        means = [float(leak[n].loc[protocol, "mean"]) for n in names]
        stds = [float(leak[n].loc[protocol, "std"]) for n in names]
        ax.barh(np.arange(len(names)) + (k - (len(protocols) - 1) / 2) * height, means, height=height, xerr=stds,
                capsize=2, color=colours[k % 2], label=readable(protocol))
    lowest = min(float((f["mean"] - f["std"]).min()) for f in leak.values())
    ax.set_xlim(min(0.5, np.floor(lowest * 10) / 10), 1.0)
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(readable(xlabel))
    ax.set_ylabel(_("sampler"))
    ax.set_title(_("Resampling before the split inflates the score"))
    ax.legend(fontsize=7, loc="lower left")
    return ax


# ---------------------------------------------------------------------------------------------- lines
def _count_axes(ax: Axes) -> Axes:
    """The twin axes of ``ax`` that holds the rows per bin (made on first use, drawn behind the curves)."""
    for other in ax.figure.axes:
        if other is not ax and other.get_gid() == "row counts" and other.get_shared_x_axes().joined(ax, other):
            return other
    twin = ax.twinx()
    twin.set_gid("row counts")
    twin.set_yscale("log", nonpositive="clip")  # bars start at 0: clipped to the axis, not masked away
    twin.set(ylabel=_("rows per bin (bars, log scale)"), xlabel=ax.get_xlabel())
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    return twin


def plot_reliability(y_true: Any, proba: Any, n_bins: int = ECE_BINS, classes: Sequence | None = None,
                     label: str | None = None, ax: Axes | None = None, counts: bool = False, **plot_kwargs) -> Axes:
    """Draw a reliability diagram: accuracy against confidence per equal-width bin, with the diagonal.

    Binary ``proba`` (1-D) is the positive class's probability against the observed frequency; 2-D
    ``proba`` is the top label's confidence against its accuracy
    (:func:`ecombalance.evaluation.reliability_curve`). Call it again with the returned Axes to
    compare, e.g., before and after :func:`ecombalance.sampling.prior_correct`; each curve takes the
    next palette colour unless ``color`` is given, and the legend shows its expected calibration error, with
    the bins the chapters' ECE uses (:data:`ecombalance.evaluation._metrics.ECE_BINS`), so figure and text agree.

    With ``counts`` the rows of every bin are drawn as bars in the curve's colour on a second, logarithmic axis on
    the right: the ECE weights each bin by its rows, so a curve far off the diagonal where few rows are barely
    moves it, and the bars show where that is.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        The true labels (0/1 with 1-D ``proba``).
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        The positive class's probability, or the probability of each class (columns ``classes``).
    n_bins : int, default=15
        Number of equal-width bins (:data:`~ecombalance.evaluation._metrics.ECE_BINS`).
    classes : sequence, default=None
        The class of each column of a 2-D ``proba``; None for ``0, ..., n_classes - 1``.
    label : str, default=None
        The curve's name in the legend, before its ECE.
    ax : matplotlib Axes, default=None
        Where to draw; None draws on a new figure.
    counts : bool, default=False
        Also draw the rows of every bin as bars on a second, logarithmic axis.
    **plot_kwargs : dict
        Keywords of the curve's ``Axes.plot`` (``color``, ``linestyle``, ...).

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        When ``n_bins`` is not a positive int, 1-D ``proba`` comes with labels that are not 0/1, or ``y_true``
        holds a label not in ``classes``.

    Examples
    --------
    >>> from ecombalance.plotting import plot_reliability
    >>> y_true = [0, 0, 1, 1, 1, 0, 1, 0]
    >>> proba = [0.1, 0.3, 0.8, 0.7, 0.9, 0.6, 0.4, 0.2]
    >>> ax = plot_reliability(y_true, proba, n_bins=5, label="logreg")
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['logreg (ECE 0.225)']
    """
    curve = reliability_curve(y_true, proba, n_bins=n_bins, classes=classes)
    ece = expected_calibration_error_from_curve(curve)
    filled = curve[curve["count"] > 0]
    ax = axes_or_new(ax, (5, 4))
    drawn = [line for line in ax.get_lines() if line.get_gid() == "reliability"]
    if not any(line.get_gid() == "diagonal" for line in ax.get_lines()):
        ax.plot([0, 1], [0, 1], color=REFERENCE, linestyle=":", linewidth=1.2, gid="diagonal")
    plot_kwargs.setdefault("color", CLASS_COLOURS[len(drawn) % len(CLASS_COLOURS)])
    name = f"{label} " if label else ""
    ax.plot(filled["confidence"], filled["accuracy"], marker="o", label=f"{name}(ECE {ece:.3f})", gid="reliability",
            **plot_kwargs)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_("confidence") if np.ndim(proba) == 2 else _("predicted probability"))
    ax.set_ylabel(_("accuracy") if np.ndim(proba) == 2 else _("observed frequency"))
    if counts:
        twin = _count_axes(ax)
        twin.bar(curve["bin_lower"], curve["count"].where(curve["count"] > 0), width=1 / n_bins, align="edge",
                 color=plot_kwargs["color"], alpha=0.25, gid="row counts")
        top = max((bar.get_height() for bar in twin.patches if np.isfinite(bar.get_height())), default=1)
        twin.set_ylim(0.8, max(top, 10) ** 2.5)  # on the log axis the bars fill the lower 40 %, under the curves
        twin.set_xlabel(ax.get_xlabel())
    ax.legend(loc="upper left")
    return ax


def plot_recalibration(y_true: Any, raw: Any, recalibrated: Any,
                       labels: tuple[str, str] = (N_("raw"), N_("recalibrated")),
                       n_bins: int = ECE_BINS, classes: Sequence | None = None, ax: Axes | None = None,
                       counts: bool = False) -> Axes:
    """:func:`plot_reliability` of the same labels' probabilities before and after recalibration (or prior
    correction), in :data:`CALIBRATION_COLOURS`; ``counts`` adds each curve's rows per bin as bars."""
    ax = plot_reliability(y_true, raw, n_bins=n_bins, classes=classes, label=_(labels[0]), ax=ax,
                          color=CALIBRATION_COLOURS["raw"], counts=counts)
    return plot_reliability(y_true, recalibrated, n_bins=n_bins, classes=classes, label=_(labels[1]), ax=ax,
                            color=CALIBRATION_COLOURS["recalibrated"], counts=counts)


def plot_posteriors(curves: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Posteriors ``p(y=c|x)`` (solid) and their prior-adjusted ``balanced p(y=c|x)`` (dashed) in class
    colours: :attr:`ecombalance._chapters.loss_study.PriorShiftDemo.curves`."""
    ax = axes_or_new(ax, (7, 3.2))
    plain = curves.filter(regex="^p")
    balanced = curves.filter(regex="^balanced")
    plain.plot(ax=ax, color=series_colours(plain.columns))
    balanced.plot(ax=ax, color=series_colours(balanced.columns), style="--")
    ax.set(xlabel=_("{name} (feature value)").format(name=readable(curves.index.name or "x")),
           ylabel=_("probability (share)"),
           title=_("Posterior under training priors (solid) and after adjustment (dashed)"))
    ax.legend(fontsize=7, ncol=2)
    return ax


def plot_downsampling_metric(table: pd.DataFrame, metric: str, ax: Axes | None = None,
                             observed: float | None = None, observed_label: str = N_("observed click rate")) -> Axes:
    """One metric of :func:`ecombalance._chapters.ctr.downsampling_study` against the negative rate ``w``
    (log axis), raw and recalibrated; ``observed`` adds a horizontal reference line.

    ``table`` is the study's metrics pivoted to rows ``(calibration, metric)`` and columns ``rate``.
    """
    ax = axes_or_new(ax, (4.5, 3.4))
    for calibration, style in (("raw", "o-"), ("recalibrated", "s--")):
        table.loc[(calibration, metric)].plot(ax=ax, style=style, logx=True, label=_(calibration),
                                              color=CALIBRATION_COLOURS[calibration])
    if observed is not None:
        ax.axhline(observed, color=OBSERVED, linewidth=0.8, label=_(observed_label))
    words = readable(metric)
    ax.set(xlabel=_("negative rate w (share of negatives kept, log scale)"), ylabel=words,
           title=_("{metric}, raw and recalibrated").format(metric=f"{words[:1].upper()}{words[1:]}"))
    ax.legend(fontsize=8)
    return ax


# ------------------------------------------------------------------------------- data and samplers
def plot_boxes(frame: pd.DataFrame, ax: Axes | None = None, log: bool = False, title: str | None = None) -> Axes:
    """A box plot per column of ``frame`` (missing values left out); ``log`` for a log value axis."""
    ax = axes_or_new(ax, (5, 3))
    if frame.shape[1] == 0:
        ax.text(0.5, 0.5, _("no numeric columns"), ha="center", va="center", transform=ax.transAxes)
    else:
        ax.boxplot([frame[c].dropna().to_numpy(dtype=float) for c in frame.columns],
                   tick_labels=[str(c) for c in frame.columns])
        ax.tick_params(axis="x", rotation=45)
        if log:
            ax.set_yscale("log")
    ax.set(xlabel=_("column"), ylabel=_("value (log scale)") if log else _("value"),
           title=readable(title) if title else "")
    return ax


def plot_decision_boundaries(panels_: Mapping[str, Mapping[str, Any]], ncols: int = 3) -> np.ndarray:
    """One panel per sampler: the classifier's decision regions on the 2-D toy and the (resampled) training
    rows, minority in the second class colour, as imbalanced-learn's gallery draws them
    (:func:`ecombalance._chapters.smote_lesson.decision_boundaries`): original rows as dots, synthetic rows as
    crosses (with a panel's ``origin``), and the rows a cleaner removed named in the title (``removed``)."""
    axes = panels(len(panels_), size=(3.4, 3.0), ncols=ncols)
    colours = mpl.colors.ListedColormap([CLASS_COLOURS[0], CLASS_COLOURS[1]])
    names = {(0, False): _("majority"), (1, False): _("minority"), (0, True): _("majority (synthetic)"),
             (1, True): _("minority (synthetic)")}
    with_synthetic = []
    for ax, (name, panel) in zip(axes, panels_.items()):
        ax.contourf(panel["xx"], panel["yy"], panel["zz"], levels=[-0.5, 0.5, 1.5], cmap=colours, alpha=0.18)
        origin = np.asarray(panel.get("origin", np.full(len(panel["y"]), "original")))
        with_synthetic.append(bool((origin == "synthetic").any()))
        for label, colour in ((0, CLASS_COLOURS[0]), (1, CLASS_COLOURS[1])):
            for synthetic, marker in ((False, "o"), (True, "x")):
                rows = panel["X"][(panel["y"] == label) & ((origin == "synthetic") == synthetic)]
                if len(rows) or not synthetic:
                    ax.scatter(rows[:, 0], rows[:, 1], s=8 if not synthetic else 10, color=colour, marker=marker,
                               edgecolor="none" if not synthetic else None, alpha=0.7, linewidths=0.8,
                               label=names[(label, synthetic)])
        removed = sum(panel.get("removed", {}).values())
        share = f"{panel['minority_share']:.0%}"
        title = (_("{name} (minority {share}, {removed} rows removed)") if removed and name != "random_under"
                 else _("{name} (minority {share})")).format(name=name, share=share, removed=removed)
        ax.set(title=title, xlabel=_("feature {n}").format(n=1), ylabel=_("feature {n}").format(n=2))
        ax.title.set_fontsize(9)
    axes[0].legend(loc="lower right", fontsize=7)
    for ax, synthetic in zip(axes[1:], with_synthetic[1:]):  # the first panel with synthetic rows explains the crosses
        if synthetic:
            ax.legend(loc="lower right", fontsize=7)
            break
    return axes


def plot_projection(frame: pd.DataFrame, ncols: int = 4, axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Small multiples of :func:`ecombalance._chapters.resampling_study.projection`, one panel per sampler:
    originals as dots, synthetic points as crosses, classes in the palette (largest first).

    Draws on ``axes`` (one per sampler) when given, else on a new grid of ``ncols`` columns with shared
    axes. Returns the array of Axes drawn on.
    """
    names = list(dict.fromkeys(frame["sampler"]))
    if axes is None:
        nrows = -(-len(names) // ncols)
        _figure, grid = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3 * nrows), sharex=True, sharey=True,
                               squeeze=False, layout="constrained")
        for ax in grid.ravel()[len(names):]:
            ax.set_visible(False)
        axes = grid.ravel()[:len(names)]
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) < len(names):
        raise ValueError(f"{len(names)} samplers to draw but only {len(axes)} axes were given")
    first = frame[(frame["sampler"] == names[0]) & (frame["origin"] == "original")]
    labels = list(first["label"].value_counts().index) + [
        c for c in pd.unique(frame["label"]) if c not in set(first["label"])]
    colours = dict(zip(labels, series_colours(labels)))
    origins = {"original": _("original"), "synthetic": _("synthetic")}
    for ax, name in zip(axes, names):
        part = frame[frame["sampler"] == name]
        for label, colour in colours.items():
            for origin, marker, alpha in (("original", "o", 0.5), ("copy", "o", 0.5), ("synthetic", "x", 0.8)):
                pts = part[(part["label"] == label) & (part["origin"] == origin)]
                ax.scatter(pts["x"], pts["y"], s=8, marker=marker, color=colour, alpha=alpha,
                           label=_("{label} ({origin})").format(label=label, origin=origins[origin])
                           if origin != "copy" else None)
        ax.set_title(f"{name} (n={len(part)})", fontsize=9)
        ax.set(xlabel=_("SVD component {n}").format(n=1), ylabel=_("SVD component {n}").format(n=2))
    axes[0].legend(fontsize=6, loc="best")
    return axes[:len(names)]


def plot_cost_curve(curve: pd.DataFrame, rules: Mapping[str, float] | pd.DataFrame | None = None,
                    cost_unit: str = N_("cost units"), ax: Axes | None = None,
                    title: str = N_("Cost against threshold (out of fold)")) -> Axes:
    """Mean cost per item against the threshold on one class's probability, a line per class
    (:meth:`ecombalance._chapters.rule_study.RuleComparison.curve`, :attr:`ecombalance.evaluation.CostDecision.curve`),
    and the cost of each decision rule as a horizontal line: ``rules`` maps a label to its mean cost per item (a
    table with an ``expected_cost`` column gives one line per row). A label holding "Bayes" is drawn solid and
    thick: the rule that needs no threshold at all."""
    ax = axes_or_new(ax, (8.5, 3.9))
    classes = list(dict.fromkeys(curve["class"]))
    for cls, colour in zip(classes, series_colours(classes)):
        part = curve[curve["class"] == cls]
        ax.plot(part["threshold"], part["expected_cost"], marker=".", color=colour,
                label=_("threshold on {name}").format(name=cls))
    if isinstance(rules, pd.DataFrame):
        rules = {str(name): float(cost) for name, cost in rules["expected_cost"].items()}
    styles = iter([("--", REFERENCE), (":", OBSERVED), ("-.", CLASS_COLOURS[-1]), ((0, (1, 3)), "black")])
    for label, cost in (rules or {}).items():
        if "bayes" in label.lower():
            ax.axhline(cost, color="black", linewidth=2, label=f"{_(label)}: {cost:.3f}", gid="bayes rule")
        else:
            style, colour = next(styles, ("--", REFERENCE))
            ax.axhline(cost, color=colour, linestyle=style, label=f"{_(label)}: {cost:.3f}")
    ax.set(xlabel=_("threshold on the class probability (0–1)"),
           ylabel=_("mean cost per item ({unit})").format(unit=_(cost_unit)),
           title=readable(title))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_profit_curve(curve: pd.DataFrame, threshold: float | None = None, closed_form: float | None = None,
                      unit: str = N_("value units"), ax: Axes | None = None) -> Axes:
    """Profit per 1,000 rows against the threshold on the click probability
    (:func:`ecombalance.evaluation.profit_curve`), with the tuned and the closed-form thresholds marked."""
    ax = axes_or_new(ax, (6, 3.8))
    ax.plot(curve["threshold"], curve["profit_per_row"] * 1000, color=CLASS_COLOURS[0], label=_("profit"))
    ax.axhline(0, color=REFERENCE, linewidth=1)
    if threshold is not None and np.isfinite(threshold):
        ax.axvline(threshold, color=OBSERVED, linestyle="--",
                   label=_("tuned threshold {threshold}").format(threshold=f"{threshold:.3f}"))
    if closed_form is not None:
        ax.axvline(closed_form, color=REFERENCE, linestyle=":",
                   label=_("closed form {threshold}").format(threshold=f"{closed_form:.3f}"))
    ax.set(xlabel=_("threshold on the click probability (0–1)"),
           ylabel=_("profit per 1,000 rows ({unit})").format(unit=_(unit)), title=_("Profit against threshold"))
    ax.legend(fontsize=7)
    return ax
