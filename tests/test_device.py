import pytest
import torch

from ecombalance.models import _device as dev


def test_auto_is_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert dev.resolve_device("auto") == torch.device("cpu")
    assert dev.autocast_dtype(torch.device("cpu")) is None


def test_auto_picks_cuda_and_bf16_when_present(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    device = dev.resolve_device("auto")
    assert device == torch.device("cuda")
    assert dev.autocast_dtype(device) is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    assert dev.autocast_dtype(device) is None


@pytest.mark.parametrize("supported", [False, True])
def test_auto_uses_bf16_on_the_cpu_only_when_asked_and_supported(monkeypatch, supported):
    monkeypatch.setattr(dev, "cpu_bf16_supported", lambda: supported)
    cpu = torch.device("cpu")
    assert dev.autocast_dtype(cpu, "auto", cpu_bf16=True) is (torch.bfloat16 if supported else None)
    assert dev.autocast_dtype(cpu, "auto") is None  # callers opt in (small MLPs gain nothing from bf16)
    assert dev.autocast_dtype(cpu, "fp32", cpu_bf16=True) is None
    assert dev.autocast_dtype(cpu, "bf16") is torch.bfloat16  # forced either way


@pytest.mark.parametrize("flags, machine, onednn, expected", [
    ("fpu sse avx512f avx512_bf16 avx512_vnni", "x86_64", True, True),
    ("fpu sse avx512f amx_bf16 amx_tile", "x86_64", True, True),
    ("fpu sse avx2 avx512f avx512_vnni", "x86_64", True, False),  # no bf16 instructions: emulated, slower
    ("fpu sse avx512f avx512_bf16", "x86_64", False, False),  # torch built without oneDNN bf16
    ("fp asimd bf16", "aarch64", True, False),
])
def test_cpu_bf16_detection(monkeypatch, tmp_path, flags, machine, onednn, expected):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: test cpu\nflags\t\t: {flags}\n\nprocessor\t: 1\n")
    read = dev._cpuinfo_flags
    monkeypatch.setattr(dev, "_cpuinfo_flags", lambda: read(cpuinfo))
    monkeypatch.setattr(dev.platform, "machine", lambda: machine)
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: onednn)
    dev.cpu_bf16_supported.cache_clear()
    try:
        assert dev.cpu_bf16_supported() is expected
    finally:
        dev.cpu_bf16_supported.cache_clear()


def test_cpuinfo_flags_without_the_file(tmp_path):
    assert dev._cpuinfo_flags(tmp_path / "missing") == set()
    (tmp_path / "cpuinfo").write_text("processor : 0\nflags : fpu avx512_bf16\n")
    assert dev._cpuinfo_flags(tmp_path / "cpuinfo") == {"fpu", "avx512_bf16"}


def test_cuda_without_gpu_explains(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="torch sees no CUDA GPU.*device='auto'"):
        dev.resolve_device("cuda")


@pytest.mark.parametrize("bad, error, message", [
    ("gpu", ValueError, "unknown device 'gpu'"), (0, TypeError, "device must be"),
])
def test_bad_devices(bad, error, message):
    with pytest.raises(error, match=message):
        dev.resolve_device(bad)


def test_precision_choices():
    cpu = torch.device("cpu")
    assert dev.autocast_dtype(cpu, "bf16") is torch.bfloat16
    assert dev.autocast_dtype(cpu, "fp32") is None
    with pytest.raises(ValueError, match="precision must be one of"):
        dev.autocast_dtype(cpu, "half")


def test_autocast_on_cpu_runs_matmul_in_bf16():
    cpu = torch.device("cpu")
    a = torch.randn(4, 4)
    with dev.autocast(cpu, torch.bfloat16):
        assert (a @ a).dtype is torch.bfloat16
    with dev.autocast(cpu, None):
        assert (a @ a).dtype is torch.float32


def test_seed_everything_repeats():
    dev.seed_everything(3)
    first = torch.rand(3), torch.randn(2)
    dev.seed_everything(3)
    second = torch.rand(3), torch.randn(2)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    with pytest.raises(TypeError, match="random_state must be an int"):
        dev.seed_everything("3")


def test_torch_threads_sets_the_count_inside_and_restores_it_after():
    before = torch.get_num_threads()
    wanted = 1 if before != 1 else 2
    with dev.torch_threads(wanted) as used:
        assert used == wanted and torch.get_num_threads() == wanted
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError, match="boom"):
        with dev.torch_threads(wanted):
            assert torch.get_num_threads() == wanted
            raise RuntimeError("boom")
    assert torch.get_num_threads() == before  # restored after an exception too


def test_torch_threads_defaults_to_every_core(monkeypatch):
    monkeypatch.setattr(dev.os, "cpu_count", lambda: 3)
    for threads in (None, -1):
        with dev.torch_threads(threads) as used:
            assert used == 3 and torch.get_num_threads() == 3
    for bad in (0, 2.5, "2", True):
        with pytest.raises(ValueError, match="threads must be a positive int, -1"):
            with dev.torch_threads(bad):
                pass
