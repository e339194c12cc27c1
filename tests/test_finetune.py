"""Fine-tuning, batching and frozen embeddings, on a tiny randomly initialised BERT (fast, offline)."""

import contextlib

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats
from sklearn.compose import ColumnTransformer
from sklearn.utils.class_weight import compute_class_weight

from ecombalance._chapters import transfer
from ecombalance.exceptions import ModelNotAvailableError
from ecombalance.models import _embeddings as embeddings
from ecombalance.models import _pretrained as pretrained
from ecombalance.models.finetune import _embedding_rows as embedding_rows
from ecombalance.models.finetune import _run as finetune_run
from ecombalance.models.finetune import _balancing as balancing
from ecombalance.models.finetune import _tuner as tuner_module
from ecombalance.models.finetune._text_batching import as_text_inputs, collate, length_bucketed_batches, tokenize
from ecombalance.sampling._weights import weights_from_counts

WORDS = {
    "phone": ["phone", "case", "charger", "screen", "usb", "cable"],
    "shoe": ["running", "shoe", "leather", "sneaker", "boot", "sole"],
    "bag": ["bag", "backpack", "tote", "strap", "zip", "pocket"],
}


def titles(counts=(24, 10, 6), seed=0):
    rng = np.random.default_rng(seed)
    X, y = [], []
    for label, n in zip(WORDS, counts):
        for _ in range(n):
            X.append(" ".join(rng.choice(WORDS[label], rng.integers(2, 9))))
            y.append(label)
    return X, np.array(y)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return pretrained.tiny_random_model(tmp_path_factory.mktemp("models") / "tiny-bert")


@pytest.fixture(scope="module")
def tokenizer(tiny):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny, local_files_only=True)


def tuner(tiny, **params):
    defaults = dict(model_name=str(tiny), epochs=1, batch_size=8, progress=False, log_every=1,
                    learning_rate=1e-3, early_stopping_patience=None)
    return tuner_module.TextClassifierFineTuner(**{**defaults, **params})


def test_local_path_loads_and_is_a_random_bert(tiny):
    assert pretrained.resolve_model(tiny) == tiny
    tok, model = pretrained.load_encoder(str(tiny))
    assert model.config.hidden_size == 32 and model.config.num_hidden_layers == 2
    assert model.config.vocab_size == len(tok)


def test_missing_model_says_so_and_how_to_provide_it(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="not available on this machine.*local directory"):
        pretrained.resolve_model("no-such-org/no-such-encoder")
    with pytest.raises(ModelNotAvailableError, match="holds no config.json.*save_pretrained"):
        pretrained.resolve_model(tmp_path)
    X, y = titles()
    with pytest.raises(ModelNotAvailableError, match="never downloads"):
        tuner_module.TextClassifierFineTuner(model_name="no-such-org/no-such-encoder", progress=False).fit(X, y)


def test_pairs_are_tokenised_as_two_segments(tokenizer):
    queries, product_titles = ["red phone case", "boot"], ["leather case for phone 15", "winter leather boot"]
    first, second = as_text_inputs(pd.DataFrame({"query": queries, "title": product_titles}))
    assert first == queries and second == product_titles
    tokens = tokenize(tokenizer, first, second, max_length=32)
    for q, t, ids, types in zip(queries, product_titles, tokens.input_ids, tokens.token_type_ids):
        n_q, n_t = len(tokenizer.tokenize(q)), len(tokenizer.tokenize(t))
        # [CLS] q [SEP] -> segment 0 ; t [SEP] -> segment 1
        assert types.tolist() == [0] * (n_q + 2) + [1] * (n_t + 1)
        assert ids[0] == tokenizer.cls_token_id and (ids == tokenizer.sep_token_id).sum() == 2
    batch = collate(tokens, np.array([0, 1]))
    assert set(batch) == {"input_ids", "attention_mask", "token_type_ids"}
    assert batch["attention_mask"].sum(1).tolist() == tokens.lengths.tolist()


def test_class_balanced_sampler_draws_classes_uniformly():
    y = np.repeat([0, 1, 2], [400, 150, 50])
    sampler = balancing.class_balanced_sampler(y, num_samples=30_000, random_state=0)
    np.testing.assert_allclose(sampler.weights.numpy(), 1 / np.array([400, 150, 50])[y])
    counts = np.bincount(y[np.fromiter(sampler, dtype=int)], minlength=3)
    assert stats.chisquare(counts).pvalue > 1e-3  # uniform over classes
    sd = np.sqrt(30_000 * (1 / 3) * (2 / 3))
    assert np.all(np.abs(counts - 10_000) < 4 * sd)
    assert not np.array_equal(np.fromiter(sampler, dtype=int)[:50], np.fromiter(sampler, dtype=int)[:50])


def test_epoch_indices_for_each_balancing(tiny):
    y = np.repeat([0, 1, 2], [40, 15, 5])
    est = tuner(tiny, balancing="oversample")
    from imblearn.over_sampling import RandomOverSampler

    est._oversampled = RandomOverSampler(random_state=0).fit_resample(np.arange(60).reshape(-1, 1), y)[0].ravel()
    assert np.bincount(y[est.epoch_indices(y, 0)]).tolist() == [40, 40, 40]
    est.balancing = "sampler"
    first, second = est.epoch_indices(y, 0), est.epoch_indices(y, 1)
    assert len(first) == 60 and not np.array_equal(first, second)
    np.testing.assert_array_equal(first, est.epoch_indices(y, 0))  # same seed and epoch, same draw
    est.balancing = "none"
    np.testing.assert_array_equal(est.epoch_indices(y, 0), np.arange(60))


def test_length_bucketing_pads_less_than_fixed_or_random_batches():
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 40, size=2000)
    bucketed = length_bucketed_batches(lengths, 32, bucket_batches=10, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(np.sort(np.concatenate(bucketed)), np.arange(2000))  # every sample once

    def padding(batches):
        return sum(int(lengths[b].max() * len(b) - lengths[b].sum()) for b in batches)

    random_batches = np.array_split(rng.permutation(2000), 2000 // 32)
    assert padding(bucketed) < 0.2 * padding(random_batches)
    assert padding(random_batches) < 40 * 2000 - lengths.sum()  # fixed-length padding to 40 tokens
    repeated = np.array([5, 5, 5, 7])
    got = np.concatenate(length_bucketed_batches(lengths, 3, indices=repeated, rng=np.random.default_rng(0)))
    assert sorted(got.tolist()) == [5, 5, 5, 7]
    ordered = length_bucketed_batches(lengths, 32, shuffle=False)
    assert np.all(np.diff(lengths[np.concatenate(ordered)]) >= 0)


@pytest.mark.slow
def test_texts_are_tokenised_once_per_text_set(tiny, monkeypatch):
    calls = []
    real = tuner_module.tokenize_texts
    monkeypatch.setattr(tuner_module, "tokenize_texts", lambda *a, **k: calls.append(len(a[1])) or real(*a, **k))
    X, y = titles()
    X_val, y_val = titles((8, 4, 3), seed=1)
    est = tuner(tiny, epochs=2).fit(X, y, X_val, y_val)
    est.predict_proba(X_val)
    est.predict(X_val)
    assert calls == [len(X), len(X_val)]
    assert len(est.history_) == 2 and est.history_["val_macro_f1"].between(0, 1).all()


def test_two_step_training_run_updates_only_trainable_weights(tiny):
    X, y = titles()
    before = tuner_module.TextClassifierFineTuner(model_name=str(tiny))._load_model(tiny, 3)[1].state_dict()
    est = tuner(tiny, max_steps=2, epochs=5, trainable_layers=1).fit(X, y)
    assert est.global_step_ == 2 and len(est.step_log_) == 2
    assert np.isfinite(est.step_log_["loss"]).all() and (est.step_log_["samples_per_s"] > 0).all()
    after = est.model_.state_dict()
    changed = {k for k in before if not k.startswith("classifier") and not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith(("bert.encoder.layer.1.", "bert.pooler.")) for k in changed)
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.allclose(proba.sum(1), 1, atol=1e-5)
    assert set(est.predict(X)) <= set(est.classes_) and list(est.classes_) == ["bag", "phone", "shoe"]


def test_freeze_embeddings_keeps_only_the_token_embedding_matrix_fixed(tiny):
    X, y = titles()
    before = tuner_module.TextClassifierFineTuner(model_name=str(tiny))._load_model(tiny, 3)[1].state_dict()
    est = tuner(tiny, max_steps=2, freeze_embeddings=True).fit(X, y)
    after = est.model_.state_dict()
    unchanged = {k for k in before if torch.equal(before[k], after[k])}
    assert "bert.embeddings.word_embeddings.weight" in unchanged
    assert "bert.embeddings.position_embeddings.weight" not in unchanged  # the rest trains as before
    assert not est.model_.get_input_embeddings().weight.requires_grad
    default = tuner(tiny, max_steps=2).fit(X, y).model_.state_dict()
    assert not torch.equal(before["bert.embeddings.word_embeddings.weight"],
                           default["bert.embeddings.word_embeddings.weight"])  # off by default


def fit_both_ways(tiny, X, y, *fit_args, **params):
    """The same fit with embedding_rows="used" (the default) and "all" (the whole matrix every step)."""
    return [tuner(tiny, precision="fp32", embedding_rows=rows, **params).fit(X, y, *fit_args) for rows in ("used", "all")]


@pytest.mark.slow
def test_training_only_the_used_embedding_rows_gives_the_whole_matrix_fit(tiny, tokenizer):
    X, y = titles()
    used, full = fit_both_ways(tiny, X, y, epochs=3, weight_decay=0.5, learning_rate=2e-3)
    after_used, after_full = used.model_.state_dict(), full.model_.state_dict()
    assert list(after_used) == list(after_full)  # the model keeps its own embedding module and state names
    for name, tensor in after_full.items():
        torch.testing.assert_close(after_used[name], tensor, rtol=1e-5, atol=1e-6)
    # the rows no title uses changed too (by the weight decay alone), so the closed form was applied
    before = tuner_module.TextClassifierFineTuner(model_name=str(tiny))._load_model(tiny, 3)[1].get_input_embeddings()
    unused = np.setdiff1d(np.arange(before.num_embeddings), embedding_rows.used_rows(tokenize(tokenizer, X)))
    name = "bert.embeddings.word_embeddings.weight"
    ratio = after_used[name][unused] / before.weight.detach()[unused]
    scale = np.prod([1 - 2e-3 * 0.5 * lr for lr in learning_rate_factors(used)])
    torch.testing.assert_close(ratio, torch.full_like(ratio, scale), rtol=1e-5, atol=1e-6)
    embedding = used.model_.get_input_embeddings()
    assert type(embedding) is torch.nn.Embedding and embedding.weight.requires_grad
    np.testing.assert_allclose(used.predict_proba(X), full.predict_proba(X), atol=1e-5)


def learning_rate_factors(est) -> list[float]:
    """The linear warm-up / decay factor of every optimizer step of a fit (transformers' schedule, rebuilt)."""
    total = est.global_step_
    warmup = int(est.warmup_ratio * total)
    return [step / max(1, warmup) if step < warmup else max(0.0, (total - step) / max(1, total - warmup))
            for step in range(total)]


@pytest.mark.slow
def test_used_rows_with_validation_keep_the_best_epoch_like_the_whole_matrix(tiny):
    X, y = titles()
    X_val, y_val = titles((8, 4, 3), seed=1)
    used, full = fit_both_ways(tiny, X, y, X_val, y_val, epochs=4, weight_decay=0.1)
    assert used.best_val_macro_f1_ == pytest.approx(full.best_val_macro_f1_)
    pd.testing.assert_series_equal(used.history_["val_macro_f1"], full.history_["val_macro_f1"], atol=1e-6)
    for name, tensor in full.model_.state_dict().items():
        torch.testing.assert_close(used.model_.state_dict()[name], tensor, rtol=1e-5, atol=1e-6)


def test_used_rows_give_the_model_its_embedding_back_when_training_fails(tiny, monkeypatch):
    X, y = titles()
    est = tuner(tiny, epochs=2)
    original = finetune_run.FineTuningRun.optimizer_step
    steps = []

    def failing_step(run):
        original(run)
        steps.append(run.est.global_step_)
        if len(steps) == 3:
            raise KeyboardInterrupt  # the user stops the cell
    monkeypatch.setattr(finetune_run.FineTuningRun, "optimizer_step", failing_step)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    embedding = est.model_.get_input_embeddings()
    assert type(embedding) is torch.nn.Embedding and embedding.weight.requires_grad
    assert est.predict_proba(X).shape == (len(X), 3)


def test_used_rows_stand_in_refuses_a_token_it_does_not_train(tokenizer):
    tokens = tokenize(tokenizer, ["phone case", "running shoe"])
    rows = embedding_rows.used_rows(tokens)
    assert tokens.pad_token_id in rows and set(np.concatenate(tokens.input_ids)) <= set(rows)
    standin = embedding_rows.UsedRowsEmbedding(torch.nn.Embedding(len(tokenizer), 4, padding_idx=0), rows)
    assert standin.weight.shape == (len(rows), 4)
    torch.testing.assert_close(standin(torch.as_tensor(rows)), standin.embedding.weight[rows])
    unused = int(np.setdiff1d(np.arange(len(tokenizer)), rows)[0])
    with pytest.raises(IndexError):
        standin(torch.as_tensor([unused]))


def test_used_rows_apply_only_to_a_trained_untied_matrix(tiny, tokenizer):
    from transformers import BertConfig, BertForMaskedLM

    tokens = tokenize(tokenizer, ["phone case"])
    tied = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=8, num_hidden_layers=1,
                                      num_attention_heads=2, intermediate_size=16))
    assert tied.get_output_embeddings().weight is tied.get_input_embeddings().weight
    with embedding_rows.training_used_rows(tied, tokens) as standin:
        assert standin is None and tied.get_input_embeddings().weight.requires_grad
    model = tuner_module.TextClassifierFineTuner(model_name=str(tiny))._load_model(tiny, 3)[1]
    model.get_input_embeddings().weight.requires_grad_(False)
    with embedding_rows.training_used_rows(model, tokens) as standin:
        assert standin is None
    with pytest.raises(ValueError, match=r"embedding_rows must be one of \('used', 'all'\), got 'some'"):
        tuner(tiny, embedding_rows="some").fit(*titles())


def test_resuming_with_other_embedding_rows_says_how_to_continue(tiny, tmp_path):
    X, y = titles()
    tuner(tiny, epochs=1, checkpoint_dir=str(tmp_path)).fit(X, y)
    with pytest.raises(ValueError, match=r"written for other token-embedding rows \(checkpoint: the used rows "
                       r"[0-9a-f]{16}; this fit: the whole matrix \(embedding_rows='all'\)\).*model_name=<checkpoint>"):
        tuner(tiny, epochs=2, embedding_rows="all").fit(X, y, resume_from=tmp_path / "epoch-1")
    with pytest.raises(ValueError, match="resume with the same training texts"):
        tuner(tiny, epochs=2).fit([*X, "zebra"], np.append(y, "bag"), resume_from=tmp_path / "epoch-1")


@pytest.mark.slow
def test_checkpoint_round_trip_and_resume(tiny, tmp_path):
    X, y = titles()
    straight = tuner(tiny, epochs=2, checkpoint_dir=str(tmp_path / "ckpt")).fit(X, y)
    steps_per_epoch = int(np.ceil(len(X) / 8))
    assert straight.global_step_ == 2 * steps_per_epoch
    straight.save(tmp_path / "final")
    loaded = tuner_module.TextClassifierFineTuner.load(tmp_path / "final", progress=False)
    for name, tensor in straight.model_.state_dict().items():
        assert torch.equal(tensor, loaded.model_.state_dict()[name]), name
    np.testing.assert_array_equal(loaded.predict_proba(X), straight.predict_proba(X))
    assert list(loaded.classes_) == list(straight.classes_) and loaded.global_step_ == straight.global_step_
    resumed = tuner(tiny, epochs=2).fit(X, y, resume_from=tmp_path / "ckpt" / "epoch-1")
    assert resumed.global_step_ == 2 * steps_per_epoch and len(resumed.history_) == 2
    for name, tensor in straight.model_.state_dict().items():  # optimizer, schedule, data order and RNG resumed
        torch.testing.assert_close(resumed.model_.state_dict()[name], tensor, rtol=1e-5, atol=1e-6)
    with pytest.raises(FileNotFoundError, match="was not written by TextClassifierFineTuner.save"):
        tuner_module.TextClassifierFineTuner.load(tmp_path)


def test_gpu_path_picks_cuda_and_bf16(tiny, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert tuner(tiny)._runtime() == (torch.device("cuda"), torch.bfloat16)
    assert tuner(tiny, precision="fp32")._runtime() == (torch.device("cuda"), None)


@pytest.mark.parametrize("cpu_bf16", [False, True])
@pytest.mark.slow
def test_auto_precision_on_the_cpu_follows_bf16_support(tiny, monkeypatch, cpu_bf16):
    from ecombalance.models import _device as dev

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(dev, "cpu_bf16_supported", lambda: cpu_bf16)
    expected = torch.bfloat16 if cpu_bf16 else None
    assert tuner(tiny)._runtime() == (torch.device("cpu"), expected)
    assert tuner(tiny, precision="fp32")._runtime() == (torch.device("cpu"), None)
    requested = []
    real_autocast = finetune_run.autocast
    monkeypatch.setattr(finetune_run, "autocast",
                        lambda device, dtype: requested.append(dtype) or real_autocast(device, dtype))
    X, y = titles()
    est = tuner(tiny, epochs=2, max_steps=6).fit(X, y)
    assert est.autocast_dtype_ is expected and set(requested) == {expected}
    losses = est.step_log_["loss"].to_numpy()
    assert len(losses) == 6 and np.isfinite(losses).all()
    assert all(p.dtype is torch.float32 for p in est.model_.parameters())  # autocast keeps fp32 master weights
    assert np.isfinite(est.predict_proba(X)).all()


def test_training_requests_autocast_with_the_chosen_dtype(tiny, monkeypatch):
    requested = []
    monkeypatch.setattr(finetune_run, "autocast", lambda dev, dtype: requested.append((dev.type, dtype)) or contextlib.nullcontext())
    X, y = titles()
    pairs = pd.DataFrame({"query": [x.split()[0] for x in X], "title": X})  # a cross-encoder on (query, title)
    est = tuner(tiny, precision="bf16", device="cpu", max_steps=1).fit(pairs, y)
    assert requested and set(requested) == {("cpu", torch.bfloat16)}
    assert est.autocast_dtype_ is torch.bfloat16
    assert est._encode(pairs).token_type_ids is not None and est.predict_proba(pairs).shape == (len(X), 3)


@pytest.mark.slow
def test_losses_and_balancing_weights(tiny):
    counts = np.array([24, 10, 6])
    y = np.repeat([0, 1, 2], counts)
    weights = weights_from_counts(counts, "balanced").astype(np.float32)
    np.testing.assert_allclose(weights, compute_class_weight("balanced", classes=np.arange(3), y=y), rtol=1e-6)
    ce = balancing.resolve_loss(None, counts, weights)
    logits, targets = torch.randn(6, 3), torch.tensor([0, 1, 2, 2, 1, 0])
    w = torch.as_tensor(weights)[targets]
    by_hand = -(w * torch.log_softmax(logits, 1)[torch.arange(6), targets]).sum() / w.sum()
    torch.testing.assert_close(ce(logits, targets), by_hand)
    calls = []
    X, yt = titles()
    tuner(tiny, max_steps=2, loss=lambda lg, t: calls.append(len(t)) or torch.nn.functional.cross_entropy(lg, t)).fit(X, yt)
    assert calls == [8, 8]
    with pytest.raises(ValueError, match="class_weight.*weights the default cross-entropy"):
        balancing.resolve_loss("focal", counts, weights)
    with pytest.raises(ValueError, match="balancing must be one of"):
        tuner(tiny, balancing="smote").fit(X, yt)


def test_named_loss_comes_from_ecombalance_losses():
    counts = np.array([60, 25, 10])
    loss = balancing.resolve_loss("focal", counts)
    assert torch.isfinite(loss(torch.randn(4, 3), torch.tensor([0, 1, 2, 0])))


def test_embedding_cache_hit_skips_the_model(tiny, tmp_path, monkeypatch):
    X, _ = titles()
    first = embeddings.embed_texts(X, model_name=str(tiny), batch_size=16, cache_dir=tmp_path)
    assert first.shape == (len(X), 32) and first.dtype == np.float32
    assert len(list((tmp_path / "embeddings").glob("*.npy"))) == 1
    monkeypatch.setattr(embeddings, "_load_encoder", lambda path: pytest.fail("cache hit must not load the model"))
    np.testing.assert_array_equal(embeddings.embed_texts(X, model_name=str(tiny), cache_dir=tmp_path), first)


def test_mean_pooling_ignores_padding(tiny, tokenizer):
    X, _ = titles()
    batched = embeddings.embed_texts(X, model_name=str(tiny), batch_size=32, cache_dir=False)
    _, model = embeddings._load_encoder(tiny)
    with torch.no_grad():  # one text at a time: no padding at all, plain mean over tokens
        alone = [model(**tokenizer(x, return_tensors="pt")).last_hidden_state[0].mean(0).numpy() for x in X[:5]]
    np.testing.assert_allclose(batched[:5], np.stack(alone), rtol=1e-4, atol=1e-5)


def test_sentence_embedder_in_a_column_transformer_and_smote_pipeline(tiny, tmp_path):
    from imblearn.over_sampling import SMOTE

    X, y = titles()
    frame = pd.DataFrame({"title": X, "price": np.arange(len(X), dtype=float)})
    embedder = embeddings.SentenceEmbedder(model_name=str(tiny), cache_dir=tmp_path)
    ct = ColumnTransformer([("text", embedder, "title"), ("num", "passthrough", ["price"])])
    out = ct.fit_transform(frame)
    assert out.shape == (len(X), 33)
    np.testing.assert_array_equal(out[:, :32], embeddings.embed_texts(X, model_name=str(tiny), cache_dir=tmp_path))
    assert len(embedder.get_feature_names_out()) == 32
    pipe = embeddings.embedding_classifier(str(tiny), sampler=SMOTE(random_state=0), cache_dir=tmp_path).fit(X, y)
    assert pipe.predict_proba(X).shape == (len(X), 3)


@pytest.mark.slow
def test_int8_quantisation_is_smaller_and_close(tiny):
    X, y = titles()
    est = tuner(tiny, max_steps=3).fit(X, y)
    table = transfer.compare_quantized(est, X, y)
    linear_weights = sum(m.weight.numel() for m in est.model_.modules() if isinstance(m, torch.nn.Linear))
    saved = table.loc["fp32", "size_mb"] - table.loc["int8", "size_mb"]
    assert saved > 0.7 * 3 * linear_weights / 1e6  # float32 -> int8 saves 3 bytes per Linear weight
    q = est.quantized()
    assert any("quantized" in type(m).__module__ for m in q.model_.modules())
    np.testing.assert_allclose(q.predict_proba(X), est.predict_proba(X), atol=0.05)
    assert abs(table.loc["fp32", "macro_f1"] - table.loc["int8", "macro_f1"]) < 0.2


def test_frozen_embeddings_with_the_guarded_smote_fit_a_class_smaller_than_its_neighbours(tiny, tmp_path):
    # notebook 05 with --min-class-size 5 crashed in plain imblearn SMOTE: "Expected n_neighbors <= n_samples_fit,
    # n_neighbors = 6, n_samples_fit = 5"; the guarded sampler lowers k_neighbors and says so
    from imblearn.over_sampling import SMOTE

    from ecombalance.exceptions import SmallClassWarning
    from ecombalance.sampling._resampling import make_sampler

    X = [f"red cotton shirt {i}" for i in range(30)] + [f"steel kettle {i}" for i in range(5)]
    y = np.array(["shirt"] * 30 + ["kettle"] * 5)
    with pytest.raises(ValueError, match="n_neighbors"):
        embeddings.embedding_classifier(str(tiny), sampler=SMOTE(random_state=0), cache_dir=tmp_path).fit(X, y)
    with pytest.warns(SmallClassWarning, match="lowering k_neighbors to 4"):
        pipe = embeddings.embedding_classifier(str(tiny), sampler=make_sampler("smote", random_state=0),
                                               cache_dir=tmp_path).fit(X, y)
    assert set(pipe.predict(X)) <= {"shirt", "kettle"}
