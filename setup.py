"""The one build step pyproject.toml cannot declare: the wheel carries the notebooks and their parameter profiles.

The repository keeps ``notebooks/`` and ``params/`` at the top, beside ``lib/``; a wheel built from it copies them
(with the Chinese edition's translations, ``notebooks/zh/*.po``, and the benchmark table notebook 03 reads,
``benchmarks/results/resampling.json``) into
``ecombalance/_suite/``, laid out as in the checkout, so that an installed package runs the report from any folder
(:func:`ecombalance._reporting.paths.project_root`). An editable install copies nothing: it reads the checkout's
folders. Everything else about the package is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# folder of the checkout -> the files of it the wheel carries under ecombalance/_suite/<folder>
SUITE = {"notebooks": "[0-9][0-9]_*.ipynb", "notebooks/zh": "*.po", "params": "*.yaml",
         "benchmarks/results": "resampling.json"}
SUITE_PACKAGE_DIR = Path("ecombalance") / "_suite"


def suite_files() -> list[tuple[Path, Path]]:
    """``(source, path inside the package)`` of every file the wheel carries for the report."""
    found = []
    for folder, pattern in SUITE.items():
        files = sorted((ROOT / folder).glob(pattern))
        if not files:
            raise FileNotFoundError(f"no {pattern} in {ROOT / folder}: the wheel would run no report; build it from "
                                    "a checkout of the whole project (or its sdist)")
        found += [(f, SUITE_PACKAGE_DIR / folder / f.name) for f in files]
    return found


class BuildPyWithSuite(build_py):
    """``build_py`` that also copies :func:`suite_files` into the build (not for an editable install)."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        for source, target in suite_files():
            out = Path(self.build_lib) / target
            self.mkpath(str(out.parent))
            self.copy_file(str(source), str(out))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return [*outputs, *(str(Path(self.build_lib) / target) for _, target in suite_files())]


setup(cmdclass={"build_py": BuildPyWithSuite})
