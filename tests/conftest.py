from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]


def write_notebook(path: Path, parameters: str, *cells: str) -> Path:
    """A notebook whose first code cell (tagged `parameters`) is ``parameters``."""
    first = new_code_cell(parameters, metadata={"tags": ["parameters"]})
    nb = new_notebook(
        cells=[new_markdown_cell("# test notebook"), first, *map(new_code_cell, cells)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def smoke_report(tmp_path_factory):
    """Every notebook through the report harness with the `smoke` profile, once per test session
    (tests/test_notebooks.py checks the runs and opens the HTML in a browser)."""
    from ecombalance._reporting import runner

    out = tmp_path_factory.mktemp("smoke-report")
    return runner.run_report("smoke", out=out, notebooks_dir=ROOT / "notebooks", params_dir=ROOT / "params")


@pytest.fixture(scope="session")
def zh_smoke_report(tmp_path_factory):
    """Every notebook's Chinese edition (中文版) through the report harness with the `smoke` profile, once per test
    session (tests/test_edition.py checks the language of its pages and opens it in a browser)."""
    from ecombalance._reporting import runner

    out = tmp_path_factory.mktemp("zh-smoke-report")
    return runner.run_report("smoke", out=out, notebooks_dir=ROOT / "notebooks", params_dir=ROOT / "params",
                             lang="zh", log=lambda _: None)
