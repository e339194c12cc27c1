"""The front door's docstrings pass numpydoc's validation (``numpydoc.validate``) on the checks that matter:
every parameter documented (PR01, PR02, PR03, PR07), a Returns section (RT01, RT03), a one-line summary (SS01-SS06),
a docstring at all (GL08)."""

from __future__ import annotations

import inspect

import pytest
from numpydoc.validate import validate

import ecombalance as eb

CHECKS = {"GL08", "PR01", "PR02", "PR03", "PR07", "RT01", "RT03", "SS01", "SS02", "SS03", "SS04", "SS05", "SS06"}


def public_members(cls: type, path: str) -> list[str]:
    """``path.name`` for each public method and property ``cls`` defines itself."""
    return [f"{path}.{name}" for name, member in vars(cls).items() if not name.startswith("_")
            and (inspect.isfunction(member) or isinstance(member, (property, classmethod)))]


FRONT_DOOR = ["ecombalance.load", "ecombalance.compare", "ecombalance.report", "ecombalance.Comparison",
              *public_members(eb.Comparison, "ecombalance.Comparison"), "ecombalance.Table",
              *public_members(eb.Table, "ecombalance.Table"), "ecombalance.ComparisonDisplay",
              *public_members(eb.ComparisonDisplay, "ecombalance.ComparisonDisplay")]


def test_the_list_covers_the_front_door():
    assert {"ecombalance.Comparison.best", "ecombalance.Comparison.per_class", "ecombalance.Comparison.plot",
            "ecombalance.Comparison.table", "ecombalance.Table.roles", "ecombalance.Table.subset",
            "ecombalance.ComparisonDisplay.from_comparison", "ecombalance.ComparisonDisplay.plot"} <= set(FRONT_DOOR)


@pytest.mark.parametrize("name", FRONT_DOOR)
def test_the_docstring_passes_numpydoc(name):
    errors = [f"{code}: {message}" for code, message in validate(name)["errors"] if code in CHECKS]
    assert not errors, f"{name}:\n" + "\n".join(errors)


def test_the_validation_finds_what_it_should():
    def undocumented(a, b):
        """Adds two values"""
        return a + b

    def long_summary():
        """Add two values
        over two lines."""

    assert {"PR01", "RT01", "SS03", "SS05"} <= validate_function(undocumented)
    assert "SS06" in validate_function(long_summary)


def validate_function(function) -> set[str]:
    """numpydoc's error codes of a function defined here (validated through this module's name)."""
    globals()[function.__name__] = function
    try:
        return {code for code, _ in validate(f"{__name__}.{function.__name__}")["errors"]}
    finally:
        del globals()[function.__name__]
