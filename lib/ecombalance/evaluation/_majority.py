"""Does any method beat always predicting the largest class? (:func:`majority_check`)"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier

from ecombalance._validation import plain_label
from ecombalance.evaluation._experiment import ExperimentResult, run_experiment
from ecombalance.evaluation._stats import compare_to_baseline

MAJORITY = "majority predictor"
"""The name of the always-the-largest-class method of :func:`majority_check`."""


def _with_methods(result: ExperimentResult, other: ExperimentResult) -> ExperimentResult:
    """``result`` and ``other`` (run on the same folds) as one experiment."""
    return ExperimentResult(pd.concat([result.results, other.results], ignore_index=True), result.folds,
                            result.classes, result.y, result.groups, {**result.oof_pred, **other.oof_pred},
                            {**result.oof_proba, **other.oof_proba})


def majority_check(result: ExperimentResult, metric: str = "macro_f1", n_resamples: int = 1000,
                   random_state: int = 0, alpha: float = 0.05) -> pd.DataFrame:
    """Compare every method of an experiment with always predicting the largest class.

    scikit-learn's ``DummyClassifier(strategy="most_frequent")`` (the largest class of each training fold) runs on
    the experiment's own folds, and every method is compared with it on ``metric`` by the one test of the package
    (:func:`compare_to_baseline`: the corrected repeated cross-validation t-test, Nadeau & Bengio 2003, with Holm's
    correction). A method *beats* the majority predictor when the difference is distinguishable and positive.

    Parameters
    ----------
    result : ExperimentResult
        The experiment (:func:`run_experiment`) whose methods are checked; its folds are reused.
    metric : str, default="macro_f1"
        The per-fold metric compared.
    n_resamples : int, default=1000
        Bootstrap resamples of the descriptive interval of each difference.
    random_state : int, default=0
        Seed of the bootstrap.
    alpha : float, default=0.05
        Family-wise error rate of the Holm-corrected tests.

    Returns
    -------
    pandas.DataFrame
        :func:`compare_to_baseline`'s table with the majority predictor as the baseline (one row per method; the
        ``improved`` column says which methods beat it), with ``attrs`` ``majority_class`` (the largest class) and
        ``metric``.

    See Also
    --------
    compare_to_baseline : The test behind each row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from ecombalance.evaluation import majority_check, run_experiment
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat(["a", "b"], [60, 20])
    >>> X = rng.normal(size=(80, 2)) + (y == "b")[:, None] * 3.0
    >>> result = run_experiment({"logreg": LogisticRegression()}, X, y, cv=5, progress=False)
    >>> table = majority_check(result, n_resamples=100)
    >>> table.attrs["majority_class"], bool(table.loc[0, "improved"])
    ('a', True)
    """
    dummy = run_experiment({MAJORITY: DummyClassifier(strategy="most_frequent")}, np.zeros((len(result.y), 1)),
                           result.y, groups=result.groups, cv=result.folds, classes=result.classes,
                           progress=False)
    table = compare_to_baseline(_with_methods(result, dummy), MAJORITY, metric=metric, alpha=alpha,
                                n_resamples=n_resamples, random_state=random_state)
    table.attrs.update(majority_class=str(plain_label(pd.Series(result.y).value_counts().index[0])), metric=metric)
    return table
