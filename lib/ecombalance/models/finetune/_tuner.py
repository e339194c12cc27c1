"""Fine-tuning a pretrained BERT-family encoder on imbalanced e-commerce text.

:class:`TextClassifierFineTuner` puts a classification head on any Hugging Face encoder (by name or
local path, loaded offline) and trains it on one text column (title -> category) or on text pairs
(query, product title -> relevance, a cross-encoder). The whole training set is fine-tuned; imbalance
is countered by class-balanced batch sampling, class weights in the loss, or random over-sampling of
texts, never by fine-tuning on the minority class alone (that overwrites what the encoder knows about
the other classes: the design document's §3.2 step 3 gets this wrong).

Optimisation is AdamW with linear warm-up and decay (Devlin et al. 2019; Loshchilov & Hutter 2019),
gradient accumulation, early stopping on validation macro-F1 (the loop:
:mod:`ecombalance.models.finetune._run`), and safetensors checkpoints that resume with optimizer, scheduler,
step and RNG state (:mod:`ecombalance.models.finetune._checkpoint`). The same code runs on CUDA (bf16 autocast) and
the CPU (bf16 autocast too where the CPU has bf16 instructions: about 1.3x faster than fp32 there).

Speed comes from the input side (:mod:`ecombalance.models.finetune._text_batching`): texts are tokenised once,
batches are drawn from length buckets and padded only to their own longest text, and the loss is
accumulated on the device and read (a host sync) only every ``log_every`` optimizer steps. On the
optimizer side, AdamW is fused and trains only the token-embedding rows the training texts use
(:mod:`ecombalance.models.finetune._embedding_rows`, the same model as updating all ~30k rows every step).
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
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from torch.utils.data import WeightedRandomSampler

from ecombalance.models import _pretrained as pretrained
from ecombalance.models._device import autocast, autocast_dtype, resolve_device, seed_everything, torch_threads
from ecombalance.models._losses import make_loss
from ecombalance.models._pretrained import quiet_transformers
from ecombalance.models.finetune import _checkpoint as checkpoint
from ecombalance.models.finetune import _distributed as distributed
from ecombalance.models.finetune._embedding_rows import training_used_rows
from ecombalance.models.finetune._quantization import quantize_dynamic
from ecombalance.models.finetune._run import FineTuningRun
from ecombalance.models.finetune._text_batching import (as_text_inputs, collate, length_bucketed_batches, text_key,
                                                        to_device, tokenize)
from ecombalance.sampling._weights import weights_from_counts

BALANCING = ("none", "sampler", "class_weight", "oversample")
EMBEDDING_ROWS = ("used", "all")


def tokenize_texts(tokenizer, first, second=None, max_length=64):
    """Tokenise a text set once (module-level so that tests can count the calls)."""
    return tokenize(tokenizer, first, second, max_length=max_length)


def class_balanced_sampler(y, num_samples: int | None = None, random_state: int = 0) -> WeightedRandomSampler:
    """A torch sampler that draws each class equally often: sample weight :math:`1/n_{c(i)}`, with replacement.

    Every class then has probability :math:`1/C` per draw, the batch-level version of re-balancing
    (class-balanced sampling, e.g. Kang et al. 2020, "Decoupling representation and classifier").
    torch's ``WeightedRandomSampler`` does the drawing; this only sets the weights.
    """
    y = np.asarray(y)
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    weights = torch.as_tensor(1.0 / counts[inverse], dtype=torch.double)
    generator = torch.Generator().manual_seed(int(random_state))
    return WeightedRandomSampler(weights, num_samples or len(y), replacement=True, generator=generator)


def resolve_loss(loss, class_counts, class_weight=None, **params):
    """The training loss as a callable ``loss(logits, targets)``.

    ``None`` / ``"ce"`` is cross-entropy (with per-class ``class_weight`` if given); a name is built by
    :func:`ecombalance.models._losses.make_loss` ``(name, class_counts, **params)``; a callable is used as it is.
    """
    if loss is None or loss in ("ce", "cross_entropy"):
        weight = None if class_weight is None else torch.as_tensor(class_weight, dtype=torch.float32)
        return torch.nn.CrossEntropyLoss(weight=weight)
    if class_weight is not None:
        raise ValueError(
            f"balancing='class_weight' weights the default cross-entropy; with loss={loss!r} use a class-aware "
            "loss from ecombalance.models._losses instead, or balancing='sampler'/'oversample'"
        )
    if callable(loss):
        return loss
    if isinstance(loss, str):
        return make_loss(loss, np.asarray(class_counts), **params)
    raise TypeError(f"loss must be None, a loss name or a callable loss(logits, targets), got {type(loss).__name__}")


class TextClassifierFineTuner(ClassifierMixin, BaseEstimator):
    """Fine-tune a pretrained encoder with a classification head (scikit-learn style).

    Parameters
    ----------
    model_name : str
        Hugging Face model name or local directory (offline; see ``pretrained.resolve_model``).
        ``"tiny-random"`` is a 2-layer random BERT for tests and smoke runs.
    epochs : int
    batch_size : int
        Samples per forward pass (one micro-batch). With ``grad_accumulation`` = k, every optimizer
        step sums the gradients of k micro-batches, i.e. sees ``batch_size * k`` samples.
    learning_rate, weight_decay : float
        AdamW settings (no decay on biases and LayerNorm weights).
    warmup_ratio : float
        Share of the optimizer steps with linearly rising learning rate; it then decays linearly to 0.
    max_length : int
        Tokens per text (or pair) after truncation.
    trainable_layers : int or None
        None fine-tunes everything; k freezes the embeddings and all but the last k encoder layers
        (0 trains only the head).
    freeze_embeddings : bool
        Keep the token-embedding matrix fixed (default False: everything named by ``trainable_layers``
        trains). The matrix is about half of a small encoder's weights (MiniLM-L6: 11.7M of 22.7M); with
        ``embedding_rows="used"`` training it costs little, and freezing it was no faster in
        ``benchmarks/finetune.py --only levers``. An option for keeping the pretrained token vectors as
        they are, not a speed lever.
    embedding_rows : {"used", "all"}
        How the token-embedding matrix trains when it does. "used" (default): only the rows of the tokens
        in the training texts are a parameter, and the weight decay of the others is applied in closed
        form (:mod:`ecombalance.models.finetune._embedding_rows`): the same model as "all" to float rounding, and
        faster, because the optimizer no longer touches ~30k rows of which titles use a few thousand.
        "all" updates the whole matrix every step (the textbook loop; ``torchrun`` runs always use it).
    balancing : {"none", "sampler", "class_weight", "oversample"}
        "sampler": batches drawn with class-balanced probabilities (:func:`class_balanced_sampler`);
        "class_weight": cross-entropy weighted by :math:`N/(C N_c)`
        (:func:`ecombalance.sampling._weights.weights_from_counts`); "oversample": imbalanced-learn's
        ``RandomOverSampler`` repeats minority texts once per fit.
    loss : None, str or callable
        None is cross-entropy; a name goes to ``ecombalance.models._losses.make_loss`` (e.g. "focal") with
        ``loss_params``; a callable ``loss(logits, targets)`` is used as it is.
    grad_accumulation : int
        Micro-batches per optimizer step (each micro-batch's loss is divided by it, so the step uses
        their mean gradient); 1 steps after every forward pass.
    early_stopping_patience : int or None
        Epochs without a better validation macro-F1 before stopping; the best epoch's weights are kept.
    max_steps : int or None
        Stop after this many optimizer steps (benchmarks, smoke runs).
    device : str
        "auto" (CUDA if present), "cpu" or "cuda[:N]".
    precision : str
        "auto" (bf16 autocast on a GPU that supports it and on a CPU with bf16 instructions,
        :func:`ecombalance.models._device.cpu_bf16_supported`; fp32 elsewhere), "bf16", "fp16" or "fp32".
    threads : int or None
        torch CPU threads while fitting and predicting on the CPU (default: all cores); the process's
        own setting is restored afterwards.
    checkpoint_dir : str or None
        Save a checkpoint to ``checkpoint_dir/epoch-N`` after every epoch N (resume with
        ``fit(..., resume_from=checkpoint_dir/epoch-N)``).
    log_every : int
        Optimizer steps between progress-bar updates (the only host-device syncs while training).
    random_state : int
    progress : bool
        Show a tqdm bar with loss and samples/s.
    classes : sequence or None
        The full label set, when ``y`` may lack some labels (e.g. continuing from a fine-tuned
        checkpoint on a subset); default the labels in ``y``.

    Attributes
    ----------
    classes_ : ndarray
    model_ : transformers model
    history_ : DataFrame
        One row per epoch: train loss, validation macro-F1, samples/s, wall and CPU (process) seconds.
    step_log_ : DataFrame
        Training loss every ``log_every`` optimizer steps (the training curve), with samples/s and the
        wall and CPU seconds since the training loop started.
    global_step_ : int
    class_counts_seen_ : ndarray
        Training rows per class that this process trained on (for checking the balancing; under
        ``torchrun`` each rank counts its own shard).

    Under ``torchrun`` (see :mod:`ecombalance.models.finetune.train`) the model is wrapped in DistributedDataParallel, each
    rank trains on its shard of every epoch (:func:`ecombalance.models.finetune._distributed.shard`, or
    :class:`ecombalance.models.finetune._distributed.DistributedClassBalancedSampler` with ``balancing="sampler"``), and
    only rank 0 shows progress and writes checkpoints.
    """

    def __init__(
        self,
        model_name: str = pretrained.DEFAULT_MODEL,
        epochs: int = 3,
        batch_size: int = 32,
        learning_rate: float = 5e-5,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        max_length: int = 64,
        trainable_layers: int | None = None,
        freeze_embeddings: bool = False,
        embedding_rows: str = "used",
        balancing: str = "none",
        loss=None,
        loss_params: dict | None = None,
        grad_accumulation: int = 1,
        early_stopping_patience: int | None = 2,
        max_steps: int | None = None,
        max_grad_norm: float | None = 1.0,
        device: str = "auto",
        precision: str = "auto",
        threads: int | None = None,
        checkpoint_dir: str | None = None,
        log_every: int = 10,
        random_state: int = 0,
        progress: bool = True,
        classes=None,
    ):
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
        device = resolve_device(self.device)
        ctx = distributed.context()
        if device.type == "cuda" and ctx.enabled:
            device = torch.device("cuda", ctx.local_rank)
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

    def _load_model(self, source, num_labels: int):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = pretrained.resolve_model(source)
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                path, num_labels=num_labels, local_files_only=True
            )
        return tokenizer, model

    def _freeze(self, model) -> None:
        if self.freeze_embeddings:
            model.get_input_embeddings().weight.requires_grad = False
        if self.trainable_layers is None:
            return
        base = model.base_model
        layers = next(
            (m for m in base.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == model.config.num_hidden_layers),
            None,
        )
        if layers is None:
            raise ValueError(f"cannot find the encoder layers of {type(base).__name__} to freeze; use trainable_layers=None")
        keep = len(layers) - min(self.trainable_layers, len(layers))
        for param in base.parameters():
            param.requires_grad = False
        for layer in list(layers)[keep:]:
            for param in layer.parameters():
                param.requires_grad = True
        pooler = getattr(base, "pooler", None)
        if pooler is not None:
            for param in pooler.parameters():
                param.requires_grad = True

    def _encode(self, X):
        """Token ids for ``X``, tokenised once per distinct text set and kept for the estimator's life."""
        first, second = as_text_inputs(X)
        key = text_key(first, second, self.max_length, getattr(self.tokenizer_, "name_or_path", ""))
        cache = self.__dict__.setdefault("_token_cache", {})
        if key not in cache:
            cache[key] = tokenize_texts(self.tokenizer_, first, second, max_length=self.max_length)
        return cache[key]

    def epoch_indices(self, y_idx: np.ndarray, epoch: int) -> np.ndarray:
        """This process's rows for ``epoch`` (the training loop's order): all of them, or under ``torchrun`` this rank's shard of
        one epoch drawn identically on every rank (class-balanced per rank with ``"sampler"``)."""
        seed = [int(self.random_state), int(epoch)]
        ctx = distributed.context()
        if ctx.enabled:
            if self.balancing == "sampler":
                sampler = distributed.DistributedClassBalancedSampler(y_idx, num_samples=len(y_idx),
                                                                      random_state=int(self.random_state))
                sampler.set_epoch(epoch)
                return np.fromiter(iter(sampler), dtype=np.int64, count=len(sampler))
            rows = self._oversampled if self.balancing == "oversample" else np.arange(len(y_idx))
            return distributed.shard(rows, ctx)
        if self.balancing == "sampler":
            sampler = class_balanced_sampler(y_idx, random_state=int(np.random.default_rng(seed).integers(2**31)))
            return np.fromiter(iter(sampler), dtype=np.int64, count=len(y_idx))
        if self.balancing == "oversample":
            return self._oversampled
        return np.arange(len(y_idx))

    # ---- training ----------------------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None, resume_from: str | Path | None = None):
        """Fine-tune on ``(X, y)``; ``(X_val, y_val)`` drive early stopping (never resampled).

        ``resume_from`` is a checkpoint directory written by :meth:`save`: weights, optimizer,
        scheduler, step and RNG state are restored and training continues up to ``epochs``.
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
        y = np.asarray(y)
        check_classification_targets(y)  # continuous targets are refused, not turned into one class per value
        if len(y) != len(as_text_inputs(X)[0]):
            raise ValueError(f"X has {len(as_text_inputs(X)[0])} samples but y has {len(y)}")
        encoder = LabelEncoder().fit(y if self.classes is None else np.asarray(self.classes))
        self.classes_ = encoder.classes_
        unknown = set(np.unique(y)) - set(self.classes_)
        if unknown:
            raise ValueError(f"y holds labels {sorted(unknown)} that are not in classes={list(self.classes_)}")
        y_idx = encoder.transform(y)
        if len(self.classes_) < 2:
            raise ValueError("y holds a single class; fine-tuning a classifier needs at least two (or pass classes=)")
        return y_idx, np.bincount(y_idx, minlength=len(self.classes_))

    def _build_model(self, resume_from) -> dict | None:
        """Loads tokenizer and model (from ``model_name``, or the checkpoint to resume, whose state it
        returns), freezes layers and moves the model to the device."""
        state = None
        if resume_from is not None:
            state = checkpoint.read_state(resume_from)
            if list(map(str, state["classes"])) != list(map(str, self.classes_)):
                raise ValueError(f"checkpoint classes {state['classes']} differ from y's {list(self.classes_)}")
        self.tokenizer_, self.model_ = self._load_model(resume_from or self.model_name, len(self.classes_))
        self._freeze(self.model_)
        self.model_.to(self.device_)
        return state

    def _balance_rows(self, y_idx: np.ndarray) -> None:
        """With ``"oversample"``, the training rows once over-sampled for the whole fit."""
        if self.balancing == "oversample":
            from imblearn.over_sampling import RandomOverSampler

            rows, _ = RandomOverSampler(random_state=self.random_state).fit_resample(
                np.arange(len(y_idx)).reshape(-1, 1), y_idx
            )
            self._oversampled = rows.ravel()

    def _loss_fn(self, counts: np.ndarray) -> Callable:
        """The training loss on the device; ``"class_weight"`` weights cross-entropy by :math:`N/(C N_c)`
        over the classes present (an absent class is never a target: weight 0)."""
        weights = None
        if self.balancing == "class_weight":
            present = counts > 0
            weights = np.zeros(len(counts))
            weights[present] = weights_from_counts(counts[present], "balanced")
        loss_fn = resolve_loss(self.loss, counts, weights, **(self.loss_params or {}))
        return loss_fn.to(self.device_) if isinstance(loss_fn, torch.nn.Module) else loss_fn

    # ---- inference ---------------------------------------------------------------------------------
    def predict_tokens(self, tokens, batch_size: int | None = None) -> np.ndarray:
        """Class probabilities of texts already tokenised (``TokenizedTexts``), as the validation during ``fit``
        scores them; batches of ``batch_size`` (default twice the training batch) in length order."""
        device = getattr(self, "device_", torch.device("cpu"))
        dtype = getattr(self, "autocast_dtype_", None)
        batches = length_bucketed_batches(tokens.lengths, batch_size or 2 * self.batch_size, shuffle=False)
        was_training = self.model_.training
        self.model_.eval()
        out = []
        with self._threads(), torch.inference_mode():
            for batch in batches:
                inputs = to_device(collate(tokens, batch), device)
                with autocast(device, dtype):
                    logits = self.model_(**inputs).logits
                out.append(torch.softmax(logits.float(), dim=-1))
        self.model_.train(was_training)
        proba = np.empty((len(tokens), len(self.classes_)), dtype=np.float32)
        proba[np.concatenate(batches)] = torch.cat(out).cpu().numpy()
        return proba

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this TextClassifierFineTuner is not fitted yet; call fit(X, y) or load(directory)")
        return self.predict_tokens(self._encode(X))

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)  # raises NotFittedError first when there is no model
        return self.classes_[proba.argmax(1)]

    # ---- checkpoints -------------------------------------------------------------------------------
    def save(self, directory, optimizer=None, scheduler=None, epoch=None, best_f1=-np.inf,
             embedding_rows: str | None = None) -> Path:
        """Write the fine-tuned model (safetensors), its tokenizer and the estimator state to ``directory``.

        During ``fit`` (``checkpoint_dir``) the training loop passes its ``optimizer``, ``scheduler``, ``epoch``, best
        validation macro-F1 and ``embedding_rows`` digest, so that ``fit(..., resume_from=directory)`` continues
        where it stopped.
        """
        params = {k: v for k, v in self.get_params().items() if k != "loss" or isinstance(v, (str, type(None)))}
        if params["classes"] is not None:
            params["classes"] = np.asarray(params["classes"]).tolist()
        state = {
            "params": params,
            "classes": self.classes_.tolist(),
            "global_step": int(self.global_step_),
            "epoch": int(epoch if epoch is not None else len(getattr(self, "history_", []))),
            "history": pd.DataFrame(getattr(self, "history_", [])).to_dict("records"),
            "step_log": pd.DataFrame(getattr(self, "step_log_", [])).to_dict("records"),
            "best_val_macro_f1": None if best_f1 == -np.inf else float(best_f1),
            "embedding_rows": embedding_rows,
        }
        return checkpoint.save_checkpoint(directory, self.model_, self.tokenizer_, state, optimizer, scheduler)

    @classmethod
    def load(cls, directory, **overrides) -> "TextClassifierFineTuner":
        """A fitted estimator from a directory written by :meth:`save` (ready to predict)."""
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
        """A copy whose Linear layers are int8 dynamically quantised, for CPU inference
        (:func:`ecombalance.models.finetune._quantization.quantize_dynamic`)."""
        clone = copy.copy(self)
        clone.model_ = quantize_dynamic(self.model_)
        clone.device, clone.precision = "cpu", "fp32"
        clone.autocast_dtype_, clone.device_ = None, torch.device("cpu")
        clone._token_cache = self.__dict__.get("_token_cache", {})
        return clone
