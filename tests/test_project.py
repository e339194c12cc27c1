"""Project conventions: notebooks, dependency lists, the README's commands, CI."""

import ast
import json
import re
import tomllib

import pytest
import yaml
from conftest import ROOT

from ecombalance._reporting import params

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for reqs in project["optional-dependencies"].values() for r in reqs]
    declared = {_name(r) for r in project["dependencies"] + extras}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = {_name(d) for d in env if isinstance(d, str)} - {"python", "pip"}
    pip = {_name(d) for d in next(d["pip"] for d in env if isinstance(d, dict)) if not d.startswith("-e")}
    assert conda | pip == declared
    assert not conda & pip


def test_torch_is_never_installed_unpinned():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^TORCH_SPEC \?= torch==2\.13\.0$", makefile, re.M)
    assert '"$(TORCH_SPEC)" -e ".[$(EXTRAS)]"' in makefile  # one resolve: the pin holds for every dependency
    env = (ROOT / "environment.yml").read_text()
    assert "- torch==2.13.0" in env


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_reports_and_venv_are_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "reports/" in ignored and ".venv" in ignored  # without a slash: also a worktree's symlink to a venv


def test_every_notebook_exists_in_order():
    numbers = [nb.name[:2] for nb in NOTEBOOKS]
    assert numbers == sorted(set(numbers)) and numbers[0] == "00"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_conventions(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", []), "first code cell must be tagged parameters"
    for cell in code:
        assert not cell["outputs"] and cell["execution_count"] is None, "commit notebooks without outputs"
        source = "".join(cell["source"])
        tree = ast.parse(source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, f"define algorithms in lib/ecombalance, not in the notebook:\n{source}"
        # the parameters cell holds one assignment per parameter (checked below): a little more room
        limit = 30 if cell is code[0] else 25
        assert len(source.splitlines()) <= limit, f"code cell too long for a chapter:\n{source}"
    assigned = []
    for statement in ast.parse("".join(code[0]["source"])).body:
        assert isinstance(statement, (ast.Assign, ast.AnnAssign)), "the parameters cell holds assignments only"
        assigned += [t.id for t in getattr(statement, "targets", [getattr(statement, "target", None)])]
    assert list(params.declared_parameters(path)) == assigned, "papermill must see every parameter"
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    headings = [line.strip().lower() for text in markdown for line in text.splitlines() if line.startswith("#")]
    assert "## what we saw" in headings and "## try it" in headings
    saw = next(i for i, c in enumerate(nb["cells"]) if "## What we saw" in "".join(c["source"]))
    assert nb["cells"][saw + 1]["cell_type"] == "code", "'What we saw' is generated from the run's numbers"
    assert "headline.record(" in "".join("".join(c["source"]) for c in code)
