"""The training loop of one :meth:`ecombalance.models.finetune.TextClassifierFineTuner.fit`.

AdamW with decoupled weight decay (none on biases and LayerNorm weights; Loshchilov & Hutter 2019) and
a learning rate that rises linearly over the first ``warmup_ratio`` of the optimizer steps and then
decays linearly to 0 (Devlin et al. 2019). Every forward pass takes one micro-batch of ``batch_size``
samples; the gradients of ``grad_accumulation`` micro-batches are summed (each loss divided by
``grad_accumulation``) before one optimizer step, and under DDP all-reduced only on the micro-batch
that ends an accumulation. The loss stays on the device and is read only every ``log_every`` optimizer
steps; after every epoch come validation macro-F1, early stopping and a checkpoint. With a
:class:`~ecombalance.models.finetune._embedding_rows.UsedRowsEmbedding` stand-in, each optimizer step also records the
weight decay owed by the embedding rows that are not trained, and the model gets its own embedding back
(up to date) whenever it is evaluated, copied or saved.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ecombalance._progress import progress_bar
from ecombalance.evaluation._metrics import scores
from ecombalance.models._device import autocast
from ecombalance.models.finetune import _checkpoint as checkpoint
from ecombalance.models.finetune import _distributed as distributed
from ecombalance.models.finetune._embedding_rows import UsedRowsEmbedding, plain_embedding, rows_digest
from ecombalance.models.finetune._text_batching import collate, length_bucketed_batches, to_device


def adamw(model: torch.nn.Module, learning_rate: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW over the trainable parameters, without weight decay on biases and LayerNorm weights."""
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if param.requires_grad:
            (no_decay if param.ndim < 2 or "LayerNorm" in name or "layer_norm" in name else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=learning_rate, fused=True)  # one kernel for all tensors


class FineTuningRun:
    """Run the training loop of one fit of a fine-tuner.

    The fine-tuner ``est`` has its model, tokenizer, device and classes set up. The run owns the optimizer (AdamW
    without weight decay on biases and LayerNorm weights; Loshchilov & Hutter 2019 [1]_), the linear warm-up and
    decay schedule (Devlin et al. 2019 [2]_), the history and the progress bar, and writes
    the fitted attributes (``global_step_``, ``history_``, ``step_log_``, ``class_counts_seen_``,
    ``best_val_macro_f1_``) on ``est``. :meth:`TextClassifierFineTuner.fit` builds one and calls :meth:`train`.
    Under ``torchrun`` the model is wrapped in DistributedDataParallel.

    Parameters
    ----------
    est : TextClassifierFineTuner
        The fine-tuner, with ``model_``, ``tokenizer_``, ``device_``, ``autocast_dtype_`` and ``classes_`` set; its
        parameters (``epochs``, ``learning_rate``, ``grad_accumulation``, ...) drive the loop.
    y_idx : ndarray of int of shape (n_samples,)
        The training labels as class indices into ``est.classes_``.
    loss_fn : callable
        The training loss ``loss_fn(logits, targets)``, on ``est.device_``.
    resume_from : str, Path or None, default=None
        The checkpoint directory whose optimizer, scheduler and RNG state are restored (with ``state``).
    state : dict or None, default=None
        The JSON state of the checkpoint ``resume_from`` (step, epoch, history, best validation macro-F1).
    standin : UsedRowsEmbedding or None, default=None
        The stand-in that trains only the used token-embedding rows (``embedding_rows="used"``); None trains the
        whole matrix.

    Raises
    ------
    ValueError
        When the checkpoint's optimizer state was written for other token-embedding rows.

    See Also
    --------
    TextClassifierFineTuner : The estimator whose fit this is.

    References
    ----------
    .. [1] Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization. ICLR.
    .. [2] Devlin, J. et al. (2019). BERT: pre-training of deep bidirectional transformers for language
       understanding. NAACL.

    Examples
    --------
    >>> from ecombalance.models.finetune import TextClassifierFineTuner
    >>> texts = ["red shoes", "blue shirt", "green shoes", "black shirt"]
    >>> est = TextClassifierFineTuner(model_name="tiny-random", batch_size=2, max_steps=2, progress=False)
    >>> est = est.fit(texts, ["shoes", "shirt", "shoes", "shirt"])  # one FineTuningRun trains
    >>> est.global_step_, est.history_.columns.tolist()
    (2, ['epoch', 'step', 'train_loss', 'samples_per_s', 'seconds', 'cpu_seconds'])
    """

    def __init__(self, est, y_idx: np.ndarray, loss_fn: Callable, resume_from: str | Path | None = None,
                 state: dict[str, Any] | None = None, standin: UsedRowsEmbedding | None = None):
        from transformers import get_linear_schedule_with_warmup

        self.est, self.y_idx, self.loss_fn, self.standin = est, y_idx, loss_fn, standin
        ctx = distributed.context()
        # DDP averages the gradients of all ranks, so every rank keeps the same weights
        self.model = distributed.wrap(est.model_, est.device_) if ctx.enabled else est.model_
        total_steps = self._total_steps()
        self.optimizer = adamw(est.model_, est.learning_rate, est.weight_decay)
        self.scheduler = get_linear_schedule_with_warmup(self.optimizer, int(est.warmup_ratio * total_steps),
                                                         total_steps)
        self.start_epoch, self.history, self.step_log = 0, [], []
        self.best_f1, self.best_state, self.stale = -np.inf, None, 0
        est.global_step_ = 0
        self.rows_group = None if standin is None else next(
            g for g in self.optimizer.param_groups if any(p is standin.weight for p in g["params"]))
        if state is not None:
            self._check_rows(state)
            checkpoint.restore_training(resume_from, state, self.optimizer, self.scheduler)
            est.global_step_, self.start_epoch = state["global_step"], state["epoch"]
            self.history, self.step_log = state["history"], state["step_log"]
            self.best_f1 = state["best_val_macro_f1"] if state["best_val_macro_f1"] is not None else -np.inf
        self.y_device = torch.as_tensor(y_idx, device=est.device_)
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        # one bar for the whole run (a notebook stores every redraw), at most one redraw per 2 s
        self.bar = progress_bar(total=max(0, total_steps - est.global_step_), unit="step", mininterval=2.0,
                        desc="fine-tuning", disable=not (est.progress and ctx.is_main))
        est.class_counts_seen_ = np.zeros(len(est.classes_), dtype=np.int64)

    def rows_digest(self) -> str | None:
        """Return the fingerprint of the trained token-embedding rows.

        It fixes the shape of the optimizer state a checkpoint holds; a resumed fit must train the same rows.

        Returns
        -------
        str or None
            A 16-character hex digest of the rows, or None when the whole matrix trains.
        """
        return None if self.standin is None else rows_digest(self.standin.rows.cpu().numpy())

    def _check_rows(self, state: dict[str, Any]) -> None:
        def described(digest):
            return "the whole matrix (embedding_rows='all')" if digest is None else f"the used rows {digest}"

        if "optimizer" in state and state.get("embedding_rows") != self.rows_digest():
            raise ValueError(
                "the checkpoint's optimizer state was written for other token-embedding rows "
                f"(checkpoint: {described(state.get('embedding_rows'))}; this fit: "
                f"{described(self.rows_digest())}); resume with the same training texts and "
                "embedding_rows setting, or start a new fit from its weights with model_name=<checkpoint>"
            )

    def _total_steps(self) -> int:
        est = self.est
        batches_per_epoch = math.ceil(len(est.epoch_indices(self.y_idx, 0)) / est.batch_size)
        total_steps = math.ceil(batches_per_epoch / est.grad_accumulation) * est.epochs
        return min(total_steps, est.max_steps) if est.max_steps else total_steps

    def _step_limit_reached(self) -> bool:
        return bool(self.est.max_steps) and self.est.global_step_ >= self.est.max_steps

    def train(self, tokens, val_tokens=None, y_val=None) -> None:
        """Train epochs until ``epochs``, ``max_steps`` or early stopping; then keep the best epoch's weights.

        Parameters
        ----------
        tokens : Tokenized
            The training texts' token ids (tokenised once by the fine-tuner).
        val_tokens : Tokenized or None, default=None
            The validation texts' token ids; None: no validation, no early stopping.
        y_val : array-like of shape (n_val,) or None, default=None
            The validation labels.
        """
        for epoch in range(self.start_epoch, self.est.epochs):
            if self._step_limit_reached():
                break
            row = self.train_epoch(tokens, epoch)
            if self.end_epoch(row, epoch, val_tokens, y_val):
                break
        self.finish(val_tokens)

    def train_epoch(self, tokens, epoch: int) -> dict:
        """Train one pass over the epoch's length-bucketed batches.

        Parameters
        ----------
        tokens : Tokenized
            The training texts' token ids.
        epoch : int
            The epoch, from 0; with ``random_state`` it seeds the batch order.

        Returns
        -------
        dict
            The epoch's row of ``history_``: ``epoch``, ``step``, ``train_loss``, ``samples_per_s``, ``seconds``
            and ``cpu_seconds``.
        """
        est = self.est
        rng = np.random.default_rng([int(est.random_state), epoch])
        batches = length_bucketed_batches(
            tokens.lengths, est.batch_size, indices=est.epoch_indices(self.y_idx, epoch), rng=rng
        )
        self.model.train()
        running = torch.zeros((), device=est.device_)  # loss since the last log line, kept on the device
        epoch_loss = torch.zeros((), device=est.device_)
        seen, started, cpu_started = 0, time.perf_counter(), time.process_time()
        logged = {"batches": 0, "seen": 0, "time": started}
        self.bar.set_description(f"fine-tuning, epoch {epoch + 1}/{est.epochs}")
        n_batches = 0
        for n_batches, batch in enumerate(batches, start=1):
            stepping = n_batches % est.grad_accumulation == 0 or n_batches == len(batches)
            loss = self.forward_backward(tokens, batch, stepping)
            running += loss
            epoch_loss += loss
            seen += len(batch)
            if not stepping:
                continue
            self.optimizer_step()
            stopping = self._step_limit_reached()
            if est.global_step_ % est.log_every == 0 or n_batches == len(batches) or stopping:
                self.log_steps(epoch, running, n_batches, seen, logged)
            if stopping:
                break
        seconds = time.perf_counter() - started
        return {"epoch": epoch + 1, "step": est.global_step_, "train_loss": epoch_loss.item() / max(1, n_batches),
                "samples_per_s": seen / max(seconds, 1e-9), "seconds": seconds,
                "cpu_seconds": time.process_time() - cpu_started}

    def forward_backward(self, tokens, batch: np.ndarray, stepping: bool) -> torch.Tensor:
        """Compute the loss and the gradients of one micro-batch (scaled by ``1/grad_accumulation``).

        Parameters
        ----------
        tokens : Tokenized
            The training texts' token ids.
        batch : ndarray of int
            The rows of the micro-batch.
        stepping : bool
            Whether an optimizer step follows this micro-batch; under DDP gradients are all-reduced only then.

        Returns
        -------
        torch.Tensor
            The micro-batch's (unscaled) loss, detached, on the device.
        """
        est = self.est
        inputs = to_device(collate(tokens, batch), est.device_)
        targets = self.y_device[torch.as_tensor(batch, device=est.device_)]
        est.class_counts_seen_ += np.bincount(self.y_idx[batch], minlength=len(est.classes_))
        # under DDP, gradients are all-reduced only on the micro-batch that ends an accumulation
        with distributed.no_sync(self.model, skip=not stepping):
            with autocast(est.device_, est.autocast_dtype_):
                logits = self.model(**inputs).logits
            loss = self.loss_fn(logits.float(), targets)
            (loss / est.grad_accumulation).backward()
        return loss.detach()

    def optimizer_step(self) -> None:
        """Clip the gradient norm, step optimizer and schedule, clear the gradients."""
        if self.est.max_grad_norm:
            torch.nn.utils.clip_grad_norm_(self.est.model_.parameters(), self.est.max_grad_norm)
        if self.standin is not None:  # the decay AdamW would give the rows that are not trained
            self.standin.decay_untrained(self.rows_group["lr"], self.rows_group["weight_decay"])
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.est.global_step_ += 1
        self.bar.update(1)

    def log_steps(self, epoch: int, running: torch.Tensor, n_batches: int, seen: int, logged: dict) -> None:
        """Append the mean loss since the last log line to the step log (the loop's only host sync).

        Parameters
        ----------
        epoch : int
            The epoch, from 0.
        running : torch.Tensor
            The summed loss since the last log line, on the device; reset to 0 here.
        n_batches : int
            Micro-batches of the epoch so far.
        seen : int
            Samples of the epoch so far.
        logged : dict
            ``batches``, ``seen`` and ``time`` of the last log line; updated here.
        """
        now = time.perf_counter()
        mean_loss = (running / (n_batches - logged["batches"])).item()
        rate = (seen - logged["seen"]) / max(now - logged["time"], 1e-9)
        self.step_log.append({"epoch": epoch + 1, "step": self.est.global_step_, "loss": mean_loss,
                              "samples_per_s": rate, "elapsed_s": now - self.started,
                              "cpu_elapsed_s": time.process_time() - self.cpu_started})
        self.bar.set_postfix(loss=f"{mean_loss:.4f}", samples_s=f"{rate:.0f}")
        running.zero_()
        logged.update(batches=n_batches, seen=seen, time=now)

    def end_epoch(self, row: dict, epoch: int, val_tokens, y_val) -> bool:
        """Score the validation data, keep the best weights and write a checkpoint after an epoch.

        Parameters
        ----------
        row : dict
            The epoch's row of ``history_`` (:meth:`train_epoch`); ``val_macro_f1`` is added here.
        epoch : int
            The epoch, from 0.
        val_tokens : Tokenized or None
            The validation texts' token ids; None: no validation.
        y_val : array-like of shape (n_val,) or None
            The validation labels.

        Returns
        -------
        bool
            True when early stopping ends the fit (``early_stopping_patience`` epochs without a better
            validation macro-F1).
        """
        est = self.est
        with plain_embedding(est.model_, self.standin):
            if val_tokens is not None:
                val_pred = est.classes_[est.predict_tokens(val_tokens).argmax(1)]
                row["val_macro_f1"] = scores(y_val, val_pred, metrics=("macro_f1",), per_class=())["macro_f1"]
            self.history.append(row)
            if row.get("val_macro_f1", -np.inf) > self.best_f1:
                self.best_f1, self.stale = row["val_macro_f1"], 0
                self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in est.model_.state_dict().items()}
            elif val_tokens is not None:
                self.stale += 1
            est.history_, est.step_log_ = pd.DataFrame(self.history), pd.DataFrame(self.step_log)
            if est.checkpoint_dir and distributed.context().is_main:
                est.save(Path(est.checkpoint_dir) / f"epoch-{epoch + 1}", self.optimizer, self.scheduler, epoch + 1,
                          self.best_f1, embedding_rows=self.rows_digest())
        return est.early_stopping_patience is not None and self.stale >= est.early_stopping_patience

    def finish(self, val_tokens) -> None:
        """Keep the best epoch's weights (with validation data) and the run's history on the estimator.

        Parameters
        ----------
        val_tokens : Tokenized or None
            The validation texts' token ids; without them the last weights are kept.
        """
        est = self.est
        self.bar.close()
        if self.best_state is not None and val_tokens is not None:
            with plain_embedding(est.model_, self.standin):
                est.model_.load_state_dict(self.best_state)
        est.history_ = pd.DataFrame(self.history)
        est.step_log_ = pd.DataFrame(self.step_log)
        est.best_val_macro_f1_ = None if self.best_f1 == -np.inf else float(self.best_f1)
