import numpy as np
import pytest
import torch

from ecombalance import distributed


LABELS = np.array(["a"] * 900 + ["b"] * 90 + ["c"] * 10)


def test_ranks_split_one_shared_draw():
    samplers = [distributed.DistributedClassBalancedSampler(LABELS, num_replicas=2, rank=r, seed=3) for r in (0, 1)]
    shards = [list(s) for s in samplers]
    draw = samplers[0].global_indices().tolist()
    assert shards[0] == draw[0::2] and shards[1] == draw[1::2]
    assert len(shards[0]) == len(shards[1]) == len(samplers[0]) == 500


def test_each_rank_is_class_balanced():
    for rank in (0, 1, 2):
        sampler = distributed.DistributedClassBalancedSampler(LABELS, num_replicas=3, rank=rank, num_samples=30000)
        freq = np.unique(LABELS[list(sampler)], return_counts=True)[1] / len(sampler)
        sd = np.sqrt((1 / 3) * (2 / 3) / len(sampler))
        assert np.all(np.abs(freq - 1 / 3) < 4 * sd), freq


def test_epochs_differ_and_repeat():
    s = distributed.DistributedClassBalancedSampler(LABELS, num_replicas=2, rank=0, seed=1)
    first = list(s)
    s.set_epoch(1)
    second = list(s)
    s.set_epoch(0)
    assert list(s) == first and first != second


def test_total_rounds_up_to_the_world_size():
    s = distributed.DistributedClassBalancedSampler(LABELS[:7], num_replicas=4, rank=3)
    assert s.total == 8 and len(s) == 2


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"rank must be in \[0, num_replicas\)"):
        distributed.DistributedClassBalancedSampler(LABELS, num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="labels is empty"):
        distributed.DistributedClassBalancedSampler([], num_replicas=1, rank=0)


def test_single_process_context(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    ctx = distributed.init()
    assert (ctx.rank, ctx.world_size, ctx.enabled, ctx.is_main) == (0, 1, False, True)


def test_torchrun_environment_is_checked(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    with pytest.raises(RuntimeError, match="launch with torchrun --nproc_per_node=N"):
        distributed.init()
