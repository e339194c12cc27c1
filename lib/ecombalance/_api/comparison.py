"""What :func:`compare` finds on a checked table: every method on the same folds, each balancing method against
the same model without balancing, model choice apart."""

from __future__ import annotations

import html
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import ColumnNames, InstanceOf, Interval, plain_label, validate_params
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _

ALPHA = 0.05
"""Significance level of the paired test that decides "distinguishable from the baseline"."""


@dataclass
class Comparison:
    """What :func:`compare` found: every method on the same folds, and the verdicts.

    Each balancing method is compared with the same model without balancing, plain models with each other apart
    (model choice).

    Parameters
    ----------
    result : ExperimentResult
        Per-fold scores and out-of-fold predictions (:func:`ecombalance.evaluation.run_experiment`).
    summary : DataFrame
        :func:`ecombalance.evaluation.summarise`: pooled out-of-fold metrics with bootstrap intervals.
    differences : DataFrame
        :func:`ecombalance.models._families.family_effects` on macro-F1: each method against the method it is
        compared with (``against``; ``kind`` balancing, capacity or other), by the one test (corrected repeated
        cross-validation t-test on paired fold scores, Holm-corrected within each kind).
    majority : DataFrame
        :func:`ecombalance.evaluation._majority.majority_check`: which methods beat always predicting the largest class.
    notes : list of str
        What the comparison changed or left out, as Markdown bullets: a sample of a large table (and why), the
        TF-IDF vocabulary each model reads, methods not run (over an opt-in time budget), the chosen method on
        every row.
    rows : int
        Rows of the table given to :func:`compare` (the comparison ran on ``len(result.y)`` of them).
    full_table : Series or None
        When the comparison ran on a sample: :attr:`chosen` fitted again on every row
        (:func:`ecombalance.models._workload.full_table_score`: ``macro_f1``, ``balanced_accuracy``,
        ``recall_smallest``, ``rows``, ``design``); None when it ran on every row.
    """

    result: Any
    summary: pd.DataFrame
    differences: pd.DataFrame
    majority: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    rows: int | None = None
    full_table: pd.Series | None = None

    @property
    def not_run(self) -> dict[str, str]:
        """The methods given that have no score over all folds, ``{method: why}``.

        Over the opt-in time budget ("not run: over the time budget ...") or failed on a fold.
        """
        failed = {m: _("failed on a fold") for m in self.result.failed_methods}
        return {**self.result.skipped, **failed}

    @property
    def sampled(self) -> bool:
        """Whether the comparison ran on a sample of the table.

        :attr:`full_table` then holds the chosen method on every row.
        """
        return self.rows is not None and self.rows > len(self.result.y)

    @property
    def chosen(self) -> str:
        """The method the comparison recommends.

        :meth:`best` when a balancing method is distinguishably better than its own plain model, else the plain
        model with the highest pooled macro-F1 (no balancing earned its place;
        :func:`ecombalance.models._workload.recommended`).
        """
        from ecombalance.models import _workload as workload

        return workload.recommended(self.best(), workload.pooled_scores(self.summary)["macro_f1"])

    @property
    def baseline(self) -> str:
        """The first method given: the reference of the comparison."""
        return self.result.methods[0]

    @property
    def design(self) -> str:
        """How the rows were split, e.g. "2 × 5-fold cross-validation"."""
        return self.result.design

    @property
    def smallest(self) -> Any:
        """The smallest class (the one ``recall_smallest`` of :attr:`table` is about)."""
        return plain_label(pd.Series(self.result.y).value_counts().index[-1])

    @property
    def table(self) -> pd.DataFrame:
        """One row per method, best macro-F1 first.

        Macro-F1 on the pooled out-of-fold predictions with its 95 %
        bootstrap interval (a description of those predictions), balanced accuracy, ``recall_smallest``: the recall
        of the smallest class (named in ``.attrs["smallest_class"]``, so that the column's name stays the same on
        every table);
        then the comparison: ``against`` (the same model without balancing for a balancing method, the baseline's
        plain model for a plain model; empty for the reference itself), ``kind`` (``balancing``, ``capacity``:
        model choice, ``other``), the ``difference`` in macro-F1 (mean over the folds) with the bootstrap interval
        of the pooled difference, the one test's Holm-corrected ``p_value``, ``detectable`` (the smallest
        difference it could call real here) and ``distinguishable``: that p-value is below :data:`ALPHA` and
        some method beats the majority predictor (notebook 06's rule). A method given but not run (:attr:`not_run`)
        has a row of its own, ``kind`` "not run" and no scores, last."""
        pooled = self.summary.pivot_table(index="method", columns=["metric", "class"], values="pooled")
        macro = self.summary[(self.summary["metric"] == "macro_f1") & (self.summary["class"] == "all")]
        macro = macro.set_index("method").reindex([*self.result.methods, *self.not_run])
        pooled = pooled.reindex(macro.index)
        diff = self.differences.set_index("method").reindex(macro.index)
        frame = pd.DataFrame({
            "macro_f1": macro["pooled"], "macro_f1_low": macro["ci_low"], "macro_f1_high": macro["ci_high"],
            "balanced_accuracy": pooled[("balanced_accuracy", "all")],
            "recall_smallest": pooled[("recall", str(self.smallest))],
            "against": diff["against"].fillna(""),
            "kind": diff["kind"].fillna("reference").where(~macro.index.isin(list(self.not_run)), "not run"),
            "difference": diff["difference"].fillna(0.0), "difference_low": diff["ci_low"].fillna(0.0),
            "difference_high": diff["ci_high"].fillna(0.0), "p_value": diff["p_value"],
            "detectable": diff["detectable"],
        })
        not_run = frame.index.isin(list(self.not_run))
        frame.loc[not_run, ["difference", "difference_low", "difference_high"]] = np.nan  # nothing measured
        frame["distinguishable"] = frame.index.map(lambda m: m in self.distinguishable())
        frame.index.name = "method"
        frame = frame.sort_values("macro_f1", ascending=False, kind="stable", na_position="last")
        frame.attrs["smallest_class"] = self.smallest
        return frame

    @validate_params({})
    def distinguishable(self) -> list[str]:
        """The methods whose macro-F1 differs from the method they are compared with by more than the noise.

        The one test's Holm-corrected p-value is below :data:`ALPHA`, and at least one method beats the majority
        predictor (when none does, no difference is called real).

        Returns
        -------
        list of str
            Those methods, in the order of :attr:`differences`.
        """
        if not self.majority["improved"].any():
            return []
        return self.differences.loc[self.differences["p_value"] < ALPHA, "method"].tolist()

    @validate_params({})
    def decide(self):
        """The verdict by the one rule for "best" the chapters share, within each model.

        :func:`ecombalance.evaluation.best_method` within each model
        (:func:`ecombalance.models._families.best_of_families`). A balancing method is named only when it is
        distinguishably better than the same model without balancing.

        Returns
        -------
        BestMethod
            ``(best, best_is_distinguishable, sentence)``; the sentence quotes the pooled macro-F1 with its interval
            and the mean fold difference.
        """
        from ecombalance.models import _families as families

        scores = self.table[["macro_f1", "macro_f1_low", "macro_f1_high"]].set_axis(["score", "low", "high"], axis=1)
        return families.best_of_families(self.differences, bool(self.majority["improved"].any()), scores)

    @validate_params({})
    def best(self) -> str | None:
        """The balancing method distinguishably better than the same model without balancing, if any.

        A plain model that beats another is model choice, never returned here.

        Returns
        -------
        str or None
            Of the balancing methods distinguishably better than their own plain model, the one with the largest
            gain; None when none is (then :attr:`reason` says there is not enough evidence and lists the top scores
            of each model).
        """
        return self.decide().best

    @property
    def reason(self) -> str:
        """Why :meth:`best` returned what it did, with the numbers.

        Then, each on its own, the differences between
        plain models (model choice) and the methods that could not be judged against their own plain model. Methods
        not run (:attr:`not_run`) are named first: the verdict covers only the methods that ran; a run of the
        baseline alone says so and draws no verdict."""
        from ecombalance.models import _families as families

        decided = self.decide()
        apart = families.apart(self.differences, bool(self.majority["improved"].any()))
        not_run = "; ".join(_("`{method}` ({why})").format(method=m, why=_(why.removeprefix("not run: ")))
                            for m, why in self.not_run.items())
        if len(self.result.methods) < 2:
            return _("Only the baseline `{baseline}` was run ({design}), so nothing was compared and no verdict is "
                     "drawn; its scores are in `.table`. Not run: {not_run}.").format(
                baseline=self.baseline, design=_(self.design), not_run=not_run)
        if not decided.sentence:
            model = next((_model(m) for m in self.result.methods if not _plain(m)), _model(self.baseline))
            apart.insert(0, _("No balancing method could be judged against the same model without balancing: add the "
                              "plain version of its model (e.g. `none+{model}`) to the methods.").format(model=model))
        said = " ".join(filter(None, [decided.sentence, *apart]))
        if not_run:
            return _("Not run, so no verdict covers them: {not_run}. Among the methods that ran: {said}").format(
                not_run=not_run, said=said)
        return said

    @validate_params({})
    def per_class(self) -> pd.DataFrame:
        """Precision, recall, F1 and support of every class for every method.

        Returns
        -------
        DataFrame
            One row per class; columns ``(method, metric)``, on the pooled out-of-fold predictions
            (:func:`ecombalance.evaluation.per_class_metrics`).
        """
        from ecombalance.evaluation import per_class_metrics

        frames = {}
        for method in self.result.methods:  # a method not run has no predictions
            y_true, pred = self.result.pooled(method)[:2]
            frames[method] = per_class_metrics(y_true, pred, classes=self.result.classes)[
                ["precision", "recall", "f1", "support"]]
        return pd.concat(frames, axis=1)

    @validate_params({"ax": [None, InstanceOf("matplotlib.axes.Axes", "a matplotlib Axes")]})
    def plot(self, ax=None):
        """Draw macro-F1 per method with its 95 % bootstrap interval, the baseline in grey.

        Drawn by :class:`ecombalance.plotting.ComparisonDisplay` (``ComparisonDisplay.from_comparison(c)`` keeps the
        numbers and the drawn Axes).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (default: a new figure's Axes).

        Returns
        -------
        matplotlib Axes
            The Axes drawn on.
        """
        from ecombalance.plotting._displays import ComparisonDisplay

        return ComparisonDisplay.from_comparison(self).plot(ax=ax).ax_

    def __repr__(self) -> str:
        """A few lines: the design, the methods' macro-F1 (best first), the verdict; the rest is in the attributes
        (the dataclass's own repr would print every out-of-fold prediction)."""
        table = self.table.dropna(subset=["macro_f1"])
        shown = ", ".join(f"{m} {v:.3f}" for m, v in table["macro_f1"].head(5).items())
        more = f", ... ({len(table)} in all)" if len(table) > 5 else ""
        best = self.best()
        lines = [f"Comparison: {len(self.result.methods)} methods, {len(self.result.y):,} rows"
                 + (f" (a sample of {self.rows:,})" if self.sampled else "")
                 + f", {len(self.result.classes)} classes, {self.design}",
                 f"  macro-F1: {shown}{more}",
                 f"  best: {best}" if best else "  best: None (no balancing method is distinguishably better; .reason)"]
        if self.not_run:
            lines.append(f"  not run: {', '.join(self.not_run)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n.lstrip('- '))}</li>" for n in self.notes)
        shown = self.table.drop(columns="distinguishable").round(3).assign(
            distinguishable=self.table["distinguishable"])
        return (f"<p><b>{html.escape(self.reason)}</b></p>{shown.to_html(border=0, float_format='{:.3f}'.format)}"
                + (f"<ul>{notes}</ul>" if notes else ""))


def _model(method: str) -> str:
    from ecombalance.models._methods import family_model

    return family_model(method)  # a balancing ensemble's family is its plain counterpart's (balanced_rf -> rf)


def _plain(method: str) -> bool:
    from ecombalance.models._methods import balances_nothing

    return balances_nothing(method)


_DIFFERENCE_COLUMNS = ["method", "against", "kind", "method_mean", "baseline_mean", "difference", "se",
                       "pooled_difference", "ci_low", "ci_high", "p_value", "detectable", "distinguishable"]


@validate_params({
    "table": [InstanceOf(Table, "the Table that ecombalance.load returns (call eb.load(data, label=...) first)")],
    "methods": [None, ColumnNames(words="a method name or a sequence of method names")],
    "folds": [Interval(numbers.Integral, 2, None)], "repeats": [Interval(numbers.Integral, 1, None)],
    "random_state": [Interval(numbers.Integral, 0, None)], "max_rows": [None, Interval(numbers.Integral, 0, None)],
    "time_budget": [None, Interval(numbers.Real, 0, None)], "n_resamples": [Interval(numbers.Integral, 1, None)],
    "epochs": [Interval(numbers.Integral, 1, None)], "n_jobs": [None, Interval(numbers.Integral, None, None)],
    "progress": [bool],
})
def compare(table: Table, methods: str | Sequence[str] | None = None, folds: int = 5, repeats: int = 2,
            random_state: int = 0, max_rows: int | None = None, time_budget: float | None = None,
            n_resamples: int = 500, epochs: int = 30, n_jobs: int | None = None, progress: bool = True) -> Comparison:
    """Compare balancing methods on a checked table, each against the same model without balancing.

    Every method runs on the same stratified (or grouped) folds, repeated, fitted on training rows only; each
    balancing method is tested against the same model without balancing, plain models against each other apart.

    The test is the one of the chapters: the corrected repeated cross-validation t-test (Nadeau & Bengio 2003;
    Bouckaert & Frank 2004) on the paired scores of all ``repeats`` × ``folds`` folds, Holm-corrected. The
    intervals are paired bootstrap intervals of the pooled out-of-fold predictions: a description, not the test.
    With the same table and settings notebook 06 runs the same methods on the same rows and folds and reaches the
    same verdict.

    Parameters
    ----------
    table : Table
        From :func:`load`.
    methods : list of str, optional
        ``"<sampler>+<model>"`` (``"smote+logreg"``, ``"class_weight+logreg"``) or ``"<sampler>+torch_mlp:<loss>"``
        (``"none+torch_mlp:focal"``); see :mod:`ecombalance.models._methods`. The first is the baseline; add
        each model's plain version (``"none+<model>"``) to judge its balancing methods.
        Default: :func:`ecombalance.models._methods.default_methods` of the table, notebook 06's default —
        logistic regression with four balancing methods and a torch MLP with and without logit adjustment, and
        for a table with numeric or categorical columns (or a text pair) gradient-boosted trees with and without
        class weights. Logistic regression reads every TF-IDF term of the text; models that need dense input read
        the most frequent :data:`~ecombalance.models._methods.DENSE_MAX_FEATURES` terms (a note says so).
    folds : int
        Cross-validation folds (k).
    repeats : int
        Repeats of the cross-validation, each with other folds (r); r × k folds give the test its power.
    random_state : int
        Seeds the folds, the samplers, the models and the bootstrap: the same seed gives the same numbers.
    max_rows : int or None
        None (default): every row, unless the estimated work of these methods on the whole table is over
        :data:`~ecombalance.models._workload.WORK_BUDGET` (:func:`~ecombalance.models._workload.row_limit`, a
        rule on the table's size, classes and columns, never a clock); then a stratified sample of as many rows as
        fit, every class kept. 0: every row; a positive int: a sample of at most that many rows. After a
        comparison on a sample, :attr:`Comparison.chosen` is fitted again on every row
        (:attr:`Comparison.full_table`); :attr:`Comparison.notes` says so.
    time_budget : float or None
        Opt-in seconds per method (default None: none); a slower one is left out after its first fold (never the
        baseline). Which methods it leaves out depends on the machine's load: each is named in
        :attr:`Comparison.reason`, :attr:`Comparison.notes` and :attr:`Comparison.table` ("not run"), and no verdict
        covers it.
    n_resamples : int
        Bootstrap resamples for the intervals.
    epochs : int
        Training epochs of the ``torch_mlp`` methods (fewer on a large table:
        :func:`~ecombalance.models._methods.epochs_for`).
    n_jobs : int or None
        Processes fitting folds at the same time (-1: all cores); the same numbers for any value.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Comparison
        The scores, the differences and the verdict (``.table``, ``.best()``, ``.reason``).

    Examples
    --------
    >>> import ecombalance as eb
    >>> from ecombalance.data import case_table
    >>> t = eb.load(case_table(random_state=0).frame, label="category", text="title")
    >>> c = eb.compare(t, methods=["none+logreg", "random_over+logreg"], folds=3, n_resamples=100, progress=False)
    >>> list(c.table.columns[:3])
    ['macro_f1', 'macro_f1_low', 'macro_f1_high']
    >>> c.best() is None or c.best() in c.table.index
    True
    """
    from ecombalance.evaluation import make_folds, run_experiment
    from ecombalance.evaluation._majority import majority_check
    from ecombalance.evaluation._stats import summarise
    from ecombalance.models import _families as families
    from ecombalance.models import _methods as experiments
    from ecombalance.models import _workload as workload

    specs = [methods] if isinstance(methods, str) else list(experiments.default_methods(table) if methods is None
                                                            else methods)
    if len(specs) < 2:
        raise ValueError(f"compare needs a baseline and at least one other method, got {specs}")
    folds, seed, repeats = int(folds), int(random_state), int(repeats)
    max_rows = None if max_rows is None else int(max_rows)
    small = table.y.value_counts()
    if small.iloc[-1] < folds:
        raise DataError(f"{table.name}: class {plain_label(small.index[-1])!r} has {int(small.iloc[-1])} rows, fewer "
                        f"than the {folds} folds need; load the table with min_class_size={folds} or use fewer folds")
    pipelines = experiments.build_all(table, specs, random_state=seed,
                                      epochs=epochs)  # every name checked before sampling
    tbl, sample_note = workload.sample_for(table, specs, max_rows, folds, repeats, epochs, seed, who="`compare`",
                                           setting="`max_rows={}`")
    if tbl is not table:
        pipelines = experiments.build_all(tbl, specs, random_state=seed, epochs=epochs)
    cv = make_folds(tbl.y, tbl.groups, folds, seed, n_repeats=repeats)
    result = run_experiment(pipelines, tbl.X, tbl.y, groups=tbl.groups, cv=cv, random_state=seed,
                            time_budget=time_budget or None, progress=progress, n_jobs=n_jobs)
    summary = summarise(result, n_resamples=n_resamples, random_state=seed)
    majority = majority_check(result, n_resamples=n_resamples, random_state=seed, alpha=ALPHA)
    if len(result.methods) > 1:
        differences = families.family_effects(result, metric="macro_f1", n_resamples=n_resamples, random_state=seed,
                                              alpha=ALPHA)
    else:  # every other method over the time budget: the baseline's scores, no comparison
        differences = pd.DataFrame(columns=_DIFFERENCE_COLUMNS)
    notes = [n for n in [sample_note.strip(), experiments.vocabulary_note(tbl, result.methods),
                         *(_("- `{method}` {why}.").format(method=m, why=_(why)) for m, why in result.skipped.items())]
             if n]
    comparison = Comparison(result, summary, differences, majority, notes, rows=len(table.frame))
    _fitted, comparison.full_table, note = workload.every_row_check(table, tbl, comparison.best(), summary, folds, seed,
                                                              epochs, n_jobs=n_jobs)
    comparison.notes += [note] if note else []
    return comparison
