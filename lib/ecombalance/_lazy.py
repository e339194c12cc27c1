"""Lazy re-exports for the subpackages (PEP 562), so that ``import ecombalance.data`` stays light.

``from ecombalance.evaluation import run_experiment`` imports ``ecombalance.evaluation._experiment`` on first
use; torch and transformers load only when a name that needs them is touched.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence


def attach(package: str, exports: Mapping[str, Sequence[str]]) -> tuple[Callable, Callable, list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package`` re-exporting ``{submodule: [names]}``."""
    where = {}
    for module, names in exports.items():
        for name in names:
            if name in where:
                raise ValueError(f"{package}: {name!r} is exported by both {where[name]} and {module}")
            where[name] = module

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{where[name]}"), name)

    def __dir__() -> list[str]:  # what getattr gives: the names re-exported and the package's own attributes
        return sorted(set(where) | set(vars(sys.modules[package])))

    return __getattr__, __dir__, sorted(where)
