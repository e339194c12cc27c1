"""benchmarks/gpu_check.py on a machine without CUDA: the refusal, the dry-run plan, reading the benchmark's and
the report's outputs and assembling gpu.json (no benchmark or notebook is run here)."""

import importlib.util
import json
import shlex
import sys
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.py"


@pytest.fixture(scope="module")
def gpu_check():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_cuda_it_refuses_with_exit_2_and_writes_nothing(gpu_check, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    ran = []
    monkeypatch.setattr(gpu_check, "_run", lambda command: ran.append(command))
    monkeypatch.setattr(gpu_check.tempfile, "mkdtemp", lambda **kw: ran.append("mkdtemp"))
    out = tmp_path / "gpu.json"
    assert gpu_check.main(["--out", str(out)]) == gpu_check.NO_CUDA_EXIT == 2
    err = capsys.readouterr().err
    assert err.startswith(f"no CUDA device: torch {torch.__version__} (")
    assert "torch.cuda.is_available() is False" in err and "ran nothing and wrote nothing" in err
    assert "Using a GPU" in err and not ran and not out.exists()


def test_dry_run_prints_both_commands_and_writes_nothing(gpu_check, tmp_path, capsys):
    out = tmp_path / "gpu.json"
    assert gpu_check.main(["--dry-run", "--max-steps", "7", "--model-name", "all-MiniLM-L6-v2", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "GPU check plan (nothing run, nothing written):"
    bench = shlex.split(lines[1].split(": ", 1)[1])
    assert lines[1].startswith("  1. finetune_benchmark: ")
    assert bench[:6] == [sys.executable, str(gpu_check.BENCHMARK), "--only", "finetune", "--max-steps", "7"]
    report = shlex.split(lines[2].split(": ", 1)[1])
    assert report[1:] == ["-m", "ecombalance._reporting.cli", "report", "--profile", "full", "--notebooks", "05",
                          "--out", "<tmp>/report", "-p", "model_name", "all-MiniLM-L6-v2"]
    assert lines[3] == f"  then write {out}" and not out.exists()


BENCHMARK_JSON = {"finetune_speedup_vs_trainer": 1.5, "finetune_speedup_vs_trainer_cpu_time": 1.29, "note": "x",
                  "finetune_speedup_vs_trainer_spread": {"min": 1.4, "max": 1.6},
                  "finetune_samples_per_s": {"ours_finetune": 450.0, "trainer_finetune": 300.0},
                  "finetune_samples_per_s_long": {"ours_finetune": 200.0, "trainer_finetune": 60.0}}


def test_the_plan_asks_the_benchmark_for_its_json(gpu_check, tmp_path):
    steps = gpu_check.plan(3, tmp_path / "r", tmp_path / "b.json")
    assert steps[0]["command"][-4:] == ["--max-steps", "3", "--out", str(tmp_path / "b.json")]
    assert "-p" not in steps[1]["command"]


def test_benchmark_numbers_from_its_json_file(gpu_check, tmp_path):
    path = tmp_path / "finetune.json"
    path.write_text(json.dumps(BENCHMARK_JSON))
    numbers = gpu_check.read_benchmark(path)
    assert numbers["source"] == "finetune.json" and numbers["raw"] == BENCHMARK_JSON
    assert numbers["samples_per_s"] == BENCHMARK_JSON["finetune_samples_per_s"]
    assert numbers["samples_per_s_long"] == BENCHMARK_JSON["finetune_samples_per_s_long"]
    assert numbers["speedups"] == {key: BENCHMARK_JSON[key] for key in ("finetune_speedup_vs_trainer",
                                                                        "finetune_speedup_vs_trainer_cpu_time")}
    assert gpu_check.read_benchmark(tmp_path / "absent.json") == {"source": "missing", "samples_per_s": {},
                                                                  "speedups": {}}


def test_gpu_json_from_fake_benchmark_and_summary_files(gpu_check, tmp_path):
    report = tmp_path / "report"
    report.mkdir()
    headline = {"frozen_lr_macro_f1": 0.88, "finetuned_balanced_macro_f1": 0.91, "finetuned_minus_frozen_ci_low": 0.01,
                "int8_size_ratio": 0.6}
    (report / "summary.json").write_text(json.dumps({"profile": "full", "notebooks": [
        {"notebook": "05_transfer_learning", "status": "ok", "seconds": 95.5, "parameters": {"epochs": 8},
         "headline": headline, "conclusions": "- fine", "error": None}]}))
    notebook = gpu_check.read_notebook_summary(report)
    assert notebook["macro_f1"] == {"frozen_lr_macro_f1": 0.88, "finetuned_balanced_macro_f1": 0.91,
                                    "finetuned_minus_frozen_ci_low": 0.01}
    assert (notebook["status"], notebook["seconds"], notebook["conclusions"]) == ("ok", 95.5, "- fine")
    info = {"device_name": "NVIDIA H200", "torch_version": "2.13.0+cu128", "cuda_version": "12.8",
            "bf16_supported": True, "device_count": 1}
    steps = gpu_check.plan(5, report, tmp_path / "b.json")
    (tmp_path / "b.json").write_text(json.dumps(BENCHMARK_JSON))
    result = gpu_check.assemble(info, gpu_check.read_benchmark(tmp_path / "b.json"), notebook,
                                {"finetune_benchmark": 30.0, "notebook_05": 95.5, "total": 125.5}, steps)
    assert json.loads(json.dumps(result)) == result  # plain JSON
    assert result["device_name"] == "NVIDIA H200" and result["bf16_supported"] is True
    assert result["finetune_samples_per_s"]["ours_finetune"] == 450.0
    assert result["finetune_speedups"]["finetune_speedup_vs_trainer"] == 1.5
    assert result["notebook_05"]["macro_f1"]["finetuned_balanced_macro_f1"] == 0.91
    assert result["seconds"]["total"] == 125.5
    assert result["commands"]["notebook_05"].endswith(f"--notebooks 05 --out {report}")
    assert gpu_check.read_notebook_summary(tmp_path / "none")["status"] == "missing"


def test_with_a_device_it_runs_both_steps_and_writes_gpu_json(gpu_check, monkeypatch, tmp_path):
    info = {"device_name": "NVIDIA H200", "torch_version": "2.13.0+cu128", "cuda_version": "12.8",
            "bf16_supported": True, "device_count": 1}
    monkeypatch.setattr(gpu_check, "cuda_info", lambda: info)
    report, ran = tmp_path / "report", []

    def fake_run(command):
        ran.append(command)
        if "ecombalance._reporting.cli" in command:
            report.mkdir()
            (report / "summary.json").write_text(json.dumps({"notebooks": [
                {"notebook": "05_transfer_learning", "status": "failed", "seconds": 3.0, "headline": {},
                 "error": "OSError: model not on disk"}]}))
            return 1, "", 3.0
        Path(command[command.index("--out") + 1]).write_text(json.dumps(BENCHMARK_JSON))
        return 0, "", 20.0

    monkeypatch.setattr(gpu_check, "_run", fake_run)
    out = tmp_path / "gpu.json"
    assert gpu_check.main(["--report-dir", str(report), "--out", str(out)]) == 1  # a failed step fails the check
    assert [c[1] for c in ran] == [str(gpu_check.BENCHMARK), "-m"]
    result = json.loads(out.read_text())
    assert result["finetune_speedups"]["finetune_speedup_vs_trainer"] == 1.5
    assert result["finetune_benchmark"]["exit_code"] == 0 and result["notebook_05"]["exit_code"] == 1
    assert result["notebook_05"]["error"] == "OSError: model not on disk"
    assert result["seconds"] == {"finetune_benchmark": 20.0, "notebook_05": 3.0, "total": 23.0}
