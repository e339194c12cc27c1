"""Data-parallel training on several GPUs or machines (``torchrun`` + DistributedDataParallel).

Launch any training script of the package with ``torchrun --nproc_per_node=N ...``: torchrun sets
``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and ``MASTER_ADDR/PORT``; :func:`init` reads them and joins
the process group (NCCL on GPUs, gloo on CPUs). Each rank then trains on its own shard of every epoch
and DDP averages the gradients, so all ranks hold identical weights after every step.

Class-balanced sampling must survive the sharding: :class:`DistributedClassBalancedSampler` draws
one class-balanced epoch from a seed every rank shares and gives rank ``r`` every ``world_size``-th
draw, so each rank's batches are class-balanced too and the ranks never disagree about the epoch.
(``torch.utils.data.DistributedSampler`` shards a dataset without weights and
``WeightedRandomSampler`` has no notion of ranks; neither does both.)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import Sampler


@dataclass(frozen=True)
class DistributedContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def context() -> DistributedContext:
    """Where this process stands: rank, world size and local rank (1 process when not distributed)."""
    if dist.is_available() and dist.is_initialized():
        return DistributedContext(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0)))
    return DistributedContext()


def process_device(device: torch.device) -> torch.device:
    """``device``, or under ``torchrun`` on CUDA this process's GPU ``LOCAL_RANK``."""
    ctx = context()
    return torch.device("cuda", ctx.local_rank) if device.type == "cuda" and ctx.enabled else device


def init(backend: str | None = None) -> DistributedContext:
    """Join the process group that ``torchrun`` describes in the environment (no-op for one process).

    ``backend`` defaults to NCCL when CUDA is available and gloo otherwise. On CUDA each process
    takes GPU ``LOCAL_RANK``.
    """
    world_size = int(os.environ.get("WORLD_SIZE", 1))
    if world_size <= 1 or (dist.is_available() and dist.is_initialized()):
        return context()
    if not dist.is_available():
        raise RuntimeError("this torch build has no torch.distributed; install a build with it to train on several processes")
    missing = [k for k in ("RANK", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        raise RuntimeError(f"WORLD_SIZE={world_size} but {missing} are not set; launch with torchrun --nproc_per_node=N")
    backend = backend or ("nccl" if torch.cuda.is_available() else "gloo")
    dist.init_process_group(backend=backend)
    if backend == "nccl":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
    return context()


def shutdown() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def shard(indices, ctx: DistributedContext | None = None) -> np.ndarray:
    """Rank ``r``'s share of an epoch's ``indices``: every ``world_size``-th one from ``r``, after
    wrapping round to a multiple of the world size so that every rank takes the same number of steps
    (as ``torch.utils.data.DistributedSampler`` pads)."""
    ctx = ctx or context()
    indices = np.asarray(indices)
    total = math.ceil(len(indices) / ctx.world_size) * ctx.world_size
    padded = np.resize(indices, total) if total > len(indices) else indices
    return padded[ctx.rank::ctx.world_size]


def wrap(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """``model`` in DistributedDataParallel, on this rank's GPU when there is one."""
    from torch.nn.parallel import DistributedDataParallel

    if device.type == "cuda":
        return DistributedDataParallel(model, device_ids=[device.index], output_device=device.index)
    return DistributedDataParallel(model)


class DistributedClassBalancedSampler(Sampler[int]):
    r"""Class-balanced sampling with replacement, sharded across ranks.

    Each epoch draws ``total`` indices with probability :math:`\propto 1/n_{y_i}` (every class equally
    likely, as in class-balanced sampling; Kang et al. 2020, *Decoupling representation and classifier
    for long-tailed recognition*) from a generator seeded by ``random_state + epoch`` — the same on every rank
    — and rank ``r`` keeps draws ``r, r + W, r + 2W, ...``. ``total`` is ``num_samples`` (default: the
    dataset size) rounded up to a multiple of the world size so that all ranks take the same number of
    steps.

    Parameters
    ----------
    labels : class label (any hashable) per training row.
    num_replicas, rank : world size and this rank (default: from the process group).
    num_samples : draws per epoch over all ranks.
    random_state : shared seed; call :meth:`set_epoch` each epoch for a new draw.
    """

    def __init__(self, labels, num_replicas: int | None = None, rank: int | None = None,
                 num_samples: int | None = None, random_state: int = 0):
        ctx = context()
        self.num_replicas = ctx.world_size if num_replicas is None else int(num_replicas)
        self.rank = ctx.rank if rank is None else int(rank)
        if self.num_replicas < 1 or not 0 <= self.rank < self.num_replicas:
            raise ValueError(f"rank must be in [0, num_replicas); got rank={self.rank}, num_replicas={self.num_replicas}")
        labels = np.asarray(labels)
        if len(labels) == 0:
            raise ValueError("labels is empty: nothing to sample")
        _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
        self.weights = torch.as_tensor(1.0 / counts[codes], dtype=torch.double)
        wanted = len(labels) if num_samples is None else int(num_samples)
        self.total = math.ceil(wanted / self.num_replicas) * self.num_replicas
        self.random_state, self.epoch = int(random_state), 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def global_indices(self) -> torch.Tensor:
        """This epoch's draws over all ranks (identical on every rank)."""
        generator = torch.Generator().manual_seed(self.random_state + self.epoch)
        return torch.multinomial(self.weights, self.total, replacement=True, generator=generator)

    def __iter__(self):
        return iter(self.global_indices()[self.rank::self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.total // self.num_replicas


def no_sync(model: torch.nn.Module, skip: bool):
    """DDP's ``no_sync()`` when ``skip`` (accumulate gradients locally, no all-reduce), else a no-op."""
    import contextlib

    return model.no_sync() if skip and hasattr(model, "no_sync") else contextlib.nullcontext()


def barrier() -> None:
    """Wait for every rank (no-op for one process)."""
    if context().enabled:
        dist.barrier()


def weights_digest(model: torch.nn.Module) -> str:
    """SHA-256 of a model's parameters and buffers, in name order: equal digests, equal weights."""
    import hashlib

    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().to("cpu").contiguous().numpy().tobytes())
    return digest.hexdigest()
