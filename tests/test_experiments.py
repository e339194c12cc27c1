"""Notebook 06's method names: parsing, building and the priors each method's model learns."""

import numpy as np
import pytest

from ecombalance.data import _datasets as datasets
from ecombalance.models import _losses as losses
from ecombalance.models import _methods as experiments
from ecombalance.models import _pipelines as pipelines
from ecombalance.models._neural import TorchMLPClassifier
from ecombalance.sampling import _resampling as resampling


@pytest.mark.parametrize(
    "spec, parsed",
    [
        ("smote+logreg", ("smote", "logreg", None)),
        ("none+gboost", ("none", "gboost", None)),
        ("class_weight+mlp", ("class_weight", "mlp", None)),
        ("none+torch_mlp:focal", ("none", "torch_mlp", "focal")),
        ("random_under+torch_mlp", ("random_under", "torch_mlp", "ce")),  # no loss: cross-entropy
        ("smote_tomek+torch_mlp:logit_adjusted", ("smote_tomek", "torch_mlp", "logit_adjusted")),
        ("none+balanced_rf", ("none", "balanced_rf", None)),
        ("class_weight+lightgbm", ("class_weight", "lightgbm", None)),
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
                     r"'lightgbm', 'rf', .*'rusboost', 'torch_mlp:<loss>'\]"),
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
                                        "none+torch_mlp:focal"], random_state=3, epochs=7)
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
                                  "none+torch_mlp:ldam", "none+balanced_rf", "none+balanced_bagging",
                                  "none+easy_ensemble", "none+rusboost", "class_weight+lightgbm"])
def test_balancing_methods_learn_uniform_priors(spec):
    np.testing.assert_allclose(experiments.training_priors(spec, COUNTS), [1 / 3] * 3)


@pytest.mark.parametrize("spec", ["none+logreg", "none+torch_mlp:ce", "none+torch_mlp:focal", "tomek+logreg",
                                  "enn+mlp", "none+rf", "none+bagged_adaboost", "none+lightgbm"])
def test_other_methods_learn_the_data_priors(spec):
    np.testing.assert_allclose(experiments.training_priors(spec, COUNTS), [0.6, 0.3, 0.1])


def test_training_priors_rejects_a_bad_name():
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        experiments.training_priors("none+svm", COUNTS)


@pytest.mark.parametrize("method, family, plain", [
    ("none+balanced_rf", "rf", False), ("none+rf", "rf", True), ("none+balanced_bagging", "bagging", False),
    ("none+easy_ensemble", "bagged_adaboost", False), ("none+bagged_adaboost", "bagged_adaboost", True),
    ("none+rusboost", "adaboost", False), ("none+adaboost", "adaboost", True), ("class_weight+rf", "rf", False),
    ("class_weight+lightgbm", "lightgbm", False), ("none+lightgbm", "lightgbm", True), ("none+gboost", "gboost", True),
    ("none+torch_mlp:focal", "torch_mlp", False),
])
def test_a_balancing_ensemble_belongs_to_its_plain_counterparts_family(method, family, plain):
    assert experiments.family_model(method) == family
    assert experiments.balances_nothing(method) is plain
    assert experiments.within_family(method, f"none+{family}" if family != "torch_mlp" else "none+torch_mlp:ce")


def test_a_balancing_ensemble_is_not_a_plain_model_in_the_capacity_note():
    assert not experiments.within_family("none+balanced_rf", "none+bagging")
    assert experiments.capacity_note("none+balanced_rf", "none+logreg") == ""  # it balances: no capacity note
    assert experiments.capacity_note("none+rf", "none+logreg") == (
        " It balances nothing (no sampler, no class weights, plain cross-entropy): the gain is the model `rf` against "
        "`logreg`, not balancing; compare balancing within one model.")


def test_build_caps_the_vocabulary_and_builds_the_ensembles(tbl):
    built = experiments.build_all(tbl, ["none+gboost", "class_weight+lightgbm", "none+easy_ensemble"], random_state=2,
                                  max_features=50)
    gboost = built["none+gboost"]
    X = gboost.named_steps["preprocess"].fit_transform(tbl.X, tbl.y)
    text_columns = X.shape[1] - len(tbl.numeric_cols) - tbl.frame[tbl.categorical_cols].nunique().sum()
    assert 0 < text_columns <= 50 and "dense" in gboost.named_steps
    lgbm = built["class_weight+lightgbm"].named_steps["model"]
    assert (type(lgbm).__name__, lgbm.class_weight, lgbm.random_state) == ("LGBMClassifier", "balanced", 2)
    easy = built["none+easy_ensemble"].named_steps["model"]
    assert (type(easy).__name__, easy.random_state) == ("EasyEnsembleClassifier", 2)
    default = experiments.build(tbl, "none+logreg").named_steps["preprocess"].fit_transform(tbl.X, tbl.y)
    assert default.shape[1] > X.shape[1]
