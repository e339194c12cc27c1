"""What notebook 02 measures: what fitting the preprocessing before the split lets through from the test rows.
"""

from __future__ import annotations

import numpy as np

from ecombalance.data.preprocess import split
from ecombalance.data.table import Table
from ecombalance.models.features import make_preprocessor


def fit_before_split_effects(tbl: Table, test_size: float = 0.25, seed: int = 0) -> dict[str, float]:
    """Fit the preprocessor on all rows (wrong) and on the training rows only (right), and measure
    what the wrong way lets through from the test rows.

    Returns the number of TF-IDF terms that occur only in test rows but enter the vocabulary, how far
    the test rows' standardised numeric columns sit from mean 0 / sd 1 either way (fitted on all
    rows they are forced towards 0 / 1 by their own statistics), and the largest shift of a scaler
    mean caused by seeing the test rows.
    """
    train, test = split(tbl, test_size, seed)
    right = make_preprocessor(tbl).fit(train.X)
    wrong = make_preprocessor(tbl).fit(tbl.X)
    result: dict[str, float] = {"train_rows": len(train.frame), "test_rows": len(test.frame)}
    if tbl.text_cols:
        step = f"text_{tbl.text_cols[0]}"
        vocabularies = [set(ct.named_transformers_[step][-1].vocabulary_) for ct in (right, wrong)]
        result["test_only_terms_in_vocabulary"] = len(vocabularies[1] - vocabularies[0])
    if tbl.numeric_cols:
        numeric = [ct.named_transformers_["numeric"] for ct in (right, wrong)]
        test_means = [np.abs(n.transform(test.frame[tbl.numeric_cols]).mean(axis=0)).mean() for n in numeric]
        result["test_mean_abs_when_fit_on_train"] = float(test_means[0])
        result["test_mean_abs_when_fit_on_all"] = float(test_means[1])
        result["largest_scaler_mean_shift"] = float(np.abs(numeric[0][-1].mean_ - numeric[1][-1].mean_).max())
    return result
