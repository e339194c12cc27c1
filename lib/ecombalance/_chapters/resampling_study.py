"""What notebook 03 shows about resampling: the design document's worked examples, what each sampler does
to the data, the leakage of resampling before the split, and the sampler x classifier comparison.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_limits

from ecombalance.evaluation._experiment import ExperimentResult, run_experiment
from ecombalance.evaluation._fold_work import FoldFeatures
from ecombalance.evaluation._folds import Folds, check_folds, make_folds
from ecombalance.evaluation._stats import fold_sizes
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models._pipelines import densify, pipeline
from ecombalance.sampling._resampling import SAMPLERS, SCALABLE, make_sampler


@dataclass
class WorkedExamples:
    """Result of :func:`worked_examples`.

    counts : DataFrame, one row per step (original, under-sampled, then over-sampled), one column
        per class.
    sample_indices : positions, in the original data, of the rows after both steps.
    appearances : for each original row of the over-sampled class, how often it appears at the end.
    """

    counts: pd.DataFrame
    sample_indices: np.ndarray
    appearances: pd.Series


def worked_examples(
    labels_or_counts: Any,
    majority_to: int = 300,
    minority_to: int = 150,
    random_state: Any = 0,
    replacement: bool = False,
) -> WorkedExamples:
    """The design document's §4.3 examples, composed: under-sample, then over-sample.

    On 400 / 150 / 50: random under-sampling with ``{majority: 300}`` removes 100 rows of the
    largest class -> [300, 150, 50]; random over-sampling with ``{minority: 150}`` then adds 100
    copies of the smallest class -> [300, 150, 150], every minority row three times (itself and two
    copies, since 150 = 3 x 50). Each step uses :func:`make_sampler` with a dict strategy; the
    second with ``replacement=False`` (:class:`EvenOverSampler`), because imbalanced-learn's default
    draws the copies with replacement and then rows appear 1, 2, 3, 4, ... times (3 on average).
    """
    if isinstance(labels_or_counts, Mapping):
        labels = np.repeat(list(labels_or_counts.keys()), list(labels_or_counts.values()))
    else:
        labels = np.asarray(labels_or_counts)
    order = pd.Series(labels).value_counts(sort=True)
    majority, minority = order.index[0], order.index[-1]
    row_ids = np.arange(len(labels)).reshape(-1, 1)  # the rows' own positions, to trace them
    under = make_sampler("random_under", sampling_strategy={majority: majority_to}, random_state=random_state)
    X_under, y_under = under.fit_resample(row_ids, labels)
    over = make_sampler(
        "random_over", sampling_strategy={minority: minority_to}, random_state=random_state, replacement=replacement
    )
    X_over, y_over = over.fit_resample(X_under, y_under)
    classes = list(order.index)
    steps = {_("original"): labels, _("under-sample {cls}").format(cls=majority): y_under,
             _("over-sample {cls}").format(cls=minority): y_over}
    counts = pd.DataFrame({k: pd.Series(v).value_counts() for k, v in steps.items()}).T[classes]
    indices = X_over[:, 0]
    minority_rows = np.flatnonzero(labels == minority)
    appearances = pd.Series(Counter(indices.tolist())).reindex(minority_rows, fill_value=0)
    return WorkedExamples(counts.astype("int64"), indices, appearances.rename("appearances"))


SAMPLER_FAILURES = (ValueError, RuntimeError)
"""What a sampler raises on data it cannot work on (SMOTE on a class of one row: ValueError; ADASYN when no
neighbour of a class belongs to another class: RuntimeError "Not any neigbours belong to the majority class"):
the chapter records these and leaves the sampler out with a note instead of stopping."""


def _failure(kind: str, message: Any) -> str:
    """``"<type>: <last line of the message>"``: how :func:`leakage_demo` quotes a failure."""
    lines = str(message).strip().splitlines()
    return f"{kind}: {lines[-1] if lines else ''}"


def resample_counts(X: Any, y: Any, samplers: Iterable[str], random_state: Any = 0,
                    classes: Iterable | None = None) -> pd.DataFrame:
    """Class counts before and after each sampler, with the time it took, one row per sampler.

    A class a cleaning sampler removed entirely counts 0. A sampler that fails on these data (SMOTE on a class
    of one row, ADASYN without a neighbour of another class: :data:`SAMPLER_FAILURES`) leaves its counts empty and
    its message in ``error``. ``classes`` picks the class columns (default: all, largest first)."""
    counts = pd.Series(np.asarray(y)).value_counts()
    classes = list(counts.index) if classes is None else list(classes)
    rows = {"(before)": {**counts.to_dict(), "seconds": 0.0}}
    for name in samplers:
        start = time.perf_counter()
        try:
            _, y_res = make_sampler(name, random_state=random_state).fit_resample(X, y)
        except SAMPLER_FAILURES as error:
            rows[name] = {"error": f"{type(error).__name__}: {error}"}
            continue
        after = pd.Series(np.asarray(y_res)).value_counts().reindex(counts.index, fill_value=0)
        rows[name] = {**after.to_dict(), "seconds": time.perf_counter() - start}
    table = pd.DataFrame(rows).T
    columns = [*classes, "seconds", *(["error"] if "error" in table else [])]
    return table[columns].astype({c: "Int64" if "error" in table else "int64" for c in classes})


def categorical_counts(frame: pd.DataFrame, y: Any, samplers: Iterable[str], numeric_cols: Iterable[str],
                       categorical_cols: Iterable[str], random_state: Any = 0,
                       classes: Iterable | None = None) -> pd.DataFrame:
    """Class counts after SMOTENC (numeric + categorical columns of :func:`categorical_view`) and SMOTEN
    (categorical columns alone), one row per sampler that applies to the columns given; a failing sampler's
    message goes to ``error``. ``classes`` picks the class columns (default: all, largest first)."""
    numeric, categorical = list(numeric_cols), list(categorical_cols)
    view = categorical_view(frame, numeric, categorical)
    order = list(pd.Series(np.asarray(y)).value_counts().index)
    rows = {}
    for name in samplers:
        if not categorical or (name == "smotenc" and not numeric):
            continue
        columns = categorical if name == "smoten" else list(view.columns)
        try:
            _, y_res = make_sampler(name, random_state=random_state).fit_resample(view[columns], y)
        except SAMPLER_FAILURES as error:
            rows[name] = {"error": f"{type(error).__name__}: {error}"}
            continue
        rows[name] = pd.Series(np.asarray(y_res)).value_counts().reindex(order, fill_value=0).to_dict()
    table = pd.DataFrame(rows, dtype=object).T
    return table.reindex(columns=[*(order if classes is None else classes),
                                  *(["error"] if "error" in table else [])])


def categorical_view(frame: pd.DataFrame, numeric_cols: Iterable[str], categorical_cols: Iterable[str]) -> pd.DataFrame:
    """The columns SMOTENC / SMOTEN work on: numeric (missing -> median) and pandas ``category``
    (missing -> ``'(missing)'``), so that ``categorical_features='auto'`` finds the categories.
    """
    numeric, categorical = list(numeric_cols), list(categorical_cols)
    view = frame[numeric + categorical].copy()
    for col in numeric:
        view[col] = pd.to_numeric(view[col]).astype(float).fillna(view[col].astype(float).median())
    for col in categorical:
        view[col] = view[col].astype(object).where(view[col].notna(), "(missing)").astype(str).astype("category")
    return view


def row_origin(X_before: Any, X_after: Any) -> np.ndarray:
    """For each row after resampling: ``'original'``, ``'copy'`` (an extra copy) or ``'synthetic'``.

    Rows are matched by exact value; an original row that appears k times counts as one original
    and k - 1 copies (random over-sampling), a row found nowhere in the input is synthetic (SMOTE &
    co., or random over-sampling with shrinkage).
    """
    before, after = densify(X_before), densify(X_after)
    before, after = np.ascontiguousarray(before), np.ascontiguousarray(after)
    available = Counter(row.tobytes() for row in before)
    origin = []
    for row in after:
        key = row.tobytes()
        if available.get(key, 0) > 0:
            available[key] -= 1
            origin.append("original")
        elif key in available:
            origin.append("copy")
        else:
            origin.append("synthetic")
    return np.asarray(origin)


OTHER_CLASSES = "(other classes)"


def projection(
    X: Any, y: Any, samplers: Iterable[str], random_state: Any = 0, classes: Iterable | None = None
) -> pd.DataFrame:
    """2-D view of each sampler's output: TruncatedSVD fitted on the original X, so all share axes.

    Returns a long frame with columns ``sampler``, ``x``, ``y``, ``label``, ``origin``. With ``classes``, the
    labels of the other classes read :data:`OTHER_CLASSES` (one colour for the many small ones). A sampler that
    fails on these data is left out; ``attrs["failed"]`` lists it with its message.
    """
    X_num = np.asarray(densify(X), dtype=float)
    svd = TruncatedSVD(n_components=2, random_state=random_state).fit(X_num)
    frames, failed = [], {}
    for name in ["none", *[s for s in samplers if s != "none"]]:
        try:
            X_res, y_res = make_sampler(name, random_state=random_state).fit_resample(X_num, y)
        except SAMPLER_FAILURES as error:
            failed[name] = f"{type(error).__name__}: {error}"
            continue
        coords = svd.transform(X_res)
        labels = np.asarray(y_res)
        if classes is not None:
            labels = np.where(pd.Series(labels).isin(list(classes)), labels.astype(object), OTHER_CLASSES)
        frames.append(
            pd.DataFrame({"sampler": name, "x": coords[:, 0], "y": coords[:, 1],
                          "label": labels, "origin": row_origin(X_num, X_res)})
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs["failed"] = failed
    return frame


def leakage_demo(
    X: Any,
    y: Any,
    sampler: Any = "random_over",
    model: Any = "logreg",
    cv: Any = 5,
    preprocess: Any = None,
    scoring: str = "balanced_accuracy",
    random_state: Any = 0,
    groups: Any = None,
    n_jobs: int | None = None,
    fold_features: FoldFeatures | None = None,
) -> pd.DataFrame:
    """Cross-validated score when resampling before the split (leaks) vs inside each training fold.

    *Before the split* (the design document's §5.2): preprocess and resample all data, then
    cross-validate the model on the result. Copies or interpolations of a test row sit in the
    training folds, and the test folds are balanced rather than the real distribution: the score
    is inflated. *Inside each fold*: :func:`pipeline` resamples only the training part and scores
    on untouched rows. Both protocols run through :func:`run_experiment`: the honest one on the folds of
    ``cv`` (an int, or what :func:`check_folds` takes, e.g. :func:`make_folds` with repeats) of the original
    rows, grouped by ``groups`` (query ids) when given so that no query sits on both sides; the leaky one on
    folds of the same design (``k`` folds, ``r`` repeats, :func:`make_folds`) of the resampled rows, which carry
    no group (a synthetic row has no query) — as the document's protocol, which splits after resampling.

    ``scoring`` is a metric of run_experiment's results (:data:`ecombalance.evaluation._metrics.CONFUSION_METRICS`
    and the others it scores); ``n_jobs`` and ``fold_features`` are run_experiment's (one cache shared with
    :func:`compare_samplers` fits the preprocessing of the honest protocol once per fold for both).

    Returns a frame with one row per protocol and columns ``mean``, ``std`` and the fold scores (``fold 0`` ...
    over all r·k folds). A fold the sampler cannot handle (SMOTE on a class with one row in a training fold) scores
    NaN (run_experiment's ``errors="record"``), as does the whole leaky protocol when the sampler cannot resample
    all rows; ``attrs["failed"]`` keeps the first such error (``"<type>: <last line>"``, empty when none).
    """
    sampler = make_sampler(sampler, random_state=random_state) if isinstance(sampler, str) else sampler
    honest_folds = check_folds(cv, y, groups, random_state)
    n_splits = honest_folds.n_splits or len(honest_folds) // honest_folds.n_repeats
    failures: list[str] = []
    try:
        features = X if preprocess is None else clone(preprocess).fit_transform(X, y)
        X_res, y_res = clone(sampler).fit_resample(features, y)
    except SAMPLER_FAILURES as error:  # e.g. SMOTE on a class of one row: nothing to cross-validate
        failures.append(_failure(type(error).__name__, error))
        before = np.full(len(honest_folds), np.nan)
    else:
        leaky = pipeline(None, "none", model, random_state=random_state)
        leaky_folds = make_folds(y_res, None, n_splits, random_state, n_repeats=honest_folds.n_repeats)
        before = _protocol_scores(leaky, X_res, y_res, None, leaky_folds, scoring, random_state, n_jobs, None,
                                  failures)
    honest = pipeline(preprocess, clone(sampler), model, random_state=random_state)
    inside = _protocol_scores(honest, X, y, groups, honest_folds, scoring, random_state, n_jobs, fold_features,
                              failures)
    protocols = {"resample before the split (leaks)": before, "resample inside each training fold": inside}
    table = pd.DataFrame(
        {k: {"mean": v.mean(), "std": v.std(), **{f"fold {i}": s for i, s in enumerate(v)}} for k, v in protocols.items()}
    ).T
    table.attrs["failed"] = failures[0] if failures else ""
    table.attrs["design"] = honest_folds.design
    return table


def _protocol_scores(estimator: Any, X: Any, y: Any, groups: Any, folds: Folds, scoring: str, random_state: Any,
                     n_jobs: int | None, fold_features: FoldFeatures | None, failures: list[str]) -> np.ndarray:
    """``scoring`` of ``estimator`` on each of ``folds`` (:func:`run_experiment` with ``errors="record"``), NaN
    for a fold whose fit failed; the first failure's ``"<type>: <last line>"`` is appended to ``failures``."""
    result = run_experiment({"protocol": estimator}, X, y, groups=groups, cv=folds, random_state=random_state,
                            errors="record", progress=False, n_jobs=n_jobs, fold_features=fold_features)
    r = result.results
    if len(r) and scoring not in set(r["metric"]):
        raise ValueError(f"scoring {scoring!r} is not one of the experiment's metrics {sorted(r['metric'].unique())}")
    if len(result.failures):
        failures.append(_failure(result.failures["error"].iloc[0], result.failures["message"].iloc[0]))
    values = r[(r["metric"] == scoring) & (r["class"] == "all")].set_index("fold")["value"]
    return values.reindex(range(len(folds))).to_numpy(dtype=float)


def leakage_inflation(leak: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Per sampler, how much resampling before the split inflated the score: the mean of the leaky
    protocol minus the mean inside the folds (``leak``: sampler name -> :func:`leakage_demo` table)."""
    return pd.Series({name: table["mean"].iloc[0] - table["mean"].iloc[1] for name, table in leak.items()},
                     name="inflation", dtype=float)


SAMPLER_METRICS = ("macro_f1", "balanced_accuracy", "g_mean")


def compare_samplers(
    X: Any,
    y: Any,
    samplers: Iterable[str] = SAMPLERS,
    models: Iterable[Any] = ("logreg",),
    preprocess: Any = None,
    cv: Any = 5,
    random_state: Any = 0,
    class_weight_baseline: bool = True,
    errors: str = "raise",
    progress: bool = True,
    max_threads: int | None = 1,
    groups: Any = None,
    time_budget: float | None = None,
    n_jobs: int | None = None,
    fold_features: FoldFeatures | None = None,
) -> pd.DataFrame:
    """Every sampler x model on the same folds; one row per (sampler, model, fold), over all r·k folds.

    A thin layer over :func:`ecombalance.evaluation._experiment.run_experiment`, which runs the folds: each
    sampler x model is one of its methods, the pipeline ``preprocess -> sampler -> model`` (:func:`pipeline`).

    Parameters
    ----------
    X, y : model input and labels, rows aligned
    samplers : names in :data:`ecombalance.sampling._resampling.SAMPLERS`
    models : names in :data:`ecombalance.models._pipelines.MODELS` or estimators (named by their class)
    preprocess : transformer, optional
        Fitted once per fold on its training rows and shared by every pipeline
        (:class:`ecombalance.evaluation._experiment.FoldFeatures`): the numbers of fitting each pipeline whole.
    cv : int, splitter or list of (train, test)
        What :func:`check_folds` takes: an int is that many folds of :func:`make_folds` (stratified, shuffled with
        ``random_state``, grouped by ``groups``); pass ``make_folds(y, groups, k, random_state, n_repeats=r)`` for
        r × k repeated folds, which the verdicts (:func:`ecombalance._chapters.resampling_findings.sampler_verdicts`)
        need to have the power to separate samplers.
    random_state, groups : int, array-like or None
        ``random_state`` shuffles an int ``cv`` and seeds the samplers and models; ``groups`` (e.g. query ids)
        keeps each group on one side of every split.
    class_weight_baseline, progress : bool
        Add a ``class_weight`` row per model (no resampling, ``class_weight='balanced'``); show one progress bar.
    errors : {"raise", "record"}
        ``"record"`` goes on when a sampler fails on a fold (ADASYN finding no neighbour of another class, SMOTE
        on a class of one row) and keeps ``"<type>: <message>"`` in ``error`` (run_experiment's ``errors``).
        Warnings raised while fitting (a lowered ``k_neighbors``, an MLP that did not converge) go to ``warnings``.
    max_threads : int or None
        Caps the BLAS / OpenMP threads while fitting (threadpoolctl, restored on return, also after an error): on
        small data one thread is faster than several (gradient boosting fitted 4x faster on this project's shared
        2-core machine) and fit times stay comparable; None keeps the libraries' default.
    time_budget : float, optional
        Seconds per sampler x model (run_experiment's ``time_budget``): a pair whose projected time over all folds
        exceeds it after a fold is stopped, its rows carry ``error`` "skipped: ..." and no scores (named by
        :func:`ecombalance._chapters.resampling_findings.describe_comparison`, never a hang). The first pair (first sampler, first model) always runs.
    n_jobs, fold_features : run_experiment's: folds fitted in that many worker processes (the same numbers for any
        ``n_jobs``); the cache of preprocessed fold matrices (shared with :func:`leakage_demo` on the same folds).

    Returns
    -------
    DataFrame
        ``sampler``, ``model``, ``fold``, ``fit_seconds`` (sampler and model, without the shared preprocessing),
        :data:`SAMPLER_METRICS` (macro-F1, balanced accuracy, G-mean :math:`(\\prod_c \\mathrm{recall}_c)^{1/C}`,
        Kubat & Matwin 1997), ``recall[c]`` (largest class first); ``error`` and ``warnings`` when there are any.
        ``attrs``: what the corrected repeated cross-validation t-test needs, ``n_train`` and ``n_test`` (mean
        fold sizes), ``n_repeats``, ``n_splits`` and ``design`` (e.g. "2 × 5-fold cross-validation").
    """
    y, models = np.asarray(y), list(models)
    folds = check_folds(cv, y, groups, random_state)
    classes = list(pd.Series(y).value_counts().index)
    runs = [(s, None) for s in samplers] + ([("class_weight", "balanced")] if class_weight_baseline else [])
    names = [model if isinstance(model, str) else type(model).__name__ for model in models]
    pairs, methods = {}, {}  # run_experiment's method name -> (sampler, model name) / pipeline
    for (sampler_name, weight), (i, model) in itertools.product(runs, enumerate(models)):
        key = f"{sampler_name}+{names[i]}" + (f"#{i}" if names.count(names[i]) > 1 else "")
        pairs[key] = (sampler_name, names[i])
        methods[key] = pipeline(preprocess, "none" if weight else sampler_name, model, class_weight=weight,
                                random_state=random_state)
    with threadpool_limits(max_threads):  # None: leaves the limits as they are
        result = run_experiment(methods, X, y, groups=groups, cv=folds, random_state=random_state, classes=classes,
                                progress=progress, time_budget=time_budget, errors=errors, record_warnings=True,
                                n_jobs=n_jobs, fold_features=fold_features)
    return _comparison_rows(result, pairs, classes)


def _comparison_rows(result: ExperimentResult, pairs: Mapping[str, tuple[str, str]], classes: list) -> pd.DataFrame:
    """run_experiment's tidy results as compare_samplers' table: one row per (sampler, model, fold)."""
    r = result.results
    r = r[(r["class"] == "all") & r["metric"].isin(SAMPLER_METRICS) | (r["class"] != "all") & (r["metric"] == "recall")]
    wide = r.assign(column=r["metric"].where(r["class"] == "all", "recall[" + r["class"] + "]")).pivot(
        index=["method", "fold"], columns="column", values="value")
    seconds = result.timings.set_index(["method", "fold"])["fit_seconds"]
    failures = result.failures.set_index(["method", "fold"])
    warned = (result.warnings.assign(text=result.warnings["category"] + ": " + result.warnings["message"])
              .groupby(["method", "fold"])["text"].agg(lambda t: "; ".join(sorted(set(t)))))
    metric_columns = [*SAMPLER_METRICS, *(f"recall[{c}]" for c in classes)]
    rows = []
    for key, (sampler_name, model_name) in pairs.items():
        for fold in range(len(result.folds)):
            row = {"sampler": sampler_name, "model": model_name, "fold": fold}
            if key in result.skipped:
                row["error"] = "skipped: " + result.skipped[key].removeprefix("left out: ")
            elif (key, fold) in failures.index:
                row["error"] = "{error}: {message}".format(**failures.loc[(key, fold)])
            else:
                row["fit_seconds"] = seconds.loc[(key, fold)]
                row.update({c: wide.loc[(key, fold), c] for c in metric_columns})
            if (key, fold) in warned.index:
                row["warnings"] = warned.loc[(key, fold)]
            rows.append(row)
    frame = pd.DataFrame(rows)
    n_train, n_test = fold_sizes(result.folds)  # for the corrected repeated cross-validation t-test
    frame.attrs.update(n_train=n_train, n_test=n_test, n_repeats=result.folds.n_repeats,
                       n_splits=result.folds.n_splits, design=result.design)
    return frame


def complete_pairs(results: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the (sampler, model) pairs scored on every fold, and one Markdown line per pair left out (a
    fold failed or the time budget skipped it): a mean over fewer folds would not compare with the others."""
    if "error" not in results:
        return results, []
    pair, failed = pd.MultiIndex.from_frame(results[["sampler", "model"]]), results["error"].notna().to_numpy()
    notes = [_("- `{sampler}` with {model} failed on {n} of {folds} fold(s), left out of the comparison: "
               "{error}").format(sampler=sampler, model=model, n=len(part), folds=results["fold"].nunique(),
                                 error=str(part["error"].iloc[0])[:160])
             for (sampler, model), part in results[failed].groupby(["sampler", "model"], sort=False)]
    return results[~pair.isin(pair[failed])], notes


def summarise_comparison(results: pd.DataFrame, classes: Iterable | None = None) -> pd.DataFrame:
    """Mean over folds per (sampler, model), best macro-F1 first; ``recall[c]`` columns only for ``classes``
    when given (the largest and smallest of many).

    A pair with a failed or skipped fold (``error``) is left out, since its mean would run over fewer folds than
    the others'; ``attrs["left_out"]`` holds one Markdown line per such pair (empty when none)."""
    complete, notes = complete_pairs(results)
    keep = None if classes is None else {f"recall[{c}]" for c in classes}
    metrics = [c for c in results.columns if c not in ("sampler", "model", "fold", "error", "warnings")
               and (keep is None or not c.startswith("recall[") or c in keep)]
    table = complete.groupby(["sampler", "model"], sort=False)[metrics].mean()
    table = table.sort_values("macro_f1", ascending=False, kind="stable")  # ties keep the run order
    table.attrs["left_out"] = notes
    return table


def describe_scaling(slow: Iterable[str]) -> str:
    """Notebook 03's advice beside :func:`scaling_table`: the scalable samplers, and ``slow`` (those selected that
    are not) to avoid beyond about 100k rows."""
    slow = join(f"`{s}`" for s in slow) or _("none of those selected")
    return _("**For large data use** {scalable}; avoid beyond ~100k rows: {slow}.").format(
        scalable=join(f"`{s}`" for s in SCALABLE), slow=slow)


def scalable_samplers(samplers: Iterable[str], n_rows: int, all_up_to: int) -> tuple[list[str], str]:
    """``samplers`` as they are on up to ``all_up_to`` rows (0: no limit); above, only those in
    :data:`ecombalance.sampling._resampling.SCALABLE`, with a note naming the ones left out."""
    samplers = list(samplers)
    if not all_up_to or n_rows <= all_up_to:
        return samplers, ""
    kept = [s for s in samplers if s in SCALABLE]
    left = [s for s in samplers if s not in SCALABLE]
    return kept, (_("- {n_rows:,} rows, more than `scalable_above={all_up_to}`: only the scalable samplers ran; left "
                    "out {left}.").format(n_rows=n_rows, all_up_to=all_up_to, left=join(f"`{s}`" for s in left))
                  if left else "")


def scaling_table(path: str | Path) -> pd.DataFrame:
    """Seconds per sampler and row count from the JSON of ``benchmarks/resampling.py``, with ``scalable``.

    ``path``: ``benchmarks/results/resampling.json`` of the project's checkout (notebook 03 passes it; the
    installed package holds no benchmark results); FileNotFoundError naming the command when it is missing.
    A missing case reads as NaN (not run, e.g. a slow sampler at 1M rows) and a stopped one keeps
    its status text in ``status``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no benchmark results at {path.resolve()}: run benchmarks/resampling.py --json {path} in a checkout "
            "of the project to measure them (the checkout commits them as benchmarks/results/resampling.json)")
    cases = pd.DataFrame(json.loads(path.read_text())["cases"])
    cases = cases[cases["sampler"].isin(SAMPLERS)]  # drop the benchmark's reference (SMOTE called directly)
    table = cases.pivot_table(index="sampler", columns="rows", values="seconds", aggfunc="first")
    table.columns = [f"{n:,} rows (s)" for n in table.columns]
    table["scalable"] = [name in SCALABLE for name in table.index]
    notes = cases[cases["status"] != "ok"].groupby("sampler")["status"].agg("; ".join)
    table["status"] = notes.reindex(table.index).fillna("ok")
    return table.sort_values(table.columns[0])
