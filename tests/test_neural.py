"""TorchMLPClassifier: learns, repeats, fits sklearn/imblearn tooling, picks its device."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError

from ecombalance.models import _losses as losses
from ecombalance.models import _neural as neural
from ecombalance.models._neural import TorchMLPClassifier


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=[200, 80, 30], centers=[[0, 0, 0, 0], [5, 5, 0, 0], [0, 5, 5, 0]],
                      cluster_std=0.8, random_state=0)
    return X.astype(np.float32), y


def small(**kwargs):
    return TorchMLPClassifier(**{"hidden": (16,), "epochs": 15, "lr": 1e-2, "random_state": 0, **kwargs})


@pytest.mark.parametrize("loss", losses.LOSSES)
def test_every_loss_fits_a_separable_problem(blobs, loss):
    X, y = blobs
    model = small(loss=loss).fit(X, y)
    recall = [(model.predict(X[y == c]) == c).mean() for c in range(3)]
    assert min(recall) > 0.9, recall
    assert len(model.loss_curve_) == 15 and model.loss_curve_[-1] < model.loss_curve_[0]


def test_reproducible_with_random_state(blobs):
    X, y = blobs
    a = small().fit(X, y).predict_proba(X)
    b = small().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = small(random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)


def test_clone_proba_and_string_labels(blobs):
    X, y = blobs
    model = small(loss="focal", loss_params={"gamma": 1.0})
    twin = clone(model)
    assert twin.get_params() == model.get_params() and twin is not model
    names = np.array(["shoes", "phones", "cables"])[y]
    twin.fit(X, names)
    assert list(twin.classes_) == ["cables", "phones", "shoes"]
    assert set(twin.predict(X)) <= set(names) and (twin.predict(X) == names).mean() > 0.9
    proba = twin.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(twin.classes_[proba.argmax(1)], twin.predict(X))


@pytest.mark.parametrize("dense_limit", [0, 10**9])  # sparse batches densified one by one, or all at once
def test_sparse_input_matches_dense(blobs, monkeypatch, dense_limit):
    monkeypatch.setattr(neural, "_DENSE_LIMIT", dense_limit)
    X, y = blobs
    dense = small().fit(X, y).predict_proba(X)
    sparse = small().fit(sp.csr_matrix(X), y).predict_proba(sp.csr_matrix(X))
    np.testing.assert_allclose(sparse, dense, rtol=1e-5, atol=1e-6)


def test_inside_imblearn_pipeline(blobs):
    X, y = blobs
    pipe = make_pipeline(RandomOverSampler(random_state=0), small(loss="ldam"))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.9
    np.testing.assert_array_equal(pipe[-1].loss_.class_counts.numpy(), [200, 200, 200])  # counts after resampling


def test_binary_decision_function_is_logit_difference(blobs):
    X, y = blobs
    keep = y < 2
    model = small().fit(X[keep], y[keep])
    score = model.decision_function(X[keep])
    proba = model.predict_proba(X[keep])
    assert score.shape == (keep.sum(),)
    np.testing.assert_allclose(1 / (1 + np.exp(-score)), proba[:, 1], rtol=1e-6)


def test_log_prior_bias_and_ldam_drw(blobs):
    X, y = blobs
    model = TorchMLPClassifier(hidden=(8,), epochs=5, init_bias="log_prior", random_state=0)
    model.fit(X, y)
    assert model.loss_curve_[0] < 1.2  # starting from the priors, the first epoch is below log(3)-ish chance
    ldam = small(loss="ldam").fit(X, y)
    assert ldam.loss_.drw_epoch == 12  # round(0.8 * 15)
    assert ldam.loss_.weight.sum().item() == pytest.approx(3) and ldam.loss_.weight.argmax().item() == 2


def test_bad_parameters(blobs):
    X, y = blobs
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            getattr(small(), method)(X)
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid names: ce"):
        small(loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="init_bias must be None or 'log_prior'"):
        small(init_bias="zeros").fit(X, y)
    with pytest.raises(ValueError, match="loss='ldam' uses a cosine layer"):
        small(loss="ldam", init_bias="log_prior").fit(X, y)
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) \['tau'\] for loss 'focal'"):
        small(loss="focal", loss_params={"tau": 1.0}).fit(X, y)


def test_device_resolution(monkeypatch, blobs):
    X, y = blobs
    threads = torch.get_num_threads()
    model = small().fit(X, y)
    assert torch.get_num_threads() == threads  # n_jobs applies inside fit only
    assert model.device_ == torch.device("cpu") and model.autocast_dtype_ is None
    assert all(p.dtype == torch.float32 and p.device.type == "cpu" for p in model.model_.parameters())
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert small()._runtime() == (torch.device("cuda"), torch.bfloat16)
    assert small(device="cpu")._runtime() == (torch.device("cpu"), None)
