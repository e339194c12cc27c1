import numpy as np
import pytest
from sklearn.metrics import recall_score

from ecombalance.chapters import baselines
from ecombalance.data import datasets


@pytest.fixture(scope="module")
def reports():
    return baselines.compare_baselines(datasets.load(), folds=3, seed=0)


def test_majority_predictor_scores_the_majority_share(reports):
    assert reports["overall"].loc["majority", "accuracy"] == pytest.approx(400 / 600)
    assert reports["majority"]["recall"].tolist() == [1.0, 0.0, 0.0]


def test_plain_model_shows_the_minority_gap_and_weights_narrow_it(reports):
    plain, weighted = reports["plain"]["recall"], reports["class_weighted"]["recall"]
    assert plain["electronics"] > 0.95
    assert plain["sports_outdoors"] < plain["electronics"] - 0.25  # imbalance visibly hurts the 50-item class
    assert plain["sports_outdoors"] > 0.2  # ... but the class is learnable
    assert weighted["sports_outdoors"] > plain["sports_outdoors"]


def test_out_of_fold_predictions_are_what_the_reports_summarise():
    tbl = datasets.load()
    pred = baselines.out_of_fold_predictions(tbl, baselines.plain_model(tbl), folds=3, seed=0)
    report = baselines.compare_baselines(tbl, folds=3, seed=0)["plain"]
    np.testing.assert_allclose(report["recall"], recall_score(tbl.y, pred, labels=tbl.classes, average=None))
