"""What notebook 03 shows about resampling: the design document's worked examples, what each sampler does
to the data, the leakage of resampling before the split, and the sampler x classifier comparison.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.model_selection import cross_val_score
from threadpoolctl import threadpool_limits

from ecombalance._progress import progress_bar
from ecombalance.evaluation.experiment import FoldFeatures
from ecombalance.evaluation.folds import make_folds, take_rows
from ecombalance.evaluation.metrics import scores
from ecombalance.models.pipelines import _densify, pipeline
from ecombalance.sampling.resampling import SAMPLERS, SCALABLE, make_sampler


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
    steps = {"original": labels, f"under-sample {majority}": y_under, f"over-sample {minority}": y_over}
    counts = pd.DataFrame({k: pd.Series(v).value_counts() for k, v in steps.items()}).T[classes]
    indices = X_over[:, 0]
    minority_rows = np.flatnonzero(labels == minority)
    appearances = pd.Series(Counter(indices.tolist())).reindex(minority_rows, fill_value=0)
    return WorkedExamples(counts.astype("int64"), indices, appearances.rename("appearances"))


def resample_counts(X: Any, y: Any, samplers: Iterable[str], random_state: Any = 0,
                    classes: Iterable | None = None) -> pd.DataFrame:
    """Class counts before and after each sampler, with the time it took, one row per sampler.

    A class a cleaning sampler removed entirely counts 0. A sampler that fails on these data (SMOTE on a class
    of one row) leaves its counts empty and its message in ``error``. ``classes`` picks the class columns
    (default: all, largest first)."""
    counts = pd.Series(np.asarray(y)).value_counts()
    classes = list(counts.index) if classes is None else list(classes)
    rows = {"(before)": {**counts.to_dict(), "seconds": 0.0}}
    for name in samplers:
        start = time.perf_counter()
        try:
            _, y_res = make_sampler(name, random_state=random_state).fit_resample(X, y)
        except ValueError as error:
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
        except ValueError as error:
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
    before, after = _densify(X_before), _densify(X_after)
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
    X_num = np.asarray(_densify(X), dtype=float)
    svd = TruncatedSVD(n_components=2, random_state=random_state).fit(X_num)
    frames, failed = [], {}
    for name in ["none", *[s for s in samplers if s != "none"]]:
        try:
            X_res, y_res = make_sampler(name, random_state=random_state).fit_resample(X_num, y)
        except ValueError as error:
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
    cv: int = 5,
    preprocess: Any = None,
    scoring: str = "balanced_accuracy",
    random_state: Any = 0,
    groups: Any = None,
) -> pd.DataFrame:
    """Cross-validated score when resampling before the split (leaks) vs inside each training fold.

    *Before the split* (the design document's §5.2): preprocess and resample all data, then
    cross-validate the model on the result. Copies or interpolations of a test row sit in the
    training folds, and the test folds are balanced rather than the real distribution: the score
    is inflated. *Inside each fold*: :func:`pipeline` resamples only the training part and scores
    on untouched rows. Both protocols split with :func:`make_folds` (``cv`` folds, ``random_state``):
    the honest one the original rows, grouped by ``groups`` (query ids) when given so that no query
    sits on both sides; the leaky one the resampled rows, which carry no group (a synthetic row has
    no query) — as the document's protocol, which splits after resampling.

    Returns a frame with one row per protocol and columns ``mean``, ``std`` and the fold scores. A fold the
    sampler cannot handle (SMOTE on a class with one row in a training fold) scores NaN, and ``attrs["failed"]``
    keeps the last line of the first such error.
    """
    sampler = make_sampler(sampler, random_state=random_state) if isinstance(sampler, str) else sampler
    features = X if preprocess is None else clone(preprocess).fit_transform(X, y)
    X_res, y_res = clone(sampler).fit_resample(features, y)
    leaky = pipeline(None, "none", model, random_state=random_state)
    honest = pipeline(preprocess, clone(sampler), model, random_state=random_state)
    failures: list[str] = []
    before = _fold_scores(leaky, X_res, y_res, make_folds(y_res, None, cv, random_state), scoring, failures)
    inside = _fold_scores(honest, X, y, make_folds(y, groups, cv, random_state), scoring, failures)
    protocols = {"resample before the split (leaks)": before, "resample inside each training fold": inside}
    table = pd.DataFrame(
        {k: {"mean": v.mean(), "std": v.std(), **{f"fold {i}": s for i, s in enumerate(v)}} for k, v in protocols.items()}
    ).T
    table.attrs["failed"] = failures[0] if failures else ""
    return table


def _fold_scores(estimator, X, y, folds, scoring: str, failures: list[str]) -> np.ndarray:
    """``cross_val_score`` on ``folds`` with NaN for a fold whose fit failed; the last line of the first
    error is appended to ``failures``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scores_ = cross_val_score(estimator, X, y, cv=folds, scoring=scoring, error_score=np.nan)
        except ValueError as error:  # scikit-learn raises when every fold failed
            failures.append(str(error).strip().splitlines()[-1])
            return np.full(len(folds), np.nan)
    failures += [str(w.message).strip().splitlines()[-1] for w in caught if w.category.__name__ == "FitFailedWarning"]
    return scores_


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
    n_splits: int = 5,
    random_state: Any = 0,
    class_weight_baseline: bool = True,
    errors: str = "raise",
    progress: bool = True,
    max_threads: int | None = 1,
    groups: Any = None,
    time_budget: float | None = None,
) -> pd.DataFrame:
    """Every sampler x model on the same folds; one row per (sampler, model, fold).

    The folds come from :func:`make_folds` (stratified, shuffled with ``random_state``; grouped by
    ``groups``, e.g. query ids, when given, so that no query sits on both sides). Each pipeline
    (:func:`pipeline`) is fitted on the training part of a fold, resampling there only, and scored on the
    untouched test part with :func:`ecombalance.evaluation.metrics.scores`: macro-F1, balanced accuracy
    (mean recall), G-mean :math:`(\\prod_c \\mathrm{recall}_c)^{1/C}` (Kubat & Matwin 1997) and the recall of
    each class (columns ``recall[c]``, largest class first), plus fit seconds. ``class_weight_baseline``
    adds a ``class_weight`` row per model: no resampling, ``class_weight='balanced'`` instead.
    ``errors='record'`` keeps going when a sampler fails on a fold (e.g. ADASYN finding no neighbour of
    another class) and stores the message in ``error``; warnings raised while fitting (a lowered
    ``k_neighbors``, an MLP that did not converge) go to ``warnings``. ``max_threads`` caps the BLAS /
    OpenMP threads while fitting (threadpoolctl, restored on return, also after an error): on small data
    one thread is faster than several (on this project's shared 2-core machine gradient boosting fitted 4x
    faster) and the fit times stay comparable; None keeps the libraries' default.

    ``preprocess`` is fitted once per fold (on its training rows, with their labels) and its matrices are shared
    by every sampler and model (:class:`ecombalance.evaluation.experiment.FoldFeatures`): the same numbers as
    fitting each pipeline whole, at a fraction of the cost for text. ``fit_seconds`` is the sampler and model's.
    ``time_budget`` (seconds per sampler x model): a pair whose projected time over all folds exceeds it after a
    fold is stopped; all its rows then carry ``error`` "skipped: ..." and no scores, so a slow sampler costs
    about one fold and is named in :func:`describe_comparison`, never a hang.

    :func:`ecombalance.evaluation.experiment.run_experiment` is the general runner; this loop exists for
    what it does not do: record a failing fold and its warnings and go on.
    """
    if errors not in ("raise", "record"):
        raise ValueError(f"errors must be 'raise' or 'record', got {errors!r}")
    y = np.asarray(y)
    classes = list(pd.Series(y).value_counts().index)
    folds = make_folds(y, groups, n_splits, random_state)
    fold_features = FoldFeatures()
    runs = [(s, None) for s in samplers] + ([("class_weight", "balanced")] if class_weight_baseline else [])
    models = list(models)
    rows = []
    bar = progress_bar(total=len(runs) * len(models) * len(folds), desc="samplers x models x folds",
                       disable=not progress)
    with threadpool_limits(max_threads):  # None: leaves the limits as they are
        matrices = [(take_rows(X, tr), take_rows(X, te)) if preprocess is None
                    else fold_features.get(preprocess, i, X, y, tr, te) for i, (tr, te) in enumerate(folds)]
        for sampler_name, weight in runs:
            for model in models:
                model_name = model if isinstance(model, str) else type(model).__name__
                pair_rows, seconds = [], 0.0
                for fold, (train, test) in enumerate(folds):
                    row = {"sampler": sampler_name, "model": model_name, "fold": fold}
                    sampler = "none" if weight else sampler_name
                    pipe = pipeline(None, sampler, model, class_weight=weight, random_state=random_state)
                    started = time.perf_counter()
                    with warnings.catch_warnings(record=True) as caught:  # kept in the table, not printed
                        warnings.simplefilter("always")
                        try:
                            pipe.fit(matrices[fold][0], y[train])
                            row["fit_seconds"] = time.perf_counter() - started
                            pred = pipe.predict(matrices[fold][1])
                            row.update(scores(y[test], pred, classes=classes, metrics=SAMPLER_METRICS))
                        except Exception as error:  # noqa: BLE001 - recorded on request, re-raised otherwise
                            if errors == "raise":
                                raise
                            row["error"] = f"{type(error).__name__}: {error}"
                    if caught:
                        row["warnings"] = "; ".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
                    pair_rows.append(row)
                    bar.update()
                    seconds += time.perf_counter() - started
                    if time_budget is not None and fold + 1 < len(folds) and seconds * len(folds) / (fold + 1) > time_budget:
                        note = (f"skipped: {seconds:.0f} s for {fold + 1} of {len(folds)} folds, over the time budget "
                                f"of {time_budget:g} s per sampler x model")
                        pair_rows = [{"sampler": sampler_name, "model": model_name, "fold": f, "error": note}
                                     for f in range(len(folds))]
                        bar.update(len(folds) - fold - 1)
                        break
                rows += pair_rows
    bar.close()
    return pd.DataFrame(rows)


def summarise_comparison(results: pd.DataFrame, classes: Iterable | None = None) -> pd.DataFrame:
    """Mean over folds per (sampler, model), best macro-F1 first; ``recall[c]`` columns only for ``classes``
    when given (the largest and smallest of many)."""
    keep = None if classes is None else {f"recall[{c}]" for c in classes}
    metrics = [c for c in results.columns if c not in ("sampler", "model", "fold", "error", "warnings")
               and (keep is None or not c.startswith("recall[") or c in keep)]
    table = results.groupby(["sampler", "model"], sort=False)[metrics].mean()
    return table.sort_values("macro_f1", ascending=False, kind="stable")  # ties keep the run order


def describe_comparison(results: pd.DataFrame) -> str:
    """A short Markdown reading of :func:`compare_samplers` results, generated from the numbers.

    Per model: the sampler with the best mean macro-F1 and its gain over no resampling, set against
    the fold-to-fold standard deviation; the smallest class's recall; how class weighting compares;
    and which samplers failed.
    """
    ok = results[results["macro_f1"].notna()] if "macro_f1" in results else results.iloc[0:0]
    recall_cols = [c for c in results.columns if c.startswith("recall[")]
    minority = recall_cols[-1] if recall_cols else None  # columns run largest class first
    lines = []
    for model, part in ok.groupby("model", sort=False):
        means = part.groupby("sampler", sort=False)[["macro_f1", "fit_seconds", *recall_cols]].mean()
        noise = part.groupby("sampler")["macro_f1"].std().median()
        best = means["macro_f1"].idxmax()
        text = f"- **{model}**: best macro-F1 with `{best}` ({means.loc[best, 'macro_f1']:.3f}"
        if "none" in means.index and best != "none":
            gain = means.loc[best, "macro_f1"] - means.loc["none", "macro_f1"]
            verdict = "larger than" if gain > noise else "within"
            text += f" vs {means.loc['none', 'macro_f1']:.3f} without resampling, {gain:+.3f}, {verdict} the fold-to-fold spread of {noise:.3f})"
        else:
            text += ", no sampler beats training on the data as they are)"
        if minority and "none" in means.index:
            text += (f"; recall of the smallest class ({minority[len('recall['):-1]}) goes from "
                     f"{means.loc['none', minority]:.2f} to {means.loc[best, minority]:.2f}")
        if "class_weight" in means.index and best != "class_weight":
            gap = means.loc[best, "macro_f1"] - means.loc["class_weight", "macro_f1"]
            text += f"; class weighting, which adds no rows, is {gap:.3f} behind"
        slowest = means["fit_seconds"].idxmax()
        text += f"; slowest to fit: `{slowest}` ({means.loc[slowest, 'fit_seconds']:.2f} s per fold)."
        lines.append(text)
    if "error" in results:
        failed = results[results["error"].notna()].groupby(["sampler", "model"]).size()
        for (sampler, model), n in failed.items():
            lines.append(f"- `{sampler}` with {model} failed on {n} fold(s): "
                         f"{results.loc[(results.sampler == sampler) & results.error.notna(), 'error'].iloc[0][:160]}")
    return "\n".join(lines)


def resampling_headline(leak: Mapping[str, pd.DataFrame], results: pd.DataFrame) -> dict[str, Any]:
    """For the report index: the best (sampler, model) by mean macro-F1 and its score, the largest
    leakage inflation (:func:`leakage_inflation`) and how many samplers were compared (``none`` included,
    the ``class_weight`` baseline not)."""
    summary = summarise_comparison(results)
    best_sampler, best_model = summary["macro_f1"].idxmax()
    return {"best_sampler": best_sampler, "best_model": best_model,
            "best_macro_f1": float(summary["macro_f1"].max()),
            "leakage_inflation": float(leakage_inflation(leak).max()),
            "samplers_compared": len(set(results["sampler"]) - {"class_weight"})}


def scalable_samplers(samplers: Iterable[str], n_rows: int, all_up_to: int) -> tuple[list[str], str]:
    """``samplers`` as they are on up to ``all_up_to`` rows (0: no limit); above, only those in
    :data:`ecombalance.sampling.resampling.SCALABLE`, with a note naming the ones left out."""
    samplers = list(samplers)
    if not all_up_to or n_rows <= all_up_to:
        return samplers, ""
    kept = [s for s in samplers if s in SCALABLE]
    left = [s for s in samplers if s not in SCALABLE]
    return kept, (f"- {n_rows:,} rows, more than `scalable_above={all_up_to}`: only the scalable samplers ran; "
                  f"left out {', '.join(f'`{s}`' for s in left)}." if left else "")


def describe_study(worked: WorkedExamples, leak: Mapping[str, pd.DataFrame], results: pd.DataFrame,
                   notes: Iterable[str] = ()) -> str:
    """Notebook 03's findings as Markdown bullets, generated from its numbers: ``notes`` first (e.g. that the
    table was sampled), the worked examples (:func:`worked_examples`), the worst leakage (``leak``: sampler name
    -> :func:`leakage_demo` table, scored by balanced accuracy), the best pipeline and, per classifier,
    :func:`describe_comparison`."""
    counts = worked.counts.values.tolist()
    inflation = leakage_inflation(leak).dropna()
    summary = summarise_comparison(results)
    best_sampler, best_model = summary["macro_f1"].idxmax()
    if inflation.empty:
        why = "; ".join(f"`{name}`: {table.attrs.get('failed') or 'no score'}" for name, table in leak.items())
        leakage = f"- Resampling before the split could not be measured on every fold ({why[:300]})."
    else:
        worst = inflation.idxmax()
        leakage = (f"- Resampling before the split inflated balanced accuracy by {inflation[worst]:.3f} with `{worst}` "
                   f"({leak[worst]['mean'].iloc[0]:.3f} vs {leak[worst]['mean'].iloc[1]:.3f} inside the folds).")
    return "\n".join([
        *filter(None, notes),
        f"- The worked examples hold exactly: class counts {', '.join(map(str, counts[1]))} after under-sampling, "
        f"{', '.join(map(str, counts[2]))} after over-sampling, and every class-3 row appears "
        f"{' or '.join(map(str, sorted(set(worked.appearances))))} times.",
        leakage,
        f"- Best pipeline: `{best_sampler}` + {best_model}, macro-F1 {summary['macro_f1'].max():.3f}. Per classifier:",
        describe_comparison(results),
    ])


def scaling_table(path: str | Path) -> pd.DataFrame:
    """Seconds per sampler and row count from the JSON of ``benchmarks/resampling.py``, with ``scalable``.

    ``path``: ``benchmarks/results/resampling.json`` of the project's checkout (notebook 03 passes it; the
    installed package holds no benchmark results); FileNotFoundError naming the command when it is missing.
    A missing case reads as NaN (not run, e.g. a slow sampler at 1M rows) and a stopped one keeps
    its status text in ``status``.
    """
    import json

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
