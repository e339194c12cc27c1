"""The experiment runner's speed against scikit-learn's own cross-validation of the same pipelines.

Usage: .venv/bin/python benchmarks/experiment.py [--repeats 3] [--cases methods samplers] [--json FILE]

Two cases, the work of notebooks 06 and 03 in the quick profile (documented case, 600 rows; 2 × 5-fold repeated
stratified cross-validation, r · k = 10 fold scores per method):

- ``methods``: notebook 06's default methods (logistic regression with and without balancing, a torch MLP with
  cross-entropy and logit adjustment);
- ``samplers``: notebook 03's eleven samplers × {logistic regression, scikit-learn's MLP}.

Each is run three ways on the same folds, interleaved ``--repeats`` times (median, min and max seconds):

- ``reference``: ``sklearn.model_selection.cross_validate`` of each whole pipeline (what a user would write;
  every pipeline refits its preprocessing on every fold, the libraries' default thread counts);
- ``ours, n_jobs=1``: :func:`ecombalance.evaluation.run_experiment` in this process (the preprocessing fitted once
  per fold and shared by every method; one BLAS thread per fit);
- ``ours, n_jobs=-1``: the same with the folds in worker processes (the workers' start is part of the time).

The macro-F1 of every fold is checked equal across the three (same folds, same seeds): the speed is not bought
with other numbers. Ratios are reference seconds / ours. Results are printed and saved to
benchmarks/results/experiment.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from ecombalance.data._datasets import case_table
from ecombalance.evaluation import make_folds, run_experiment
from ecombalance.models import _methods as experiments
from ecombalance.models._features import make_preprocessor
from ecombalance.models._pipelines import pipeline
from ecombalance.sampling._resampling import CATEGORICAL

ROOT = Path(__file__).resolve().parents[1]

SAMPLER_MODELS = ("logreg", "mlp")
"""The classifiers of notebook 03's quick profile."""


def methods_case(tbl) -> dict:
    """Notebook 06's default methods on the documented case (30 epochs for the torch MLPs, as the quick profile)."""
    return experiments.build_all(tbl, experiments.DEFAULT_METHODS, random_state=0, epochs=30)


def samplers_case(tbl) -> dict:
    """Notebook 03's samplers (the numeric ones) × its two classifiers, on 300 TF-IDF terms as the quick profile."""
    pre = make_preprocessor(tbl, text="tfidf", max_features=300)
    quick = yaml.safe_load((ROOT / "params" / "quick.yaml").read_text())["notebooks"]["03"]["samplers"]
    names = [s for s in quick if s not in CATEGORICAL]
    return {f"{s}+{m}": pipeline(pre, s, m, random_state=0) for s in names for m in SAMPLER_MODELS}


CASES = {"methods": methods_case, "samplers": samplers_case}


def reference(methods: dict, X, y, folds) -> tuple[float, dict]:
    """scikit-learn's ``cross_validate`` of each pipeline on the same folds: seconds and per-fold macro-F1."""
    from sklearn.model_selection import cross_validate

    start = time.perf_counter()
    scores = {name: cross_validate(estimator, X, y, cv=folds, scoring="f1_macro")["test_score"]
              for name, estimator in methods.items()}
    return time.perf_counter() - start, scores


def ours(methods: dict, X, y, folds, n_jobs) -> tuple[float, dict]:
    """:func:`run_experiment` on the same folds: seconds and per-fold macro-F1."""
    start = time.perf_counter()
    result = run_experiment(methods, X, y, cv=folds, progress=False, n_jobs=n_jobs)
    seconds = time.perf_counter() - start
    r = result.results[(result.results["metric"] == "macro_f1") & (result.results["class"] == "all")]
    return seconds, {m: part.sort_values("fold")["value"].to_numpy() for m, part in r.groupby("method")}


def one_run(case: str, way: str) -> tuple[float, dict]:
    """One timed run in a fresh process state (workers of ``n_jobs=-1`` started inside the timing)."""
    tbl = case_table(random_state=0)
    methods = CASES[case](tbl)
    folds = make_folds(tbl.y, None, 5, 0, n_repeats=2)
    X, y = tbl.X, np.asarray(tbl.y)
    if way == "reference":
        return reference(methods, X, y, list(folds))
    return ours(methods, X, y, folds, None if way == "ours, n_jobs=1" else -1)


WAYS = ("reference", "ours, n_jobs=1", "ours, n_jobs=-1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=sorted(CASES))
    parser.add_argument("--json", default=str(Path(__file__).parent / "results" / "experiment.json"))
    parser.add_argument("--one", nargs=2, metavar=("CASE", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # a child process: one timed run, printed as JSON
        seconds, scores = one_run(args.one[0], args.one[1])
        print(json.dumps({"seconds": seconds, "scores": {m: v.tolist() for m, v in scores.items()}}))
        return 0
    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform()}, "cases": {}}
    for case in args.cases:
        times = {way: [] for way in WAYS}
        scores = {}
        for _ in range(args.repeats):
            for way in WAYS:  # interleaved, each in its own process: the same cold start for every way
                out = subprocess.run([sys.executable, __file__, "--one", case, way], capture_output=True, text=True,
                                     check=True)
                run = json.loads(out.stdout.strip().splitlines()[-1])
                times[way].append(run["seconds"])
                scores[way] = run["scores"]
        for way in WAYS[1:]:
            for method, values in scores["reference"].items():
                if not np.allclose(values, scores[way][method], atol=1e-9):
                    raise SystemExit(f"{case}: {way} gives other fold scores than the reference for {method}")
        median = {way: statistics.median(t) for way, t in times.items()}
        results["cases"][case] = {
            "methods": len(scores["reference"]), "folds": "2 × 5",
            "seconds": {way: {"median": median[way], "min": min(t), "max": max(t)} for way, t in times.items()},
            "speedup_vs_reference": {way: median["reference"] / median[way] for way in WAYS[1:]},
        }
        print(f"{case}: {len(scores['reference'])} methods × 2 × 5 folds, same fold scores in all three ways")
        for way in WAYS:
            ratio = "" if way == "reference" else f"  {median['reference'] / median[way]:.2f}x faster"
            print(f"  {way:<18} median {median[way]:6.1f} s (min {min(times[way]):.1f}, max {max(times[way]):.1f})"
                  f"{ratio}")
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
