from importlib import metadata

import pytest

from ecombalance.chapters import environment
from ecombalance.models import pretrained


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
    assert hw["cuda_available"] == torch.cuda.is_available()


def test_default_model_loads_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = environment.model_check()
    assert result["loads_offline"] is True, result
    assert (result["hidden_size"], result["layers"]) == (384, 6)  # all-MiniLM-L6-v2
    assert 20 < result["parameters_millions"] < 25


def test_missing_model_is_reported_not_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(pretrained.ModelNotAvailableError, match="not available on this machine.*never downloads"):
        pretrained.resolve_model("no-such-org/no-such-model")
    result = environment.model_check("no-such-org/no-such-model")
    assert result["loads_offline"] is False and "HF_HOME" in result["error"]


def test_directory_without_config_is_explained(tmp_path):
    with pytest.raises(pretrained.ModelNotAvailableError, match="holds no config.json"):
        pretrained.resolve_model(tmp_path)


def test_local_directory_is_used_as_is():
    path = pretrained.resolve_model(pretrained.DEFAULT_MODEL)
    assert pretrained.resolve_model(path) == path.resolve()
