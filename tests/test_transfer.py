"""Notebook 05's table, headline and "What we saw" text, on small constructed tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, recall_score

from ecombalance._chapters import transfer
from ecombalance.data._table import Table
from ecombalance.exceptions import DataError

MINORITY_ONLY = transfer.minority_only_row("bag")


def _table():
    rows = {"frozen + LR": 0.80, "frozen + SMOTE + LR": 0.82, "fine-tuned": 0.60, "fine-tuned + sampler": 0.85,
            MINORITY_ONLY: 0.90}
    table = pd.DataFrame({"macro_f1": rows})
    table["recall[bag]"] = [0.5, 0.6, 0.2, 0.7, 1.0]
    table["recall[phone]"] = [0.9, 0.9, 1.0, 0.8, 0.0]
    return table


def _compression():
    return pd.DataFrame({"size_mb": [90.0, 30.0], "samples_per_s": [100.0, 250.0], "macro_f1": [0.85, 0.84]},
                        index=pd.Index(["fp32", "int8"], name="model"))


def test_scores_table_matches_sklearn():
    y = np.array(["phone"] * 6 + ["shoe"] * 3 + ["bag"] * 2)
    pred = np.array(["phone"] * 5 + ["shoe"] * 4 + ["phone", "bag"])
    table = transfer.scores_table(y, {"a": pred, "all phone": np.full(len(y), "phone")})
    assert list(table.index) == ["a", "all phone"]
    assert table.loc["a", "macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert table.loc["a", "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, pred))
    assert table.loc["a", "accuracy"] == pytest.approx(accuracy_score(y, pred))
    recalls = recall_score(y, pred, labels=["bag", "phone", "shoe"], average=None)
    np.testing.assert_allclose(table.loc["a", ["recall[bag]", "recall[phone]", "recall[shoe]"]].astype(float), recalls)
    assert table.loc["all phone", "recall[bag]"] == 0.0  # a class never predicted keeps its column


def test_headline_reads_each_row():
    numbers = transfer.transfer_headline(_table(), _compression(), "sampler", "bag")
    assert numbers == pytest.approx({
        "frozen_lr_macro_f1": 0.80, "frozen_smote_macro_f1": 0.82, "finetuned_macro_f1": 0.60,
        "finetuned_balanced_macro_f1": 0.85, "minority_only_macro_f1": 0.90, "int8_size_ratio": 30 / 90,
        "int8_macro_f1_change": 0.84 - 0.85,
    })


def test_description_is_built_from_the_numbers():
    text = transfer.describe_transfer(_table(), _compression(), balancing="sampler", minority="bag",
                                      largest="phone", model_name="tiny", device="cpu", steps=12)
    lines = text.splitlines()
    assert len(lines) == 5 and all(line.startswith("- ") for line in lines)
    # the top model is chosen among the four compared models, not the minority-only continuation, and not "best"
    assert lines[0].startswith("- Highest macro-F1 on this test split: `fine-tuned + sampler` (0.850; one split")
    assert "reached 0.800" in lines[0] and "0.820" in lines[0] and "best" not in lines[0].lower()
    assert "macro-F1 0.600, recall of `bag` 0.200" in lines[1] and "macro-F1 0.850, recall of `bag` 0.700" in lines[1]
    assert "from 0.850 to 0.900 and the recall of `bag` to 1.000" in lines[2]
    assert "the largest collapse is `phone`, whose recall fell from 0.800 to 0.000" in lines[2]
    # a mid-sized class that falls further than the largest one is the collapse named
    table = _table().assign(**{"recall[shoe]": [0.9, 0.9, 0.9, 0.921, 0.0]})
    table.loc[MINORITY_ONLY, "recall[phone]"] = 0.5
    text = transfer.describe_transfer(table, _compression(), balancing="sampler", minority="bag",
                                      largest="phone", model_name="tiny", device="cpu", steps=12)
    assert ("the largest collapse is `shoe`, whose recall fell from 0.921 to 0.000 (the largest class `phone`: "
            "0.800 to 0.500)") in text.splitlines()[2]
    assert "90.0 MB → 30.0 MB, 2.50× the CPU throughput, macro-F1 change -0.010" in lines[3]
    assert lines[4] == "- Run: `tiny` on `cpu`, 12 optimizer steps per fine-tuning run."


def test_text_inputs_the_encoder_reads():
    frame = pd.DataFrame({"a": ["x"], "b": ["y"], "c": ["z"], "n": [1.0], "label": ["k"]})
    assert transfer.text_inputs(Table(frame, "label", ["a"], ["n"])) == ["a"]
    assert transfer.text_inputs(Table(frame, "label", ["a", "b"])) == ["a", "b"]
    assert transfer.text_inputs(Table(frame, "label", ["a", "b", "c"], text_pair=("c", "a"))) == ["c", "a"]
    with pytest.raises(DataError, match=r"table 'table' has no text column, and notebook 05 fine-tunes a text encoder"):
        transfer.text_inputs(Table(frame, "label", [], ["n"]))
    with pytest.raises(DataError, match=r"has 3 text columns \['a', 'b', 'c'\]; .*--text-pair LEFT RIGHT"):
        transfer.text_inputs(Table(frame, "label", ["a", "b", "c"]))


# --- Chinese text: a tiny random BERT whose vocabulary holds CJK characters ----------------------------------

ZH_WORDS = {
    "平板": ["平板", "电脑", "学习机", "护眼", "全面屏", "办公", "网课", "64GB"],
    "热水器": ["电热水器", "燃气", "速热", "储水式", "家用", "一级能效", "恒温", "60L"],
    "手机壳": ["手机壳", "防摔", "透明", "硅胶", "磁吸", "保护套", "全包", "pro"],
}
OUTSIDE = "鬱龘靐"  # characters of the titles left out of the vocabulary: they must become [UNK]


def zh_titles(counts=(30, 18, 12), seed=0):
    """Chinese product titles in three imbalanced classes; every fifth title starts with a brand of
    characters outside the vocabulary."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for label, n in zip(ZH_WORDS, counts):
        for _ in range(n):
            words = list(rng.choice(ZH_WORDS[label], rng.integers(2, 6)))
            if len(X) % 5 == 0:
                words.insert(0, "".join(rng.choice(list(OUTSIDE), 2)))
            X.append(" ".join(words))
            y.append(label)
    return X, np.array(y)


def cjk(text):
    return [c for c in text if "\u4e00" <= c <= "\u9fff"]


@pytest.fixture(scope="module")
def zh_bert(tmp_path_factory):
    """A 2-layer random BERT with a WordPiece vocabulary of special tokens, the titles' CJK characters
    (but not OUTSIDE) padded to a few hundred, and Latin pieces, saved like any pretrained encoder."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    directory = tmp_path_factory.mktemp("models") / "zh-bert"
    directory.mkdir()
    title_chars = {c for words in ZH_WORDS.values() for w in words for c in cjk(w)}
    chars = sorted(title_chars | {chr(0x4E00 + i) for i in range(300)})
    latin = [*"abcdefghijklmnopqrstuvwxyz0123456789", *(f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz0123456789"),
             "pro", "gb", "##gb"]
    (directory / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *latin])
                                         + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast.from_pretrained(directory)  # reads vocab.txt (transformers 4 and 5)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    torch.manual_seed(0)
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    assert not set(OUTSIDE) & set(chars) and len(tokenizer) == 5 + len(chars) + len(latin)
    return directory


@pytest.mark.slow
def test_the_chinese_vocabulary_reads_its_characters_and_not_the_others(zh_bert):
    from ecombalance.models import _pretrained as pretrained

    tokenizer = pretrained.load_tokenizer(zh_bert)
    assert tokenizer.tokenize("电热水器 防摔") == list("电热水器防摔")  # one WordPiece token per character
    assert tokenizer.tokenize("鬱龘 平板") == ["[UNK]", "[UNK]", "平", "板"]
    X, _ = zh_titles()
    pieces = [t for x in X for t in tokenizer.tokenize(x)]
    assert pieces.count("[UNK]") == sum(c in OUTSIDE for x in X for c in x) > 0


@pytest.mark.slow
def test_describe_tokenization_counts_unknown_characters(zh_bert):
    X, _ = zh_titles()
    chars = [c for x in X for c in cjk(x)]
    unknown = sum(c in OUTSIDE for c in chars)
    measured = transfer.measure_cjk_tokenization(transfer.pretrained.load_tokenizer(zh_bert), X + ["usb cable"])
    assert (measured.texts, measured.texts_with_cjk) == (len(X) + 1, len(X))
    assert (measured.cjk_chars, measured.unk_chars) == (len(chars), unknown)
    assert measured.unk_share == pytest.approx(unknown / len(chars))
    assert measured.tokens_per_cjk_char == 1.0
    assert set(measured.unknown_examples) == set(OUTSIDE)
    assert measured.vocab_cjk == len({c for words in ZH_WORDS.values() for w in words for c in cjk(w)}
                                     | {chr(0x4E00 + i) for i in range(300)})
    text = transfer.describe_tokenization(zh_bert, X)
    assert f"{unknown / len(chars):.1%} of the CJK characters ({unknown})" in text
    assert "one token per character: 1.00 tokens per CJK character" in text
    assert f"Example: {X[0]} → `" in text and "[UNK]" in text.splitlines()[2]
    assert "bert-base-chinese" in text  # a share of unknown characters above 1 % suggests a Chinese encoder
    known = [x for x in X if not set(x) & set(OUTSIDE)]
    assert "0.0% of the CJK characters (0)" in transfer.describe_tokenization(zh_bert, known)
    assert "bert-base-chinese" not in transfer.describe_tokenization(zh_bert, known)
    assert transfer.describe_tokenization(zh_bert, ["usb cable", "red running shoe"]) == ""


@pytest.mark.slow
def test_the_default_english_encoder_on_chinese_titles_is_measured_not_guessed():
    from ecombalance.models import _pretrained as pretrained

    tokenizer = pretrained.load_tokenizer(pretrained.DEFAULT_MODEL)
    X, _ = zh_titles()
    chars = [c for x in X for c in cjk(x)]
    unknown = sum(c not in tokenizer.get_vocab() for c in chars)  # BERT splits CJK into single characters
    measured = transfer.measure_cjk_tokenization(tokenizer, X)
    assert measured.unk_chars == unknown and measured.tokens_per_cjk_char == 1.0
    text = transfer.describe_tokenization(tokenizer, X, model_name=pretrained.DEFAULT_MODEL)
    assert text.startswith(f"- `{pretrained.DEFAULT_MODEL}` splits Chinese text into one token per character")
    assert f"{unknown / len(chars):.1%}" in text and all(name in text for name in transfer.CHINESE_ENCODERS)


@pytest.mark.slow
def test_frozen_embeddings_and_fine_tuning_run_on_chinese_titles(zh_bert):
    from ecombalance.models import _embeddings as embeddings
    from ecombalance.models import finetune

    X, y = zh_titles()
    vectors = embeddings.SentenceEmbedder(model_name=str(zh_bert), cache_dir=False).fit_transform(X)
    assert vectors.shape == (len(X), 32) and np.isfinite(vectors).all()
    assert len(np.unique(vectors.round(5), axis=0)) > len(X) // 2  # different titles, different vectors
    frozen = embeddings.embedding_classifier(str(zh_bert), cache_dir=False).fit(X, y)
    proba = frozen.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    tuned = finetune.TextClassifierFineTuner(model_name=str(zh_bert), epochs=1, max_steps=3, batch_size=8,
                                             progress=False, early_stopping_patience=None,
                                             device="cpu").fit(X, y)
    assert tuned.global_step_ == 3
    proba = tuned.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.isfinite(proba).all()
    assert set(tuned.predict(X)) <= set(ZH_WORDS) and list(tuned.classes_) == sorted(ZH_WORDS)


# --- fine-tuning against the frozen encoder: paired bootstrap and the text's branches --------------------------

def _direct_paired_bootstrap(y, a, b, n_resamples, seed, groups=None):
    """The paired bootstrap written out with scikit-learn: the same row draws as NumPy's default_rng(seed)."""
    rng = np.random.default_rng(seed)
    labels = np.unique(y)
    members = None if groups is None else [np.flatnonzero(groups == g) for g in np.unique(groups)]
    diffs = []
    for _ in range(n_resamples):
        if members is None:
            idx = rng.integers(0, len(y), len(y))
        else:
            idx = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        diffs.append(f1_score(y[idx], a[idx], labels=labels, average="macro", zero_division=0)
                     - f1_score(y[idx], b[idx], labels=labels, average="macro", zero_division=0))
    return np.percentile(diffs, [2.5, 97.5])


def _predictions(n=120, seed=3):
    rng = np.random.default_rng(seed)
    y = rng.choice(["bag", "phone", "shoe"], size=n, p=[0.15, 0.55, 0.3])
    noisy = np.where(rng.random(n) < 0.25, rng.choice(["bag", "phone", "shoe"], size=n), y)
    worse = np.where(rng.random(n) < 0.5, "phone", y)
    return y, noisy, worse


@pytest.mark.slow
def test_compare_with_frozen_matches_a_direct_paired_bootstrap():
    y, a, b = _predictions()
    frame = transfer.compare_with_frozen(y, a, b, n_resamples=200, random_state=7, name="a − b")
    row = frame.loc["a − b"]
    assert row["fine_tuned_macro_f1"] == pytest.approx(f1_score(y, a, average="macro"))
    assert row["frozen_macro_f1"] == pytest.approx(f1_score(y, b, average="macro"))
    assert row["difference"] == pytest.approx(f1_score(y, a, average="macro") - f1_score(y, b, average="macro"))
    low, high = _direct_paired_bootstrap(y, a, b, 200, 7)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["n_test"] == 120 and frame.attrs["confidence"] == 0.95
    assert row["real"] == (low > 0 or high < 0) and frame["real"].dtype == bool  # flattened labels: a real loss
    assert row["difference"] > 0 and row["p_value"] < 0.05


def test_compare_with_frozen_resamples_whole_groups_and_sees_no_difference_between_equal_models():
    y, a, b = _predictions(n=90)
    groups = np.repeat(np.arange(30), 3)
    row = transfer.compare_with_frozen(y, a, b, groups=groups, n_resamples=100, random_state=1).iloc[0]
    low, high = _direct_paired_bootstrap(y, a, b, 100, 1, groups=groups)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    same = transfer.compare_with_frozen(y, a, a.copy(), n_resamples=50).iloc[0]
    assert same["difference"] == same["ci_low"] == same["ci_high"] == 0.0 and not same["real"]


def _comparison(ft, frozen, low, high, real):
    frame = pd.DataFrame([{"fine_tuned_macro_f1": ft, "frozen_macro_f1": frozen, "difference": ft - frozen,
                           "ci_low": low, "ci_high": high, "p_value": 0.3, "n_test": 150.0, "real": real}],
                         index=["x"])
    frame.attrs["confidence"] = 0.95
    return frame


def _describe(comparison):
    return transfer.describe_frozen_comparison(comparison, balancing="sampler", minority="bag", steps=36, epochs=3,
                                        n_fit=360, minority_fit=30)


def test_comparison_text_when_fine_tuning_is_ahead_beyond_noise():
    text = _describe(_comparison(0.91, 0.85, 0.02, 0.10, 1.0))
    assert text.count("\n") == 0 and text.startswith("- Fine-tuning with `sampler` is ahead of the frozen encoder")
    assert ("macro-F1 0.910 against 0.850, difference +0.060 (paired bootstrap over 150 test rows, 95% interval "
            "[+0.020, +0.100])") in text
    assert "Why" not in text


def test_comparison_text_when_the_interval_holds_zero():
    text = _describe(_comparison(0.868, 0.883, -0.05, 0.02, 0.0))
    lines = text.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("- On this table and budget there is no detectable difference between fine-tuning "
                               "with `sampler` and the frozen encoder + LR: macro-F1 0.868 against 0.883, "
                               f"difference {0.868 - 0.883:+.3f}")
    assert "[-0.050, +0.020]), p = 0.30." in lines[0] and "cannot tell them apart" in lines[0]
    assert "as good" not in text  # an interval holding 0 is no evidence that one is as good as the other
    assert "two-sided p" in lines[1] and "mean pooling" in lines[1] and "[CLS]" in lines[1]
    assert "36 optimizer steps (3 epochs over 360 titles)" in lines[2] and "`bag` from 30 training titles" in lines[2]
    assert "`trainable_layers=1`" in lines[3] and "`full` profile" in lines[3]
    ahead_by_noise = _describe(_comparison(0.89, 0.88, -0.02, 0.04, 0.0)).splitlines()[0]
    assert "no detectable difference" in ahead_by_noise and "as good" not in ahead_by_noise
    behind = _describe(_comparison(0.70, 0.88, -0.25, -0.10, 1.0)).splitlines()
    assert behind[0].startswith("- The frozen encoder + LR is ahead of fine-tuning with `sampler` beyond the noise")
    assert len(behind) == 4


def test_headline_and_description_take_the_comparison():
    comparison = _comparison(0.868, 0.883, -0.05, 0.02, 0.0)
    numbers = transfer.transfer_headline(_table(), _compression(), "sampler", "bag", comparison)
    row = comparison.iloc[0]
    difference = row["fine_tuned_macro_f1"] - row["frozen_macro_f1"]
    assert numbers["finetuned_minus_frozen_difference"] == pytest.approx(difference)
    assert (numbers["finetuned_minus_frozen_ci_low"], numbers["finetuned_minus_frozen_ci_high"]) == (row["ci_low"],
                                                                                                     row["ci_high"])
    assert numbers["finetuned_minus_frozen_bootstrap_real"] is False  # a yes / no in the report, not 0.000
    assert numbers["frozen_lr_macro_f1"] == _table().loc["frozen + LR", "macro_f1"]
    bullets = _describe(comparison)
    text = transfer.describe_transfer(_table(), _compression(), balancing="sampler", minority="bag", largest="phone",
                                      model_name="tiny", device="cpu", steps=12, comparison=bullets)
    lines = text.splitlines()
    assert len(lines) == 9 and lines[1:5] == bullets.splitlines() and lines[0].startswith("- Highest macro-F1")


# --- mixed precision against fp32 ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_compare_precision_refits_in_fp32_and_scores_both_on_the_test_split(zh_bert):
    from ecombalance.models import finetune

    X, y = zh_titles()
    params = dict(model_name=str(zh_bert), epochs=1, max_steps=3, batch_size=8, progress=False,
                  early_stopping_patience=None, device="cpu", random_state=0)
    mixed = finetune.TextClassifierFineTuner(precision="bf16", **params).fit(X, y)
    assert mixed.autocast_dtype_ is not None
    table = transfer.compare_precision(mixed, X, y, None, None, X, y)
    assert list(table.index) == ["bf16", "fp32"]
    fp32 = finetune.TextClassifierFineTuner(precision="fp32", **params).fit(X, y)  # the same run, independently
    smallest = pd.Series(y).value_counts().index[-1]
    for name, est in (("bf16", mixed), ("fp32", fp32)):
        pred = est.predict(X)
        assert table.loc[name, "macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
        assert table.loc[name, f"recall[{smallest}]"] == pytest.approx(
            recall_score(y, pred, labels=[smallest], average="macro"))
    text = transfer.describe_precision(table)
    change = table.loc["bf16", "macro_f1"] - table.loc["fp32", "macro_f1"]
    assert text.startswith("- Precision: bf16 autocast fine-tuned at") and f"({change:+.3f})" in text
    single = transfer.compare_precision(fp32, X, y, None, None, X, y)
    assert list(single.index) == ["fp32"]
    assert transfer.describe_precision(single) == ("- Precision: fp32 (no mixed precision on this machine, so nothing "
                                                   "to compare).")
    mine = transfer.compare_precision(mixed, X, y, None, None, X, y, refit_fp32=False)  # notebook 05 on a user's table
    assert list(mine.index) == ["bf16"] and mine.loc["bf16"].to_dict() == pytest.approx(table.loc["bf16"].to_dict())
    assert transfer.describe_precision(mine) == (f"- Precision: bf16 autocast, {mine.loc['bf16', 'samples_per_s']:.0f} "
                                                 f"samples/s; {transfer.FP32_ON_GENERATED_ONLY}.")
    assert transfer.precision_headline(mine) == {"precision": "bf16"}


# --- issue 27: what the run did, SMOTE's identical row, the int8 interval ------------------------------------------

HISTORY = pd.DataFrame({"epoch": [1, 2, 3, 4], "step": [23, 46, 69, 92], "val_macro_f1": [0.80, 0.86, 0.84, 0.83]})


def test_why_says_where_validation_peaked_and_which_weights_were_kept():
    """05 said fine-tuning "moved every weight in 92 optimizer steps" and that more steps would help, while the best
    epoch (step 46) was restored and validation macro-F1 fell after it."""
    comparison = _comparison(0.863, 0.883, -0.085, 0.044, False)
    text = transfer.describe_frozen_comparison(comparison, balancing="sampler", minority="bag", steps=92, epochs=4,
                                               n_fit=360, minority_fit=30, history=HISTORY)
    lines = text.splitlines()
    assert ("fine-tuning ran 92 optimizer steps (4 epochs over 360 titles); validation macro-F1 peaked at 0.860 at "
            "epoch 2 (step 46) and fell to 0.830 after, and the weights of epoch 2 (step 46) are the ones kept") in lines[2]
    assert lines[3].startswith("- What would change it: not more steps of this run (validation macro-F1 fell after "
                               "its peak)")
    assert "moved every weight" not in text and "more optimizer steps" not in text
    rising = HISTORY.assign(val_macro_f1=[0.70, 0.75, 0.80, 0.82])
    text = transfer.describe_frozen_comparison(comparison, balancing="sampler", minority="bag", steps=92, epochs=4,
                                               n_fit=360, minority_fit=30, history=rising)
    assert "still rising at the last epoch (0.700 → 0.750 → 0.800 → 0.820)" in text
    assert "- What would change it: more `epochs` (validation macro-F1 had not stopped improving)" in text


def test_smote_effect_explains_an_identical_row():
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    y = np.repeat(["phone", "bag"], [90, 12])
    X = np.c_[np.where(y == "bag", 4.0, 0.0) + rng.normal(0, 0.5, len(y)), rng.normal(0, 1, len(y))]
    X_test = np.c_[[0.1, 3.9, 0.3, 4.2], [0.0, 0.5, -1.0, 1.0]]
    plain = LogisticRegression().fit(X, y)
    smote = make_pipeline(SMOTE(random_state=0), LogisticRegression()).fit(X, y)
    effect = transfer.smote_effect(plain, smote, X, y, X_test, "bag")
    column = list(plain.classes_).index("bag")
    assert effect == {"changed": int((plain.predict(X_test) != smote.predict(X_test)).sum()), "n_test": 4,
                      "train_accuracy": pytest.approx((plain.predict(X) == y).mean()),
                      "minority_shift": pytest.approx((smote.predict_proba(X_test)[:, column]
                                                       - plain.predict_proba(X_test)[:, column]).mean())}
    assert effect["changed"] == 0 and effect["minority_shift"] > 0  # separable: the labels stay, the probabilities move
    text = transfer.describe_smote_effect(effect, "bag")
    assert text.startswith("- `frozen + SMOTE + LR` predicts every one of the 4 test titles as `frozen + LR` does")
    assert f"moves by {effect['minority_shift']:+.3f}" in text and "100.0% of the training titles" in text
    changed = transfer.describe_smote_effect({**effect, "changed": 3}, "bag")
    assert changed.startswith("- SMOTE in embedding space changed 3 of the 4 test predictions")


def test_the_int8_change_comes_with_its_paired_interval():
    compression = _compression()
    compression.attrs["int8_minus_fp32"] = {"difference": -0.041, "ci_low": -0.09, "ci_high": 0.01, "p_value": 0.12,
                                            "changed": 9, "n_test": 150}
    text = transfer.describe_quantized(compression)
    assert text == ("- int8 quantisation: 90.0 MB → 30.0 MB, 2.50× the CPU throughput, macro-F1 change -0.010 (paired "
                    "bootstrap 95 % interval [-0.090, +0.010] over the 150 test rows, 9 of whose predictions changed; "
                    "the interval holds 0: within the noise of the test split).")
    numbers = transfer.transfer_headline(_table(), compression, "sampler", "bag")
    assert (numbers["int8_macro_f1_change_ci_low"], numbers["int8_macro_f1_change_ci_high"]) == (-0.09, 0.01)
    assert transfer.describe_quantized(_compression()).endswith("macro-F1 change -0.010.")
