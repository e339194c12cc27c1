"""Reference models: the majority predictor and a plain (unbalanced) model, evaluated with cross-validation
so that every row is predicted by a model that did not see it; and which classes the chapters' tables and
plots show when a table has many (:func:`shown_classes`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier

from ecombalance import evaluation
from ecombalance._validation import plain_label
from ecombalance.data._preprocess import subsample
from ecombalance.data._table import Table
from ecombalance.evaluation._experiment import ExperimentResult, run_experiment
from ecombalance.evaluation._folds import make_folds
from ecombalance.evaluation._metrics import scores
from ecombalance.i18n import gettext as _
from ecombalance.models import _pipelines as pipelines
from ecombalance.models._features import make_preprocessor
from ecombalance.models._text_features import CJK_CHARACTER, TextVectorizer

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
    return _("Showing the {n} largest and the {n} smallest of {total} classes ({between} in between left out).").format(
        n=n, total=total, between=total - 2 * n)


def plain_model(tbl: Table, class_weight: str | None = None, random_state: int = 0):
    """Fused features + logistic regression; ``class_weight="balanced"`` is the simplest fix."""
    return pipelines.pipeline(make_preprocessor(tbl), "none", "logreg", class_weight=class_weight,
                               random_state=random_state)


def out_of_fold_experiment(tbl: Table, models: dict, folds: int = 5, random_state: int = 0,
                           n_jobs: int | None = None) -> ExperimentResult:
    """:func:`ecombalance.evaluation.run_experiment` of ``models`` (name -> estimator) on the folds of
    :func:`make_folds` (stratified, shuffled with ``random_state``, and grouped by ``tbl.group_col`` when the table has
    one, so no query sits on both sides): every model on the same folds, a shared ``"preprocess"`` step fitted
    once per fold."""
    return run_experiment(models, tbl.X, tbl.y, groups=tbl.groups,
                          cv=make_folds(tbl.y, tbl.groups, folds, random_state),
                          random_state=random_state, classes=tbl.classes, progress=False, n_jobs=n_jobs)


def out_of_fold_predictions(tbl: Table, model, folds: int = 5, random_state: int = 0,
                            n_jobs: int | None = None) -> np.ndarray:
    """Each row predicted by the model fitted on the other folds (:func:`out_of_fold_experiment`), in the row
    order of the table."""
    return out_of_fold_experiment(tbl, {"model": model}, folds, random_state, n_jobs).oof_pred["model"]


BASELINE_MAX_ROWS = 20000
"""Above this many rows :func:`compare_baselines` runs on a stratified sample of this size."""


def compare_baselines(tbl: Table, folds: int = 5, random_state: int = 0, max_rows: int = BASELINE_MAX_ROWS,
                      n_jobs: int | None = None) -> dict[str, pd.DataFrame]:
    """Per-class reports of the majority predictor, the plain model and the class-weighted model,
    plus their overall scores, from their pooled out-of-fold predictions on the same folds (one
    :func:`out_of_fold_experiment`: the features are fitted once per fold for both models that use them). A table
    of more than ``max_rows`` rows (0: no limit) is first sampled to that size, stratified, every class kept
    (:func:`ecombalance.data._preprocess.subsample`); ``reports["overall"].attrs["note"]`` then says so and
    :func:`describe_baselines` repeats it."""
    tbl, note = subsample(tbl, max_rows, random_state, who=_("The three models"),
                          setting="`baselines.compare_baselines(max_rows={})`")
    models = {
        "majority": DummyClassifier(strategy="most_frequent"),
        "plain": plain_model(tbl, None, random_state),
        "class_weighted": plain_model(tbl, "balanced", random_state),
    }
    result = out_of_fold_experiment(tbl, models, folds, random_state, n_jobs)
    reports, overall = {}, {}
    for name in models:
        pred = result.oof_pred[name]
        reports[name] = evaluation.per_class_metrics(tbl.y, pred, classes=tbl.classes)
        overall[name] = {k: v for k, v in evaluation.classification_metrics(tbl.y, pred, classes=tbl.classes).items()
                         if k in OVERALL}
    reports["overall"] = pd.DataFrame(overall).T
    reports["overall"].attrs["note"] = note
    return reports


def baselines_headline(measures: dict, reports: dict[str, pd.DataFrame]) -> dict[str, float]:
    """For the report index: the imbalance (:func:`ecombalance.sampling._imbalance.summary`) and what
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
    merged = (_(" — `{largest}` is rare classes merged together, so \"the largest class\" below is that "
                "mixture").format(largest=largest) if str(largest) == "other" else "")
    majority_accuracy = overall.loc["majority", "accuracy"]
    paradox = (_("accuracy alone hides the failure") if majority_accuracy >= 0.5
               else _("on this table accuracy is low too, but macro-F1 shows the failure more plainly"))
    recall_largest, recall_smallest = plain["recall"].iloc[0], plain["recall"].loc[smallest]
    gap = (_("the minority gap") if recall_smallest < recall_largest - GAP
           else _("no minority gap on this table: the smallest class is recalled about as well as the largest"))
    change = weighted["recall"].loc[smallest] - recall_smallest
    weights = (_("- Class weights alone move that recall to {recall:.3f} (precision {before:.3f} → {after:.3f}): "
                 "higher than without them; notebooks 03–05 try other remedies, notebook 06 compares them with "
                 "confidence intervals.") if change > 0.0005 else
               _("- Class weights alone move that recall to {recall:.3f} (precision {before:.3f} → {after:.3f}): "
                 "lower than without them; notebooks 03–05 try other remedies, notebook 06 compares them with "
                 "confidence intervals.") if change < -0.0005 else
               _("- Class weights alone move that recall to {recall:.3f} (precision {before:.3f} → {after:.3f}): "
                 "the same as without them; notebooks 03–05 try other remedies, notebook 06 compares them with "
                 "confidence intervals."))
    return "\n".join([
        *filter(None, [overall.attrs.get("note")]),
        _("- {n_samples} rows in {n_classes} classes; the largest holds {majority_share:.3f} of them, the smallest "
          "{minority_share:.3f} (imbalance ratio {imbalance_ratio:.1f}:1, normalised entropy "
          "{normalised_entropy:.3f}){merged}.").format(**{k: measures[k] for k in (
              "n_samples", "n_classes", "majority_share", "minority_share", "imbalance_ratio", "normalised_entropy")},
              merged=merged),
        _("- Always predicting the largest class scores accuracy {accuracy:.3f} with a macro-F1 of {macro_f1:.3f}: "
          "{paradox}.").format(accuracy=majority_accuracy, macro_f1=overall.loc["majority", "macro_f1"],
                               paradox=paradox),
        _("- The plain model reaches accuracy {accuracy:.3f}, but its recall is {recall_largest:.3f} on the largest "
          "class and {recall_smallest:.3f} on `{smallest}`: {gap}.").format(
            accuracy=overall.loc["plain", "accuracy"], recall_largest=recall_largest, recall_smallest=recall_smallest,
            smallest=smallest, gap=gap),
        weights.format(recall=weighted["recall"].loc[smallest], before=plain["precision"].loc[smallest],
                       after=weighted["precision"].loc[smallest]),
    ])


ANALYZER_MAX_ROWS = 5000
""":func:`compare_analyzers` runs on a stratified sample of at most this many rows."""


def _tokens_of(tbl: Table, col: str, analyzer: str, n: int = 12) -> dict:
    """How ``analyzer`` tokenises text column ``col``: what it resolves to, its full vocabulary size, an example
    text (the first with a CJK character when there is one) and the example's first ``n`` tokens."""
    vectorizer = TextVectorizer(analyzer=analyzer, max_features=None).fit(tbl.frame[col])
    texts = tbl.frame[col].fillna("").astype(str)
    cjk = texts[texts.str.contains(CJK_CHARACTER)]
    example = (cjk if len(cjk) else texts[texts.str.len() > 0]).iloc[0]
    tokens = vectorizer.vectorizer_.build_analyzer()(example)
    return {"resolves_to": vectorizer.analyzer_, "example": example,
            "tokens": " | ".join(tokens[:n]) + (" | …" if len(tokens) > n else ""),
            "vocabulary": len(vectorizer.vocabulary_)}


def compare_analyzers(tbl: Table, folds: int = 5, random_state: int = 0,
                      max_rows: int = ANALYZER_MAX_ROWS) -> pd.DataFrame:
    """Logistic regression on the text features alone (:func:`plain_model` without the numeric and categorical
    columns) with scikit-learn's default word tokens against the same model with the table's ``text_analyzer``
    (``"auto"`` unless set): how much the tokenisation of the text matters.

    On Chinese text the default token pattern ``(?u)\\b\\w\\w+\\b`` takes every unsegmented run between two
    punctuation marks as one token, so most tokens occur once; character n-grams or jieba words
    (:class:`~ecombalance.models._text_features.TextVectorizer`) give the model words it sees again. Scored out
    of fold on the same folds (:func:`make_folds`) on a stratified sample of at most ``max_rows`` rows.

    Returns one row per setting (``"word"`` first, the table's setting second unless it is ``"word"`` too) with
    the analyzer each resolved to on the first text column, an example text and its first tokens, the
    vocabulary size, and macro-F1, balanced accuracy and the smallest class's recall. Empty when the table has
    no text column.
    """
    if not tbl.text_cols:
        return pd.DataFrame()
    sample, note = subsample(tbl, max_rows, random_state, who=_("The comparison"),
                             setting="`baselines.compare_analyzers(max_rows={})`")
    col = sample.text_cols[0]
    rows, by_analyzer = {}, {}
    for setting in dict.fromkeys(["word", tbl.text_analyzer]):
        table = replace(sample, text_analyzer=setting, numeric_cols=[], categorical_cols=[])  # the text alone
        tokens = _tokens_of(table, col, setting)
        resolved = tokens["resolves_to"]
        if resolved not in by_analyzer:  # "auto" that resolves to words is the same model: fitted once
            pred = out_of_fold_predictions(table, plain_model(table, None, random_state), folds, random_state)
            numbers = scores(table.y, pred, classes=table.classes, per_class=("recall",))
            by_analyzer[resolved] = {"macro_f1": numbers["macro_f1"], "balanced_accuracy": numbers["balanced_accuracy"],
                                     "recall_smallest": numbers[f"recall[{table.classes[-1]}]"]}
        rows[setting] = {**tokens, **by_analyzer[resolved]}
    frame = pd.DataFrame.from_dict(rows, orient="index").rename_axis("text_analyzer")
    frame.attrs["note"] = note.removeprefix("- ")  # a sentence of describe_analyzers's bullet
    frame.attrs["column"] = col
    return frame


def analyzers_headline(analyzers: pd.DataFrame) -> dict[str, float | str]:
    """For the report index: macro-F1 with the default word tokens and with the table's analyzer."""
    if analyzers.empty:
        return {}
    chosen = analyzers.iloc[-1]
    return {"text_analyzer": f"{analyzers.index[-1]} ({chosen['resolves_to']})",
            "macro_f1_word_tokens": float(analyzers["macro_f1"].iloc[0]),
            "macro_f1_text_analyzer": float(chosen["macro_f1"])}


def describe_analyzers(analyzers: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`compare_analyzers`: what the table's analyzer did against word tokens."""
    if analyzers.empty:
        return ""
    word = analyzers.iloc[0]
    col = analyzers.attrs.get("column", _("the text"))
    sampled = f" {analyzers.attrs['note']}" if analyzers.attrs.get("note") else ""
    if len(analyzers) == 1:
        return _("- Text `{col}` is tokenised into words (`text_analyzer=\"word\"`): macro-F1 from the text alone "
                 "{macro_f1:.3f}; try `text_analyzer=\"char\"` on Chinese text.{sampled}").format(
            col=col, macro_f1=word["macro_f1"], sampled=sampled)
    chosen, setting = analyzers.iloc[-1], analyzers.index[-1]
    if chosen["resolves_to"] == "word":
        return _("- Text `{col}` holds no Chinese, so `text_analyzer=\"{setting}\"` keeps scikit-learn's word tokens: "
                 "macro-F1 {macro_f1:.3f} from the text alone ({vocabulary:,} distinct tokens).{sampled}").format(
            col=col, setting=setting, macro_f1=word["macro_f1"], vocabulary=word["vocabulary"], sampled=sampled)
    change = chosen["macro_f1"] - word["macro_f1"]
    verdict = (_("a wide margin: the default tokens do not fit this text") if change >= 0.1 else
               _("a small difference") if abs(change) < 0.02 else _("better") if change > 0 else _("worse"))
    return _("- Tokenisation of `{col}`: on the text alone, scikit-learn's default word tokens give macro-F1 "
             "{word_f1:.3f} ({word_vocabulary:,} distinct tokens); `text_analyzer=\"{setting}\"` ({resolves_to}) "
             "gives {macro_f1:.3f} ({vocabulary:,} tokens), {change:+.3f}: {verdict}.{sampled}").format(
        col=col, word_f1=word["macro_f1"], word_vocabulary=word["vocabulary"], setting=setting,
        resolves_to=chosen["resolves_to"], macro_f1=chosen["macro_f1"], vocabulary=chosen["vocabulary"],
        change=change, verdict=verdict, sampled=sampled)
