"""The report on a user's own table at real sizes: seconds per notebook against the issue's targets.

Usage: .venv/bin/python benchmarks/user_table.py [--cases sessions_10k catalogue_50k] [--profile quick]
                                                 [--notebooks 01,02,03,06] [--out DIR] [--json FILE]

Each case is generated with :mod:`ecombalance.data._shapes` and written to CSV, then
``ecombalance report --profile quick --data FILE ... --notebooks 01,02,03,06`` runs on it in a subprocess, as a
user would call it. The seconds of each notebook come from the report's ``summary.json``; the total is their
sum. Targets (2 CPU cores, quick profile, these four notebooks together): a 10,000-row table in at most
2 minutes, a 50,000-row text table with 50 classes in at most 6 minutes. Results are printed and saved to
benchmarks/results/user_table.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecombalance.data import _shapes as shapes

CASES = {
    "sessions_10k": {"shape": "sessions", "n_rows": 10_000, "options": {}, "target_seconds": 120},
    "catalogue_50k": {"shape": "catalogue", "n_rows": 50_000, "options": {"n_classes": 50},
                      "target_seconds": 360},
}
"""Each benchmark case: the shape, its size, generator options and the target for the four notebooks."""


def cli_args(shape: str, path: Path) -> list[str]:
    """The ``ecombalance report`` data options a user would give for ``shape`` written to ``path``."""
    roles = shapes.ROLES[shape]
    args = ["--data", str(path), "--label-col", roles.label]
    for col in roles.text_cols:
        args += ["--text-col", col]
    if roles.text_pair:
        args += ["--text-pair", *roles.text_pair]
    if roles.group_col:
        args += ["--group-col", roles.group_col]
    if roles.options.get("min_class_size"):
        args += ["--min-class-size", str(roles.options["min_class_size"])]
    return args


def run_report(out: Path, options: list[str]) -> tuple[subprocess.CompletedProcess, float, list[dict]]:
    """``ecombalance report --out OUT OPTIONS`` in a subprocess, as a user would call it: the finished process,
    its wall seconds and the notebooks' entries of the report's ``summary.json`` (empty when it wrote none)."""
    command = [sys.executable, "-m", "ecombalance._reporting.cli", "report", "--out", str(out), *options]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary_path = out / "summary.json"
    entries = json.loads(summary_path.read_text())["notebooks"] if summary_path.exists() else []
    return completed, wall, entries


def run_case(name: str, case: dict, workdir: Path, profile: str, notebooks: str) -> dict:
    frame = shapes.generate(case["shape"], case["n_rows"], **case["options"])
    data = workdir / f"{name}.csv"
    frame.to_csv(data, index=False)
    out = workdir / f"report_{name}"
    print(f"{name}: {len(frame):,} rows, {frame[shapes.ROLES[case['shape']].label].nunique()} classes", flush=True)
    completed, wall, entries = run_report(out, ["--profile", profile, "--notebooks", notebooks,
                                                *cli_args(case["shape"], data)])
    seconds = {e["notebook"]: e["seconds"] for e in entries}
    status = {e["notebook"]: e["status"] for e in entries}
    total = round(sum(seconds.values()), 1)
    result = {"case": name, "shape": case["shape"], "rows": len(frame), "options": case["options"],
              "exit_code": completed.returncode, "notebook_seconds": seconds, "notebook_status": status,
              "total_seconds": total, "wall_seconds": round(wall, 1), "target_seconds": case["target_seconds"],
              "met": completed.returncode == 0 and total <= case["target_seconds"]}
    if completed.returncode:
        result["error"] = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--notebooks", default="01,02,03,06")
    parser.add_argument("--out", type=Path, default=None, help="folder for the tables and reports (default: temporary)")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "user_table.json")
    parser.add_argument("--note", default="", help="a line on the machine's load, saved with the results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.out or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = []
        for name in args.cases:
            result = run_case(name, CASES[name], workdir, args.profile, args.notebooks)
            results.append(result)
            per = ", ".join(f"{k} {v:.0f} s" for k, v in result["notebook_seconds"].items())
            verdict = "met" if result["met"] else "NOT met"
            print(f"  {per}; total {result['total_seconds']:.0f} s vs target {result['target_seconds']} s: {verdict}"
                  + (f" (exit {result['exit_code']}: {result.get('error')})" if result["exit_code"] else ""), flush=True)
    record = {"machine": f"{platform.platform()}, {os.cpu_count()} CPUs", "python": platform.python_version(),
              "profile": args.profile, "notebooks": args.notebooks, "note": args.note, "cases": results}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=1) + "\n")
    print(f"saved {args.json}")


if __name__ == "__main__":
    main()
