"""One fold of one method, the unit of work of :func:`ecombalance.evaluation.run_experiment`: the estimator
instantiated and seeded, its preprocessing taken from the shared :class:`FoldFeatures` cache, fitted on the
training rows, asked for the test rows and scored. These functions run in the experiment's process or in a
worker process (``n_jobs``), with the same results.
"""

from __future__ import annotations

import hashlib
import importlib
import time
import warnings
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from ecombalance.evaluation._folds import take_rows
from ecombalance.evaluation._metrics import aggregate_metrics, encode_labels, per_class_table, require_two_classes
from ecombalance.evaluation._ranking import ranking_metrics


def instantiate(name: str, spec: Any) -> Any:
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


def seed_estimator(estimator: Any, random_state: int) -> None:
    """Fill every unset ``random_state`` (also inside pipelines) with ``random_state`` (an int)."""
    if not hasattr(estimator, "get_params"):
        return
    unset = {k: random_state for k, v in estimator.get_params(deep=True).items()
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
    :func:`ecombalance.models._pipelines.pipeline` builds them): ``rest`` is the pipeline without that step.
    ``(None, estimator)`` for anything else, or when the step is ``"passthrough"`` / None."""
    steps = getattr(estimator, "steps", None)
    if not steps or len(steps) < 2 or steps[0][0] != "preprocess" or steps[0][1] in (None, "passthrough"):
        return None, estimator
    return steps[0][1], estimator[1:]


def _digest(value: Any) -> str:
    """A content hash (joblib's) of ``value``; for an unhashable value its identity (never equal to another)."""
    try:
        return joblib.hash(value)
    except Exception:  # noqa: BLE001 - an unpicklable object (a lambda inside): compared by identity only
        return f"id:{id(value)}"


def _rows_digest(rows: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=16).hexdigest()


class FoldFeatures:
    """Preprocessed training and test matrices per fold, fitted once and shared by every method.

    ``get(preprocess, X, y, train, test)`` fits a clone of ``preprocess`` on the training rows (with their labels,
    as a pipeline would) and transforms both sides the first time it meets this combination; a later call gets
    the same matrices only when everything they were made from is the same: the preprocessor's class and
    parameters, the content of ``X`` and ``y`` and the row indices of both sides (each compared by
    :func:`joblib.hash`). One cache can therefore be shared by experiments on different tables or folds: each
    gets the matrices of its own data. ``fits`` counts the fits. A preprocessor that cannot be hashed is fitted
    every time.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[Any, Any]] = {}
        self._data: dict[int, tuple[Any, str]] = {}
        self.fits = 0

    def data_key(self, X: Any, y: np.ndarray) -> str:
        """The hash of ``(X, y)``, computed once per object pair while the objects live (kept referenced)."""
        key = id(X)
        known = self._data.get(key)
        if known is not None and known[0] is X and known[2] is y:
            return known[1]
        digest = _digest((X, y))
        self._data[key] = (X, digest, y)
        return digest

    def key(self, preprocess: Any, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple | None:
        """The cache key of one fold's matrices, None when the preprocessor cannot be hashed."""
        try:
            step = joblib.hash(preprocess)
        except Exception:  # noqa: BLE001 - an unpicklable step (a lambda): no caching
            return None
        return (step, self.data_key(X, y), _rows_digest(train), _rows_digest(test))

    def lookup(self, key: tuple | None) -> tuple[Any, Any] | None:
        return None if key is None else self._cache.get(key)

    def store(self, key: tuple | None, matrices: tuple[Any, Any]) -> None:
        self.fits += 1
        if key is not None:
            self._cache[key] = matrices

    def get(self, preprocess: Any, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[Any, Any]:
        """``(X_train, X_test)`` of ``preprocess`` fitted on ``train`` (from the cache when it has them)."""
        key = self.key(preprocess, X, y, train, test)
        found = self.lookup(key)
        if found is not None:
            return found
        matrices = fit_transform_fold(preprocess, X, y, train, test)
        self.store(key, matrices)
        return matrices


def fit_transform_fold(preprocess: Any, X: Any, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[Any, Any]:
    """A clone of ``preprocess`` fitted on the training rows: ``(X_train, X_test)`` transformed."""
    fitted = clone(preprocess)
    return fitted.fit_transform(take_rows(X, train), y[train]), fitted.transform(take_rows(X, test))


TIMINGS = ("preprocess_seconds", "fit_seconds", "predict_seconds")


def import_modules(modules: Sequence[str]) -> None:
    for module in modules:
        importlib.import_module(module)
    time.sleep(0.2)  # long enough that the other workers take the other warm-up tasks


def call_or_exception(function, *args):
    """``function(*args)``, or the exception it raised (handed back from a worker process as a value)."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - the caller decides
        return error


@dataclass
class FoldScorer:
    """What scoring a fold needs (sent to worker processes with each fold)."""

    y: np.ndarray
    codes_y: np.ndarray
    classes: np.ndarray
    groups: np.ndarray | None
    gain_vector: np.ndarray | None
    ranking_k: int | None

    def score(self, outcome: dict, method: str, fold: int, test: np.ndarray, raise_errors: bool) -> None:
        """Add the fold's tidy ``rows`` to a successful ``outcome`` (or its scoring error as ``error``)."""
        if "error" in outcome:
            return
        try:
            outcome["rows"] = score_fold(method, fold, self.y[test], outcome["pred"], outcome["proba"], self.classes,
                                          self.codes_y[test], None if self.groups is None else self.groups[test],
                                          self.gain_vector, self.ranking_k)
        except Exception as error:  # noqa: BLE001 - recorded on request, re-raised otherwise
            if raise_errors:
                raise
            outcome["error"] = error


def fit_and_score_fold(estimator, X_train, X_test, y_train, classes, record_warnings, scorer: FoldScorer, method: str,
               fold: int, test: np.ndarray) -> tuple[dict, float]:
    """:func:`fit_predict_fold` and the fold's scores in a worker process, with its wall time; errors come back
    as values."""
    start = time.perf_counter()
    outcome = fit_predict_fold(estimator, X_train, X_test, y_train, classes, record_warnings, False)
    scorer.score(outcome, method, fold, test, False)
    return outcome, time.perf_counter() - start


def fit_predict_fold(estimator: Any, X_train: Any, X_test: Any, y_train: np.ndarray, classes: np.ndarray,
                     record_warnings: bool = False, raise_errors: bool = True) -> dict[str, Any]:
    """Fit ``estimator`` (a fresh clone) on one fold's training matrix and predict its test matrix.

    Returns ``{"pred", "proba" (aligned to classes, or None), "fit_seconds", "predict_seconds", "warnings"}``;
    with ``raise_errors=False`` an exception comes back as ``{"error": exception, "warnings": [...]}``. With
    ``record_warnings`` the warnings of fit / predict are caught as ``(category name, message)`` pairs, also
    when the fit fails (otherwise they show as usual)."""
    caught: list = []
    # one BLAS / OpenMP thread per fit: on small folds several threads only contend (a logistic regression fitted
    # 10x slower with two on this project's 2-core machine); parallelism comes from n_jobs, one fold per process
    with threadpool_limits(1), warnings.catch_warnings(record=True) if record_warnings else nullcontext() as record:
        if record_warnings:
            warnings.simplefilter("always")
        try:
            start = time.perf_counter()
            estimator.fit(X_train, y_train)
            fitted = time.perf_counter()
            pred = np.asarray(estimator.predict(X_test))
            proba = aligned_proba(estimator, X_test, classes)
            done = time.perf_counter()
        except Exception as error:  # noqa: BLE001 - handed back to the caller, who records or raises it
            if raise_errors:
                raise
            return {"error": error, "warnings": [(w.category.__name__, str(w.message)) for w in record or []]}
        finally:
            if record_warnings:
                caught.extend(record)
    return {"pred": pred, "proba": proba, "fit_seconds": fitted - start, "predict_seconds": done - fitted,
            "warnings": [(w.category.__name__, str(w.message)) for w in caught]}


def score_fold(method: str, fold: int, y_test: np.ndarray, pred: np.ndarray, proba: np.ndarray | None,
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




def _rows(method: str, fold: int, metrics: Mapping[str, float], cls: str = "all") -> list[tuple]:
    return [(method, fold, name, cls, float(value)) for name, value in metrics.items()]
