"""Notebook 03 teaches SMOTE before it compares samplers: one synthetic point worked out by hand, the
decision boundary each sampler leaves on a 2-D toy, and how much folds that ignore the query groups inflate
a cross-validated score.

SMOTE (Chawla et al. 2002, *SMOTE: Synthetic Minority Over-sampling Technique*, JAIR 16) creates a minority
sample on the segment between a minority row :math:`x_i` and one of its :math:`k` nearest minority
neighbours :math:`x_{nn}`:

.. math:: x_{\\text{new}} = x_i + \\lambda\\,(x_{nn} - x_i),\\qquad \\lambda \\sim U(0, 1).

:func:`worked_example` runs imbalanced-learn's ``SMOTE`` itself on a table with two minority rows and reads
:math:`\\lambda` back from the point it made, so the arithmetic shown is the library's, not a re-implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from ecombalance._chapters.resampling_study import row_origin
from ecombalance.data import _datasets as datasets
from ecombalance.data._table import Table
from ecombalance.evaluation._experiment import run_experiment
from ecombalance.evaluation._folds import Folds, make_folds
from ecombalance.evaluation._metrics import scores
from ecombalance.i18n import gettext as _
from ecombalance.models._features import make_preprocessor
from ecombalance.models._pipelines import pipeline
from ecombalance.sampling._resampling import make_sampler


@dataclass(frozen=True)
class SmoteExample:
    """One synthetic point: the minority row ``x_i``, its neighbour ``x_nn``, the ``lam`` SMOTE drew and the
    ``new`` point, with ``new == x_i + lam * (x_nn - x_i)``."""

    x_i: np.ndarray
    x_nn: np.ndarray
    lam: float
    new: np.ndarray

    def table(self) -> pd.DataFrame:
        """The four rows a reader checks by hand: x_i, x_nn, x_nn − x_i and the new point."""
        rows = {"x_i": self.x_i, "x_nn": self.x_nn, "x_nn − x_i": self.x_nn - self.x_i,
                f"x_i + {self.lam:.3f}·(x_nn − x_i)": self.new}
        return pd.DataFrame(rows, index=["feature 1", "feature 2"]).T

    def describe(self) -> str:
        """The arithmetic in one Markdown line."""
        a, b, n = (", ".join(f"{v:.2f}" for v in p) for p in (self.x_i, self.x_nn, self.new))
        return _("SMOTE drew $\\lambda = {lam:.3f}$ for the segment from $x_i = ({a})$ to its neighbour "
                 "$x_{{nn}} = ({b})$: $x_{{new}} = x_i + \\lambda (x_{{nn}} - x_i) = ({n})$.").format(
            lam=self.lam, a=a, b=b, n=n)


def worked_example(random_state: int = 0) -> SmoteExample:
    """The first synthetic point imbalanced-learn's ``SMOTE(k_neighbors=1)`` makes from two minority rows
    among six majority rows, and the :math:`\\lambda` it used (recovered as
    :math:`(x_{new} - x_i) / (x_{nn} - x_i)`, the same for both features because the point is on the
    segment)."""
    minority = np.array([[1.0, 2.0], [3.0, 3.0]])
    majority = np.array([[6.0, 1.0], [7.0, 2.5], [6.5, 4.0], [8.0, 3.0], [7.5, 0.5], [5.5, 2.0]])
    X = np.vstack([majority, minority])
    y = np.array([0] * len(majority) + [1] * len(minority))
    sampler = make_sampler("smote", random_state=random_state, k_neighbors=1, sampling_strategy={1: 3})
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res[len(X)]
    # which minority row the segment starts from: the point is x_i + lam (x_nn - x_i) for exactly one order
    for start, end in ((minority[0], minority[1]), (minority[1], minority[0])):
        lam = float(np.dot(new - start, end - start) / np.dot(end - start, end - start))
        if 0 <= lam <= 1 and np.allclose(start + lam * (end - start), new):
            return SmoteExample(start, end, lam, new)
    raise AssertionError(f"SMOTE's point {new} is not on the segment between the two minority rows")  # pragma: no cover


TOY_SAMPLERS = ("none", "random_under", "random_over", "smote", "borderline_smote", "adasyn", "enn")


def toy_problem(n: int = 400, weights: tuple[float, float] = (0.9, 0.1), random_state: int = 0):
    """A 2-D two-class toy with overlapping classes (scikit-learn ``make_classification``), as in
    imbalanced-learn's gallery."""
    return make_classification(n_samples=n, n_features=2, n_informative=2, n_redundant=0, n_clusters_per_class=1,
                               weights=list(weights), class_sep=0.8, flip_y=0, random_state=random_state)


def decision_boundaries(X: Any, y: Any, samplers: tuple[str, ...] = TOY_SAMPLERS, grid: int = 120,
                        random_state: int = 0) -> dict[str, dict[str, Any]]:
    """For each sampler: the resampled training rows, where each came from (``origin``: ``original``, ``copy`` or
    ``synthetic``, :func:`~ecombalance._chapters.resampling_study.row_origin`), how many rows of each class it
    removed (``removed``: a cleaner such as ``enn`` only removes), and logistic regression's predicted class on a
    ``grid`` x ``grid`` mesh over the data (the panels of :func:`ecombalance.plotting.plot_decision_boundaries`: the
    2-D picture of what each sampler does to the rows, with no projection in between).
    """
    X, y = np.asarray(X, float), np.asarray(y)
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    mesh = np.c_[xx.ravel(), yy.ravel()]
    panels = {}
    for name in samplers:
        X_res, y_res = (X, y) if name == "none" else make_sampler(name, random_state=random_state).fit_resample(X, y)
        model = LogisticRegression().fit(X_res, y_res)
        removed = {int(c): int(max((y == c).sum() - (y_res == c).sum(), 0)) for c in np.unique(y)}
        panels[name] = {"X": X_res, "y": y_res, "xx": xx, "yy": yy, "origin": row_origin(X, X_res),
                        "removed": removed, "zz": model.predict(mesh).reshape(xx.shape),
                        "minority_share": float(np.mean(y_res == 1))}
    return panels


GROUPED = "grouped by query"
"""The protocol of :func:`grouping_inflation` whose folds keep each group on one side (a row of its table)."""

UNGROUPED = "ungrouped"
"""The protocol of :func:`grouping_inflation` whose folds ignore the groups (a row of its table)."""


def grouping_inflation(tbl: Table, preprocess: Any = None, model: Any = None, folds: int = 5, random_state: int = 0,
                       max_features: int = 500, n_repeats: int = 1, n_jobs: int | None = None) -> pd.DataFrame:
    """Macro-F1 of the same pipeline out of fold with folds that keep each group (a query) on one side and with
    folds that ignore the groups, both from :func:`ecombalance.evaluation.make_folds` (stratified group K-fold
    and stratified K-fold, shuffled with ``random_state``) and run by :func:`ecombalance.evaluation.run_experiment`: the
    difference is how much ungrouped cross-validation flatters a model that sees a query's other rows in
    training.

    Each protocol's score is the macro-F1 of the pooled out-of-fold predictions (every row predicted once by a
    model that did not see it), averaged over ``n_repeats`` repeats of the ``folds``-fold split. ``preprocess``
    defaults to the fused TF-IDF features of notebook 02 (``max_features`` terms), ``model`` to logistic
    regression; ``n_jobs`` fits folds in worker processes (the same numbers for any value).

    Returns a frame indexed by protocol (:data:`GROUPED`, :data:`UNGROUPED`) with ``macro_f1``; ``attrs``:
    ``inflation`` (ungrouped minus grouped), ``table`` and ``group_col`` (which table's groups), ``design``.
    """
    if tbl.groups is None:
        raise ValueError(f"table {tbl.name!r} has no group column; grouping_inflation compares grouped and "
                         "ungrouped folds (the search log groups by query)")
    if preprocess is None:
        preprocess = make_preprocessor(tbl, text="tfidf", max_features=max_features)
    if model is None:
        model = LogisticRegression(max_iter=1000)
    y = tbl.y.to_numpy()
    method = pipeline(preprocess, "none", model, random_state=random_state)
    rows = {}
    for name, groups in ((GROUPED, tbl.groups), (UNGROUPED, None)):
        splits = make_folds(y, groups, folds, random_state, n_repeats=n_repeats)
        repeats = []
        for r in range(n_repeats):  # pooled predictions per repeat: each row once
            one = Folds(splits[r * folds:(r + 1) * folds], 1, folds, grouped=groups is not None)
            result = run_experiment({name: method}, tbl.X, y, groups=groups, cv=one, random_state=random_state,
                                    classes=tbl.classes, progress=False, n_jobs=n_jobs)
            truth, pred, _, _ = result.pooled(name)
            repeats.append(scores(truth, pred, classes=tbl.classes, metrics=("macro_f1",), per_class=())["macro_f1"])
        rows[name] = float(np.mean(repeats))
    frame = pd.Series(rows, name="macro_f1").to_frame()
    frame.attrs.update(inflation=rows[UNGROUPED] - rows[GROUPED], table=tbl.name, group_col=tbl.group_col,
                       design=splits.design)  # the ungrouped folds': "r × k-fold cross-validation"
    return frame


NO_GROUPS_NOTE = ("- Folds that ignore groups were not measured: your table has no group column, and the generated "
                  "search log's number is not your table's. If rows share a query, a user or a session, name that "
                  "column with `group_col` (`--group-col`): every split then keeps each group on one side.")
"""Notebook 03's bullet in place of :func:`grouping_inflation` on a user's table without a group column."""


def grouping_study(tbl: Table, user_table: bool, *, n_queries: int = 200, lang: str = "en", folds: int = 5,
                   random_state: int = 0, max_features: int = 500, n_repeats: int = 1,
                   n_jobs: int | None = None) -> pd.DataFrame | None:
    """Notebook 03's grouping section: :func:`grouping_inflation` on ``tbl`` when it has a group column; on the
    generated search log (``n_queries``, ``lang``) when the chapter runs on generated data without groups (the
    documented case); None on a user's table (``user_table``) without a group column — a number measured on
    generated data would read as the user's (:data:`NO_GROUPS_NOTE` says so instead)."""
    if tbl.group_col:
        source = tbl
    elif user_table:
        return None
    else:
        source = datasets.load("search_log", random_state=random_state, n_queries=n_queries, lang=lang)
    return grouping_inflation(source, folds=folds, random_state=random_state, max_features=max_features,
                              n_repeats=n_repeats, n_jobs=n_jobs)


def grouping_headline(frame: pd.DataFrame | None) -> dict[str, Any]:
    """For the report index: ``grouping_inflation`` (ungrouped minus grouped macro-F1) and ``grouping_table`` (whose
    groups); nothing when :func:`grouping_study` measured nothing (a user's table without groups)."""
    if frame is None:
        return {}
    return {"grouping_inflation": frame.attrs["inflation"], "grouping_table": frame.attrs["table"]}


def describe_grouping(frame: pd.DataFrame | None) -> str:
    """One Markdown bullet on :func:`grouping_inflation`, naming the table whose groups were used (the generated
    search log when the chapter's own generated table has no group column) and the folds; :data:`NO_GROUPS_NOTE`
    for None (:func:`grouping_study` on a user's table without groups)."""
    if frame is None:  # NO_GROUPS_NOTE in the current language
        return _("- Folds that ignore groups were not measured: your table has no group column, and the generated "
                 "search log's number is not your table's. If rows share a query, a user or a session, name that "
                 "column with `group_col` (`--group-col`): every split then keeps each group on one side.")
    grouped, ungrouped = frame.loc[GROUPED, "macro_f1"], frame.loc[UNGROUPED, "macro_f1"]
    verdict = (_("ungrouped cross-validation inflates the score by {inflation:+.3f}") if ungrouped > grouped
               else _("ignoring the groups did not inflate the score on this table")).format(
        inflation=ungrouped - grouped)
    a = frame.attrs
    if not a.get("table"):
        return _("- Folds that ignore the query groups score macro-F1 {ungrouped:.3f}, folds that keep each query on "
                 "one side {grouped:.3f}: {verdict}.").format(ungrouped=ungrouped, grouped=grouped, verdict=verdict)
    return (_("- On `{table}`, grouped by `{group_col}` ({design}): folds that ignore the query groups score macro-F1 "
              "{ungrouped:.3f}, folds that keep each query on one side {grouped:.3f}: {verdict}.") if a.get("design")
            else _("- On `{table}`, grouped by `{group_col}`: folds that ignore the query groups score macro-F1 "
                   "{ungrouped:.3f}, folds that keep each query on one side {grouped:.3f}: {verdict}.")).format(
        table=a["table"], group_col=a["group_col"], design=a.get("design"), ungrouped=ungrouped, grouped=grouped,
        verdict=verdict)
