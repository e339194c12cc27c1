"""Reference models for the documented case: the majority predictor and a plain (unbalanced) model,
evaluated with cross-validation so that every row is predicted by a model that did not see it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from .datasets import Table
from .preprocess import make_preprocessor


def plain_model(tbl: Table, class_weight: str | None = None, seed: int = 0):
    """Fused features + logistic regression; ``class_weight="balanced"`` is the simplest fix."""
    return make_pipeline(make_preprocessor(tbl),
                         LogisticRegression(max_iter=2000, class_weight=class_weight, random_state=seed))


def out_of_fold_predictions(tbl: Table, model, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each row predicted by the model fitted on the other folds (stratified, shuffled with ``seed``)."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(model, tbl.X, tbl.y, cv=cv)


def per_class_report(y_true, y_pred, classes=None) -> pd.DataFrame:
    """Precision, recall, F1 and support per class (rows in ``classes`` order)."""
    classes = list(classes) if classes is not None else sorted(pd.unique(np.asarray(y_true)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=classes, zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=pd.Index(classes, name="class"))


def overall(y_true, y_pred) -> dict[str, float]:
    return {"accuracy": accuracy_score(y_true, y_pred),
            "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
            "balanced_accuracy": balanced_accuracy_score(y_true, y_pred)}


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
        reports[name] = per_class_report(tbl.y, pred, tbl.classes)
        scores[name] = overall(tbl.y, pred)
    reports["overall"] = pd.DataFrame(scores).T
    return reports
