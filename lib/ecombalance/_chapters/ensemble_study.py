"""imbalanced-learn's ensembles (notebook 03) and boosted trees as teams run them (notebook 06), each judged
against its plain counterpart.

A balancing ensemble re-balances inside every member: BalancedRandomForest (Chen, Liaw & Breiman 2004) draws each
tree's rows class by class, BalancedBagging (Hido & Kashima 2009) and EasyEnsemble (Liu, Wu & Zhou 2009)
under-sample each bootstrap, RUSBoost (Seiffert et al. 2010) under-samples the weighted rows of each boosting round.
:func:`member_counts` fits them and reads back, from the fitted estimators themselves, how many rows of each class
every member was fitted on, beside the plain ensemble that draws from all rows. :func:`compare_ensembles` runs each
of them as a method ``none+<model>`` of the one fold loop; :func:`ecombalance.models._families.family_effects`
then judges each balancing ensemble against its plain counterpart
(:data:`ecombalance.models._ensembles.PLAIN_COUNTERPART`) by the one test, and the plain ensembles against each
other as model choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.evaluation._experiment import ExperimentResult, run_experiment
from ecombalance.evaluation._fold_work import FoldFeatures
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models._ensembles import BALANCING_ENSEMBLES, ENSEMBLES, PLAIN_COUNTERPART
from ecombalance.models._families import describe_families, families_headline, family_effects, model_of
from ecombalance.models._pipelines import MODELS, make_model, pipeline

ENSEMBLE_MODELS = ("rf", "balanced_rf", "bagging", "balanced_bagging", "bagged_adaboost", "easy_ensemble", "adaboost",
                   "rusboost")
"""Notebook 03's ensembles: each plain ensemble before the balancing one that changes it."""

BOOSTED_METHODS = ("none+gboost", "class_weight+gboost", "none+lightgbm", "class_weight+lightgbm")
"""Notebook 06's boosted trees: HistGradientBoosting and LightGBM, each plain and with ``class_weight="balanced"``."""

DRAWS = {
    "rf": "a bootstrap of all rows",
    "balanced_rf": "every class drawn with replacement to the smallest class's count",
    "bagging": "a bootstrap of all rows",
    "balanced_bagging": "a bootstrap of all rows, under-sampled to its smallest class",
    "bagged_adaboost": "a bootstrap of all rows",
    "easy_ensemble": "all rows of the smallest class and as many random rows of each other class",
    "adaboost": "all rows, re-weighted after each round",
    "rusboost": "the re-weighted rows under-sampled to the smallest class",
}
"""What each member (tree, bagged learner or boosting round) of an ensemble is fitted on."""


def _draw(model: str) -> str:
    """:data:`DRAWS` of ``model`` in the current language."""
    return {"rf": _("a bootstrap of all rows"), "bagging": _("a bootstrap of all rows"),
            "balanced_rf": _("every class drawn with replacement to the smallest class's count"),
            "balanced_bagging": _("a bootstrap of all rows, under-sampled to its smallest class"),
            "bagged_adaboost": _("a bootstrap of all rows"),
            "easy_ensemble": _("all rows of the smallest class and as many random rows of each other class"),
            "adaboost": _("all rows, re-weighted after each round"),
            "rusboost": _("the re-weighted rows under-sampled to the smallest class")}.get(model, DRAWS.get(model, ""))


def _member_rows(model: str, fitted: Any, n_rows: int, members: int) -> list[np.ndarray]:
    """Positions, in the training rows, of the rows each of the first ``members`` members was fitted on (with
    repeats for draws with replacement), read back from the fitted estimator."""
    if model in ("rf", "bagging", "bagged_adaboost"):  # the bootstrap each member drew
        return [np.asarray(rows) for rows in fitted.estimators_samples_[:members]]
    if model in ("balanced_rf", "rusboost"):  # the under-sampler of each tree / boosting round
        return [sampler.sample_indices_ for sampler in fitted.samplers_[:members]]
    if model in ("balanced_bagging", "easy_ensemble"):  # the bagging's draw, then its member's under-sampler
        return [np.asarray(rows)[member.named_steps["sampler"].sample_indices_]
                for rows, member in zip(fitted.estimators_samples_[:members], fitted.estimators_[:members])]
    return [np.arange(n_rows)] * min(members, len(fitted.estimators_))  # adaboost: every round sees every row


def member_counts(X: Any, y: Any, models: Iterable[str] = ENSEMBLE_MODELS, members: int = 3, random_state: Any = 0,
                  classes: Iterable | None = None) -> pd.DataFrame:
    """Each ensemble fitted on ``(X, y)`` and, for its first ``members`` members, the class counts of the rows that
    member was fitted on, read back from the fitted estimator (the draws of the bagging and the forest,
    ``estimators_samples_``; the under-samplers' ``sample_indices_``), as notebook 03 reads SMOTE's
    :math:`\\lambda` back.

    Returns one row per (``model``, ``member``): a column per class (``classes``, default every class, largest first),
    ``rows`` (their sum: a row drawn twice counts twice) and ``draw`` (:data:`DRAWS`). ``attrs``: ``rounds``, the
    boosting rounds each AdaBoost-type model fitted (``{"adaboost": 50, "rusboost": 3}``: boosting stops early once
    a round's weighted error on all training rows is no better than chance, :math:`1 - 1/K` for :math:`K` classes),
    ``planned`` (its ``n_estimators``) and ``smallest`` (the smallest class and its rows).
    """
    y = np.asarray(y)
    order = pd.Series(y).value_counts()
    shown = list(order.index if classes is None else classes)
    models = list(models)
    unknown = [m for m in models if m not in ENSEMBLES]
    if unknown:
        raise ValueError(f"member_counts reads back the ensembles {list(ENSEMBLES)}, not {unknown}")
    rows, rounds, planned = [], {}, {}
    for model in models:
        fitted = make_model(model, random_state=random_state).fit(X, y)
        for member, positions in enumerate(_member_rows(model, fitted, len(y), members)):
            counts = pd.Series(y[positions]).value_counts().reindex(shown, fill_value=0)
            rows.append({"model": model, "member": member, **counts.to_dict(), "rows": len(positions),
                         "draw": DRAWS[model]})
        if model in ("adaboost", "rusboost"):
            rounds[model], planned[model] = len(fitted.estimators_), fitted.n_estimators
    table = pd.DataFrame(rows).set_index(["model", "member"])
    table.attrs.update(rounds=rounds, planned=planned, smallest=(order.index[-1], int(order.iloc[-1])))
    return table


def describe_members(table: pd.DataFrame) -> str:
    """Markdown bullets on :func:`member_counts`: per balancing ensemble, the class counts its first member was fitted
    on against its plain counterpart's first member; and the boosting rounds an AdaBoost-type model stopped at."""
    smallest, n_smallest = table.attrs["smallest"]
    models = table.index.get_level_values("model").unique()
    classes = [c for c in table.columns if c not in ("rows", "draw")]

    def counts(model: str) -> str:
        first = table.loc[(model, 0)]
        return " / ".join(f"{int(first[c])}" for c in classes)

    lines = []
    for model in (m for m in models if m in BALANCING_ENSEMBLES):
        plain = PLAIN_COUNTERPART[model]
        text = (_("- `{model}` ({draw}): its first member was fitted on {counts} rows of {classes}, where the first "
                  "member of its plain counterpart `{plain}` ({plain_draw}) saw {plain_counts}.") if plain in models
                else _("- `{model}` ({draw}): its first member was fitted on {counts} rows of {classes}."))
        lines.append(text.format(model=model, draw=_draw(model), counts=counts(model),
                                 classes=" / ".join(f"`{c}`" for c in classes), plain=plain, plain_draw=_draw(plain),
                                 plain_counts=counts(plain) if plain in models else ""))
    lines += describe_rounds(table)
    note = _("- The smallest class, `{smallest}`, has {n} training rows.").format(smallest=smallest, n=n_smallest)
    return "\n".join([note, *lines])


def ensembles_heading(result: ExperimentResult) -> str:
    """Notebook 03's line before :func:`describe_families_of` of its ensembles, with the design of their folds."""
    return _("- imbalanced-learn's ensembles, each against its plain counterpart ({design}):").format(
        design=result.design)


def boosted_heading(result: ExperimentResult) -> str:
    """Notebook 06's line before :func:`describe_families_of` of its boosted trees, with the design of their folds."""
    return _("- Boosted trees, each class-weighted against itself without weights ({design}):").format(
        design=result.design)


def describe_rounds(table: pd.DataFrame) -> list[str]:
    """One Markdown bullet per boosting model of :func:`member_counts` that stopped before its planned rounds."""
    lines = []
    for model, fitted in table.attrs.get("rounds", {}).items():
        planned = table.attrs["planned"][model]
        if fitted < planned:
            lines.append(_("- `{model}` stopped after {fitted} of {planned} boosting rounds: a round whose weighted "
                           "error on all training rows is no better than chance ends the boosting (SAMME), and fewer "
                           "rounds mean a weaker model.").format(model=model, fitted=fitted, planned=planned))
    return lines


def ensemble_methods(models: Iterable[str], preprocess: Any = None, random_state: Any = 0) -> dict[str, Any]:
    """``{"none+<model>": preprocess -> model}`` for each model name (:data:`ecombalance.models._pipelines.MODELS`),
    the method names :func:`ecombalance.models._families.family_effects` groups into families."""
    models = list(models)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; choose from {list(MODELS)}")
    if len(set(models)) != len(models):
        raise ValueError(f"models repeat a name: {models}")
    return {f"none+{m}": pipeline(preprocess, "none", m, random_state=random_state) for m in models}


def compare_ensembles(X: Any, y: Any, models: Iterable[str] = ENSEMBLE_MODELS, preprocess: Any = None, cv: Any = 5,
                      random_state: Any = 0, groups: Any = None, time_budget: float | None = None,
                      n_jobs: int | None = None, fold_features: FoldFeatures | None = None,
                      errors: str = "raise", progress: bool = True) -> ExperimentResult:
    """Every ensemble of ``models`` as the method ``none+<model>`` (:func:`ensemble_methods`), on the folds ``cv``
    of the one fold loop (:func:`ecombalance.evaluation.run_experiment`; its ``groups``, ``time_budget``,
    ``n_jobs``, ``fold_features``, the preprocessing fitted once per fold and shared with the chapter's other
    experiments on the same folds, and ``errors``: ``"record"`` leaves out an ensemble that fails on a fold, named
    in ``result.notes``). Judge the result with
    :func:`ecombalance.models._families.family_effects`: each balancing ensemble against its plain counterpart."""
    classes = list(pd.Series(np.asarray(y)).value_counts().index)
    return run_experiment(ensemble_methods(models, preprocess, random_state), X, y, groups=groups, cv=cv,
                          random_state=random_state, classes=classes, time_budget=time_budget, n_jobs=n_jobs,
                          fold_features=fold_features, errors=errors, progress=progress)


def judge_families(result: ExperimentResult, n_resamples: int = 300, random_state: int = 0) -> pd.DataFrame:
    """:func:`ecombalance.models._families.family_effects` of ``result`` on macro-F1 (each balancing method against
    its plain counterpart, plain models against each other as model choice), or an empty table with its columns
    when fewer than two methods ran on every fold (the time budget left the others out)."""
    if len(result.methods) < 2:
        return pd.DataFrame(columns=["method", "against", "kind", "method_mean", "baseline_mean", "difference", "se",
                                     "pooled_difference", "ci_low", "ci_high", "p_value", "detectable",
                                     "distinguishable"])
    return family_effects(result, n_resamples=n_resamples, random_state=random_state)


HEADLINE_KEYS = {"best_is_distinguishable": "best_is_distinguishable", "best_method": "best_method",
                 "best_against": "best_against", "best_difference": "best_difference",
                 "smallest_detectable_difference": "detectable"}
"""The keys of :func:`ecombalance.models._families.families_headline` that :func:`family_headline` keeps, and the
names it gives them after its prefix (``ensembles_detectable``: the median smallest detectable difference; the
design, ``cv_repeats``, ``cv_folds`` and the test, is the chapter's own)."""


def family_headline(table: pd.DataFrame, prefix: str, beats_majority: bool = True) -> dict[str, Any]:
    """:func:`ecombalance.models._families.families_headline` of a family table, its keys prefixed
    (``ensembles_best_is_distinguishable``, ``boosted_best_method``, ...), and per balancing method its mean fold
    difference in macro-F1 to its plain model (``<prefix><method>_difference``, e.g.
    ``ensembles_balanced_rf_difference``, ``boosted_class_weight_lightgbm_difference``) and whether the one test calls
    it distinguishable (``<prefix><method>_real``)."""
    if table.empty:
        return {f"{prefix}best_is_distinguishable": False}
    numbers = families_headline(table, beats_majority)
    found = {f"{prefix}{name}": numbers[key] for key, name in HEADLINE_KEYS.items() if key in numbers}
    for row in table[table["kind"] == "balancing"].itertuples():
        name = row.method.replace("+", "_").removeprefix("none_")
        found[f"{prefix}{name}_difference"] = float(row.difference)
        found[f"{prefix}{name}_real"] = bool(row.distinguishable and beats_majority)
    return found


def recall_changes(result: ExperimentResult, table: pd.DataFrame) -> pd.DataFrame:
    """Per balancing comparison of ``table`` (:func:`ecombalance.models._families.family_effects` of ``result``):
    the smallest class's recall on the pooled out-of-fold predictions of the plain model (``plain_recall``) and of
    the balancing method (``recall``), the way balancing mostly shows."""
    from ecombalance.evaluation._metrics import scores

    smallest = pd.Series(result.y).value_counts().index[-1]

    def recall(method: str) -> float:
        y_true, pred, _proba, _groups = result.pooled(method)
        return scores(y_true, pred, classes=result.classes, metrics=(), per_class=("recall",))[f"recall[{smallest}]"]

    rows = [{"method": row.method, "against": row.against, "plain_recall": recall(row.against),
             "recall": recall(row.method)} for row in table[table["kind"] == "balancing"].itertuples()]
    frame = pd.DataFrame(rows, columns=["method", "against", "plain_recall", "recall"]).set_index("method")
    frame.attrs["smallest"] = str(smallest)
    return frame


def describe_recall_changes(frame: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`recall_changes`: the smallest class's recall without and with each balancing
    method, within its family ("" when there is no balancing comparison)."""
    if frame.empty:
        return ""
    parts = [_("`{model}` {plain:.2f} → {recall:.2f} with `{method}`").format(
        model=model_of(method), plain=row.plain_recall, recall=row.recall, method=method)
        for method, row in frame.iterrows()]
    return _("- Recall of the smallest class `{smallest}`, plain → balanced: {parts}.").format(
        smallest=frame.attrs["smallest"], parts=join(parts, "; "))


def describe_families_of(result: ExperimentResult, table: pd.DataFrame, beats_majority: bool = True) -> str:
    """Markdown bullets on :func:`judge_families`: the one rule's sentence within each family (which says so when no
    method beats the majority predictor, ``beats_majority=False``), the differences between plain models (model
    choice), the smallest class's recall without and with each balancing method
    (:func:`describe_recall_changes`), and the methods the time budget or a failure left out."""
    if table.empty:
        ran = join(f"`{m}`" for m in result.methods) or _("no method")
        return "\n".join([_("- Only {ran} ran on every fold: nothing to compare.").format(ran=ran), *result.notes])
    lines = [describe_families(table, beats_majority), describe_recall_changes(recall_changes(result, table))]
    return "\n".join([line for line in lines if line] + result.notes)
