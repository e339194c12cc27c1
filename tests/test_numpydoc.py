"""Every public callable's docstring passes numpydoc's validation (``numpydoc.validate``), as imbalanced-learn's
do: every parameter documented with its type (PR01-PR04, PR06-PR08), a Returns section (RT01-RT03) or Yields
(YD01), a one-line summary (SS01-SS06), a docstring at all (GL08), and an Examples section on each public function
and class (EX01; the examples run as doctests with ``--doctest-modules``).

The public callables are the names of :func:`test_layout.public_api` (the top level, the exceptions, the public
packages' ``__all__``) and the methods and properties each public class defines itself.
"""

from __future__ import annotations

import inspect

import pytest
from numpydoc.validate import validate
from test_layout import public_api

CHECKS = {"GL08", "PR01", "PR02", "PR03", "PR04", "PR06", "PR07", "PR08", "RT01", "RT02", "RT03", "YD01",
          "SS01", "SS02", "SS03", "SS04", "SS05", "SS06"}
EXAMPLES = {"EX01"}  # on public functions and classes; a method is shown in its class's example


def public_members(cls: type, path: str) -> list[str]:
    """``path.name`` for each public method and property ``cls`` defines itself."""
    return [f"{path}.{name}" for name, member in vars(cls).items() if not name.startswith("_")
            and (inspect.isfunction(member) or isinstance(member, (property, classmethod, staticmethod)))]


def public_callables() -> dict[str, set[str]]:
    """``{dotted path: the checks it must pass}`` of every public function, class, method and property."""
    found = {}
    for obj, paths in public_api().items():
        if isinstance(obj, tuple) or (isinstance(obj, type) and issubclass(obj, BaseException)):
            continue  # a constant; an exception class (documented by its summary, raised not called)
        path = min(paths, key=len)  # eb.ComparisonDisplay rather than ecombalance.plotting.ComparisonDisplay
        found[path] = CHECKS | EXAMPLES
        if isinstance(obj, type):
            found.update(dict.fromkeys(public_members(obj, path), CHECKS))
    return found


CALLABLES = public_callables()


def test_the_list_covers_the_public_api():
    assert {"ecombalance.load", "ecombalance.Comparison.best", "ecombalance.Table.subset",
            "ecombalance.ComparisonDisplay.from_comparison", "ecombalance.models.FocalLoss.forward",
            "ecombalance.sampling.make_sampler", "ecombalance.evaluation.run_experiment",
            "ecombalance.models.finetune.TextClassifierFineTuner.fit", "ecombalance.i18n.set_language"} <= set(CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_the_docstring_passes_numpydoc(name):
    errors = [f"{code}: {message}" for code, message in validate(name)["errors"] if code in CALLABLES[name]]
    assert not errors, f"{name}:\n" + "\n".join(errors)


def test_the_validation_finds_what_it_should():
    def undocumented(a, b):
        """Adds two values"""
        return a + b

    def long_summary():
        """Add two values
        over two lines."""

    assert {"PR01", "RT01", "SS03", "SS05", "EX01"} <= validate_function(undocumented)
    assert "SS06" in validate_function(long_summary)


def validate_function(function) -> set[str]:
    """numpydoc's error codes of a function defined here (validated through this module's name)."""
    globals()[function.__name__] = function
    try:
        return {code for code, _ in validate(f"{__name__}.{function.__name__}")["errors"]}
    finally:
        del globals()[function.__name__]
