"""Fine-tuning and embedding speed of ecombalance against the reference implementations, same machine, same run.

1. Fine-tuning samples/s: ``ecombalance.models.finetune.TextClassifierFineTuner`` with its defaults
   (``precision="auto"``: bf16 autocast on a CPU with bf16 instructions) vs ``transformers.Trainer`` with the
   same model (all-MiniLM-L6-v2 + a classification head), titles, batch size, step limit, learning rate and
   max_length, twice: (a) Trainer's defaults otherwise (what a user gets: fp32, its DataCollatorWithPadding,
   random batches) and (b) a tuned Trainer (``bf16=True`` with ``use_cpu=True`` on the CPU,
   ``train_sampling_strategy="group_by_length"``, the new name of ``group_by_length=True``). All sides
   are timed per optimizer step (our step log, a Trainer callback) after the first ``--warmup-steps``, so
   model loading and one-off set-up count on no side. Titles: the documented case's (short, 6-18 tokens)
   and long-tailed marketplace titles (5-60 tokens, most short, a few keyword lists; ``--titles both``).
   The sides run interleaved (ours, Trainer, tuned Trainer, ours, ...) ``--repeats`` times; each repeat
   gives one ratio per pair, and the result is the median ratio with its spread (min, quartiles, max),
   so that load from other jobs on a shared machine hits every side alike and one lucky run decides
   nothing. Goals on this CPU: >= 1.6x (documented case) and >= 2.0x (long titles) vs Trainer's
   defaults, >= 1.0x vs the tuned Trainer. Every side also reports samples per CPU-second of its process.
2. Embedding sentences/s: ``ecombalance.models._embeddings.embed_texts`` (cache off) vs
   ``sentence_transformers.SentenceTransformer(str(resolve_model())).encode`` with its defaults, after a
   warm-up call on both sides. Target: >= 0.95x.
3. Levers (``--only levers``, not part of ``all``): our fine-tuner as it is against itself with one speed lever
   changed: bf16 autocast off (``precision="fp32"``), the whole embedding matrix updated every step
   (``embedding_rows="all"``), the embedding matrix frozen (``freeze_embeddings=True``, an option that changes
   the training) and the model through ``torch.compile(dynamic=True)``. Each gives the median ratio default /
   changed over interleaved repeats and the changed side's time to its first step (compilation included).
4. Peak memory: every measurement runs in its own subprocess and reports its peak resident set size
   (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), which includes the Python interpreter, torch and the model.

Usage::

    .venv/bin/python benchmarks/finetune.py [--titles both|documented_case|long] [--n-train 2000] [--max-steps 20]
                                            [--n-embed 10000] [--repeats 5] [--only all|finetune|embed]
                                            [--precision auto|fp32] [--embedding-rows used|all] [--note TEXT]
    .venv/bin/python benchmarks/finetune.py --only levers --repeats 3

Writes ``benchmarks/results/finetune.json`` (a run of one part keeps the other part's results from the file).
On a shared machine take the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

ADJECTIVES = ["red", "black", "wireless", "waterproof", "leather", "slim", "portable", "kids", "mens", "womens",
              "organic", "stainless", "foldable", "vintage", "ultra", "mini", "smart", "heavy duty"]
NOUNS = {
    "electronics": ["phone case", "usb c cable", "bluetooth headphones", "power bank 20000mah", "hdmi adapter",
                    "wireless charger", "smart watch band", "laptop stand", "mechanical keyboard"],
    "home": ["coffee mug", "bath towel set", "kitchen knife", "storage box", "led desk lamp", "throw pillow cover",
             "non stick frying pan", "shower curtain"],
    "sports": ["yoga mat", "running shoes", "resistance bands", "water bottle 1l", "cycling gloves",
               "camping tent 2 person", "dumbbell set"],
}


SUFFIXES = ["for iphone 15 pro max", "compatible with samsung galaxy s24 ultra", "pack of 3", "xl size",
            "gift for men women", "with free shipping", "2024 new version", "bpa free dishwasher safe",
            "upgraded long lasting battery", "anti slip ergonomic design", "black grey navy blue", "set of 6"]


FILLER = sorted({w for phrase in ADJECTIVES + SUFFIXES for w in phrase.split()})


def titles(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Long-tailed marketplace titles in three categories with the documented case's 400:150:50 shares.

    Real catalogues mix a bare "yoga mat" with 50-word keyword lists: the title length in words is
    log-normal (median 10 words, about 13 tokens; 90th percentile about 23 words; capped at 50), built
    from a brand, the product noun, attribute phrases and keyword filler. That is 5-60 tokens, most short.
    """
    rng = np.random.default_rng(seed)
    labels = rng.choice(list(NOUNS), size=n, p=[400 / 600, 150 / 600, 50 / 600])
    target = np.clip(np.round(rng.lognormal(np.log(10), 0.65, size=n)), 3, 50).astype(int)
    out = []
    for label, words in zip(labels, target):
        parts = [f"brand{rng.integers(100)}", *rng.choice(ADJECTIVES, rng.integers(0, 3), replace=False),
                 rng.choice(NOUNS[label])]
        phrases = list(rng.permutation(SUFFIXES))
        while len(" ".join(parts).split()) < words:
            parts.append(phrases.pop() if phrases and rng.random() < 0.5 else rng.choice(FILLER))
        out.append(" ".join(parts))
    return out, labels


def case_titles(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` titles from the documented case generator (600 per seed, 400 / 150 / 50), seeds ``seed``, ``seed+1``..."""
    from ecombalance.data import _datasets as datasets

    frames, s = [], seed
    while sum(len(f) for f in frames) < n:
        frames.append(datasets.documented_case(random_state=s))
        s += 1
    frame = np.random.default_rng(seed).permutation(len(np.concatenate([f["title"] for f in frames])))[:n]
    texts = np.concatenate([f["title"].to_numpy() for f in frames])[frame]
    labels = np.concatenate([f["category"].to_numpy() for f in frames])[frame]
    return [str(t) for t in texts], labels


def get_titles(args, n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    return case_titles(n, seed) if args.titles == "documented_case" else titles(n, seed)


TITLE_SETS = {"both": ("documented_case", "long"), "documented_case": ("documented_case",), "long": ("long",)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def steady_state(marks: list[tuple[float, float]], args) -> dict:
    """Samples/s between the end of step ``warmup_steps`` and the last step (wall and CPU clocks), so that
    one-off costs (optimizer state, first-call kernel set-up, the framework's own set-up) count on neither side."""
    start, end = marks[args.warmup_steps - 1], marks[-1]
    samples = (len(marks) - args.warmup_steps) * args.batch_size
    return {"samples_per_s": samples / (end[0] - start[0]), "samples_per_cpu_s": samples / (end[1] - start[1]),
            "seconds": end[0] - start[0], "steps": len(marks)}


def worker_ours_finetune(args, compiled: bool = False, **overrides) -> dict:
    """Our fine-tuner with the benchmark's settings; ``overrides`` change one of its parameters and ``compiled``
    runs the model through ``torch.compile(dynamic=True)`` (the levers)."""
    from ecombalance.models.finetune import TextClassifierFineTuner

    class Compiled(TextClassifierFineTuner):
        def _build_model(self, resume_from):
            state = super()._build_model(resume_from)
            self.model_.compile(dynamic=True)
            return state

    X, y = get_titles(args, args.n_train)
    params = dict(model_name=args.model, epochs=args.epochs, batch_size=args.batch_size,
                  max_steps=args.max_steps or None, max_length=args.max_length, early_stopping_patience=None,
                  progress=False, log_every=1, precision=args.precision, freeze_embeddings=args.freeze_embeddings,
                  embedding_rows=args.embedding_rows, threads=args.threads or None)
    est = (Compiled if compiled else TextClassifierFineTuner)(**{**params, **overrides})
    est.fit(X, y)
    log = est.step_log_.set_index("step")
    marks = [(log.loc[s, "elapsed_s"], log.loc[s, "cpu_elapsed_s"]) for s in log.index]
    result = steady_state(marks, args)
    result["autocast_dtype"] = str(est.autocast_dtype_)
    result["first_step_s"] = float(log["elapsed_s"].iloc[0])  # includes compilation where there is one
    return result


# each lever turned off (or, for torch.compile, on) in an otherwise default fine-tuner
LEVERS = {
    "bf16_autocast": ("ours_fp32", dict(precision="fp32")),
    "used_embedding_rows": ("ours_all_rows", dict(embedding_rows="all")),
    "freeze_embeddings": ("ours_frozen_embeddings", dict(freeze_embeddings=True)),
    "torch_compile": ("ours_compiled", dict(compiled=True)),
}


def worker_trainer_finetune(args, tuned: bool = False) -> dict:
    """``transformers.Trainer`` with its defaults, or ``tuned``: bf16 (on the CPU too) and length-grouped batches."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        Trainer,
        TrainerCallback,
        TrainingArguments,
    )

    class StepClock(TrainerCallback):
        def __init__(self):
            self.marks = []

        def on_step_end(self, args, state, control, **kwargs):
            self.marks.append((time.perf_counter(), time.process_time()))

    from ecombalance.models._pretrained import quiet_transformers, resolve_model

    X, y = get_titles(args, args.n_train)
    classes, y_idx = np.unique(y, return_inverse=True)
    path = resolve_model(args.model)
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=len(classes), local_files_only=True)
    encoded = tokenizer(X, truncation=True, max_length=args.max_length)
    dataset = [{"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "labels": int(label)}
               for ids, mask, types, label in zip(encoded["input_ids"], encoded["attention_mask"],
                                                  encoded["token_type_ids"], y_idx)]
    with tempfile.TemporaryDirectory() as out:
        tuning = dict(bf16=True, use_cpu=not torch.cuda.is_available(),
                      train_sampling_strategy="group_by_length") if tuned else {}
        training_args = TrainingArguments(output_dir=out, per_device_train_batch_size=args.batch_size,
                                          num_train_epochs=args.epochs, max_steps=args.max_steps or -1,
                                          report_to="none", disable_tqdm=True, save_strategy="no", seed=0, **tuning)
        clock = StepClock()
        trainer = Trainer(model=model, args=training_args, train_dataset=dataset, processing_class=tokenizer,
                          callbacks=[clock])
        metrics = trainer.train().metrics
    result = steady_state(clock.marks, args)
    result.update(train_runtime_s=metrics["train_runtime"], torch_threads=torch.get_num_threads(),
                  bf16=training_args.bf16, optim=str(training_args.optim.value),
                  sampling=training_args.train_sampling_strategy)
    return result


def worker_trainer_tuned_finetune(args) -> dict:
    return worker_trainer_finetune(args, tuned=True)


def worker_ours_embed(args) -> dict:
    from ecombalance.models._embeddings import embed_texts

    X, _ = get_titles(args, args.n_embed, seed=1)
    embed_texts(X[:16], model_name=args.model, cache_dir=False)  # warm-up: loads the model
    started, cpu_started = time.perf_counter(), time.process_time()
    out = embed_texts(X, model_name=args.model, cache_dir=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"samples_per_s": len(X) / seconds, "samples_per_cpu_s": len(X) / cpu, "seconds": seconds,
            "dim": int(out.shape[1])}


def worker_st_embed(args) -> dict:
    from sentence_transformers import SentenceTransformer

    from ecombalance.models._pretrained import resolve_model

    X, _ = get_titles(args, args.n_embed, seed=1)
    model = SentenceTransformer(str(resolve_model(args.model)), device="cpu")
    model.encode(X[:16])
    started, cpu_started = time.perf_counter(), time.process_time()
    out = model.encode(X)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"samples_per_s": len(X) / seconds, "samples_per_cpu_s": len(X) / cpu, "seconds": seconds,
            "dim": int(out.shape[1])}


WORKERS = {"ours_finetune": worker_ours_finetune, "trainer_finetune": worker_trainer_finetune,
           "trainer_tuned_finetune": worker_trainer_tuned_finetune,
           "ours_embed": worker_ours_embed, "st_embed": worker_st_embed,
           **{name: functools.partial(worker_ours_finetune, **change) for name, change in LEVERS.values()}}
FINETUNE = ("ours_finetune", "trainer_finetune", "trainer_tuned_finetune")
EMBED = ("ours_embed", "st_embed")
LEVER_SIDES = ("ours_finetune", *(name for name, _ in LEVERS.values()))


def run_worker(name: str, argv: list[str], threads: int = 0) -> dict:
    """Run one measurement in a fresh interpreter (so that its peak RSS is its own), with ``threads`` OpenMP /
    torch threads (0: torch's default, every core)."""
    env = {**os.environ, **({"OMP_NUM_THREADS": str(threads)} if threads else {})}
    done = subprocess.run([sys.executable, __file__, "--worker", name, *argv], capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"benchmark worker {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine(note: str) -> dict:
    import torch

    from ecombalance.models._device import cpu_bf16_supported

    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
            "cuda": torch.cuda.is_available(), "cpu_bf16_supported": cpu_bf16_supported(), "note": note}


def ratio_summary(ours: list[dict], ref: list[dict], key: str = "samples_per_s") -> dict:
    """Median of the per-repeat ratios ours/ref (repeat i of each side ran back to back) and their spread."""
    ratios = np.array([a[key] / b[key] for a, b in zip(ours, ref)])
    q25, median, q75 = np.percentile(ratios, [25, 50, 75])
    return {"median": float(median), "min": float(ratios.min()), "q25": float(q25), "q75": float(q75),
            "max": float(ratios.max()), "per_repeat": ratios.round(4).tolist()}


def finetune_results(runs: dict[str, dict[str, list[dict]]]) -> dict:
    """The ratio keys of the JSON: ``finetune_speedup_vs_trainer[_tuned][_long]`` (medians), each with a
    ``_spread`` (min, quartiles, max, per-repeat values) and a ``_cpu_time`` median."""
    out = {}
    for titles, sides in runs.items():
        suffix = "" if titles == "documented_case" else f"_{titles}"
        for ref, name in (("trainer_finetune", "vs_trainer"), ("trainer_tuned_finetune", "vs_trainer_tuned")):
            key = f"finetune_speedup_{name}{suffix}"
            wall = ratio_summary(sides["ours_finetune"], sides[ref])
            out[key] = wall["median"]
            out[f"{key}_spread"] = {k: v for k, v in wall.items() if k != "median"}
            out[f"{key}_cpu_time"] = ratio_summary(sides["ours_finetune"], sides[ref], "samples_per_cpu_s")["median"]
        out[f"finetune_samples_per_s{suffix}"] = {
            side: float(np.median([r["samples_per_s"] for r in sides[side]])) for side in FINETUNE}
    return out


def lever_results(runs: dict[str, dict[str, list[dict]]]) -> dict:
    """Per lever and title set: the median ratio of the default fine-tuner's samples/s to the changed one's (above
    1: the lever as the default has it pays), its spread, and the changed side's median time to the first step."""
    out: dict[str, dict] = {}
    for lever, (name, _) in LEVERS.items():
        for titles, sides in runs.items():
            summary = ratio_summary(sides["ours_finetune"], sides[name])
            out.setdefault(lever, {})[titles] = {
                "speedup": summary.pop("median"), **summary,
                "first_step_s": float(np.median([r["first_step_s"] for r in sides[name]]))}
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--titles", choices=sorted(TITLE_SETS), default="both",
                        help="documented-case titles (short, 6-18 tokens), long-tailed marketplace titles (5-60), or both")
    parser.add_argument("--n-train", type=int, default=2000, help="training titles")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=20, help="optimizer steps per side (0: all epochs)")
    parser.add_argument("--warmup-steps", type=int, default=2, help="fine-tuning steps not timed on any side")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--precision", default="auto", help="our fine-tuner's precision (to measure the bf16 lever)")
    parser.add_argument("--freeze-embeddings", action="store_true", help="our fine-tuner's option (off by default)")
    parser.add_argument("--embedding-rows", choices=["used", "all"], default="used",
                        help="our fine-tuner's embedding_rows (all: the whole matrix every step, to measure the lever)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads of every side (0: torch's default, every core); 1 keeps the CPU-time "
                        "ratio steady when other jobs share the cores")
    parser.add_argument("--n-embed", type=int, default=10_000, help="titles to embed")
    parser.add_argument("--only", choices=["all", "finetune", "embed", "levers"], default="all",
                        help="which comparison to run (levers: our fine-tuner with each speed lever changed; "
                        "not part of all)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats of every side")
    parser.add_argument("--note", default="CPU shared with other jobs during the run (sides interleaved so that the "
                        "load hits all alike): compare ratios, not absolute samples/s")
    parser.add_argument("--out", default=str(HERE / "results" / "finetune.json"))
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = WORKERS[args.worker](args)
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return result
    fixed = [f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
             if k not in ("worker", "out", "repeats", "only", "titles", "note", "freeze_embeddings")]
    fixed += ["--freeze-embeddings"] if args.freeze_embeddings else []
    title_sets = TITLE_SETS[args.titles]
    runs: dict[str, dict[str, list[dict]]] = {}
    parts = {"all": ("finetune", "embed")}.get(args.only, (args.only,))
    for repeat in range(args.repeats):  # interleave the sides so that load from other jobs hits all alike
        for part in parts:
            for titles in (title_sets if part != "embed" else ("documented_case",)):
                group = runs.setdefault(titles if part == "finetune" else f"{part}_{titles}", {})
                for name in {"finetune": FINETUNE, "embed": EMBED, "levers": LEVER_SIDES}[part]:
                    last = run_worker(name, [*fixed, f"--titles={titles}"], args.threads)
                    group.setdefault(name, []).append(last)
                    print(f"[{repeat + 1}/{args.repeats}] {titles:15s} {name:22s} {last['samples_per_s']:8.1f} "
                          f"samples/s {last['samples_per_cpu_s']:8.1f} samples/CPU-s  "
                          f"peak RSS {last['peak_rss_mb']:6.0f} MB", flush=True)
    out = Path(args.out)
    result = json.loads(out.read_text()) if out.exists() else {}
    if "finetune" in parts:
        result = {k: v for k, v in result.items()
                  if not k.startswith("finetune_") or k.startswith("finetune_levers")}
        result.update(finetune_results({t: runs[t] for t in title_sets}))
        result["finetune_settings"] = {k: v for k, v in vars(args).items() if k not in ("worker", "out", "note")}
        result["finetune_runs"] = {t: runs[t] for t in title_sets}
        result["finetune_machine"] = machine(args.note)
        for titles in title_sets:
            suffix = "" if titles == "documented_case" else f"_{titles}"
            for name in ("vs_trainer", "vs_trainer_tuned"):
                key = f"finetune_speedup_{name}{suffix}"
                spread = result[f"{key}_spread"]
                print(f"fine-tuning, {titles} titles, {name}: median {result[key]:.2f}x "
                      f"(min {spread['min']:.2f}, IQR {spread['q25']:.2f}-{spread['q75']:.2f}, max {spread['max']:.2f})")
    if "levers" in parts:
        result["finetune_levers"] = lever_results({t: runs[f"levers_{t}"] for t in title_sets})
        result["finetune_levers_settings"] = {k: v for k, v in vars(args).items() if k not in ("worker", "out", "note")}
        result["finetune_levers_machine"] = machine(args.note)
        for lever, by_titles in result["finetune_levers"].items():
            for titles, summary in by_titles.items():
                print(f"lever {lever:20s} {titles:15s}: default / changed = median {summary['speedup']:.2f}x "
                      f"(min {summary['min']:.2f}, max {summary['max']:.2f}); first step {summary['first_step_s']:.1f} s")
    if "embed" in parts:
        sides = runs["embed_documented_case"]
        for key, field in (("embed_speedup_vs_sentence_transformers", "samples_per_s"),
                           ("embed_speedup_vs_sentence_transformers_cpu_time", "samples_per_cpu_s")):
            result[key] = ratio_summary(sides["ours_embed"], sides["st_embed"], field)["median"]
        result["embed_speedup_vs_sentence_transformers_spread"] = {
            k: v for k, v in ratio_summary(sides["ours_embed"], sides["st_embed"]).items() if k != "median"}
        result["embed_samples_per_s"] = {"ecombalance": float(np.median([r["samples_per_s"] for r in sides["ours_embed"]])),
                                         "sentence_transformers": float(np.median([r["samples_per_s"]
                                                                                   for r in sides["st_embed"]]))}
        result["embed_runs"] = sides
        result["embed_settings"] = {k: getattr(args, k) for k in ("model", "n_embed", "repeats")}
        result["embed_machine"] = machine(args.note)
        print(f"embedding: median {result['embed_speedup_vs_sentence_transformers']:.2f}x "
              "SentenceTransformer.encode (target >= 0.95)")
    result["peak_memory_method"] = ("ru_maxrss of a separate subprocess per measurement "
                                    "(whole process: Python, torch, model)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return result

if __name__ == "__main__":
    main()
