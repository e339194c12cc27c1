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
import warnings
from collections import Counter
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from imblearn.base import FunctionSampler
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, SMOTEN, SMOTENC, SVMSMOTE, BorderlineSMOTE, RandomOverSampler
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ecombalance._validation import check_labels, check_same_length, plain_label
from ecombalance.exceptions import SmallClassWarning

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


class EvenOverSampler(RandomOverSampler):
    r"""Random over-sampling by whole copies: every row of a class is copied equally often.

    imbalanced-learn's ``RandomOverSampler`` draws the new rows with replacement, so some rows are
    copied several times and others never (50 -> 150 copies each row 2 times on average, not
    exactly). The design document's example ("each sample appears three times") copies each row
    the same number of times; imbalanced-learn has no such mode, hence this class. To add
    :math:`n` rows to a class of :math:`N_c`, every row is copied :math:`\lfloor n / N_c \rfloor`
    times and :math:`n \bmod N_c` distinct rows, drawn without replacement, once more.
    Chosen with ``make_sampler('random_over', replacement=False)``.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many rows each class gets, as imbalanced-learn's ``RandomOverSampler`` reads it (``"auto"``: every
        class but the majority up to the majority's count).
    random_state : int, RandomState instance or None, default=None
        Seed of the draw of the rows copied once more.

    Attributes
    ----------
    sample_indices_ : ndarray
        Positions in the input of the returned rows (originals first, then the copies).

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.sampling import EvenOverSampler
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 7 + [1] * 3)
    >>> sampler = EvenOverSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), sampler.sample_indices_[10:].tolist()   # 7, 8, 9 copied once, 9 once more
    ([7, 7], [7, 8, 9, 9])
    """

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
        rows = self.sample_indices_
        return (X.iloc[rows] if hasattr(X, "iloc") else X[rows]), (y.iloc[rows] if hasattr(y, "iloc") else y[rows])


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
    random_state : int, RandomState instance or None, default=None
        Seed; ignored by samplers without randomness (Tomek links, ENN).
    **params : dict
        Other parameters of the imbalanced-learn class (``k_neighbors``, ``shrinkage``,
        ``categorical_features``, ...). For ``smote_tomek`` / ``smote_enn``, ``k_neighbors`` goes to
        the inner SMOTE.

    Returns
    -------
    GuardedSampler
        The imbalanced-learn sampler (unfitted) with the input checks; a ``Pipeline`` resamples only training rows.

    Raises
    ------
    ValueError
        An unknown ``name``, or a parameter value the imbalanced-learn class refuses.
    TypeError
        ``sampling_strategy`` of another type, or a parameter the imbalanced-learn class does not take.

    See Also
    --------
    GuardedSampler : The checks added to the sampler.

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

    References
    ----------
    Chawla, N. V. et al. (2002). SMOTE: synthetic minority over-sampling technique. JAIR 16.

    Lemaître, G. et al. (2017). Imbalanced-learn: a Python toolbox to tackle the curse of imbalanced datasets. JMLR.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.sampling import make_sampler
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 7 + [1] * 3)
    >>> sampler = make_sampler("random_under", random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [3, 3]
    >>> make_sampler("smote", k_neighbors=3)
    GuardedSampler(name='smote', sampler=SMOTE(k_neighbors=3))
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
        _check_sampler_parameters(sampler)
        if name in ("smote_tomek", "smote_enn"):
            _check_sampler_parameters(sampler.smote)
    return GuardedSampler(sampler, name=name)


def _check_sampler_parameters(sampler: Any) -> None:
    """Raise scikit-learn's parameter error of ``sampler`` now rather than at its first fit, deep inside a
    cross-validation.

    scikit-learn and imbalanced-learn check an estimator's parameters at the start of ``fit_resample``, before they
    look at the data (the check itself, ``_validate_params``, is private). So a clone fitted on no rows raises the
    parameter error when there is one, else an error about the empty data, which is ignored; scikit-learn's
    parameter error is documented as both a ``ValueError`` and a ``TypeError``, which tells the two apart.
    """
    try:
        clone(sampler).fit_resample(np.empty((0, 1)), np.empty(0))
    except (ValueError, TypeError) as error:
        if isinstance(error, ValueError) and isinstance(error, TypeError):
            raise


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
    name : str or None, default=None
        Its name in :data:`SAMPLERS`; None infers nothing and runs only the generic checks.

    Attributes
    ----------
    sampler_ : imbalanced-learn sampler
        The fitted clone of ``sampler`` (its neighbour count lowered where a class was too small).

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from ecombalance.sampling import GuardedSampler
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 7 + [1] * 3)
    >>> sampler = GuardedSampler(SMOTE(random_state=0), name="smote")
    >>> import warnings
    >>> from ecombalance import SmallClassWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     X_res, y_res = sampler.fit_resample(X, y)       # k_neighbors=5 for a class of 3
    >>> print(*[w.message for w in caught if w.category is SmallClassWarning])
    smote: class 1 has 3 samples, fewer than k_neighbors + 1 = 6; lowering k_neighbors to 2
    >>> np.bincount(y_res).tolist(), sampler.sampler_.k_neighbors
    ([7, 7], 2)
    """

    def __init__(self, sampler: Any, name: str | None = None):
        self.sampler = sampler
        self.name = name

    def _check(self, X: Any, y: Any) -> np.ndarray:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        # one label per row; a one-vs-all (label_binarize) target as its class indices, as imbalanced-learn
        y_array = check_labels(check_target_type(y), "y")
        check_same_length(X, y_array)
        labels = pd.unique(pd.Series(y_array))
        if len(labels) < 2:
            raise ValueError(
                f"y holds a single class ({plain_label(labels[0])!r} x {len(y_array)}): there is nothing to "
                "balance in one class; check the label column, or the split (stratify it)"
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
        sizes = {plain_label(c): counts[plain_label(c)] for c, n_new in targets.items() if n_new > 0}
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
        """Check the input, fit the neighbour count to it and resample with ``sampler_``.

        The checks, their errors (``ValueError``, ``TypeError``) and the :class:`SmallClassWarning` of a lowered
        neighbour count are listed in the class docstring.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            The training rows.
        y : array-like of shape (n_samples,)
            Their labels.
        **params : dict
            Passed to the sampler's ``fit_resample``.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame} of shape (n_samples_new, n_features)
            The resampled rows, of the type of ``X``.
        y_resampled : ndarray or Series of shape (n_samples_new,)
            Their labels.
        """
        y_array = self._check(X, y)
        self.sampler_ = clone(self.sampler)
        self._fit_neighbours(self.sampler_, y_array)
        resampled = self.sampler_.fit_resample(X, y, **params)
        for fitted in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.sampler_, fitted):
                setattr(self, fitted, getattr(self.sampler_, fitted))
        return resampled

    def fit(self, X: Any, y: Any, **params: Any) -> GuardedSampler:
        """Resample once to fit ``sampler_``; use :meth:`fit_resample`.

        Parameters
        ----------
        X, y : array-like
            The training rows and their labels, as :meth:`fit_resample` takes them.
        **params : dict
            Passed to the sampler's ``fit_resample``.

        Returns
        -------
        GuardedSampler
            This sampler, fitted.
        """
        self.fit_resample(X, y, **params)
        return self

    @property
    def sampling_strategy_(self) -> Any:
        """The fitted sampler's ``sampling_strategy_`` (samples to add / classes to clean)."""
        return self.sampler_.sampling_strategy_

    @property
    def sample_indices_(self) -> np.ndarray:
        """The fitted sampler's ``sample_indices_`` (returned rows' positions; samplers that pick or copy rows)."""
        return self.sampler_.sample_indices_

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Get the fitted sampler's output feature names (a sampler keeps the columns).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            The input feature names, as scikit-learn's ``get_feature_names_out`` takes them.

        Returns
        -------
        ndarray of str
            The feature names, the input's.
        """
        check_is_fitted(self, "sampler_")
        return self.sampler_.get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        return self.sampler.__sklearn_tags__()


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
            "TF-IDF or sentence embeddings first (ecombalance.models._features.make_preprocessor)."
        )


def _has_nan(X: Any) -> bool:
    if sp.issparse(X):  # the stored values; dok and lil keep theirs in dicts and lists
        data = X.data if X.format in ("csr", "csc", "coo", "bsr") else X.tocsr().data
    else:
        data = X
    if isinstance(data, pd.DataFrame):
        return bool(data.isna().to_numpy().any())
    array = np.asarray(data)
    if np.issubdtype(array.dtype, np.floating):
        return bool(np.isnan(array).any())
    return False
