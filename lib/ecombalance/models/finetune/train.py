"""Fine-tune from the command line, on one process or data-parallel on several GPUs or machines.

    python -m ecombalance.models.finetune.train --dataset documented_case --balancing sampler --epochs 3 --out runs/case
    torchrun --nproc_per_node=4 -m ecombalance.models.finetune.train --dataset documented_case --balancing sampler --out runs/case
    torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --nproc_per_node=8 -m ecombalance.models.finetune.train ...

Every rank trains on its shard of each epoch (class-balanced per rank with ``--balancing sampler``) and
DistributedDataParallel averages the gradients. Each rank writes ``rank<R>.json`` (steps, class counts
seen, a digest of its final weights: equal on every rank); rank 0 saves the model to ``<out>/model`` and
its held-out scores to ``<out>/metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ecombalance._validation import Wording, option_wording
from ecombalance.data import _datasets as datasets
from ecombalance.evaluation._folds import holdout_split
from ecombalance.evaluation._metrics import scores
from ecombalance.models import _pretrained as pretrained
from ecombalance.models.finetune import _distributed as distributed
from ecombalance.models.finetune._tuner import BALANCING, TextClassifierFineTuner

# this command's flags for the data options its messages name (the data layer names them as its parameters)
_FLAGS = Wording({"data_path": "--data", "label_col": "--label-col", "text_cols": "--text-col"}, "{name} {value}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ecombalance.models.finetune.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--dataset", default="documented_case", choices=datasets.DATASETS)
    p.add_argument("--data", default="", help="a CSV/Parquet file instead of --dataset")
    p.add_argument("--label-col", default="")
    p.add_argument("--text-col", action="append", default=[], help="text column(s) of --data (two: a pair)")
    p.add_argument("--n-queries", type=int, default=200)
    p.add_argument("--model-name", default=pretrained.DEFAULT_MODEL)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=32, help="per process")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--grad-accumulation", type=int, default=1, help="micro-batches per optimizer step")
    p.add_argument("--max-length", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=5e-5)
    p.add_argument("--balancing", default="sampler", choices=BALANCING)
    p.add_argument("--loss", default=None, help="a name from ecombalance.models._losses.LOSSES (default cross-entropy)")
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", default="auto")
    p.add_argument("--test-size", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=0)
    return p


def main(argv=None) -> int:
    """Fine-tune on a dataset or table and write the model and its held-out scores to ``--out``.

    The entry point of ``python -m ecombalance.models.finetune.train`` (also under ``torchrun``): every rank
    trains on its shard of each epoch and writes ``<out>/rank<R>.json`` (steps, class counts seen, a digest of
    its final weights); rank 0 saves the model to ``<out>/model`` and its held-out scores (macro-F1, balanced
    accuracy) to ``<out>/metrics.json``. The folder is created only once training has succeeded. A bad table
    exits with status 2 and a message on stderr, before any process group starts.

    Parameters
    ----------
    argv : list of str or None, default=None
        The command-line arguments without the program name (``--out``, ``--dataset`` or ``--data`` with
        ``--label-col`` and ``--text-col``, ``--model-name``, ``--epochs``, ``--balancing``, ...; ``--help`` lists
        them); None reads ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 after training, 2 when the table cannot be loaded or has no text column.

    Raises
    ------
    SystemExit
        When an argument is unknown or invalid, or for ``--help`` (argparse).

    See Also
    --------
    TextClassifierFineTuner : The estimator this command fits.

    Examples
    --------
    >>> from ecombalance.models.finetune.train import main
    >>> main(["--out", "runs/mine", "--data", "no-such-file.csv", "--label-col", "label", "--text-col", "title"])
    2
    >>> main(["--out", "runs/case", "--dataset", "documented_case", "--balancing", "sampler"])  # doctest: +SKIP
    0
    """
    args = _parser().parse_args(argv)
    try:
        with option_wording(_FLAGS):
            tbl = datasets.load(args.dataset, args.data, args.label_col, args.text_col, random_state=args.seed,
                                n_queries=args.n_queries)
        if not tbl.text_cols:
            raise ValueError(f"{tbl.name} has no text column to fine-tune on; pass --text-col (two for a pair)")
    except (ValueError, FileNotFoundError) as exc:  # DataError is a ValueError
        print(f"python -m ecombalance.models.finetune.train: error: {exc}", file=sys.stderr)
        return 2
    ctx = distributed.init()
    out = Path(args.out)
    if ctx.is_main:
        pretrained.resolve_model(args.model_name)  # a model made on first use is made once
    distributed.barrier()

    train, test = holdout_split(tbl, args.test_size, args.seed)
    texts = tbl.text_cols[:2]
    model = TextClassifierFineTuner(
        model_name=args.model_name, epochs=args.epochs, batch_size=args.batch_size, max_steps=args.max_steps,
        grad_accumulation=args.grad_accumulation, max_length=args.max_length, learning_rate=args.learning_rate,
        balancing=args.balancing, loss=args.loss, device=args.device, precision=args.precision,
        random_state=args.seed, early_stopping_patience=None,
    ).fit(train.frame[texts], train.y)

    report = {"rank": ctx.rank, "world_size": ctx.world_size, "global_step": model.global_step_,
              "class_counts_seen": dict(zip(map(str, model.classes_), model.class_counts_seen_.tolist())),
              "weights_sha256": distributed.weights_digest(model.model_)}
    out.mkdir(parents=True, exist_ok=True)
    (out / f"rank{ctx.rank}.json").write_text(json.dumps(report, indent=2))
    if ctx.is_main:
        pred = model.predict(test.frame[texts])
        metrics = {**scores(test.y, pred, metrics=("macro_f1", "balanced_accuracy"), per_class=()),
                   "world_size": ctx.world_size}
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        model.save(out / "model")
    distributed.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
