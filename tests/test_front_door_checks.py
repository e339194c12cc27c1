"""The front door's parameter checks, declared once per function (``ecombalance._validation.validate_params``), and
each interface's own words for the data options (Python keyword arguments, command-line flags): no rewriting."""

from __future__ import annotations

import ast
import inspect
import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import ecombalance as eb
from ecombalance import _api as api
from ecombalance import _validation
from ecombalance._reporting import cli, datacheck, params
from ecombalance._validation import (
    ColumnNames,
    Interval,
    Options,
    Wording,
    as_constraint,
    check_params,
    option,
    option_wording,
)
from ecombalance.data import _datasets as datasets
from ecombalance.data._datasets import case_table
from ecombalance.exceptions import InvalidParameterError, ParameterError

LIB = ROOT / "lib" / "ecombalance"


@pytest.fixture(scope="module")
def case() -> pd.DataFrame:
    return case_table(random_state=0).frame


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_one_fold_is_a_value_error_naming_folds_and_its_range(case):
    with pytest.raises(ValueError) as caught:
        eb.load(case, label="category", folds=1)
    assert str(caught.value) == "The 'folds' parameter of load must be an int in the range [2, inf); got 1."
    with pytest.raises(TypeError, match="'folds' parameter of load"):  # a str for an int: also a TypeError
        eb.load(case, label="category", folds="3")
    with pytest.raises(TypeError, match="got True"):  # a bool is no count of folds
        eb.load(case, label="category", folds=True)


def test_the_error_is_a_value_error_and_a_type_error_as_scikit_learns():
    assert issubclass(InvalidParameterError, ValueError) and issubclass(InvalidParameterError, TypeError)
    assert eb.InvalidParameterError is InvalidParameterError


def test_every_name_the_package_lists_resolves():
    import ecombalance
    from ecombalance import exceptions

    listed = dir(ecombalance)
    assert set(ecombalance.__all__) <= set(listed) and "__version__" in listed
    assert "data.table" not in listed
    missing = [name for name in listed if not hasattr(ecombalance, name)]
    assert not missing, f"dir(ecombalance) lists names that are no attribute: {missing}"
    assert {name: getattr(ecombalance, name) for name in exceptions.__all__} == {
        name: getattr(exceptions, name) for name in exceptions.__all__}


def _front_door() -> dict[str, tuple]:
    """``{name: (checked function, valid arguments)}``: every public callable of the front door with parameters."""
    table = object.__new__(eb.Table)  # the checks run before the body: any Table will do
    bare = object.__new__(api.Comparison)
    frame = case_table(random_state=0).frame
    return {
        "load": (api.load, {"data": frame, "label": "category"}),
        "compare": (api.compare, {"table": table}),
        "report": (api.report, {"data": frame, "out": "out", "label": "category"}),
        "Comparison.plot": (api.Comparison.plot, {"self": bare}),
        "Comparison.per_class": (api.Comparison.per_class, {"self": bare}),
        "Comparison.best": (api.Comparison.best, {"self": bare}),
        "Comparison.decide": (api.Comparison.decide, {"self": bare}),
        "Comparison.distinguishable": (api.Comparison.distinguishable, {"self": bare}),
    }


def test_every_public_callable_of_the_front_door_declares_its_constraints():
    checked = {name for name, (function, _) in _front_door().items()}
    methods = {f"Comparison.{n}" for n, f in vars(api.Comparison).items() if callable(f) and not n.startswith("_")}
    assert methods <= checked and {"load", "compare", "report"} <= checked
    for name, (function, _) in _front_door().items():
        declared = function.parameter_constraints
        parameters = [p for p in inspect.signature(function).parameters if p != "self"]
        assert sorted(declared) == sorted(parameters), name


def _bad_values():
    """``(function name, parameter, a value none of its constraints takes)`` for every constraint of every
    parameter: each constraint's own counter-example, when no other constraint of the parameter takes it."""
    for name, (function, _) in _front_door().items():
        for parameter, constraints in function.parameter_constraints.items():
            options = [as_constraint(c) for c in constraints]
            for constraint in options:
                value = constraint.invalid_example()
                if not any(c.is_satisfied_by(value) for c in options):
                    yield name, parameter, value


BAD_VALUES = list(_bad_values())


def test_every_checked_parameter_has_a_bad_value():
    covered = {(name, parameter) for name, parameter, _ in BAD_VALUES}
    declared = {(name, p) for name, (f, _) in _front_door().items() for p in f.parameter_constraints}
    assert covered == declared and len(declared) > 40


@pytest.mark.parametrize("name, parameter, value", BAD_VALUES, ids=[f"{n}-{p}" for n, p, _ in BAD_VALUES])
def test_every_check_names_the_parameter_in_python_words(name, parameter, value, tmp_path):
    function, valid = _front_door()[name]
    with pytest.raises(InvalidParameterError) as caught:
        function(**{**valid, parameter: value})
    message = str(caught.value)
    assert message.startswith(f"The {parameter!r} parameter of {name} must be "), message
    assert "--" not in message and "command line" not in message, message
    assert not (tmp_path / "out").exists()  # nothing written


def test_constraints_say_what_they_take():
    import numbers

    between = Interval(numbers.Real, 0, 1, closed="neither")
    assert [between.is_satisfied_by(v) for v in (0, 0.5, 1, True, "0.5")] == [False, True, False, False, False]
    assert str(between) == "a number in the range (0, 1)"
    assert Options("merge", "drop").is_satisfied_by("drop") and not Options("merge", "drop").is_satisfied_by(["drop"])
    assert ColumnNames(length=2).is_satisfied_by(("q", "t")) and not ColumnNames(length=2).is_satisfied_by("qt")
    assert not ColumnNames().is_satisfied_by("") and not ColumnNames().is_satisfied_by(["a", 1])
    with pytest.raises(InvalidParameterError, match=r"'k' parameter of f must be None or an int in the range "
                                                    r"\[1, 5\]; got 6"):
        check_params("f", {"k": 6}, {"k": [None, Interval(numbers.Integral, 1, 5)]})
    with pytest.raises(TypeError, match="constraints declared for"):  # a table that misses a parameter
        _validation.validate_params({"a": [int]})(lambda a, b: None)


# ----------------------------------------------------------------- the data layer's messages, in each interface's words
def _relabel(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    return frame.assign(category=frame["category"].where(frame.index >= rows, "tiny"))


# (change to the table, load's options, words of the Python message): the data layer names options in these
BAD_TABLES = [
    (lambda f: _relabel(f, 3), {"text": "title"}, ["min_class_size=5", "min_class_action='drop'"]),
    (lambda f: f, {"text": "category"}, ["a text column (text)"]),
    (lambda f: f, {"group": "category"}, ["the group column (group)"]),
    (lambda f: f, {"text": "title", "features": ["title"]}, ["features names 'title'"]),
    (lambda f: f, {"text": "title", "exclude": ["title"]}, ["exclude names 'title'"]),
    (lambda f: f, {"encoding": "gb18030"}, ["encoding='gb18030' applies to files", "leave encoding out"]),
    (lambda f: f.assign(title=""), {"text": "title"}, ["drop it from text"]),
    (lambda f: f[["category", "product_id"]], {}, ["Name the text columns (text)", "(features)"]),
    (lambda f: f.assign(query=np.arange(len(f))), {"text": "title", "group": "query"}, ["leave group out"]),
    (lambda f: f, {"text": "title", "pair": ("title", "title")}, ["pair takes two different text columns"]),
    (lambda f: f, {"text": "title", "gains": {"electronics": "high"}}, ["gains: the gain of"]),
]


@pytest.mark.parametrize("change, options, words", BAD_TABLES)
def test_load_names_the_options_as_its_keyword_arguments(case, change, options, words):
    with pytest.raises(eb.DataError) as caught:
        eb.load(change(case), label="category", **options)
    message = str(caught.value)
    assert all(word in message for word in words), message
    assert "--" not in message and "command line" not in message and "_col" not in message, message


def test_notes_name_the_options_as_the_caller_does(case):
    frame = case.assign(OperatingSystems=np.arange(len(case)) % 4 + 1)
    python = eb.load(frame, label="category", text="title").notes
    layer = datasets.load(data_path=frame, label_col="category", text_cols=["title"]).notes
    with option_wording(params.COMMAND_LINE_WORDING):
        command = datasets.load(data_path=frame, label_col="category", text_cols=["title"]).notes
    said = {name: next(n for n in notes if "whole numbers" in n)
            for name, notes in (("python", python), ("layer", layer), ("command", command))}
    assert said["python"].endswith("leave them out with exclude")
    assert said["layer"].endswith("leave them out with exclude_cols")
    assert said["command"].endswith("leave them out with --exclude-col")
    assert option("exclude_cols") == "exclude_cols"  # the block ended: the data layer's own words again


def test_report_names_its_parameters_not_the_command_line(case, tmp_path):
    with pytest.raises(ParameterError) as caught:
        api.report(case, out=tmp_path / "r", notebooks="01", label="category", parameters={"colour": 1})
    message = str(caught.value)
    assert message.startswith("parameters: unknown parameter 'colour'"), message
    assert "command line" not in message and "--" not in message.splitlines()[0]
    assert not (tmp_path / "r").exists()


def test_the_command_words_the_same_error_with_its_flags(case, tmp_path):
    path = tmp_path / "t.csv"
    _relabel(case, 3).to_csv(path, index=False)
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = cli.main(["report", "--data", str(path), "--label-col", "category", "--text-col", "title",
                           "--notebooks", "06", "--out", str(tmp_path / "r")])
    assert status == 2
    assert "pass --min-class-size 5 to merge them" in stderr.getvalue()
    assert "add --min-class-action drop to drop them" in stderr.getvalue()


def test_one_table_of_flags_builds_the_parser_and_words_the_messages():
    shown = io.StringIO()
    with pytest.raises(SystemExit), redirect_stdout(shown):
        cli.main(["report", "--help"])
    assert all(f"{flag} " in shown.getvalue() or f"{flag}\n" in shown.getvalue() for flag in params.FLAGS.values())
    assert set(datacheck.DATA_OPTIONS.values()) <= set(params.FLAGS)  # the parser's names come from the table
    assert params.COMMAND_LINE_WORDING("min_class_size", 5) == "--min-class-size 5"
    load_parameters = set(inspect.signature(api.load).parameters)
    assert {api.PYTHON_WORDING(option) for option in api.DATA_PARAMETERS.values()} <= load_parameters
    assert Wording({})("text_cols") == "text_cols"


def test_no_message_is_rewritten_by_a_regular_expression():
    files = [LIB / "_validation.py", *(LIB / "api").glob("*.py"),
             *(LIB / "_reporting" / name for name in ("cli.py", "datacheck.py", "params.py"))]
    for path in files:
        imported = {alias.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Import)
                    for alias in node.names}
        assert "re" not in imported, f"{path.relative_to(ROOT)} imports re: word messages, do not rewrite them"
    assert not hasattr(_validation, "rename_options")
