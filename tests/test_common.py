"""scikit-learn's and imbalanced-learn's common checks over every estimator, transformer and sampler the
package defines, as imbalanced-learn's own ``tests/test_common.py`` does.

A check that cannot pass for an estimator is listed in ``EXPECTED_FAILED`` with the reason (it then runs as
an expected failure); everything else must pass. ``test_every_estimator_is_checked`` keeps the list complete.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import pytest
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import RandomUnderSampler
from imblearn.utils.estimator_checks import parametrize_with_checks as parametrize_with_imblearn_checks
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

import ecombalance
from ecombalance.evaluation._calibration import InnerFoldCalibration, TemperatureScaler
from ecombalance.evaluation._cost_rules import CostRuleClassifier
from ecombalance.evaluation._thresholds import InnerFoldThreshold
from ecombalance.models._embeddings import SentenceEmbedder
from ecombalance.models._features import PairSimilarity, SkewedLog1p
from ecombalance.models._neural import TorchMLPClassifier
from ecombalance.models._pipelines import ClassWeightedClassifier
from ecombalance.models._text_features import TextVectorizer
from ecombalance.models.finetune import TextClassifierFineTuner
from ecombalance.sampling._resampling import EvenOverSampler, GuardedSampler
from ecombalance.sampling._weights import PriorShiftClassifier

ESTIMATORS = [
    GuardedSampler(SMOTE(random_state=0), name="smote"),
    GuardedSampler(RandomUnderSampler(random_state=0), name="random_under"),
    EvenOverSampler(random_state=0),
    ClassWeightedClassifier(LogisticRegression()),
    SkewedLog1p(),
    PairSimilarity(),
    TextVectorizer(),  # one text column in (tags: string, not a 2-D array), like SentenceEmbedder
    TemperatureScaler(),
    PriorShiftClassifier(LogisticRegression()),
    InnerFoldThreshold(LogisticRegression(), random_state=0),
    InnerFoldCalibration(LogisticRegression(), random_state=0),
    CostRuleClassifier(LogisticRegression(), rule="bayes", learnt_priors="uniform"),  # 0/1 costs: the arg-max
    # enough epochs for check_classifiers_train's accuracy bar, few enough to take seconds; the CPU in float32
    # everywhere (bf16 autocast on a GPU would change what the numeric checks compare)
    TorchMLPClassifier(hidden=(16,), epochs=20, lr=0.03, device="cpu", random_state=0),
    # texts in, not a numeric matrix: its tags (two_d_array=False, string=True) make scikit-learn skip the
    # checks that feed numeric arrays
    SentenceEmbedder(),
    TextClassifierFineTuner(model_name="tiny-random", epochs=1, batch_size=16, device="cpu", threads=1,
                            progress=False, early_stopping_patience=None),
]

_FINETUNER_TEXT = ("takes texts (one column) or text pairs (two columns), not a numeric matrix: the check's X "
                   "is refused with 'expected one text column or a pair (query, title)'")
_FINETUNER = {
    name: _FINETUNER_TEXT for name in (
        "check_fit_score_takes_y", "check_dont_overwrite_parameters", "check_n_features_in_after_fitting",
        "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
        "check_estimators_empty_data_messages", "check_pipeline_consistency", "check_estimators_nan_inf",
        "check_estimators_pickle", "check_f_contiguous_array_estimator", "check_classifiers_one_label",
        "check_supervised_y_2d", "check_methods_sample_order_invariance",
        "check_methods_subset_invariance", "check_fit2d_1sample", "check_dict_unchanged", "check_fit2d_predict1d",
        "check_classifier_on_multilabel_or_multioutput_targets", "check_classifiers_with_encoded_labels",
    )
}
_FINETUNER.update({
    name: ("a sparse matrix is not text: refused with 'texts must be 1-D (texts) or 2-D (text pairs)', which "
           "does not say that sparse input is unsupported")
    for name in ("check_estimator_sparse_tag", "check_estimator_sparse_array", "check_estimator_sparse_matrix")
})
_FINETUNER.update({
    "check_classifiers_train": ("the check's two numeric columns are read as a text pair (the numbers as "
                                "strings); a 1-epoch tiny random encoder does not reach 0.83 training accuracy"),
    "check_n_features_in": "texts have no feature count: n_features_in_ is not set",
    "check_fit1d": "a 1-D X is its normal input (one text per row), so fitting on it does not fail",
})

EXPECTED_FAILED = {
    "GuardedSampler(smote)": {
        "check_dtype_object": (
            "SMOTE interpolates numbers: an object column gets the guard's TypeError naming the column and "
            "pointing to SMOTENC / encoding, not numpy's 'argument must be a string or a number'"),
    },
    "TemperatureScaler": {
        name: ("fits logits (one column per class) to class indices 0..C-1; the check's y has more classes "
               "than its X has columns") for name in (
            "check_estimators_overwrite_params", "check_estimators_fit_returns_self",
            "check_readonly_memmap_input", "check_estimators_nan_inf", "check_fit2d_1feature",
            "check_dtype_object",
        )
    },
    "TorchMLPClassifier": {
        "check_methods_subset_invariance": (
            "float32 forward pass: a row's logits differ by about one float32 ulp (2e-7) between a batch and "
            "a sub-batch, as the BLAS kernel depends on the batch size; the check allows 1e-7"),
    },
    "TextClassifierFineTuner": _FINETUNER,
    "InnerFoldThreshold": {
        **{name: ("predict applies the threshold tuned on inner folds, not the arg-max of predict_proba that the "
                  "check compares it with") for name in ("check_classifiers_train",
                                                        "check_classifiers_train(readonly_memmap=True)",
                                                        "check_classifiers_train(readonly_memmap=True,X_dtype=float32)")},
        "check_classifiers_with_encoded_labels": ("a threshold on one class's probability decides between two "
                                                  "classes; the check fits three"),
    },
}


def _key(estimator) -> str:
    name = type(estimator).__name__
    return f"{name}({estimator.name})" if isinstance(estimator, GuardedSampler) else name


def expected_failed_checks(estimator) -> dict[str, str]:
    return EXPECTED_FAILED.get(_key(estimator), {})


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (FutureWarning, ConvergenceWarning, UserWarning, RuntimeWarning))
        yield


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_common_checks(estimator, check):
    check(estimator)


@parametrize_with_imblearn_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_imblearn_common_checks(estimator, check):
    check(estimator)


def _package_estimators() -> set[type]:
    """Every scikit-learn estimator class defined in an ecombalance module."""
    found = set()
    for info in pkgutil.walk_packages(ecombalance.__path__, "ecombalance."):
        if info.name.split(".")[1] in ("chapters", "reporting"):  # no estimators there; they import everything
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, BaseEstimator):
                found.add(cls)
    return found


def test_every_estimator_is_checked():
    checked = {type(e) for e in ESTIMATORS}
    missing = sorted(cls.__qualname__ for cls in _package_estimators() - checked)
    assert not missing, f"estimators without common checks: {missing}; add an instance to ESTIMATORS"


def test_expected_failures_name_checked_estimators():
    stale = set(EXPECTED_FAILED) - {_key(e) for e in ESTIMATORS}
    assert not stale, f"EXPECTED_FAILED lists estimators that are not checked: {sorted(stale)}"
