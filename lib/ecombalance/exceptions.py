"""Every exception and warning class of ecombalance, in one public module (like ``sklearn.exceptions``).

Catch them from here::

    from ecombalance.exceptions import DataError
    try:
        table = eb.load(df, label="category")
    except DataError as error:
        print(error)          # names the column and the fix

They are exported from here and from the top level (``eb.DataError``) only; no subpackage re-exports one, and the
modules that raise them import them from here. This module imports nothing of the package: any layer may raise any
of these.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DataError", "ColumnNotFoundError", "ParameterError", "InvalidParameterError", "ReportError", "NotebookFailedError", "ReportInterrupted",
    "CompareError",
    "ModelNotAvailableError", "SmallClassWarning",
]


class DataError(ValueError):
    """A table that cannot be used as it is; the message names the file, the column and the fix."""


class ColumnNotFoundError(DataError, KeyError):
    """A column a caller named is not in the table.

    Also a ``KeyError``, the error pandas raises for a missing column (as scikit-learn's
    ``NotFittedError`` is both a ``ValueError`` and an ``AttributeError``).
    """

    __str__ = BaseException.__str__  # the message as written, not KeyError's repr of it


class ParameterError(ValueError):
    """A parameter name, value or profile that the notebooks cannot take."""


class InvalidParameterError(ValueError, TypeError):
    """A Python function of ecombalance got an argument of the wrong type or outside its range; the message names the
    parameter, the function and what it takes.

    Both a ``ValueError`` and a ``TypeError``, as scikit-learn's ``InvalidParameterError``: ``eb.load(df,
    label="category", folds=1)`` is caught by ``except ValueError``, ``folds="3"`` by ``except TypeError``.
    """


class ReportError(RuntimeError):
    """The report could not run (bad selection, parameters or paths): nothing was executed."""


class NotebookFailedError(RuntimeError):
    """The report ran and at least one notebook failed (unlike :class:`ReportError`, raised only after the
    notebooks ran). ``result`` is the :class:`ecombalance._reporting.runner.ReportResult`: every notebook's status,
    the failed ones with the cell that raised and their executed copies, and the index of what finished."""

    def __init__(self, message: str, result: Any):
        super().__init__(message)
        self.result = result


class ReportInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the report; ``result`` holds the notebooks run so far, the last one
    "interrupted". summary.json and index.html were written before this was raised.

    ``result`` is the :class:`ecombalance._reporting.runner.ReportResult` of the run.
    """

    def __init__(self, reason: str, result: Any):
        super().__init__(reason)
        self.reason, self.result = reason, result


class CompareError(ValueError):
    """A folder that is not a report folder (no readable ``summary.json``)."""


class ModelNotAvailableError(FileNotFoundError):
    """The requested model is not on this machine (and will not be downloaded)."""


class SmallClassWarning(UserWarning):
    """A class is too small for what was asked: a sampler's neighbour count (lowered to fit it), or the inner folds of
    a calibration or a tuned decision rule (left out for that fit)."""
