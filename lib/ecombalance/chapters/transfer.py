"""The numbers and the "What we saw" text of notebook 05 (transfer learning): what the encoder's tokenizer
makes of Chinese text, test-split scores of the frozen-encoder and fine-tuned models, int8 quantisation
before/after, the headline for the report index.

The row names of the score table are the notebook's: ``"frozen + LR"``, ``"frozen + SMOTE + LR"``,
``"fine-tuned"``, ``"fine-tuned + <balancing>"`` and :func:`minority_only_row` for the design
document's "fine-tune on the minority class only".
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone

from ecombalance._validation import DataError
from ecombalance.data.table import Table
from ecombalance.evaluation.metrics import scores
from ecombalance.evaluation.stats import paired_bootstrap
from ecombalance.models import pretrained
from ecombalance.models.finetune.quantization import model_size_mb
from ecombalance.models.text_features import CJK_CHARACTER, cjk_share

CHINESE_ENCODERS = ("bert-base-chinese", "hfl/chinese-roberta-wwm-ext",
                    "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
"""Encoders that read Chinese, suggested when a tokenizer turns Chinese characters into ``[UNK]``."""


def text_inputs(tbl: Table) -> list[str]:
    """The text the encoder reads: ``tbl.text_pair`` when set (a cross-encoder on the pair), else the text
    column, or the two text columns as a pair. A table without text, or with more than two text columns and no
    pair, raises ``DataError`` saying what to give."""
    if tbl.text_pair:
        return list(tbl.text_pair)
    if not tbl.text_cols:
        raise DataError(f"table {tbl.name!r} has no text column, and notebook 05 fine-tunes a text encoder; give "
                        "text_cols (--text-col) naming a column of titles or queries, or leave notebook 05 out")
    if len(tbl.text_cols) > 2:
        raise DataError(f"table {tbl.name!r} has {len(tbl.text_cols)} text columns {tbl.text_cols}; the encoder "
                        "reads one text or a pair: give text_pair (--text-pair LEFT RIGHT) or fewer text columns")
    return list(tbl.text_cols)


@dataclass(frozen=True)
class CjkTokenization:
    """What a tokenizer did with the CJK characters of some texts (:func:`measure_cjk_tokenization`)."""

    texts: int
    """Texts measured."""
    texts_with_cjk: int
    cjk_chars: int
    """CJK characters in those texts (every occurrence)."""
    unk_chars: int
    """CJK characters that fell inside an unknown-token (``[UNK]``) piece."""
    cjk_tokens: int
    """Tokens that cover at least one CJK character."""
    vocab_cjk: int
    """Distinct vocabulary pieces made of CJK characters only (a ``##`` or ``▁`` prefix aside)."""
    example: str
    example_tokens: tuple[str, ...]
    unknown_examples: tuple[str, ...]
    """The CJK characters most often unknown, most frequent first (at most eight)."""

    @property
    def unk_share(self) -> float:
        return self.unk_chars / self.cjk_chars if self.cjk_chars else 0.0

    @property
    def tokens_per_cjk_char(self) -> float:
        return self.cjk_tokens / self.cjk_chars if self.cjk_chars else 0.0


def measure_cjk_tokenization(tokenizer, texts: Iterable[str], max_texts: int = 5000) -> CjkTokenization:
    """Tokenise ``texts`` (evenly spaced ``max_texts`` of them at most) and count, per CJK character, the
    token that covers it (the tokenizer's character offsets): how many are unknown, how many tokens the
    CJK characters take, and one example text's tokens. Needs a fast (Rust) tokenizer, the default of
    ``AutoTokenizer``."""
    texts = [str(t) for t in texts]
    if len(texts) > max_texts:
        texts = [texts[i] for i in np.linspace(0, len(texts) - 1, max_texts).astype(int)]
    with pretrained.quiet_transformers():
        encoded = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
    unk_id, cjk_chars, unk_chars, cjk_tokens, unknown = tokenizer.unk_token_id, 0, 0, 0, Counter()
    example, example_tokens, with_cjk = "", (), 0
    for text, ids, offsets in zip(texts, encoded["input_ids"], encoded["offset_mapping"]):
        chars = CJK_CHARACTER.findall(text)
        if not chars:
            continue
        with_cjk += 1
        cjk_chars += len(chars)
        for token_id, (start, end) in zip(ids, offsets):
            covered = CJK_CHARACTER.findall(text[start:end])
            cjk_tokens += bool(covered)
            if token_id == unk_id:
                unk_chars += len(covered)
                unknown.update(covered)
        if not example:
            example, example_tokens = text, tuple(tokenizer.convert_ids_to_tokens(ids))
    cores = (piece.removeprefix("##").removeprefix("▁") for piece in tokenizer.get_vocab())
    vocab_cjk = len({core for core in cores if core and len(CJK_CHARACTER.findall(core)) == len(core)})
    return CjkTokenization(len(texts), with_cjk, cjk_chars, unk_chars, cjk_tokens, vocab_cjk, example,
                           example_tokens, tuple(c for c, _ in unknown.most_common(8)))


def describe_tokenization(tokenizer, texts: Iterable[str], model_name: str | Path | None = None) -> str:
    """What the encoder's tokenizer makes of the Chinese (CJK) text in ``texts``, as Markdown measured by
    :func:`measure_cjk_tokenization`; ``""`` when the texts hold no CJK character.

    ``tokenizer`` is a loaded tokenizer or a model name or path (its tokenizer is loaded from disk). When
    CJK characters become ``[UNK]`` the text suggests an encoder of :data:`CHINESE_ENCODERS`.
    """
    texts = [str(t) for t in texts]
    if not cjk_share(texts):
        return ""
    if isinstance(tokenizer, (str, Path)):
        model_name = model_name or tokenizer
        tokenizer = pretrained.load_tokenizer(tokenizer)
    m = measure_cjk_tokenization(tokenizer, texts)
    name = f"`{model_name}`" if model_name else "The tokenizer"
    per_char = m.tokens_per_cjk_char
    split = ("splits Chinese text into one token per character" if per_char >= 0.95 else
             "has Chinese pieces longer than one character")
    shown = m.example if len(m.example) <= 40 else m.example[:40] + "…"
    tokens = " · ".join(m.example_tokens[:24]) + (" · …" if len(m.example_tokens) > 24 else "")
    lines = [
        f"- {name} {split}: {per_char:.2f} tokens per CJK character over {m.cjk_chars:,} CJK characters in "
        f"{m.texts_with_cjk:,} of {m.texts:,} texts; its vocabulary holds {m.vocab_cjk:,} distinct CJK pieces.",
        f"- {m.unk_share:.1%} of the CJK characters ({m.unk_chars:,}) became `{tokenizer.unk_token}`"
        + (f", most often {', '.join(m.unknown_examples)}" if m.unknown_examples else "") + ".",
        f"- Example: {shown} → `{tokens}`",
    ]
    if m.unk_share >= 0.01:
        quoted = [f'`"{n}"`' for n in CHINESE_ENCODERS]
        names = ", ".join(quoted[:-1]) + " or " + quoted[-1]
        lines.append(
            f"- The encoder sees every `{tokenizer.unk_token}` as the same token, so those characters carry no "
            f"meaning for it. A Chinese or multilingual encoder reads them: set `model_name` to {names} (a "
            "Hugging Face name already in the local cache, or a local directory written by `save_pretrained`); "
            "nothing is downloaded at run time.")
    return "\n".join(lines)


def smote_effect(plain: Any, with_smote: Any, X_fit: Any, y_fit: Any, X_test: Any, minority: Any) -> dict[str, Any]:
    """What SMOTE in embedding space changed between two fitted classifiers on frozen embeddings (``plain``:
    frozen + LR, ``with_smote``: frozen + SMOTE + LR, both with ``predict_proba``): how many test predictions
    differ (``changed`` of ``n_test``), the training accuracy of the plain classifier (``train_accuracy``: 1.0 when
    the embeddings separate the training titles), and the mean change of the ``minority`` probability on the test
    rows (``minority_shift``)."""
    pred_plain, pred_smote = np.asarray(plain.predict(X_test)), np.asarray(with_smote.predict(X_test))
    column = list(np.asarray(plain.classes_).tolist()).index(minority)
    shift = (with_smote.predict_proba(X_test)[:, column] - plain.predict_proba(X_test)[:, column]).mean()
    train = scores(y_fit, plain.predict(X_fit), metrics=("accuracy",), per_class=())["accuracy"]
    return {"changed": int((pred_plain != pred_smote).sum()), "n_test": len(pred_plain), "train_accuracy": float(train),
            "minority_shift": float(shift)}


def describe_smote_effect(effect: dict[str, Any], minority: Any) -> str:
    """One Markdown bullet on :func:`smote_effect`: why ``frozen + SMOTE + LR`` can match ``frozen + LR`` in every
    metric, or how many predictions SMOTE changed."""
    moved = (f"the mean probability of `{minority}` on the test titles moves by {effect['minority_shift']:+.3f}")
    if effect["changed"] == 0:
        return (f"- `frozen + SMOTE + LR` predicts every one of the {effect['n_test']} test titles as `frozen + LR` "
                "does, so their rows match in every metric. Not a bug: logistic regression already gets "
                f"{effect['train_accuracy']:.1%} of the training titles right on their frozen embeddings, and the "
                "synthetic points SMOTE adds between minority embeddings lie where the minority already wins; they "
                f"move the probabilities ({moved}) but not which class is largest for any test title.")
    return (f"- SMOTE in embedding space changed {effect['changed']} of the {effect['n_test']} test predictions of "
            f"`frozen + LR` ({moved}; logistic regression gets {effect['train_accuracy']:.1%} of the training titles "
            "right without it).")


def minority_only_row(minority: Any) -> str:
    """The score-table row of the model fine-tuned further on the minority class ``minority`` alone."""
    return f"then minority only ({minority})"


def scores_table(y_true: Any, predictions: Mapping[str, Any]) -> pd.DataFrame:
    """One row per model: macro-F1, balanced accuracy, accuracy and ``recall[c]`` for every class of
    ``y_true`` (:func:`ecombalance.evaluation.metrics.scores`). ``predictions`` maps a model's name to its
    predicted labels on ``y_true`` (the untouched test split). Accuracy is there to show the accuracy
    paradox, not to rank models."""
    classes = np.unique(y_true)
    return pd.DataFrame({name: scores(y_true, pred, classes=classes) for name, pred in predictions.items()}).T


def _on_cpu(fine_tuner):
    """A float32 copy of a fitted fine-tuner that predicts on the CPU (the model is copied, not moved)."""
    est = copy.copy(fine_tuner)
    est.model_ = copy.deepcopy(fine_tuner.model_).to("cpu", torch.float32)
    est.device, est.precision, est.device_, est.autocast_dtype_ = "cpu", "fp32", torch.device("cpu"), None
    return est


def compare_quantized(fine_tuner, X, y, groups: Any = None, n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Size (MB), CPU inference seconds and samples/s, and macro-F1 on ``(X, y)`` of a fitted
    :class:`~ecombalance.models.finetune.TextClassifierFineTuner` in float32 and int8-quantised
    (:meth:`~ecombalance.models.finetune.TextClassifierFineTuner.quantized`), one row each.

    The seconds are those of ``predict(X)``; texts the fine-tuner has tokenised before (e.g. by predicting
    ``X`` once) are not tokenised again, so they then measure the model alone. ``attrs["int8_minus_fp32"]``: the
    macro-F1 change with its paired bootstrap interval over the rows (or whole ``groups``;
    :func:`ecombalance.evaluation.stats.paired_bootstrap`: both models scored on each resample of the same rows),
    its two-sided ``p_value`` and how many predictions quantisation ``changed``."""
    rows, predictions = {}, {}
    for name, est in (("fp32", _on_cpu(fine_tuner)), ("int8", fine_tuner.quantized())):
        started = time.perf_counter()
        pred = est.predict(X)
        seconds = time.perf_counter() - started
        predictions[name] = np.asarray(pred)
        rows[name] = {"size_mb": model_size_mb(est.model_), "seconds": seconds,
                      "samples_per_s": len(pred) / max(seconds, 1e-9),
                      "macro_f1": scores(y, pred, metrics=("macro_f1",), per_class=())["macro_f1"]}
    table = pd.DataFrame(rows).T
    table.index.name = "model"
    boot = paired_bootstrap(y, predictions["int8"], predictions["fp32"], metric="macro_f1",
                            classes=np.unique(np.asarray(y)), groups=groups, n_resamples=n_resamples, seed=seed)
    table.attrs["int8_minus_fp32"] = {"difference": float(boot["difference"]), "ci_low": float(boot["ci_low"]),
                                      "ci_high": float(boot["ci_high"]), "p_value": float(boot["p_value"]),
                                      "changed": int((predictions["int8"] != predictions["fp32"]).sum()),
                                      "n_test": len(predictions["fp32"])}
    return table


def _precision_name(dtype) -> str:
    return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(dtype, "fp32")


FP32_ON_GENERATED_ONLY = ("the fp32 comparison runs on the generated data only: it refits the model in fp32, which "
                          "on a CPU costs two to three times the fine-tuning above, and it measures the machine, not "
                          "your table")
"""Why :func:`compare_precision` with ``refit_fp32=False`` (notebook 05 on a user's table) has no fp32 row."""


def compare_precision(fine_tuner, X_fit, y_fit, X_val, y_val, X_test, y_test, refit_fp32: bool = True) -> pd.DataFrame:
    """What mixed precision did: the fitted ``fine_tuner`` (bf16 autocast on a GPU or a CPU that supports it
    with ``precision="auto"``) against the same configuration refitted in fp32 on the same data and seed.

    One row per precision: macro-F1, balanced accuracy and the recall of the smallest class of ``y_test``
    (:func:`ecombalance.evaluation.metrics.scores`), mean fine-tuning samples/s and the fit's seconds. A fine-tuner
    that already ran in fp32 gives its own row only (nothing to compare); so does ``refit_fp32=False`` (notebook 05
    on a user's table: the refit would be the notebook's longest step), with ``attrs["fp32_skipped"]`` saying why
    (:data:`FP32_ON_GENERATED_ONLY`)."""
    smallest = pd.Series(np.asarray(y_fit)).value_counts().index[-1]
    runs = {_precision_name(fine_tuner.autocast_dtype_): (fine_tuner, None)}
    if fine_tuner.autocast_dtype_ is not None and refit_fp32:
        started = time.perf_counter()
        fp32 = clone(fine_tuner).set_params(precision="fp32").fit(X_fit, y_fit, X_val, y_val)
        runs["fp32"] = (fp32, time.perf_counter() - started)
    rows = {}
    for name, (est, seconds) in runs.items():
        numbers = scores(y_test, est.predict(X_test), classes=np.unique(y_test), per_class=("recall",))
        rows[name] = {"macro_f1": numbers["macro_f1"], "balanced_accuracy": numbers["balanced_accuracy"],
                      f"recall[{smallest}]": numbers[f"recall[{smallest}]"],
                      "samples_per_s": float(est.history_["samples_per_s"].mean())}
    table = pd.DataFrame(rows).T
    table.index.name = "precision"
    if fine_tuner.autocast_dtype_ is not None and not refit_fp32:
        table.attrs["fp32_skipped"] = FP32_ON_GENERATED_ONLY
    return table


def describe_precision(table: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`compare_precision`: the speed and the macro-F1 change of mixed precision."""
    if table.attrs.get("fp32_skipped"):
        return (f"- Precision: {table.index[0]} autocast, {table.iloc[0]['samples_per_s']:.0f} samples/s; "
                f"{table.attrs['fp32_skipped']}.")
    if len(table) < 2:
        return f"- Precision: {table.index[0]} (no mixed precision on this machine, so nothing to compare)."
    mixed, fp32 = table.iloc[0], table.loc["fp32"]
    return (f"- Precision: {table.index[0]} autocast fine-tuned at {mixed['samples_per_s']:.0f} samples/s against "
            f"{fp32['samples_per_s']:.0f} in fp32 ({mixed['samples_per_s'] / fp32['samples_per_s']:.2f}×), macro-F1 "
            f"{mixed['macro_f1']:.3f} against {fp32['macro_f1']:.3f} ({mixed['macro_f1'] - fp32['macro_f1']:+.3f}).")


def precision_headline(table: pd.DataFrame) -> dict:
    """For the report index: the precision used and, with an fp32 row to compare, the speed-up and the macro-F1
    change of mixed precision (:func:`compare_precision`)."""
    numbers = {"precision": str(table.index[0])}
    if len(table) > 1:
        mixed, fp32 = table.iloc[0], table.loc["fp32"]
        numbers["mixed_precision_speedup"] = float(mixed["samples_per_s"] / fp32["samples_per_s"])
        numbers["mixed_precision_macro_f1_change"] = float(mixed["macro_f1"] - fp32["macro_f1"])
    return numbers


def compare_with_frozen(y_true: Any, pred_finetuned: Any, pred_frozen: Any, *, groups: Any = None,
                        n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
                        name: str = "fine-tuned − frozen + LR") -> pd.DataFrame:
    r"""Is fine-tuning ahead of the frozen encoder + logistic regression beyond the noise of the test split?

    A paired bootstrap (:func:`ecombalance.evaluation.stats.paired_bootstrap`; Koehn 2004) of
    :math:`\Delta = \mathrm{macroF1}(\text{fine-tuned}) - \mathrm{macroF1}(\text{frozen})`: each resample
    draws the test rows (or whole ``groups``, e.g. queries) once and scores both models on them.

    Returns one row (index ``name``) with ``fine_tuned_macro_f1``, ``frozen_macro_f1`` (on every test row,
    :func:`ecombalance.evaluation.metrics.scores`), ``difference``, the percentile interval ``ci_low`` /
    ``ci_high`` at ``confidence``, the two-sided ``p_value``, ``n_test`` and ``real``: True when the interval
    excludes 0 (:func:`ecombalance.plotting.table` shows it as yes / no).
    """
    classes = np.unique(np.asarray(y_true))
    boot = paired_bootstrap(y_true, pred_finetuned, pred_frozen, metric="macro_f1", classes=classes,
                            groups=groups, n_resamples=n_resamples, confidence=confidence, seed=seed)
    macro_f1 = {key: scores(y_true, pred, classes=classes, metrics=("macro_f1",), per_class=())["macro_f1"]
                for key, pred in (("fine_tuned_macro_f1", pred_finetuned), ("frozen_macro_f1", pred_frozen))}
    row = {**macro_f1, "difference": boot["difference"], "ci_low": boot["ci_low"], "ci_high": boot["ci_high"],
           "p_value": boot["p_value"], "n_test": float(len(np.asarray(y_true))),
           "real": bool(boot["ci_low"] > 0 or boot["ci_high"] < 0)}
    frame = pd.DataFrame([row], index=pd.Index([name], name="comparison"))
    frame.attrs["confidence"] = confidence
    return frame


P_VALUE_NOTE = (
    "- How to read it: the p-value is the paired bootstrap's two-sided p — twice the share of resampled test "
    "splits on the far side of 0 from the observed difference; the two sides also pool differently: the frozen "
    "encoder averages its token vectors (mean pooling, as the sentence model was trained), the fine-tuned "
    "classifier reads the first token's vector through BERT's pooler ([CLS]), so they differ in pooling as well "
    "as in training.")


def _training_course(history: pd.DataFrame | None, steps: int, epochs: int, n_fit: int) -> tuple[str, bool | None]:
    """What the fine-tuning run did, from its ``history_`` (one row per epoch with ``step`` and ``val_macro_f1``):
    the sentence, and whether validation macro-F1 was still rising at the last epoch (None without a history)."""
    run = f"{int(steps)} optimizer steps ({int(epochs)} epoch{'s' if int(epochs) != 1 else ''} over {int(n_fit)} titles)"
    if history is None or "val_macro_f1" not in history or history["val_macro_f1"].isna().all():
        return f"fine-tuning ran {run}", None
    scores = history["val_macro_f1"].to_numpy(dtype=float)
    best = int(np.nanargmax(scores))
    step = int(history["step"].iloc[best]) if "step" in history else None
    at = f"epoch {best + 1}" + (f" (step {step})" if step is not None else "")
    if best == len(scores) - 1:
        return (f"fine-tuning ran {run}, and validation macro-F1 was still rising at the last epoch "
                f"({' → '.join(f'{v:.3f}' for v in scores)})", True)
    return (f"fine-tuning ran {run}; validation macro-F1 peaked at {scores[best]:.3f} at {at} and fell to "
            f"{scores[-1]:.3f} after, and the weights of {at} are the ones kept (early stopping restores the best "
            "epoch)", False)


def describe_frozen_comparison(comparison: pd.DataFrame, *, balancing: str, minority: Any, steps: int, epochs: int,
                               n_fit: int, minority_fit: int, history: pd.DataFrame | None = None) -> str:
    """Markdown bullets on :func:`compare_with_frozen`: which of fine-tuning with ``balancing`` and the frozen
    encoder + LR is ahead, whether the paired interval says it is real, and, when fine-tuning is not ahead,
    why on this budget (``steps`` optimizer steps over ``epochs`` epochs of ``n_fit`` titles, ``minority_fit``
    of them in the smallest class ``minority``; with the run's ``history`` — one row per epoch, ``step`` and
    ``val_macro_f1`` — where validation macro-F1 peaked, which epoch's weights were kept) and what would change
    it: more epochs only while validation macro-F1 was still rising at the end."""
    row = comparison.iloc[0]
    level = f"{comparison.attrs.get('confidence', 0.95):.0%}"
    numbers = (f"macro-F1 {row['fine_tuned_macro_f1']:.3f} against {row['frozen_macro_f1']:.3f}, difference "
               f"{row['difference']:+.3f} (paired bootstrap over {int(row['n_test'])} test rows, {level} "
               f"interval [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}])")
    if row["real"] and row["difference"] > 0:
        return (f"- Fine-tuning with `{balancing}` is ahead of the frozen encoder + LR beyond the noise of the "
                f"test split: {numbers}. Here transfer learning pays for its training cost.")
    if row["real"]:
        verdict = (f"- The frozen encoder + LR is ahead of fine-tuning with `{balancing}` beyond the noise of the "
                   f"test split: {numbers}.")
    else:
        verdict = (f"- On this table and budget there is no detectable difference between fine-tuning with "
                   f"`{balancing}` and the frozen encoder + LR: {numbers}, p = {row['p_value']:.2f}. The interval "
                   "holds 0, so this test split cannot tell them apart — which is not evidence that they are equal; "
                   "at equal scores the frozen encoder is the cheaper one.")
    course, rising = _training_course(history, steps, epochs, n_fit)
    if rising:
        change = ("- What would change it: more `epochs` (validation macro-F1 had not stopped improving), a GPU with "
                  "the `full` profile (8 epochs, a 12-layer encoder), or `trainable_layers=1` or `2`, which leaves "
                  "fewer weights to move with few labels; this comparison then says whether fine-tuning pulls ahead.")
    else:
        change = ("- What would change it: not more steps of this run" + (" (validation macro-F1 fell after its peak)"
                                                                         if rising is False else "")
                  + "; a lower `learning_rate`, `trainable_layers=1` or `2` (fewer weights to move with few labels), "
                  "more labelled titles of the small classes, or a larger encoder (the `full` profile on a GPU); this "
                  "comparison then says whether fine-tuning pulls ahead.")
    return "\n".join([
        verdict,
        P_VALUE_NOTE,
        f"- Why: {course}; its new head learned `{minority}` from {int(minority_fit)} training titles, while "
        "logistic regression on fixed embeddings fits the same titles to convergence with far fewer weights.",
        change,
    ])


def transfer_headline(table: pd.DataFrame, compression: pd.DataFrame, balancing: str, minority: Any,
                      comparison: pd.DataFrame | None = None) -> dict:
    """The chapter's numbers for the report index, from :func:`scores_table` (all five rows),
    :func:`compare_quantized` and, when given, :func:`compare_with_frozen` (the difference to the frozen
    encoder + LR, its interval and whether it is real)."""
    macro_f1 = table["macro_f1"]
    extra = {} if comparison is None else {
        **{f"finetuned_minus_frozen_{key}": float(comparison.iloc[0][key]) for key in ("difference", "ci_low", "ci_high")},
        "finetuned_minus_frozen_real": bool(comparison.iloc[0]["real"])}  # yes / no in the report
    interval = compression.attrs.get("int8_minus_fp32")
    if interval:
        extra.update(int8_macro_f1_change_ci_low=interval["ci_low"], int8_macro_f1_change_ci_high=interval["ci_high"])
    return {**extra,
        "frozen_lr_macro_f1": macro_f1["frozen + LR"],
        "frozen_smote_macro_f1": macro_f1["frozen + SMOTE + LR"],
        "finetuned_macro_f1": macro_f1["fine-tuned"],
        "finetuned_balanced_macro_f1": macro_f1[f"fine-tuned + {balancing}"],
        "minority_only_macro_f1": macro_f1[minority_only_row(minority)],
        "int8_size_ratio": compression.loc["int8", "size_mb"] / compression.loc["fp32", "size_mb"],
        "int8_macro_f1_change": compression.loc["int8", "macro_f1"] - compression.loc["fp32", "macro_f1"],
    }


def describe_quantized(compression: pd.DataFrame) -> str:
    """One Markdown bullet on :func:`compare_quantized`: size, CPU throughput and the macro-F1 change of int8, with
    the change's paired interval when the table carries it (``attrs["int8_minus_fp32"]``)."""
    fp32, int8 = compression.loc["fp32"], compression.loc["int8"]
    text = (f"- int8 quantisation: {fp32['size_mb']:.1f} MB → {int8['size_mb']:.1f} MB, "
            f"{int8['samples_per_s'] / fp32['samples_per_s']:.2f}× the CPU throughput, macro-F1 change "
            f"{int8['macro_f1'] - fp32['macro_f1']:+.3f}")
    d = compression.attrs.get("int8_minus_fp32")
    if not d:
        return text + "."
    real = d["ci_low"] > 0 or d["ci_high"] < 0
    return text + (f" (paired bootstrap 95 % interval [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}] over the "
                   f"{d['n_test']} test rows, {d['changed']} of whose predictions changed; "
                   + ("beyond the noise of the test split)." if real else "the interval holds 0: within the noise "
                      "of the test split)."))


def describe_transfer(table: pd.DataFrame, compression: pd.DataFrame, *, balancing: str, minority: Any,
                      largest: Any, model_name: str, device: str, steps: int, comparison: str = "") -> str:
    """The chapter's findings as Markdown bullets, generated from :func:`scores_table` (all five rows),
    :func:`compare_quantized` and the run (``device``, optimizer ``steps`` per fine-tuning run).
    ``comparison`` (:func:`describe_frozen_comparison`'s bullets) goes right after the first bullet."""
    after = table.loc[minority_only_row(minority)]
    models = table.drop(index=minority_only_row(minority))
    best = models["macro_f1"].idxmax()
    plain, balanced = table.loc["fine-tuned"], table.loc[f"fine-tuned + {balancing}"]
    recalls = [c for c in table.columns if c.startswith("recall[")]
    change = after[recalls] - balanced[recalls]
    collapse = change.idxmin()
    return "\n".join([
        f"- Highest macro-F1 on this test split: `{best}` ({models.loc[best, 'macro_f1']:.3f}; one split, so "
        f"only a paired interval says whether a gap is real); the frozen encoder with "
        f"logistic regression reached {table.loc['frozen + LR', 'macro_f1']:.3f}, with SMOTE in embedding space "
        f"{table.loc['frozen + SMOTE + LR', 'macro_f1']:.3f}.",
        *([comparison] if comparison else []),
        f"- Fine-tuning without balancing: macro-F1 {plain['macro_f1']:.3f}, recall of `{minority}` "
        f"{plain[f'recall[{minority}]']:.3f}; with `{balancing}`: macro-F1 {balanced['macro_f1']:.3f}, recall of "
        f"`{minority}` {balanced[f'recall[{minority}]']:.3f}.",
        f"- Continuing on the minority class alone (the design document's step 3) moved macro-F1 from "
        f"{balanced['macro_f1']:.3f} to {after['macro_f1']:.3f} and the recall of `{minority}` to "
        f"{after[f'recall[{minority}]']:.3f}; the largest collapse is `{collapse[7:-1]}`, whose recall fell from "
        f"{balanced[collapse]:.3f} to {after[collapse]:.3f} (the largest class `{largest}`: "
        f"{balanced[f'recall[{largest}]']:.3f} to {after[f'recall[{largest}]']:.3f}).",
        describe_quantized(compression),
        f"- Run: `{model_name}` on `{device}`, {int(steps)} optimizer steps per fine-tuning run.",
    ])
