"""Reference models for the documented case: the majority predictor and a plain (unbalanced) model,
evaluated with cross-validation so that every row is predicted by a model that did not see it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ecombalance import evaluation
from ecombalance.data.table import Table
from ecombalance.models import pipelines
from ecombalance.models.features import make_preprocessor

OVERALL = ("accuracy", "macro_f1", "balanced_accuracy", "g_mean")


def plain_model(tbl: Table, class_weight: str | None = None, seed: int = 0):
    """Fused features + logistic regression; ``class_weight="balanced"`` is the simplest fix."""
    return pipelines.pipeline(make_preprocessor(tbl), "none", "logreg", class_weight=class_weight,
                               random_state=seed)


def out_of_fold_predictions(tbl: Table, model, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each row predicted by the model fitted on the other folds (stratified, shuffled with ``seed``)."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(model, tbl.X, tbl.y, cv=cv)


def compare_baselines(tbl: Table, folds: int = 5, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Per-class reports of the majority predictor, the plain model and the class-weighted model,
    plus their overall scores, all on the same folds."""
    models = {
        "majority": DummyClassifier(strategy="most_frequent"),
        "plain": plain_model(tbl, None, seed),
        "class_weighted": plain_model(tbl, "balanced", seed),
    }
    reports, scores = {}, {}
    for name, model in models.items():
        pred = out_of_fold_predictions(tbl, model, folds, seed)
        reports[name] = evaluation.per_class_metrics(tbl.y, pred, classes=tbl.classes)
        scores[name] = {k: v for k, v in evaluation.classification_metrics(tbl.y, pred, classes=tbl.classes).items()
                        if k in OVERALL}
    reports["overall"] = pd.DataFrame(scores).T
    return reports
