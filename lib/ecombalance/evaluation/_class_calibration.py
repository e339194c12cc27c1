"""Calibration seen class by class, on an experiment's pooled out-of-fold predictions: the one definition of ECE
that every table, legend and sentence of the chapters quotes.

* :func:`calibration_table`: per method the top-label ECE (Guo et al. 2017), the class-wise ECE (Kull et al.
  2019) and each class's one-vs-rest ECE, all on the pooled out-of-fold probabilities (every row once, predicted
  by the model of its test fold; with repeated folds, the first repeat's) with :data:`ECE_BINS` equal-width bins.
  A reliability diagram of the same probabilities (:func:`ecombalance.plotting.plot_reliability`,
  :func:`ecombalance.plotting.plot_classwise_reliability`) shows the same numbers in its legend.
* :func:`class_shares`: per method how many rows it assigns to each class (arg-max) against how many there are,
  the direct measure of over-predicting the small classes, which top-label ECE does not see.
* :func:`classwise_reliability`: the reliability curve of each class's own probability column, with counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.evaluation._calibration import reliability_curve
from ecombalance.evaluation._docstrings import fill_doc
from ecombalance.evaluation._experiment import ExperimentResult
from ecombalance.evaluation._metrics import (ECE_BINS, classwise_expected_calibration_error, encode_labels,
                                             expected_calibration_error, metric_value)


def classwise_reliability(y_true: Any, proba: Any, classes: Sequence | None = None,
                          n_bins: int = ECE_BINS) -> pd.DataFrame:
    """Per class, the reliability curve of its own probability column against "the label is this class".

    Returns one row per (class, bin), empty bins included (count 0, NaN means): ``class``, ``bin_lower``,
    ``bin_upper``, ``confidence`` (mean predicted probability of the class in the bin), ``frequency`` (share of
    the bin's rows whose label is the class) and ``count`` (rows in the bin), the bins of
    :func:`ecombalance.evaluation._calibration.reliability_curve`. ``attrs["ece"]``: each class's one-vs-rest ECE
    from these bins (:func:`ecombalance.evaluation._metrics.metric_value` ``("ece", class_index=c)``), whose mean
    is the class-wise ECE.
    """
    t, _, prob, classes = encode_labels(y_true, None, proba, classes)
    if prob is None:
        raise ValueError("classwise_reliability needs proba")
    parts, eces = [], {}
    for c, label in enumerate(classes.tolist()):
        curve = reliability_curve((t == c).astype(int), prob[:, c], n_bins=n_bins)
        parts.append(curve.rename(columns={"accuracy": "frequency"}).assign(**{"class": label}))
        eces[label] = metric_value("ece", t, None, prob, len(classes), class_index=c, n_bins=n_bins)
    frame = pd.concat(parts, ignore_index=True)[["class", "bin_lower", "bin_upper", "confidence", "frequency",
                                                 "count"]]
    frame.attrs["ece"] = eces
    return frame


def _methods(result: ExperimentResult, methods: Sequence[str] | None, need_proba: bool) -> list[str]:
    chosen = list(result.methods if methods is None else methods)
    unknown = [m for m in chosen if m not in result.methods]
    if unknown:
        raise ValueError(f"no method(s) {unknown}; the experiment ran {result.methods}")
    if need_proba:
        blind = [m for m in chosen if result.oof_proba.get(m) is None]
        if blind:
            raise ValueError(f"method(s) {blind} have no probabilities (no predict_proba): calibration needs them")
    if not chosen:
        raise ValueError("no method to describe")
    return chosen


@fill_doc
def calibration_table(result: ExperimentResult, methods: Sequence[str] | None = None,
                      n_bins: int = ECE_BINS, classes: Sequence | None = None) -> pd.DataFrame:
    """Tabulate the calibration errors of each method on the pooled out-of-fold probabilities.

    Per method (rows, in run order): ``ece`` (top-label), ``classwise_ece`` and ``ece[<class>]`` for every
    class (or for ``classes`` only; the class-wise ECE always averages all of them), on the pooled out-of-fold
    probabilities (:meth:`ExperimentResult.pooled`: each row once) with ``n_bins`` equal-width bins.

    These are the numbers a reliability diagram of the same probabilities prints in its legend; a fold-mean
    ECE (the ``ece`` rows of ``result.results``, what the paired test compares) is computed on fewer rows per bin
    and is larger. ``methods`` defaults to every method with probabilities. ``attrs``: ``n_rows``, ``n_bins``,
    ``pooled`` (the text "pooled out-of-fold predictions, …").

    Parameters
    ----------
    {result}
    methods : sequence of str, default=None
        The methods to describe (default: every method with probabilities).
    {n_bins}
    classes : sequence, default=None
        The classes of the ``ece[<class>]`` columns (default: all).

    Returns
    -------
    DataFrame
        One row per method (index ``method``), the columns and attrs above.

    Raises
    ------
    ValueError
        For a method that did not run or has no probabilities, or a class the experiment did not have.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.evaluation import calibration_table, run_experiment
    >>> codes = np.repeat([0, 1, 2], [30, 20, 10])
    >>> X = (codes + np.random.default_rng(0).normal(0, 1, 60))[:, None]
    >>> methods = {"plain": LogisticRegression(), "weighted": LogisticRegression(class_weight="balanced")}
    >>> result = run_experiment(methods, X, np.array(["a", "b", "c"])[codes], cv=3, progress=False)
    >>> calibration_table(result).round(3)
                ece  classwise_ece  ece[a]  ece[b]  ece[c]
    method
    plain     0.061          0.085   0.126   0.093   0.037
    weighted  0.098          0.116   0.125   0.081   0.142
    """
    if methods is None:
        methods = [m for m in result.methods if result.oof_proba.get(m) is not None]
    shown = None if classes is None else _classes(result, classes)
    rows = {}
    for method in _methods(result, methods, need_proba=True):
        y_true, _, proba, _ = result.pooled(method)
        row = {"ece": expected_calibration_error(y_true, proba, classes=result.classes, n_bins=n_bins),
               "classwise_ece": classwise_expected_calibration_error(y_true, proba, classes=result.classes,
                                                                     n_bins=n_bins)}
        t, _, prob, _ = encode_labels(y_true, None, proba, result.classes)
        for c, label in enumerate(result.classes.tolist()):
            if classes is not None and label not in shown:
                continue
            row[f"ece[{label}]"] = metric_value("ece", t, None, prob, len(result.classes), class_index=c,
                                                n_bins=n_bins)
        rows[method] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    table.attrs.update(n_rows=int(len(result.oof_rows)), n_bins=n_bins,
                       pooled=f"pooled out-of-fold predictions ({len(result.oof_rows):,} rows, each once), "
                              f"{n_bins} equal-width bins")
    return table


@fill_doc
def class_shares(result: ExperimentResult, methods: Sequence[str] | None = None,
                 classes: Sequence | None = None) -> pd.DataFrame:
    """Count the out-of-fold rows each method assigns to each class, against the rows of the class.

    A method assigns a row to its arg-max prediction: one row per class (or per entry of ``classes``), largest
    first; columns ``true`` and one per method.

    A model that over-predicts a small class assigns it more rows than it has, whatever its top-label ECE says.
    ``attrs``: ``n_rows`` and ``small`` (the classes below an equal share :math:`1/C`, the ones balancing
    up-weights, among the rows shown).

    Parameters
    ----------
    {result}
    methods : sequence of str, default=None
        The methods to count (default: every method of ``result``).
    classes : sequence, default=None
        The classes to show (default: all).

    Returns
    -------
    DataFrame
        One row per class (index ``class``), the columns and attrs above.

    Raises
    ------
    ValueError
        For a method that did not run, or a class the experiment did not have.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.evaluation import class_shares, run_experiment
    >>> codes = np.repeat([0, 1, 2], [30, 20, 10])
    >>> X = (codes + np.random.default_rng(0).normal(0, 1, 60))[:, None]
    >>> methods = {"plain": LogisticRegression(), "weighted": LogisticRegression(class_weight="balanced")}
    >>> result = run_experiment(methods, X, np.array(["a", "b", "c"])[codes], cv=3, progress=False)
    >>> shares = class_shares(result)
    >>> shares
           true  plain  weighted
    class
    a        30     35        30
    b        20     25        16
    c        10      0        14
    >>> shares.attrs["small"]
    ['c']
    """
    chosen = _methods(result, methods, need_proba=False)
    rows = result.oof_rows
    truth = pd.Series(result.y[rows]).value_counts().reindex(result.classes, fill_value=0)
    columns = {"true": truth.to_numpy()}
    for method in chosen:
        pred = pd.Series(result.oof_pred[method][rows]).value_counts()
        columns[method] = pred.reindex(result.classes, fill_value=0).to_numpy()
    frame = pd.DataFrame(columns, index=pd.Index(result.classes, name="class")).astype(int)
    frame = frame.iloc[np.argsort(-frame["true"].to_numpy(), kind="stable")]
    shares = frame["true"] / frame["true"].sum()
    small = shares.index[shares < 1 / len(frame)]
    if classes is not None:
        wanted = _classes(result, classes)
        frame = frame.iloc[[i for i, c in enumerate(frame.index) if c in wanted]]  # by position: labels may be bool
        small = [c for c in small if c in frame.index]
    frame.attrs.update(n_rows=int(len(rows)), small=list(small))
    return frame


def _classes(result: ExperimentResult, classes: Sequence) -> list:
    known = result.classes.tolist()
    unknown = [c for c in classes if c not in known]
    if unknown:
        raise ValueError(f"classes {unknown} are not among the experiment's classes {known[:10]}")
    return list(classes)
