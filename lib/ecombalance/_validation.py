"""Input checks used across the package (like ``sklearn.utils.validation``): labels, probabilities,
lengths and columns, each with an error that names the problem and the fix; the parameter constraints the front
door declares once per function (:func:`validate_params`); and the wording of option names in the data layer's
messages (:func:`option`), which each interface (Python, the command line, a notebook) sets for itself.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.exceptions import ColumnNotFoundError, InvalidParameterError


def check_columns(frame: Any, columns: str | Sequence[str], role: str = "", source: str | None = None) -> None:
    """Raise :class:`ColumnNotFoundError` unless every one of ``columns`` is a column of ``frame``.

    ``frame`` is anything with ``.columns`` (a pandas or a Spark DataFrame). ``columns`` is one name or a
    sequence of names; ``role`` says what they are for (``"label"``) and ``source`` where the table came
    from (a file path), both for the message, which lists the columns there are.
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in names if c not in frame.columns]
    if not missing:
        return
    prefix = f"{source}: " if source else ""
    what = f"{role} " if role else ""
    which = f"column {columns!r}" if isinstance(columns, str) else f"column(s) {missing}"
    raise ColumnNotFoundError(f"{prefix}{what}{which} not found; the columns are {list(frame.columns)}")


def _num_rows(X: Any) -> int:
    """Rows of an array, sparse matrix, DataFrame or sequence."""
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(X)


def check_same_length(X: Any, y: Any, x_name: str = "X", y_name: str = "y") -> None:
    """One row of ``X`` per label of ``y``."""
    n_x, n_y = _num_rows(X), _num_rows(y)
    if n_x != n_y:
        raise ValueError(f"{x_name} has {n_x} rows but {y_name} has {n_y} labels")


def check_labels(values: Any, name: str) -> np.ndarray:
    """A 1-D, non-empty label array without missing values."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty")
    if pd.isna(pd.Series(arr, dtype=object)).any():
        raise ValueError(f"{name} contains missing (NaN/None) labels; drop or label those rows first")
    return arr


PROBA_SUM_TOL = 1e-4  # rows of a probability matrix must sum to 1 within this tolerance


def check_probabilities(proba: Any, name: str = "proba", n_rows: int | None = None) -> np.ndarray:
    """Validate probabilities: finite, within [0, 1], and for a 2-D matrix rows that sum to 1.

    Returns a float array (1-D for binary positive-class probabilities, 2-D ``(n_samples, n_classes)``).
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (binary) or 2-D (n_samples, n_classes), got shape {p.shape}")
    if np.isnan(p).any():
        raise ValueError(f"{name} contains NaN at {int(np.isnan(p).sum())} place(s); drop or impute those rows")
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"{name} must lie in [0, 1]; got values from {p.min():.4g} to {p.max():.4g}")
    if n_rows is not None and len(p) != n_rows:
        raise ValueError(f"{name} has {len(p)} rows but there are {n_rows} labels; pass one row per sample")
    if p.ndim == 2:
        sums = p.sum(axis=1)
        bad = np.abs(sums - 1) > PROBA_SUM_TOL
        if bad.any():
            raise ValueError(
                f"rows of {name} must sum to 1 (probabilities over all classes); {int(bad.sum())} row(s) do not, "
                f"e.g. row {int(np.argmax(bad))} sums to {sums[bad][0]:.6g}. Pass predict_proba output, "
                "or apply a softmax to logits"
            )
    return p


def plain_label(label: Any) -> Any:
    """A numpy scalar label as the Python value (so that messages and dict keys show 'c', not np.str_('c'))."""
    return label.item() if isinstance(label, np.generic) else label




# --- Parameter constraints declared once per public function -------------------------------------------------------
# scikit-learn declares its constraints the same way (``_parameter_constraints`` checked by ``validate_params``), but
# in ``sklearn.utils._param_validation``, a private module that may change without notice; the public
# ``sklearn.utils.validation.check_scalar`` checks one number at a time, not options, column names or None. So this
# is a small checker of our own with the same shape: a table ``{parameter: [constraint, ...]}``, a value is valid when
# it meets any one of its constraints, and a bad one raises :class:`InvalidParameterError` (a ValueError and a
# TypeError, as scikit-learn's) naming the parameter, the function and what it takes.


class Constraint:
    """One way a parameter's value may be valid; ``str(constraint)`` says it in words for the message."""

    def is_satisfied_by(self, value: Any) -> bool:  # pragma: no cover - every constraint overrides it
        raise NotImplementedError

    def invalid_example(self) -> Any:
        """A value this constraint rejects (the tests pass it to every checked parameter)."""
        return object()


class Interval(Constraint):
    """A number of ``kind`` (``numbers.Integral`` or ``numbers.Real``) in ``[left, right]``; None: unbounded.
    A bool is not a number here (``True`` for ``folds`` is a mistake, not 1)."""

    def __init__(self, kind: type, left: float | None, right: float | None, closed: str = "both"):
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def is_satisfied_by(self, value: Any) -> bool:
        if not isinstance(value, self.kind) or isinstance(value, bool):
            return False
        low_ok = self.left is None or (value >= self.left if self.closed in ("both", "left") else value > self.left)
        high_ok = self.right is None or (value <= self.right if self.closed in ("both", "right") else
                                         value < self.right)
        return bool(low_ok and high_ok)

    def invalid_example(self) -> Any:
        if self.left is not None:
            return self.left - 1
        return self.right + 1 if self.right is not None else "1"  # unbounded: a number as text is none

    def __str__(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a number"
        left = "(-inf" if self.left is None else ("[" if self.closed in ("both", "left") else "(") + f"{self.left}"
        right = "inf)" if self.right is None else f"{self.right}" + ("]" if self.closed in ("both", "right") else ")")
        return f"{kind} in the range {left}, {right}"


class Options(Constraint):
    """One of ``values`` (compared with ``==``)."""

    def __init__(self, *values: Any):
        self.values = values

    def is_satisfied_by(self, value: Any) -> bool:
        return any(value is v or (type(value) is type(v) and value == v) for v in self.values)

    def invalid_example(self) -> Any:
        return "no such option"

    def __str__(self) -> str:
        return "one of " + ", ".join(map(repr, self.values))


class InstanceOf(Constraint):
    """An instance of ``kind`` (a class, or ``"module.Class"`` imported only when a value is checked, so that
    declaring ``"matplotlib.axes.Axes"`` does not import matplotlib)."""

    def __init__(self, kind: type | str, words: str | None = None, exclude: tuple[type, ...] = ()):
        self.kind, self.words, self.exclude = kind, words, exclude

    def _type(self) -> type:
        if isinstance(self.kind, str):
            module, _, name = self.kind.rpartition(".")
            return getattr(__import__(module, fromlist=[name]), name)
        return self.kind

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, self._type()) and not isinstance(value, self.exclude)

    def __str__(self) -> str:
        if self.words:
            return self.words
        name = self.kind if isinstance(self.kind, str) else self.kind.__name__
        return f"an instance of {name}"


class IsNone(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return value is None

    def invalid_example(self) -> Any:
        return object()

    def __str__(self) -> str:
        return "None"


class ColumnNames(Constraint):
    """A name (a non-empty str) or, unless ``single``, a sequence of them (of ``length`` names if given); ``words``
    say what the names are for the message (default: column names)."""

    def __init__(self, single: bool = False, length: int | None = None, words: str | None = None):
        self.single, self.length, self.words = single, length, words

    def is_satisfied_by(self, value: Any) -> bool:
        if self.length is None and isinstance(value, str):
            return bool(value)
        if self.single or isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return False
        return all(isinstance(v, str) and v for v in value) and (self.length is None or len(value) == self.length)

    def invalid_example(self) -> Any:
        return 3

    def __str__(self) -> str:
        if self.words:
            return self.words
        if self.single:
            return "a column name (a non-empty str)"
        if self.length:
            return f"a sequence of {self.length} column names"
        return "a column name or a sequence of column names"


def as_constraint(spec: Any) -> Constraint:
    if spec is None:
        return IsNone()
    if isinstance(spec, Constraint):
        return spec
    if isinstance(spec, (type, str)):
        return InstanceOf(spec, exclude=(bool,) if spec in (int, float, numbers.Integral, numbers.Real) else ())
    raise TypeError(f"not a parameter constraint: {spec!r}")


def check_params(function: str, values: Mapping[str, Any], constraints: Mapping[str, Sequence[Any]]) -> None:
    """Raise :class:`InvalidParameterError` for the first value in ``values`` that meets none of its constraints.

    >>> check_params("f", {"k": 1}, {"k": [Interval(numbers.Integral, 2, None)]})
    Traceback (most recent call last):
    ...
    ecombalance.exceptions.InvalidParameterError: The 'k' parameter of f must be an int in the range [2, inf); got 1.
    """
    for name, value in values.items():
        if name not in constraints:
            continue
        options = [as_constraint(c) for c in constraints[name]]
        if any(c.is_satisfied_by(value) for c in options):
            continue
        said = [str(c) for c in options]
        words = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
        shown = repr(value) if len(repr(value)) <= 80 else f"a {type(value).__name__}"
        raise InvalidParameterError(f"The {name!r} parameter of {function} must be {words}; got {shown}.")


def validate_params(constraints: Mapping[str, Sequence[Any]]) -> Callable[[Callable], Callable]:
    """Decorate a public function to check its arguments against ``constraints`` before it runs.

    ``constraints`` maps every parameter of the function (but ``self``) to a list of constraints: a
    :class:`Constraint`, a type (``str``, ``bool``, ``"matplotlib.axes.Axes"``) or None; a value is valid when it
    meets any of them. The table is kept as the function's ``parameter_constraints``.
    """

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        names = [n for n in signature.parameters if n not in ("self", "cls")]
        if set(constraints) != set(names):
            raise TypeError(f"{function.__qualname__}: constraints declared for {sorted(constraints)}, parameters "
                            f"are {sorted(names)}")
        shown = function.__qualname__

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check_params(shown, bound.arguments, constraints)
            return function(*args, **kwargs)

        checked.parameter_constraints = constraints
        return checked

    return decorate


# --- Option names in the data layer's messages -----------------------------------------------------------------------
# The data layer's messages name the options a user sets (the label column, the text columns, a minimum class size).
# Each interface names them its own way: the notebooks and ``ecombalance.data`` as their parameters
# (``min_class_size=5``), the Python front door as its keyword arguments (``min_class_size=5``, ``text``), the command
# line as its flags (``--min-class-size 5``). A message asks :func:`option` for a name; the interface that called the
# data layer has set, with :func:`option_wording`, the table it names them by. Nothing is rewritten afterwards.


class Wording:
    """How an interface names the data options: ``names`` maps an option (its data-layer name) to the interface's
    name; ``with_value`` writes a name with its value (``"{name}={value!r}"`` or ``"{name} {value}"``)."""

    def __init__(self, names: Mapping[str, str], with_value: str = "{name}={value!r}"):
        self.names, self.with_value = dict(names), with_value

    def __call__(self, name: str, value: Any = inspect.Parameter.empty) -> str:
        shown = self.names.get(name, name)
        if value is inspect.Parameter.empty:
            return shown
        return self.with_value.format(name=shown, value=value)


DATA_LAYER = Wording({})
"""The data layer's own names (those of :func:`ecombalance.data._datasets.load` and of the notebooks' parameters)."""

_WORDING: ContextVar[Wording] = ContextVar("ecombalance_option_wording", default=DATA_LAYER)


def option(name: str, value: Any = inspect.Parameter.empty) -> str:
    """Option ``name`` (with ``value``) as the interface now calling the data layer names it.

    >>> option("min_class_size", 5)
    'min_class_size=5'
    >>> with option_wording(Wording({"min_class_size": "--min-class-size"}, "{name} {value}")):
    ...     option("min_class_size", 5)
    '--min-class-size 5'
    """
    return _WORDING.get()(name, value)


@contextlib.contextmanager
def option_wording(wording: Wording) -> Iterator[None]:
    """Within the block, the data layer's messages name options by ``wording``."""
    token = _WORDING.set(wording)
    try:
        yield
    finally:
        _WORDING.reset(token)
