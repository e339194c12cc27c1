"""Methods by name for the effect-evaluation chapter: ``"<sampler>+<model>"``.

- ``<sampler>``: a name in :data:`ecombalance.sampling.resampling.SAMPLERS` (``none``, ``random_over``,
  ``smote``, ...) or ``class_weight`` (no resampling; the model weighs classes by N / (C·N_c));
- ``<model>``: a name in :data:`ecombalance.models.pipelines.MODELS` (``logreg``, ``gboost``, ``mlp``,
  ``lightgbm``, the ensembles ``rf``, ``bagging``, ``bagged_adaboost``, ``adaboost`` and imbalanced-learn's
  balancing ``balanced_rf``, ``balanced_bagging``, ``easy_ensemble``, ``rusboost``), or ``torch_mlp:<loss>`` for
  :class:`ecombalance.models.neural.TorchMLPClassifier` trained with a loss from
  :data:`ecombalance.models.losses.LOSSES` (``torch_mlp:focal``, ``torch_mlp:logit_adjusted``, ...).

A balancing ensemble balances inside its own bootstraps or boosting rounds, so ``none+balanced_rf`` balances
although it has no sampler: its model's *family* (:func:`family_model`) is its plain counterpart (``rf``;
:data:`ecombalance.models.ensembles.PLAIN_COUNTERPART`), and ``none+rf`` is the plain version it is judged against.

Every method is a pipeline ``preprocess -> sampler -> model`` that the experiment runner clones and
fits per training fold, so resampling never touches evaluation rows.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ecombalance.data.table import Table
from ecombalance.i18n import gettext as _
from ecombalance.models import pipelines
from ecombalance.models.ensembles import BALANCING_ENSEMBLES, counterpart
from ecombalance.models.features import make_preprocessor
from ecombalance.sampling import resampling
from ecombalance.sampling.weights import class_priors

DEFAULT_METHODS = ("none+logreg", "class_weight+logreg", "random_over+logreg", "smote+logreg", "random_under+logreg",
                   "none+torch_mlp:ce", "none+torch_mlp:logit_adjusted")
"""The methods notebook 06 compares by default (its ``methods`` parameter) and :func:`ecombalance.compare`'s
default: the unbalanced baseline, class weights, three samplers with the same logistic regression, and a torch MLP
with plain and logit-adjusted cross-entropy (balancing compared within one model)."""

BALANCING_SAMPLERS = {"class_weight", "random_under", "random_over", "smote", "borderline_smote", "adasyn",
                      "svm_smote", "smotenc", "smoten", "smote_tomek", "smote_enn"}


def parse(spec: str) -> tuple[str, str, str | None]:
    """``"smote+logreg"`` -> ``("smote", "logreg", None)``; ``"none+torch_mlp:focal"`` -> ``("none", "torch_mlp", "focal")``."""
    from ecombalance.models.losses import LOSSES

    if not isinstance(spec, str) or spec.count("+") != 1:
        raise ValueError(f"method {spec!r} must be '<sampler>+<model>', e.g. 'smote+logreg' or 'none+torch_mlp:focal'")
    sampler, model = spec.split("+")
    loss = None
    if model == "torch_mlp" or model.startswith("torch_mlp:"):
        model, _, loss = model.partition(":")
        loss = loss or "ce"
        if loss not in LOSSES:
            raise ValueError(f"method {spec!r}: unknown loss {loss!r}; choose one of {list(LOSSES)}")
    elif model not in pipelines.MODELS:
        raise ValueError(f"method {spec!r}: unknown model {model!r}; choose one of "
                         f"{list(pipelines.MODELS) + ['torch_mlp:<loss>']}")
    if sampler not in (*resampling.SAMPLERS, "class_weight"):
        raise ValueError(f"method {spec!r}: unknown sampler {sampler!r}; choose one of "
                         f"{list(resampling.SAMPLERS) + ['class_weight']}")
    return sampler, model, loss


def build(tbl: Table, spec: str, seed: int = 0, epochs: int = 30, text: str = "tfidf", max_features: int = 20000):
    """The pipeline for one method on ``tbl``'s feature columns (TF-IDF of at most ``max_features`` terms per text
    column: HistGradientBoosting, which needs dense input, takes time and memory in proportion to the columns)."""
    from ecombalance.models.neural import TorchMLPClassifier

    sampler, model, loss = parse(spec)
    estimator = (TorchMLPClassifier(loss=loss, epochs=epochs, random_state=seed) if model == "torch_mlp" else model)
    return pipelines.pipeline(
        preprocess=make_preprocessor(tbl, text=text, max_features=max_features),
        sampler="none" if sampler == "class_weight" else sampler,
        model=estimator,
        class_weight="balanced" if sampler == "class_weight" else None,
        random_state=seed,
    )


def build_all(tbl: Table, specs: Sequence[str], seed: int = 0, epochs: int = 30, max_features: int = 20000) -> dict:
    """``{spec: pipeline}``, checking every name before anything is fitted (``max_features``: :func:`build`'s)."""
    for spec in specs:
        parse(spec)
    if len(set(specs)) != len(specs):
        raise ValueError(f"methods repeat a name: {list(specs)}")
    return {spec: build(tbl, spec, seed, epochs, max_features=max_features) for spec in specs}


def training_priors(spec: str, class_counts: Mapping) -> np.ndarray:
    """The class priors a method's model effectively learns: uniform for balancing samplers, class
    weights, the balanced losses and the balancing ensembles (every member trained on balanced rows); the data's
    own otherwise (for :func:`ecombalance.sampling.weights.prior_correct`)."""
    sampler, model, loss = parse(spec)
    priors = class_priors(list(class_counts.values()))
    balanced = (sampler in BALANCING_SAMPLERS or model in BALANCING_ENSEMBLES
                or loss in {"weighted_ce", "class_balanced", "logit_adjusted", "balanced_softmax", "ldam"})
    return np.full(len(priors), 1 / len(priors)) if balanced else priors


def family_model(method: str) -> str:
    """The model whose plain version ``method`` is judged against: its own model, or for a balancing ensemble its
    plain counterpart (``"none+balanced_rf"`` -> ``"rf"``, ``"none+easy_ensemble"`` -> ``"bagged_adaboost"``,
    ``"none+rusboost"`` -> ``"adaboost"``)."""
    return counterpart(parse(method)[1])


def within_family(method: str, other: str) -> bool:
    """Whether two methods (``"<sampler>+<model>[:<loss>]"``) use the same model, so that their difference is
    the balancing (sampler, class weights, loss, or an ensemble's balanced bootstraps) alone:
    ``class_weight+logreg`` and ``none+logreg`` are, ``none+torch_mlp:logit_adjusted`` and ``none+torch_mlp:ce`` are,
    ``none+balanced_rf`` and ``none+rf`` are; ``none+torch_mlp:ce`` and ``none+logreg`` are not (that difference
    is model capacity)."""
    return family_model(method) == family_model(other)


def balances_nothing(method: str) -> bool:
    """No sampler, no class weights, plain cross-entropy and no balancing ensemble: the plain version of its model
    (``none+rf`` is, ``none+balanced_rf`` is not)."""
    sampler, model, loss = parse(method)
    return sampler == "none" and loss in (None, "ce") and model not in BALANCING_ENSEMBLES


def capacity_note(method: str, baseline: str) -> str:
    """A sentence when ``method`` differs from ``baseline`` by its model rather than by balancing (no sampler,
    no class weights, plain cross-entropy), so that a capacity gain is not read as a balancing result; else ""."""
    if balances_nothing(method) and not within_family(method, baseline):
        return _(" It balances nothing (no sampler, no class weights, plain cross-entropy): the gain is the model "
                 "`{model}` against `{baseline}`, not balancing; compare balancing within one model.").format(
            model=family_model(method), baseline=family_model(baseline))
    return ""
