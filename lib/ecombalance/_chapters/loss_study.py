"""The numbers behind notebook 04: balanced losses examined, then compared by training.

Everything is computed through :mod:`ecombalance.models._losses` and :class:`ecombalance.models._neural.TorchMLPClassifier`;
this module only arranges inputs and tables so that the notebook stays a sequence of short calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from ecombalance._chapters import seed_formulas
from ecombalance._chapters.calibration_study import describe_class_shares
from ecombalance._validation import plain_label
from ecombalance.data._datasets import DATASETS
from ecombalance.data._preprocess import subsample
from ecombalance.evaluation._class_calibration import calibration_table, class_shares
from ecombalance.evaluation._experiment import ExperimentResult, run_experiment
from ecombalance.evaluation._folds import as_folds, make_folds
from ecombalance.evaluation._metrics import scores
from ecombalance.evaluation._stats import compare_to_baseline
from ecombalance.evaluation._verdicts import BestMethod, best_method, design_headline, smallest_detectable
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join, ngettext
from ecombalance.models import _features as features
from ecombalance.models import _losses as losses
from ecombalance.models._device import resolve_device, torch_threads
from ecombalance.models._neural import TorchMLPClassifier
from ecombalance.models._pipelines import pipeline
from ecombalance.sampling import _weights as weights


def _counts(class_counts: Mapping | Sequence) -> pd.Series:
    if isinstance(class_counts, Mapping):
        return pd.Series(dict(class_counts), dtype=float)
    return pd.Series(np.asarray(class_counts, dtype=float), index=[f"class {i}" for i in range(len(class_counts))])


def weights_table(class_counts: Mapping | Sequence, beta: float = 0.999, max_margin: float = 0.5) -> pd.DataFrame:
    """Per class: count, prior, the three weightings, the logit-adjustment offset and the LDAM margin."""
    counts = _counts(class_counts)
    n = counts.to_numpy()
    return pd.DataFrame({
        "count": n.astype(int),
        "prior": n / n.sum(),
        "w balanced": weights.weights_from_counts(n, "balanced"),
        "w sqrt": weights.weights_from_counts(n, "sqrt"),
        f"w effective (beta={beta})": weights.weights_from_counts(n, "effective", beta),
        "tau*log prior (tau=1)": np.log(n / n.sum()),
        "LDAM margin": losses.ldam_margins(n, max_margin).numpy(),
    }, index=counts.index)


def focal_curves(p_t: np.ndarray, gammas: Sequence[float] = (0.0, 0.5, 1.0, 2.0, 5.0)) -> pd.DataFrame:
    """Focal loss of one sample as a function of its true-class probability :math:`p_t` (γ=0 is CE).

    Computed with :func:`ecombalance.models._losses.focal_loss` on two-class logits
    :math:`(\\log p_t, \\log(1-p_t))`.
    """
    p_t = np.asarray(p_t, dtype=float)
    logits = torch.tensor(np.stack([np.log(p_t), np.log1p(-p_t)], axis=1))
    targets = torch.zeros(len(p_t), dtype=torch.long)
    curves = {f"gamma={g:g}" + (" (CE)" if g == 0 else ""): losses.focal_loss(
        logits, targets, gamma=g, reduction="none").numpy() for g in gammas}
    return pd.DataFrame(curves, index=pd.Index(p_t, name="p_t"))


def seed_formula_scenarios(class_counts: Sequence[int], alpha: float = 1.0, beta: float = 1.0,
                           confidence: float = 8.0, random_state: int = 0) -> pd.DataFrame:
    """The design document's §4.2 formulas evaluated on several models of the same labelled data.

    The labels follow ``class_counts``; each scenario is a model output on them. Columns: the correct
    cross-entropy (with labels) and :func:`ecombalance._chapters.seed_formulas.seed_document_losses` under both readings.
    """
    counts = np.asarray(class_counts, dtype=int)
    y = np.repeat(np.arange(len(counts)), counts)
    onehot = np.eye(len(counts))[y]
    prior = counts / counts.sum()
    rng = np.random.default_rng(random_state)
    scenarios = {
        "perfect (confident and right)": confidence * onehot,
        "always the majority class": confidence * np.eye(len(counts))[np.zeros_like(y)],
        "the prior for every input": np.tile(np.log(prior), (len(y), 1)),
        "uniform for every input": np.zeros_like(onehot),
        "random logits": rng.normal(scale=2.0, size=onehot.shape),
    }
    rows = {}
    targets = torch.tensor(y)
    for name, logits in scenarios.items():
        z = torch.tensor(logits)
        doc = seed_formulas.seed_document_losses(z, counts, alpha, beta)
        rows[name] = {
            "correct CE (labels)": losses.cross_entropy(z, targets).item(),
            "doc CE, p = class distribution": doc.cross_entropy_as_written.item(),
            "doc CE, p = prediction": doc.cross_entropy_predicted.item(),
            "doc balanced, p = class distribution": doc.balanced_as_written.item(),
            "doc balanced, p = mean prediction": doc.balanced_predicted.item(),
        }
    return pd.DataFrame(rows).T


def seed_regulariser_minimiser(class_counts: Sequence[int], alpha: float = 1.0, beta: float = 1.0,
                               steps: int = 200) -> pd.Series:
    """The predicted class marginal :math:`\\bar p` that minimises the document's balanced formula
    (read on predictions), found by L-BFGS over the simplex (softmax parametrisation)."""
    counts = losses.as_class_counts(class_counts)
    logits = torch.zeros(1, counts.numel(), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([logits], max_iter=steps, line_search_fn="strong_wolfe")

    def objective():
        optimiser.zero_grad()
        value = losses.seed_balanced_regulariser(logits, counts, alpha, beta)
        value.backward()
        return value

    with torch_threads(1):  # tiny tensors: extra threads only add overhead
        optimiser.step(objective)
    return pd.Series(logits.detach().softmax(1).numpy()[0], name="minimising mean prediction")


@dataclass
class PriorShiftDemo:
    """Decision rules on 1-D Gaussian classes: their error and balanced error, and posteriors for plots."""

    table: pd.DataFrame
    curves: pd.DataFrame


def gaussian_prior_shift(class_counts: Sequence[int], means: Sequence[float] = (0.0, 1.5, 3.0), std: float = 1.0,
                         n_test: int = 30000, random_state: int = 0, epochs: int = 30) -> PriorShiftDemo:
    """Bayes decisions under the training priors vs the balanced (uniform-prior) decisions.

    Class :math:`c` has :math:`x \\sim \\mathcal N(\\mu_c, \\sigma^2)` and prior :math:`\\pi_c`. The rule
    :math:`\\arg\\max_c \\log \\pi_c + \\log p(x|c)` minimises the error; subtracting :math:`\\log \\pi_c`
    (post-hoc logit adjustment) gives :math:`\\arg\\max_c p(x|c)`, which minimises the balanced error.
    Two linear models trained on a sample of ``class_counts`` show the same with learnt logits: CE
    (+ post-hoc adjustment) and the logit-adjusted loss.
    """
    counts = np.asarray(class_counts, dtype=int)
    means = np.asarray(means, dtype=float)
    prior = counts / counts.sum()
    rng = np.random.default_rng(random_state)

    def sample(n_per_class):
        y = np.repeat(np.arange(len(counts)), n_per_class)
        return rng.normal(means[y], std)[:, None], y

    x_train, y_train = sample(counts)
    x_test, y_test = sample(np.round(prior * n_test).astype(int))  # the training distribution

    def bayes_logits(x):
        return np.log(prior) - (x - means) ** 2 / (2 * std**2)

    ce = TorchMLPClassifier(hidden=(), loss="ce", epochs=epochs, lr=0.05,
                            random_state=random_state).fit(x_train, y_train)
    la = TorchMLPClassifier(hidden=(), loss="logit_adjusted", epochs=epochs, lr=0.05, random_state=random_state)
    la.fit(x_train, y_train)
    rules = {
        "Bayes, training priors": bayes_logits(x_test),
        "Bayes + post-hoc adjustment (tau=1)": losses.posthoc_logit_adjust(bayes_logits(x_test), prior),
        "linear model, CE": ce.decision_function(x_test),
        "linear model, CE + post-hoc adjustment": losses.posthoc_logit_adjust(ce.decision_function(x_test), prior),
        "linear model, logit-adjusted loss": la.decision_function(x_test),
    }
    classes = np.arange(len(counts))
    rarest = int(np.argmin(counts))

    def rule_scores(z):
        got = scores(y_test, z.argmax(1), classes=classes, metrics=("accuracy", "balanced_accuracy"))
        return {"error": 1 - got["accuracy"], "balanced error": 1 - got["balanced_accuracy"],
                "recall of rarest class": got[f"recall[{rarest}]"]}

    table = pd.DataFrame({name: rule_scores(z) for name, z in rules.items()}).T
    grid = np.linspace(means.min() - 3 * std, means.max() + 3 * std, 400)[:, None]
    posterior = torch.tensor(bayes_logits(grid)).softmax(1).numpy()
    balanced = torch.tensor(losses.posthoc_logit_adjust(bayes_logits(grid), prior)).softmax(1).numpy()
    curves = pd.DataFrame(
        {**{f"p(y={c}|x)": posterior[:, c] for c in range(len(counts))},
         **{f"balanced p(y={c}|x)": balanced[:, c] for c in range(len(counts))}},
        index=pd.Index(grid[:, 0], name="x"))
    return PriorShiftDemo(table=table, curves=curves)


# ----------------------------------------------------------------------------- training comparison
POSTHOC = "ce + post-hoc"
"""The row of the cross-entropy model moved to uniform priors after training (post-hoc logit adjustment)."""


@dataclass
class LossComparison:
    """One network trained with each loss on the same folds: the :class:`~ecombalance.evaluation.ExperimentResult`
    of :func:`ecombalance.evaluation.run_experiment` and the tables notebook 04 shows, derived from it."""

    result: ExperimentResult
    """The experiment: every fold's scores (``results``), the folds (r × k), the out-of-fold predictions."""
    metrics: pd.DataFrame
    """One row per loss: macro-F1, balanced accuracy, accuracy and per-class recall as the mean over all folds
    (what the test compares), then ``ece`` and ``classwise_ece`` of the pooled out-of-fold probabilities
    (:func:`ecombalance.evaluation.calibration_table`: the numbers the reliability legends show), and the mean
    ``fit_seconds`` per fold."""
    per_fold: pd.DataFrame
    """The fold scores per (loss, fold): macro-F1, balanced accuracy, accuracy, the fold's own ECE, recalls."""
    calibration: pd.DataFrame
    """:func:`ecombalance.evaluation.calibration_table` of every loss."""
    differences: dict = field(default_factory=dict, repr=False, compare=False)
    """:func:`loss_differences` computed so far, by (baseline, alpha, n_resamples, random_state)."""

    @property
    def proba(self) -> dict[str, np.ndarray]:
        """Out-of-fold predicted probabilities per loss (columns = ``classes``; the first repeat's folds)."""
        return {m: self.result.oof_proba[m] for m in self.result.methods}

    @property
    def y(self) -> np.ndarray:
        return self.result.y

    @property
    def classes(self) -> np.ndarray:
        return self.result.classes

    @property
    def fold(self) -> np.ndarray:
        """The test fold of each row in the first repeat (0 … k-1)."""
        fold_of = np.full(len(self.result.y), -1)
        folds = as_folds(self.result.folds)
        for k, (_train, test) in enumerate(list(folds)[: folds.n_splits or len(folds)]):
            fold_of[test] = k
        return fold_of


def study_loss_params(name: str, gamma: float = 2.0, beta: float = 0.999, tau: float = 1.0) -> dict[str, Any]:
    """The notebook's shared hyper-parameters mapped to each loss: ``gamma`` to focal, ``beta`` to the
    class-balanced loss, ``tau`` to logit adjustment; the others keep their defaults."""
    return {"focal": {"gamma": gamma}, "class_balanced": {"beta": beta}, "logit_adjusted": {"tau": tau}}.get(name, {})


def loss_methods(loss_names: Sequence[str], preprocessor, *, gamma: float = 2.0, beta: float = 0.999,
                 tau: float = 1.0, epochs: int = 30, hidden: Sequence[int] = (64,), lr: float = 1e-3,
                 batch_size: int = 64, device: str = "auto", random_state: int = 0,
                 posthoc: bool = True) -> dict[str, Any]:
    """``{loss: preprocess → TorchMLPClassifier(loss)}`` for :func:`ecombalance.evaluation.run_experiment`: every
    pipeline has the same ``"preprocess"`` step, so the experiment fits it once per fold and shares it. With
    ``posthoc`` and ``"ce"`` among the losses, :data:`POSTHOC` follows ``ce``: the same network wrapped in
    :class:`ecombalance.sampling._weights.PriorShiftClassifier` (moved to uniform priors with its training fold's
    priors)."""
    unknown = [name for name in loss_names if name not in losses.LOSSES]
    if unknown or not loss_names:
        raise ValueError(f"unknown loss(es) {unknown}; choose from {', '.join(losses.LOSSES)}")
    methods: dict[str, Any] = {}
    for name in loss_names:
        network = TorchMLPClassifier(hidden=tuple(hidden), loss=name, loss_params=study_loss_params(name, gamma, beta, tau),
                                     epochs=epochs, batch_size=batch_size, lr=lr, device=device,
                                     random_state=random_state)
        methods[name] = pipeline(preprocessor, "none", network)
        if name == "ce" and posthoc:
            methods[POSTHOC] = pipeline(preprocessor, "none", weights.PriorShiftClassifier(network, "uniform"))
    return methods


FOLD_METRICS = ("macro_f1", "balanced_accuracy", "accuracy", "ece")
"""The fold scores :attr:`LossComparison.per_fold` keeps (with the per-class recalls)."""


def _per_fold(result: ExperimentResult) -> pd.DataFrame:
    scores_ = result.results
    overall = scores_[(scores_["class"] == "all") & scores_["metric"].isin(FOLD_METRICS)]
    recall = scores_[scores_["metric"] == "recall"].assign(metric=lambda f: "recall[" + f["class"] + "]")
    wide = pd.concat([overall, recall]).pivot_table(index=["method", "fold"], columns="metric", values="value",
                                                    sort=False)
    order = list(FOLD_METRICS) + [f"recall[{plain_label(c)}]" for c in result.classes]
    wide = wide[[c for c in order if c in wide.columns]].reset_index().rename(columns={"method": "loss"})
    wide.columns.name = None
    return wide


def summarise_losses(result: ExperimentResult) -> LossComparison:
    """The tables of :class:`LossComparison` from an experiment over losses (:func:`compare_losses`)."""
    per_fold = _per_fold(result)
    calibration = calibration_table(result)
    means = per_fold.drop(columns=["fold", "ece"]).groupby("loss", sort=False).mean()
    means = means.reindex(result.methods)
    metrics = pd.concat([means[["macro_f1", "balanced_accuracy", "accuracy"]],
                         calibration[["ece", "classwise_ece"]].reindex(means.index),
                         means.filter(like="recall[")], axis=1)
    metrics["fit_seconds"] = result.timings.groupby("method", sort=False)["fit_seconds"].mean().reindex(means.index)
    metrics.index.name = "loss"
    return LossComparison(result=result, metrics=metrics, per_fold=per_fold, calibration=calibration)


MAX_ROWS = 1000
"""Notebook 04's default row cap (parameter ``max_rows``): every loss trains a network on r × k folds, so a
user's table of 10,000 rows would take over ten minutes on two CPU cores (issue 26 measured one cell at 651 s)."""


def capped(tables: Mapping[str, Any], max_rows: int = MAX_ROWS,
           random_state: int = 0) -> tuple[dict[str, Any], list[str]]:
    """Each table of notebook 04 at most about ``max_rows`` rows (:func:`ecombalance.data._preprocess.subsample`:
    stratified, every class kept, whole groups on a table with groups; 0 for every row), and the notes of those
    that were sampled ("- The losses ran on a sample of …"), for "What we saw"."""
    sampled = {name: subsample(tbl, max_rows, random_state, who=_("On `{name}` the losses").format(name=name),
                               setting=_("parameter `max_rows={}`")) for name, tbl in tables.items()}
    return {name: tbl for name, (tbl, _note) in sampled.items()}, [note for _tbl, note in sampled.values() if note]


def compare_losses(tbl, loss_names: Sequence[str], *, gamma: float = 2.0, beta: float = 0.999, tau: float = 1.0,
                   folds: int = 5, repeats: int = 1, random_state: int = 0, epochs: int = 30,
                   hidden: Sequence[int] = (64,),
                   lr: float = 1e-3, batch_size: int = 64, device: str = "auto", preprocessor=None,
                   text: str = "tfidf", posthoc: bool = True, n_jobs: int | None = None,
                   progress: bool = True) -> LossComparison:
    """Train :class:`~ecombalance.models._neural.TorchMLPClassifier` with each loss on the same folds, through
    :func:`ecombalance.evaluation.run_experiment` (the one fold loop).

    Folds: :func:`ecombalance.evaluation.make_folds` with ``repeats`` × ``folds`` (stratified, shuffled with
    ``random_state``, grouped by ``tbl.groups`` when the table has a group column: no query on both sides); the test folds
    keep the original class distribution. The preprocessor (default
    :func:`ecombalance.models._features.make_preprocessor` on ``tbl``) is fitted on each training fold only, once,
    and shared by all losses of that fold. With ``posthoc`` and ``"ce"`` among the losses, the row
    :data:`POSTHOC` is the CE model moved to uniform priors with the priors of each training fold
    (:func:`loss_methods`). ``n_jobs`` fits folds in parallel processes (the same numbers for any value); on a
    GPU the folds run one after the other in this process.
    """
    if preprocessor is None:
        preprocessor = features.make_preprocessor(tbl, text=text)
    methods = loss_methods(loss_names, preprocessor, gamma=gamma, beta=beta, tau=tau, epochs=epochs, hidden=hidden,
                           lr=lr, batch_size=batch_size, device=device, random_state=random_state, posthoc=posthoc)
    cv = make_folds(tbl.y, tbl.groups, folds, random_state, n_repeats=repeats)
    workers = None if resolve_device(device).type == "cuda" else n_jobs
    result = run_experiment(methods, tbl.X, tbl.y, groups=tbl.groups, cv=cv, random_state=random_state,
                            progress=progress, n_jobs=workers)
    return summarise_losses(result)


def loss_differences(res: LossComparison, baseline: str = "ce", alpha: float = 0.05,
                     n_resamples: int = 1000, random_state: int = 0) -> pd.DataFrame | None:
    """:func:`ecombalance.evaluation.compare_to_baseline` of every loss against ``baseline`` on macro-F1: the one
    test (corrected repeated cross-validation t-test on the paired fold scores, Holm-corrected; a loss identical to
    another, such as ``balanced_softmax`` and ``logit_adjusted`` with τ = 1, counted once). None without the
    baseline or another loss."""
    if baseline not in res.result.methods or len(res.result.methods) < 2:
        return None
    key = (baseline, alpha, n_resamples, random_state)
    if key not in res.differences:
        res.differences[key] = compare_to_baseline(res.result, baseline, metric="macro_f1", alpha=alpha,
                                                   n_resamples=n_resamples, random_state=random_state)
    return res.differences[key]


def loss_verdict(res: LossComparison, baseline: str = "ce", alpha: float = 0.05) -> BestMethod | None:
    """The one rule for "best" among the losses of one network (:func:`ecombalance.evaluation.best_method` on
    :func:`loss_differences`): a loss is best only when distinguishably better than plain cross-entropy on the
    same folds; None without a ``ce`` run or another loss."""
    differences = loss_differences(res, baseline, alpha)
    if differences is None:
        return None
    return best_method(differences, baseline, metric="macro_f1", alpha=alpha)


def losses_headline(results: Mapping[str, LossComparison]) -> dict[str, Any]:
    """For the report index, per table: CE's macro-F1, the top loss by mean macro-F1 (``top_*``: the highest,
    not called best) with its balanced accuracy, ECE and class-wise ECE (pooled out-of-fold), the one rule's
    verdict against CE (``best_is_distinguishable``, and ``best_loss`` only when true; :func:`loss_verdict`) and
    the smallest difference the design detects (``smallest_detectable_difference``). Keys start with the
    dataset's name, or ``user`` for a user's file (whatever it is called), so that reports on different files
    share their keys. Without a prefix: ``best_is_distinguishable`` (true when it is for some table) and
    :func:`ecombalance.evaluation.design_headline` of the first table with a verdict (``cv_repeats``,
    ``cv_folds``, ``verdict_test``, ``smallest_detectable_difference``)."""
    numbers: dict[str, Any] = {}
    verdicts, design = [], None
    for table_name, res in results.items():
        name = table_name if table_name in DATASETS else "user"
        m = res.metrics
        top = m["macro_f1"].idxmax()
        numbers.update({
            f"{name}_ce_macro_f1": m.loc["ce", "macro_f1"] if "ce" in m.index else None,
            f"{name}_top_loss": top, f"{name}_top_macro_f1": m.loc[top, "macro_f1"],
            f"{name}_top_balanced_accuracy": m.loc[top, "balanced_accuracy"],
            f"{name}_top_ece": m.loc[top, "ece"], f"{name}_top_classwise_ece": m.loc[top, "classwise_ece"],
        })
        differences = loss_differences(res)
        if differences is None:
            continue
        verdict = best_method(differences, "ce", metric="macro_f1")
        verdicts.append(verdict)
        numbers[f"{name}_best_is_distinguishable"] = verdict.best_is_distinguishable
        numbers[f"{name}_smallest_detectable_difference"] = smallest_detectable(differences)
        if verdict.best:
            numbers[f"{name}_best_loss"] = verdict.best
        design = design or design_headline(differences)
    if verdicts:
        numbers["best_is_distinguishable"] = any(v.best_is_distinguishable for v in verdicts)
        numbers.update(design)
    return numbers


def metrics_caption(name: str, res: LossComparison) -> str:
    """The line above a table's :attr:`LossComparison.metrics` in notebook 04: its name and the design."""
    return _("**{name}** ({design}; the scores are means over all folds, ECE and class-wise ECE those of the pooled "
             "out-of-fold probabilities)").format(name=name, design=res.result.design)


def describe_losses(seed_table: pd.DataFrame, demo, results: Mapping[str, Any]) -> str:
    """The chapter's findings as Markdown bullets, generated from its tables. When ``results`` holds a user's table
    (a name that is no generated dataset), the two bullets computed on constructed data (the design document's
    formulas on the documented case's class counts, and the Gaussian illustration) say that they are not the user's
    table."""
    doc_ce, doc_bal = seed_table["doc CE, p = class distribution"], seed_table["doc balanced, p = class distribution"]
    yours = any(name not in DATASETS for name in results)
    case, drawn = ((_(" (on the documented case's class counts, not your table)"),
                    _(" (generated data, not your table)")) if yours else ("", ""))
    lines = [_("- The design document's \"balanced loss\"{case} as written is {balanced:.4f} for every model (spread "
               "{spread:.1g}); its \"cross-entropy\" scores predicting the prior {prior:.3f}, better than a perfect "
               "classifier ({perfect:.3f}).").format(
        case=case, balanced=doc_bal.iloc[0], spread=doc_bal.max() - doc_bal.min(),
        prior=doc_ce["the prior for every input"], perfect=doc_ce["perfect (confident and right)"])]
    bayes, adjusted, trained = (demo.table.loc[k] for k in ["Bayes, training priors",
                                "Bayes + post-hoc adjustment (tau=1)", "linear model, logit-adjusted loss"])
    lines.append(_("- Gaussian illustration{drawn}: post-hoc adjustment lowers the balanced error from {before:.3f} "
                   "to {after:.3f} (error {error_before:.3f} → {error_after:.3f}); the logit-adjusted linear model "
                   "reaches {trained:.3f}.").format(
        drawn=drawn, before=bayes["balanced error"], after=adjusted["balanced error"], error_before=bayes["error"],
        error_after=adjusted["error"], trained=trained["balanced error"]))
    for name, res in results.items():
        m, rare = res.metrics, f"recall[{plain_label(pd.Series(res.y).value_counts().idxmin())}]"
        top = m["macro_f1"].idxmax()
        verdict = loss_verdict(res)
        if "ce" in m.index and verdict is not None:
            lines.append(_("- **{name}**: {sentence} Cross-entropy gives {rare} {ce_recall:.2f}, ECE {ce_ece:.3f} and "
                           "class-wise ECE {ce_classwise:.3f}; the top-scoring loss, `{top}`, {rare} {top_recall:.2f}, "
                           "ECE {top_ece:.3f} and class-wise ECE {top_classwise:.3f} (both on the pooled out-of-fold "
                           "probabilities); the fold-to-fold standard deviation of macro-F1 is about "
                           "{sd:.3f}.").format(
                name=name, sentence=verdict.sentence, rare=rare, ce_recall=m.loc["ce", rare], ce_ece=m.loc["ce", "ece"],
                ce_classwise=m.loc["ce", "classwise_ece"], top=top, top_recall=m.loc[top, rare],
                top_ece=m.loc[top, "ece"], top_classwise=m.loc[top, "classwise_ece"],
                sd=res.per_fold.groupby("loss")["macro_f1"].std().mean()))
        lines += describe_identical_losses(name, res)
        shares = describe_class_shares(class_shares(res.result), res.calibration, "ce",
                                       prefix=_("**{name}**: ").format(name=name))
        lines += shares.split("\n") if shares else []
        lines += describe_unmoved_recalls(name, m)
    return "\n".join(lines)


def identical_losses(res: LossComparison) -> list[list[str]]:
    """Groups of losses whose fold macro-F1 scores are bit-identical (the same network trained twice, e.g.
    ``balanced_softmax`` and ``logit_adjusted`` with τ = 1): the test counts each group as one hypothesis."""
    wide = res.per_fold.pivot(index="fold", columns="loss", values="macro_f1")
    groups: dict[bytes, list[str]] = {}
    for loss in res.result.methods:
        groups.setdefault(wide[loss].to_numpy(dtype=float).tobytes(), []).append(loss)
    return [group for group in groups.values() if len(group) > 1]


def describe_identical_losses(name: str, res: LossComparison) -> list[str]:
    """A bullet per group of :func:`identical_losses`."""
    return [_("- **{name}**: {losses} have identical fold scores (the same loss, hence the same network), so the test "
              "counts them as one comparison in Holm's correction.").format(
        name=name, losses=join((f"`{loss}`" for loss in group), " and ")) for group in identical_losses(res)]


def describe_unmoved_recalls(name: str, metrics: pd.DataFrame) -> list[str]:
    """A bullet for the classes whose mean recall is the same (to three decimals) under every loss."""
    recalls = metrics.filter(like="recall[")
    same = [c for c in recalls.columns if len(recalls) > 1 and recalls[c].round(3).nunique() == 1]
    if not same:
        return []
    listed = join(_("`{cls}` ({recall:.3f})").format(cls=c, recall=recalls[c].iloc[0]) for c in same)
    text = ngettext("- **{name}**: {listed} is the same under all {n} losses: the features alone decide that class, "
                    "and a loss only moves boundaries where classes overlap (see the note under the per-class recall "
                    "figure).",
                    "- **{name}**: {listed} are the same under all {n} losses: the features alone decide that class, "
                    "and a loss only moves boundaries where classes overlap (see the note under the per-class recall "
                    "figure).", len(same))
    return [text.format(name=name, listed=listed, n=len(recalls))]
