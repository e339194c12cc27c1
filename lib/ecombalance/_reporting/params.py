"""Notebook parameters: what each notebook declares, profiles, and validation.

A notebook declares its parameters in its first code cell (tagged ``parameters``) as plain
assignments, ``seed = 0  # help text``. A profile (``params/<name>.yaml``) gives values::

    seed: 0                  # applies to every notebook that declares `seed`
    notebooks:
      "05":                  # applies to notebook 05 only
        epochs: 1

Values are checked against the declared defaults before any kernel starts: an unknown
name or a wrong type raises :class:`ParameterError` listing the valid parameters.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from ecombalance._reporting import paths
from ecombalance._validation import Wording
from ecombalance.exceptions import ParameterError

PROFILES = ("smoke", "quick", "full")
METHOD_PARAMETERS = ("methods", "boosted", "ensembles", "classifiers")
"""Parameters whose values are method or model names: ``ecombalance params`` lists the names after them
(:func:`method_names`)."""
COMMAND_LINE = "command line"
FLAGS = {"data_path": "--data", "label_col": "--label-col", "text_cols": "--text-col", "text_pair": "--text-pair",
         "group_col": "--group-col", "feature_cols": "--feature-col", "exclude_cols": "--exclude-col",
         "min_class_size": "--min-class-size", "min_class_action": "--min-class-action", "gains": "--gains",
         "encoding": "--encoding", "text_analyzer": "--text-analyzer", "merge_label_case": "--merge-label-case"}
"""The one table of the report command's flags for the data options (the notebooks' parameter names): the
command's messages name an option by it (:data:`COMMAND_LINE_WORDING`), its parser is built from it."""
COMMAND_LINE_WORDING = Wording(FLAGS, "{name} {value}")
"""The data layer's messages as the report command words them (``--min-class-size 5``)."""
PARAMETERS = "parameters"  # eb.report's parameters={...}: as strict as the command line
_MISSING = object()


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any  # the literal default, or _MISSING when it is an expression
    help: str

    @property
    def type_name(self) -> str:
        return "any" if self.default is _MISSING or self.default is None else _type_name(self.default)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def declared_parameters(notebook: str | Path) -> dict[str, Parameter]:
    """The parameters a notebook declares in its ``parameters`` cell, in order."""
    import papermill

    found = {}
    for name, info in papermill.inspect_notebook(str(notebook)).items():
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            default = _MISSING
        found[name] = Parameter(name=name, default=default, help=info.get("help") or "")
    return found


def check_value(param: Parameter, value: Any, where: str) -> Any:
    """Return ``value`` if it fits the parameter's declared type, else raise ParameterError.

    ints are accepted for float parameters (and converted); tuples for lists; a parameter
    whose default is ``None`` or an expression takes any value.
    """
    expected = param.type_name
    if expected == "any":
        return value
    actual = _type_name(value)
    if expected == "float" and actual == "int":
        return float(value)
    if expected == actual:
        return list(value) if isinstance(value, tuple) else value
    raise ParameterError(
        f"{where}: parameter {param.name!r} takes a {expected} (default {param.default!r}), "
        f"got {value!r} ({actual})"
    )


def parse_cli_value(text: str) -> Any:
    """A ``-p name value`` value as YAML: ``3`` -> 3, ``0.5`` -> 0.5, ``true`` -> True, ``[a, b]`` -> list."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def load_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"parameter file {path} does not exist")
    try:
        content = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"parameter file {path} is not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise ParameterError(f"parameter file {path} must hold a mapping of name: value")
    return content


def profile_path(profile: str, params_dir: Path | None = None) -> Path:
    params_dir = params_dir or paths.params_dir()
    path = params_dir / f"{profile}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in params_dir.glob("*.yaml"))
        raise ParameterError(f"unknown profile {profile!r}; choose one of {known}")
    return path


def notebook_stem(key: Any, stems: Iterable[str]) -> str | None:
    """The notebook a ``notebooks:`` section key names, or None.

    A key is a number (``1``, which is what YAML makes of ``01``), a number as text (``"1"``, ``"01"``) or the
    notebook's name (``01_documented_case``).
    """
    stems = list(stems)
    if isinstance(key, bool):
        return None
    text = f"{key:02d}" if isinstance(key, int) else str(key).strip()
    if text.isdigit():
        text = text.zfill(2)
        return next((stem for stem in stems if stem.split("_", 1)[0] == text), None)
    return text if text in stems else None


def _split(layer: Mapping[str, Any], source: str, stems: Iterable[str]) -> tuple[dict, dict[str, dict]]:
    shared = {k: v for k, v in layer.items() if k != "notebooks"}
    per_notebook = layer.get("notebooks") or {}
    if not isinstance(per_notebook, dict) or not all(isinstance(v, dict) for v in per_notebook.values()):
        raise ParameterError(f"{source}: 'notebooks' must map a notebook number to name: value pairs")
    stems = list(stems)
    sections: dict[str, dict] = {}
    for key, values in per_notebook.items():
        stem = notebook_stem(key, stems)
        if stem is None:
            valid = ", ".join(f"{s.split('_', 1)[0]} ({s})" for s in stems)
            raise ParameterError(f"{source}: 'notebooks' section {key!r} names no notebook; valid keys are the "
                                 f"numbers or names of: {valid}")
        if stem in sections:
            raise ParameterError(f"{source}: 'notebooks' names {stem} twice (as {key!r} and another key)")
        sections[stem] = dict(values)
    return shared, sections


def _valid_list(declared: Mapping[str, Mapping[str, Parameter]]) -> str:
    lines = []
    for nb, params in declared.items():
        items = ", ".join(f"{p.name} ({p.type_name})" for p in params.values()) or "(none)"
        lines.append(f"  {nb}: {items}")
    return "valid parameters:\n" + "\n".join(lines)


def resolve(
    declared: Mapping[str, Mapping[str, Parameter]],
    layers: Iterable[tuple[str, Mapping[str, Any]]],
    suite_names: Iterable[str] = (),
    suite: Mapping[str, Mapping[str, Parameter]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Merge parameter layers (later wins) and check them; return the values for each notebook.

    Parameters
    ----------
    declared
        ``{notebook_stem: {name: Parameter}}`` for the notebooks of this run.
    layers
        ``(source, mapping)`` pairs in increasing priority (profile, params file, command line).
        A mapping may hold a ``notebooks`` section keyed by notebook number or stem (``1``, ``"01"``,
        ``01_documented_case``); a key that names no notebook of the suite is an error.
    suite_names
        Names declared by notebooks outside this run. Profiles and parameter files may set
        them (they serve the whole suite); the command line may not.
    suite
        ``{notebook_stem: {name: Parameter}}`` for every notebook of the suite (default: ``declared``):
        sections for notebooks outside this run are checked against it, then skipped.

    Raises
    ------
    ParameterError
        A name no notebook declares (for the command line: no notebook of this run), a section
        for no notebook, or a value of the wrong type. The message lists the valid parameters.
    """
    suite = dict(suite) if suite else dict(declared)
    suite_names = set(suite_names) | {name for params in suite.values() for name in params}
    values: dict[str, dict[str, Any]] = {stem: {} for stem in declared}
    for source, layer in layers:
        shared, per_notebook = _split(layer, source, suite)
        for name, value in shared.items():
            owners = [stem for stem, params in declared.items() if name in params]
            if not owners and not (name in suite_names and source not in (COMMAND_LINE, PARAMETERS)):
                raise ParameterError(
                    f"{source}: unknown parameter {name!r}; no notebook of this run declares it.\n"
                    + _valid_list(declared)
                )
            for stem in owners:
                values[stem][name] = check_value(declared[stem][name], value, source)
        for stem, overrides in per_notebook.items():
            known = declared.get(stem, suite.get(stem, {}))
            for name, value in overrides.items():
                if name not in known:
                    raise ParameterError(
                        f"{source}: notebook {stem} has no parameter {name!r}.\n"
                        + _valid_list({stem: known} if stem not in declared else declared)
                    )
                checked = check_value(known[name], value, source)
                if stem in declared:  # a section for a notebook outside this run is checked, then skipped
                    values[stem][name] = checked
    return values


def method_names() -> list[str]:
    """The names a ``methods`` / ``boosted`` value (notebooks 06 and 08, :func:`ecombalance.compare`) and an
    ``ensembles`` / ``classifiers`` value (notebook 03) may hold, as ``ecombalance params`` prints them: the samplers,
    the models, the losses of ``torch_mlp`` and each balancing ensemble with the plain counterpart it is judged
    against."""
    from ecombalance.models._ensembles import PLAIN_COUNTERPART
    from ecombalance.models._losses import LOSSES
    from ecombalance.models._pipelines import MODELS
    from ecombalance.sampling._resampling import SAMPLERS

    pairs = ", ".join(f"{ensemble} (against {plain})" for ensemble, plain in PLAIN_COUNTERPART.items())
    return ["method names: '<sampler>+<model>' (methods, boosted; ecombalance.compare), e.g. 'smote+logreg', "
            "'class_weight+lightgbm', 'none+balanced_rf', 'none+torch_mlp:focal'",
            f"  sampler  {', '.join([*SAMPLERS, 'class_weight'])}",
            f"  model    {', '.join(MODELS)}, torch_mlp:<loss> (loss: {', '.join(LOSSES)})",
            f"  balancing ensembles, each judged against its plain counterpart: {pairs}",
            "  ensembles, classifiers (notebook 03): model names as above"]
