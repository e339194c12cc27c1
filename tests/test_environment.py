import math
from importlib import metadata

import pytest

from ecombalance._chapters import environment
from ecombalance.exceptions import ModelNotAvailableError
from ecombalance.models import _pretrained as pretrained
from ecombalance.sampling import _imbalance as imbalance


def test_package_versions_match_installed_metadata():
    versions = environment.package_versions(("numpy", "torch", "surely-not-a-package-xyz"))
    assert versions["numpy"] == metadata.version("numpy")
    assert versions["torch"] == metadata.version("torch")
    assert versions["surely-not-a-package-xyz"] is None


@pytest.mark.parametrize("threads", [1, 3])
def test_hardware_reports_torch_threads(threads):
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        hw = environment.hardware()
    finally:
        torch.set_num_threads(before)
    assert hw["torch_threads"] == threads  # the value set here, not a second reading of the same call


@pytest.mark.parametrize("gpus", [0, 2])
def test_hardware_reports_the_cuda_devices_torch_sees(monkeypatch, gpus):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: gpus > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: gpus)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: f"GPU {i}")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    hw = environment.hardware()
    assert hw["cuda_available"] is (gpus > 0)
    assert hw["cuda_devices"] == [f"GPU {i}" for i in range(gpus)]
    assert hw["cuda_bf16_supported"] is (gpus > 0)  # only asked of a CUDA device


@pytest.mark.parametrize("cpu_bf16", [False, True])
def test_hardware_reports_cpu_bf16_separately_from_the_gpu(monkeypatch, cpu_bf16):
    import torch

    monkeypatch.setattr(environment, "cpu_bf16_supported", lambda: cpu_bf16)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    hw = environment.hardware()
    assert hw["cpu_bf16_supported"] is cpu_bf16
    assert hw["cuda_bf16_supported"] is False


@pytest.mark.slow
def test_default_model_loads_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = environment.model_check()
    assert result["loads_offline"] is True, result
    assert (result["hidden_size"], result["layers"]) == (384, 6)  # all-MiniLM-L6-v2
    assert 20 < result["parameters_millions"] < 25


def test_missing_model_is_reported_not_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotAvailableError, match="not available on this machine.*never downloads"):
        pretrained.resolve_model("no-such-org/no-such-model")
    result = environment.model_check("no-such-org/no-such-model")
    assert result["loads_offline"] is False and "HF_HOME" in result["error"]


def test_directory_without_config_is_explained(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="holds no config.json"):
        pretrained.resolve_model(tmp_path)


def test_local_directory_is_used_as_is():
    path = pretrained.resolve_model(pretrained.DEFAULT_MODEL)
    assert pretrained.resolve_model(path) == path.resolve()


def environment_report(cuda=False, model="loaded", cpu_bf16=False, cuda_bf16=None):
    models = {
        "loaded": {"model": "all-MiniLM-L6-v2", "loads_offline": True, "parameters_millions": 22.7,
                   "hidden_size": 384, "layers": 6, "load_seconds": 1.25, "error": None},
        "broken": {"model": "no-such/model", "loads_offline": False, "error": "not available on this machine"},
        "skipped": None,
    }
    return {
        "packages": {"numpy": "2.1.0", "torch": "2.5.0", "papermill": None},
        "hardware": {"python": "3.11", "platform": "linux", "cpu_cores": 2, "torch_threads": 2,
                     "cuda_available": cuda, "cuda_devices": ["NVIDIA H200"] if cuda else [], "cpu_bf16_supported": cpu_bf16,
                     "cuda_bf16_supported": cuda if cuda_bf16 is None else cuda_bf16},
        "model": models[model],
    }


def test_describe_environment_states_the_case_and_what_was_found():
    counts = {"category 1": 400, "category 2": 150, "category 3": 50}
    case = imbalance.distribution(counts)
    text = environment.describe_environment(case, environment_report())
    lines = text.splitlines()
    assert len(lines) == 5 and all(line.startswith("- ") for line in lines)
    shares = [n / sum(counts.values()) for n in counts.values()]
    entropy = -sum(p * math.log(p) for p in shares) / math.log(len(shares))
    assert lines[0] == (f"- The documented case is {' / '.join(f'{p:.3f}' for p in shares)}, an imbalance ratio of "
                        f"{max(shares) / min(shares):.0f}:1 and a normalised entropy of {entropy:.3f} (1 would be "
                        "balanced).")
    assert lines[1] == "- 2 of 3 packages are installed; missing: `papermill`."
    assert lines[2] == ("- Compute: 2 CPU cores, torch uses 2 threads; CUDA is not available, so notebooks 04–05 "
                        "train on the CPU.")
    assert lines[3] == "- bf16: the CPU has no bf16 instructions, so fine-tuning on it runs in fp32."
    assert lines[4] == ("- Encoder `all-MiniLM-L6-v2`: loads offline (22.7M parameters, 6 layers, hidden size 384, "
                        "1.25 s).")


def test_describe_environment_with_a_gpu_and_without_the_model():
    case = imbalance.distribution({"a": 30, "b": 10})
    text = environment.describe_environment(case, environment_report(cuda=True, model="broken"))
    assert f"{30 / 40:.3f} / {10 / 40:.3f}, an imbalance ratio of {30 / 10:.0f}:1" in text
    assert "CUDA is available: NVIDIA H200." in text
    assert text.endswith("- Encoder `no-such/model`: does not load offline (not available on this machine).")
    assert "- bf16: the CPU has no bf16 instructions, so fine-tuning on it runs in fp32; the GPU computes in bf16." in text
    skipped = environment.describe_environment(case, environment_report(model="skipped"))
    assert skipped.endswith("- The encoder check was skipped (`model_name=\"\"`).")


def test_environment_headline():
    case = imbalance.distribution({"a": 400, "b": 150, "c": 50})
    assert environment.environment_headline(case, environment_report(model="skipped")) == {
        "majority_share": pytest.approx(400 / 600), "imbalance_ratio": 8.0, "missing_packages": 1,
        "cuda_available": False, "cpu_bf16_supported": False, "cuda_bf16_supported": False, "torch_threads": 2,
        "model_loads_offline": None}
    assert environment.environment_headline(case, environment_report())["model_loads_offline"] is True


@pytest.mark.parametrize("cpu_bf16, cuda_bf16", [(True, False), (False, True), (True, True)])
def test_describe_environment_names_cpu_and_gpu_bf16_separately(cpu_bf16, cuda_bf16):
    case = imbalance.distribution({"a": 30, "b": 10})
    report = environment_report(cuda=True, cpu_bf16=cpu_bf16, cuda_bf16=cuda_bf16)
    bf16 = next(line for line in environment.describe_environment(case, report).splitlines()
                if line.startswith("- bf16:"))
    cpu, gpu = bf16.split("; the GPU ")
    assert ("runs under bf16 autocast" in cpu) is cpu_bf16 and ("runs in fp32" in cpu) is not cpu_bf16
    assert gpu == ("computes in bf16." if cuda_bf16 else "has no bf16, so fine-tuning there runs in fp32.")
    headline = environment.environment_headline(case, report)
    assert (headline["cpu_bf16_supported"], headline["cuda_bf16_supported"]) == (cpu_bf16, cuda_bf16)
