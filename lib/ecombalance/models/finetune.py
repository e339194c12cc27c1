"""Fine-tuning a pretrained BERT-family encoder on imbalanced e-commerce text.

:class:`TextClassifierFineTuner` puts a classification head on any Hugging Face encoder (by name or
local path, loaded offline) and trains it on one text column (title -> category) or on text pairs
(query, product title -> relevance, a cross-encoder). The whole training set is fine-tuned; imbalance
is countered by class-balanced batch sampling, class weights in the loss, or random over-sampling of
texts, never by fine-tuning on the minority class alone (that overwrites what the encoder knows about
the other classes: the design document's §3.2 step 3 gets this wrong).

Optimisation is AdamW with linear warm-up and decay (Devlin et al. 2019; Loshchilov & Hutter 2019),
gradient accumulation, early stopping on validation macro-F1, and safetensors checkpoints that resume
with optimizer, scheduler, step and RNG state. The same code runs on CUDA (bf16 autocast) and the CPU.

Speed comes from the input side (:mod:`ecombalance.models.text_batching`): texts are tokenised once,
batches are drawn from length buckets and padded only to their own longest text, and the loss is
accumulated on the device and read (a host sync) only every ``log_every`` optimizer steps.
"""

from __future__ import annotations

import copy
import io
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from safetensors.torch import load_file, save_file
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score
from sklearn.preprocessing import LabelEncoder
from torch.utils.data import WeightedRandomSampler

from ecombalance.models import distributed, pretrained
from ecombalance.models.device import autocast, autocast_dtype, cpu_threads, resolve_device, seed_everything
from ecombalance.models.embeddings import SentenceEmbedder, embed_texts, embedding_classifier  # noqa: F401  (re-exported)
from ecombalance.models.pretrained import quiet_transformers
from ecombalance.models.text_batching import (
    as_text_inputs,
    collate,
    length_bucketed_batches,
    text_key,
    to_device,
    tokenize,
)

BALANCING = ("none", "sampler", "class_weight", "oversample")
_STATE_FILE = "ecombalance_finetune.json"
_TRAINING_FILE = "training_state.safetensors"


def tokenize_texts(tokenizer, first, second=None, max_length=64):
    """Tokenise a text set once (module-level so that tests can count the calls)."""
    return tokenize(tokenizer, first, second, max_length=max_length)


def class_balanced_sampler(y, num_samples: int | None = None, seed: int = 0) -> WeightedRandomSampler:
    """A torch sampler that draws each class equally often: sample weight :math:`1/n_{c(i)}`, with replacement.

    Every class then has probability :math:`1/C` per draw, the batch-level version of re-balancing
    (class-balanced sampling, e.g. Kang et al. 2020, "Decoupling representation and classifier").
    torch's ``WeightedRandomSampler`` does the drawing; this only sets the weights.
    """
    y = np.asarray(y)
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    weights = torch.as_tensor(1.0 / counts[inverse], dtype=torch.double)
    generator = torch.Generator().manual_seed(int(seed))
    return WeightedRandomSampler(weights, num_samples or len(y), replacement=True, generator=generator)


def balanced_class_weights(class_counts) -> np.ndarray:
    """scikit-learn's "balanced" weights :math:`w_c = N / (C N_c)` (float32; 0 for an absent class)."""
    counts = np.asarray(class_counts, dtype=np.float64)
    with np.errstate(divide="ignore"):
        weights = np.where(counts > 0, counts.sum() / (len(counts) * counts), 0.0)
    return weights.astype(np.float32)


def resolve_loss(loss, class_counts, class_weight=None, **params):
    """The training loss as a callable ``loss(logits, targets)``.

    ``None`` / ``"ce"`` is cross-entropy (with ``class_weight`` if given); a name is built by
    ``ecombalance.models.losses.make_loss(name, class_counts, **params)``; a callable is used as it is.
    """
    if loss is None or loss in ("ce", "cross_entropy"):
        weight = None if class_weight is None else torch.as_tensor(class_weight, dtype=torch.float32)
        return torch.nn.CrossEntropyLoss(weight=weight)
    if class_weight is not None:
        raise ValueError(
            f"balancing='class_weight' weights the default cross-entropy; with loss={loss!r} use a class-aware "
            "loss from ecombalance.models.losses instead, or balancing='sampler'/'oversample'"
        )
    if callable(loss):
        return loss
    if isinstance(loss, str):
        try:
            from ecombalance.models.losses import make_loss
        except ImportError as exc:
            raise ValueError(
                f"loss={loss!r} needs ecombalance.models.losses, which this checkout does not have; pass a callable "
                "loss(logits, targets) or loss=None for cross-entropy"
            ) from exc
        return make_loss(loss, np.asarray(class_counts), **params)
    raise TypeError(f"loss must be None, a loss name or a callable loss(logits, targets), got {type(loss).__name__}")


def _flatten_optimizer(state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    tensors, meta = {}, {"param_groups": state["param_groups"], "scalars": {}}
    for pid, slots in state["state"].items():
        for name, value in slots.items():
            if torch.is_tensor(value):
                tensors[f"optimizer.{pid}.{name}"] = value.detach().cpu().contiguous()
            else:
                meta["scalars"][f"{pid}.{name}"] = value
    return tensors, meta


def _unflatten_optimizer(tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, pid, name = key.split(".", 2)
            state.setdefault(int(pid), {})[name] = value
    for key, value in meta["scalars"].items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = value
    return {"state": state, "param_groups": meta["param_groups"]}


class TextClassifierFineTuner(ClassifierMixin, BaseEstimator):
    """Fine-tune a pretrained encoder with a classification head (scikit-learn style).

    Parameters
    ----------
    model_name : str
        Hugging Face model name or local directory (offline; see ``pretrained.resolve_model``).
        ``"tiny-random"`` is a 2-layer random BERT for tests and smoke runs.
    epochs : int
    batch_size : int
        Samples per forward pass; the optimizer step sees ``batch_size * grad_accumulation``.
    learning_rate, weight_decay : float
        AdamW settings (no decay on biases and LayerNorm weights).
    warmup_ratio : float
        Share of the optimizer steps with linearly rising learning rate; it then decays linearly to 0.
    max_length : int
        Tokens per text (or pair) after truncation.
    trainable_layers : int or None
        None fine-tunes everything; k freezes the embeddings and all but the last k encoder layers
        (0 trains only the head).
    balancing : {"none", "sampler", "class_weight", "oversample"}
        "sampler": batches drawn with class-balanced probabilities (:func:`class_balanced_sampler`);
        "class_weight": cross-entropy weighted by :math:`N/(C N_c)`; "oversample": imbalanced-learn's
        ``RandomOverSampler`` repeats minority texts once per fit.
    loss : None, str or callable
        None is cross-entropy; a name goes to ``ecombalance.models.losses.make_loss`` (e.g. "focal") with
        ``loss_params``; a callable ``loss(logits, targets)`` is used as it is.
    grad_accumulation : int
    early_stopping_patience : int or None
        Epochs without a better validation macro-F1 before stopping; the best epoch's weights are kept.
    max_steps : int or None
        Stop after this many optimizer steps (benchmarks, smoke runs).
    device : str
        "auto" (CUDA if present), "cpu" or "cuda[:N]".
    precision : str
        "auto" (bf16 autocast on a GPU that supports it), "bf16", "fp16" or "fp32".
    threads : int or None
        CPU threads (default: all cores).
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

    Under ``torchrun`` (see :mod:`ecombalance.models.train`) the model is wrapped in DistributedDataParallel, each
    rank trains on its shard of every epoch (:func:`ecombalance.models.distributed.shard`, or
    :class:`ecombalance.models.distributed.DistributedClassBalancedSampler` with ``balancing="sampler"``), and
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
        """The device and autocast dtype this run uses (CPU threads are set here too). Under
        ``torchrun`` each process takes GPU ``LOCAL_RANK``."""
        device = resolve_device(self.device)
        ctx = distributed.context()
        if device.type == "cuda" and ctx.enabled:
            device = torch.device("cuda", ctx.local_rank)
        if device.type == "cpu":
            cpu_threads(self.threads)
        return device, autocast_dtype(device, self.precision)

    def _check_params(self):
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

    def _epoch_indices(self, y_idx: np.ndarray, epoch: int) -> np.ndarray:
        """This process's rows for ``epoch``: all of them, or under ``torchrun`` this rank's shard of
        one epoch drawn identically on every rank (class-balanced per rank with ``"sampler"``)."""
        seed = [int(self.random_state), int(epoch)]
        ctx = distributed.context()
        if ctx.enabled:
            if self.balancing == "sampler":
                sampler = distributed.DistributedClassBalancedSampler(y_idx, num_samples=len(y_idx),
                                                                      seed=int(self.random_state))
                sampler.set_epoch(epoch)
                return np.fromiter(iter(sampler), dtype=np.int64, count=len(sampler))
            rows = self._oversampled if self.balancing == "oversample" else np.arange(len(y_idx))
            return distributed.shard(rows, ctx)
        if self.balancing == "sampler":
            sampler = class_balanced_sampler(y_idx, seed=int(np.random.default_rng(seed).integers(2**31)))
            return np.fromiter(iter(sampler), dtype=np.int64, count=len(y_idx))
        if self.balancing == "oversample":
            return self._oversampled
        return np.arange(len(y_idx))

    def _optimizer(self, model):
        decay, no_decay = [], []
        for name, param in model.named_parameters():
            if param.requires_grad:
                (no_decay if param.ndim < 2 or "LayerNorm" in name or "layer_norm" in name else decay).append(param)
        groups = [{"params": decay, "weight_decay": self.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=self.learning_rate, fused=True)  # one kernel for all tensors

    # ---- training ----------------------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None, resume_from: str | Path | None = None):
        """Fine-tune on ``(X, y)``; ``(X_val, y_val)`` drive early stopping (never resampled).

        ``resume_from`` is a checkpoint directory written by :meth:`save`: weights, optimizer,
        scheduler, step and RNG state are restored and training continues up to ``epochs``.
        """
        from tqdm import tqdm
        from transformers import get_linear_schedule_with_warmup

        self._check_params()
        seed_everything(int(self.random_state))
        y = np.asarray(y)
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
        counts = np.bincount(y_idx, minlength=len(self.classes_))
        device, dtype = self._runtime()
        self.device_, self.autocast_dtype_ = device, dtype

        state = None
        if resume_from is not None:
            state = json.loads((Path(resume_from) / _STATE_FILE).read_text())
            if list(map(str, state["classes"])) != list(map(str, self.classes_)):
                raise ValueError(f"checkpoint classes {state['classes']} differ from y's {list(self.classes_)}")
        self.tokenizer_, self.model_ = self._load_model(resume_from or self.model_name, len(self.classes_))
        self._freeze(self.model_)
        self.model_.to(device)
        tokens = self._encode(X)
        val_tokens = self._encode(X_val) if X_val is not None else None
        if self.balancing == "oversample":
            from imblearn.over_sampling import RandomOverSampler

            rows, _ = RandomOverSampler(random_state=self.random_state).fit_resample(
                np.arange(len(y_idx)).reshape(-1, 1), y_idx
            )
            self._oversampled = rows.ravel()
        weights = balanced_class_weights(counts) if self.balancing == "class_weight" else None
        loss_fn = resolve_loss(self.loss, counts, weights, **(self.loss_params or {}))
        if isinstance(loss_fn, torch.nn.Module):
            loss_fn = loss_fn.to(device)

        ctx = distributed.context()
        # DDP averages the gradients of all ranks, so every rank keeps the same weights
        train_model = distributed.wrap(self.model_, device) if ctx.enabled else self.model_
        samples_per_epoch = len(self._epoch_indices(y_idx, 0))
        batches_per_epoch = math.ceil(samples_per_epoch / self.batch_size)
        steps_per_epoch = math.ceil(batches_per_epoch / self.grad_accumulation)
        total_steps = steps_per_epoch * self.epochs
        if self.max_steps:
            total_steps = min(total_steps, self.max_steps)
        optimizer = self._optimizer(self.model_)
        scheduler = get_linear_schedule_with_warmup(optimizer, int(self.warmup_ratio * total_steps), total_steps)
        self.global_step_, start_epoch, history, step_log = 0, 0, [], []
        best_f1, best_state, stale = -np.inf, None, 0
        if state is not None:
            tensors = load_file(str(Path(resume_from) / _TRAINING_FILE))
            optimizer.load_state_dict(_unflatten_optimizer(tensors, state["optimizer"]))
            scheduler.load_state_dict(state["scheduler"])
            torch.set_rng_state(tensors["rng.torch"])
            self.global_step_, start_epoch = state["global_step"], state["epoch"]
            history, step_log = state["history"], state["step_log"]
            best_f1 = state["best_val_macro_f1"] if state["best_val_macro_f1"] is not None else -np.inf

        y_device = torch.as_tensor(y_idx, device=device)
        fit_started, fit_cpu_started = time.perf_counter(), time.process_time()
        # one bar for the whole run (a notebook stores every redraw), at most one redraw per 2 s
        bar = tqdm(total=max(0, total_steps - self.global_step_), unit="step", mininterval=2.0,
                   desc="fine-tuning", disable=not (self.progress and ctx.is_main))
        self.class_counts_seen_ = np.zeros(len(self.classes_), dtype=np.int64)
        for epoch in range(start_epoch, self.epochs):
            if self.max_steps and self.global_step_ >= self.max_steps:
                break
            rng = np.random.default_rng([int(self.random_state), epoch])
            batches = length_bucketed_batches(
                tokens.lengths, self.batch_size, indices=self._epoch_indices(y_idx, epoch), rng=rng
            )
            train_model.train()
            running = torch.zeros((), device=device)
            epoch_loss = torch.zeros((), device=device)
            seen, logged_seen, logged_batches, started = 0, 0, 0, time.perf_counter()
            log_start, cpu_started = started, time.process_time()
            bar.set_description(f"fine-tuning, epoch {epoch + 1}/{self.epochs}")
            for i, batch in enumerate(batches):
                inputs = to_device(collate(tokens, batch), device)
                targets = y_device[torch.as_tensor(batch, device=device)]
                self.class_counts_seen_ += np.bincount(y_idx[batch], minlength=len(self.classes_))
                stepping = (i + 1) % self.grad_accumulation == 0 or i + 1 == len(batches)
                # under DDP, gradients are all-reduced only on the micro-batch that ends an accumulation
                with distributed.no_sync(train_model, skip=not stepping):
                    with autocast(device, dtype):
                        logits = train_model(**inputs).logits
                    loss = loss_fn(logits.float(), targets)
                    (loss / self.grad_accumulation).backward()
                running += loss.detach()
                epoch_loss += loss.detach()
                seen += len(batch)
                if not stepping:
                    continue
                if self.max_grad_norm:
                    torch.nn.utils.clip_grad_norm_(self.model_.parameters(), self.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                self.global_step_ += 1
                bar.update(1)
                stopping = bool(self.max_steps) and self.global_step_ >= self.max_steps
                if self.global_step_ % self.log_every == 0 or i + 1 == len(batches) or stopping:
                    now = time.perf_counter()
                    mean_loss = (running / (i + 1 - logged_batches)).item()  # the only sync in the loop
                    rate = (seen - logged_seen) / max(now - log_start, 1e-9)
                    step_log.append({"epoch": epoch + 1, "step": self.global_step_, "loss": mean_loss,
                                     "samples_per_s": rate, "elapsed_s": now - fit_started,
                                     "cpu_elapsed_s": time.process_time() - fit_cpu_started})
                    bar.set_postfix(loss=f"{mean_loss:.4f}", samples_s=f"{rate:.0f}")
                    running.zero_()
                    logged_batches, logged_seen, log_start = i + 1, seen, now
                if stopping:
                    break
            seconds = time.perf_counter() - started
            row = {"epoch": epoch + 1, "step": self.global_step_, "train_loss": epoch_loss.item() / max(1, i + 1),
                   "samples_per_s": seen / max(seconds, 1e-9), "seconds": seconds,
                   "cpu_seconds": time.process_time() - cpu_started}
            if val_tokens is not None:
                val_pred = self.classes_[self._predict_tokens(val_tokens).argmax(1)]
                row["val_macro_f1"] = f1_score(y_val, val_pred, average="macro")
            history.append(row)
            improved = row.get("val_macro_f1", -np.inf) > best_f1
            if improved:
                best_f1, stale = row["val_macro_f1"], 0
                best_state = {k: v.detach().to("cpu", copy=True) for k, v in self.model_.state_dict().items()}
            elif val_tokens is not None:
                stale += 1
            self.history_, self.step_log_ = pd.DataFrame(history), pd.DataFrame(step_log)
            if self.checkpoint_dir and ctx.is_main:
                self._save(Path(self.checkpoint_dir) / f"epoch-{epoch + 1}", optimizer, scheduler, epoch + 1, best_f1)
            if self.early_stopping_patience is not None and stale >= self.early_stopping_patience:
                break
        bar.close()
        if best_state is not None and val_tokens is not None:
            self.model_.load_state_dict(best_state)
        self.history_ = pd.DataFrame(history)
        self.step_log_ = pd.DataFrame(step_log)
        self.best_val_macro_f1_ = None if best_f1 == -np.inf else float(best_f1)
        return self

    # ---- inference ---------------------------------------------------------------------------------
    def _predict_tokens(self, tokens, batch_size: int | None = None) -> np.ndarray:
        device = getattr(self, "device_", torch.device("cpu"))
        dtype = getattr(self, "autocast_dtype_", None)
        batches = length_bucketed_batches(tokens.lengths, batch_size or 2 * self.batch_size, shuffle=False)
        was_training = self.model_.training
        self.model_.eval()
        out = []
        with torch.inference_mode():
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
        return self._predict_tokens(self._encode(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(1)]

    # ---- checkpoints -------------------------------------------------------------------------------
    def _save(self, directory, optimizer=None, scheduler=None, epoch=None, best_f1=-np.inf) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with quiet_transformers():
            self.model_.save_pretrained(directory, safe_serialization=True)
            self.tokenizer_.save_pretrained(directory)
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
        }
        tensors = {"rng.torch": torch.get_rng_state()}
        if optimizer is not None:
            flat, state["optimizer"] = _flatten_optimizer(optimizer.state_dict())
            tensors.update(flat)
            state["scheduler"] = scheduler.state_dict()
        save_file(tensors, str(directory / _TRAINING_FILE))
        (directory / _STATE_FILE).write_text(json.dumps(state, indent=1, default=str))
        return directory

    def save(self, directory) -> Path:
        """Write the fine-tuned model (safetensors), its tokenizer and the estimator state to ``directory``.

        During ``fit`` (``checkpoint_dir``) the optimizer, scheduler and RNG state go with it, so that
        ``fit(..., resume_from=directory)`` continues where it stopped.
        """
        return self._save(directory)

    @classmethod
    def load(cls, directory, **overrides) -> "TextClassifierFineTuner":
        """A fitted estimator from a directory written by :meth:`save` (ready to predict)."""
        directory = Path(directory)
        if not (directory / _STATE_FILE).is_file():
            raise FileNotFoundError(f"{directory} holds no {_STATE_FILE}; it was not written by TextClassifierFineTuner.save")
        state = json.loads((directory / _STATE_FILE).read_text())
        params = {k: v for k, v in state["params"].items() if k in cls().get_params()}
        params.update(overrides)
        est = cls(**params)
        est.classes_ = np.asarray(state["classes"])
        est.tokenizer_, est.model_ = est._load_model(directory, len(est.classes_))
        est.device_, est.autocast_dtype_ = est._runtime()
        est.model_.to(est.device_)
        est.global_step_ = state["global_step"]
        est.history_, est.step_log_ = pd.DataFrame(state["history"]), pd.DataFrame(state["step_log"])
        return est

    # ---- compression -------------------------------------------------------------------------------
    def quantized(self) -> "TextClassifierFineTuner":
        """A copy whose Linear layers are int8 dynamically quantised, for CPU inference.

        ``torch.ao.quantization.quantize_dynamic`` stores weights as int8 and quantises activations on
        the fly (Jacob et al. 2018); embeddings and LayerNorm stay in float32.
        """
        clone = copy.copy(self)
        clone.model_ = quantize_dynamic(self.model_)
        clone.device, clone.precision = "cpu", "fp32"
        clone.autocast_dtype_, clone.device_ = None, torch.device("cpu")
        clone._token_cache = self.__dict__.get("_token_cache", {})
        return clone


def quantize_dynamic(model: torch.nn.Module) -> torch.nn.Module:
    """An int8 dynamically quantised copy of ``model`` (Linear layers), on the CPU in eval mode."""
    from torch.ao.quantization import quantize_dynamic as _quantize

    source = copy.deepcopy(model).to("cpu", torch.float32).eval()
    # torch.ao.quantization works but warns that it is moving to torchao (not a dependency of this project)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _quantize(source, {torch.nn.Linear}, dtype=torch.qint8)


def model_size_mb(model: torch.nn.Module) -> float:
    """Serialised size of the model's state dict in MB (10^6 bytes)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell() / 1e6


def compare_quantized(fine_tuner: TextClassifierFineTuner, X, y) -> pd.DataFrame:
    """Size, CPU inference speed and macro-F1 of the fine-tuned model before and after int8 quantisation."""
    rows = {}
    for name, est in (("fp32", fine_tuner), ("int8", fine_tuner.quantized())):
        if name == "fp32":
            est = copy.copy(est)
            est.model_ = copy.deepcopy(fine_tuner.model_).to("cpu", torch.float32)
            est.precision, est.autocast_dtype_ = "fp32", None
        tokens = est._encode(X)
        started = time.perf_counter()
        pred = est.classes_[est._predict_tokens(tokens).argmax(1)]
        seconds = time.perf_counter() - started
        rows[name] = {"size_mb": model_size_mb(est.model_), "seconds": seconds,
                      "samples_per_s": len(tokens) / max(seconds, 1e-9),
                      "macro_f1": f1_score(y, pred, average="macro")}
    table = pd.DataFrame(rows).T
    table.index.name = "model"
    return table


def scores(y_true, predictions: dict) -> pd.DataFrame:
    """Macro-F1, balanced accuracy, accuracy and per-class recall of several models' predictions.

    ``predictions`` maps a model's name to its predicted labels on the same ``y_true`` (the untouched
    test split). Accuracy is shown to make the accuracy paradox visible, not to rank models.
    """
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score

    labels = np.unique(y_true)
    rows = {}
    for name, pred in predictions.items():
        row = {"macro_f1": f1_score(y_true, pred, average="macro", labels=labels, zero_division=0),
               "balanced_accuracy": balanced_accuracy_score(y_true, pred),
               "accuracy": accuracy_score(y_true, pred)}
        recalls = recall_score(y_true, pred, labels=labels, average=None, zero_division=0)
        row.update({f"recall[{label}]": r for label, r in zip(labels, recalls)})
        rows[name] = row
    return pd.DataFrame(rows).T
