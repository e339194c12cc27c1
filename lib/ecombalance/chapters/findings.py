"""What an experiment found, in numbers and in words: each method against the unbalanced baseline on
overall quality, the smallest class, the largest class and calibration, with a test of whether each
difference is real (:func:`ecombalance.evaluation.compare_to_baseline`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecombalance.chapters.experiments import training_priors
from ecombalance.evaluation import ExperimentResult, compare_to_baseline, expected_calibration_error
from ecombalance.sampling.weights import prior_correct


def effects(result: ExperimentResult, baseline: str, test: str = "bootstrap", n_resamples: int = 1000,
            seed: int = 0, alpha: float = 0.05) -> pd.DataFrame:
    """One row per method (baseline excluded): the difference to the baseline and whether it is real, for
    macro-F1, balanced accuracy, the recall of the smallest and of the largest class, and ECE."""
    counts = pd.Series(result.y).value_counts()
    smallest, largest = counts.index[-1], counts.index[0]
    checks = {"macro_f1": ("macro_f1", None), "balanced_accuracy": ("balanced_accuracy", None),
              "recall_smallest": ("recall", smallest), "recall_largest": ("recall", largest)}
    if any(p is not None for p in result.oof_proba.values()):
        checks["ece"] = ("ece", None)
    columns = {}
    for name, (metric, cls) in checks.items():
        table = compare_to_baseline(result, baseline, metric=metric, class_=cls, test=test, alpha=alpha,
                                    n_resamples=n_resamples, seed=seed).set_index("method")
        columns[(name, "baseline")] = table["baseline_mean"]
        columns[(name, "difference")] = table["difference"]
        columns[(name, "real")] = table["real_difference"]
    frame = pd.DataFrame(columns)
    frame.attrs.update(smallest=str(smallest), largest=str(largest), baseline=baseline, test=test, alpha=alpha)
    return frame


def _list(methods) -> str:
    return ", ".join(f"`{m}`" for m in methods) or "none"


def describe_effects(frame: pd.DataFrame) -> str:
    """A short Markdown summary of :func:`effects`, generated from its numbers."""
    a = frame.attrs
    small, large = frame["recall_smallest"], frame["recall_largest"]
    helped = small[small["real"] & (small["difference"] > 0)].sort_values("difference", ascending=False)
    lines = [f"- Baseline `{a['baseline']}`: recall {small['baseline'].iloc[0]:.3f} on the smallest class "
             f"`{a['smallest']}`, {large['baseline'].iloc[0]:.3f} on the largest `{a['largest']}`, macro-F1 "
             f"{frame[('macro_f1', 'baseline')].iloc[0]:.3f}. A difference is called real when the {a['test']} "
             f"test gives p < {a['alpha']} after Holm's correction."]
    if helped.empty:
        lines.append(f"- No method raised the recall of `{a['smallest']}` by a real margin.")
    else:
        gains = ", ".join(f"`{m}` (+{d:.3f})" for m, d in helped["difference"].items())
        lines.append(f"- Real gains in `{a['smallest']}` recall: {gains}.")
        cost = large.loc[helped.index]
        costly = cost[cost["real"] & (cost["difference"] < 0)]
        lines.append(f"- Paid for with a real loss of `{a['largest']}` recall by: {_list(costly.index)}"
                     + (f" (down to {(cost['baseline'].iloc[0] + costly['difference'].min()):.3f} at worst)."
                        if len(costly) else "."))
    macro = frame["macro_f1"]
    best = macro["difference"].idxmax()
    lines.append(f"- Best macro-F1: `{best}` ({macro.loc[best, 'difference']:+.3f}, "
                 f"{'a real difference' if macro.loc[best, 'real'] else 'within noise'}); real macro-F1 changes: "
                 f"up {_list(macro[macro['real'] & (macro['difference'] > 0)].index)}, "
                 f"down {_list(macro[macro['real'] & (macro['difference'] < 0)].index)}.")
    if "ece" in frame.columns.get_level_values(0):
        ece = frame["ece"]
        worse = ece[ece["real"] & (ece["difference"] > 0)]
        lines.append(f"- Calibration (ECE, baseline {ece['baseline'].iloc[0]:.3f}) got really worse with "
                     f"{_list(worse.index)}: re-balanced models over-predict the small classes until their "
                     "probabilities are prior-corrected.")
    return "\n".join(lines)


def best_method(frame: pd.DataFrame) -> str:
    """The method of :func:`effects` that raised the recall of the smallest class the most."""
    return frame[("recall_smallest", "difference")].idxmax()


def prior_corrected(result: ExperimentResult, method: str) -> np.ndarray:
    """``method``'s out-of-fold probabilities moved from the priors its model learnt
    (:func:`ecombalance.chapters.experiments.training_priors`: uniform after balancing) to the class
    priors of the data, by :func:`ecombalance.sampling.weights.prior_correct` (Saerens et al. 2002)."""
    proba = result.oof_proba.get(method)
    if proba is None:
        raise ValueError(f"method {method!r} has no out-of-fold probabilities; the experiment ran "
                         f"{result.methods}, each needs predict_proba")
    y = np.asarray(result.y)
    true_priors = np.array([(y == c).sum() for c in result.classes]) / len(y)
    return prior_correct(proba, training_priors(method, dict(zip(result.classes, true_priors))), true_priors)


def describe_prior_correction(result: ExperimentResult, method: str) -> str:
    """One Markdown bullet: the top-label ECE of ``method`` before and after :func:`prior_corrected`."""
    before = expected_calibration_error(result.y, result.oof_proba[method], classes=result.classes)
    after = expected_calibration_error(result.y, prior_corrected(result, method), classes=result.classes)
    return f"- Prior correction moves the top-label ECE of `{method}` from {before:.3f} to {after:.3f}."


def describe_evaluation(frame: pd.DataFrame, result: ExperimentResult) -> str:
    """Notebook 06's findings: :func:`describe_effects`, then what prior correction does to the
    calibration of the :func:`best_method`."""
    return describe_effects(frame) + "\n" + describe_prior_correction(result, best_method(frame))


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`ecombalance.evaluation.summarise` as method x metric cells "pooled [low, high]"."""
    label = summary["metric"].where(summary["class"] == "all", summary["metric"] + "[" + summary["class"] + "]")
    cells = summary.assign(metric=label, cell=[f"{p:.3f} [{lo:.3f}, {hi:.3f}]" for p, lo, hi in
                                               zip(summary["pooled"], summary["ci_low"], summary["ci_high"])])
    return cells.pivot(index="method", columns="metric", values="cell").loc[summary["method"].unique()]


def effects_headline(summary: pd.DataFrame, smallest, effects: pd.DataFrame | None = None) -> dict[str, float]:
    """For the report index: each method's macro-F1 with its bootstrap interval, balanced accuracy and recall
    of the smallest class, as ``"<method>/<metric>"``; with ``effects`` (:func:`effects`) also the difference
    of its macro-F1 and smallest-class recall to the baseline's and whether it is real (``.../macro_f1_real``)."""
    numbers = {}
    for row in summary.to_dict("records"):
        if row["metric"] in ("macro_f1", "balanced_accuracy") and row["class"] == "all":
            numbers[f"{row['method']}/{row['metric']}"] = row["pooled"]
            if row["metric"] == "macro_f1":
                numbers[f"{row['method']}/macro_f1_ci_low"] = row["ci_low"]
                numbers[f"{row['method']}/macro_f1_ci_high"] = row["ci_high"]
        elif row["metric"] == "recall" and row["class"] == str(smallest):
            numbers[f"{row['method']}/recall_smallest"] = row["pooled"]
    for method in [] if effects is None else effects.index:
        for metric in ("macro_f1", "recall_smallest"):
            numbers[f"{method}/{metric}_difference"] = float(effects.loc[method, (metric, "difference")])
            numbers[f"{method}/{metric}_real"] = bool(effects.loc[method, (metric, "real")])
    return numbers


def ranking_table(result: ExperimentResult) -> pd.DataFrame | None:
    """Mean NDCG@k, MRR and recall@k per method over folds, or None when the experiment had no queries."""
    rows = result.results[result.results["metric"].str.contains("@", regex=False) | (result.results["metric"] == "mrr")]
    return rows.pivot_table(index="method", columns="metric", values="value") if len(rows) else None
