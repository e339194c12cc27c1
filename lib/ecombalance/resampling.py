"""Resampling on imbalanced-learn: samplers by name, guards, leakage-safe pipelines, comparisons.

Every sampler here is an imbalanced-learn class; :class:`GuardedSampler` only adds the checks
imbalanced-learn does not make (a class too small for ``k_neighbors``, text or categories given to
SMOTE, NaNs, a single class) with errors that say how to fix them. Resampling happens only in
:func:`pipeline` (imbalanced-learn's ``Pipeline`` calls ``fit_resample`` on the training part of each
split and skips it at predict time), so the evaluation fold keeps its original class distribution.

References
----------
Lemaître, Nogueira, Aridas (2017). Imbalanced-learn: a Python toolbox to tackle the curse of
imbalanced datasets in machine learning. JMLR 18(17).
"""

from __future__ import annotations

import inspect
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from imblearn.base import FunctionSampler
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks
from imblearn.utils import check_sampling_strategy
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

SAMPLERS = (
    "none",
    "random_under",
    "random_over",
    "smote",
    "borderline_smote",
    "adasyn",
    "svm_smote",
    "smotenc",
    "smoten",
    "tomek",
    "enn",
    "smote_tomek",
    "smote_enn",
)
"""Names :func:`make_sampler` accepts."""

SCALABLE = ("none", "random_under", "random_over", "smote")
"""Samplers whose cost stays acceptable at 1M rows x 20 features (90/9/1) on a 2-core CPU.

Measured by ``benchmarks/resampling.py`` (``benchmarks/results/resampling.json``; shared, busy
machine): at 1M rows random under-sampling takes 0.3 s, random over-sampling 2.5 s, SMOTE 24-30 s
(it searches neighbours only inside the classes it over-samples). Already at 100k rows the
others take 8 s (Borderline-SMOTE), 11 s (ADASYN), 29 s (SMOTENC), 65 s (SVM-SMOTE, Tomek links),
144 s (ENN), 188 s (SMOTEN) and over 300 s (SMOTETomek, SMOTEENN): they search neighbours over
all rows, fit an SVM on all rows, or compute value-difference metrics, and grow faster than the data.
"""

CATEGORICAL = ("smotenc", "smoten")
"""Samplers for categorical features (SMOTENC: numeric + categorical, SMOTEN: categorical only)."""

MODELS = ("logreg", "gboost", "mlp")
"""Classifier names :func:`make_model` and :func:`pipeline` accept."""

# Samplers that interpolate between neighbours within a class, and the name of their neighbour-count
# parameter (nested for the SMOTE + cleaning combinations, whose SMOTE does the over-sampling).
_NEIGHBOUR_PARAM = {
    "smote": "k_neighbors",
    "borderline_smote": "k_neighbors",
    "svm_smote": "k_neighbors",
    "smotenc": "k_neighbors",
    "smoten": "k_neighbors",
    "adasyn": "n_neighbors",
    "smote_tomek": "smote__k_neighbors",
    "smote_enn": "smote__k_neighbors",
}
# Samplers that work on any feature type: they only pick rows (none, random under-sampling) or copy
# them (random over-sampling without shrinkage); SMOTENC / SMOTEN are made for categories.
_ANY_FEATURES = {"none", "random_under", "random_over", "smotenc", "smoten"}
# Samplers that only pick or copy rows; NaN is carried along, nothing measures a distance.
_NAN_OK = {"none", "random_under", "random_over"}


class SmallClassWarning(UserWarning):
    """A class is too small for the sampler's neighbour count, which was lowered to fit it."""


class EvenOverSampler(RandomOverSampler):
    r"""Random over-sampling by whole copies: every row of a class is copied equally often.

    imbalanced-learn's ``RandomOverSampler`` draws the new rows with replacement, so some rows are
    copied several times and others never (50 -> 150 copies each row 2 times on average, not
    exactly). The design document's example ("each sample appears three times") copies each row
    the same number of times; imbalanced-learn has no such mode, hence this class. To add
    :math:`n` rows to a class of :math:`N_c`, every row is copied :math:`\lfloor n / N_c \rfloor`
    times and :math:`n \bmod N_c` distinct rows, drawn without replacement, once more.
    Chosen with ``make_sampler('random_over', replacement=False)``.

    Attributes
    ----------
    sample_indices_ : ndarray
        Positions in the input of the returned rows (originals first, then the copies).
    """

    _parameter_constraints: dict = {**BaseOverSampler._parameter_constraints}

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state)

    def _fit_resample(self, X, y):
        random_state = check_random_state(self.random_state)
        copies = [np.arange(len(y))]
        for class_sample, n_new in self.sampling_strategy_.items():
            rows = np.flatnonzero(y == class_sample)
            whole, rest = divmod(n_new, len(rows))
            copies += [np.tile(rows, whole), np.sort(random_state.choice(rows, size=rest, replace=False))]
        self.sample_indices_ = np.concatenate(copies).astype(np.intp)
        return _safe_indexing(X, self.sample_indices_), _safe_indexing(y, self.sample_indices_)


def _build(name: str, sampling_strategy: Any, random_state: Any, params: dict) -> Any:
    common = {"sampling_strategy": sampling_strategy, "random_state": random_state}
    if name == "none":
        # FunctionSampler without a function is imbalanced-learn's identity sampler.
        return FunctionSampler(validate=False, **params)
    if name in ("smote_tomek", "smote_enn"):
        # Build the inner SMOTE explicitly so that its k_neighbors can be set (and lowered at fit time);
        # this is what SMOTETomek / SMOTEENN build themselves when ``smote`` is None.
        smote_params = {k: params.pop(k) for k in ("k_neighbors",) if k in params}
        smote = params.pop("smote", None) or SMOTE(**common, **smote_params)
        combined = SMOTETomek if name == "smote_tomek" else SMOTEENN
        return combined(**common, smote=smote, **params)
    classes = {
        "random_under": RandomUnderSampler,
        "random_over": RandomOverSampler,
        "smote": SMOTE,
        "borderline_smote": BorderlineSMOTE,
        "adasyn": ADASYN,
        "svm_smote": SVMSMOTE,
        "smotenc": SMOTENC,
        "smoten": SMOTEN,
        "tomek": TomekLinks,
        "enn": EditedNearestNeighbours,
    }
    cls = classes[name]
    if name == "random_over" and params.pop("replacement", True) is False:
        if params.get("shrinkage") is not None:
            raise ValueError("random_over: replacement=False makes exact copies; it cannot be combined with shrinkage")
        cls = EvenOverSampler
    accepted = inspect.signature(cls).parameters
    kwargs = {k: v for k, v in common.items() if k in accepted}  # Tomek / ENN have no random_state
    if name == "smotenc" and "categorical_features" not in params:
        params["categorical_features"] = "auto"  # pandas 'category' columns
    return cls(**kwargs, **params)


def make_sampler(
    name: str, sampling_strategy: Any = "auto", random_state: Any = None, **params: Any
) -> GuardedSampler:
    """Build an imbalanced-learn sampler by name, wrapped in :class:`GuardedSampler`.

    Parameters
    ----------
    name : str
        One of :data:`SAMPLERS`: ``none`` (identity), ``random_under``, ``random_over`` (pass
        ``shrinkage`` for smoothed bootstrap, ROSE; ``replacement=False`` for whole copies,
        :class:`EvenOverSampler`), ``smote``, ``borderline_smote``, ``adasyn``,
        ``svm_smote``, ``smotenc`` (numeric + categorical), ``smoten`` (categorical only), ``tomek``,
        ``enn``, ``smote_tomek``, ``smote_enn``.
    sampling_strategy : str, float, dict or callable, default='auto'
        Passed to imbalanced-learn unchanged: ``'auto'``, ``'minority'``, ``'not majority'``, ...;
        a float (minority / majority ratio after resampling, binary only); a dict
        ``{class: n_samples}`` (the target count per class; a list of classes for the cleaning
        samplers); or a callable ``y -> dict``.
    random_state : int, RandomState or None
        Seed; ignored by samplers without randomness (Tomek links, ENN).
    **params
        Other parameters of the imbalanced-learn class (``k_neighbors``, ``shrinkage``,
        ``categorical_features``, ...). For ``smote_tomek`` / ``smote_enn``, ``k_neighbors`` goes to
        the inner SMOTE.

    Notes
    -----
    SMOTE (Chawla et al. 2002) creates :math:`x_{new} = x_i + \\lambda (x_{nn} - x_i)`,
    :math:`\\lambda \\sim U(0, 1)`, between a minority sample and one of its ``k_neighbors`` nearest
    neighbours of the same class. Borderline-SMOTE (Han et al. 2005) does so only from samples near
    the class border, SVM-SMOTE (Nguyen et al. 2011) from an SVM's support vectors, and ADASYN
    (He et al. 2008) more from samples surrounded by other classes. SMOTENC / SMOTEN (Chawla et al.
    2002, §6) handle categorical features. Tomek links (Tomek 1976) and ENN (Wilson 1972) remove
    samples; SMOTETomek / SMOTEENN (Batista et al. 2004) over-sample with SMOTE then clean.
    Random over-sampling with ``shrinkage`` adds Gaussian noise to each copy (Menardi & Torelli 2014).
    """
    if not isinstance(name, str) or name not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; choose one of {', '.join(SAMPLERS)}")
    if not (
        isinstance(sampling_strategy, (str, Real, Mapping, list)) or callable(sampling_strategy)
    ) or isinstance(sampling_strategy, bool):
        raise TypeError(
            f"sampling_strategy must be a str, float, dict {{class: n_samples}} or callable, "
            f"got {type(sampling_strategy).__name__}"
        )
    try:
        sampler = _build(name, sampling_strategy, random_state, dict(params))
    except TypeError as error:
        raise TypeError(f"make_sampler({name!r}): {error}") from None
    if name != "none":
        # Check parameter types now rather than at the first fit, deep inside a cross-validation.
        sampler._validate_params()
        if name in ("smote_tomek", "smote_enn"):
            sampler.smote._validate_params()
    return GuardedSampler(sampler, name=name)


class GuardedSampler(BaseEstimator):
    """An imbalanced-learn sampler with input checks and a neighbour count that fits the data.

    The checks run in ``fit_resample``, on the data the sampler actually gets: inside a pipeline
    that is the training part of each fold, whose class sizes are only known then.

    - a single class in ``y``: ``ValueError``;
    - NaN in ``X`` for a sampler that measures distances: ``ValueError`` (impute first);
    - non-numeric features for SMOTE & co.: ``TypeError`` pointing to SMOTENC / SMOTEN, encoding,
      and TF-IDF / embeddings for text;
    - a class to over-sample with fewer than ``k_neighbors + 1`` samples: ``k_neighbors`` is lowered
      to (smallest such class size - 1) with a :class:`SmallClassWarning`; a class with a single
      sample cannot be interpolated: ``ValueError`` naming it.

    Parameters
    ----------
    sampler : imbalanced-learn sampler
        The sampler to run; it is cloned at each fit (``sampler_``).
    name : str or None
        Its name in :data:`SAMPLERS`; None infers nothing and runs only the generic checks.
    """

    def __init__(self, sampler: Any, name: str | None = None):
        self.sampler = sampler
        self.name = name

    def _check(self, X: Any, y: Any) -> np.ndarray:
        y_array = np.asarray(y)
        if y_array.ndim != 1:
            raise ValueError(f"y must be one label per row (1-D), got shape {y_array.shape}")
        if len(y_array) != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(y_array)} labels")
        labels = pd.unique(pd.Series(y_array))
        if len(labels) < 2:
            raise ValueError(
                f"y holds a single class ({labels[0]!r} x {len(y_array)}): there is nothing to "
                "balance; check the label column, or the split (stratify it)"
            )
        name = self.name
        if name is not None and name not in _ANY_FEATURES:
            _check_numeric(X, name)
        if name is not None and name not in _NAN_OK and _has_nan(X):
            raise ValueError(
                f"{name} measures distances between rows and X contains NaN: impute missing values "
                "first (sklearn.impute.SimpleImputer in the preprocessing), or use random_under / "
                "random_over, which only pick or copy rows"
            )
        return y_array

    def _fit_neighbours(self, sampler: Any, y: np.ndarray) -> None:
        param = _NEIGHBOUR_PARAM.get(self.name)
        if param is None:
            return
        k = sampler.get_params()[param]
        if not isinstance(k, Integral):  # a NearestNeighbors object: the user chose, leave it alone
            return
        inner = sampler.smote if "__" in param else sampler
        targets = check_sampling_strategy(inner.sampling_strategy, y, "over-sampling")
        counts = Counter(y.tolist())
        sizes = {_plain(c): counts[_plain(c)] for c, n_new in targets.items() if n_new > 0}
        singles = [c for c, n in sizes.items() if n < 2]
        if singles:
            raise ValueError(
                f"{self.name} cannot over-sample class(es) {singles}: a single sample has no "
                "neighbour of its class to interpolate with; collect more samples, merge the "
                "class, or use random_over (copies) for it"
            )
        small = {c: n for c, n in sizes.items() if n < k + 1}
        if small:
            new_k = min(small.values()) - 1
            detail = ", ".join(f"class {c!r} has {n} samples" for c, n in small.items())
            warnings.warn(
                f"{self.name}: {detail}, fewer than {param.split('__')[-1]} + 1 = {k + 1}; "
                f"lowering {param.split('__')[-1]} to {new_k}",
                SmallClassWarning,
                stacklevel=3,
            )
            sampler.set_params(**{param: new_k})

    def fit_resample(self, X: Any, y: Any, **params: Any) -> tuple[Any, Any]:
        """Check the input, fit the neighbour count to it and resample with ``sampler_``."""
        y_array = self._check(X, y)
        self.sampler_ = clone(self.sampler)
        self._fit_neighbours(self.sampler_, y_array)
        return self.sampler_.fit_resample(X, y, **params)

    def fit(self, X: Any, y: Any, **params: Any) -> GuardedSampler:
        """Resample once to fit ``sampler_``; use :meth:`fit_resample`."""
        self.fit_resample(X, y, **params)
        return self

    @property
    def sampling_strategy_(self) -> Any:
        """The fitted sampler's ``sampling_strategy_`` (samples to add / classes to clean)."""
        return self.sampler_.sampling_strategy_

    def __sklearn_tags__(self):
        return self.sampler.__sklearn_tags__()


def _plain(label: Any) -> Any:
    """A numpy scalar label as the Python value (so that messages show 'c', not np.str_('c'))."""
    return label.item() if isinstance(label, np.generic) else label


def _check_numeric(X: Any, name: str) -> None:
    if sp.issparse(X):
        bad = [] if np.issubdtype(X.dtype, np.number) else ["(sparse matrix)"]
    elif isinstance(X, pd.DataFrame):
        bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    else:
        array = np.asarray(X)
        bad = []
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            try:
                array.astype(float)
            except (TypeError, ValueError):
                bad = ["(array of dtype " + str(array.dtype) + ")"]
    if bad:
        raise TypeError(
            f"{name} interpolates between numeric feature vectors, but these features are not "
            f"numeric: {bad}. Categorical features: use 'smotenc' (numeric + categorical) or "
            "'smoten' (categorical only), or one-hot encode them first. Text must go through "
            "TF-IDF or sentence embeddings first (ecombalance.preprocess.make_preprocessor)."
        )


def _has_nan(X: Any) -> bool:
    data = X.data if sp.issparse(X) else X
    if isinstance(data, pd.DataFrame):
        return bool(data.isna().to_numpy().any())
    array = np.asarray(data)
    if np.issubdtype(array.dtype, np.floating):
        return bool(np.isnan(array).any())
    return False


# --- class weighting: the "no resampling" alternative ------------------------------------------


def class_weights(y: Any, class_weight: str | Mapping = "balanced") -> dict:
    """Class weights to pass to a model instead of resampling.

    ``'balanced'`` gives :math:`w_c = N / (C \\cdot N_c)` (King & Zeng 2001, scikit-learn's
    heuristic), so that every class carries the same total weight :math:`N / C`.
    """
    classes = np.unique(np.asarray(y))
    weights = compute_class_weight(class_weight, classes=classes, y=np.asarray(y))
    return {_plain(c): float(w) for c, w in zip(classes, weights)}


def sample_weights(y: Any, class_weight: str | Mapping = "balanced") -> np.ndarray:
    """Per-row weights :math:`w_{y_i}` for ``fit(X, y, sample_weight=...)``; see :func:`class_weights`."""
    return compute_sample_weight(class_weight, np.asarray(y))


class ClassWeightedClassifier(ClassifierMixin, BaseEstimator):
    """Fit a classifier with per-row class weights, for models without a ``class_weight`` parameter.

    scikit-learn's ``MLPClassifier`` accepts ``sample_weight`` in ``fit`` but has no
    ``class_weight``; this passes :func:`sample_weights` of the training labels.
    """

    def __init__(self, estimator: Any, class_weight: str | Mapping = "balanced"):
        self.estimator = estimator
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any) -> ClassWeightedClassifier:
        self.estimator_ = clone(self.estimator).fit(X, y, sample_weight=sample_weights(y, self.class_weight))
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X: Any) -> np.ndarray:
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.estimator_.predict_proba(X)


# --- models and pipelines ----------------------------------------------------------------------


def make_model(name: str, random_state: Any = None, **params: Any) -> Any:
    """A classifier by name: ``logreg``, ``gboost`` (HistGradientBoosting) or ``mlp`` (small MLP)."""
    if name == "logreg":
        return LogisticRegression(**{"max_iter": 1000, **params})
    if name == "gboost":
        defaults = {"max_iter": 50, "max_leaf_nodes": 15, "early_stopping": False}
        return HistGradientBoostingClassifier(**{**defaults, "random_state": random_state, **params})
    if name == "mlp":
        defaults = {"hidden_layer_sizes": (32,), "max_iter": 200, "early_stopping": False}
        return MLPClassifier(**{**defaults, "random_state": random_state, **params})
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)} or pass an estimator")


def _densify(X: Any) -> Any:
    return X.toarray() if sp.issparse(X) else X


def pipeline(
    preprocess: Any = None,
    sampler: Any = "none",
    model: Any = "logreg",
    class_weight: str | Mapping | None = None,
    random_state: Any = None,
) -> Pipeline:
    """``preprocess -> sampler -> model`` as an imbalanced-learn Pipeline.

    The pipeline resamples only in ``fit`` (the training part of a split); ``predict`` and
    ``score`` skip the sampler, so evaluation data keep their original class distribution.

    Parameters
    ----------
    preprocess : transformer, None or 'passthrough'
        Fitted on the training part only, like everything else in the pipeline.
    sampler : str or sampler
        A name in :data:`SAMPLERS` (built with :func:`make_sampler`) or any object with
        ``fit_resample``.
    model : str or classifier
        A name in :data:`MODELS` or an estimator.
    class_weight : 'balanced', dict or None
        The class-weighting alternative to resampling: set on models with a ``class_weight``
        parameter, else applied through ``sample_weight`` (:class:`ClassWeightedClassifier`).
    """
    if isinstance(sampler, str):
        sampler = make_sampler(sampler, random_state=random_state)
    elif not hasattr(sampler, "fit_resample"):
        raise TypeError(f"sampler must be a name in SAMPLERS or have fit_resample, got {type(sampler).__name__}")
    model = make_model(model, random_state=random_state) if isinstance(model, str) else clone(model)
    if class_weight is not None:
        if "class_weight" in model.get_params():
            model.set_params(class_weight=class_weight)
        elif "sample_weight" in inspect.signature(model.fit).parameters:
            model = ClassWeightedClassifier(model, class_weight=class_weight)
        else:
            raise ValueError(
                f"{type(model).__name__} takes neither class_weight nor sample_weight; "
                "use a sampler instead of class weighting"
            )
    steps = [("preprocess", preprocess if preprocess is not None else "passthrough"), ("sampler", sampler)]
    if isinstance(model, HistGradientBoostingClassifier):  # it needs dense input; TF-IDF is sparse
        steps.append(("dense", FunctionTransformer(_densify, accept_sparse=True)))
    return Pipeline([*steps, ("model", model)])


# --- the design document's worked examples -------------------------------------------------------


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


# --- what a sampler did -------------------------------------------------------------------------


def resample_counts(X: Any, y: Any, samplers: Iterable[str], random_state: Any = 0) -> pd.DataFrame:
    """Class counts before and after each sampler, with the time it took, one row per sampler."""
    classes = list(pd.Series(np.asarray(y)).value_counts().index)
    rows = {"(before)": {**pd.Series(np.asarray(y)).value_counts().to_dict(), "seconds": 0.0}}
    for name in samplers:
        start = time.perf_counter()
        _, y_res = make_sampler(name, random_state=random_state).fit_resample(X, y)
        rows[name] = {**pd.Series(np.asarray(y_res)).value_counts().to_dict(), "seconds": time.perf_counter() - start}
    table = pd.DataFrame(rows).T
    return table[[*classes, "seconds"]].astype({c: "int64" for c in classes})


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


def projection(
    X: Any, y: Any, samplers: Iterable[str], random_state: Any = 0
) -> pd.DataFrame:
    """2-D view of each sampler's output: TruncatedSVD fitted on the original X, so all share axes.

    Returns a long frame with columns ``sampler``, ``x``, ``y``, ``label``, ``origin``.
    """
    X_num = np.asarray(_densify(X), dtype=float)
    svd = TruncatedSVD(n_components=2, random_state=random_state).fit(X_num)
    frames = []
    for name in ["none", *[s for s in samplers if s != "none"]]:
        X_res, y_res = make_sampler(name, random_state=random_state).fit_resample(X_num, y)
        coords = svd.transform(X_res)
        frames.append(
            pd.DataFrame({"sampler": name, "x": coords[:, 0], "y": coords[:, 1],
                          "label": np.asarray(y_res), "origin": row_origin(X_num, X_res)})
        )
    return pd.concat(frames, ignore_index=True)


def plot_projection(frame: pd.DataFrame, ncols: int = 4):
    """Small multiples of :func:`projection`: originals as dots, synthetic points as crosses."""
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(frame["sampler"]))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3 * nrows), sharex=True, sharey=True, squeeze=False)
    colours = dict(zip(pd.unique(frame["label"]), plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for ax, name in zip(axes.flat, names):
        part = frame[frame["sampler"] == name]
        for label, colour in colours.items():
            for origin, marker, alpha in (("original", "o", 0.5), ("copy", "o", 0.5), ("synthetic", "x", 0.8)):
                pts = part[(part["label"] == label) & (part["origin"] == origin)]
                ax.scatter(pts["x"], pts["y"], s=8, marker=marker, color=colour, alpha=alpha,
                           label=f"{label} ({origin})" if origin != "copy" else None)
        ax.set_title(f"{name} (n={len(part)})", fontsize=9)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig


# --- leakage and comparison ---------------------------------------------------------------------


def leakage_demo(
    X: Any,
    y: Any,
    sampler: Any = "random_over",
    model: Any = "logreg",
    cv: int = 5,
    preprocess: Any = None,
    scoring: str = "balanced_accuracy",
    random_state: Any = 0,
) -> pd.DataFrame:
    """Cross-validated score when resampling before the split (leaks) vs inside each training fold.

    *Before the split* (the design document's §5.2): preprocess and resample all data, then
    cross-validate the model on the result. Copies or interpolations of a test row sit in the
    training folds, and the test folds are balanced rather than the real distribution: the score
    is inflated. *Inside each fold*: :func:`pipeline` resamples only the training part and scores
    on untouched rows. Both use the same ``StratifiedKFold(cv, shuffle=True, random_state)``.

    Returns a frame with one row per protocol and columns ``mean``, ``std`` and the fold scores.
    """
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    sampler = make_sampler(sampler, random_state=random_state) if isinstance(sampler, str) else sampler
    features = X if preprocess is None else clone(preprocess).fit_transform(X, y)
    X_res, y_res = clone(sampler).fit_resample(features, y)
    leaky = pipeline(None, "none", model, random_state=random_state)
    before = cross_val_score(leaky, X_res, y_res, cv=folds, scoring=scoring)
    honest = pipeline(preprocess, clone(sampler), model, random_state=random_state)
    inside = cross_val_score(honest, X, y, cv=folds, scoring=scoring)
    scores = {"resample before the split (leaks)": before, "resample inside each training fold": inside}
    return pd.DataFrame(
        {k: {"mean": v.mean(), "std": v.std(), **{f"fold {i}": s for i, s in enumerate(v)}} for k, v in scores.items()}
    ).T


def _scores(y_true: np.ndarray, y_pred: np.ndarray, classes: list) -> dict[str, float]:
    recalls = recall_score(y_true, y_pred, labels=classes, average=None, zero_division=0)
    return {
        "macro_f1": f1_score(y_true, y_pred, labels=classes, average="macro", zero_division=0),
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
        "g_mean": geometric_mean_score(y_true, y_pred, labels=classes, average="multiclass"),
        **{f"recall[{c}]": r for c, r in zip(classes, recalls)},
    }


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
) -> pd.DataFrame:
    """Every sampler x model on the same stratified folds; one row per (sampler, model, fold).

    Each pipeline (:func:`pipeline`) is fitted on the training part of a fold, resampling there
    only, and scored on the untouched test part: per-class recall, macro-F1, balanced accuracy
    (mean recall), G-mean :math:`(\\prod_c \\mathrm{recall}_c)^{1/C}` (Kubat & Matwin 1997) and fit
    seconds. ``class_weight_baseline`` adds a ``class_weight`` row per model: no resampling,
    ``class_weight='balanced'`` instead. ``errors='record'`` keeps going when a sampler fails on a
    fold (e.g. ADASYN finding no neighbour of another class) and stores the message in ``error``;
    warnings raised while fitting (a lowered ``k_neighbors``, an MLP that did not converge) go to
    ``warnings``. ``max_threads`` caps the BLAS / OpenMP threads while fitting (threadpoolctl): on
    small data one thread is faster than several (on this project's shared 2-core machine gradient
    boosting fitted 4x faster) and the fit times stay comparable; None keeps the libraries' default.
    """
    if errors not in ("raise", "record"):
        raise ValueError(f"errors must be 'raise' or 'record', got {errors!r}")
    y = np.asarray(y)
    classes = list(pd.Series(y).value_counts().index)
    folds = list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y))
    runs = [(s, None) for s in samplers] + ([("class_weight", "balanced")] if class_weight_baseline else [])
    models = list(models)
    rows = []
    bar = tqdm(total=len(runs) * len(models) * len(folds), desc="samplers x models x folds", disable=not progress)
    limits = threadpool_limits(max_threads) if max_threads is not None else None
    for sampler_name, weight in runs:
        for model in models:
            model_name = model if isinstance(model, str) else type(model).__name__
            for fold, (train, test) in enumerate(folds):
                row = {"sampler": sampler_name, "model": model_name, "fold": fold}
                sampler = "none" if weight else sampler_name
                pipe = pipeline(preprocess, sampler, model, class_weight=weight, random_state=random_state)
                with warnings.catch_warnings(record=True) as caught:  # kept in the table, not printed
                    warnings.simplefilter("always")
                    try:
                        start = time.perf_counter()
                        pipe.fit(_rows(X, train), y[train])
                        row["fit_seconds"] = time.perf_counter() - start
                        row.update(_scores(y[test], pipe.predict(_rows(X, test)), classes))
                    except Exception as error:  # noqa: BLE001 - recorded on request, re-raised otherwise
                        if errors == "raise":
                            raise
                        row["error"] = f"{type(error).__name__}: {error}"
                if caught:
                    row["warnings"] = "; ".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
                rows.append(row)
                bar.update()
    bar.close()
    if limits is not None:
        limits.restore_original_limits()
    return pd.DataFrame(rows)


def summarise_comparison(results: pd.DataFrame) -> pd.DataFrame:
    """Mean over folds per (sampler, model), best macro-F1 first."""
    metrics = [c for c in results.columns if c not in ("sampler", "model", "fold", "error", "warnings")]
    table = results.groupby(["sampler", "model"], sort=False)[metrics].mean()
    return table.sort_values("macro_f1", ascending=False, kind="stable")  # ties keep the run order


def _rows(X: Any, index: np.ndarray) -> Any:
    return X.iloc[index] if isinstance(X, (pd.DataFrame, pd.Series)) else X[index]


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


def scaling_table(path: Any = None) -> pd.DataFrame:
    """Seconds per sampler and row count from ``benchmarks/results/resampling.json``, with ``scalable``.

    A missing case reads as NaN (not run, e.g. a slow sampler at 1M rows) and a stopped one keeps
    its status text in ``status``.
    """
    import json
    from pathlib import Path

    from ecombalance.paths import project_root

    path = Path(path) if path is not None else project_root() / "benchmarks" / "results" / "resampling.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run benchmarks/resampling.py --json {path}")
    cases = pd.DataFrame(json.loads(path.read_text())["cases"])
    cases = cases[cases["sampler"].isin(SAMPLERS)]  # drop the benchmark's reference (SMOTE called directly)
    table = cases.pivot_table(index="sampler", columns="rows", values="seconds", aggfunc="first")
    table.columns = [f"{n:,} rows (s)" for n in table.columns]
    table["scalable"] = [name in SCALABLE for name in table.index]
    notes = cases[cases["status"] != "ok"].groupby("sampler")["status"].agg("; ".join)
    table["status"] = notes.reindex(table.index).fillna("ok")
    return table.sort_values(table.columns[0])
