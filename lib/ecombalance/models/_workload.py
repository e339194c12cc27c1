"""How many rows a comparison runs on, decided by the table's size and the methods, never by a clock; and the
chosen method scored on every row when the comparison ran on a sample.

A wall-clock budget decides by the machine's load: the same table on a loaded and an idle machine would keep
different methods and reach different verdicts. Instead the work of a comparison is *estimated* from what makes
it cost — rows, classes, the width of the input a dense model reads, the rows a sampler adds, the epochs — with
per-row costs measured once on this project's 2-core machine (:data:`COSTS`), and the comparison runs on every
row when that estimate fits :data:`WORK_BUDGET`, else on a stratified sample of as many rows as fit
(:func:`row_limit`). The same table and methods always give the same rows, on any machine, under any load.

When the comparison ran on a sample, the method it recommends is fitted again on every row
(:func:`full_table_score`: out-of-fold predictions of ``folds``-fold cross-validation on the whole table), and
its score is reported beside the sample's (:func:`describe_full_table`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.data._preprocess import subsample
from ecombalance.data._table import Table
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.models._methods import DENSE_MAX_FEATURES, MODEL_PARAMS, build, epochs_for, parse

WORK_BUDGET = 150.0
"""Estimated seconds of fitting (one core, at :data:`COSTS`) notebook 06's comparison (and :func:`ecombalance.compare`)
may take on the whole table; above it the comparison runs on a stratified sample of :func:`row_limit` rows. The
costs were measured on this project's 2-core machine while other work ran on it, and there an estimate took about
as long in wall time with both cores fitting folds: 150 estimated seconds keep notebook 06 within the minutes its
targets allow (``benchmarks/real_tables.py``)."""

STUDY_BUDGET = 100.0
"""The same for notebook 03's study of every sampler with each classifier (12 samplers × 2 classifiers in the quick
profile), a lesson that needs fewer rows; the generated documented case (estimated 90 s) runs whole."""

COSTS = {"logreg": 15.0, "logreg_class_power": 0.85, "torch_row_epoch": 20.0, "torch_input": 0.05,
         "mlp_row_epoch": 1.5, "mlp_input": 0.0075, "mlp_epochs": 200, "tree": 0.025, "smote": 1.3, "cleaning": 1.5}
r"""Microseconds per training row of one fit, measured on this project's 2-core machine while other work ran
(single folds of the development tables and of generated 10,000–62,774-row tables):

- ``logreg``: logistic regression, :math:`15\,\mu s` for two classes, :math:`15\,C^{0.85}\,\mu s` for
  :math:`C > 2` classes (measured 14–21 µs on two classes, 148 µs on 10, 230 µs on 42);
- ``torch_mlp``: :math:`(20 + 0.05\,w)\,\mu s` per row and epoch, :math:`w` the input width (:func:`input_width`),
  with :func:`~ecombalance.models._methods.epochs_for` epochs (measured 22.5 µs at w = 51, 36 µs at w = 301);
- ``mlp`` (scikit-learn's, 200 epochs): :math:`(1.5 + 0.0075\,w)\,\mu s` per row and epoch (measured 395 µs per
  row at w = 25, 970 µs at w = 606 on sparse input);
- ``gboost`` and any other model (trees, ensembles): :math:`0.025\,\mu s` per row, input column and tree, with
  100 rounds of one tree (two classes) or :math:`C` trees (measured 115 µs per row on 51 columns, two classes);
- samplers multiply the rows: over-samplers to :math:`C \cdot N_{max}`, ``random_under`` to
  :math:`C \cdot N_{min}`, the SMOTE family ×1.3 for its neighbour search, the cleaning samplers ×1.5.
"""

_OVER = {"random_over", "smote", "borderline_smote", "adasyn", "svm_smote", "smotenc", "smoten", "smote_tomek",
         "smote_enn"}
_CLEANING = {"tomek", "enn"}


def input_width(tbl: Table, text_terms: int | None = DENSE_MAX_FEATURES) -> int:
    """Columns of the dense input a model that needs dense input reads: the numeric columns, one per value of
    each categorical column (one-hot), ``text_terms`` per text column and the six similarities of a text pair."""
    categorical = sum(int(tbl.frame[c].nunique()) for c in tbl.categorical_cols)
    terms = DENSE_MAX_FEATURES if text_terms is None else text_terms
    return len(tbl.numeric_cols) + categorical + terms * len(tbl.text_cols) + (6 if tbl.text_pair else 0)


def _row_factor(sampler: str, counts: np.ndarray) -> float:
    """Training rows after ``sampler`` per training row before it."""
    n, c = counts.sum(), len(counts)
    if sampler in _OVER:
        return c * counts.max() / n * (COSTS["smote"] if "smote" in sampler or sampler == "adasyn" else 1.0)
    if sampler == "random_under":
        return c * counts.min() / n
    if sampler in _CLEANING:
        return COSTS["cleaning"]
    return 1.0


def fit_microseconds(tbl: Table, spec: str, n_rows: int, epochs: int = 30,
                     text_terms: int | None = DENSE_MAX_FEATURES) -> float:
    """Estimated microseconds per training row of one fit of method ``spec`` on ``n_rows`` rows of ``tbl``
    (:data:`COSTS`); a dense model reads ``text_terms`` TF-IDF terms per text column (:func:`input_width`)."""
    sampler, model, _ = parse(spec)
    counts = tbl.y.value_counts().to_numpy()
    classes = len(counts)
    if model == "logreg":
        per_row = COSTS["logreg"] * (1.0 if classes == 2 else classes ** COSTS["logreg_class_power"])
    elif model == "torch_mlp":
        per_row = epochs_for(max(n_rows, 1), epochs) * (COSTS["torch_row_epoch"]
                                                       + COSTS["torch_input"] * input_width(tbl, text_terms))
    elif model == "mlp":
        per_row = COSTS["mlp_epochs"] * (COSTS["mlp_row_epoch"] + COSTS["mlp_input"] * input_width(tbl, text_terms))
    else:
        rounds = MODEL_PARAMS.get("gboost", {}).get("max_iter", 100)
        per_row = COSTS["tree"] * rounds * input_width(tbl, text_terms) * (1 if classes == 2 else classes)
    return per_row * _row_factor(sampler, counts)


def work_seconds(tbl: Table, methods: Sequence[str], n_rows: int | None = None, folds: int = 5, repeats: int = 2,
                 epochs: int = 30, text_terms: int | None = DENSE_MAX_FEATURES) -> float:
    r"""Estimated seconds (one core) to fit every method on every fold of ``repeats`` × ``folds`` cross-validation
    of ``n_rows`` rows of ``tbl`` (default: all): :math:`\sum_m \mu_m \cdot n \cdot (k-1)/k \cdot r k`, with
    :math:`\mu_m` from :func:`fit_microseconds`."""
    n = len(tbl.frame) if n_rows is None else int(n_rows)
    per_row = sum(fit_microseconds(tbl, m, n, epochs, text_terms) for m in methods)
    return per_row * 1e-6 * n * (folds - 1) / folds * repeats * folds


def row_limit(tbl: Table, methods: Sequence[str], folds: int = 5, repeats: int = 2, epochs: int = 30,
              budget: float = WORK_BUDGET, text_terms: int | None = DENSE_MAX_FEATURES) -> int:
    """0 when every method on every row fits ``budget`` (:func:`work_seconds`), else the most rows that do
    (at least 100): the ``max_rows`` a comparison then samples. A function of the table's size, classes and
    columns and of the methods only: the same on any machine, under any load."""
    if work_seconds(tbl, methods, None, folds, repeats, epochs, text_terms) <= budget:
        return 0
    low, high = 100, len(tbl.frame)  # work grows with the rows: the largest n whose work fits
    while high - low > 1:
        middle = (low + high) // 2
        if work_seconds(tbl, methods, middle, folds, repeats, epochs, text_terms) <= budget:
            low = middle
        else:
            high = middle
    return low


def sample_for(tbl: Table, methods: Sequence[str], max_rows: int | None = None, folds: int = 5, repeats: int = 2,
               epochs: int = 30, random_state: int = 0, who: str = N_("The comparison"),
               setting: str = N_("parameter `max_rows={}`"), budget: float = WORK_BUDGET,
               text_terms: int | None = DENSE_MAX_FEATURES) -> tuple[Table, str]:
    """The rows a comparison runs on and a note when they are a sample (:func:`ecombalance.data._preprocess.subsample`).

    ``max_rows`` None: every row unless the estimated work is over ``budget`` (:func:`row_limit`; dense models
    reading ``text_terms`` terms per text column), and then the note gives the estimate; 0: every row; a positive
    int: at most that many rows."""
    if max_rows is None:
        limit = row_limit(tbl, methods, folds, repeats, epochs, budget, text_terms)
        estimate = work_seconds(tbl, methods, None, folds, repeats, epochs, text_terms)
        reason = _("the whole table would take about {estimate:,.0f} s of fitting for {methods} methods × {folds} "
                   "folds, estimated from its rows, classes and columns (`workload.row_limit`), over the work budget "
                   "of {budget:,.0f} s").format(estimate=estimate, methods=len(methods), folds=repeats * folds,
                                                budget=budget)
        setting = _("{setting} ({limit:,} here)").format(setting=_(setting).replace("{}", "None"), limit=limit)
        return subsample(tbl, limit, random_state=random_state, who=who, setting=setting, reason=reason)
    return subsample(tbl, max_rows, random_state=random_state, who=who, setting=setting)


def recommended(best: str | None, macro_f1: pd.Series) -> str:
    """The method a comparison recommends: ``best`` (a balancing method distinguishably better than its own plain
    model) when there is one; else the plain model (:func:`~ecombalance.models._methods.balances_nothing`)
    with the highest ``macro_f1`` (pooled out-of-fold, indexed by method), since no balancing earned its place;
    else the method with the highest ``macro_f1``."""
    from ecombalance.models._methods import balances_nothing

    if best is not None:
        return best
    plain = [m for m in macro_f1.index if balances_nothing(m)]
    ranked = macro_f1.loc[plain] if plain else macro_f1
    return str(ranked.sort_values(ascending=False, kind="stable").index[0])


def full_table_score(tbl: Table, method: str, folds: int = 5, random_state: int = 0, epochs: int = 30,
                     n_jobs: int | None = None, progress: bool = False, fold_features: Any = None) -> pd.Series:
    """``method`` fitted on every row of ``tbl``: out-of-fold predictions of one ``folds``-fold stratified (or
    grouped) cross-validation, each row predicted once by a model that did not see it.

    Returns ``macro_f1``, ``balanced_accuracy`` and ``recall_smallest`` (the smallest class's recall) of the pooled
    predictions, and ``rows``, ``design`` and ``method`` (name ``"every row"``)."""
    from ecombalance.evaluation import make_folds, run_experiment
    from ecombalance.evaluation._metrics import scores

    cv = make_folds(tbl.y, tbl.groups, folds, random_state)
    result = run_experiment({method: build(tbl, method, random_state, epochs)}, tbl.X, tbl.y, groups=tbl.groups, cv=cv,
                            random_state=random_state, progress=progress, n_jobs=n_jobs, fold_features=fold_features)
    y_true, pred = result.pooled(method)[:2]
    smallest = tbl.y.value_counts().index[-1]
    found = scores(y_true, pred, classes=result.classes, metrics=("macro_f1", "balanced_accuracy"))
    return pd.Series({"method": method, "macro_f1": found["macro_f1"],
                      "balanced_accuracy": found["balanced_accuracy"],
                      "recall_smallest": found[f"recall[{smallest}]"], "rows": len(tbl.frame),
                      "design": result.design}, name="every row")


def describe_full_table(full: pd.Series, sample: pd.Series, sample_rows: int, table_rows: int | None = None) -> str:
    """A Markdown bullet: the chosen method on every row (or on the larger sample its folds fit in the work budget)
    beside its score on the compared sample."""
    where = (_("every row") if table_rows in (None, full["rows"]) else
             _("a larger sample, the most rows its folds fit in the work budget (of {rows:,})").format(rows=table_rows))
    return _("- `{method}` fitted again on {where} ({rows:,} rows, {design}, pooled out-of-fold): macro-F1 "
             "{f1:.3f}, balanced accuracy {accuracy:.3f} (on the {sample_rows:,}-row sample: {sample_f1:.3f} and "
             "{sample_accuracy:.3f}).").format(
        method=full["method"], where=where, rows=full["rows"], design=full["design"], f1=full["macro_f1"],
        accuracy=full["balanced_accuracy"], sample_rows=sample_rows, sample_f1=sample["macro_f1"],
        sample_accuracy=sample["balanced_accuracy"])


def pooled_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """``macro_f1`` and ``balanced_accuracy`` of the pooled out-of-fold predictions per method (rows), from
    :func:`ecombalance.evaluation.summarise`'s table."""
    overall = summary[summary["class"] == "all"]
    return overall.pivot_table(index="method", columns="metric", values="pooled")[["macro_f1", "balanced_accuracy"]]


def every_row_check(full: Table, sample: Table, best: str | None, summary: pd.DataFrame, folds: int = 5,
                    random_state: int = 0, epochs: int = 30, n_jobs: int | None = None,
                    budget: float = WORK_BUDGET) -> tuple[str, pd.Series | None, str]:
    """What notebook 06 and :func:`ecombalance.compare` do after a comparison on ``sample`` (a sample of ``full``,
    or ``full`` itself), with its :func:`ecombalance.evaluation.summarise` table: ``(chosen, every_row, note)`` —
    the :func:`recommended` method; its :func:`full_table_score` on every row of ``full`` when one method's
    ``folds`` folds fit ``budget`` (:func:`row_limit`), else on the largest stratified sample that does; and
    :func:`describe_full_table`. ``every_row`` is None and the note "" when the comparison already ran on every
    row (or no larger sample fits)."""
    scores = pooled_scores(summary)
    chosen = recommended(best, scores["macro_f1"])
    if len(sample.frame) >= len(full.frame):
        return chosen, None, ""
    limit = row_limit(full, [chosen], folds, 1, epochs, budget)
    target = full if limit == 0 else subsample(full, limit, random_state=random_state)[0]
    if len(target.frame) <= len(sample.frame):
        return chosen, None, ""
    every_row = full_table_score(target, chosen, folds, random_state, epochs, n_jobs=n_jobs)
    return chosen, every_row, describe_full_table(every_row, scores.loc[chosen], len(sample.frame), len(full.frame))


def workload_headline(full: Table, sample: Table, chosen: str, every_row: pd.Series | None,
                      not_run: dict[str, str] | None = None) -> dict[str, Any]:
    """Headline numbers of the comparison's size: ``table_rows``, ``compared_rows``, ``chosen_method``; after a
    comparison on a sample ``every_row_macro_f1`` and ``every_row_balanced_accuracy`` (the chosen method fitted
    on every row); ``methods_not_run`` (names and reasons, "none") when an opt-in time budget left any out."""
    numbers: dict[str, Any] = {"table_rows": len(full.frame), "compared_rows": len(sample.frame),
                               "chosen_method": chosen}
    if every_row is not None:
        numbers.update(every_row_macro_f1=float(every_row["macro_f1"]),
                       every_row_balanced_accuracy=float(every_row["balanced_accuracy"]))
    numbers["methods_not_run"] = "; ".join(f"{m} ({why.split(' (')[0]})" for m, why in (not_run or {}).items()) \
        or "none"
    return numbers
