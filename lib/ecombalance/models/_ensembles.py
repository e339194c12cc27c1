"""imbalanced-learn's balancing ensembles, each beside the plain scikit-learn ensemble it changes, and boosted
trees as teams run them (LightGBM).

A balancing ensemble re-balances the rows *inside* each member: every bootstrap (bagging, random forest) or every
boosting round (RUSBoost) is drawn with imbalanced-learn's ``RandomUnderSampler``, so each tree or booster sees
the classes in equal numbers while the ensemble as a whole still sees every row. Its plain counterpart
(:data:`PLAIN_COUNTERPART`) is the same ensemble with the same members and settings and that sampler left out,
so that the difference between the two is the balancing alone:

========================  =====================================  ==============================================
balancing ensemble        what it balances                       plain counterpart
========================  =====================================  ==============================================
``balanced_rf``           each tree's sample: every class drawn  ``rf``: ``RandomForestClassifier``, each tree on
                          with replacement to the smallest       a bootstrap of all rows (Chen, Liaw & Breiman
                          class's count (strategy "all", with    2004, *Using random forest to learn imbalanced
                          replacement, no second bootstrap)      data*)
``balanced_bagging``      each bootstrap under-sampled to the    ``bagging``: ``BaggingClassifier`` of the same
                          smallest class (Wallace et al. 2011;   decision trees on bootstraps of all rows
                          Hido & Kashima 2009)
``easy_ensemble``         each AdaBoost member trained on all    ``bagged_adaboost``: ``BaggingClassifier`` of the
                          rows of the smallest class and as      same AdaBoost members on bootstraps of all rows
                          many random rows of each other class   (Liu, Wu & Zhou 2009, *Exploratory
                          (no bootstrap)                         undersampling for class-imbalance learning*)
``rusboost``              each boosting round fitted on an       ``adaboost``: ``AdaBoostClassifier`` with the
                          under-sample of the weighted rows      same trees, rounds and learning rate (Seiffert
                                                                 et al. 2010, *RUSBoost*)
========================  =====================================  ==============================================

``easy_ensemble``'s counterpart is a bagging of AdaBoost, not one ``adaboost``: EasyEnsemble *is* a bagging of
AdaBoost learners, each behind an under-sampler (imbalanced-learn builds every member as the pipeline
``RandomUnderSampler -> AdaBoostClassifier``); removing the under-sampler leaves scikit-learn's
``BaggingClassifier`` of the same AdaBoost learners. Against a single ``adaboost`` the difference would also hold
the averaging of ten boosters (model capacity), which the chapters keep apart from balancing. Without its sampler
each member still needs rows of its own, or the ten would be one AdaBoost ten times: they get the bootstrap, a
bagging's own way to draw them. Each member is wrapped in a one-step scikit-learn ``Pipeline``, as EasyEnsemble's
are, so that the bagging draws rows by indexing them (a member that takes ``sample_weight`` would get the
bootstrap as weights with zeros, which AdaBoost takes the logarithm of).

``lightgbm`` is ``lightgbm.LGBMClassifier`` with the settings of :func:`ecombalance.models._pipelines.make_model`'s
``gboost`` (50 rounds, 15 leaves, learning rate 0.1, at least 20 rows a leaf). Its class weighting is
``class_weight="balanced"`` (:math:`w_c = N / (C N_c)`), the definition every ``class_weight+<model>`` method
uses, and it works for any number of classes. Teams with two classes often set ``scale_pos_weight``
:math:`= N_{neg} / N_{pos}` (or ``is_unbalance``) instead. The ratio of the two classes' weights is the same, and
multiplying every weight by one factor changes neither the best split nor a leaf's value (both come from sums of
gradients over sums of hessians; LightGBM's default L2 penalty is 0); what differs is the starting score. LightGBM starts boosting from the log-odds of the training rows
(``boost_from_average``): under class weights the *weighted* rows, 0 for balanced classes; under
``scale_pos_weight`` the unweighted ones, the data's own prior. With ``boost_from_average=False`` the two give the same
probabilities; with it, 50 rounds at learning rate 0.1 do not forget the start (``tests/test_ensembles.py``
measures both). ``class_weight+lightgbm`` is therefore the balanced model from its first tree on, like every other
``class_weight`` method.

Sizes are small so that the quick report stays fast (the documented case has 600 rows): ``n_estimators`` as
:data:`DEFAULT_SIZE`; pass ``n_estimators`` (and any other parameter) to :func:`make_ensemble` for more. Every model
here takes TF-IDF's sparse matrix as it is (scikit-learn's trees split sparse columns, LightGBM bins them and
bundles the exclusive ones), so none needs the ``dense`` step HistGradientBoosting gets in
:func:`ecombalance.models._pipelines.pipeline` (:func:`~ecombalance.models._pipelines.densify`); on the 300-column
capped TF-IDF of notebook 03 dense and sparse input fit in about the same time, and sparse input keeps the memory
of a large vocabulary small.
"""

from __future__ import annotations

from typing import Any

from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

PLAIN_COUNTERPART = {"balanced_rf": "rf", "balanced_bagging": "bagging", "easy_ensemble": "bagged_adaboost",
                     "rusboost": "adaboost"}
"""Each balancing ensemble's plain counterpart: the same ensemble without its per-member under-sampling."""

BALANCING_ENSEMBLES = tuple(PLAIN_COUNTERPART)
"""imbalanced-learn's ensembles that balance inside each bootstrap or boosting round."""

PLAIN_ENSEMBLES = tuple(PLAIN_COUNTERPART.values())
"""scikit-learn's ensembles without balancing, one per balancing ensemble."""

ENSEMBLES = (*PLAIN_ENSEMBLES, *BALANCING_ENSEMBLES)
"""Every ensemble :func:`make_ensemble` builds (``lightgbm`` apart: :func:`make_lightgbm`)."""

DEFAULT_SIZE = {"rf": 100, "balanced_rf": 100, "bagging": 10, "balanced_bagging": 10, "bagged_adaboost": 10,
                "easy_ensemble": 10, "adaboost": 50, "rusboost": 50}
"""``n_estimators`` of each ensemble: trees of a forest, members of a bagging (imbalanced-learn's and scikit-learn's
defaults), boosting rounds; ``easy_ensemble`` and ``bagged_adaboost`` bag 10 AdaBoost learners of
:data:`BOOSTER_ROUNDS` rounds each."""

BOOSTER_ROUNDS = 10
"""Boosting rounds of each AdaBoost member of ``easy_ensemble`` and ``bagged_adaboost`` (imbalanced-learn's default
AdaBoost has 50; 10 members x 10 rounds keep the pair about as fast as one 100-round AdaBoost)."""

BOOST_DEPTH = 2
"""Depth of the trees every AdaBoost here boosts (``adaboost``, ``rusboost`` and the members of ``easy_ensemble``
and ``bagged_adaboost``): with three or more classes a stump (depth 1) tells one class from the rest per round;
on one 480 / 120 split of the documented case (300 TF-IDF terms) depth-2 trees lifted AdaBoost's held-out
macro-F1 from 0.55 to 0.78 at the same 50 rounds."""


def counterpart(model: str) -> str:
    """The plain model a method with ``model`` is judged against: :data:`PLAIN_COUNTERPART` of a balancing
    ensemble, ``model`` itself otherwise."""
    return PLAIN_COUNTERPART.get(model, model)


def _booster(random_state: Any) -> AdaBoostClassifier:
    return AdaBoostClassifier(DecisionTreeClassifier(max_depth=BOOST_DEPTH), n_estimators=BOOSTER_ROUNDS,
                              random_state=random_state)


def make_ensemble(name: str, random_state: Any = None, **params: Any) -> Any:
    """Build an unfitted ensemble of :data:`ENSEMBLES` by name.

    Each balancing ensemble (``balanced_rf``, ``balanced_bagging``, ``easy_ensemble``, ``rusboost``; imbalanced-learn)
    and its plain counterpart (``rf``, ``bagging``, ``bagged_adaboost``, ``adaboost``; scikit-learn) share their
    members' settings (trees, rounds, learning rate), so that the two differ by the per-member under-sampling.
    Every AdaBoost boosts trees of depth 2; ``easy_ensemble`` and ``bagged_adaboost`` bag AdaBoost learners of 10
    rounds each.

    Parameters
    ----------
    name : str
        A name of :data:`ENSEMBLES`.
    random_state : int, RandomState instance or None, default=None
        Seeds the ensemble (and the AdaBoost members of ``easy_ensemble`` and ``bagged_adaboost``).
    **params : dict
        Further parameters of the estimator; ``n_estimators`` defaults to the ensemble's size in
        :data:`DEFAULT_SIZE` (100 trees of a forest, 10 members of a bagging, 50 boosting rounds).

    Returns
    -------
    estimator
        The unfitted scikit-learn or imbalanced-learn ensemble classifier.

    Raises
    ------
    ValueError
        When ``name`` is not in :data:`ENSEMBLES`.

    See Also
    --------
    make_model : Every model by name, the ensembles included.

    References
    ----------
    .. [1] Chen, C., Liaw, A. & Breiman, L. (2004). Using random forest to learn imbalanced data.
    .. [2] Hido, S. & Kashima, H. (2009). Roughly balanced bagging for imbalanced data.
    .. [3] Wallace, B. C. et al. (2011). Class imbalance, redux.
    .. [4] Liu, X.-Y., Wu, J. & Zhou, Z.-H. (2009). Exploratory undersampling for class-imbalance learning.
    .. [5] Seiffert, C. et al. (2010). RUSBoost: a hybrid approach to alleviating class imbalance.

    Examples
    --------
    >>> from ecombalance.models import make_ensemble
    >>> make_ensemble("balanced_bagging", n_estimators=5)
    BalancedBaggingClassifier(estimator=DecisionTreeClassifier(), n_estimators=5)
    >>> make_ensemble("rf").n_estimators
    100
    """
    from imblearn.ensemble import (BalancedBaggingClassifier, BalancedRandomForestClassifier, EasyEnsembleClassifier,
                                   RUSBoostClassifier)

    if name not in ENSEMBLES:
        raise ValueError(f"unknown ensemble {name!r}; choose one of {', '.join(ENSEMBLES)}")
    params = {"n_estimators": DEFAULT_SIZE[name], "random_state": random_state, **params}
    if name == "rf":
        return RandomForestClassifier(**params)
    if name == "balanced_rf":  # imbalanced-learn >= 0.13's defaults, spelled out: balanced draws, no second bootstrap
        return BalancedRandomForestClassifier(**{"sampling_strategy": "all", "replacement": True, "bootstrap": False,
                                                 **params})
    if name == "bagging":
        return BaggingClassifier(**{"estimator": DecisionTreeClassifier(), **params})
    if name == "balanced_bagging":
        return BalancedBaggingClassifier(**{"estimator": DecisionTreeClassifier(), **params})
    if name == "bagged_adaboost":
        return BaggingClassifier(**{"estimator": Pipeline([("classifier", _booster(random_state))]), **params})
    if name == "easy_ensemble":
        return EasyEnsembleClassifier(**{"estimator": _booster(random_state), **params})
    tree = DecisionTreeClassifier(max_depth=BOOST_DEPTH)
    if name == "adaboost":
        return AdaBoostClassifier(**{"estimator": tree, **params})
    return RUSBoostClassifier(**{"estimator": tree, **params})


LIGHTGBM_DEFAULTS = {"n_estimators": 50, "num_leaves": 15, "learning_rate": 0.1, "min_child_samples": 20,
                     "n_jobs": 1, "verbose": -1}
"""``lightgbm``'s settings: those of ``gboost`` (HistGradientBoosting's ``max_iter=50``, ``max_leaf_nodes=15``,
``learning_rate=0.1``, ``min_samples_leaf=20``), so that the two boosted models differ by their implementation; one
thread per fit (the experiment runner fits folds in parallel processes). LightGBM's own default, every core,
ran tens of times slower inside the runner's one-thread limit (threadpoolctl) on this project's 2-core machine."""


def make_lightgbm(random_state: Any = None, **params: Any) -> Any:
    """``lightgbm.LGBMClassifier`` with :data:`LIGHTGBM_DEFAULTS` (ImportError naming the package when LightGBM is
    not installed)."""
    try:
        from lightgbm import LGBMClassifier
    except ImportError as error:  # pragma: no cover - lightgbm is a dependency
        raise ImportError("the model 'lightgbm' needs the lightgbm package: pip install lightgbm") from error
    return LGBMClassifier(**{**LIGHTGBM_DEFAULTS, "random_state": random_state, **params})
