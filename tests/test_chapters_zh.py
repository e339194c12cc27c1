"""The Chinese edition of the chapters' generated text (issue 29): under ``i18n.language("zh")`` each sentence of
notebooks 03, 04 and 06 comes from the catalogue in Chinese, with the numbers and the method names the English
sentence has, filled in by the same code; the English sentence is unchanged."""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_findings import BASELINE as PLAIN  # noqa: E402  (the scripted classifier and labels of the English tests)
from test_findings import FIX as FOUND  # noqa: E402
from test_findings import Scripted as Answers  # noqa: E402
from test_findings import Y  # noqa: E402

from ecombalance import evaluation, i18n
from ecombalance._chapters import (baselines, calibration_study, decision_study, ensemble_study, findings,
                                   loss_calibration, loss_study, resampling_findings, resampling_study, rule_study,
                                   smote_lesson)
from ecombalance.models import _families as families
from ecombalance.models import _methods as experiments


def result_methods():
    return {"none+logreg": Answers(PLAIN), "random_over+logreg": Answers(FOUND), "none+gboost": Answers(PLAIN.copy())}


@pytest.fixture(scope="module")
def result():
    cv = evaluation.make_folds(Y, n_splits=5, random_state=0, n_repeats=2)
    return evaluation.run_experiment(result_methods(), np.arange(len(Y))[:, None], Y, cv=cv, random_state=0,
                                     progress=False)


def numbers(text: str) -> list[str]:
    """The numbers of a sentence, in order of size of their text (Chinese reorders clauses)."""
    return sorted(re.findall(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?", text))


def code_spans(text: str) -> set[str]:
    return set(re.findall(r"`[^`]+`", text))


def chinese_share(text: str) -> float:
    """Of the letters outside code spans and math, the share of Chinese characters."""
    letters = [c for c in re.sub(r"`[^`]+`|\$[^$]+\$", "", text) if c.isalpha()]
    return sum("\u4e00" <= c <= "\u9fff" for c in letters) / max(len(letters), 1)


def both(make):
    """``make()`` in English and in Chinese."""
    with i18n.language("en"):
        english = make()
    with i18n.language("zh"):
        chinese = make()
    return english, chinese


def assert_same_facts(english: str, chinese: str, *phrases: str, share: float = 0.5) -> None:
    assert chinese != english
    assert numbers(chinese) == numbers(english), (english, chinese)
    assert code_spans(english) <= code_spans(chinese)  # Chinese may mark a column name such as recall[c] as code
    assert chinese_share(chinese) > share, chinese
    for phrase in phrases:
        assert phrase in chinese, chinese


def test_lists_join_as_each_language_writes_them():
    with i18n.language("en"):
        assert i18n.join(["`a`", "`b`", "`c`"]) == "`a`, `b`, `c`" and i18n.join(["x", "y"], "; ") == "x; y"
    with i18n.language("zh"):
        assert i18n.join(["`a`", "`b`", "`c`"]) == "`a`、`b`和`c`"
        assert i18n.join(["x", "y"], "; ") == "x；y" and i18n.join([]) == "" and i18n.join(["x"]) == "x"


def test_the_design_and_the_one_rule_read_in_chinese():
    folds = evaluation.make_folds(Y, n_splits=5, random_state=0, n_repeats=2)
    english, chinese = both(lambda: folds.design)
    assert english == "2 × 5-fold cross-validation" and chinese == "2 × 5 折交叉验证"
    scores = pd.DataFrame({"base": [0.50, 0.52, 0.49, 0.51, 0.50, 0.53],
                           "better": [0.60, 0.63, 0.58, 0.61, 0.62, 0.64],
                           "same": [0.51, 0.51, 0.50, 0.50, 0.52, 0.52]})

    def sentence(columns):
        table = evaluation.compare_fold_scores(scores[columns], "base", 80, 20, n_repeats=2)
        return evaluation.best_method(table, "base", metric="macro_f1").sentence

    english, chinese = both(lambda: sentence(["base", "better"]))
    assert english.startswith("`better`: macro-F1 0.613 against 0.508 for `base`")
    assert_same_facts(english, chinese, "宏平均 F1", "2 × 3 折交叉验证", "校正重复交叉验证 t 检验", "经 Holm 校正")
    english, chinese = both(lambda: sentence(["base", "same"]))
    assert english.startswith("Not enough evidence to separate any method from `base` on macro-F1")
    assert_same_facts(english, chinese, "没有足够证据", "得分最高的是")


def test_families_sentences_in_chinese(result):
    table = families.family_effects(result, n_resamples=200, random_state=0)
    english, chinese = both(lambda: families.describe_families(table))
    assert "Model choice (capacity), not balancing: `none+gboost` against `none+logreg`" in english
    assert_same_facts(english, chinese, "在 `logreg` 内（对照 `none+logreg`）", "模型选择（模型容量），而非样本均衡",
                      "每一折上都相同")
    points = families.operating_points(result, "none+logreg", "random_over+logreg", "small")
    english, chinese = both(lambda: families.describe_operating_points(points))
    assert_same_facts(english, chinese, "平均精度", "工作点")


def test_findings_sentences_in_chinese(result):
    def describe():  # the design text is the language's at the time of the experiment, as in a notebook's kernel
        rerun = evaluation.run_experiment(result_methods(), np.arange(len(Y))[:, None], Y,
                                          cv=evaluation.make_folds(Y, n_splits=5, random_state=0, n_repeats=2), progress=False)
        return findings.describe_effects(findings.effects(rerun, "none+logreg", n_resamples=200, random_state=0,
                                                          majority=evaluation.majority_check(rerun, n_resamples=200)))

    english, chinese = both(describe)
    assert "- Baseline `none+logreg` (means over the folds): recall 0.000 on the smallest class `small`" in english
    assert_same_facts(english, chinese, "基线 `none+logreg`（各折均值）", "多数类预测器", "2 × 5 折交叉验证",
                      "最高类别校准")
    english, chinese = both(lambda: findings.describe_prior_correction(result, "random_over+logreg"))
    assert_same_facts(english, chinese, "先验校正使 `random_over+logreg` 的最高类别 ECE")


def test_resampling_findings_sentences_in_chinese():
    counts = pd.DataFrame({"big": [600, 560], "mid": [200, 150], "small": [50, 50], "seconds": [0.0, 0.1]},
                          index=["(before)", "tomek"])
    english, chinese = both(lambda: resampling_findings.describe_cleaning(counts))
    assert english.startswith("- `tomek` removed 40 of 600 `big` rows (7%), 50 of 200 `mid` rows (25%), 0 of 50")
    assert_same_facts(english, chinese, "删除比例最高的是 `mid`，而不是最大类 `big`", "清洗类采样器")


def test_rule_study_sentences_in_chinese():
    rc = SimpleNamespace(miss_costs={"a": 1.0, "b": 2.67, "c": 8.0}, classes=np.array(["a", "b", "c"]))
    english, chinese = both(lambda: rule_study.describe_cost(rc))
    assert english.startswith("- The stated cost: missing an item costs, by its class, `a` 1, `b` 2.67, `c` 8 (")
    assert_same_facts(english, chinese, "`a` 1、`b` 2.67和`c` 8", "`decision_study.miss_cost_matrix`")


def test_decision_study_sentences_in_chinese():
    scores = pd.DataFrame({"draw": [0, 1], "ece_raw": 0.1, "ece_estimated": [0.045, 0.049],
                           "ece_known": [0.085, 0.089], "ece_in_sample": 0.030,
                           "accuracy_raw": 0.7, "accuracy_estimated": 0.8, "accuracy_known": 0.8})
    table = pd.DataFrame({"train": [0.5, 0.5], "true": [0.2, 0.8], "estimated": [0.25, 0.75],
                          "estimated_sd": 0.01, "naive": [0.4, 0.6]}, index=pd.Index(["a", "b"], name="class"))
    draws = pd.DataFrame({"draw": [0, 0, 1, 1], "half": [0, 1, 0, 1], "n_rows": 40, "n_iter": 9, "converged": True,
                          "max_error": [0.05, 0.04, 0.06, 0.05]})
    study = decision_study.PriorShiftStudy("none+logreg", table, draws, scores, n_rows=80)
    english, chinese = both(lambda: decision_study.describe_prior_shift(study))
    assert "even held out the estimated priors give a lower ECE than the true shares (0.047 against 0.087)" in english
    assert_same_facts(english, chinese, "即使在留出样本上，估计先验给出的 ECE 也低于真实占比（0.047 对 0.087）",
                      "Saerens 等人（2002）的 EM 方法")


def test_loss_study_sentences_in_chinese():
    metrics = pd.DataFrame({"macro_f1": [0.61, 0.64], "recall[a]": [0.9, 0.8], "recall[b]": [1.0, 1.0]},
                           index=pd.Index(["ce", "focal"], name="loss"))
    english, chinese = both(lambda: "\n".join(loss_study.describe_unmoved_recalls("toy", metrics)))
    assert english.startswith("- **toy**: `recall[b]` (1.000) is the same under all 2 losses")
    assert_same_facts(english, chinese, "在全部 2 种损失函数下都相同")


def test_calibration_study_sentences_in_chinese():
    shares = pd.DataFrame({"true": [60, 30, 10], "none+logreg": [70, 30, 0], "class_weight+logreg": [50, 30, 20]},
                          index=pd.Index(["big", "mid", "small"], name="class"))
    shares.attrs["small"] = ["mid", "small"]
    english, chinese = both(lambda: calibration_study.describe_class_shares(shares))
    assert "- `small` has 10 of the 100 out-of-fold rows; the arg-max assigns it more with `class_weight+logreg` 20" \
        in english
    assert_same_facts(english, chinese, "`small` 在 100 条折外行中有 10 行", "过度预测")


def test_loss_calibration_sentences_in_chinese(result):
    run = evaluation.run_experiment({"ce": Answers(PLAIN), "focal": Answers(FOUND)}, np.arange(len(Y))[:, None], Y,
                                    cv=evaluation.make_folds(Y, n_splits=5, random_state=0, n_repeats=2), progress=False)
    metrics = pd.DataFrame({"accuracy": [0.9, 0.9], "ece": [0.2, 0.25], "recall[small]": [0.0, 1.0]},
                           index=pd.Index(["ce", "focal"], name="loss"))
    res = SimpleNamespace(result=run, y=Y, classes=run.classes, metrics=metrics, proba=run.oof_proba)
    english, chinese = both(lambda: loss_calibration.describe_tradeoffs({"toy": res}))
    assert english.startswith("- **toy**: 1 of 1 losses raises recall[small] over cross-entropy (0.00)")
    assert_same_facts(english, chinese, "种损失函数中有 1 种使 `recall[small]` 高于交叉熵", "最高类别 ECE")


def test_ensemble_study_sentences_in_chinese():
    frame = pd.DataFrame({"against": ["none+rf"], "plain_recall": [0.2], "recall": [0.65]},
                         index=pd.Index(["none+balanced_rf"], name="method"))
    frame.attrs["smallest"] = "small"
    english, chinese = both(lambda: ensemble_study.describe_recall_changes(frame))
    assert english == ("- Recall of the smallest class `small`, plain → balanced: `rf` 0.20 → 0.65 with "
                       "`none+balanced_rf`.")
    assert_same_facts(english, chinese, "最小类 `small` 的召回率")


def test_baselines_smote_lesson_experiments_and_resampling_study_sentences_in_chinese():
    english, chinese = both(lambda: baselines.classes_note(np.repeat(list("abcdef"), [9, 8, 7, 6, 5, 4]), n=2))
    assert english == "Showing the 2 largest and the 2 smallest of 6 classes (2 in between left out)."
    assert_same_facts(english, chinese, "最大的 2 个和最小的 2 个")
    example = smote_lesson.SmoteExample(np.array([1.0, 2.0]), np.array([3.0, 1.0]), 0.25, np.array([1.5, 1.75]))
    english, chinese = both(example.describe)
    assert_same_facts(english, chinese, "SMOTE 在从 $x_i = (1.00, 2.00)$ 到其近邻")
    english, chinese = both(lambda: experiments.capacity_note("none+gboost", "none+logreg"))
    assert_same_facts(english, chinese, "`gboost` 对 `logreg`")
    english, chinese = both(lambda: resampling_study.scalable_samplers(["random_over", "smote", "adasyn"], 20000,
                                                                       5000)[1])
    assert english.startswith("- 20,000 rows, more than `scalable_above=5000`: only the scalable samplers ran")
    assert_same_facts(english, chinese, "只运行了可扩展的采样器")


def test_the_lines_notebooks_03_04_and_06_print_in_chinese(result):
    res = SimpleNamespace(result=result)
    for make, phrase in [(lambda: ensemble_study.ensembles_heading(result), "2 × 5 折交叉验证"),
                         (lambda: ensemble_study.boosted_heading(result), "梯度提升树"),
                         (lambda: loss_study.metrics_caption("toy", res), "得分是所有折的均值"),
                         (lambda: calibration_study.shares_caption("toy"), "每个类别的行数"),
                         (lambda: resampling_study.describe_scaling(["adasyn"]), "**大数据请使用**"),
                         (lambda: experiments.two_class_note(3), "*3 个类别"),
                         (experiments.no_ranking_note, "分级相关性"),
                         (lambda: experiments.compared_on_every_row_note(600, "none+logreg"), "已在全部行"),
                         (rule_study.no_plain_model, "`none+logreg`"),
                         (lambda: smote_lesson.describe_grouping(None), "`group_col`")]:
        english, chinese = both(make)
        if phrase != "2 × 5 折交叉验证":  # the design is the experiment's, made in English above
            assert_same_facts(english, chinese, phrase)
    with i18n.language("en"):
        assert rule_study.no_plain_model() == rule_study.NO_PLAIN_MODEL
        assert smote_lesson.describe_grouping(None) == smote_lesson.NO_GROUPS_NOTE




def test_the_engine_note_on_a_failed_method_in_chinese():
    class FailsWithoutRowZero(Answers):
        def fit(self, X, y):
            if 0 not in np.asarray(X)[:, 0]:
                raise ValueError("row 0 held out")
            return super().fit(X, y)

    run = evaluation.run_experiment({"none+logreg": Answers(PLAIN), "bad": FailsWithoutRowZero(FOUND)},
                                    np.arange(len(Y))[:, None], Y, cv=evaluation.make_folds(Y, n_splits=5, random_state=0),
                                    errors="record", progress=False)
    english, chinese = both(lambda: "\n".join(run.notes))
    assert english.startswith("- `bad` left out: failed on fold(s) ") and english.endswith(
        " of 5 (ValueError: row 0 held out).")
    assert_same_facts(english, chinese, "`bad` 已略去：在 5 折中的第", "（ValueError：row 0 held out）",
                      share=0.3)  # the error's own message stays English


def test_the_loss_panels_are_titled_in_chinese():
    names = ["ce", "focal", "logit_adjusted", "weighted_ce", "new_loss"]
    english, chinese = both(lambda: loss_calibration.reliability_groups(names))
    assert list(english) == ["re-weighting the loss", "adjusting the logits", "reshaping the loss", "other losses"]
    assert list(chinese) == ["对损失重新加权", "调整 logits", "改变损失的形状", "其他损失函数"]
    assert list(chinese.values()) == list(english.values())
