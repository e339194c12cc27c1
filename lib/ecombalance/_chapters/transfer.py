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

from ecombalance.data._table import Table
from ecombalance.evaluation._metrics import scores
from ecombalance.evaluation._stats import paired_bootstrap
from ecombalance.exceptions import DataError
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import ngettext
from ecombalance.models import _pretrained as pretrained
from ecombalance.models._text_features import CJK_CHARACTER, cjk_share
from ecombalance.models.finetune._quantization import model_size_mb

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
    name = f"`{model_name}`" if model_name else _("The tokenizer")
    per_char = m.tokens_per_cjk_char
    shown = m.example if len(m.example) <= 40 else m.example[:40] + "…"
    tokens = " · ".join(m.example_tokens[:24]) + (" · …" if len(m.example_tokens) > 24 else "")
    numbers = {"name": name, "per_char": per_char, "chars": m.cjk_chars, "with_cjk": m.texts_with_cjk,
               "texts": m.texts, "vocab": m.vocab_cjk}
    if per_char >= 0.95:
        measured = _("- {name} splits Chinese text into one token per character: {per_char:.2f} tokens per CJK "
                     "character over {chars:,} CJK characters in {with_cjk:,} of {texts:,} texts; its vocabulary "
                     "holds {vocab:,} distinct CJK pieces.").format(**numbers)
    else:
        measured = _("- {name} has Chinese pieces longer than one character: {per_char:.2f} tokens per CJK character "
                     "over {chars:,} CJK characters in {with_cjk:,} of {texts:,} texts; its vocabulary holds "
                     "{vocab:,} distinct CJK pieces.").format(**numbers)
    unknown = {"share": m.unk_share, "n": m.unk_chars, "unk": tokenizer.unk_token,
               "examples": ", ".join(m.unknown_examples)}
    lines = [
        measured,
        (_("- {share:.1%} of the CJK characters ({n:,}) became `{unk}`, most often {examples}.")
         if m.unknown_examples else _("- {share:.1%} of the CJK characters ({n:,}) became `{unk}`.")).format(**unknown),
        _("- Example: {text} → `{tokens}`").format(text=shown, tokens=tokens),
    ]
    if m.unk_share >= 0.01:
        quoted = [f'`"{n}"`' for n in CHINESE_ENCODERS]
        names = _("{names} or {last}").format(names=", ".join(quoted[:-1]), last=quoted[-1])
        lines.append(_(
            "- The encoder sees every `{unk}` as the same token, so those characters carry no meaning for it. A "
            "Chinese or multilingual encoder reads them: set `model_name` to {names} (a Hugging Face name already in "
            "the local cache, or a local directory written by `save_pretrained`); nothing is downloaded at run "
            "time.").format(unk=tokenizer.unk_token, names=names))
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
    moved = _("the mean probability of `{minority}` on the test titles moves by {shift:+.3f}").format(
        minority=minority, shift=effect["minority_shift"])
    if effect["changed"] == 0:
        return _("- `frozen + SMOTE + LR` predicts every one of the {n_test} test titles as `frozen + LR` does, so "
                 "their rows match in every metric. Not a bug: logistic regression already gets {train_accuracy:.1%} "
                 "of the training titles right on their frozen embeddings, and the synthetic points SMOTE adds between "
                 "minority embeddings lie where the minority already wins; they move the probabilities ({moved}) but "
                 "not which class is largest for any test title.").format(
            n_test=effect["n_test"], train_accuracy=effect["train_accuracy"], moved=moved)
    return _("- SMOTE in embedding space changed {changed} of the {n_test} test predictions of `frozen + LR` ({moved}; "
             "logistic regression gets {train_accuracy:.1%} of the training titles right without it).").format(
        changed=effect["changed"], n_test=effect["n_test"], moved=moved, train_accuracy=effect["train_accuracy"])


def minority_only_row(minority: Any) -> str:
    """The score-table row of the model fine-tuned further on the minority class ``minority`` alone."""
    return f"then minority only ({minority})"


def scores_table(y_true: Any, predictions: Mapping[str, Any]) -> pd.DataFrame:
    """One row per model: macro-F1, balanced accuracy, accuracy and ``recall[c]`` for every class of
    ``y_true`` (:func:`ecombalance.evaluation._metrics.scores`). ``predictions`` maps a model's name to its
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


def compare_quantized(fine_tuner, X, y, groups: Any = None, n_resamples: int = 1000,
                      random_state: int = 0) -> pd.DataFrame:
    """Size (MB), CPU inference seconds and samples/s, and macro-F1 on ``(X, y)`` of a fitted
    :class:`~ecombalance.models.finetune.TextClassifierFineTuner` in float32 and int8-quantised
    (:meth:`~ecombalance.models.finetune.TextClassifierFineTuner.quantized`), one row each.

    The seconds are those of ``predict(X)``; texts the fine-tuner has tokenised before (e.g. by predicting
    ``X`` once) are not tokenised again, so they then measure the model alone. ``attrs["int8_minus_fp32"]``: the
    macro-F1 change with its paired bootstrap interval over the rows (or whole ``groups``;
    :func:`ecombalance.evaluation._stats.paired_bootstrap`: both models scored on each resample of the same rows),
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
                            classes=np.unique(np.asarray(y)), groups=groups, n_resamples=n_resamples,
                            random_state=random_state)
    table.attrs["int8_minus_fp32"] = {"difference": float(boot["difference"]), "ci_low": float(boot["ci_low"]),
                                      "ci_high": float(boot["ci_high"]), "p_value": float(boot["p_value"]),
                                      "changed": int((predictions["int8"] != predictions["fp32"]).sum()),
                                      "n_test": len(predictions["fp32"])}
    return table


def _precision_name(dtype) -> str:
    return {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(dtype, "fp32")


FP32_ON_GENERATED_ONLY = N_("the fp32 comparison runs on the generated data only: it refits the model in fp32, which "
                          "on a CPU costs two to three times the fine-tuning above, and it measures the machine, not "
                          "your table")
"""Why :func:`compare_precision` with ``refit_fp32=False`` (notebook 05 on a user's table) has no fp32 row."""


def compare_precision(fine_tuner, X_fit, y_fit, X_val, y_val, X_test, y_test, refit_fp32: bool = True) -> pd.DataFrame:
    """What mixed precision did: the fitted ``fine_tuner`` (bf16 autocast on a GPU or a CPU that supports it
    with ``precision="auto"``) against the same configuration refitted in fp32 on the same data and seed.

    One row per precision: macro-F1, balanced accuracy and the recall of the smallest class of ``y_test``
    (:func:`ecombalance.evaluation._metrics.scores`), mean fine-tuning samples/s and the fit's seconds. A fine-tuner
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
        return _("- Precision: {precision} autocast, {speed:.0f} samples/s; {why}.").format(
            precision=table.index[0], speed=table.iloc[0]["samples_per_s"], why=_(table.attrs["fp32_skipped"]))
    if len(table) < 2:
        return _("- Precision: {precision} (no mixed precision on this machine, so nothing to compare).").format(
            precision=table.index[0])
    mixed, fp32 = table.iloc[0], table.loc["fp32"]
    return _("- Precision: {precision} autocast fine-tuned at {speed:.0f} samples/s against {fp32_speed:.0f} in fp32 "
             "({ratio:.2f}×), macro-F1 {f1:.3f} against {fp32_f1:.3f} ({change:+.3f}).").format(
        precision=table.index[0], speed=mixed["samples_per_s"], fp32_speed=fp32["samples_per_s"],
        ratio=mixed["samples_per_s"] / fp32["samples_per_s"], f1=mixed["macro_f1"], fp32_f1=fp32["macro_f1"],
        change=mixed["macro_f1"] - fp32["macro_f1"])


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
                        n_resamples: int = 1000, confidence: float = 0.95, random_state: int = 0,
                        name: str = "fine-tuned − frozen + LR") -> pd.DataFrame:
    r"""Is fine-tuning ahead of the frozen encoder + logistic regression beyond the noise of the test split?

    A paired bootstrap (:func:`ecombalance.evaluation._stats.paired_bootstrap`; Koehn 2004) of
    :math:`\Delta = \mathrm{macroF1}(\text{fine-tuned}) - \mathrm{macroF1}(\text{frozen})`: each resample
    draws the test rows (or whole ``groups``, e.g. queries) once and scores both models on them.

    Returns one row (index ``name``) with ``fine_tuned_macro_f1``, ``frozen_macro_f1`` (on every test row,
    :func:`ecombalance.evaluation._metrics.scores`), ``difference``, the percentile interval ``ci_low`` /
    ``ci_high`` at ``confidence``, the two-sided ``p_value``, ``n_test`` and ``real``: True when the interval
    excludes 0 (:func:`ecombalance.plotting.table` shows it as yes / no).
    """
    classes = np.unique(np.asarray(y_true))
    boot = paired_bootstrap(y_true, pred_finetuned, pred_frozen, metric="macro_f1", classes=classes,
                            groups=groups, n_resamples=n_resamples, confidence=confidence, random_state=random_state)
    macro_f1 = {key: scores(y_true, pred, classes=classes, metrics=("macro_f1",), per_class=())["macro_f1"]
                for key, pred in (("fine_tuned_macro_f1", pred_finetuned), ("frozen_macro_f1", pred_frozen))}
    row = {**macro_f1, "difference": boot["difference"], "ci_low": boot["ci_low"], "ci_high": boot["ci_high"],
           "p_value": boot["p_value"], "n_test": float(len(np.asarray(y_true))),
           "real": bool(boot["ci_low"] > 0 or boot["ci_high"] < 0)}
    frame = pd.DataFrame([row], index=pd.Index([name], name="comparison"))
    frame.attrs["confidence"] = confidence
    return frame


P_VALUE_NOTE = N_(
    "- How to read it: the p-value is the paired bootstrap's two-sided p — twice the share of resampled test "
    "splits on the far side of 0 from the observed difference; the two sides also pool differently: the frozen "
    "encoder averages its token vectors (mean pooling, as the sentence model was trained), the fine-tuned "
    "classifier reads the first token's vector through BERT's pooler ([CLS]), so they differ in pooling as well "
    "as in training.")


def _training_course(history: pd.DataFrame | None, steps: int, epochs: int, n_fit: int) -> tuple[str, bool | None]:
    """What the fine-tuning run did, from its ``history_`` (one row per epoch with ``step`` and ``val_macro_f1``):
    the sentence, and whether validation macro-F1 was still rising at the last epoch (None without a history)."""
    run = ngettext("{steps} optimizer steps ({epochs} epoch over {titles} titles)",
                   "{steps} optimizer steps ({epochs} epochs over {titles} titles)", int(epochs)).format(
        steps=int(steps), epochs=int(epochs), titles=int(n_fit))
    if history is None or "val_macro_f1" not in history or history["val_macro_f1"].isna().all():
        return _("fine-tuning ran {run}").format(run=run), None
    scores = history["val_macro_f1"].to_numpy(dtype=float)
    best = int(np.nanargmax(scores))
    step = int(history["step"].iloc[best]) if "step" in history else None
    at = (_("epoch {epoch} (step {step})") if step is not None else _("epoch {epoch}")).format(epoch=best + 1,
                                                                                             step=step)
    if best == len(scores) - 1:
        rising = _("fine-tuning ran {run}, and validation macro-F1 was still rising at the last epoch ({scores})")
        return rising.format(run=run, scores=" → ".join(f"{v:.3f}" for v in scores)), True
    return (_("fine-tuning ran {run}; validation macro-F1 peaked at {peak:.3f} at {at} and fell to {last:.3f} after, "
              "and the weights of {at} are the ones kept (early stopping restores the best epoch)").format(
        run=run, peak=scores[best], at=at, last=scores[-1]), False)


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
    numbers = _("macro-F1 {finetuned:.3f} against {frozen:.3f}, difference {difference:+.3f} (paired bootstrap over "
                "{n_test} test rows, {level} interval [{low:+.3f}, {high:+.3f}])").format(
        finetuned=row["fine_tuned_macro_f1"], frozen=row["frozen_macro_f1"], difference=row["difference"],
        n_test=int(row["n_test"]), level=level, low=row["ci_low"], high=row["ci_high"])
    if row["real"] and row["difference"] > 0:
        return _("- Fine-tuning with `{balancing}` is ahead of the frozen encoder + LR beyond the noise of the test "
                 "split: {numbers}. Here transfer learning pays for its training cost.").format(balancing=balancing,
                                                                                              numbers=numbers)
    if row["real"]:
        verdict = _("- The frozen encoder + LR is ahead of fine-tuning with `{balancing}` beyond the noise of the test "
                    "split: {numbers}.").format(balancing=balancing, numbers=numbers)
    else:
        verdict = _("- On this table and budget there is no detectable difference between fine-tuning with "
                    "`{balancing}` and the frozen encoder + LR: {numbers}, p = {p:.2f}. The interval holds 0, so this "
                    "test split cannot tell them apart — which is not evidence that they are equal; at equal scores "
                    "the frozen encoder is the cheaper one.").format(balancing=balancing, numbers=numbers,
                                                                      p=row["p_value"])
    course, rising = _training_course(history, steps, epochs, n_fit)
    if rising:
        change = _("- What would change it: more `epochs` (validation macro-F1 had not stopped improving), a GPU with "
                   "the `full` profile (8 epochs, a 12-layer encoder), or `trainable_layers=1` or `2`, which leaves "
                   "fewer weights to move with few labels; this comparison then says whether fine-tuning pulls ahead.")
    else:
        change = _("- What would change it: not more steps of this run{fell}; a lower `learning_rate`, "
                   "`trainable_layers=1` or `2` (fewer weights to move with few labels), more labelled titles of the "
                   "small classes, or a larger encoder (the `full` profile on a GPU); this comparison then says whether "
                   "fine-tuning pulls ahead.").format(
            fell=_(" (validation macro-F1 fell after its peak)") if rising is False else "")
    return "\n".join([
        verdict,
        _(P_VALUE_NOTE),
        _("- Why: {course}; its new head learned `{minority}` from {n} training titles, while logistic regression on "
          "fixed embeddings fits the same titles to convergence with far fewer weights.").format(
            course=course, minority=minority, n=int(minority_fit)),
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
        "finetuned_minus_frozen_bootstrap_real": bool(comparison.iloc[0]["real"])}  # yes / no in the report
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
    numbers = {"fp32": fp32["size_mb"], "int8": int8["size_mb"], "speed": int8["samples_per_s"] / fp32["samples_per_s"],
               "change": int8["macro_f1"] - fp32["macro_f1"]}
    d = compression.attrs.get("int8_minus_fp32")
    if not d:
        return _("- int8 quantisation: {fp32:.1f} MB → {int8:.1f} MB, {speed:.2f}× the CPU throughput, macro-F1 "
                 "change {change:+.3f}.").format(**numbers)
    numbers.update(low=d["ci_low"], high=d["ci_high"], n_test=d["n_test"], changed=d["changed"])
    verdict = (_("beyond the noise of the test split") if d["ci_low"] > 0 or d["ci_high"] < 0
               else _("the interval holds 0: within the noise of the test split"))
    return _("- int8 quantisation: {fp32:.1f} MB → {int8:.1f} MB, {speed:.2f}× the CPU throughput, macro-F1 change "
             "{change:+.3f} (paired bootstrap 95 % interval [{low:+.3f}, {high:+.3f}] over the {n_test} test rows, "
             "{changed} of whose predictions changed; {verdict}).").format(**numbers, verdict=verdict)


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
        _("- Highest macro-F1 on this test split: `{best}` ({score:.3f}; one split, so only a paired interval says "
          "whether a gap is real); the frozen encoder with logistic regression reached {frozen:.3f}, with SMOTE in "
          "embedding space {smote:.3f}.").format(best=best, score=models.loc[best, "macro_f1"],
                                                 frozen=table.loc["frozen + LR", "macro_f1"],
                                                 smote=table.loc["frozen + SMOTE + LR", "macro_f1"]),
        *([comparison] if comparison else []),
        _("- Fine-tuning without balancing: macro-F1 {plain_f1:.3f}, recall of `{minority}` {plain_recall:.3f}; with "
          "`{balancing}`: macro-F1 {balanced_f1:.3f}, recall of `{minority}` {balanced_recall:.3f}.").format(
            plain_f1=plain["macro_f1"], minority=minority, plain_recall=plain[f"recall[{minority}]"],
            balancing=balancing, balanced_f1=balanced["macro_f1"], balanced_recall=balanced[f"recall[{minority}]"]),
        _("- Continuing on the minority class alone (the design document's step 3) moved macro-F1 from {before:.3f} to "
          "{after:.3f} and the recall of `{minority}` to {minority_recall:.3f}; the largest collapse is `{collapse}`, "
          "whose recall fell from {collapse_before:.3f} to {collapse_after:.3f} (the largest class `{largest}`: "
          "{largest_before:.3f} to {largest_after:.3f}).").format(
            before=balanced["macro_f1"], after=after["macro_f1"], minority=minority,
            minority_recall=after[f"recall[{minority}]"], collapse=collapse[7:-1],
            collapse_before=balanced[collapse], collapse_after=after[collapse], largest=largest,
            largest_before=balanced[f"recall[{largest}]"], largest_after=after[f"recall[{largest}]"]),
        describe_quantized(compression),
        _("- Run: `{model}` on `{device}`, {steps} optimizer steps per fine-tuning run.").format(
            model=model_name, device=device, steps=int(steps)),
    ])
