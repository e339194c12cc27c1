"""The package layout as rules, checked statically on the source (``ast``; nothing is imported).

- every module belongs to a layer: base (``_validation``, ``_docstrings``, ``_paths``, ``_lazy``, ``_progress``,
  ``exceptions``, ``i18n``, the package ``__init__``),
  then data < sampling < evaluation < models < plotting < chapters < reporting < api (the front door): the
  evaluation layer (metrics, folds, the experiment runner) needs no model, and the models use its metrics;
- a module imports (at module level or inside a function, absolutely or relatively) only from its own layer
  or a lower one;
- no import cycle between modules;
- no module over 500 lines;
- each subpackage's ``__all__`` is exactly the public names (functions, classes, UPPER_CASE constants) its
  modules define, and each name is re-exported from the module that defines it;
- every exception and warning class is defined in ``ecombalance.exceptions`` and exported from there and from the
  top level only (no subpackage re-exports one);
- no module uses another module's private name, nor a private scikit-learn name, nor (through an object or a
  module) a private method or attribute it does not define itself (``est._save()``, ``sampler._validate_params()``);
- every package that re-exports lazily (``ecombalance._lazy.attach``) has the ``__init__.pyi`` stub that
  :func:`stub_text` writes, so that editors and type checkers see the names (regenerate them with
  ``PYTHONPATH=lib .venv/bin/python tests/test_layout.py``);
- nothing of the old flat layout (``ecombalance/evaluation.py``, ``resampling.py``, ``cli.py``, ...) remains.
"""

from __future__ import annotations

import ast
import builtins
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "ecombalance"
LAYERS = ("base", "data", "sampling", "evaluation", "models", "plotting", "chapters", "reporting", "api")
BASE = {"ecombalance", "ecombalance._docstrings", "ecombalance._validation", "ecombalance._paths", "ecombalance._lazy",
        "ecombalance._progress", "ecombalance.exceptions", "ecombalance.i18n"}
PUBLIC_PACKAGES = ("data", "sampling", "models", "models.finetune", "evaluation", "plotting")
PRIVATE_PACKAGES = ("_chapters", "_reporting", "_api")  # the notebooks' chapters, the report harness, the front door
SUBPACKAGES = PUBLIC_PACKAGES + PRIVATE_PACKAGES
# public modules: the package's own namespaces, and a command run as ``python -m``
PUBLIC_MODULES = ("ecombalance", "ecombalance.exceptions", "ecombalance.i18n", "ecombalance.models.finetune.train")
MAX_PUBLIC_NAMES = 150
MAX_LINES = 500
# modules of the flat layout before the split into subpackages (only plotting stayed at the top)
# modules that moved again since (old dotted path -> new one); nothing may remain at the old path
MOVED = {
    "models.finetune_run": "models.finetune._run", "models.checkpoint": "models.finetune._checkpoint",
    "models.embedding_rows": "models.finetune._embedding_rows", "models.text_batching": "models.finetune._text_batching",
    "models.quantization": "models.finetune._quantization", "models.distributed": "models.finetune._distributed",
    "models.train": "models.finetune.train", "models.seed_losses": "_chapters.seed_formulas",
    "chapters": "_chapters", "reporting": "_reporting", "api": "_api",
}
FLAT_MODULES = (
    "baselines", "calibration", "cli", "ctr", "datasets", "device", "distributed", "downsampling", "embeddings",
    "environment", "evaluation", "experiments", "findings", "finetune", "headline", "imbalance", "loaders",
    "loss_study", "losses", "neural", "params", "paths", "preprocess", "pretrained", "privacy", "report",
    "resampling", "text_batching", "train",
)


def module_name(path: Path) -> str:
    parts = ["ecombalance", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(), filename=str(modules()[module]))


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def layer(module: str) -> str | None:
    if module in BASE:
        return "base"
    parts = module.split(".")
    return parts[1].lstrip("_") if len(parts) > 1 and parts[1].lstrip("_") in LAYERS else None


def public_names(module: str) -> list[str]:
    """Functions, classes and UPPER_CASE constants defined at the top of ``module``, not starting with _."""
    names = []
    for node in tree(module).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()]
    return [n for n in names if not n.startswith("_")]


def is_exception_class(node: ast.ClassDef, known: set[str]) -> bool:
    """Whether ``node`` derives from a builtin exception or warning, or from a class in ``known``."""
    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    return any(b in known or (isinstance(getattr(builtins, b, None), type)
                              and issubclass(getattr(builtins, b), BaseException)) for b in bases)


@cache
def exports(package: str) -> dict[str, list[str]]:
    """``{submodule: [names]}`` given to ``ecombalance._lazy.attach`` in ``package``'s ``__init__``."""
    for node in ast.walk(tree(package)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "attach":
            return ast.literal_eval(node.args[1])
    return {}


def resolve(base: str, name: str) -> str:
    """The module that ``from base import name`` reads ``name`` from."""
    if f"{base}.{name}" in modules():
        return f"{base}.{name}"
    if base in modules() and is_package(base):
        for submodule, names in exports(base).items():
            if name in names:
                return f"{base}.{submodule}"
    return base


def imports(module: str) -> list[tuple[str, int]]:
    """Package modules that ``module`` imports anywhere in its body, with the line of each import.

    A subpackage imported whole (``from ecombalance import evaluation``) counts as an import of the modules
    behind the names used from it (``evaluation.make_folds`` -> ``ecombalance.evaluation._folds``) as well.
    """
    package = module if is_package(module) else module.rpartition(".")[0]
    found, bound = [], {}
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, node.lineno))
                if alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            for alias in node.names:
                found.append((resolve(base, alias.name), node.lineno))
                bound[alias.asname or alias.name] = found[-1][0]
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = bound.get(node.value.id)
            if target in modules() and is_package(target):
                found.append((resolve(target, node.attr), node.lineno))
    return sorted({(t, line) for t, line in found if t.split(".")[0] == "ecombalance"}, key=lambda x: x[1])


def test_the_package_has_the_expected_subpackages():
    assert set(LAYERS) <= {layer(m) for m in modules()}, "a layer has no module"
    assert {f"ecombalance.{p}" for p in SUBPACKAGES} <= {m for m in modules() if is_package(m)}


def test_every_module_belongs_to_a_layer():
    strays = [f"{m} ({modules()[m].relative_to(PACKAGE.parent)})" for m in modules() if layer(m) is None]
    assert not strays, f"modules in no layer (put them in a subpackage or in base): {strays}"


def test_modules_import_only_from_their_layer_or_below():
    broken = []
    for module in modules():
        own = LAYERS.index(layer(module) or "base")
        for target, line in imports(module):
            target_layer = layer(target)
            if target_layer is None:
                broken.append(f"{module} (line {line}) imports {target}, which is not a module of the package")
            elif LAYERS.index(target_layer) > own:
                broken.append(f"{module} (layer {layer(module)}, line {line}) imports {target} "
                              f"from the higher layer {target_layer}")
    assert not broken, "layer rule broken:\n" + "\n".join(broken)


def test_the_front_door_builds_on_the_library_not_on_the_chapters():
    """``eb.load`` / ``eb.compare`` / ``eb.report`` use the models and evaluation layers (method names, families,
    the workload rule, the majority check); the notebooks' chapters are not a library of theirs."""
    used = [f"{m} (line {line}) imports {t}" for m in modules() if m.startswith("ecombalance._api")
            for t, line in imports(m) if t.startswith("ecombalance._chapters")]
    assert not used, "\n".join(used)


def test_no_import_cycles():
    graph = {m: sorted({t for t, _ in imports(m) if t in modules() and t != m}) for m in modules()}
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:  # depth-first search; a grey node on the path closes a cycle
        state[node] = "grey"
        for nxt in graph[node]:
            if state.get(nxt) == "grey":
                cycles.append(" -> ".join(path[path.index(nxt):] + [node, nxt]))
            elif nxt not in state:
                visit(nxt, path + [node])
        state[node] = "black"

    for module in graph:
        if module not in state:
            visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_module_over_500_lines():
    long = {m: len(p.read_text().splitlines()) for m, p in modules().items()}
    long = {m: n for m, n in long.items() if n > MAX_LINES}
    assert not long, "modules over 500 lines (split them by concept): " + ", ".join(
        f"{m} has {n}" for m, n in sorted(long.items()))


@pytest.mark.parametrize("subpackage", PRIVATE_PACKAGES)
def test_private_package_all_is_the_public_names_of_its_modules(subpackage):
    package = f"ecombalance.{subpackage}"
    defined = {
        name: module for module in modules()
        if module.rpartition(".")[0] == package and not is_package(module)  # a nested subpackage has its own
        for name in public_names(module)
    }
    listed = {name: f"{package}.{sub}" for sub, names in exports(package).items() for name in names}
    problems = [f"{defined[n]}.{n} is public but not in {package}.__all__" for n in sorted(set(defined) - set(listed))]
    problems += [f"{package}.__all__ lists {n}, which no module of {package} defines"
                 for n in sorted(set(listed) - set(defined))]
    problems += [f"{package}.__all__ takes {n} from {listed[n]}, but it is defined in {defined[n]}"
                 for n in sorted(set(listed) & set(defined)) if listed[n] != defined[n]]
    assert not problems, "\n".join(problems) + "\n(regenerate the __init__ export lists)"


@pytest.mark.parametrize("subpackage", PUBLIC_PACKAGES)
def test_public_package_exports_reviewed_names_from_its_private_modules(subpackage):
    """A public package's modules are private (``_losses.py``); its ``__all__`` is the reviewed list of what users
    import, each name taken from the module that defines it."""
    package = f"ecombalance.{subpackage}"
    own = [m for m in modules() if m.rpartition(".")[0] == package and not is_package(m)]
    public_modules = [m for m in own if not m.rpartition(".")[2].startswith("_") and m not in PUBLIC_MODULES]
    assert not public_modules, f"modules of {package} that are public by name (rename them _name.py): {public_modules}"
    problems = [f"{package}.__all__ takes {name} from {sub}, which does not define it"
                for sub, names in exports(package).items() for name in names
                if name not in public_names(f"{package}.{sub}")]
    assert exports(package) and not problems, "\n".join(problems)


def public_api() -> dict[str, list[str]]:
    """``{defining object: [public paths]}`` of every name users can import: the top level, the exceptions, the
    i18n switch, the public packages' ``__all__`` and the training command; a name exported twice (``eb.Table``
    is ``ecombalance.data``'s too) counts once."""
    import importlib

    found: dict = {}
    namespaces = [f"ecombalance.{p}" for p in PUBLIC_PACKAGES] + list(PUBLIC_MODULES)
    for namespace in namespaces:
        module = importlib.import_module(namespace)
        names = module.__all__ if exports(namespace) or hasattr(module, "__all__") else public_names(namespace)
        for name in names:
            value = getattr(module, name)
            key = value if isinstance(value, type) or callable(value) else (namespace, name)
            found.setdefault(key, []).append(f"{namespace}.{name}")
    return found


def test_the_public_api_is_small():
    api = public_api()
    assert {"ecombalance.load", "ecombalance.models.FocalLoss", "ecombalance.sampling.make_sampler",
            "ecombalance.evaluation.run_experiment"} <= {p for paths in api.values() for p in paths}
    assert len(api) <= MAX_PUBLIC_NAMES, f"{len(api)} public names (at most {MAX_PUBLIC_NAMES}): " + ", ".join(
        sorted(paths[0] for paths in api.values()))


def test_every_public_name_and_dir_entry_resolves():
    import importlib

    for namespace in [f"ecombalance.{p}" for p in PUBLIC_PACKAGES] + list(PUBLIC_MODULES):
        module = importlib.import_module(namespace)
        missing = [name for name in dir(module) if not hasattr(module, name)]
        assert not missing, f"dir({namespace}) lists names it does not have: {missing}"


def test_names_are_unique_within_a_subpackage():
    for subpackage in SUBPACKAGES:
        package = f"ecombalance.{subpackage}"
        seen: dict[str, str] = {}
        for module in sorted(m for m in modules() if m.startswith(package + ".") and not is_package(m)):
            for name in public_names(module):
                assert name not in seen, f"{name} is defined in both {seen[name]} and {module}: rename one"
                seen[name] = module


def test_moved_modules_are_only_at_their_new_path():
    left = [f"{old} (now {new})" for old, new in MOVED.items()
            if (PACKAGE / f"{old.replace('.', '/')}.py").exists() or (PACKAGE / old.replace(".", "/")).is_dir()]
    missing = [new for new in MOVED.values() if f"ecombalance.{new}" not in modules()]
    assert not left and not missing, f"left at the old path: {left}; missing at the new one: {missing}"
    assert is_package("ecombalance.models.finetune") and "ecombalance.models.finetune._tuner" in modules()


def test_no_module_of_the_flat_layout_remains():
    left = [f"ecombalance/{name}.py" for name in FLAT_MODULES if (PACKAGE / f"{name}.py").exists()]
    assert not left, f"modules of the old flat layout remain (move them into their subpackage): {left}"


def test_every_exception_class_lives_in_ecombalance_exceptions():
    exceptions = "ecombalance.exceptions"
    known = {n.name for n in tree(exceptions).body if isinstance(n, ast.ClassDef)}
    assert {"DataError", "ColumnNotFoundError", "ReportError", "SmallClassWarning"} <= known
    assert all(is_exception_class(n, known) for n in tree(exceptions).body if isinstance(n, ast.ClassDef))
    stray = [f"{module}.{node.name} (line {node.lineno})" for module in modules() if module != exceptions
             for node in ast.walk(tree(module)) if isinstance(node, ast.ClassDef) and is_exception_class(node, known)]
    assert not stray, f"exception classes outside ecombalance.exceptions (move them there): {stray}"


def test_exceptions_are_exported_from_their_module_and_the_top_level_only():
    import ecombalance
    from ecombalance import exceptions

    classes = sorted(n.name for n in tree("ecombalance.exceptions").body if isinstance(n, ast.ClassDef))
    assert sorted(exceptions.__all__) == classes
    assert sorted(exports("ecombalance")["exceptions"]) == classes  # the top level: every one of them
    for name in classes:
        assert getattr(ecombalance, name) is getattr(exceptions, name)
        assert getattr(exceptions, name).__module__ == "ecombalance.exceptions"
    again = [f"ecombalance.{sub} re-exports {name}" for sub in SUBPACKAGES
             for names in exports(f"ecombalance.{sub}").values() for name in names if name in classes]
    assert not again, "\n".join(again) + "\n(import them from ecombalance.exceptions; export them there only)"
    imported = [f"{module} (line {node.lineno}) imports {alias.name} from {node.module}" for module in modules()
                for node in ast.walk(tree(module)) if isinstance(node, ast.ImportFrom)
                and (node.level or (node.module or "").startswith("ecombalance"))
                and node.module != "ecombalance.exceptions" for alias in node.names if alias.name in classes]
    assert not imported, "exceptions imported from elsewhere than ecombalance.exceptions:\n" + "\n".join(imported)


def private_uses(module: str) -> list[str]:
    """Private names ``module`` takes from another module: ``from X import _name`` or ``X._name`` where X is a
    module of the package or of scikit-learn, and any import of a private scikit-learn module (``sklearn.x._y``).

    The base layer's private *modules* (``ecombalance._validation``, ``_paths``, ``_lazy``, ``_progress``) may be
    imported; the private names inside them may not.
    """
    package = module if is_package(module) else module.rpartition(".")[0]
    found, bound = [], {}

    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    def foreign(target: str) -> bool:
        return target.split(".")[0] in {"ecombalance", "sklearn"} and target != module

    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sklearn") and any(map(private, alias.name.split("."))):
                    found.append(f"line {node.lineno}: import {alias.name} (a private scikit-learn module)")
                top = alias.name.split(".")[0]
                bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.startswith("sklearn") and any(map(private, base.split("."))):
                found.append(f"line {node.lineno}: from {base} import ... (a private scikit-learn module)")
            for alias in node.names:
                target = f"{base}.{alias.name}"
                module_itself = target in modules() or target in BASE
                if foreign(base) and private(alias.name) and not module_itself:  # a private module may be imported
                    found.append(f"line {node.lineno}: from {base} import {alias.name}")
                bound[alias.asname or alias.name] = target
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Attribute) and private(node.attr):
            parts, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                target = ".".join([bound[value.id], *reversed(parts[1:])])
                is_module = target in modules() or target.split(".")[0] == "sklearn"
                if foreign(target) and is_module and f"{target}.{node.attr}" not in modules():
                    found.append(f"line {node.lineno}: {target}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    used = {m: private_uses(m) for m in modules()}
    used = {m: found for m, found in used.items() if found}
    assert not used, "private names used across modules (make the helper public with a name that says what it " \
        "does, or use public API: .iloc / np.take for sklearn's _safe_indexing):\n" + "\n".join(
            f"{m}: {f}" for m, found in sorted(used.items()) for f in found)


def test_the_private_name_check_finds_what_it_should(tmp_path, monkeypatch):
    source = ("from ecombalance.evaluation._metrics import _hidden\nfrom ecombalance import _validation\n"
              "from sklearn.utils import _safe_indexing\nimport sklearn.utils._indexing\n"
              "from ecombalance.models import _losses as losses\nx = losses._priors\ny = _validation._private\n"
              "z = _validation.check_labels\nfrom ecombalance._validation import check_labels\n")
    monkeypatch.setitem(modules(), "ecombalance.data.probe", tmp_path / "probe.py")
    (tmp_path / "probe.py").write_text(source)
    tree.cache_clear()
    try:
        found = private_uses("ecombalance.data.probe")
    finally:
        tree.cache_clear()
    assert [f.split(":")[0] for f in found] == ["line 1", "line 3", "line 4", "line 6", "line 7"], found


# private names of other libraries used on purpose, each with the reason (no public API does it)
PRIVATE_ALLOWED = {
    "torch.ops.mkldnn._is_mkldnn_bf16_supported": "torch has no public test for oneDNN's bf16 kernels on the CPU",
}


def own_private_names(module: str) -> set[str]:
    """Private names ``module`` defines itself: functions, classes and methods, and attributes it assigns
    (``self._cache = ...``, ``other._cache = ...``, ``_NAME = ...``)."""
    names = set()
    for node in ast.walk(tree(module)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute):
                        names.add(part.attr)
                    elif isinstance(part, ast.Name):
                        names.add(part.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def private_attribute_uses(module: str) -> list[str]:
    """``x._name`` in ``module`` where ``x`` is neither ``self``, ``cls`` nor ``super()`` and ``_name`` is not
    defined in ``module`` itself: another module's (or library's) private method or attribute, reached through an
    object (``est._save(...)``, ``sampler._validate_params()``) or a module (``torch.ops.mkldnn._x``)."""
    own, found = own_private_names(module), []
    for node in ast.walk(tree(module)):
        if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in ("self", "cls"):
            continue
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super":
            continue
        if node.attr in own or ast.unparse(node) in PRIVATE_ALLOWED:
            continue
        found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_private_attribute_of_another_module_is_used():
    used = {m: private_attribute_uses(m) for m in modules()}
    used = {m: found for m, found in used.items() if found}
    assert not used, "private methods or attributes of other modules used (make them public, or move the logic):\n" \
        + "\n".join(f"{m}: {f}" for m, found in sorted(used.items()) for f in found)


def test_the_private_attribute_check_finds_what_it_should(tmp_path, monkeypatch):
    source = ("class A:\n    def _mine(self):\n        return self._other() + super()._base()\n"
              "def f(est, sampler, a):\n    est._epoch_indices(y, 0)\n    sampler._validate_params()\n"
              "    a._mine()\n    a._cache = 1\n    return a._cache, est.__dict__, torch.ops.mkldnn._x()\n")
    monkeypatch.setitem(modules(), "ecombalance.data.probe", tmp_path / "probe.py")
    (tmp_path / "probe.py").write_text(source)
    tree.cache_clear()
    try:
        found = private_attribute_uses("ecombalance.data.probe")
    finally:
        tree.cache_clear()
    assert found == ["line 5: est._epoch_indices", "line 6: sampler._validate_params",
                     "line 9: torch.ops.mkldnn._x"], found


STUB_HEADER = "# Generated by tests/test_layout.py from the attach() map of __init__.py; do not edit.\n" \
    "# Regenerate with: PYTHONPATH=lib .venv/bin/python tests/test_layout.py\n"


def stub_text(package: str) -> str:
    """The ``__init__.pyi`` of ``package``: each lazily re-exported name imported from its module (so that type
    checkers, editors and ``help()`` see it), the package's top-level constants typed, and ``__all__``."""
    lines = [STUB_HEADER]
    for submodule, names in exports(package).items():
        lines += [f"from {package}.{submodule} import {name} as {name}" for name in names]
    constants = [f"{node.targets[0].id}: {type(node.value.value).__name__}" for node in tree(package).body
                 if isinstance(node, ast.Assign) and len(node.targets) == 1  # such as __version__ = "0.1.0"
                 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant)]
    lines += [""] + constants if constants else []
    listed = sorted(name for names in exports(package).values() for name in names)
    text, row = "\n".join(lines) + "\n\n__all__ = [\n", "   "
    for name in listed:
        if len(row) + len(name) + 4 > 116:
            text, row = text + row + "\n", "   "
        row += f' "{name}",'
    return text + row + "\n]\n"


def lazy_packages() -> list[str]:
    return [m for m in modules() if is_package(m) and exports(m)]


def write_stubs() -> list[Path]:
    """Write every lazy package's ``__init__.pyi`` and the ``py.typed`` marker; the paths written."""
    written = []
    for package in lazy_packages():
        path = modules()[package].with_suffix(".pyi")
        path.write_text(stub_text(package))
        written.append(path)
    (PACKAGE / "py.typed").write_text("")
    return written + [PACKAGE / "py.typed"]


def test_every_lazy_package_has_its_generated_stub():
    assert {"ecombalance", "ecombalance.models.finetune", "ecombalance.evaluation"} <= set(lazy_packages())
    stubs = {p: modules()[p].with_suffix(".pyi") for p in lazy_packages()}
    stale = [p for p, stub in stubs.items() if not stub.is_file() or stub.read_text() != stub_text(p)]
    assert not stale, f"missing or stale __init__.pyi of {stale}: PYTHONPATH=lib .venv/bin/python tests/test_layout.py"
    assert (PACKAGE / "py.typed").is_file(), "the py.typed marker (PEP 561) is missing"


def test_the_stubs_name_what_the_packages_give():
    import importlib

    for package in lazy_packages():
        stub = ast.parse(modules()[package].with_suffix(".pyi").read_text())
        imported = {(node.module, alias.name) for node in stub.body if isinstance(node, ast.ImportFrom)
                    for alias in node.names}
        module = importlib.import_module(package)
        assert sorted(name for _, name in imported) == sorted(module.__all__), package
        for origin, name in sorted(imported)[:3]:  # a few imported for real (torch stays unloaded elsewhere)
            assert getattr(importlib.import_module(origin), name) is getattr(module, name), f"{package}.{name}"


def test_the_package_data_ships_the_stubs():
    import tomllib

    data = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert {"*.pyi", "py.typed"} <= set(data["*"])


if __name__ == "__main__":
    for path in write_stubs():
        print(path.relative_to(PACKAGE.parents[1]))


# --- one fold loop, one set of metrics ----------------------------------------------------------------------------
SPLITTING = ("cross_val_score", "cross_val_predict", "cross_validate", "train_test_split", "check_cv",
             "learning_curve", "validation_curve", "permutation_test_score", "LeaveOneOut", "LeavePOut",
             "LeaveOneGroupOut", "LeavePGroupsOut", "PredefinedSplit")


def splits_or_scores(name: str, module: str) -> bool:
    """Whether ``module.name`` builds folds or scores predictions: a scikit-learn splitter (``*KFold``,
    ``*Split``) or cross-validation helper, or anything of ``sklearn.metrics`` but its plotting displays."""
    parts = f"{module}.{name}".split(".")
    if parts[:2] == ["sklearn", "model_selection"] and len(parts) > 2:
        return parts[2].endswith(("KFold", "Split")) or parts[2] in SPLITTING
    if parts[:2] == ["sklearn", "metrics"] and len(parts) > 2:
        return not parts[2].endswith("Display") and parts[2] != "pairwise"
    return False


def sklearn_fold_and_metric_uses(module: str) -> list[str]:
    """Where ``module`` imports or touches a scikit-learn splitter, cross-validation helper, scorer or metric."""
    found, bound = [], {}
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
            for alias in node.names:
                if splits_or_scores(alias.name, node.module):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sklearn"):
                    bound[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
            parts, value = [], node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                owner = ".".join([bound[value.id], *reversed(parts)])
                if splits_or_scores(node.attr, owner):
                    found.append(f"line {node.lineno}: {owner}.{node.attr}")
    return found


def test_folds_and_metrics_come_from_the_evaluation_layer_only():
    """Every fold loop is the experiment runner and every number is :mod:`ecombalance.evaluation._metrics`: no
    module outside ``ecombalance.evaluation`` builds a scikit-learn splitter, cross-validates by itself or calls a
    scikit-learn scorer or metric."""
    used = {m: sklearn_fold_and_metric_uses(m) for m in modules() if layer(m) != "evaluation"}
    used = {m: found for m, found in used.items() if found}
    assert not used, "folds or metrics outside ecombalance.evaluation (use run_experiment / make_folds / " \
        "check_folds and evaluation.metrics):\n" + "\n".join(f"{m}: {f}" for m, found in sorted(used.items())
                                                              for f in found)


def test_the_fold_and_metric_check_finds_what_it_should(tmp_path, monkeypatch):
    source = ("from sklearn.model_selection import StratifiedKFold, cross_val_predict, GridSearchCV\n"
              "from sklearn.metrics import f1_score, ConfusionMatrixDisplay\nimport sklearn.metrics as skm\n"
              "from sklearn import model_selection\nx = skm.balanced_accuracy_score\n"
              "y = model_selection.GroupShuffleSplit\nz = skm.PrecisionRecallDisplay.from_predictions\n")
    monkeypatch.setitem(modules(), "ecombalance._chapters.probe", tmp_path / "probe.py")
    (tmp_path / "probe.py").write_text(source)
    tree.cache_clear()
    try:
        found = sklearn_fold_and_metric_uses("ecombalance._chapters.probe")
    finally:
        tree.cache_clear()
    assert found == ["line 1: from sklearn.model_selection import StratifiedKFold",
                     "line 1: from sklearn.model_selection import cross_val_predict",
                     "line 2: from sklearn.metrics import f1_score",
                     "line 5: sklearn.metrics.balanced_accuracy_score",
                     "line 6: sklearn.model_selection.GroupShuffleSplit"]
