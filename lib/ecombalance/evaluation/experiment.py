"""The experiment runner: every method on the same folds, fitted on training rows only, with tidy results.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone

from ecombalance._progress import progress_bar
from ecombalance._validation import check_labels
from ecombalance.evaluation.folds import make_folds, take_rows
from ecombalance.evaluation.metrics import aggregate_metrics, per_class_table, require_two_classes, encode_labels
from ecombalance.evaluation.ranking import ranking_metrics


_FAILURE_COLUMNS = ["method", "fold", "error", "message"]


_WARNING_COLUMNS = ["method", "fold", "category", "message"]


_ERRORS = ("raise", "record")


@dataclass
class ExperimentResult:
    """What :func:`run_experiment` returns.

    ``results``: tidy DataFrame (method, fold, metric, class, value), ``class == "all"`` for aggregates.
    ``oof_rows`` / ``pooled(method)``: the rows some test fold predicted and their pooled predictions.
    ``folds``: the (train, test) row indices shared by every method. ``oof_pred`` / ``oof_proba``: per
    method that ran on every fold, the out-of-fold predictions in the row order of ``y`` (every row is predicted
    once, by the model that did not see it); ``oof_proba`` columns follow ``classes``. ``timings``: seconds per
    method and fold of the shared preprocessing (near 0 once cached), the fit and the prediction (kept out of
    ``results`` so that results repeat exactly with the seed).
    ``skipped``: per method left out by the time budget, why (such a method has no results and no predictions).
    ``failures``: with ``errors="record"``, one row per fold that raised (``method``, ``fold``, ``error``: the
    exception's class name, ``message``). A method with a failed fold keeps the rows of its other folds in
    ``results`` but has no out-of-fold predictions, so it is not in :attr:`methods` and every summary over all
    folds (:func:`~ecombalance.evaluation.summarise`, :func:`~ecombalance.evaluation.compare_to_baseline`)
    leaves it out; :attr:`notes` says so. ``warnings``: with ``record_warnings=True``, one row per distinct
    warning the estimator raised while fitting or predicting (``method``, ``fold``, ``category``, ``message``),
    else None.
    """

    results: pd.DataFrame
    folds: list[tuple[np.ndarray, np.ndarray]]
    classes: np.ndarray
    y: np.ndarray
    groups: np.ndarray | None
    oof_pred: dict[str, np.ndarray] = field(default_factory=dict)
    oof_proba: dict[str, np.ndarray | None] = field(default_factory=dict)
    timings: pd.DataFrame | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    failures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_FAILURE_COLUMNS))
    warnings: pd.DataFrame | None = None

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
        """One Markdown bullet per method left out of the summaries over all folds: skipped by the time budget
        or failed on some fold (its folds and the first error)."""
        lines = [f"- `{method}` {why}." for method, why in self.skipped.items()]
        for method, part in self.failures.groupby("method", sort=False):
            first = part.iloc[0]
            folds = ", ".join(str(f) for f in part["fold"])
            lines.append(f"- `{method}` left out: failed on fold(s) {folds} of {len(self.folds)} "
                         f"({first['error']}: {str(first['message'])[:200]}).")
        return lines

    @property
    def oof_rows(self) -> np.ndarray:
        """Rows that some test fold predicted (all rows for folds from :func:`make_folds`)."""
        return np.unique(np.concatenate([test for _, test in self.folds]))

    def pooled(self, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """``(y_true, y_pred, proba, groups)`` of ``method`` over :attr:`oof_rows`."""
        if method not in self.oof_pred:
            raise ValueError(f"no method {method!r}; the experiment ran {self.methods}")
        rows = self.oof_rows
        proba = self.oof_proba[method]
        return (self.y[rows], self.oof_pred[method][rows], None if proba is None else proba[rows],
                None if self.groups is None else self.groups[rows])


def _instantiate(name: str, spec: Any) -> Any:
    if hasattr(spec, "fit"):
        return clone(spec)
    if callable(spec):
        estimator = spec()
        if not hasattr(estimator, "fit"):
            raise TypeError(f"method {name!r}: the factory returned {type(estimator).__name__}, not an estimator")
        return estimator
    raise TypeError(
        f"method {name!r} must be an estimator (with fit/predict), a factory returning one, or "
        f"(features_name, estimator); got {type(spec).__name__}"
    )


def seed_estimator(estimator: Any, seed: int) -> None:
    """Fill every unset ``random_state`` (also inside pipelines) with ``seed``."""
    if not hasattr(estimator, "get_params"):
        return
    unset = {k: seed for k, v in estimator.get_params(deep=True).items()
             if k.split("__")[-1] == "random_state" and v is None}
    if unset:
        estimator.set_params(**unset)


def aligned_proba(estimator: Any, X_test: Any, classes: np.ndarray) -> np.ndarray | None:
    """``estimator.predict_proba(X_test)`` with one column per entry of ``classes``, in that order; a class
    the estimator never saw in its training fold gets probability 0. None without ``predict_proba``."""
    if not hasattr(estimator, "predict_proba"):
        return None
    raw = np.asarray(estimator.predict_proba(X_test), dtype=float)
    fitted = np.asarray(getattr(estimator, "classes_", classes))
    proba = np.zeros((len(raw), len(classes)))
    position = {c: i for i, c in enumerate(classes.tolist())}
    for j, c in enumerate(fitted.tolist()):
        proba[:, position[c]] = raw[:, j]
    return proba


def split_preprocess(estimator: Any) -> tuple[Any, Any]:
    """``(preprocess, rest)`` of a pipeline whose first step is named ``"preprocess"`` (as
    :func:`ecombalance.models.pipelines.pipeline` builds them): ``rest`` is the pipeline without that step.
    ``(None, estimator)`` for anything else, or when the step is ``"passthrough"`` / None."""
    steps = getattr(estimator, "steps", None)
    if not steps or len(steps) < 2 or steps[0][0] != "preprocess" or steps[0][1] in (None, "passthrough"):
        return None, estimator
    return steps[0][1], estimator[1:]


class FoldFeatures:
    """Preprocessed training and test matrices per fold, fitted once and shared by every method.

    ``get(preprocess, fold, X, y, train, test)`` fits a clone of ``preprocess`` on the training rows (with
    their labels, as a pipeline would) and transforms both sides the first time a fold meets a preprocessor
    with these parameters; later calls with an equal preprocessor (same class and ``get_params``, compared by
    :func:`joblib.hash`) get the same matrices. ``fits`` counts the fits. A preprocessor that cannot be hashed
    is fitted every time.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[Any, Any]] = {}
        self.fits = 0

    def get(self, preprocess: Any, fold: int, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray,
            key: Any = "") -> tuple[Any, Any]:
        try:
            cache_key = (key, fold, joblib.hash(preprocess))
        except Exception:  # noqa: BLE001 - an unpicklable step (a lambda): no caching
            cache_key = None
        if cache_key is not None and cache_key in self._cache:
            return self._cache[cache_key]
        fitted = clone(preprocess)
        self.fits += 1
        matrices = fitted.fit_transform(take_rows(X, train), y[train]), fitted.transform(take_rows(X, test))
        if cache_key is not None:
            self._cache[cache_key] = matrices
        return matrices


def _rows(method: str, fold: int, metrics: Mapping[str, float], cls: str = "all") -> list[tuple]:
    return [(method, fold, name, cls, float(value)) for name, value in metrics.items()]


def run_experiment(
    methods: Mapping[str, Any],
    X: Any,
    y: Any,
    groups: Any = None,
    n_splits: int = 5,
    seed: int = 0,
    features: Mapping[str, Any] | None = None,
    folds: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    classes: Sequence | None = None,
    ranking_k: int | None = None,
    gains: Mapping[Any, float] | None = None,
    progress: bool = True,
    time_budget: float | None = None,
    fold_features: FoldFeatures | None = None,
    errors: str = "raise",
    record_warnings: bool = False,
) -> ExperimentResult:
    r"""Evaluate every method on the same K folds and collect tidy results.

    Parameters
    ----------
    methods : mapping name -> estimator | factory | (features_name, estimator or factory)
        Each estimator is cloned (a factory is called) afresh for every fold, fitted on the training rows
        only and asked to predict the test rows. Resampling belongs *inside* the estimator — an
        imbalanced-learn ``Pipeline`` applies its sampler in ``fit`` only — so test rows are never
        resampled and never fitted on. Unset ``random_state`` parameters are set to ``seed``.
    X : DataFrame, array or sparse matrix
        Model input, rows aligned with ``y``.
    y : array-like of labels
    groups : array-like, optional
        Group ids (query ids for a search log): stratified group K-fold instead of stratified K-fold.
    n_splits, seed : int
        Folds from :func:`make_folds` (ignored when ``folds`` is given).
    features : mapping name -> array, optional
        Precomputed inputs (e.g. frozen-encoder embeddings, computed once without labels); a method given
        as ``(name, estimator)`` reads ``features[name]`` instead of ``X``. Anything *fitted* must stay in the
        estimator so it is fitted on training folds only.
    folds : list of (train_idx, test_idx), optional
        Use these folds (e.g. from an earlier experiment) instead of making new ones.
    classes : sequence, optional
        Class order for per-class rows and probability columns (default: sorted labels).
    ranking_k : int, optional
        With ``groups`` and ``gains``, also score each test fold as a ranking: items scored by the expected
        gain :math:`\sum_c p_c\, g_c` under ``gains`` and ranked per group (:func:`ranking_metrics`); an item
        counts as relevant for MRR / recall@k when its class has the largest gain (Exact for ESCI).
    gains : mapping label -> gain, optional
        The relevance gain of each class when the label is graded relevance (ESCI:
        :data:`ecombalance.data.loaders.ESCI_GAINS`; a table's :attr:`~ecombalance.data.table.Table.gains`).
        Required by ``ranking_k``: a group column alone (a household, a session) says nothing about relevance.
    progress : bool
        Show a tqdm bar over methods × folds.
    time_budget : float, optional
        Seconds per method: after each fold, a method whose projected time over all folds (seconds so far ×
        folds / folds done) exceeds it is stopped and left out, its reason in ``result.skipped`` — a slow
        method costs at most about one fold, never a hang. The first method (the baseline) always runs.
    fold_features : FoldFeatures, optional
        The per-fold cache of preprocessed matrices (a new one by default). A method that is a pipeline with a
        ``"preprocess"`` first step (:func:`ecombalance.models.pipelines.pipeline`) reuses the matrices of an
        equal preprocessor on the same fold instead of refitting it: text features are fitted once per fold,
        not once per method and fold. The results are those of fitting each pipeline whole.
    errors : {"raise", "record"}
        What an exception in one fold of one method does (a sampler that finds too few neighbours, a model that
        cannot fit): ``"raise"`` (default) stops the experiment with it; ``"record"`` keeps its class and message
        in ``result.failures`` and goes on with the next fold and the other methods. A method with a failed fold
        keeps the scores of its other folds in ``result.results`` but is left out of :attr:`ExperimentResult.methods`
        and of every summary over all folds, named in :attr:`ExperimentResult.notes`.
    record_warnings : bool
        Catch the warnings each estimator raises while fitting and predicting (a lowered ``k_neighbors``, a model
        that did not converge) into ``result.warnings`` instead of showing them.

    Returns
    -------
    ExperimentResult

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
    ...                         n_splits=3, errors="record", progress=False)
    >>> result.methods
    ['dummy']
    >>> result.failures[["method", "fold", "error"]].values.tolist()[0]
    ['fails', 0, 'RuntimeError']
    """
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {', '.join(map(repr, _ERRORS))}, got {errors!r}")
    if not methods:
        raise ValueError("methods is empty: pass {name: estimator}")
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
    if folds is None:
        folds = make_folds(y, group_arr, n_splits=n_splits, seed=seed)
    folds = [(np.asarray(tr), np.asarray(te)) for tr, te in folds]
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

    rows: list[tuple] = []
    timing_rows: list[dict] = []
    failure_rows: list[dict] = []
    warning_rows: list[dict] = []
    result = ExperimentResult(results=pd.DataFrame(), folds=folds, classes=classes, y=y, groups=group_arr)
    specs = {method: spec if isinstance(spec, tuple) else ("", spec) for method, spec in methods.items()}
    for method, (feature_name, spec) in specs.items():
        if feature_name not in inputs:
            raise ValueError(f"method {method!r} asks for features {feature_name!r}; "
                             f"features has {list(features or {})}")
        if not (hasattr(spec, "fit") or callable(spec)):
            _instantiate(method, spec)  # raises the TypeError that names the method
    bar = progress_bar(total=len(methods) * len(folds), desc="experiment", disable=not progress)
    cache = FoldFeatures() if fold_features is None else fold_features
    for position, (method, (feature_name, spec)) in enumerate(specs.items()):
        data = inputs[feature_name]
        oof_pred = np.empty(n, dtype=y.dtype)
        oof_proba = np.full((n, len(classes)), np.nan)
        has_proba, failed = True, False
        method_rows: list[tuple] = []
        method_seconds = 0.0
        for fold, (train, test) in enumerate(folds):
            bar.set_postfix_str(f"{method} fold {fold}")
            start = time.perf_counter()
            caught: list = []
            done = False
            try:
                pred, proba, timing = _fit_fold(method, spec, data, y, train, test, fold, feature_name, seed,
                                                classes, cache, caught if record_warnings else None)
                fold_rows = _score_fold(method, fold, y[test], pred, proba, classes, codes_y[test],
                                        None if group_arr is None else group_arr[test], gain_vector, ranking_k)
                done = True
            except Exception as error:  # noqa: BLE001 - recorded on request, re-raised otherwise
                if errors == "raise":
                    raise
                failed = True
                failure_rows.append({"method": method, "fold": fold, "error": type(error).__name__,
                                     "message": str(error)})
            finally:  # also the warnings of a fold that failed
                seen = dict.fromkeys((w.category.__name__, str(w.message)) for w in caught)
                warning_rows += [{"method": method, "fold": fold, "category": category, "message": message}
                                 for category, message in seen]
            if done:
                timing_rows.append({"method": method, "fold": fold, **timing})
                oof_pred[test] = pred
                if proba is None:
                    has_proba = False
                else:
                    oof_proba[test] = proba
                method_rows += fold_rows
            bar.update(1)
            method_seconds += time.perf_counter() - start
            projected = method_seconds * len(folds) / (fold + 1)
            if time_budget is not None and position > 0 and fold + 1 < len(folds) and projected > time_budget:
                result.skipped[method] = (f"left out: {method_seconds:.0f} s for {fold + 1} of {len(folds)} folds, "
                                          f"about {projected:.0f} s for all, over the time budget of "
                                          f"{time_budget:g} s per method")
                bar.update(len(folds) - fold - 1)
                break
        if method in result.skipped:
            continue
        rows += method_rows
        if not failed:
            result.oof_pred[method] = oof_pred
            result.oof_proba[method] = oof_proba if has_proba else None
    bar.close()
    result.results = pd.DataFrame(rows, columns=["method", "fold", "metric", "class", "value"])
    result.timings = pd.DataFrame(timing_rows, columns=["method", "fold", "preprocess_seconds", "fit_seconds",
                                                        "predict_seconds"])
    result.failures = pd.DataFrame(failure_rows, columns=_FAILURE_COLUMNS)
    if record_warnings:
        result.warnings = pd.DataFrame(warning_rows, columns=_WARNING_COLUMNS)
    return result


def _fit_fold(method: str, spec: Any, data: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray, fold: int,
              feature_name: str, seed: Any, classes: np.ndarray, cache: FoldFeatures, caught: list | None,
              ) -> tuple[np.ndarray, np.ndarray | None, dict[str, float]]:
    """Fit a fresh estimator on the training rows of one fold: its test predictions, aligned probabilities and
    seconds. With a list ``caught``, the warnings of the estimator's fit / predict go there, also when it fails
    (the shared preprocessing is fitted once for all methods: its warnings are no method's and show as usual)."""
    estimator = _instantiate(method, spec)
    seed_estimator(estimator, seed)
    start = time.perf_counter()
    preprocess, estimator = split_preprocess(estimator)
    if preprocess is None:
        X_train, X_test = take_rows(data, train), take_rows(data, test)
    else:
        X_train, X_test = cache.get(preprocess, fold, data, y, train, test, key=feature_name)
    prepared = time.perf_counter()
    with warnings.catch_warnings(record=True) if caught is not None else nullcontext() as record:
        if caught is not None:
            warnings.simplefilter("always")
        try:
            estimator.fit(X_train, y[train])
            fitted = time.perf_counter()
            pred = np.asarray(estimator.predict(X_test))
            proba = aligned_proba(estimator, X_test, classes)
        finally:
            if caught is not None:
                caught.extend(record)
    seconds = {"preprocess_seconds": prepared - start, "fit_seconds": fitted - prepared,
               "predict_seconds": time.perf_counter() - fitted}
    return pred, proba, seconds


def _score_fold(method: str, fold: int, y_test: np.ndarray, pred: np.ndarray, proba: np.ndarray | None,
                classes: np.ndarray, gain_codes: np.ndarray, groups: np.ndarray | None,
                gain_vector: np.ndarray | None, ranking_k: int | None) -> list[tuple]:
    """The tidy rows of one fold: aggregate and per-class metrics, and the ranking metrics when asked for."""
    t_codes, p_codes, proba, _ = encode_labels(y_test, pred, proba, classes)
    require_two_classes(t_codes, classes)
    per_class = per_class_table(t_codes, p_codes, proba, classes)
    rows = _rows(method, fold, aggregate_metrics(t_codes, p_codes, proba, classes, per_class))
    for cls, values in per_class.iterrows():
        rows += _rows(method, fold, values.to_dict(), str(cls))
    if gain_vector is not None and proba is not None:
        frame = pd.DataFrame({"q": groups, "gain": gain_vector[gain_codes], "score": proba @ gain_vector})
        ranking = ranking_metrics(frame, "q", "gain", "score", k=ranking_k, gains=None, relevant=[gain_vector.max()])
        rows += _rows(method, fold, {m: v for m, v in ranking.items() if not m.startswith("n_")})
    return rows


def save_results(results: pd.DataFrame | ExperimentResult, path: str | Path) -> Path:
    """Write the tidy results table to Parquet (parent folders created); returns the path."""
    frame = results.results if isinstance(results, ExperimentResult) else results
    expected = ["method", "fold", "metric", "class", "value"]
    if list(frame.columns) != expected:
        raise ValueError(f"results must have the columns {expected}, got {list(frame.columns)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def load_results(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`save_results`."""
    return pd.read_parquet(path)
