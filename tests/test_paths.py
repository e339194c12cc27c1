"""Where the library keeps its caches, and where the report harness looks for the notebooks.

The installed package reads nothing of the checkout: its cache is the checkout's ``.cache/`` only when it is
imported from a checkout, else a per-user cache; only the report harness falls back to the current folder.
"""

from pathlib import Path

import pytest

from ecombalance import _paths
from ecombalance._reporting import cli, paths
from ecombalance._reporting.runner import discover
from ecombalance.exceptions import ReportError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The package as if installed from a wheel: ``site-packages/ecombalance``, no checkout around it."""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (site / "ecombalance").mkdir(parents=True)
    (site.parent / "pyproject.toml").write_text("")  # not a checkout: the package is not in lib/
    monkeypatch.setattr(_paths, "PACKAGE_DIR", site / "ecombalance")
    return site


def test_in_a_checkout_the_cache_is_per_user_too_never_the_checkout(monkeypatch, tmp_path):
    assert _paths.PACKAGE_DIR == ROOT / "lib" / "ecombalance"  # the tests import the checkout's package
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _paths.checkout() == ROOT
    assert _paths.cache_dir() == tmp_path / "xdg" / "ecombalance"
    monkeypatch.delenv("ECOMBALANCE_CACHE", raising=False)
    assert _paths.data_cache_dir() == tmp_path / "xdg" / "ecombalance"


def test_installed_the_cache_is_per_user_never_the_current_folder(installed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _paths.checkout() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _paths.cache_dir() == tmp_path / "xdg" / "ecombalance"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG specification says to ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _paths.cache_dir() == tmp_path / "home" / ".cache" / "ecombalance"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert _paths.cache_dir() == tmp_path / "home" / ".cache" / "ecombalance"
    monkeypatch.setenv("ECOMBALANCE_HOME", str(ROOT))  # the report's home does not move the library's cache
    assert _paths.cache_dir() == tmp_path / "home" / ".cache" / "ecombalance"


def test_the_data_cache_follows_ecombalance_cache(installed, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ECOMBALANCE_CACHE", raising=False)
    assert _paths.data_cache_dir() == tmp_path / "xdg" / "ecombalance"
    monkeypatch.setenv("ECOMBALANCE_CACHE", str(tmp_path / "out" / ".cache"))
    assert _paths.data_cache_dir() == tmp_path / "out" / ".cache"


def test_report_home_is_ecombalance_home_else_the_checkout_else_the_current_folder(installed, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ECOMBALANCE_HOME", str(ROOT))
    assert paths.project_root() == ROOT and paths.notebooks_dir() == ROOT / "notebooks"
    assert ROOT / "notebooks" / "03_resampling.ipynb" in discover(paths.notebooks_dir())
    monkeypatch.delenv("ECOMBALANCE_HOME")
    assert paths.project_root() == tmp_path  # installed, nothing set: the folder the command runs in
    monkeypatch.undo()
    monkeypatch.delenv("ECOMBALANCE_HOME", raising=False)
    assert paths.project_root() == ROOT  # imported from the checkout


def test_report_without_notebooks_names_ecombalance_home(installed, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ECOMBALANCE_HOME", raising=False)
    with pytest.raises(ReportError, match=rf"no notebooks folder at {tmp_path / 'notebooks'}: the report runs "
                                          r"the project's notebooks.*set ECOMBALANCE_HOME to a checkout"):
        discover(paths.notebooks_dir())
    assert cli.main(["params"]) == 2
    monkeypatch.setenv("ECOMBALANCE_HOME", str(tmp_path / "empty"))
    assert cli.main(["report", "--profile", "smoke", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"ecombalance: error: no notebooks folder at {tmp_path / 'notebooks'}: ")
    assert err[1].startswith(f"ecombalance: error: no notebooks folder at {tmp_path / 'empty' / 'notebooks'}: ")
    assert all("set ECOMBALANCE_HOME to a checkout" in line for line in err) and len(err) == 2
    assert not (tmp_path / "out").exists()  # nothing was run or written


def test_installed_the_report_reads_the_notebooks_carried_in_the_package(installed, tmp_path, monkeypatch):
    suite = installed / "ecombalance" / "_suite"
    (suite / "notebooks").mkdir(parents=True)
    (suite / "params").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ECOMBALANCE_HOME", raising=False)
    assert paths.packaged_suite() == suite and paths.project_root() == suite
    assert paths.notebooks_dir() == suite / "notebooks" and paths.params_dir() == suite / "params"
    monkeypatch.setenv("ECOMBALANCE_HOME", str(ROOT))  # still wins
    assert paths.project_root() == ROOT
    assert paths.default_out("smoke") == tmp_path / "reports" / "smoke"  # under the current folder, never the package


def test_the_suite_copy_is_the_projects_files_and_never_replaces_one(tmp_path, capsys):
    target = tmp_path / "course"
    assert cli.main(["notebooks", str(target)]) == 0
    assert f"copied 9 notebooks to {target / 'notebooks'}" in capsys.readouterr().out
    expected = {f"{folder}/{f.name}" for folder, pattern in paths.SUITE_FOLDERS.items()
                for f in (ROOT / folder).glob(pattern)}
    copied = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert copied == expected and "benchmarks/results/resampling.json" in copied
    assert all((target / name).read_bytes() == (ROOT / name).read_bytes() for name in expected)
    edited = target / "notebooks" / "03_resampling.ipynb"
    edited.write_text("my notes")
    assert cli.main(["notebooks", str(target)]) == 2
    assert "already holds notebooks/00_overview.ipynb" in capsys.readouterr().err
    assert edited.read_text() == "my notes"
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReportError, match="is a file; give a folder"):
        paths.copy_suite(tmp_path / "file")
