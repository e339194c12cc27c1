"""The numbers behind notebook 04: balanced losses examined, then compared by training.

Everything is computed through :mod:`ecombalance.models.losses` and :class:`ecombalance.models.neural.TorchMLPClassifier`;
this module only arranges inputs and tables so that the notebook stays a sequence of short calls.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score

from ecombalance._progress import progress_bar
from ecombalance.chapters import seed_formulas
from ecombalance.data.datasets import DATASETS
from ecombalance.evaluation.fold_work import aligned_proba
from ecombalance.evaluation.folds import make_folds, take_rows
from ecombalance.evaluation.metrics import scores
from ecombalance.evaluation.verdicts import BestMethod, best_method, compare_fold_scores
from ecombalance.models import features, losses
from ecombalance.models.device import torch_threads
from ecombalance.models.neural import TorchMLPClassifier
from ecombalance.sampling import weights


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

    Computed with :func:`ecombalance.models.losses.focal_loss` on two-class logits
    :math:`(\\log p_t, \\log(1-p_t))`.
    """
    p_t = np.asarray(p_t, dtype=float)
    logits = torch.tensor(np.stack([np.log(p_t), np.log1p(-p_t)], axis=1))
    targets = torch.zeros(len(p_t), dtype=torch.long)
    curves = {f"gamma={g:g}" + (" (CE)" if g == 0 else ""): losses.focal_loss(
        logits, targets, gamma=g, reduction="none").numpy() for g in gammas}
    return pd.DataFrame(curves, index=pd.Index(p_t, name="p_t"))


def seed_formula_scenarios(class_counts: Sequence[int], alpha: float = 1.0, beta: float = 1.0,
                           confidence: float = 8.0, seed: int = 0) -> pd.DataFrame:
    """The design document's §4.2 formulas evaluated on several models of the same labelled data.

    The labels follow ``class_counts``; each scenario is a model output on them. Columns: the correct
    cross-entropy (with labels) and :func:`ecombalance.chapters.seed_formulas.seed_document_losses` under both readings.
    """
    counts = np.asarray(class_counts, dtype=int)
    y = np.repeat(np.arange(len(counts)), counts)
    onehot = np.eye(len(counts))[y]
    prior = counts / counts.sum()
    rng = np.random.default_rng(seed)
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
                         n_test: int = 30000, seed: int = 0, epochs: int = 30) -> PriorShiftDemo:
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
    rng = np.random.default_rng(seed)

    def sample(n_per_class):
        y = np.repeat(np.arange(len(counts)), n_per_class)
        return rng.normal(means[y], std)[:, None], y

    x_train, y_train = sample(counts)
    x_test, y_test = sample(np.round(prior * n_test).astype(int))  # the training distribution

    def bayes_logits(x):
        return np.log(prior) - (x - means) ** 2 / (2 * std**2)

    ce = TorchMLPClassifier(hidden=(), loss="ce", epochs=epochs, lr=0.05, random_state=seed).fit(x_train, y_train)
    la = TorchMLPClassifier(hidden=(), loss="logit_adjusted", epochs=epochs, lr=0.05, random_state=seed)
    la.fit(x_train, y_train)
    rules = {
        "Bayes, training priors": bayes_logits(x_test),
        "Bayes + post-hoc adjustment (tau=1)": losses.posthoc_logit_adjust(bayes_logits(x_test), prior),
        "linear model, CE": ce.decision_function(x_test),
        "linear model, CE + post-hoc adjustment": losses.posthoc_logit_adjust(ce.decision_function(x_test), prior),
        "linear model, logit-adjusted loss": la.decision_function(x_test),
    }
    table = pd.DataFrame({
        name: {"error": 1 - accuracy_score(y_test, z.argmax(1)),
               "balanced error": 1 - balanced_accuracy_score(y_test, z.argmax(1)),
               "recall of rarest class": recall_score(y_test, z.argmax(1), average=None)[-1]}
        for name, z in rules.items()
    }).T
    grid = np.linspace(means.min() - 3 * std, means.max() + 3 * std, 400)[:, None]
    posterior = torch.tensor(bayes_logits(grid)).softmax(1).numpy()
    balanced = torch.tensor(losses.posthoc_logit_adjust(bayes_logits(grid), prior)).softmax(1).numpy()
    curves = pd.DataFrame(
        {**{f"p(y={c}|x)": posterior[:, c] for c in range(len(counts))},
         **{f"balanced p(y={c}|x)": balanced[:, c] for c in range(len(counts))}},
        index=pd.Index(grid[:, 0], name="x"))
    return PriorShiftDemo(table=table, curves=curves)


# ----------------------------------------------------------------------------- training comparison
@dataclass
class LossComparison:
    """Out-of-fold results of one model trained with each loss on the same folds."""

    metrics: pd.DataFrame
    """Mean over folds, one row per loss: macro-F1, balanced accuracy, accuracy, ECE, per-class recall."""
    per_fold: pd.DataFrame
    """The same metrics per (loss, fold)."""
    proba: dict[str, np.ndarray]
    """Out-of-fold predicted probabilities per loss (columns = ``classes``)."""
    y: np.ndarray
    fold: np.ndarray
    classes: np.ndarray


def study_loss_params(name: str, gamma: float = 2.0, beta: float = 0.999, tau: float = 1.0) -> dict[str, Any]:
    """The notebook's shared hyper-parameters mapped to each loss: ``gamma`` to focal, ``beta`` to the
    class-balanced loss, ``tau`` to logit adjustment; the others keep their defaults."""
    return {"focal": {"gamma": gamma}, "class_balanced": {"beta": beta}, "logit_adjusted": {"tau": tau}}.get(name, {})


def _fold_metrics(y_true, proba, classes) -> dict[str, float]:
    """:func:`ecombalance.evaluation.metrics.scores` of the arg-max prediction, with the top-label ECE."""
    return scores(y_true, classes[proba.argmax(axis=1)], proba, classes,
                  metrics=("macro_f1", "balanced_accuracy", "accuracy", "ece"))


def compare_losses(tbl, loss_names: Sequence[str], *, gamma: float = 2.0, beta: float = 0.999, tau: float = 1.0,
                   folds: int = 3, seed: int = 0, epochs: int = 30, hidden: Sequence[int] = (64,),
                   lr: float = 1e-3, batch_size: int = 64, device: str = "auto", preprocessor=None,
                   text: str = "tfidf", posthoc: bool = True, progress: bool = True) -> LossComparison:
    """Train :class:`~ecombalance.models.neural.TorchMLPClassifier` with each loss on the same stratified folds.

    The preprocessor (default :func:`ecombalance.models.features.make_preprocessor` on ``tbl``) is fitted on
    each training fold only and shared by all losses of that fold; the test fold keeps its original
    class distribution. Folds come from :func:`ecombalance.evaluation.folds.make_folds` (stratified,
    shuffled with ``seed``, grouped by ``tbl.groups`` when the table has a group column: no query on
    both sides). With ``posthoc`` and ``"ce"``
    among the losses, the row ``"ce + post-hoc"`` is the CE model moved to uniform priors by
    :func:`ecombalance.sampling.weights.prior_shift`, with the priors of each training fold.
    """
    unknown = [name for name in loss_names if name not in losses.LOSSES]
    if unknown or not loss_names:
        raise ValueError(f"unknown loss(es) {unknown}; choose from {', '.join(losses.LOSSES)}")
    if preprocessor is None:

        preprocessor = features.make_preprocessor(tbl, text=text)
    X, y = tbl.X, np.asarray(tbl.y)
    splits = make_folds(y, tbl.groups, folds, seed)
    classes = np.unique(y)
    names = list(loss_names) + (["ce + post-hoc"] if posthoc and "ce" in loss_names else [])
    proba = {name: np.zeros((len(y), len(classes))) for name in names}
    fold_of = np.zeros(len(y), dtype=int)
    rows = []
    bar = progress_bar(total=len(splits) * len(loss_names), desc="losses x folds", disable=not progress)
    for k, (train, test) in enumerate(splits):
        fold_of[test] = k
        pre = clone(preprocessor).fit(take_rows(X, train), y[train])
        X_train, X_test = pre.transform(take_rows(X, train)), pre.transform(take_rows(X, test))
        for name in loss_names:
            model = TorchMLPClassifier(hidden=tuple(hidden), loss=name, loss_params=study_loss_params(name, gamma, beta, tau),
                                  epochs=epochs, batch_size=batch_size, lr=lr, device=device, random_state=seed + k)
            start = time.perf_counter()
            model.fit(X_train, y[train])
            seconds = time.perf_counter() - start
            fold_proba = aligned_proba(model, X_test, classes)  # a class missing from a training fold gets 0
            proba[name][test] = fold_proba
            rows.append({"loss": name, "fold": k, **_fold_metrics(y[test], fold_proba, classes),
                         "fit_seconds": seconds})
            if name == "ce" and "ce + post-hoc" in proba:
                train_counts = np.array([(y[train] == c).sum() for c in classes]) + 1e-12  # + absent classes
                shifted = weights.prior_shift(fold_proba, train_counts, "uniform", kind="proba")
                proba["ce + post-hoc"][test] = shifted
                rows.append({"loss": "ce + post-hoc", "fold": k, **_fold_metrics(y[test], shifted, classes),
                             "fit_seconds": 0.0})
            bar.update()
    bar.close()
    per_fold = pd.DataFrame(rows)
    metrics = per_fold.drop(columns="fold").groupby("loss", sort=False).mean()
    return LossComparison(metrics=metrics, per_fold=per_fold, proba=proba, y=y, fold=fold_of, classes=classes)


def loss_verdict(res: LossComparison, baseline: str = "ce", alpha: float = 0.05) -> BestMethod | None:
    """The one rule for "best" among the losses of one network: each against plain cross-entropy on the same
    folds, by the corrected resampled t-test on the paired fold macro-F1 (Nadeau & Bengio 2003), Holm-corrected
    (:func:`ecombalance.evaluation.best_method`); None without a ``ce`` run or another loss."""
    if baseline not in res.metrics.index or len(res.metrics) < 2:
        return None
    scores_ = res.per_fold.pivot(index="fold", columns="loss", values="macro_f1")[list(res.metrics.index)]
    k, n = len(scores_), len(res.y)
    differences = compare_fold_scores(scores_, baseline, n_train=n * (k - 1) / k, n_test=n / k, alpha=alpha)
    return best_method(differences, baseline, metric="macro_f1", alpha=alpha, test="corrected resampled t-test")


def losses_headline(results: Mapping[str, Any]) -> dict[str, Any]:
    """For the report index, per table: CE's macro-F1, the top loss by mean macro-F1 (``top_*``: the highest,
    not called best) with its balanced accuracy and ECE, and the one rule's verdict against CE
    (``best_is_distinguishable``, and ``best_loss`` only when true; :func:`loss_verdict`). Keys start with the
    dataset's name, or ``user`` for a user's file (whatever it is called), so that reports on different files
    share their keys; ``best_is_distinguishable`` without a prefix is true when it is for some table."""
    numbers: dict[str, Any] = {}
    verdicts = []
    for table_name, res in results.items():
        name = table_name if table_name in DATASETS else "user"
        m = res.metrics
        top = m["macro_f1"].idxmax()
        numbers.update({
            f"{name}_ce_macro_f1": m.loc["ce", "macro_f1"] if "ce" in m.index else None,
            f"{name}_top_loss": top, f"{name}_top_macro_f1": m.loc[top, "macro_f1"],
            f"{name}_top_balanced_accuracy": m.loc[top, "balanced_accuracy"],
            f"{name}_top_ece": m.loc[top, "ece"],
        })
        verdict = loss_verdict(res) if hasattr(res, "per_fold") else None
        if verdict is not None:
            verdicts.append(verdict)
            numbers[f"{name}_best_is_distinguishable"] = verdict.best_is_distinguishable
            if verdict.best:
                numbers[f"{name}_best_loss"] = verdict.best
    if verdicts:
        numbers["best_is_distinguishable"] = any(v.best_is_distinguishable for v in verdicts)
    return numbers


def describe_losses(seed_table: pd.DataFrame, demo, results: Mapping[str, Any]) -> str:
    """The chapter's findings as Markdown bullets, generated from its tables."""
    doc_ce, doc_bal = seed_table["doc CE, p = class distribution"], seed_table["doc balanced, p = class distribution"]
    lines = [f"- The design document's \"balanced loss\" as written is {doc_bal.iloc[0]:.4f} for every model "
             f"(spread {doc_bal.max() - doc_bal.min():.1g}); its \"cross-entropy\" scores predicting the prior "
             f"{doc_ce['the prior for every input']:.3f}, better than a perfect classifier "
             f"({doc_ce['perfect (confident and right)']:.3f})."]
    bayes, adjusted, trained = (demo.table.loc[k] for k in ["Bayes, training priors",
                                "Bayes + post-hoc adjustment (tau=1)", "linear model, logit-adjusted loss"])
    lines.append(f"- Gaussian illustration: post-hoc adjustment lowers the balanced error from "
                 f"{bayes['balanced error']:.3f} to {adjusted['balanced error']:.3f} (error {bayes['error']:.3f} → "
                 f"{adjusted['error']:.3f}); the logit-adjusted linear model reaches {trained['balanced error']:.3f}.")
    for name, res in results.items():
        m, rare = res.metrics, f"recall[{pd.Series(res.y).value_counts().idxmin()}]"
        top = m["macro_f1"].idxmax()
        verdict = loss_verdict(res)
        if "ce" in m.index and verdict is not None:
            lines.append(f"- **{name}**: {verdict.sentence} Cross-entropy gives {rare} {m.loc['ce', rare]:.2f} and ECE "
                         f"{m.loc['ce', 'ece']:.3f}; the top-scoring loss, `{top}`, {rare} {m.loc[top, rare]:.2f} and ECE "
                         f"{m.loc[top, 'ece']:.3f}; the fold-to-fold standard deviation of macro-F1 is about "
                         f"{res.per_fold.groupby('loss')['macro_f1'].std().mean():.3f}.")
        lines += describe_unmoved_recalls(name, m)
    return "\n".join(lines)


def describe_unmoved_recalls(name: str, metrics: pd.DataFrame) -> list[str]:
    """A bullet for the classes whose mean recall is the same (to three decimals) under every loss."""
    recalls = metrics.filter(like="recall[")
    same = [c for c in recalls.columns if len(recalls) > 1 and recalls[c].round(3).nunique() == 1]
    if not same:
        return []
    listed = ", ".join(f"`{c}` ({recalls[c].iloc[0]:.3f})" for c in same)
    return [f"- **{name}**: {listed} {'is' if len(same) == 1 else 'are'} the same under all {len(recalls)} losses: "
            "the features alone decide that class, and a loss only moves boundaries where classes overlap (see "
            "the note under the per-class recall figure)."]
