"""A small torch MLP classifier with the scikit-learn API, trained with any loss of :mod:`ecombalance.models._losses`.

scikit-learn's own ``MLPClassifier`` can only minimise plain log-loss, and imbalanced-learn has no
neural estimator, so this one exists to compare balanced losses inside ordinary sklearn / imblearn
pipelines (samplers may precede it). It runs on the GPU when torch sees one and on the CPU otherwise
(:mod:`ecombalance.models._device`), with no change to the calling code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from ecombalance._progress import progress_bar
from ecombalance.models import _device as dev
from ecombalance.models import _losses as losses

INIT_BIAS = (None, "log_prior")
_DENSE_LIMIT = 2**25  # values (128 MiB of float32): up to this, X is densified once instead of per batch


class CosineLinear(nn.Module):
    """Output layer of cosine similarities :math:`\\cos(w_c, h)`, as Cao et al. (2019) use with LDAM."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-1, 1))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return F.normalize(h, dim=1) @ F.normalize(self.weight, dim=1).T


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multi-layer perceptron classifier trained with a (balanced) loss of :func:`ecombalance.models.make_loss`.

    scikit-learn's ``MLPClassifier`` minimises plain log-loss only; this one trains the same kind of network with
    any loss of :data:`ecombalance.models.LOSSES`, on the GPU when torch sees one and on the CPU otherwise. It takes
    dense or scipy-sparse input (TF-IDF), so samplers and preprocessors may precede it in a pipeline.

    Parameters
    ----------
    hidden : tuple of int, default=(64,)
        Widths of the hidden ReLU layers.
    loss : str, default="ce"
        A name from :data:`ecombalance.models.LOSSES`. The class counts come from ``y`` in :meth:`fit`.
        ``"ldam"`` uses a cosine output layer (as the paper) scaled by the loss's ``scale``, and deferred
        re-weighting from epoch ``round(0.8 * epochs)`` unless ``loss_params`` sets ``drw_epoch``.
    loss_params : dict, default=None
        Keyword parameters of the loss (gamma, alpha, beta, tau, weighting, ...).
    epochs : int, default=30
        Passes over the training rows (AdamW training).
    batch_size : int, default=64
        Rows per AdamW step; prediction uses batches of ``max(batch_size, 1024)`` rows.
    lr : float, default=1e-3
        AdamW learning rate.
    weight_decay : float, default=0.0
        AdamW (decoupled) weight decay.
    init_bias : {None, "log_prior"}, default=None
        ``"log_prior"`` starts the output bias at :math:`\\log \\pi_c`
        (:func:`ecombalance.models.init_bias_with_log_prior`).
    device : str, default="auto"
        ``"auto"`` (CUDA with bf16 autocast when present, else CPU in float32), ``"cpu"`` or ``"cuda"``.
    n_jobs : int, default=None
        The torch CPU threads while fitting and predicting; None means 1 (scikit-learn's convention), -1 all
        cores. One thread is the fastest for small MLPs, several threads only add overhead.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation and shuffling; the same seed repeats the same model on the same machine.
    verbose : bool, default=False
        Show a tqdm bar over epochs.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    model_ : torch.nn.Sequential
        The trained network.
    loss_ : torch.nn.Module
        The loss module (:func:`ecombalance.models.make_loss`).
    loss_curve_ : list of float
        Mean training loss per epoch.
    device_ : torch.device
        The device used.
    autocast_dtype_ : torch.dtype or None
        The autocast dtype; None for full float32.

    See Also
    --------
    ecombalance.models.make_loss : The losses by name.
    ecombalance.models.pipeline : A model behind a preprocessor and a sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from ecombalance.models import TorchMLPClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 4))
    >>> y = np.where(X[:, 0] > 0.8, "rare", "common")
    >>> clf = TorchMLPClassifier(hidden=(8,), loss="focal", epochs=5, device="cpu", random_state=0).fit(X, y)
    >>> clf.classes_
    array(['common', 'rare'], dtype='<U6')
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> len(clf.loss_curve_)
    5
    """

    def __init__(self, hidden: Sequence[int] = (64,), loss: str = "ce", loss_params: dict | None = None,
                 epochs: int = 30, batch_size: int = 64, lr: float = 1e-3, weight_decay: float = 0.0,
                 init_bias: str | None = None, device: str = "auto", n_jobs: int | None = None,
                 random_state: Any = None, verbose: bool = False):
        self.hidden = hidden
        self.loss = loss
        self.loss_params = loss_params
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.init_bias = init_bias
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _runtime(self) -> tuple[torch.device, torch.dtype | None]:
        """The device and autocast dtype training would use (CUDA + bf16 when present, else CPU, float32)."""
        device = dev.resolve_device(self.device)
        return device, dev.autocast_dtype(device)

    def _check_params(self) -> None:
        if self.loss not in losses.LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; valid names: {', '.join(losses.LOSSES)}")
        if self.init_bias not in INIT_BIAS:
            raise ValueError(f"init_bias must be None or 'log_prior', got {self.init_bias!r}")
        if self.init_bias == "log_prior" and self.loss == "ldam":
            raise ValueError("init_bias='log_prior' needs a biased output layer; loss='ldam' uses a cosine layer")
        if int(self.epochs) < 1 or int(self.batch_size) < 1:
            raise ValueError(f"epochs and batch_size must be >= 1, got {self.epochs} and {self.batch_size}")

    def _build(self, n_features: int, n_classes: int) -> nn.Sequential:
        layers: list[nn.Module] = []
        width = n_features
        for size in self.hidden:
            layers += [nn.Linear(width, int(size)), nn.ReLU()]
            width = int(size)
        layers.append(CosineLinear(width, n_classes) if self.loss == "ldam" else nn.Linear(width, n_classes))
        return nn.Sequential(*layers)

    def _as_batches(self, X):
        """X as one tensor on the device when it fits in ``_DENSE_LIMIT`` values (fast indexing), else as is."""
        if X.shape[0] * X.shape[1] <= _DENSE_LIMIT:
            return torch.as_tensor(X.toarray() if sp.issparse(X) else X, dtype=torch.float32).to(self.device_)
        return X

    def _batch(self, X, rows) -> torch.Tensor:
        if isinstance(X, torch.Tensor):
            return X[torch.as_tensor(rows, device=X.device)]
        part = X[rows]
        part = part.toarray() if sp.issparse(part) else part
        return torch.as_tensor(part, dtype=torch.float32).to(self.device_, non_blocking=True)

    def _forward(self, inputs: torch.Tensor) -> torch.Tensor:
        with dev.autocast(self.device_, self.autocast_dtype_):
            logits = self.model_(inputs)
        return logits.float()

    def _threads(self):
        """torch CPU threads while fitting and predicting: ``n_jobs`` (None: 1, scikit-learn's convention)."""
        return dev.torch_threads(1 if self.n_jobs is None else int(self.n_jobs))

    def fit(self, X, y):
        """Train the network on ``X`` and the labels ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training rows, dense or scipy-sparse.
        y : array-like of shape (n_samples,)
            The class labels, one per row.

        Returns
        -------
        TorchMLPClassifier
            The fitted classifier (``self``).

        Raises
        ------
        ValueError
            When ``loss`` or ``init_bias`` is unknown, ``init_bias="log_prior"`` is combined with
            ``loss="ldam"``, ``epochs`` or ``batch_size`` is below 1, or ``y`` is multilabel or multioutput.
        """
        with self._threads():
            return self._fit(X, y)

    def _fit(self, X, y):
        self._check_params()
        if y is not None and type_of_target(y) in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError("Multilabel and multioutput targets are not supported: give one class label per row")
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float32)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        targets = torch.as_tensor(encoder.transform(y), dtype=torch.long)
        counts = np.bincount(targets.numpy(), minlength=len(self.classes_))

        self.device_, self.autocast_dtype_ = self._runtime()
        if self.random_state is not None:
            dev.seed_everything(int(check_random_state(self.random_state).randint(2**31 - 1)))
        params = dict(self.loss_params or {})
        if self.loss == "ldam":
            params.setdefault("drw_epoch", round(0.8 * self.epochs))
        self.loss_ = losses.make_loss(self.loss, counts, **params).to(self.device_)
        self.model_ = self._build(X.shape[1], len(self.classes_))
        if self.init_bias == "log_prior":
            losses.init_bias_with_log_prior(self.model_[-1], counts)
        self.model_.to(self.device_)
        optimiser = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, weight_decay=self.weight_decay)

        self.loss_curve_ = []
        n = X.shape[0]
        X = self._as_batches(X)
        for epoch in progress_bar(range(int(self.epochs)), desc=f"MLP[{self.loss}]", disable=not self.verbose):
            if hasattr(self.loss_, "set_epoch"):
                self.loss_.set_epoch(epoch)
            self.model_.train()
            order = torch.randperm(n).numpy()
            total = 0.0
            for start in range(0, n, int(self.batch_size)):
                rows = order[start:start + int(self.batch_size)]
                logits = self._forward(self._batch(X, rows))
                loss = self.loss_(logits, targets[rows].to(self.device_))
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                total += float(loss.detach()) * len(rows)
            self.loss_curve_.append(total / n)
        return self

    @torch.no_grad()
    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        with self._threads():
            return self._predict_logits(X)

    def _predict_logits(self, X) -> np.ndarray:
        X = self._as_batches(validate_data(self, X, accept_sparse="csr", dtype=np.float32, reset=False))
        self.model_.eval()
        step = max(int(self.batch_size), 1024)
        parts = [self._forward(self._batch(X, np.arange(s, min(s + step, X.shape[0])))).cpu()
                 for s in range(0, X.shape[0], step)]
        logits = torch.cat(parts).double()
        return (logits * self.loss_.scale if self.loss == "ldam" else logits).numpy()  # LDAM: s * cosine

    def decision_function(self, X) -> np.ndarray:
        """Return the logits of ``X``; for two classes the logit difference, as scikit-learn does.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to score.

        Returns
        -------
        ndarray of shape (n_samples, n_classes) or (n_samples,)
            The logits, or for two classes the second class's logit minus the first's.
        """
        logits = self._logits(X)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict_proba(self, X) -> np.ndarray:
        """Return the class probabilities of ``X``: the softmax of the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to score.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The probabilities; columns follow ``classes_``.
        """
        return torch.as_tensor(self._logits(X)).softmax(dim=1).numpy()

    def predict(self, X) -> np.ndarray:
        """Return the most probable class of each row of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The rows to classify.

        Returns
        -------
        ndarray of shape (n_samples,)
            The predicted labels, in the labels' original type.
        """
        logits = self._logits(X)  # checks that the model is fitted
        return self.classes_[logits.argmax(axis=1)]
