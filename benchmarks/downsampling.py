"""Negative down-sampling throughput and memory: the pandas engine vs the Spark engine (local[2]).

Usage: .venv/bin/python benchmarks/downsampling.py [--rows 1000000 10000000] [--rate 0.1] [--no-spark]

For each size, a click log (3 % positives, five numeric columns) is generated once and written to
Parquet. pandas: time of `negative_downsample` on the in-memory frame, and its peak extra memory
(tracemalloc, which sees NumPy's buffers) as a multiple of the frame's size — the target is at most
one extra copy (two copies in all). Spark: time of reading that Parquet file, down-sampling with
`sampleBy` and counting the result, and the JVM's peak resident memory (VmHWM). Results are printed
and saved to benchmarks/results/downsampling.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from ecombalance.sampling import _downsampling as downsampling


def click_log(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "query_id": rng.integers(0, rows // 10 + 1, rows),
        "price": rng.lognormal(4, 1, rows),
        "text_overlap": rng.random(rows),
        "hist_ctr": rng.beta(1, 30, rows),
        "position": rng.integers(1, 11, rows).astype(np.int16),
        "clicked": (rng.random(rows) < 0.03).astype(np.int8),
    })


def jvm_peak_rss_mb() -> float | None:
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            cmdline = (status.parent / "cmdline").read_bytes()
            if b"org.apache.spark" in cmdline or b"pyspark-shell" in cmdline:
                hwm = [line for line in status.read_text().splitlines() if line.startswith("VmHWM")]
                peaks.append(int(hwm[0].split()[1]) / 1024)
        except (OSError, IndexError):
            continue
    return max(peaks) if peaks else None


def bench_pandas(frame: pd.DataFrame, rate: float) -> dict:
    size = frame.memory_usage(deep=True).sum()
    downsampling.negative_downsample(frame.head(1000), rate=rate)  # warm-up
    tracemalloc.start()
    start = time.perf_counter()
    sample = downsampling.negative_downsample(frame, rate=rate, random_state=1)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "rows_per_s": len(frame) / seconds, "kept_rows": len(sample),
            "data_mb": size / 1e6, "peak_extra_mb": peak / 1e6, "copies_held": 1 + peak / size}


def bench_spark(spark, path: Path, rows: int, rate: float) -> dict:
    df = spark.read.parquet(str(path))
    df.count()  # warm-up: file listing and JIT
    start = time.perf_counter()
    kept = downsampling.negative_downsample_spark(df, rate=rate, random_state=1).count()
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    downsampling.label_counts_spark(df, "clicked")
    count_seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_per_s": rows / seconds, "kept_rows": kept,
            "class_count_seconds": count_seconds, "jvm_peak_rss_mb": jvm_peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()

    spark_ok, why = downsampling.spark_available()
    spark = downsampling.spark_session("local[2]") if spark_ok and not args.no_spark else None
    if spark is None:
        print(f"Spark skipped: {why or '--no-spark'}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            frame = click_log(rows)
            entry = {"rows": rows, "pandas": bench_pandas(frame, args.rate)}
            if spark is not None:
                path = Path(tmp) / f"clicks_{rows}.parquet"
                frame.to_parquet(path)
                del frame
                entry["spark"] = bench_spark(spark, path, rows, args.rate)
            results.append(entry)

    print(f"\nnegative down-sampling at w={args.rate} on {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores")
    print(f"{'rows':>12} {'pandas rows/s':>15} {'copies held':>12} {'spark rows/s':>14} {'spark/pandas':>13} {'JVM peak MB':>12}")
    for entry in results:
        pd_, sp = entry["pandas"], entry.get("spark")
        spark_cols = (f"{sp['rows_per_s']:>14,.0f} {sp['rows_per_s'] / pd_['rows_per_s']:>13.2f} "
                      f"{sp['jvm_peak_rss_mb'] or float('nan'):>12.0f}") if sp else f"{'-':>14} {'-':>13} {'-':>12}"
        print(f"{entry['rows']:>12,} {pd_['rows_per_s']:>15,.0f} {pd_['copies_held']:>12.2f} {spark_cols}")
    out = Path(__file__).parent / "results" / "downsampling.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rate": args.rate, "machine": platform.platform(),
                               "cpu_count": os.cpu_count(), "results": results}, indent=2))
    print(f"saved {out}")
    if spark is not None:
        spark.stop()


if __name__ == "__main__":
    main()
