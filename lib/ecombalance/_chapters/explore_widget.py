"""The JupyterLab view of notebook 08: ipywidgets over an :class:`ecombalance._chapters.explore.Explorer`.

Dropdowns pick the method and the loss (a change fits that pair once; later visits read the cache), sliders the
threshold and the cost ratio (a change refits nothing: the decision rule runs on the cached out-of-fold
probabilities). Moving a slider makes its rule the one that decides. The outputs are the per-class table (HTML),
the confusion matrix and the reliability of the focus class (PNG images drawn without pyplot), so that every
output is a widget value a test can read.

A notebook executed into a report has no live widgets: :func:`show` then displays a note instead of the widget,
and the notebook shows the static view (:func:`ecombalance._chapters.explore.plot_view`) below it.
"""

from __future__ import annotations

import html
import io
from typing import Any

from ecombalance._chapters.explore import RULES, Explorer, View, plot_confusion, plot_focus_reliability
from ecombalance._progress import progress_mode
from ecombalance._validation import plain_label
from ecombalance.i18n import gettext as _
from ecombalance.i18n import pgettext

THRESHOLD_RANGE = (0.01, 0.99)
"""The threshold slider's range."""
COST_RATIO_RANGE = (0.1, 100.0)
"""The cost-ratio slider's range (a logarithmic slider)."""


def _png(draw, view: View) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.5, 4.2), layout="constrained")
    draw(view, ax=figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


class ExplorerWidget:
    """Widgets over an :class:`Explorer`: ``method``, ``loss``, ``focus`` (dropdowns: the class the rules
    favour), ``rule`` (toggle), ``threshold`` and ``cost_ratio`` (sliders); outputs ``table_html`` (HTML), ``confusion_png`` and ``reliability_png``
    (images). :attr:`view` is the :class:`View` on display; :attr:`box` the whole layout (also what
    JupyterLab shows for the object itself).

    Parameters
    ----------
    explorer : Explorer
    method, loss, rule, threshold, cost_ratio, focus
        The starting values (as :meth:`Explorer.view` takes them); ``method`` defaults to the first.
    """

    def __init__(self, explorer: Explorer, method: str | None = None, loss: str | None = None,
                 rule: str = "threshold", threshold: float = 0.5, cost_ratio: float = 1.0, focus: Any = None) -> None:
        import ipywidgets as w

        if not isinstance(explorer, Explorer):
            raise TypeError(f"ExplorerWidget takes an Explorer, got {type(explorer).__name__}")
        method = explorer.methods[0] if method is None else method
        self.explorer = explorer
        self.view = explorer.view(method, loss, rule=rule, threshold=threshold, cost_ratio=cost_ratio, focus=focus)
        lo, hi = THRESHOLD_RANGE
        if not lo <= threshold <= hi or not COST_RATIO_RANGE[0] <= cost_ratio <= COST_RATIO_RANGE[1]:
            raise ValueError(f"the sliders reach threshold {list(THRESHOLD_RANGE)} and cost_ratio "
                             f"{list(COST_RATIO_RANGE)}; got threshold={threshold!r}, cost_ratio={cost_ratio!r}")
        self.method = w.Dropdown(options=explorer.methods, value=method,
                                 description=pgettext("widget", "method"))
        self.loss = w.Dropdown(options=explorer.losses, value=loss or explorer.losses[0], description=pgettext("widget", "loss"))
        self.focus = w.Dropdown(options=[(str(plain_label(c)), c) for c in explorer.classes], value=self.view.focus,
                                description=pgettext("widget", "favour"))
        rules = {"threshold": pgettext("widget", "threshold"), "cost": pgettext("widget", "cost")}
        self.rule = w.ToggleButtons(options=[(rules.get(r, r), r) for r in RULES], value=rule,
                                    description=pgettext("widget", "rule"))
        self.threshold = w.FloatSlider(value=threshold, min=lo, max=hi, step=0.01,
                                       description=pgettext("widget", "threshold"),
                                       continuous_update=False)
        self.cost_ratio = w.FloatLogSlider(value=cost_ratio, base=10, min=-1, max=2, step=0.05,
                                           description=pgettext("widget", "cost ratio"), continuous_update=False)
        self.table_html = w.HTML()
        self.confusion_png = w.Image(format="png")
        self.reliability_png = w.Image(format="png")
        self.box = w.VBox([w.HBox([self.method, self.loss, self.focus]), self.rule, w.HBox([self.threshold, self.cost_ratio]),
                           self.table_html, w.HBox([self.confusion_png, self.reliability_png])])
        self._draw()
        self.method.observe(self._refresh, names="value")
        self.loss.observe(self._refresh, names="value")
        self.rule.observe(self._refresh, names="value")
        self.focus.observe(self._refresh, names="value")
        self.threshold.observe(lambda _: self._use("threshold"), names="value")
        self.cost_ratio.observe(lambda _: self._use("cost"), names="value")

    def _use(self, rule: str) -> None:
        if self.rule.value != rule:
            self.rule.value = rule  # its observer redraws
        else:
            self._refresh()

    def _refresh(self, _change: Any = None) -> None:
        loss = None if self.explorer.losses_for(self.method.value) == [None] else self.loss.value
        fitting = _("fitting on every fold…")
        self.table_html.value = f"<p><i>{fitting}</i></p>" + self.table_html.value
        self.view = self.explorer.view(self.method.value, loss, rule=self.rule.value, threshold=self.threshold.value,
                                       cost_ratio=self.cost_ratio.value, focus=self.focus.value)
        self._draw()

    def _draw(self) -> None:
        self.loss.disabled = self.explorer.losses_for(self.method.value) == [None]
        confusion = self.view.confusion
        fitted = _("{n} method(s) fitted so far").format(n=html.escape(str(self.explorer.fits)))
        self.table_html.value = (self.view.to_html() + "<p>" + _("confusion matrix (counts)") + "</p>"
                                 + confusion.to_html(border=0) + f"<p>{fitted}</p>")
        self.confusion_png.value = _png(plot_confusion, self.view)
        self.reliability_png.value = _png(plot_focus_reliability, self.view)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def live() -> bool:
    """Whether widgets can be live: not inside a report run (the report harness runs its kernels with
    ``ECOMBALANCE_PROGRESS=final``, see :mod:`ecombalance._progress`), where a widget would be stored as a dead
    placeholder."""
    return progress_mode() == "live"


def show(widget: ExplorerWidget) -> None:
    """Display the widget in a live notebook; in a report run, a note that the static view below stands for it."""
    from IPython.display import Markdown, display

    if live():
        display(widget)
    else:
        display(Markdown(_("*The interactive view (method, loss, threshold and cost-ratio controls) appears when "
                           "this notebook runs in JupyterLab; below is its static rendering at {view}.*").format(
            view=widget.view.describe())))
