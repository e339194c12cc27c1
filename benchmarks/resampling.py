"""Time and peak memory of every sampler at 10k / 100k / 1M rows x 20 features (imbalance 90/9/1).

Each case runs in its own subprocess (``--case``), so that memory is measured per case and a slow
case can be stopped with ``--timeout``. Memory is the process's peak resident set size
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, Linux, KiB) before and after the sampler:
``extra MiB`` is what resampling added on top of the data (a high-water mark, so a lower bound when
generating the data peaked higher). The reference is imbalanced-learn's ``SMOTE`` called directly
(``imblearn_smote``), measured in the same run; ``x ref`` is each case's time over it.

    .venv/bin/python benchmarks/resampling.py                                  # everything (slow)
    .venv/bin/python benchmarks/resampling.py --sizes 10000 100000 --timeout 300
    .venv/bin/python benchmarks/resampling.py --sizes 1000000 --samplers random_under random_over smote
    .venv/bin/python benchmarks/resampling.py --sizes 10000 --json benchmarks/results/resampling.json

``--json FILE`` merges this run's cases into FILE (one entry per size x sampler; newer replaces older).
``--skip-if-projected S`` skips a sampler at a size when its time at the previous size, scaled
linearly with the row count (a lower bound for the neighbour-search samplers), exceeds S seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REFERENCE = "imblearn_smote"
WEIGHTS = (0.90, 0.09, 0.01)


def make_data(n_rows: int, n_features: int, kind: str, seed: int = 0):
    """Gaussian classes 0/1/2 in proportions 90/9/1, centres 1 apart; categorical columns as ints."""
    rng = np.random.default_rng(seed)
    y = rng.choice(3, size=n_rows, p=WEIGHTS)
    X = rng.standard_normal((n_rows, n_features)) + y[:, None].astype(float)
    if kind == "smotenc":  # the last two columns categorical (5 levels)
        X[:, -2:] = rng.integers(0, 5, size=(n_rows, 2))
    elif kind == "smoten":  # every column categorical
        X = (rng.integers(0, 3, size=(n_rows, n_features)) + y[:, None]).astype(np.int64)
    return X, y


def run_case(name: str, n_rows: int, n_features: int, seed: int) -> dict:
    from imblearn.over_sampling import SMOTE
    from sklearn.base import clone

    from ecombalance.sampling._resampling import make_sampler

    X, y = make_data(n_rows, n_features, name, seed)
    params = {"categorical_features": [n_features - 2, n_features - 1]} if name == "smotenc" else {}
    sampler = SMOTE(random_state=seed) if name == REFERENCE else make_sampler(name, random_state=seed, **params)
    warm = np.concatenate([np.flatnonzero(y == c)[:200] for c in range(3)])  # imports, thread pools
    clone(sampler).fit_resample(X[warm], y[warm])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    _, y_res = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "sampler": name,
        "rows": n_rows,
        "seconds": round(seconds, 3),
        "peak_mib": round(peak / 1024, 1),
        "extra_mib": round((peak - before) / 1024, 1),
        "rows_out": int(len(y_res)),
        "status": "ok",
    }


def measure(name: str, n_rows: int, n_features: int, seed: int, timeout: float) -> dict:
    command = [sys.executable, __file__, "--case", name, str(n_rows), str(n_features), str(seed)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"sampler": name, "rows": n_rows, "seconds": None, "status": f"timeout > {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"sampler": name, "rows": n_rows, "seconds": None, "status": f"error: {last[:120]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    from tqdm import tqdm

    from ecombalance.sampling._resampling import SAMPLERS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--samplers", nargs="+", default=[s for s in SAMPLERS if s != "none"], choices=SAMPLERS)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per case before it is stopped")
    parser.add_argument("--skip-if-projected", type=float, default=None, metavar="S")
    parser.add_argument("--json", type=Path, default=None, help="merge the results into this JSON file")
    args = parser.parse_args(argv)

    import pandas as pd

    results, last = [], {}
    cases = [(n, s) for n in sorted(args.sizes) for s in [REFERENCE, *args.samplers]]
    for n_rows, name in tqdm(cases, desc="resampling benchmark"):
        previous = last.get(name)
        if args.skip_if_projected and previous and previous[1] * n_rows / previous[0] > args.skip_if_projected:
            projected = previous[1] * n_rows / previous[0]
            results.append({"sampler": name, "rows": n_rows, "seconds": None,
                            "status": f"skipped: projected > {projected:.0f} s"})
            continue
        row = measure(name, n_rows, args.features, args.seed, args.timeout)
        results.append(row)
        if row["seconds"] is not None:
            last[name] = (n_rows, row["seconds"])

    table = pd.DataFrame(results)
    reference = table[table.sampler == REFERENCE].set_index("rows")["seconds"]
    table["x ref"] = (table["seconds"] / table["rows"].map(reference)).round(2)
    print(f"\n{args.features} features, classes 90/9/1, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"reference: imbalanced-learn SMOTE called directly ({REFERENCE}); peak memory = ru_maxrss per subprocess\n")
    print(table.to_string(index=False))

    if args.json:
        import imblearn
        import sklearn

        store = json.loads(args.json.read_text()) if args.json.exists() else {"cases": []}
        fresh = {(r["sampler"], r["rows"]) for r in results}
        store["cases"] = [c for c in store["cases"] if (c["sampler"], c["rows"]) not in fresh] + results
        store["cases"].sort(key=lambda c: (c["rows"], c["sampler"]))
        store["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "imbalanced-learn": imblearn.__version__, "scikit-learn": sklearn.__version__}
        store["setup"] = {"features": args.features, "weights": WEIGHTS, "seed": args.seed,
                          "memory": "peak RSS (ru_maxrss) of a subprocess per case"}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(store, indent=1) + "\n")
        print(f"\nsaved to {args.json}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        name, n_rows, n_features, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(run_case(name, n_rows, n_features, seed)))
    else:
        main()
