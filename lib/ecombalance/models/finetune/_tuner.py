"""The fine-tuner :class:`TextClassifierFineTuner` (described there): set-up, training, inference and checkpoints.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from ecombalance.models import _pretrained as pretrained
from ecombalance.models._device import autocast_dtype, resolve_device, seed_everything, torch_threads
from ecombalance.models.finetune import _checkpoint as checkpoint
from ecombalance.models.finetune import _distributed as distributed
from ecombalance.models.finetune._balancing import (BALANCING, class_indices, epoch_rows, oversampled_rows,
                                                    training_loss)
from ecombalance.models.finetune._embedding_rows import training_used_rows
from ecombalance.models.finetune._encoder import class_probabilities, freeze_layers, load_classifier
from ecombalance.models.finetune._quantization import quantize_dynamic
from ecombalance.models.finetune._run import FineTuningRun
from ecombalance.models.finetune._text_batching import as_text_inputs, text_key, tokenize

EMBEDDING_ROWS = ("used", "all")


def tokenize_texts(tokenizer, first, second=None, max_length=64):
    """Tokenise a text set once (module-level so that tests can count the calls)."""
    return tokenize(tokenizer, first, second, max_length=max_length)


class TextClassifierFineTuner(ClassifierMixin, BaseEstimator):
    """Fine-tune a pretrained BERT-family encoder with a classification head on imbalanced text (scikit-learn style).

    A classification head goes on any Hugging Face encoder (by name or local path, loaded offline), which is trained
    on one text column (title -> category) or on text pairs (query, product title -> relevance, a cross-encoder).
    The whole training set is fine-tuned; imbalance is countered by class-balanced batch sampling, class weights in
    the loss, or random over-sampling of texts, never by fine-tuning on the minority class alone (that overwrites
    what the encoder knows about the other classes: the design document's §3.2 step 3 gets this wrong).

    Optimisation is AdamW with linear warm-up and decay (Devlin et al. 2019; Loshchilov & Hutter 2019), gradient
    accumulation, early stopping on validation macro-F1 (the loop: :class:`FineTuningRun`), and safetensors
    checkpoints that resume with optimizer, scheduler, step and RNG state, on CUDA or the CPU; how it is made fast
    is told in :mod:`ecombalance.models.finetune`.

    Under ``torchrun`` (see :func:`ecombalance.models.finetune.train.main`) the model is wrapped in
    DistributedDataParallel, each rank trains on its shard of every epoch (class-balanced per rank with
    ``balancing="sampler"``), and only rank 0 shows progress and writes checkpoints.

    Parameters
    ----------
    model_name : str, default="all-MiniLM-L6-v2"
        Hugging Face model name or local directory (offline; nothing is downloaded).
        ``"tiny-random"`` is a 2-layer random BERT for tests and smoke runs.
    epochs : int, default=3
        Passes over the training rows (fewer when ``max_steps`` or early stopping ends the fit first).
    batch_size : int, default=32
        Samples per forward pass (one micro-batch). With ``grad_accumulation`` = k, every optimizer
        step sums the gradients of k micro-batches, i.e. sees ``batch_size * k`` samples.
    learning_rate : float, default=5e-5
        AdamW's peak learning rate.
    weight_decay : float, default=0.01
        AdamW's decoupled weight decay (none on biases and LayerNorm weights).
    warmup_ratio : float, default=0.1
        Share of the optimizer steps with linearly rising learning rate; it then decays linearly to 0.
    max_length : int, default=64
        Tokens per text (or pair) after truncation.
    trainable_layers : int or None, default=None
        None fine-tunes everything; k freezes the embeddings and all but the last k encoder layers
        (0 trains only the head).
    freeze_embeddings : bool, default=False
        Keep the token-embedding matrix fixed (False: everything named by ``trainable_layers``
        trains). The matrix is about half of a small encoder's weights (MiniLM-L6: 11.7M of 22.7M); with
        ``embedding_rows="used"`` training it costs little, and freezing it was no faster in
        ``benchmarks/finetune.py --only levers``. An option for keeping the pretrained token vectors as
        they are, not a speed lever.
    embedding_rows : {"used", "all"}, default="used"
        How the token-embedding matrix trains when it does. "used": only the rows of the tokens
        in the training texts are a parameter, and the weight decay of the others is applied in closed
        form: the same model as "all" to float rounding, and faster, because the optimizer no longer touches
        ~30k rows of which titles use a few thousand. "all" updates the whole matrix every step (the textbook
        loop; ``torchrun`` runs always use it).
    balancing : {"none", "sampler", "class_weight", "oversample"}, default="none"
        "sampler": batches drawn with class-balanced probabilities (sample weight :math:`1/n_{c(i)}`, with
        replacement: every class has probability :math:`1/C` per draw; Kang et al. 2020); "class_weight":
        cross-entropy weighted by :math:`N/(C N_c)` over the classes present; "oversample": imbalanced-learn's
        ``RandomOverSampler`` repeats minority texts once per fit.
    loss : None, str or callable, default=None
        None is cross-entropy; a name goes to :func:`ecombalance.models.make_loss` (e.g. "focal") with
        ``loss_params``; a callable ``loss(logits, targets)`` is used as it is.
    loss_params : dict or None, default=None
        Keyword parameters of the named loss (e.g. ``{"gamma": 2.0}`` for "focal").
    grad_accumulation : int, default=1
        Micro-batches per optimizer step (each micro-batch's loss is divided by it, so the step uses
        their mean gradient); 1 steps after every forward pass.
    early_stopping_patience : int or None, default=2
        Epochs without a better validation macro-F1 before stopping; the best epoch's weights are kept.
        None never stops early.
    max_steps : int or None, default=None
        Stop after this many optimizer steps (benchmarks, smoke runs).
    max_grad_norm : float or None, default=1.0
        Clip the gradients' norm to this before every optimizer step; None or 0 does not clip.
    device : str, default="auto"
        "auto" (CUDA if present), "cpu" or "cuda[:N]".
    precision : str, default="auto"
        "auto" (bf16 autocast on a GPU that supports it and on a CPU with bf16 instructions; fp32
        elsewhere), "bf16", "fp16" or "fp32".
    threads : int or None, default=None
        The torch CPU threads while fitting and predicting on the CPU (None: all cores); the process's
        own setting is restored afterwards.
    checkpoint_dir : str or None, default=None
        Save a checkpoint to ``checkpoint_dir/epoch-N`` after every epoch N (resume with
        ``fit(..., resume_from=checkpoint_dir/epoch-N)``).
    log_every : int, default=10
        Optimizer steps between progress-bar updates (the only host-device syncs while training).
    random_state : int, default=0
        Seeds Python, NumPy and torch, the batch order and the balancing draws; the same seed repeats the same
        fit on the same machine.
    progress : bool, default=True
        Show a tqdm bar with loss and samples/s.
    classes : sequence or None, default=None
        The full label set, when ``y`` may lack some labels (e.g. continuing from a fine-tuned
        checkpoint on a subset); None: the labels in ``y``.

    Attributes
    ----------
    classes_ : ndarray
        The class labels.
    model_ : transformers model
        The encoder with its classification head.
    tokenizer_ : transformers tokenizer
        The encoder's tokenizer.
    history_ : DataFrame
        One row per epoch: train loss, validation macro-F1, samples/s, wall and CPU (process) seconds.
    step_log_ : DataFrame
        Training loss every ``log_every`` optimizer steps (the training curve), with samples/s and the
        wall and CPU seconds since the training loop started.
    global_step_ : int
        Optimizer steps taken.
    class_counts_seen_ : ndarray
        Training rows per class that this process trained on (for checking the balancing; under
        ``torchrun`` each rank counts its own shard).
    best_val_macro_f1_ : float or None
        The best validation macro-F1 (None without validation data).

    See Also
    --------
    FineTuningRun : The training loop of one fit.
    quantize_dynamic : int8 dynamic quantisation for CPU inference.
    ecombalance.models.SentenceEmbedder : The frozen-encoder baseline.

    References
    ----------
    .. [1] Devlin, J. et al. (2019). BERT: pre-training of deep bidirectional transformers for language
       understanding. NAACL.
    .. [2] Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization. ICLR.
    .. [3] Kang, B. et al. (2020). Decoupling representation and classifier for long-tailed recognition. ICLR.

    Examples
    --------
    >>> import tempfile
    >>> from ecombalance.models.finetune import TextClassifierFineTuner
    >>> texts = ["red running shoes", "blue cotton shirt", "green shoes", "black shirt"]
    >>> est = TextClassifierFineTuner(model_name="tiny-random", batch_size=2, max_steps=2, balancing="sampler",
    ...                               progress=False)
    >>> est = est.fit(texts, ["shoes", "shirt", "shoes", "shirt"])
    >>> est.classes_.tolist(), est.global_step_, int(est.class_counts_seen_.sum())
    (['shirt', 'shoes'], 2, 4)
    >>> est.predict_proba(["white shoes"]).shape
    (1, 2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     loaded = TextClassifierFineTuner.load(est.save(folder), progress=False)
    >>> loaded.predict(["white shoes"]).shape
    (1,)
    """

    def __init__(self, model_name: str = pretrained.DEFAULT_MODEL, epochs: int = 3, batch_size: int = 32,
                 learning_rate: float = 5e-5, weight_decay: float = 0.01, warmup_ratio: float = 0.1,
                 max_length: int = 64, trainable_layers: int | None = None, freeze_embeddings: bool = False,
                 embedding_rows: str = "used", balancing: str = "none", loss=None, loss_params: dict | None = None,
                 grad_accumulation: int = 1, early_stopping_patience: int | None = 2, max_steps: int | None = None,
                 max_grad_norm: float | None = 1.0, device: str = "auto", precision: str = "auto",
                 threads: int | None = None, checkpoint_dir: str | None = None, log_every: int = 10,
                 random_state: int = 0, progress: bool = True, classes=None):
        self.model_name = model_name
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.max_length = max_length
        self.trainable_layers = trainable_layers
        self.freeze_embeddings = freeze_embeddings
        self.embedding_rows = embedding_rows
        self.balancing = balancing
        self.loss = loss
        self.loss_params = loss_params
        self.grad_accumulation = grad_accumulation
        self.early_stopping_patience = early_stopping_patience
        self.max_steps = max_steps
        self.max_grad_norm = max_grad_norm
        self.device = device
        self.precision = precision
        self.threads = threads
        self.checkpoint_dir = checkpoint_dir
        self.log_every = log_every
        self.random_state = random_state
        self.progress = progress
        self.classes = classes

    # ---- setup -------------------------------------------------------------------------------------
    def _runtime(self) -> tuple[torch.device, torch.dtype | None]:
        """The device and autocast dtype this run uses. Under ``torchrun`` each process takes GPU
        ``LOCAL_RANK``."""
        device = distributed.process_device(resolve_device(self.device))
        return device, autocast_dtype(device, self.precision, cpu_bf16=True)

    def _threads(self):
        """``threads`` torch CPU threads for a block that runs on the CPU (restored afterwards)."""
        on_cpu = getattr(self, "device_", torch.device("cpu")).type == "cpu"
        return torch_threads(self.threads) if on_cpu else contextlib.nullcontext()

    def _check_params(self):
        if self.embedding_rows not in EMBEDDING_ROWS:
            raise ValueError(f"embedding_rows must be one of {EMBEDDING_ROWS}, got {self.embedding_rows!r}")
        if self.balancing not in BALANCING:
            raise ValueError(f"balancing must be one of {BALANCING}, got {self.balancing!r}")
        for name in ("epochs", "batch_size", "grad_accumulation", "log_every"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if self.trainable_layers is not None and self.trainable_layers < 0:
            raise ValueError(f"trainable_layers must be None (all) or >= 0, got {self.trainable_layers}")

    _load_model = staticmethod(load_classifier)  # (tokenizer, model) of a name or directory with num_labels outputs

    def _encode(self, X):
        """Token ids for ``X``, tokenised once per distinct text set and kept for the estimator's life."""
        first, second = as_text_inputs(X)
        key = text_key(first, second, self.max_length, getattr(self.tokenizer_, "name_or_path", ""))
        cache = self.__dict__.setdefault("_token_cache", {})
        if key not in cache:
            cache[key] = tokenize_texts(self.tokenizer_, first, second, max_length=self.max_length)
        return cache[key]

    def epoch_indices(self, y_idx: np.ndarray, epoch: int) -> np.ndarray:
        """Return this process's training rows for ``epoch``, in the training loop's order.

        All of them (class-balanced draws with ``"sampler"``, the over-sampled rows with ``"oversample"``), or under
        ``torchrun`` this rank's shard of one epoch drawn identically on every rank (class-balanced per rank with
        ``"sampler"``).

        Parameters
        ----------
        y_idx : ndarray of int of shape (n_samples,)
            The training labels as class indices.
        epoch : int
            The epoch, from 0; with ``random_state`` it seeds the draws.

        Returns
        -------
        ndarray of int
            Row positions into the training set.
        """
        oversampled = self._oversampled if self.balancing == "oversample" else None
        return epoch_rows(y_idx, epoch, self.balancing, self.random_state, oversampled)

    # ---- training ----------------------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None, resume_from: str | Path | None = None):
        """Fine-tune on ``(X, y)``; ``(X_val, y_val)`` drive early stopping (never resampled).

        Parameters
        ----------
        X : sequence of str, sequence of (str, str), Series, DataFrame or ndarray
            One text per sample, or text pairs (tuples, or two columns: query, product title).
        y : array-like of shape (n_samples,)
            The class labels.
        X_val : like ``X``, default=None
            Validation texts, scored (macro-F1) after every epoch for early stopping and the best weights.
        y_val : array-like of shape (n_val,), default=None
            Validation labels.
        resume_from : str or Path, default=None
            A checkpoint directory written by :meth:`save`: weights, optimizer, scheduler, step and RNG state are
            restored and training continues up to ``epochs``.

        Returns
        -------
        TextClassifierFineTuner
            The fitted estimator (``self``).

        Raises
        ------
        ValueError
            When a parameter is invalid, ``y`` is missing, continuous, of another length than ``X``, has labels
            outside ``classes`` or a single class, or the checkpoint's classes differ from ``y``'s.
        ecombalance.exceptions.ModelNotAvailableError
            When the model is not on this machine.
        """
        self._check_params()
        seed_everything(int(self.random_state))
        y_idx, counts = self._labels(X, y)
        self.device_, self.autocast_dtype_ = self._runtime()
        with self._threads():
            state = self._build_model(resume_from)
            tokens = self._encode(X)
            val_tokens = self._encode(X_val) if X_val is not None else None
            self._balance_rows(y_idx)
            with self._trained_rows(tokens) as standin:
                run = FineTuningRun(self, y_idx, self._loss_fn(counts), resume_from, state, standin)
                run.train(tokens, val_tokens, y_val)
        return self

    def _trained_rows(self, tokens):
        """With ``embedding_rows="used"``, the token-embedding rows of ``tokens`` train as their own parameter
        (:func:`ecombalance.models.finetune._embedding_rows.training_used_rows`); not under ``torchrun``, where DDP
        keeps the parameters it was built with."""
        if self.embedding_rows == "all" or distributed.context().enabled:
            return contextlib.nullcontext()
        return training_used_rows(self.model_, tokens)

    def _labels(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """Checks ``y`` against ``X`` and ``classes``; sets ``classes_``; returns class indices and counts."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        self.classes_, y_idx, counts = class_indices(X, y, self.classes)
        return y_idx, counts

    def _build_model(self, resume_from) -> dict | None:
        """Loads tokenizer and model (from ``model_name``, or the checkpoint to resume, whose state it
        returns), freezes layers and moves the model to the device."""
        state = None
        if resume_from is not None:
            state = checkpoint.read_state(resume_from)
            if list(map(str, state["classes"])) != list(map(str, self.classes_)):
                raise ValueError(f"checkpoint classes {state['classes']} differ from y's {list(self.classes_)}")
        self.tokenizer_, self.model_ = self._load_model(resume_from or self.model_name, len(self.classes_))
        freeze_layers(self.model_, self.trainable_layers, self.freeze_embeddings)
        self.model_.to(self.device_)
        return state

    def _balance_rows(self, y_idx: np.ndarray) -> None:
        """With ``"oversample"``, the training rows once over-sampled for the whole fit."""
        if self.balancing == "oversample":
            self._oversampled = oversampled_rows(y_idx, self.random_state)

    def _loss_fn(self, counts: np.ndarray) -> Callable:
        """The training loss (:func:`ecombalance.models.finetune._balancing.training_loss`) on the device."""
        loss_fn = training_loss(self.loss, counts, self.balancing, self.loss_params)
        return loss_fn.to(self.device_) if isinstance(loss_fn, torch.nn.Module) else loss_fn

    # ---- inference ---------------------------------------------------------------------------------
    def predict_tokens(self, tokens, batch_size: int | None = None) -> np.ndarray:
        """Return the class probabilities of texts already tokenised, as the validation during ``fit`` scores them.

        Parameters
        ----------
        tokens : Tokenized
            The texts' token ids (tokenised once by the estimator).
        batch_size : int, default=None
            Texts per forward pass, in length order; None is twice the training ``batch_size``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), dtype float32
            The probabilities, columns in the order of ``classes_``.
        """
        device = getattr(self, "device_", torch.device("cpu"))
        with self._threads():
            return class_probabilities(self.model_, tokens, batch_size or 2 * self.batch_size, device,
                                       getattr(self, "autocast_dtype_", None))

    def predict_proba(self, X) -> np.ndarray:
        """Return the class probabilities of ``X``.

        Parameters
        ----------
        X : sequence of str, sequence of (str, str), Series, DataFrame or ndarray
            One text per sample, or text pairs (tuples, or two columns: query, product title).

        Returns
        -------
        ndarray of shape (n_samples, n_classes), dtype float32
            The probabilities, columns in the order of ``classes_``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            When the estimator is neither fitted nor loaded.
        """
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this TextClassifierFineTuner is not fitted yet; call fit(X, y) or load(directory)")
        return self.predict_tokens(self._encode(X))

    def predict(self, X) -> np.ndarray:
        """Return the most probable class of each text (or pair) of ``X``.

        Parameters
        ----------
        X : sequence of str, sequence of (str, str), Series, DataFrame or ndarray
            One text per sample, or text pairs (tuples, or two columns: query, product title).

        Returns
        -------
        ndarray of shape (n_samples,)
            The predicted labels, values of ``classes_``.
        """
        proba = self.predict_proba(X)  # raises NotFittedError first when there is no model
        return self.classes_[proba.argmax(1)]

    # ---- checkpoints -------------------------------------------------------------------------------
    def save(self, directory, optimizer=None, scheduler=None, epoch=None, best_f1=-np.inf,
             embedding_rows: str | None = None) -> Path:
        """Write the fine-tuned model (safetensors), its tokenizer and the estimator state to ``directory``.

        During ``fit`` (``checkpoint_dir``) the training loop passes its optimizer, scheduler, epoch, best
        validation macro-F1 and embedding-rows digest, so that ``fit(..., resume_from=directory)`` continues
        where it stopped; a saved model alone is for :meth:`load`.

        Parameters
        ----------
        directory : str or Path
            The folder to write (created when missing).
        optimizer : torch.optim.Optimizer, default=None
            The training loop's optimizer, whose state is saved with the ``scheduler``.
        scheduler : torch.optim.lr_scheduler.LRScheduler, default=None
            The learning-rate schedule.
        epoch : int, default=None
            Epochs done; None counts the rows of ``history_``.
        best_f1 : float, default=-inf
            The best validation macro-F1 so far (-inf: none).
        embedding_rows : str or None, default=None
            The digest of the trained token-embedding rows (:meth:`FineTuningRun.rows_digest`).

        Returns
        -------
        Path
            The checkpoint directory.
        """
        state = checkpoint.estimator_state(self, epoch, best_f1, embedding_rows)
        return checkpoint.save_checkpoint(directory, self.model_, self.tokenizer_, state, optimizer, scheduler)

    @classmethod
    def load(cls, directory, **overrides) -> "TextClassifierFineTuner":
        """Load a fitted estimator from a directory written by :meth:`save` (ready to predict).

        Parameters
        ----------
        directory : str or Path
            The checkpoint directory.
        **overrides : dict
            Estimator parameters that replace the saved ones (e.g. ``device="cpu"``, ``progress=False``).

        Returns
        -------
        TextClassifierFineTuner
            The estimator with its model, tokenizer, classes, step count and history.

        Raises
        ------
        FileNotFoundError
            When ``directory`` holds no checkpoint written by :meth:`save`.
        """
        state = checkpoint.read_state(directory)
        params = {k: v for k, v in state["params"].items() if k in cls().get_params()}
        params.update(overrides)
        est = cls(**params)
        est.classes_ = np.asarray(state["classes"])
        est.tokenizer_, est.model_ = est._load_model(Path(directory), len(est.classes_))
        est.device_, est.autocast_dtype_ = est._runtime()
        est.model_.to(est.device_)
        est.global_step_ = state["global_step"]
        est.history_, est.step_log_ = pd.DataFrame(state["history"]), pd.DataFrame(state["step_log"])
        return est

    # ---- compression -------------------------------------------------------------------------------
    def quantized(self) -> "TextClassifierFineTuner":
        """Return a copy whose Linear layers are int8 dynamically quantised, for CPU inference.

        The copy (:func:`quantize_dynamic`) predicts on the CPU in full precision; the estimator itself is
        unchanged.

        Returns
        -------
        TextClassifierFineTuner
            The quantised copy.
        """
        clone = copy.copy(self)
        clone.model_ = quantize_dynamic(self.model_)
        clone.device, clone.precision = "cpu", "fp32"
        clone.autocast_dtype_, clone.device_ = None, torch.device("cpu")
        clone._token_cache = self.__dict__.get("_token_cache", {})
        return clone
