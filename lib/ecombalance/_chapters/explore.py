"""Explore one table (notebook 08): out-of-fold probabilities fitted once per method and loss, then any
decision rule applied to them without refitting.

A method is ``"<sampler>+<model>"`` as in notebook 06 (:mod:`ecombalance.models._methods`); for the model
``torch_mlp`` a loss from :data:`ecombalance.models._losses.LOSSES` completes it (``"none+torch_mlp"`` with the
loss ``"focal"`` is the method ``"none+torch_mlp:focal"``). :class:`Explorer` runs
:func:`ecombalance.evaluation.run_experiment` the first time a (method, loss) is asked for, on folds shared by
every method, and keeps the pooled out-of-fold probabilities; :meth:`Explorer.view` then applies a decision rule
to them, which costs no fit at all:

* ``rule="threshold"``: predict the focus class (default the smallest) when its probability reaches
  ``threshold`` relative to its strongest rival, :math:`p_f / (p_f + \\max_{c \\ne f} p_c) \\ge t`, else the most
  probable other class. With two classes this is :math:`p_f \\ge t`; at :math:`t = 0.5` it is the arg-max.
  Equivalently, the focus class's probability is multiplied by the priority :math:`(1 - t) / t`.
* ``rule="cost"``: the minimum expected cost decision (:func:`ecombalance.evaluation.bayes_decision`) when
  missing the focus class costs ``cost_ratio`` times a false alarm (any other error costs 1). With two classes
  it is the threshold :math:`1 / (1 + r)`. It reads the probabilities as calibrated to the real priors; a
  re-balanced model's are not (notebook 06's prior correction).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecombalance import plotting
from ecombalance._chapters.decision_study import miss_cost_matrix
from ecombalance._validation import plain_label
from ecombalance.data._table import Table
from ecombalance.evaluation._calibration import expected_calibration_error_from_curve, reliability_curve
from ecombalance.evaluation._decisions import bayes_decision, expected_cost
from ecombalance.evaluation._experiment import run_experiment
from ecombalance.evaluation._fold_work import FoldFeatures
from ecombalance.evaluation._folds import make_folds
from ecombalance.evaluation._metrics import ECE_BINS, per_class_metrics
from ecombalance.i18n import gettext as _
from ecombalance.models import _methods as experiments
from ecombalance.plotting import _style as style

RULES = ("threshold", "cost")
"""The decision rules of :meth:`Explorer.view`."""


def method_name(method: str, loss: str | None = None) -> str:
    """The method of notebook 06's language for a method and a loss: ``("none+torch_mlp", "focal")`` ->
    ``"none+torch_mlp:focal"``; ``("none+logreg", None)`` -> ``"none+logreg"``. A loss needs ``torch_mlp``."""
    if not isinstance(method, str) or ":" in method:
        raise ValueError(f"method {method!r} must be '<sampler>+<model>' without a loss, e.g. 'none+torch_mlp'; "
                         "give the loss separately")
    model = experiments.parse(method)[1]
    if model != "torch_mlp":
        if loss not in (None, ""):
            raise ValueError(f"method {method!r} has no loss to choose (only torch_mlp trains with one); "
                             f"got loss={loss!r}, use loss=None")
        return method
    name = f"{method}:{loss or 'ce'}"
    experiments.parse(name)  # an unknown loss: the error lists the losses
    return name


def cost_matrix(classes: Sequence, focus: Any, cost_ratio: float) -> np.ndarray:
    """Costs (true class x predicted class): 0 when right, ``cost_ratio`` for missing ``focus``, 1 otherwise."""
    ratio = _positive(cost_ratio, "cost_ratio")
    return miss_cost_matrix(classes, {plain_label(c): ratio if c == focus else 1.0 for c in classes})


def threshold_decision(proba: np.ndarray, classes: Sequence, focus: Any, threshold: float) -> np.ndarray:
    """Labels: ``focus`` when :math:`p_f (1 - t) \\ge t \\max_{c \\ne f} p_c`, else the most probable other class."""
    t = float(threshold)
    if not 0 < t < 1:
        raise ValueError(f"threshold must be strictly between 0 and 1, got {threshold!r}")
    labels = np.asarray(classes, dtype=object)
    f = list(classes).index(focus)
    others = np.delete(proba, f, axis=1)
    other_labels = np.delete(labels, f)
    chosen = other_labels[others.argmax(axis=1)]
    return np.where(proba[:, f] * (1 - t) >= t * others.max(axis=1), labels[f], chosen)


def _positive(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive number, got {value!r}")
    return float(value)


@dataclass
class View:
    """One decision rule applied to one method's out-of-fold probabilities.

    ``y_true``, ``y_pred`` and ``proba`` (columns in ``classes``, largest class first) are the pooled
    out-of-fold rows; ``focus`` the class the rule favours; ``cost`` the cost matrix of the cost ratio (also
    reported for a threshold rule, so that both can be compared by :attr:`expected_cost`).
    """

    method: str
    rule: str
    threshold: float
    cost_ratio: float
    focus: Any
    classes: list
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray
    cost: np.ndarray

    @property
    def table(self) -> pd.DataFrame:
        """Precision, recall, F1 and support of every class (rows, largest first)."""
        table = per_class_metrics(self.y_true, self.y_pred, classes=self.classes)
        table = table[["precision", "recall", "f1", "support"]].astype({"support": int})
        table.index = [plain_label(c) for c in self.classes]
        table.index.name = "class"
        return table

    @property
    def confusion(self) -> pd.DataFrame:
        """Counts, true class (rows) x predicted class (columns), largest class first."""
        labels = [plain_label(c) for c in self.classes]
        counts = pd.crosstab(pd.Categorical(self.y_true, categories=self.classes),
                             pd.Categorical(self.y_pred, categories=self.classes), dropna=False)
        return pd.DataFrame(counts.to_numpy(), index=pd.Index(labels, name="true"),
                            columns=pd.Index(labels, name="predicted"))

    @property
    def reliability(self) -> pd.DataFrame:
        """:func:`ecombalance.evaluation.reliability_curve` of the focus class's probability (one against the
        rest): the probability the threshold reads, against how often the class is the truth, in the
        :data:`~ecombalance.evaluation._metrics.ECE_BINS` bins of every chapter's ECE and of the figure's legend."""
        f = self.classes.index(self.focus)
        return reliability_curve((self.y_true == self.focus).astype(int), self.proba[:, f], n_bins=ECE_BINS)

    @property
    def expected_cost(self) -> float:
        """Mean cost per row of these decisions under :attr:`cost` (:func:`ecombalance.evaluation.expected_cost`)."""
        return expected_cost(self.y_true, self.y_pred, self.cost, classes=self.classes)

    @property
    def focus_recall(self) -> float:
        return float(self.table.loc[plain_label(self.focus), "recall"])

    @property
    def focus_precision(self) -> float:
        return float(self.table.loc[plain_label(self.focus), "precision"])

    @property
    def label(self) -> str:
        """The method and the rule in a few words (a figure title)."""
        if self.rule == "threshold":
            return _("{method}, threshold {threshold}").format(method=self.method, threshold=f"{self.threshold:.2f}")
        return _("{method}, cost ratio {ratio}").format(method=self.method, ratio=f"{self.cost_ratio:g}")

    def describe(self) -> str:
        """The rule in words."""
        focus = repr(str(plain_label(self.focus)))
        if self.rule == "threshold":
            return _("{method}: predict {focus} when its share against its strongest rival is at least "
                     "{threshold}").format(method=self.method, focus=focus, threshold=f"{self.threshold:.2f}")
        return _("{method}: least expected cost when missing {focus} costs {ratio} false alarms").format(
            method=self.method, focus=focus, ratio=f"{self.cost_ratio:g}")

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The rule, its expected cost and the per-class table, as HTML (JupyterLab's view of a View)."""
        lead = _("{rule} (expected cost {cost} per row, cost ratio {ratio})").format(
            rule=f"<b>{html.escape(self.describe())}</b>", cost=f"{self.expected_cost:.3f}",
            ratio=f"{self.cost_ratio:g}")
        return f"<p>{lead}</p>{self.table.to_html(border=0, float_format='{:.3f}'.format)}"


class Explorer:
    """Out-of-fold probabilities of several methods on one table, fitted once each, and decision rules on them.

    Parameters
    ----------
    table : Table
        A checked table (:func:`ecombalance.load`, or :func:`ecombalance.data._datasets.load`).
    methods : list of str
        ``"<sampler>+<model>"`` without a loss (``"none+logreg"``, ``"class_weight+logreg"``,
        ``"none+torch_mlp"``).
    losses : list of str
        Losses offered for ``torch_mlp`` methods (:data:`ecombalance.models._losses.LOSSES`).
    folds, random_state, epochs : int
        Cross-validation folds (shared by every method), the seed of folds and models, and the epochs of the
        ``torch_mlp`` methods.

    Attributes
    ----------
    fits : int
        How many (method, loss) pairs have been fitted (each is fitted once, on every fold).
    """

    def __init__(self, table: Table, methods: Sequence[str], losses: Sequence[str] = ("ce",), folds: int = 5,
                 random_state: int = 0, epochs: int = 30) -> None:
        if not isinstance(table, Table):
            raise TypeError(f"Explorer takes a checked Table (ecombalance.load), got {type(table).__name__}")
        methods = [methods] if isinstance(methods, str) else list(methods)
        if not methods:
            raise ValueError("methods is empty: give at least one '<sampler>+<model>', e.g. ['none+logreg']")
        if len(set(methods)) != len(methods):
            raise ValueError(f"methods repeat a name: {methods}")
        losses = [losses] if isinstance(losses, str) else list(losses)
        for method in methods:
            for loss in (losses or ["ce"]) if self._trains_with_loss(method) else [None]:
                method_name(method, loss)  # every name checked before anything is fitted
        counts = table.y.value_counts()
        if counts.iloc[-1] < folds:
            raise ValueError(f"{table.name}: class {plain_label(counts.index[-1])!r} has {int(counts.iloc[-1])} rows, "
                             f"fewer than the {folds} folds need; load the table with min_class_size={folds} or "
                             "use fewer folds")
        self.table, self.methods, self.losses = table, methods, losses or ["ce"]
        self.random_state, self.epochs = random_state, epochs
        self.classes = list(table.classes)  # largest first
        self.y = table.y.to_numpy()
        self.folds = make_folds(self.y, None if table.groups is None else table.groups.to_numpy(), n_splits=folds,
                                random_state=random_state)
        self._features = FoldFeatures()  # text features fitted once per fold, shared by every method
        self._proba: dict[str, np.ndarray] = {}
        self.fits = 0

    @staticmethod
    def _trains_with_loss(method: str) -> bool:
        if not isinstance(method, str) or ":" in method:
            method_name(method)  # raises the error that explains the form
        return experiments.parse(method)[1] == "torch_mlp"

    def losses_for(self, method: str) -> list[str | None]:
        """The losses a method can take: :attr:`losses` for ``torch_mlp``, ``[None]`` otherwise."""
        self._check_method(method)
        return list(self.losses) if self._trains_with_loss(method) else [None]

    def _check_method(self, method: str) -> None:
        if method not in self.methods:
            raise ValueError(f"method {method!r} is not one of this explorer's methods {self.methods}")

    def plain_of(self, method: str, loss: str | None = None) -> tuple[str, str | None] | None:
        """``(method, loss)`` of the same model without balancing (no sampler, no class weights, plain
        cross-entropy) among this explorer's methods and losses, for a method that balances; None for a plain
        method or when its plain version is not offered."""
        name = method_name(method, (loss or self.losses[0]) if self._trains_with_loss(method) else None)
        if experiments.balances_nothing(name):
            return None
        model = experiments.family_model(name)  # a balancing ensemble's plain counterpart (balanced_rf -> rf)
        for candidate in self.methods:
            if experiments.parse(candidate)[0] == "none" and experiments.parse(candidate)[1] == model:
                if not self._trains_with_loss(candidate):
                    return candidate, None
                if "ce" in self.losses:
                    return candidate, "ce"
        return None

    def focus_class(self, focus: Any = None) -> Any:
        """The class a rule favours: ``focus`` (a label, or its text as a notebook parameter gives it), or the
        smallest class when None or ``""``."""
        if focus is None or focus == "":
            return self.classes[-1]
        if focus in self.classes:
            return focus
        by_text = [c for c in self.classes if str(plain_label(c)) == str(focus)]
        if not by_text:
            raise ValueError(f"focus class {focus!r} is not a class of the table; the classes are {self.classes}")
        return by_text[0]

    def probabilities(self, method: str, loss: str | None = None) -> np.ndarray:
        """Out-of-fold probabilities of ``method`` (with ``loss`` for ``torch_mlp``; default the first of
        :attr:`losses`), columns in :attr:`classes`; fitted on the first call, read from the cache after."""
        self._check_method(method)
        if self._trains_with_loss(method):
            loss = loss or self.losses[0]  # "" (a notebook parameter left empty) too
            if loss not in self.losses:
                raise ValueError(f"loss {loss!r} is not one of this explorer's losses {self.losses}")
        name = method_name(method, loss)
        if name not in self._proba:
            pipeline = experiments.build(self.table, name, random_state=self.random_state, epochs=self.epochs)
            result = run_experiment({name: pipeline}, self.table.X, self.y, cv=self.folds, classes=self.classes,
                                    random_state=self.random_state, progress=False, fold_features=self._features)
            proba = result.oof_proba[name]
            if proba is None:
                raise ValueError(f"method {name!r} gives no probabilities; choose a model with predict_proba")
            self._proba[name] = proba
            self.fits += 1
        return self._proba[name]

    def view(self, method: str, loss: str | None = None, rule: str = "threshold", threshold: float = 0.5,
             cost_ratio: float = 1.0, focus: Any = None) -> View:
        """The decisions of one rule on ``method``'s out-of-fold probabilities (fitting only on first use).

        Parameters
        ----------
        method, loss : str
            As in :meth:`probabilities`.
        rule : {"threshold", "cost"}
            Which of ``threshold`` and ``cost_ratio`` decides (see the module's text).
        threshold : float in (0, 1)
            The focus class's share against its strongest rival needed to predict it; 0.5 is the arg-max.
        cost_ratio : float > 0
            Cost of missing the focus class relative to a false alarm; 1 is the arg-max.
        focus : label, optional
            The class the rule is about (default the smallest).

        Returns
        -------
        View
        """
        if rule not in RULES:
            raise ValueError(f"rule must be one of {list(RULES)}, got {rule!r}")
        focus = self.focus_class(focus)
        threshold = float(threshold)
        if not 0 < threshold < 1:
            raise ValueError(f"threshold must be strictly between 0 and 1, got {threshold!r}")
        cost = cost_matrix(self.classes, focus, cost_ratio)
        proba = self.probabilities(method, loss)
        if rule == "threshold":
            pred = threshold_decision(proba, self.classes, focus, threshold)
        else:
            pred = bayes_decision(proba, cost, classes=np.asarray(self.classes, dtype=object))
        name = method_name(method, (loss or self.losses[0]) if self._trains_with_loss(method) else None)
        return View(name, rule, threshold, float(cost_ratio), focus, list(self.classes), self.y,
                    np.asarray(pred, dtype=object), proba, cost)


def plot_confusion(view: View, ax=None):
    """The confusion matrix of a :class:`View` (counts, largest class first); returns the Axes."""
    labels = [str(plain_label(c)) for c in view.classes]
    truth = np.array([str(plain_label(v)) for v in view.y_true], dtype=object)
    pred = np.array([str(plain_label(v)) for v in view.y_pred], dtype=object)
    return plotting.plot_confusion_matrix(truth, pred, labels=labels, ax=ax, title=view.label)


def plot_focus_reliability(view: View, ax=None):
    """Reliability of the focus class's out-of-fold probability, with the threshold of a two-class rule."""
    f = view.classes.index(view.focus)
    truth = (view.y_true == view.focus).astype(int)
    ax = plotting.plot_reliability(truth, view.proba[:, f], label=f"P({plain_label(view.focus)})", ax=ax)
    if len(view.classes) == 2:
        cut = view.threshold if view.rule == "threshold" else 1 / (1 + view.cost_ratio)
        ax.axvline(cut, color=style.REFERENCE, linestyle="--", linewidth=1,
                   label=_("threshold {threshold}").format(threshold=f"{cut:.2f}"))
        ax.legend(loc="upper left")
    ax.set_title(_("Reliability of {method}'s P({focus})").format(method=view.method, focus=plain_label(view.focus)),
                 fontsize=10)
    return ax


def plot_view(view: View, axes: Sequence | None = None):
    """The static view of notebook 08 and of the report: the confusion matrix and the focus class's
    reliability side by side; returns the two Axes."""
    axes = style.panels(2, size=(5.5, 4.2)) if axes is None else axes
    plot_confusion(view, ax=axes[0])
    plot_focus_reliability(view, ax=axes[1])
    return axes


def ece_of(view: View) -> float:
    """Expected calibration error of the focus class's probability (over the bins of :attr:`View.reliability`)."""
    return expected_calibration_error_from_curve(view.reliability)


def describe_decisions(default: View, chosen: View, plain: View | None = None) -> str:
    """Markdown bullets for "What we saw": what the chosen rule changed against the arg-max, in numbers; with
    ``plain`` (the same model without balancing at the arg-max, :meth:`Explorer.plain_of`) also what the
    balancing step alone did to the arg-max's operating point, apart from any choice of model."""
    focus = str(plain_label(default.focus))
    before = expected_cost(default.y_true, default.y_pred, chosen.cost, classes=chosen.classes)
    lines = [
        _("- `{method}` at the arg-max (threshold 0.5): the smallest class {focus} is found with recall {recall} at "
          "precision {precision}.").format(method=default.method, focus=repr(focus),
                                           recall=f"{default.focus_recall:.3f}",
                                           precision=f"{default.focus_precision:.3f}"),
        _("- {rule}: recall {recall} at precision {precision}; the expected cost per row, with missing {focus} "
          "costing {ratio} false alarms, goes from {before} at the arg-max to {after}.").format(
            rule=chosen.describe(), recall=f"{chosen.focus_recall:.3f}", precision=f"{chosen.focus_precision:.3f}",
            focus=repr(focus), ratio=f"{chosen.cost_ratio:g}", before=f"{before:.3f}",
            after=f"{chosen.expected_cost:.3f}"),
        _("- The decision rule moved without refitting: the out-of-fold probabilities were fitted once; their "
          "expected calibration error for {focus} is {ece} — the cost rule trusts them as probabilities, so a large "
          "error makes its cost a guess.").format(focus=repr(focus), ece=f"{ece_of(chosen):.3f}"),
    ]
    if plain is not None:
        lines.append(_("- Balancing alone, the same model without it: `{plain}` at the arg-max finds {focus} with "
                       "recall {plain_recall} at precision {plain_precision}, `{method}` with recall {recall} at "
                       "precision {precision}: the balancing step moves the operating point along the "
                       "precision-recall trade-off, as a cost ratio on the plain model's probabilities can.").format(
            plain=plain.method, focus=repr(focus), plain_recall=f"{plain.focus_recall:.3f}",
            plain_precision=f"{plain.focus_precision:.3f}", method=default.method,
            recall=f"{default.focus_recall:.3f}", precision=f"{default.focus_precision:.3f}"))
    return "\n".join(lines)
