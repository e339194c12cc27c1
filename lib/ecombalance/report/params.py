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

from ecombalance.report import paths

PROFILES = ("smoke", "quick", "full")
COMMAND_LINE = "command line"
_MISSING = object()


class ParameterError(ValueError):
    """A parameter name, value or profile that the notebooks cannot take."""


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


def _split(layer: Mapping[str, Any], source: str) -> tuple[dict, dict[str, dict]]:
    shared = {k: v for k, v in layer.items() if k != "notebooks"}
    per_notebook = layer.get("notebooks") or {}
    if not isinstance(per_notebook, dict) or not all(isinstance(v, dict) for v in per_notebook.values()):
        raise ParameterError(f"{source}: 'notebooks' must map a notebook number to name: value pairs")
    return shared, {str(k): dict(v) for k, v in per_notebook.items()}


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
) -> dict[str, dict[str, Any]]:
    """Merge parameter layers (later wins) and check them; return the values for each notebook.

    Parameters
    ----------
    declared
        ``{notebook_stem: {name: Parameter}}`` for the notebooks of this run.
    layers
        ``(source, mapping)`` pairs in increasing priority (profile, params file, command line).
        A mapping may hold a ``notebooks`` section keyed by notebook number or stem.
    suite_names
        Names declared by notebooks outside this run. Profiles and parameter files may set
        them (they serve the whole suite); the command line may not.

    Raises
    ------
    ParameterError
        A name no notebook declares (for the command line: no notebook of this run), or a
        value of the wrong type. The message lists the valid parameters.
    """
    suite_names = set(suite_names)
    by_number = {stem.split("_", 1)[0]: stem for stem in declared}
    values: dict[str, dict[str, Any]] = {stem: {} for stem in declared}
    for source, layer in layers:
        shared, per_notebook = _split(layer, source)
        for name, value in shared.items():
            owners = [stem for stem, params in declared.items() if name in params]
            if not owners and not (name in suite_names and source != COMMAND_LINE):
                raise ParameterError(
                    f"{source}: unknown parameter {name!r}; no notebook of this run declares it.\n"
                    + _valid_list(declared)
                )
            for stem in owners:
                values[stem][name] = check_value(declared[stem][name], value, source)
        for key, overrides in per_notebook.items():
            stem = by_number.get(key, key if key in declared else None)
            if stem is None:
                continue  # a section for a notebook outside this run
            for name, value in overrides.items():
                if name not in declared[stem]:
                    raise ParameterError(
                        f"{source}: notebook {stem} has no parameter {name!r}.\n" + _valid_list(declared)
                    )
                values[stem][name] = check_value(declared[stem][name], value, source)
    return values
