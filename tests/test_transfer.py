"""Notebook 05's table, headline and "What we saw" text, on small constructed tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, recall_score

from ecombalance._validation import DataError
from ecombalance.chapters import transfer
from ecombalance.data.table import Table

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
    # the best model is chosen among the four compared models, not the minority-only continuation
    assert "**fine-tuned + sampler** (0.850)" in lines[0] and "reached 0.800" in lines[0] and "0.820" in lines[0]
    assert "macro-F1 0.600, recall of `bag` 0.200" in lines[1] and "macro-F1 0.850, recall of `bag` 0.700" in lines[1]
    assert "from 0.850 to 0.900" in lines[2] and "`phone` from 0.800 to 0.000" in lines[2]
    assert "recall of `bag` to 1.000" in lines[2]
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
