"""MathJax beside the report, so that every formula renders without a network.

nbconvert's HTML loads MathJax 2 from a CDN, which fails offline and on many company networks.
The pip package ``jupyter-server-mathjax`` (a dependency) ships MathJax 2.7 with its STIX-Web fonts;
:func:`install_mathjax` copies it into ``<report>/mathjax/`` once, and the HTML pages load it by a
relative URL (``mathjax_url`` of nbconvert's ``HTMLExporter``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
from pathlib import Path

MATHJAX_DIR = "mathjax"
MATHJAX_PACKAGE = "jupyter_server_mathjax"
# the combined configuration the package ships, nbconvert's Safe mode, and ours (the fonts on disk)
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,local/ecombalance"
_LOCAL_CONFIG = """\
/* ecombalance: use the STIX-Web fonts shipped beside this file; no font is looked for elsewhere */
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null},
  showMathMenu: false
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/ecombalance.js");
"""
_STAMP = ".installed-from"


def mathjax_source() -> Path:
    """The MathJax 2 tree inside the installed ``jupyter-server-mathjax`` package (not imported)."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "jupyter-server-mathjax is not installed; the report needs it to render formulas offline "
            "(`make setup` installs it, or `pip install jupyter-server-mathjax`)"
        )
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    if not (static / "MathJax.js").is_file():
        raise FileNotFoundError(f"{static} holds no MathJax.js; reinstall jupyter-server-mathjax")
    return static


def _skip(directory: str, names: list[str]) -> set[str]:
    """Leave out what a report never loads: other languages, the SVG output's fonts, speech maps."""
    path = Path(directory)
    if path.name == "localization":
        return {n for n in names if n != "en"}
    if path.name == "output" and path.parent.name == "jax":
        return {"SVG"} & set(names)
    if path.name == "a11y":
        return {"mathmaps"} & set(names)
    return set()


def install_mathjax(out_dir: str | Path) -> str:
    """Copy MathJax into ``out_dir/mathjax`` (once per package version) and return the URL that the
    HTML pages in ``out_dir`` load it from."""
    source = mathjax_source()
    target = Path(out_dir) / MATHJAX_DIR
    version = importlib.metadata.version("jupyter-server-mathjax")
    stamp = target / _STAMP
    if not (stamp.is_file() and stamp.read_text() == version):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=_skip)
        (target / "config" / "local").mkdir(parents=True, exist_ok=True)
        (target / "config" / "local" / "ecombalance.js").write_text(_LOCAL_CONFIG)
        stamp.write_text(version)
    return f"{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG}"
