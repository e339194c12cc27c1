"""Methods by name for the effect-evaluation chapter: ``"<sampler>+<model>"``.

- ``<sampler>``: a name in :data:`ecombalance.sampling._resampling.SAMPLERS` (``none``, ``random_over``,
  ``smote``, ...) or ``class_weight`` (no resampling; the model weighs classes by N / (C·N_c));
- ``<model>``: a name in :data:`ecombalance.models._pipelines.MODELS` (``logreg``, ``gboost``, ``mlp``,
  ``lightgbm``, the ensembles ``rf``, ``bagging``, ``bagged_adaboost``, ``adaboost`` and imbalanced-learn's
  balancing ``balanced_rf``, ``balanced_bagging``, ``easy_ensemble``, ``rusboost``), or ``torch_mlp:<loss>`` for
  :class:`ecombalance.models._neural.TorchMLPClassifier` trained with a loss from
  :data:`ecombalance.models._losses.LOSSES` (``torch_mlp:focal``, ``torch_mlp:logit_adjusted``, ...).

A balancing ensemble balances inside its own bootstraps or boosting rounds, so ``none+balanced_rf`` balances
although it has no sampler: its model's *family* (:func:`family_model`) is its plain counterpart (``rf``;
:data:`ecombalance.models._ensembles.PLAIN_COUNTERPART`), and ``none+rf`` is the plain version it is judged against.

Every method is a pipeline ``preprocess -> sampler -> model`` that the experiment runner clones and
fits per training fold, so resampling never touches evaluation rows.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ecombalance.data._table import Table
from ecombalance.i18n import gettext as _
from ecombalance.i18n import join
from ecombalance.models import _pipelines as pipelines
from ecombalance.models._ensembles import BALANCING_ENSEMBLES, counterpart
from ecombalance.models._features import make_preprocessor
from ecombalance.sampling import _resampling as resampling
from ecombalance.sampling._weights import class_priors

DEFAULT_METHODS = ("none+logreg", "class_weight+logreg", "random_over+logreg", "smote+logreg", "random_under+logreg",
                   "none+torch_mlp:ce", "none+torch_mlp:logit_adjusted")
"""The methods every table gets by default (notebook 06 and :func:`ecombalance.compare`, through
:func:`default_methods`): the unbalanced baseline, class weights, three samplers with the same logistic regression,
and a torch MLP with plain and logit-adjusted cross-entropy (balancing compared within one model)."""

TREE_METHODS = ("none+gboost", "class_weight+gboost")
"""Added by :func:`default_methods` for a table of numbers and categories (numeric or categorical feature columns,
no free text beside a text pair, whose similarities are numbers): gradient-boosted trees (scikit-learn's
``HistGradientBoostingClassifier``, :data:`MODEL_PARAMS`) without and with class weights, so that the tree model's
balancing is judged within its own family. On such tables boosted trees are what a practitioner fits first; the
plain scikit-learn baselines of the development tables are ``HistGradientBoostingClassifier(class_weight=
"balanced")``. A table with free text is left to the linear model on its full TF-IDF: on 62,774 generated Chinese
reviews (10 classes, one numeric column) the trees reached macro-F1 0.79–0.81 against 0.87 for logistic regression,
at 25 times its fit time (one fold); add ``"none+gboost"``, ``"class_weight+gboost"`` to ``methods`` to run them."""

FULL_VOCABULARY_MODELS = frozenset({"logreg"})
"""Models that read the full sparse TF-IDF vocabulary of every text column: linear models, whose cost grows with
the non-zero entries, not with the vocabulary."""

DENSE_MAX_FEATURES = 100
"""Vocabulary of each text column for the models that need dense input (every model outside
:data:`FULL_VOCABULARY_MODELS`: ``gboost``, ``mlp``, ``torch_mlp``): the most frequent terms of the training
fold. A dense matrix of the full vocabulary (tens of thousands of columns) makes these models slow and, measured
on the development tables, worse: on 3,099 product pairs (``wdc_shoes_pairs``, 5 stratified folds, macro-F1) the
torch MLP reached 0.663 with every term, 0.738 with 1,000, 0.754 with 300 and 0.804 with 100 terms per column;
HistGradientBoosting (200 rounds) 0.823 with 100 and 0.844 with 30 terms, where the pair similarities carry most of
the signal, against 0.818 for the 50-round model on every term at 18 times the time of 300 terms."""

MODEL_PARAMS = {"gboost": {"max_iter": 100, "max_leaf_nodes": 31, "early_stopping": "auto"}}
"""Parameters of the models the comparison builds (:func:`build`) that differ from
:func:`ecombalance.models._pipelines.make_model`'s: ``gboost`` is HistGradientBoosting with scikit-learn's own
defaults (100 rounds, 31 leaves, learning rate 0.1, early stopping on a tenth of the training rows above 10,000
rows), as the plain scikit-learn baselines fit it; ``make_model("gboost")`` (50 rounds, 15 leaves) is notebook 03's
quick classifier. Measured on the development tables (5 stratified folds, pooled out-of-fold macro-F1 / balanced
accuracy with class weights): bank marketing (45,211 rows) 0.751 / 0.869 against 0.734 / 0.860 for the 50-round
model; Catsup (2,798 rows, grouped) 0.532 / 0.590, the baseline's own numbers."""

MAX_ROW_PASSES = 240_000
"""The most rows one fit of a ``torch_mlp`` method passes over (epochs × training rows): :func:`epochs_for`."""

BALANCING_SAMPLERS = {"class_weight", "random_under", "random_over", "smote", "borderline_smote", "adasyn",
                      "svm_smote", "smotenc", "smoten", "smote_tomek", "smote_enn"}


def parse(spec: str) -> tuple[str, str, str | None]:
    """``"smote+logreg"`` -> ``("smote", "logreg", None)``; ``"none+torch_mlp:focal"`` -> ``("none", "torch_mlp", "focal")``."""
    from ecombalance.models._losses import LOSSES

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


def default_methods(tbl: Table) -> tuple[str, ...]:
    """The methods notebook 06 and :func:`ecombalance.compare` run on ``tbl`` when none are named:
    :data:`DEFAULT_METHODS`, and :data:`TREE_METHODS` for a table of numbers and categories: numeric or
    categorical feature columns or a text pair (whose similarity features are numbers), and no text column
    outside the pair."""
    free_text = [c for c in tbl.text_cols if c not in (tbl.text_pair or ())]
    tabular = bool(tbl.numeric_cols or tbl.categorical_cols or tbl.text_pair) and not free_text
    return DEFAULT_METHODS + (TREE_METHODS if tabular else ())


def vocabulary(model: str) -> int | None:
    """The TF-IDF vocabulary of each text column for ``model``: None (every term) for
    :data:`FULL_VOCABULARY_MODELS`, :data:`DENSE_MAX_FEATURES` for models that need dense input."""
    return None if model in FULL_VOCABULARY_MODELS else DENSE_MAX_FEATURES


def vocabulary_note(tbl: Table, methods: Sequence[str]) -> str:
    """A Markdown bullet saying which methods read the full TF-IDF vocabulary and which a capped one, when
    ``tbl`` has text columns and ``methods`` mix the two; else ""."""
    if not tbl.text_cols:
        return ""
    capped = [m for m in methods if vocabulary(parse(m)[1]) is not None]
    if not capped:
        return ""
    full = [m for m in methods if m not in capped]
    models = join(f"`{m}`" for m in dict.fromkeys(parse(m)[1] for m in capped))
    full_part = (_("{models} read every TF-IDF term of the text; ").format(
        models=join(f"`{m}`" for m in dict.fromkeys(parse(m)[1] for m in full))) if full else "")
    return _("- Text: {full}{models} need dense input and read the {n} most frequent terms of each text column in the "
             "training folds (`experiments.DENSE_MAX_FEATURES`).").format(full=full_part, models=models,
                                                                         n=DENSE_MAX_FEATURES)


def no_ranking_note() -> str:
    """Notebook 06's note in place of the ranking table when the label is not graded relevance."""
    return _("*No relevance gains: NDCG@k, MRR and recall@k are computed only when the label is graded relevance (the "
             "search log's ESCI labels). A group column alone only keeps each group on one side of the folds.*")


def compared_on_every_row_note(n_rows: int, chosen: str) -> str:
    """Notebook 06's note in place of the every-row check when the comparison already ran on every row."""
    return _("*Compared on every row ({n:,}); recommended: `{method}`.*").format(n=n_rows, method=chosen)


def two_class_note(n_classes: int) -> str:
    """Notebook 06's note in place of the positive-class view and the decision rules on a table of more classes."""
    return _("*{n} classes: the positive-class view and the decision rules apply to two-class tables.*").format(
        n=n_classes)


def epochs_for(n_rows: int, epochs: int = 30) -> int:
    """The training epochs of a ``torch_mlp`` method on ``n_rows`` rows: ``epochs``, or fewer on a large table
    so that one fit passes over at most :data:`MAX_ROW_PASSES` rows,
    :math:`\\min(\\mathrm{epochs}, \\lceil \\mathrm{MAX\\_ROW\\_PASSES} / n \\rceil)` (at least 1).

    The cost of a fit then stops growing with the table (about :data:`MAX_ROW_PASSES` / 64 optimizer steps of 64
    rows), decided by the size alone, never by a clock; a large table gives as many steps per epoch as a small
    table gives over all its epochs."""
    if isinstance(n_rows, bool) or not isinstance(n_rows, (int, np.integer)) or n_rows < 1:
        raise ValueError(f"n_rows must be a positive int, got {n_rows!r}")
    return int(max(1, min(int(epochs), -(-MAX_ROW_PASSES // int(n_rows)))))


def build(tbl: Table, spec: str, random_state: int = 0, epochs: int = 30, text: str = "tfidf",
          max_features: int | None | str = "auto"):
    """The pipeline for one method on ``tbl``'s feature columns.

    ``max_features``: TF-IDF terms per text column; ``"auto"`` is :func:`vocabulary` of the method's model (every
    term for a linear model, :data:`DENSE_MAX_FEATURES` for models that need dense input), an int or None (every
    term) applies to any model. ``gboost`` is built with :data:`MODEL_PARAMS`; a ``torch_mlp`` trains
    :func:`epochs_for` the table's rows."""
    from ecombalance.models._neural import TorchMLPClassifier

    sampler, model, loss = parse(spec)
    if model == "torch_mlp":
        estimator = TorchMLPClassifier(loss=loss, epochs=epochs_for(max(len(tbl.frame), 1), epochs),
                                       random_state=random_state)
    elif model in MODEL_PARAMS:
        estimator = pipelines.make_model(model, random_state=random_state, **MODEL_PARAMS[model])
    else:
        estimator = model
    return pipelines.pipeline(
        preprocess=make_preprocessor(tbl, text=text,
                                     max_features=vocabulary(model) if max_features == "auto" else max_features),
        sampler="none" if sampler == "class_weight" else sampler,
        model=estimator,
        class_weight="balanced" if sampler == "class_weight" else None,
        random_state=random_state,
    )


def build_all(tbl: Table, specs: Sequence[str], random_state: int = 0, epochs: int = 30,
              max_features: int | None | str = "auto") -> dict:
    """``{spec: pipeline}``, checking every name before anything is fitted (``max_features``: :func:`build`'s)."""
    for spec in specs:
        parse(spec)
    if len(set(specs)) != len(specs):
        raise ValueError(f"methods repeat a name: {list(specs)}")
    return {spec: build(tbl, spec, random_state, epochs, max_features=max_features) for spec in specs}


def training_priors(spec: str, class_counts: Mapping) -> np.ndarray:
    """The class priors a method's model effectively learns: uniform for balancing samplers, class
    weights, the balanced losses and the balancing ensembles (every member trained on balanced rows); the data's
    own otherwise (for :func:`ecombalance.sampling._weights.prior_correct`)."""
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
