"""The experiment runner: every method on the same folds, fitted on training rows only, with tidy results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from ecombalance._progress import progress_bar
from ecombalance._validation import check_labels
from ecombalance.evaluation._fold_work import TIMINGS, FoldFeatures, instantiate
from ecombalance.evaluation._folds import Folds, as_folds, check_folds
from ecombalance.evaluation._metrics import encode_labels
from ecombalance.evaluation._runner import ExperimentRunner
from ecombalance.i18n import gettext as _

_FAILURE_COLUMNS = ["method", "fold", "error", "message"]
_WARNING_COLUMNS = ["method", "fold", "category", "message"]
_ERRORS = ("raise", "record")


@dataclass
class ExperimentResult:
    """What :func:`run_experiment` returns: tidy scores, the shared folds and the out-of-fold predictions.

    :attr:`oof_rows` / :meth:`pooled`: the rows some test fold predicted and their pooled predictions.

    Parameters
    ----------
    results : DataFrame
        Tidy scores (``method``, ``fold``, ``metric``, ``class``, ``value``), ``class == "all"`` for aggregates.
    folds : Folds
        The (train, test) row indices shared by every method (``n_repeats`` × ``n_splits``; :attr:`design`).
    classes : ndarray
        The class order (of the per-class rows and the ``oof_proba`` columns).
    y : ndarray
        The label of every row.
    groups : ndarray or None
        The group id of every row, when the experiment had groups.
    oof_pred, oof_proba : dict of str to ndarray
        Per method that ran on every fold, the out-of-fold predictions in the row order of ``y`` (every row
        predicted by a model that did not see it; with repeated folds, by its fold of the first repeat, so each
        row counts once); ``oof_proba`` columns follow ``classes`` (None without ``predict_proba``).
    timings : DataFrame or None
        Seconds per method and fold of the shared preprocessing (near 0 once cached), the fit and the prediction
        (kept out of ``results`` so that results repeat exactly with the seed).
    skipped : dict of str to str
        Per method left out by the time budget, why (such a method has no results and no predictions).
    failures : DataFrame
        With ``errors="record"``, one row per fold that raised (``method``, ``fold``, ``error``: the exception's
        class name, ``message``). A method with a failed fold keeps the rows of its other folds in ``results``
        but has no out-of-fold predictions, so it is not in :attr:`methods` and every summary over all folds
        (:func:`~ecombalance.evaluation._stats.summarise`, :func:`compare_to_baseline`) leaves it out;
        :attr:`notes` says so.
    warnings : DataFrame or None
        With ``record_warnings=True``, one row per distinct warning the estimator raised while fitting or
        predicting (``method``, ``fold``, ``category``, ``message``), else None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from ecombalance.evaluation import run_experiment
    >>> result = run_experiment({"dummy": DummyClassifier()}, np.zeros((30, 1)), np.repeat(["a", "b"], [20, 10]),
    ...                         cv=3, progress=False)
    >>> result.design, result.results.shape, result.oof_pred["dummy"].shape
    ('3-fold cross-validation', (93, 5), (30,))
    >>> y_true, y_pred, proba, groups = result.pooled("dummy")
    >>> proba.shape, groups is None
    ((30, 2), True)
    """

    results: pd.DataFrame
    folds: Folds
    classes: np.ndarray
    y: np.ndarray
    groups: np.ndarray | None
    oof_pred: dict[str, np.ndarray] = field(default_factory=dict)
    oof_proba: dict[str, np.ndarray | None] = field(default_factory=dict)
    timings: pd.DataFrame | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    failures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_FAILURE_COLUMNS))
    warnings: pd.DataFrame | None = None

    def __repr__(self) -> str:  # a few lines: the dataclass's own repr would print every prediction
        def named(names): return ", ".join(names[:6]) + (f", ... ({len(names)} in all)" if len(names) > 6 else "")
        left = [f"  {what}: {named(names)}" for what, names in (("not run", list(self.skipped)),
                                                                ("failed", self.failed_methods)) if names]
        return "\n".join([f"ExperimentResult: {len(self.methods)} methods, {len(self.y):,} rows, {len(self.classes)} "
                          f"classes, {self.design}", f"  methods: {named(self.methods)}", *left])

    @property
    def design(self) -> str:
        """How the rows were split, e.g. ``"2 × 5-fold cross-validation"`` (:attr:`Folds.design`)."""
        return as_folds(self.folds).design

    @property
    def methods(self) -> list[str]:
        """The methods that ran on every fold (those with out-of-fold predictions), in run order."""
        return list(self.oof_pred)

    @property
    def failed_methods(self) -> list[str]:
        """The methods with at least one failed fold (``errors="record"``), in run order."""
        return list(dict.fromkeys(self.failures["method"]))

    @property
    def notes(self) -> list[str]:
        """One Markdown bullet per method left out of the summaries over all folds.

        Each says why: skipped by the time budget, or failed on some fold (its folds and the first error).
        """
        lines = [f"- `{method}` {why}." for method, why in self.skipped.items()]
        for method, part in self.failures.groupby("method", sort=False):
            first = part.iloc[0]
            folds = ", ".join(str(f) for f in part["fold"])
            lines.append(_("- `{method}` left out: failed on fold(s) {folds} of {n} ({error}: {message}).").format(
                method=method, folds=folds, n=len(self.folds), error=first["error"],
                message=str(first["message"])[:200]))
        return lines

    @property
    def oof_rows(self) -> np.ndarray:
        """Rows that some test fold predicted (all rows for K-fold splits)."""
        return np.unique(np.concatenate([test for _, test in self.folds]))

    def pooled(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Return ``(y_true, y_pred, proba, groups)`` of ``method`` over :attr:`oof_rows`.

        Parameters
        ----------
        method : str
            A method of :attr:`methods`.

        Returns
        -------
        tuple of ndarray
            ``y_true``, ``y_pred``, ``proba`` (None without probabilities) and ``groups`` (None without groups).

        Raises
        ------
        ValueError
            When ``method`` did not run on every fold.
        """
        if method not in self.oof_pred:
            raise ValueError(f"no method {method!r}; the experiment ran {self.methods}")
        rows = self.oof_rows
        proba = self.oof_proba[method]
        return (self.y[rows], self.oof_pred[method][rows], None if proba is None else proba[rows],
                None if self.groups is None else self.groups[rows])


def _workers(n_jobs: int | None) -> int:
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or -1 (all cores), got {n_jobs!r}")
    return joblib.cpu_count() if n_jobs < 0 else int(n_jobs)


def run_experiment(
    methods: Mapping[str, Any],
    X: Any,
    y: Any,
    groups: Any = None,
    cv: Any = 5,
    random_state: int = 0,
    features: Mapping[str, Any] | None = None,
    classes: Sequence | None = None,
    ranking_k: int | None = None,
    gains: Mapping[Any, float] | None = None,
    progress: bool = True,
    time_budget: float | None = None,
    fold_features: FoldFeatures | None = None,
    errors: str = "raise",
    record_warnings: bool = False,
    n_jobs: int | None = None,
) -> ExperimentResult:
    r"""Evaluate every method on the same folds and collect tidy results: the one fold loop of the library.

    Parameters
    ----------
    methods : mapping name -> estimator | factory | (features_name, estimator or factory)
        Each estimator is cloned (a factory is called) afresh for every fold, fitted on the training rows
        only and asked to predict the test rows. Resampling belongs *inside* the estimator — an
        imbalanced-learn ``Pipeline`` applies its sampler in ``fit`` only — so test rows are never
        resampled and never fitted on. Unset ``random_state`` parameters are set to ``random_state``.
    X : DataFrame, array or sparse matrix
        Model input, rows aligned with ``y``.
    y : array-like of shape (n_samples,)
        The class labels.
    groups : array-like, optional
        Group ids (query ids for a search log): an int ``cv`` then makes stratified *group* K-fold.
    cv : int, splitter or list of (train, test), default=5
        What scikit-learn's ``check_cv`` takes (:func:`ecombalance.evaluation._folds.check_folds`): a number of
        stratified (group-aware) folds, a splitter such as ``RepeatedStratifiedKFold(n_splits=5, n_repeats=2)``
        or :class:`~ecombalance.evaluation._folds.RepeatedStratifiedGroupKFold`, or explicit pairs (an earlier
        experiment's ``result.folds``). The design (``r × k``) travels with ``result.folds``.
    random_state : int, default=0
        Shuffles an int ``cv`` and seeds every estimator's unset ``random_state``.
    features : mapping name -> array, optional
        Precomputed inputs (e.g. frozen-encoder embeddings, computed once without labels); a method given
        as ``(name, estimator)`` reads ``features[name]`` instead of ``X``. Anything *fitted* must stay in the
        estimator so it is fitted on training folds only.
    classes : sequence, optional
        Class order for per-class rows and probability columns (default: sorted labels).
    ranking_k : int, optional
        With ``groups`` and ``gains``, also score each test fold as a ranking: items scored by the expected
        gain :math:`\sum_c p_c\, g_c` under ``gains`` and ranked per group (:func:`ranking_metrics`); an item
        counts as relevant for MRR / recall@k when its class has the largest gain (Exact for ESCI).
    gains : mapping label -> gain, optional
        The relevance gain of each class when the label is graded relevance (ESCI:
        :data:`ecombalance.data._loaders.ESCI_GAINS`; a table's :attr:`~ecombalance.data._table.Table.gains`).
        Required by ``ranking_k``: a group column alone (a household, a session) says nothing about relevance.
    progress : bool
        Show a tqdm bar over methods × folds.
    time_budget : float, optional
        Seconds per method, an opt-in (default None: every method runs on every fold): a method whose projected
        time over all folds (seconds so far × folds / folds done) exceeds it is stopped and left out, its reason
        ("not run: over the time budget ...") in ``result.skipped`` — a slow method costs at most about one fold
        (with ``n_jobs`` > 1: its first fold, which every method runs before the rest), never a hang. The first
        method (the baseline) always runs. What the budget leaves out depends on the machine's load, so a verdict
        must name these methods and never read as if they had run; bound the cost by the rows instead
        (:func:`ecombalance.models._workload.row_limit`).
    fold_features : FoldFeatures, optional
        The cache of preprocessed matrices (a new one by default). A method that is a pipeline with a
        ``"preprocess"`` first step (:func:`ecombalance.models._pipelines.pipeline`) reuses the matrices of an
        equal preprocessor on the same data and rows instead of refitting it: text features are fitted once per
        fold, not once per method and fold. The results are those of fitting each pipeline whole.
    errors : {"raise", "record"}
        What an exception in one fold of one method does (a sampler that finds too few neighbours, a model that
        cannot fit): ``"raise"`` (default) stops the experiment with it; ``"record"`` keeps its class and message
        in ``result.failures`` and goes on with the next fold and the other methods. A method with a failed fold
        keeps the scores of its other folds in ``result.results`` but is left out of :attr:`ExperimentResult.methods`
        and of every summary over all folds, named in :attr:`ExperimentResult.notes`.
    record_warnings : bool
        Catch the warnings each estimator raises while fitting and predicting (a lowered ``k_neighbors``, a model
        that did not converge) into ``result.warnings`` instead of showing them.
    n_jobs : int or None, default=None
        Processes fitting folds at the same time (joblib; -1: all cores; None: 1, in this process). Every fit is
        seeded on its own, so the results are the same for any ``n_jobs``.

    Returns
    -------
    ExperimentResult
        The tidy results, the folds and the out-of-fold predictions.

    Raises
    ------
    ValueError
        For inputs that do not fit together (rows, folds, features, ``errors``).
    TypeError
        For a method that is not an estimator or a factory of one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator, ClassifierMixin
    >>> from sklearn.dummy import DummyClassifier
    >>> class Fails(ClassifierMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         raise RuntimeError("no neighbours")
    >>> y = np.repeat(["a", "b"], [20, 10])
    >>> result = run_experiment({"dummy": DummyClassifier(), "fails": Fails()}, np.zeros((30, 1)), y,
    ...                         cv=3, errors="record", progress=False)
    >>> result.methods
    ['dummy']
    >>> result.failures[["method", "fold", "error"]].values.tolist()[0]
    ['fails', 0, 'RuntimeError']
    """
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {', '.join(map(repr, _ERRORS))}, got {errors!r}")
    if not methods:
        raise ValueError("methods is empty: pass {name: estimator}")
    workers = _workers(n_jobs)
    y = check_labels(y, "y")
    n = len(y)
    inputs = {"": X, **(features or {})}
    for name, data in inputs.items():
        n_rows = data.shape[0] if hasattr(data, "shape") else len(data)
        if n_rows != n:
            label = "X" if name == "" else f"features[{name!r}]"
            raise ValueError(f"{label} has {n_rows} rows but y has {n}; rows must be aligned")
    classes = np.unique(y) if classes is None else np.asarray(classes)
    codes_y, _, _, classes = encode_labels(y, None, None, classes)
    group_arr = None if groups is None else check_labels(groups, "groups")
    folds = check_folds(cv, y, group_arr, random_state)
    for i, (train, test) in enumerate(folds):
        if np.intersect1d(train, test).size:
            raise ValueError(f"fold {i}: training and test rows overlap; folds must be disjoint")
    gain_vector = None
    if ranking_k is not None:
        if group_arr is None:
            raise ValueError("ranking_k needs groups (the query id of each row)")
        if gains is None:
            raise ValueError("ranking_k needs gains ({label: relevance gain}, e.g. loaders.ESCI_GAINS): ranking "
                             "metrics apply only when the label is graded relevance")
        missing = [c for c in classes.tolist() if c not in gains]
        if missing:
            raise ValueError(f"classes {missing} have no gain in gains={dict(gains)}")
        gain_vector = np.array([gains[c] for c in classes.tolist()], dtype=float)

    specs = {method: spec if isinstance(spec, tuple) else ("", spec) for method, spec in methods.items()}
    for method, (feature_name, spec) in specs.items():
        if feature_name not in inputs:
            raise ValueError(f"method {method!r} asks for features {feature_name!r}; "
                             f"features has {list(features or {})}")
        if not (hasattr(spec, "fit") or callable(spec)):
            instantiate(method, spec)  # raises the TypeError that names the method
    run = ExperimentRunner(specs, inputs, y, codes_y, classes, group_arr, folds, random_state, gain_vector,
                           ranking_k, FoldFeatures() if fold_features is None else fold_features, errors,
                           record_warnings, time_budget)
    bar = progress_bar(total=len(methods) * len(folds), desc="experiment", disable=not progress)
    try:
        if workers == 1:
            run.serial(bar)
        else:
            run.parallel(bar, workers)
    finally:
        bar.close()
    return _collect(run)


def _collect(run: ExperimentRunner) -> ExperimentResult:
    """The :class:`ExperimentResult` of a finished run: tidy rows, timings, failures, warnings and the
    out-of-fold predictions of every method that ran on every fold."""
    n = len(run.y)
    rows: list[tuple] = []
    timing_rows, failure_rows, warning_rows = [], [], []
    result = ExperimentResult(results=pd.DataFrame(), folds=run.folds, classes=run.classes, y=run.y,
                              groups=run.groups, skipped=dict(run.skipped))
    for method in run.specs:
        if method in run.skipped:
            continue
        oof_pred = np.empty(n, dtype=run.y.dtype)
        oof_proba = np.full((n, len(run.classes)), np.nan)
        filled = np.zeros(n, dtype=bool)
        has_proba, failed, method_rows = True, False, []
        for fold, (train, test) in enumerate(run.folds):
            outcome = run.outcomes.get((method, fold))
            if outcome is None:
                continue
            seen = dict.fromkeys(outcome["warnings"])
            warning_rows += [{"method": method, "fold": fold, "category": c, "message": m} for c, m in seen]
            error = outcome.get("error")
            if error is None:
                method_rows += outcome["rows"]
            else:
                failed = True
                failure_rows.append({"method": method, "fold": fold, "error": type(error).__name__,
                                     "message": str(error)})
                continue
            timing_rows.append({"method": method, "fold": fold, **{k: outcome[k] for k in TIMINGS}})
            new = ~filled[test]  # each row keeps the prediction of the first fold that tested it (repeat 1)
            oof_pred[test[new]] = outcome["pred"][new]
            if outcome["proba"] is None:
                has_proba = False
            else:
                oof_proba[test[new]] = outcome["proba"][new]
            filled[test] = True
        rows += method_rows
        if not failed:
            result.oof_pred[method] = oof_pred
            result.oof_proba[method] = oof_proba if has_proba else None
    result.results = pd.DataFrame(rows, columns=["method", "fold", "metric", "class", "value"])
    result.timings = pd.DataFrame(timing_rows, columns=["method", "fold", *TIMINGS])
    result.failures = pd.DataFrame(failure_rows, columns=_FAILURE_COLUMNS)
    if run.record_warnings:
        result.warnings = pd.DataFrame(warning_rows, columns=_WARNING_COLUMNS)
    return result


def save_results(results: pd.DataFrame | ExperimentResult, path: str | Path) -> Path:
    """Write the tidy results table to Parquet (parent folders created).

    Parameters
    ----------
    results : DataFrame or ExperimentResult
        The tidy results (``method``, ``fold``, ``metric``, ``class``, ``value``), or an experiment's.
    path : str or Path
        The Parquet file to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        When the table does not have the tidy columns.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from ecombalance.evaluation import load_results, save_results
    >>> table = pd.DataFrame({"method": ["a"], "fold": [0], "metric": ["macro_f1"], "class": ["all"], "value": [0.5]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_results(table, f"{folder}/run/results.parquet")
    ...     load_results(path).equals(table)
    True
    """
    frame = results.results if isinstance(results, ExperimentResult) else results
    expected = ["method", "fold", "metric", "class", "value"]
    if list(frame.columns) != expected:
        raise ValueError(f"results must have the columns {expected}, got {list(frame.columns)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def load_results(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`save_results`.

    Parameters
    ----------
    path : str or Path
        The Parquet file.

    Returns
    -------
    DataFrame
        The tidy results.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from ecombalance.evaluation import load_results, save_results
    >>> table = pd.DataFrame({"method": ["a"], "fold": [0], "metric": ["macro_f1"], "class": ["all"], "value": [0.5]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     load_results(save_results(table, f"{folder}/results.parquet")).shape
    (1, 5)
    """
    return pd.read_parquet(path)
