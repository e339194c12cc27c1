"""Notebook 06's method names: parsing, building and the priors each method's model learns."""

import numpy as np
import pytest

from ecombalance.chapters import experiments
from ecombalance.data import datasets
from ecombalance.models import losses, pipelines
from ecombalance.models.neural import TorchMLPClassifier
from ecombalance.sampling import resampling


@pytest.mark.parametrize(
    "spec, parsed",
    [
        ("smote+logreg", ("smote", "logreg", None)),
        ("none+gboost", ("none", "gboost", None)),
        ("class_weight+mlp", ("class_weight", "mlp", None)),
        ("none+torch_mlp:focal", ("none", "torch_mlp", "focal")),
        ("random_under+torch_mlp", ("random_under", "torch_mlp", "ce")),  # no loss: cross-entropy
        ("smote_tomek+torch_mlp:logit_adjusted", ("smote_tomek", "torch_mlp", "logit_adjusted")),
    ],
)
def test_parse_valid_specs(spec, parsed):
    assert experiments.parse(spec) == parsed


def test_every_sampler_model_and_loss_parses():
    for sampler in (*resampling.SAMPLERS, "class_weight"):
        for model in pipelines.MODELS:
            assert experiments.parse(f"{sampler}+{model}") == (sampler, model, None)
    for loss in losses.LOSSES:
        assert experiments.parse(f"none+torch_mlp:{loss}") == ("none", "torch_mlp", loss)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("smote", r"method 'smote' must be '<sampler>\+<model>', e.g. 'smote\+logreg' or 'none\+torch_mlp:focal'"),
        ("smote+logreg+mlp", r"method 'smote\+logreg\+mlp' must be '<sampler>\+<model>'"),
        (("smote", "logreg"), r"method \('smote', 'logreg'\) must be '<sampler>\+<model>'"),
        ("none+torch_mlp:hinge", r"method 'none\+torch_mlp:hinge': unknown loss 'hinge'; choose one of \['ce', "),
        ("none+svm", r"method 'none\+svm': unknown model 'svm'; choose one of \['logreg', 'gboost', 'mlp', "
                     r"'torch_mlp:<loss>'\]"),
        ("none+torch_mlpx", r"unknown model 'torch_mlpx'"),
        ("smite+logreg", r"method 'smite\+logreg': unknown sampler 'smite'; choose one of \['none', .*'class_weight'\]"),
    ],
)
def test_parse_errors_name_the_problem_and_the_choices(spec, message):
    with pytest.raises(ValueError, match=message):
        experiments.parse(spec)


@pytest.fixture(scope="module")
def tbl():
    return datasets.load()


def test_build_all_makes_one_pipeline_per_method(tbl):
    built = experiments.build_all(tbl, ["none+logreg", "class_weight+logreg", "smote+gboost",
                                        "none+torch_mlp:focal"], seed=3, epochs=7)
    assert list(built) == ["none+logreg", "class_weight+logreg", "smote+gboost", "none+torch_mlp:focal"]
    plain, weighted = built["none+logreg"], built["class_weight+logreg"]
    assert plain.named_steps["sampler"].name == "none" and plain.named_steps["model"].class_weight is None
    assert weighted.named_steps["sampler"].name == "none"  # class_weight: no sampler, a weighted model
    assert weighted.named_steps["model"].class_weight == "balanced"
    smote = built["smote+gboost"]
    assert smote.named_steps["sampler"].name == "smote"
    assert smote.get_params()["sampler__sampler__random_state"] == smote.named_steps["model"].random_state == 3
    torch_model = built["none+torch_mlp:focal"].named_steps["model"]
    assert isinstance(torch_model, TorchMLPClassifier)
    assert (torch_model.loss, torch_model.epochs, torch_model.random_state) == ("focal", 7, 3)


def test_build_all_checks_every_name_before_building(tbl):
    with pytest.raises(ValueError, match=r"methods repeat a name: \['none\+logreg', 'smote\+logreg', 'none\+logreg'\]"):
        experiments.build_all(tbl, ["none+logreg", "smote+logreg", "none+logreg"])
    with pytest.raises(ValueError, match="unknown sampler 'smite'"):
        experiments.build_all(tbl, ["none+logreg", "smite+logreg"])


COUNTS = {"big": 60, "mid": 30, "small": 10}


@pytest.mark.parametrize("spec", ["random_over+logreg", "smote+gboost", "class_weight+logreg",
                                  "none+torch_mlp:logit_adjusted", "none+torch_mlp:balanced_softmax",
                                  "none+torch_mlp:weighted_ce", "none+torch_mlp:class_balanced",
                                  "none+torch_mlp:ldam"])
def test_balancing_methods_learn_uniform_priors(spec):
    np.testing.assert_allclose(experiments.training_priors(spec, COUNTS), [1 / 3] * 3)


@pytest.mark.parametrize("spec", ["none+logreg", "none+torch_mlp:ce", "none+torch_mlp:focal", "tomek+logreg",
                                  "enn+mlp"])
def test_other_methods_learn_the_data_priors(spec):
    np.testing.assert_allclose(experiments.training_priors(spec, COUNTS), [0.6, 0.3, 0.1])


def test_training_priors_rejects_a_bad_name():
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        experiments.training_priors("none+svm", COUNTS)
