import numpy as np
import pytest
import torch

from ecombalance.models.finetune import _distributed as distributed

LABELS = np.array(["a"] * 900 + ["b"] * 90 + ["c"] * 10)


def test_ranks_split_one_shared_draw():
    samplers = [distributed.DistributedClassBalancedSampler(LABELS, num_replicas=2, rank=r, random_state=3) for r in (0, 1)]
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
    s = distributed.DistributedClassBalancedSampler(LABELS, num_replicas=2, rank=0, random_state=1)
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


def test_shard_pads_to_equal_steps():
    ctx = distributed.DistributedContext(rank=1, world_size=3)
    np.testing.assert_array_equal(distributed.shard(np.arange(7), ctx), [1, 4, 0])
    assert sum(len(distributed.shard(np.arange(7), distributed.DistributedContext(r, 3))) for r in range(3)) == 9


def test_weights_digest_tells_weights_apart():
    a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    assert distributed.weights_digest(a) == distributed.weights_digest(b)
    with torch.no_grad():
        b.bias[0] += 1e-6
    assert distributed.weights_digest(a) != distributed.weights_digest(b)


@pytest.mark.slow
def test_two_cpu_processes_train_data_parallel_to_identical_weights(tmp_path):
    """torchrun, 2 processes, gloo backend, a tiny random BERT, 3 optimizer steps of 2 accumulated
    micro-batches (the first of each pair skips the all-reduce)."""
    import json
    import os
    import subprocess
    import sys

    from ecombalance.models import _pretrained as pretrained
    from ecombalance.models.finetune import TextClassifierFineTuner

    model = pretrained.tiny_random_model(tmp_path / "tiny")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1", "--nproc_per_node=2",
           "-m", "ecombalance.models.finetune.train", "--model-name", str(model), "--max-steps", "3", "--grad-accumulation", "2", "--batch-size", "8",
           "--max-length", "24", "--learning-rate", "1e-3", "--balancing", "sampler", "--out", str(tmp_path / "run")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [json.loads((tmp_path / "run" / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["world_size"] for r in ranks] == [2, 2]
    assert ranks[0]["global_step"] == ranks[1]["global_step"] == 3
    assert ranks[0]["weights_sha256"] == ranks[1]["weights_sha256"]
    saved = TextClassifierFineTuner.load(tmp_path / "run" / "model")
    assert distributed.weights_digest(saved.model_) == ranks[0]["weights_sha256"]  # rank 0 saved the synced weights
    for r in ranks:  # each rank's batches were class-balanced, drawn from one shared epoch
        seen = np.array(list(r["class_counts_seen"].values()))
        assert seen.sum() == 3 * 2 * 8 and seen.min() > 0
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["world_size"] == 2


def test_no_sync_only_when_skipping():
    class Recorder(torch.nn.Linear):
        entered = 0

        def no_sync(self):
            import contextlib

            Recorder.entered += 1
            return contextlib.nullcontext()

    model = Recorder(2, 2)
    with distributed.no_sync(model, skip=False):
        pass
    with distributed.no_sync(model, skip=True):
        pass
    with distributed.no_sync(torch.nn.Linear(2, 2), skip=True):  # a plain module has no no_sync: no-op
        pass
    assert Recorder.entered == 1
