"""The library stands on its own: built as a wheel and installed into a fresh environment, it works from any
folder and reads nothing of the checkout (no ``benchmarks/``, no ``notebooks/``, no ``.cache/``): the wheel carries
the notebooks and the parameter profiles itself (``ecombalance/_suite/``, copied in by ``setup.py``), so the report
runs from a temporary folder, from the command line and from ``eb.report``.

The wheel is built offline from a copy of the sources (building in place would write ``build/`` and
``*.egg-info`` into the checkout) and installed, without pip's network or dependencies, into a throw-away venv
whose only link to this project's venv is a ``.pth`` line naming its site-packages: the third-party packages
resolve, but the ``.pth`` files in that folder (the editable install's hook to ``lib/``) are not processed, so
the checkout's ``ecombalance`` cannot be imported there.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import ecombalance
from ecombalance._reporting import paths
from ecombalance.data import _datasets as datasets

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "ecombalance"
WATCHED = [ROOT, ROOT / ".cache", ROOT / "benchmarks", ROOT / "benchmarks" / "results", ROOT / "notebooks",
           ROOT / "data"]

# Run in the installed environment, cwd a fresh folder: the library's own API, nothing of the checkout.
TODAY = r'''
import hashlib, json, sys
from pathlib import Path

import ecombalance
from ecombalance import _paths
from ecombalance._chapters import resampling_study
from ecombalance.data import case_table
from ecombalance.evaluation import run_experiment
from ecombalance._reporting import paths as report_paths
from ecombalance._reporting.runner import discover
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = {"file": ecombalance.__file__, "checkout": _paths.checkout(), "cache": str(_paths.cache_dir()),
       "sys_path": sys.path}
tbl = case_table(0)
out["data"] = hashlib.sha256(tbl.frame.to_csv(index=False).encode()).hexdigest()
model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                      LogisticRegression(class_weight="balanced", max_iter=2000))
res = run_experiment({"logreg": model}, tbl.frame[tbl.numeric_cols], tbl.y, cv=3, random_state=0,
                     progress=False)
macro = res.results.query("metric == 'macro_f1' and `class` == 'all'").sort_values("fold")
out["macro_f1"] = macro["value"].tolist()
out["folds"] = [[int(i) for i in test] for _, test in res.folds]
try:
    resampling_study.scaling_table()
except TypeError as exc:
    out["scaling_without_path"] = str(exc)
try:
    resampling_study.scaling_table(Path("benchmarks") / "results" / "resampling.json")
except FileNotFoundError as exc:
    out["scaling_missing"] = str(exc)
out["scaling"] = resampling_study.scaling_table(sys.argv[1]).to_dict(orient="index")
out["report_root"] = str(report_paths.project_root())
out["copied"] = sorted(str(p.relative_to(sys.argv[2])) for p in report_paths.copy_suite(sys.argv[2]))
out["notebooks"] = [nb.name for nb in discover(report_paths.notebooks_dir())]
print(json.dumps(out, default=str))
'''

# The front door (the lead's ``ecombalance.load`` / ``ecombalance.compare``, /work/notes/api.md).
FRONT_DOOR = r'''
import json
import ecombalance as eb
from ecombalance.data import documented_case

df = documented_case(0)
t = eb.load(df, label="category", text="title")
c = eb.compare(t, folds=3)
best = c.best()
print(json.dumps({"file": eb.__file__, "best": best, "reason": getattr(c, "reason", None),
                  "table": c.table.reset_index().astype(str).to_dict(orient="records"), "text": c.table.to_string()}))
'''


def _snapshot() -> dict[str, list[str]]:
    """The names in the checkout's top folder and the folders a stray write would land in."""
    return {str(d): sorted(p.name for p in d.iterdir()) if d.is_dir() else [] for d in WATCHED}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    for folder, pattern in paths.SUITE_FOLDERS.items():  # what the build copies into the package
        (src / folder).mkdir(parents=True)
        for f in (ROOT / folder).glob(pattern):
            shutil.copy2(f, src / folder / f.name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "--disable-pip-version-check", "-w", str(dist), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("ecombalance-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv holding the wheel; returns its python, its site-packages and a clean environment."""
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "ECOMBALANCE_HOME",
                        "ECOMBALANCE_CACHE", "VIRTUAL_ENV"}}
    env.update(XDG_CACHE_HOME=str(base / "xdg-cache"), PYTHONNOUSERSITE="1", PYTHONDONTWRITEBYTECODE="1")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               env=env, capture_output=True, text=True, check=True).stdout.strip())
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (site / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")  # numpy, sklearn, ... only
    # nbconvert's page templates, which pip installs into each environment's share/jupyter (not its kernels: the
    # report's kernel is then this venv's own python, importing the wheel)
    (venv / "share" / "jupyter").mkdir(parents=True)
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    work = base / "work"
    work.mkdir()
    return {"python": python, "site": site, "env": env, "work": work, "cache": base / "xdg-cache"}


def _run(installed: dict, script: str, *args: str) -> dict:
    done = subprocess.run([str(installed["python"]), "-c", script, *args], cwd=installed["work"],
                          env=installed["env"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_wheel_holds_the_package_and_nothing_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert {n for n in sources if n.endswith((".py", ".pyi", "py.typed"))}, "no sources found"
    assert sources - names == set(), "files of lib/ecombalance missing from the wheel"
    tops = {n.split("/", 1)[0] for n in names}
    assert len(tops) == 2 and {t for t in tops if not t.endswith(".dist-info")} == {"ecombalance"}, tops
    assert not [n for n in names if n.split("/")[0] in {"tests", "notebooks", "benchmarks", "params", "data"}]
    assert "ecombalance/_chapters/resampling_study.py" in names and "ecombalance/_reporting/cli.py" in names
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ecombalance = ecombalance._reporting.cli:main" in zipfile.ZipFile(wheel).read(meta).decode()
    licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    assert zipfile.ZipFile(wheel).read(licence) == (ROOT / "LICENSE").read_bytes()


def test_the_wheel_carries_the_notebooks_and_the_profiles(wheel):
    archive = zipfile.ZipFile(wheel)
    carried = {n for n in archive.namelist() if n.startswith("ecombalance/_suite/")}
    expected = {f"ecombalance/_suite/{folder}/{f.name}": f for folder, pattern in paths.SUITE_FOLDERS.items()
                for f in (ROOT / folder).glob(pattern)}
    assert carried == set(expected) and len([n for n in carried if n.endswith(".ipynb")]) == 9
    # the Chinese edition: each notebook's translations, and the library's catalogue (pyproject package data)
    assert len([n for n in carried if n.startswith("ecombalance/_suite/notebooks/zh/") and n.endswith(".po")]) == 9
    assert "ecombalance/locale/zh/LC_MESSAGES/ecombalance.po" in archive.namelist()
    assert {"ecombalance/_suite/params/smoke.yaml", "ecombalance/_suite/params/quick.yaml"} <= carried
    assert all(archive.read(name) == source.read_bytes() for name, source in expected.items())


def test_installed_library_runs_from_any_folder_and_reads_nothing_of_the_checkout(installed, tmp_path):
    before = _snapshot()
    bench = tmp_path / "resampling.json"  # the scaling table reads only the file it is given
    bench.write_text(json.dumps({"cases": [{"sampler": "smote", "rows": 100, "seconds": 0.5, "status": "ok"},
                                           {"sampler": "enn", "rows": 100, "seconds": 2.0, "status": "ok"}]}))
    out = _run(installed, TODAY, str(bench), str(tmp_path / "course"))

    assert Path(out["file"]).is_relative_to(installed["site"]), out["file"]
    assert out["checkout"] is None and not any(str(ROOT / "lib") == p for p in out["sys_path"])
    assert out["cache"] == str(installed["cache"] / "ecombalance")  # per-user, never the checkout or the cwd

    # the same data and, on the library's folds, the same macro-F1 as sklearn computes here directly
    tbl = datasets.case_table(0)
    assert out["data"] == hashlib.sha256(tbl.frame.to_csv(index=False).encode()).hexdigest()
    X, y = tbl.frame[datasets.CASE_NUMERIC], np.asarray(tbl.y)
    test_rows = [np.array(f) for f in out["folds"]]
    assert len(test_rows) == 3 and sorted(np.concatenate(test_rows).tolist()) == list(range(len(y)))
    expected = []
    for test in test_rows:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                              LogisticRegression(class_weight="balanced", max_iter=2000))
        model.fit(X.iloc[train], y[train])
        expected.append(f1_score(y[test], model.predict(X.iloc[test]), average="macro"))
    np.testing.assert_allclose(out["macro_f1"], expected, rtol=1e-9)
    assert 0.3 < np.mean(expected) < 1.0

    assert "scaling_table() missing 1 required positional argument: 'path'" in out["scaling_without_path"]
    assert out["scaling_missing"].startswith(
        f"no benchmark results at {installed['work'] / 'benchmarks' / 'results' / 'resampling.json'}: run "
        "benchmarks/resampling.py --json")
    assert out["scaling"]["smote"]["100 rows (s)"] == 0.5 and out["scaling"]["enn"]["100 rows (s)"] == 2.0
    assert out["scaling"]["smote"]["scalable"] is True and out["scaling"]["enn"]["scalable"] is False
    assert out["report_root"] == str(installed["site"] / "ecombalance" / "_suite")  # the notebooks it carries
    assert out["notebooks"] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert out["copied"] == sorted(f"{folder}/{f.name}" for folder, pattern in paths.SUITE_FOLDERS.items()
                                   for f in (ROOT / folder).glob(pattern))  # `ecombalance notebooks DIR`

    assert list(installed["work"].iterdir()) == []  # nothing written into the folder it ran from
    assert _snapshot() == before  # nor into the checkout


def test_front_door_from_the_wheel(installed):
    if not all(hasattr(ecombalance, name) for name in ("load", "compare")):
        pytest.skip("ecombalance.load / ecombalance.compare (the front door, issue 20) are not in this checkout yet")
    before = _snapshot()
    out = _run(installed, FRONT_DOOR)
    assert Path(out["file"]).is_relative_to(installed["site"]), out["file"]
    assert len(out["table"]) >= 2, out["text"]  # the baseline and at least one balancing method
    if out["best"] is None:
        assert out["reason"], "best() is None without a reason"
    else:
        assert out["best"] in out["text"]
    assert list(installed["work"].iterdir()) == []
    assert _snapshot() == before


# A smoke report of notebook 01 from the installed package, in a fresh folder: the command, then the front door.
REPORT = r'''
import json
from pathlib import Path

import ecombalance as eb
from ecombalance.data import documented_case
from ecombalance._reporting import cli

code = cli.main(["report", "--profile", "smoke", "--notebooks", "01", "--out", "X"])  # the command
result = eb.report(documented_case(0), out="Y", notebooks="01", profile="smoke", label="category",
                   text="title", log=lambda _: None)
summaries = {name: json.loads(Path(name, "summary.json").read_text()) for name in ("X", "Y")}
print(json.dumps({"code": code, "index": str(result.index), "summaries": summaries,
                  "files": {name: sorted(p.name for p in Path(name).iterdir()) for name in ("X", "Y")}}))
'''


def test_installed_package_runs_a_smoke_report_from_a_temporary_folder(installed, tmp_path):
    before, package = _snapshot(), installed["site"] / "ecombalance"
    package_files = sorted(p.relative_to(package) for p in package.rglob("*"))
    work = installed["work"] / "report-run"
    work.mkdir()
    done = subprocess.run([str(installed["python"]), "-c", REPORT], cwd=work,
                          env=installed["env"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["code"] == 0 and out["index"] == str(work / "Y" / "index.html")
    for name in ("X", "Y"):
        (entry,) = out["summaries"][name]["notebooks"]
        assert entry["notebook"] == "01_documented_case" and entry["status"] == "ok", entry
        assert entry["parameters"]["folds"] == 3  # the smoke profile carried in the wheel
        assert {"01_documented_case.html", "index.html", ".ecombalance-manifest.json"} <= set(out["files"][name])
    stored = work / "Y" / "data" / "table.parquet"  # eb.report's DataFrame, written inside its own report folder
    assert out["summaries"]["Y"]["notebooks"][0]["parameters"]["data_path"] == str(stored)
    assert sorted(p.name for p in work.iterdir()) == ["X", "Y"]  # nothing else in the folder it ran from
    assert sorted(p.relative_to(package) for p in package.rglob("*")) == package_files  # nor inside the package
    assert _snapshot() == before  # nor in the checkout
