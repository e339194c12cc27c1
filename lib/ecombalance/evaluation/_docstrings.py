"""Parameter descriptions shared by the docstrings of ``ecombalance.evaluation``, written once.

A docstring line that holds only ``{name}`` is replaced by :data:`PARAMETERS` ``[name]`` (indented as that line)
when :func:`fill_doc` decorates the function or class, as imbalanced-learn's ``Substitution`` decorator fills in
its shared ``random_state`` and ``n_jobs`` descriptions. The same parameter then reads the same everywhere.
"""

from __future__ import annotations

from typing import Any

from ecombalance._docstrings import fill_placeholders

PARAMETERS = {
    # labels and predictions
    "y_true": """y_true : array-like of shape (n_samples,)
    True labels.""",
    "y_pred": """y_pred : array-like of shape (n_samples,)
    Predicted labels.""",
    "proba": """proba : array-like of shape (n_samples, n_classes) or (n_samples,), default=None
    Predicted probabilities, columns in the order of ``classes``; 1-D: the probability of ``classes[1]``
    (two classes, e.g. a click model).""",
    "proba_required": """proba : array-like of shape (n_samples, n_classes) or (n_samples,)
    Predicted probabilities, columns in the order of ``classes``; 1-D: the probability of ``classes[1]``
    (two classes).""",
    "classes": """classes : sequence, default=None
    The labels and their order (that of the probability columns); default: the sorted labels seen in ``y_true``
    (and in the predictions).""",
    "n_bins": """n_bins : int, default=15
    Equal-width bins on [0, 1] (``ECE_BINS``, as Guo et al. 2017).""",
    # bootstrap
    "groups_bootstrap": """groups : array-like of shape (n_samples,), default=None
    Group ids (query ids): whole groups are resampled (cluster bootstrap), since the items of one query are
    not independent.""",
    "n_resamples": """n_resamples : int, default=1000
    Bootstrap resamples (at least 10).""",
    "confidence": """confidence : float, default=0.95
    Level of the percentile interval, in (0, 1).""",
    "random_state_bootstrap": """random_state : int, default=0
    Seeds the resampling (NumPy ``default_rng``): same seed, same interval.""",
    "metric": """metric : str, default="macro_f1"
    The metric's name, e.g. ``macro_f1``, ``balanced_accuracy``, ``g_mean``, ``log_loss`` or ``ece``; with
    ``class_`` a per-class one (``recall``, ``precision``, ``f1``).""",
    "class_": """class_ : label, default=None
    The class of a per-class metric (``recall``, ``precision``, ``f1``).""",
    # comparisons
    "result": """result : ExperimentResult
    What :func:`run_experiment` returned.""",
    "baseline": """baseline : str
    The method every other method is compared with (the same model without balancing).""",
    "alpha": """alpha : float, default=0.05
    Significance level of the Holm-corrected p-values.""",
    "n_train_n_test": """n_train, n_test : float
    The mean numbers of training and test rows per fold (:math:`n_{train}`, :math:`n_{test}` of the
    correction).""",
    # decisions
    "cost_matrix": """cost_matrix : array-like of shape (n_classes, n_classes)
    :math:`C_{ij}`, the cost of predicting class ``j`` when the truth is ``i`` (rows: true class, columns:
    decision), in the order of ``classes``.""",
    "target_recall": """target_recall : float in (0, 1], default=None
    Goal 1: the largest threshold whose recall is at least this.""",
    "cost_fp_cost_fn": """cost_fp, cost_fn : float >= 0, default=None
    Goal 2 (both): the cost of a false positive and of a false negative; the threshold minimises
    ``cost_fp · FP + cost_fn · FN``.""",
    # estimators
    "X_fit": """X : array-like of shape (n_samples, n_features)
    The training rows.""",
    "y_fit": """y : array-like of shape (n_samples,)
    The class labels of the training rows.""",
    "X_predict": """X : array-like of shape (n_samples, n_features)
    The rows to predict.""",
    "self": """object
    The fitted estimator (``self``).""",
    "predict_proba": """ndarray of shape (n_samples, n_classes)
    The probability of each class, columns in the order of ``classes_``.""",
    "predict": """ndarray of shape (n_samples,)
    The predicted class labels.""",
}
"""``{placeholder: "name : type" line and its indented description}``."""



def fill_doc(obj: Any) -> Any:
    """Replace each docstring line ``{name}`` of ``obj`` with the shared description ``PARAMETERS[name]``.

    Parameters
    ----------
    obj : function or class
        What the decorator decorates; its docstring is rewritten in place.

    Returns
    -------
    function or class
        ``obj`` itself.

    Raises
    ------
    KeyError
        For a placeholder that :data:`PARAMETERS` does not hold (a typo).
    """
    return fill_placeholders(obj, PARAMETERS)
