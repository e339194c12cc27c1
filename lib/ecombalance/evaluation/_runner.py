"""The fold loop of :func:`ecombalance.evaluation.run_experiment`: every (method, fold) fitted and scored, here or
in worker processes (joblib), with the shared preprocessing cached and the optional time budget.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ecombalance.evaluation._fold_work import (FoldScorer, call_or_exception, fit_and_score_fold, fit_predict_fold,
                                               fit_transform_fold, import_modules, instantiate, seed_estimator,
                                               split_preprocess)
from ecombalance.evaluation._folds import take_rows


class ExperimentRunner:
    """The state of one :func:`~ecombalance.evaluation.run_experiment` call: fits folds (here or in worker processes)
    and collects their outcomes."""

    def __init__(self, specs, inputs, y, codes_y, classes, groups, folds, random_state, gain_vector, ranking_k, cache,
                 errors, record_warnings, time_budget) -> None:
        self.specs, self.inputs, self.y, self.codes_y, self.classes = specs, inputs, y, codes_y, classes
        self.groups, self.folds, self.random_state, self.cache = groups, folds, random_state, cache
        self.gain_vector, self.ranking_k, self.errors = gain_vector, ranking_k, errors
        self.record_warnings, self.time_budget = record_warnings, time_budget
        self.scorer = FoldScorer(y, codes_y, classes, groups, gain_vector, ranking_k)
        self.outcomes: dict[tuple[str, int], dict] = {}
        self.skipped: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    # ------------------------------------------------------------------ the matrices a (method, fold) reads
    def _prepared(self, method: str, fold: int) -> tuple[Any, Any, Any, float]:
        """``(estimator without its preprocess step, X_train, X_test, preprocess seconds)``."""
        feature_name, spec = self.specs[method]
        data = self.inputs[feature_name]
        estimator = instantiate(method, spec)
        seed_estimator(estimator, self.random_state)
        preprocess, estimator = split_preprocess(estimator)
        train, test = self.folds[fold]
        start = time.perf_counter()
        if preprocess is None:
            X_train, X_test = take_rows(data, train), take_rows(data, test)
        else:
            X_train, X_test = self.cache.get(preprocess, data, self.y, train, test)
        return estimator, X_train, X_test, time.perf_counter() - start

    def _preprocess_jobs(self, fold_ids: Sequence[int]) -> list[tuple[tuple, Any, Any, np.ndarray, np.ndarray]]:
        """The (key, preprocess, data, train, test) the cache lacks for these folds, once each."""
        jobs, seen = [], set()
        for method, (feature_name, spec) in self.specs.items():
            if method in self.skipped:
                continue
            preprocess, _ = split_preprocess(instantiate(method, spec))
            if preprocess is None:
                continue
            data = self.inputs[feature_name]
            for fold in fold_ids:
                train, test = self.folds[fold]
                key = self.cache.key(preprocess, data, self.y, train, test)
                if key is None or key in seen or self.cache.lookup(key) is not None:
                    continue
                seen.add(key)
                jobs.append((key, preprocess, data, train, test))
        return jobs

    # ------------------------------------------------------------------------------------ bookkeeping
    def _record(self, method: str, fold: int, outcome: dict, elapsed: float) -> None:
        self.outcomes[(method, fold)] = outcome
        self.seconds[method] = self.seconds.get(method, 0.0) + elapsed

    def _over_budget(self, method: str, done: int) -> bool:
        """Whether ``method``, after ``done`` folds, is projected over the time budget (never the first method)."""
        if self.time_budget is None or method == next(iter(self.specs)) or done >= len(self.folds):
            return False
        spent = self.seconds.get(method, 0.0)
        projected = spent * len(self.folds) / done
        if projected <= self.time_budget:
            return False
        self.skipped[method] = (f"not run: over the time budget of {self.time_budget:g} s per method ({spent:.0f} s "
                                f"for {done} of {len(self.folds)} folds, about {projected:.0f} s for all; a "
                                "wall-clock budget depends on the machine's load, so no verdict covers this method)")
        return True

    # ------------------------------------------------------------------------------------ two schedulers
    def serial(self, bar) -> None:
        for method in self.specs:
            for fold in range(len(self.folds)):
                bar.set_postfix_str(f"{method} fold {fold}")
                start = time.perf_counter()
                try:
                    estimator, X_train, X_test, prep = self._prepared(method, fold)
                except Exception as error:  # noqa: BLE001 - the preprocessing failed: recorded or raised
                    if self.errors == "raise":
                        raise
                    outcome = {"error": error, "warnings": []}
                else:
                    outcome = fit_predict_fold(estimator, X_train, X_test, self.y[self.folds[fold][0]],
                                               self.classes, self.record_warnings, self.errors == "raise")
                    outcome["preprocess_seconds"] = prep
                    self.scorer.score(outcome, method, fold, self.folds[fold][1], self.errors == "raise")
                self._record(method, fold, outcome, time.perf_counter() - start)
                bar.update(1)
                if self._over_budget(method, fold + 1):
                    bar.update(len(self.folds) - fold - 1)
                    break

    def parallel(self, bar, workers: int) -> None:
        from joblib import Parallel, delayed

        rounds = [[0], list(range(1, len(self.folds)))] if self.time_budget is not None else [
            list(range(len(self.folds)))]
        with warnings.catch_warnings(), Parallel(n_jobs=workers, return_as="generator") as pool:
            # loky's note when it replaces a worker whose memory grew (torch's first import), not our concern
            warnings.filterwarnings("ignore", "A worker stopped while some jobs", UserWarning)
            # each worker's first task imports what the estimators need: loky measures a worker's memory after its
            # first task and replaces a worker that grows by 300 MB later (torch's import would), costing a restart
            list(pool(delayed(import_modules)(self._modules()) for _ in range(workers)))
            for fold_ids in rounds:
                if not fold_ids:
                    continue
                jobs = self._preprocess_jobs(fold_ids)
                # consumed whole (list): a generator left open, as one over no jobs when a shared cache already
                # holds every fold, keeps the pool "already running" for the fits below
                matrices = list(pool(delayed(call_or_exception)(fit_transform_fold, pre, data, self.y, train, test)
                                     for _, pre, data, train, test in jobs))
                for (key, *_), made in zip(jobs, matrices):
                    if not isinstance(made, Exception):  # a failed preprocessing fails again below, per method
                        self.cache.store(key, made)
                tasks = []
                for method in self.specs:
                    if method in self.skipped:
                        continue
                    for fold in fold_ids:
                        try:
                            estimator, X_train, X_test, prep = self._prepared(method, fold)
                        except Exception as error:  # noqa: BLE001 - recorded on request, re-raised otherwise
                            if self.errors == "raise":
                                raise
                            self._record(method, fold, {"error": error, "warnings": []}, 0.0)
                            bar.update(1)
                            continue
                        tasks.append((method, fold, prep, estimator, X_train, X_test))
                if not tasks:  # every fold failed in preprocessing: nothing to send (an unconsumed call blocks the pool)
                    continue
                outcomes = pool(delayed(fit_and_score_fold)(estimator, X_train, X_test, self.y[self.folds[fold][0]],
                                                    self.classes, self.record_warnings, self.scorer, method, fold,
                                                    self.folds[fold][1])
                                for method, fold, _, estimator, X_train, X_test in tasks)
                for (method, fold, prep, *_), (outcome, elapsed) in zip(tasks, outcomes):
                    if self.errors == "raise" and "error" in outcome:
                        raise outcome["error"]
                    outcome["preprocess_seconds"] = prep
                    self._record(method, fold, outcome, elapsed + prep)
                    bar.set_postfix_str(f"{method} fold {fold}")
                    bar.update(1)
                for method in self.specs:
                    if method not in self.skipped and self._over_budget(method, max(fold_ids) + 1):
                        bar.update(len(self.folds) - max(fold_ids) - 1)

    def _modules(self) -> list[str]:
        """The modules of every step of every method's estimator (imported by each worker first)."""
        found = set()
        for method, (_, spec) in self.specs.items():
            estimator = instantiate(method, spec)
            params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
            for part in [estimator, *params.values()]:
                module = type(part).__module__
                if hasattr(part, "fit") and module.split(".")[0] not in ("builtins", "__main__"):
                    found.add(module)
        return sorted(found)
