"""Reference models: the majority predictor and a plain (unbalanced) model, evaluated with cross-validation
so that every row is predicted by a model that did not see it; and which classes the chapters' tables and
plots show when a table has many (:func:`shown_classes`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_val_predict

from ecombalance import evaluation
from ecombalance._validation import plain_label
from ecombalance.data.preprocess import subsample
from ecombalance.data.table import Table
from ecombalance.evaluation.folds import make_folds
from ecombalance.models import pipelines
from ecombalance.models.features import make_preprocessor

OVERALL = ("accuracy", "macro_f1", "balanced_accuracy", "g_mean")

SHOWN_CLASSES = 10
"""With more than twice this many classes, tables and plots show this many largest and as many smallest."""


def shown_classes(y, n: int = SHOWN_CLASSES) -> list:
    """The classes of labels ``y`` a table or plot shows, largest first: all of them when there are at most
    ``2 n``, else the ``n`` largest and the ``n`` smallest (190 bars say less than 20)."""
    order = [plain_label(c) for c in pd.Series(np.asarray(y)).value_counts(sort=True).index]
    return order if len(order) <= 2 * n else order[:n] + order[-n:]


def classes_note(y, n: int = SHOWN_CLASSES) -> str:
    """A sentence saying which classes :func:`shown_classes` keeps, empty when it keeps all."""
    total = pd.Series(np.asarray(y)).nunique()
    if total <= 2 * n:
        return ""
    return f"Showing the {n} largest and the {n} smallest of {total} classes ({total - 2 * n} in between left out)."


def plain_model(tbl: Table, class_weight: str | None = None, seed: int = 0):
    """Fused features + logistic regression; ``class_weight="balanced"`` is the simplest fix."""
    return pipelines.pipeline(make_preprocessor(tbl), "none", "logreg", class_weight=class_weight,
                               random_state=seed)


def out_of_fold_predictions(tbl: Table, model, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each row predicted by the model fitted on the other folds: :func:`make_folds` (stratified, shuffled
    with ``seed``, and grouped by ``tbl.group_col`` when the table has one, so no query sits on both sides)."""
    return cross_val_predict(model, tbl.X, tbl.y, cv=make_folds(tbl.y, tbl.groups, folds, seed))


BASELINE_MAX_ROWS = 20000
"""Above this many rows :func:`compare_baselines` runs on a stratified sample of this size."""


def compare_baselines(tbl: Table, folds: int = 5, seed: int = 0,
                      max_rows: int = BASELINE_MAX_ROWS) -> dict[str, pd.DataFrame]:
    """Per-class reports of the majority predictor, the plain model and the class-weighted model,
    plus their overall scores, all on the same folds. A table of more than ``max_rows`` rows (0: no limit) is
    first sampled to that size, stratified, every class kept (:func:`ecombalance.data.preprocess.subsample`);
    ``reports["overall"].attrs["note"]`` then says so and :func:`describe_baselines` repeats it."""
    tbl, note = subsample(tbl, max_rows, seed)
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
    reports["overall"].attrs["note"] = (note.replace("This chapter ran", "The three models ran")
                                        .replace("parameter `max_rows", "`baselines.compare_baselines(max_rows"))
    return reports


def baselines_headline(measures: dict, reports: dict[str, pd.DataFrame]) -> dict[str, float]:
    """For the report index: the imbalance (:func:`ecombalance.sampling.imbalance.summary`) and what
    :func:`compare_baselines` found — accuracies, the plain model's macro-F1 and its recall of the largest
    and the smallest class (reports list classes largest first), and the class-weighted recall of the
    smallest."""
    overall, plain, weighted = reports["overall"], reports["plain"], reports["class_weighted"]
    smallest = plain.index[-1]
    return {
        "majority_share": measures["majority_share"], "imbalance_ratio": measures["imbalance_ratio"],
        "majority_accuracy": overall.loc["majority", "accuracy"], "plain_accuracy": overall.loc["plain", "accuracy"],
        "plain_macro_f1": overall.loc["plain", "macro_f1"],
        "plain_recall_largest": plain["recall"].iloc[0], "plain_recall_smallest": plain["recall"].loc[smallest],
        "weighted_recall_smallest": weighted["recall"].loc[smallest],
    }


GAP = 0.05  # recall of the smallest class this far below the largest's is called a gap


def describe_baselines(measures: dict, reports: dict[str, pd.DataFrame]) -> str:
    """Notebook 01's findings as Markdown bullets, generated from the imbalance ``measures`` and the
    :func:`compare_baselines` ``reports``: the imbalance, the accuracy paradox, the minority gap of the
    plain model and how far class weights close it. Each claim is made only when the numbers show it (a
    table without a gap, a largest class that is the merged ``other``, a majority share under one half)."""
    overall, plain, weighted = reports["overall"], reports["plain"], reports["class_weighted"]
    largest, smallest = plain.index[0], plain.index[-1]
    merged = (f" — `{largest}` is rare classes merged together, so \"the largest class\" below is that mixture"
              if str(largest) == "other" else "")
    majority_accuracy = overall.loc["majority", "accuracy"]
    paradox = ("accuracy alone hides the failure" if majority_accuracy >= 0.5
               else "on this table accuracy is low too, but macro-F1 shows the failure more plainly")
    recall_largest, recall_smallest = plain["recall"].iloc[0], plain["recall"].loc[smallest]
    gap = ("the minority gap" if recall_smallest < recall_largest - GAP
           else "no minority gap on this table: the smallest class is recalled about as well as the largest")
    change = weighted["recall"].loc[smallest] - recall_smallest
    direction = "higher" if change > 0.0005 else "lower" if change < -0.0005 else "unchanged"
    return "\n".join([
        *filter(None, [overall.attrs.get("note")]),
        f"- {measures['n_samples']} rows in {measures['n_classes']} classes; the largest holds "
        f"{measures['majority_share']:.3f} of them, the smallest {measures['minority_share']:.3f} "
        f"(imbalance ratio {measures['imbalance_ratio']:.1f}:1, normalised entropy "
        f"{measures['normalised_entropy']:.3f}){merged}.",
        f"- Always predicting the largest class scores accuracy {majority_accuracy:.3f} "
        f"with a macro-F1 of {overall.loc['majority', 'macro_f1']:.3f}: {paradox}.",
        f"- The plain model reaches accuracy {overall.loc['plain', 'accuracy']:.3f}, but its recall is "
        f"{recall_largest:.3f} on the largest class and {recall_smallest:.3f} on `{smallest}`: {gap}.",
        f"- Class weights alone move that recall to {weighted['recall'].loc[smallest]:.3f} (precision "
        f"{plain['precision'].loc[smallest]:.3f} → {weighted['precision'].loc[smallest]:.3f}): {direction} than "
        "without them; notebooks 03–05 try other remedies, notebook 06 compares them with confidence intervals.",
    ])
