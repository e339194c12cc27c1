"""The Chinese edition of the generated text (issue 29): under ``i18n.language("zh")`` the report's sentences,
labels, tables and figures come out in Chinese from the library's catalogue, with the same numbers and method names
as the English ones, which stay as they were."""

import re

import numpy as np
import pandas as pd
import pytest
from test_executive import CASE, effects, report, text

from ecombalance import i18n
from ecombalance._chapters import glossary
from ecombalance._reporting import executive, index, labels

HAN = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"[-+]?\d[\d,]*\.\d+")  # the measured values, as the report prints them
METHOD = re.compile(r"[a-z_]+\+[a-z_]+(?::[a-z_]+)?")


def han_share(value: str) -> float:
    """Chinese characters among the letters of ``value`` (code spans, method names and numbers aside)."""
    value = METHOD.sub(" ", re.sub(r"`[^`]*`|<code>.*?</code>", " ", value))
    letters = [c for c in value if c.isalpha()]
    return sum(bool(HAN.match(c)) for c in letters) / max(len(letters), 1)


def both(make):
    """``make()`` in English, then in Chinese."""
    english = make()
    with i18n.language("zh"):
        chinese = make()
    return english, chinese


def same_facts(english: str, chinese: str) -> None:
    """The same measured numbers and method names in both editions (word order may differ)."""
    english, chinese = (re.sub(r"<[^>]+>", " ", value) for value in (english, chinese))
    assert sorted(NUMBER.findall(chinese)) == sorted(NUMBER.findall(english))
    assert sorted(METHOD.findall(chinese)) == sorted(METHOD.findall(english))


def test_the_executive_summary_is_chinese_with_the_english_numbers():
    english, chinese = both(lambda: executive.executive_html(report(CASE, effects())))
    assert text(english).startswith("SummaryThe imbalanceThe largest class holds 66.7 % of the rows; it outnumbers "
                                    "the smallest 8 to 1 (imbalance ratio).")
    assert text(chinese).startswith("摘要样本不均衡最大的类别占全部行的 66.7 %，样本数是最小类别的 8 倍（不均衡比）。")
    assert "没有足够证据把任何样本均衡方法与不做均衡的同一模型区分开" in chinese
    assert han_share(text(chinese)) > 0.6 and han_share(text(english)) == 0
    # each part's numbers and methods: the summary's sentences are translated whole
    parts_en, parts_zh = (re.findall(r"<dd>(.*?)</dd>", page) for page in (english, chinese))
    assert len(parts_en) == len(parts_zh) == 4
    for part_en, part_zh in zip(parts_en, parts_zh):
        same_facts(part_en, part_zh)


def test_a_helping_method_and_the_decision_at_a_cost_in_chinese():
    numbers = effects(best_is_distinguishable=True, best_method="smote+logreg", decision_rule_model="none+logreg",
                      bayes_rule_cost=0.412, tuned_rule_cost=0.405, rebalanced_vs_decision_rule=True,
                      cheapest_rebalanced="class_weight+logreg", cheapest_rebalanced_cost=0.431,
                      cheapest_rebalanced_difference=0.019)
    english, chinese = both(lambda: executive.executive_html(report(CASE, numbers)))
    assert "<b><code>smote+logreg</code> helped</b>" in english
    assert "<b><code>smote+logreg</code> 有帮助</b>" in chinese
    assert "贝叶斯决策规则" in chinese and "没有给定代价时" in chinese
    same_facts(english, chinese)


def test_the_index_page_is_chinese_and_says_so():
    summary = report(CASE, effects())
    english, chinese = both(lambda: index.index_html(summary))
    assert '<html lang="en">' in english and '<html lang="zh-CN">' in chinese
    assert "<h1>ecombalance 报告</h1>" in chinese and "2 个笔记本" in chinese
    assert "<th>宏平均 F1 [95 % 置信区间]</th>" in chinese and "<th>macro-F1 [95 % CI]</th>" in english
    english_table, chinese_table = both(lambda: index.method_table(effects()))
    assert "相对 none+logreg：宏平均 F1 +0.023（证据不足）；最小类别召回率 +0.220（真实差异）" in chinese_table
    assert "against none+logreg: macro-F1 +0.023 (not enough evidence); smallest-class recall +0.220 (real)" \
        in english_table
    same_facts(english_table, chinese_table)


@pytest.mark.parametrize("key, english, chinese", [
    ("none+logreg/macro_f1_ci_low", "none+logreg — macro-F1, 95 % interval low", "none+logreg — 宏平均 F1，95 % 区间下限"),
    ("plain_recall_smallest", "plain model, recall of the smallest class", "基线模型，最小类别的召回率"),
    ("m+logreg/recall[a_b]", "m+logreg — recall of a_b", "m+logreg — a_b 的召回率"),
    ("bayes_rule_cost", "mean cost per item, plain model with the Bayes rule on calibrated probabilities",
     "每个样本的平均代价，基线模型 + 校准概率上的贝叶斯决策规则"),
])
def test_headline_labels_in_chinese(key, english, chinese):
    assert both(lambda: labels.label(key)) == (english, chinese)


def test_numbers_are_printed_alike_and_booleans_in_words():
    assert both(lambda: [labels.number(v) for v in (0.8531, 1234567, True, False, None)]) == (
        ["0.853", "1,234,567", "yes", "no", "–"], ["0.853", "1,234,567", "是", "否", "–"])


def test_the_glossary_is_chinese_first_in_chinese():
    english, chinese = both(glossary.glossary_markdown)
    assert english.splitlines()[0] == "| 中文 | English | meaning here |"
    assert "| 样本不均衡 | class imbalance | some classes have far more training samples than others |" in english
    assert chinese.splitlines()[0] == "| 术语 | 在本书中的含义 |"
    assert "| 样本不均衡 (class imbalance) | 某些类别的训练样本远多于其他类别 |" in chinese.splitlines()
    assert "| 交叉熵 (cross-entropy, CE) |" in chinese and "| SAMME |" in chinese
    assert len(chinese.splitlines()) == len(english.splitlines())
    # every meaning is translated: each row's meaning has Chinese characters, its formulas kept
    for row_en, row_zh in zip(english.splitlines()[2:], chinese.splitlines()[2:]):
        meaning_en, meaning_zh = row_en.split(" | ")[2], row_zh.split(" | ")[1]
        assert HAN.search(meaning_zh), row_zh
        assert sorted(re.findall(r"\$[^$]+\$", meaning_zh)) == sorted(re.findall(r"\$[^$]+\$", meaning_en))


def test_column_definitions_in_chinese():
    frame = pd.DataFrame(columns=["recall[home_kitchen]", "macro_f1", "support", "difference"])
    english, chinese = both(lambda: glossary.describe_columns(frame))
    assert english.splitlines()[2] == ("- `recall[home_kitchen]`: the recall of class `home_kitchen` (share of a "
                                       "class's samples that are found).")
    assert chinese.splitlines() == [
        "*各列含义：*", "",
        "- `recall[home_kitchen]`：类别 `home_kitchen` 的召回率（一个类别的样本中被找出的比例）。",
        "- `macro_f1`（宏平均F1）：各类别 F1 的等权平均。",
        "- `support`：该类别在被评估数据中的行数。",
        "- `difference`：该方法减去与之比较的方法（配对差异在各折上的平均）。"]


def test_the_glossary_appendix_page_in_chinese():
    english, chinese = both(index.glossary_html)
    assert "<h1>Glossary · 术语表</h1>" in english and "<h1>术语表 · Glossary</h1>" in chinese
    assert "中英对照" in chinese


@pytest.mark.slow  # draws every figure helper twice and renders it: about 5 s
def test_every_figure_helper_draws_its_words_in_chinese_without_missing_glyphs(caplog):
    """Titles, axis labels and legends of every figure helper in Chinese, drawn with the CJK font the plotting
    style registers: rendering them raises no missing-glyph warning, nor logs one (mathtext, which draws a label
    holding $…$, has no CJK glyphs: a Chinese label must not mix the two)."""
    import warnings

    import matplotlib.pyplot as plt
    import numpy as np
    from test_plotting import every_figure_helper

    from ecombalance.plotting import _style as style

    assert style.CJK_FONT_FAMILY is not None
    words, english_words = [], []
    for name, drawn in every_figure_helper():  # English first, to compare
        for ax in np.ravel(drawn)[0].figure.axes:
            english_words += [ax.get_xlabel(), ax.get_ylabel()]
        plt.close("all")
    with i18n.language("zh"), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing")
        for name, drawn in every_figure_helper():
            figure = np.ravel(drawn)[0].figure
            figure.canvas.draw()  # a glyph missing from every font warns here
            for ax in figure.axes:
                legend = ax.get_legend()
                words += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title(),
                          *(t.get_text() for t in (legend.get_texts() if legend else []))]
            plt.close(figure)
    assert not [r.getMessage() for r in caplog.records if "glyph" in r.getMessage()]
    labels = [w for w in words if w.strip()]
    assert sum(bool(HAN.search(w)) for w in labels) / len(labels) > 0.6
    assert "类别分布，不均衡比 IR = 6.0:1" in words and "优化步数" in words
    assert not any(HAN.search(w) for w in english_words)


def test_the_environment_check_in_chinese():
    from test_environment import environment_report

    from ecombalance._chapters import environment
    from ecombalance.sampling import _imbalance as imbalance

    case = imbalance.distribution({"category 1": 400, "category 2": 150, "category 3": 50})
    english, chinese = both(lambda: environment.describe_environment(case, environment_report(cuda=True)))
    assert "- Compute: 2 CPU cores, torch uses 2 threads; CUDA is available: NVIDIA H200." in english
    assert "- 计算资源：2 个 CPU 核，torch 使用 2 个线程；CUDA 可用：NVIDIA H200。" in chinese
    assert "- 3 个依赖包中已安装 2 个；缺少：`papermill`。" in chinese
    assert han_share(chinese) > 0.6
    same_facts(english, chinese)


def test_the_cleaning_report_and_preprocessing_in_chinese():
    from test_preprocess import cleaning_report

    from ecombalance._chapters import preprocessing

    effects = {"train_rows": 6, "test_rows": 2, "test_only_terms_in_vocabulary": 17,
               "test_mean_abs_when_fit_on_train": 0.2468, "test_mean_abs_when_fit_on_all": 0.1234,
               "largest_scaler_mean_shift": 0.04567}
    shares = {"train": pd.Series({"x": 0.5, "y": 0.5}), "test": pd.Series({"x": 0.5, "y": 0.25, "z": 0.25})}
    english, chinese = both(lambda: preprocessing.describe_preprocessing(
        cleaning_report(), effects, shares, n_features=42, n_sources=3, origin="user"))
    assert chinese.splitlines()[1] == ("- 清洗把 10 行变为 7 行：删除了无标签 1 行, 完全重复 2 行。删除的列：`const` (constant (1 in "
                                       "every row))；受保护的列：`email`。")
    assert chinese.splitlines()[2].endswith("（处理方式：截断）。")
    assert han_share(chinese) > 0.6
    same_facts(english, chinese)
    frames = both(lambda: cleaning_report().as_frame())
    assert frames[0]["count"].tolist() == frames[1]["count"].tolist()
    assert "rows removed" in frames[0]["action"].tolist() and "删除的行" in frames[1]["action"].tolist()


def test_the_transfer_chapter_in_chinese():
    from test_transfer import _compression

    from ecombalance._chapters import transfer

    compression = _compression()
    compression.attrs["int8_minus_fp32"] = {"difference": -0.041, "ci_low": -0.09, "ci_high": 0.01, "p_value": 0.12,
                                            "changed": 9, "n_test": 150}
    english, chinese = both(lambda: transfer.describe_quantized(compression))
    assert chinese == ("- int8 量化：90.0 MB → 30.0 MB，CPU 吞吐量为原来的 2.50×，宏平均 F1 变化 -0.010（在 150 个测试行上的配对自助法 "
                       "95 % 区间 [-0.090, +0.010]，其中 9 个预测改变；区间包含 0：在测试集的噪声之内）。")
    same_facts(english, chinese)
    history = pd.DataFrame({"epoch": [1, 2, 3], "step": [10, 20, 30], "val_macro_f1": [0.5, 0.7, 0.6]})
    comparison = transfer.compare_with_frozen(["a", "b", "a", "b"] * 5, ["a", "b", "a", "a"] * 5,
                                              ["a", "b", "b", "b"] * 5, n_resamples=50)
    english, chinese = both(lambda: transfer.describe_frozen_comparison(
        comparison, balancing="class_weight", minority="b", steps=30, epochs=3, n_fit=40, minority_fit=7,
        history=history))
    assert "验证集宏平均 F1 在第 2 轮（第 20 步）达到峰值 0.700，之后降到 0.600" in chinese
    assert han_share(chinese) > 0.6
    same_facts(english, chinese)


def test_the_click_chapter_in_chinese():
    from ecombalance._chapters import ctr

    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.03).astype(int)
    q = np.clip(0.03 + 0.01 * rng.standard_normal(2000), 0.001, 0.9)
    english, chinese = both(lambda: ctr.describe_reliability(y, q))
    assert chinese.startswith("- 重新校准后，测试日志的 ECE 为")
    same_facts(english, chinese)


def test_the_explorer_in_chinese():
    from ecombalance._chapters.explore import View, cost_matrix, describe_decisions

    classes = ["big", "small"]
    y_true = np.array(["big"] * 8 + ["small"] * 4, dtype=object)
    proba = np.column_stack([np.linspace(0.9, 0.2, 12), np.linspace(0.1, 0.8, 12)])
    argmax = np.where(proba[:, 1] >= 0.5, "small", "big").astype(object)
    cut = np.where(proba[:, 1] >= 0.3, "small", "big").astype(object)
    cost = cost_matrix(classes, "small", 4.0)
    default = View("none+logreg", "threshold", 0.5, 4.0, "small", classes, y_true, argmax, proba, cost)
    chosen = View("none+logreg", "cost", 0.5, 4.0, "small", classes, y_true, cut, proba, cost)
    english, chinese = both(lambda: describe_decisions(default, chosen))
    assert chinese.splitlines()[1].startswith("- none+logreg：漏掉 'small' 的代价等于 4 次误报时的最小期望代价决策：召回率")
    assert han_share(chinese) > 0.6
    same_facts(english, chinese)
    assert both(lambda: default.label) == ("none+logreg, threshold 0.50", "none+logreg，阈值 0.50")


def test_notes_on_a_users_table_in_chinese():
    from ecombalance.data import _checks as checks

    frame = pd.DataFrame({"label": ["Shoes", "shoes ", "Shoes", "bags"] * 3, "row_id": range(12)})
    english, chinese = both(lambda: checks.merge_label_variants(frame, "label", False, "t.csv")[1][0])
    assert english.startswith("t.csv: label values that differ only in case or surrounding spaces are separate classes")
    assert chinese.startswith("t.csv：只在大小写或首尾空格上不同的标签值被当作不同的类别：'Shoes' (6) / 'shoes ' (3)")
    assert both(lambda: checks.identifier_like(frame, ["row_id"])["row_id"]) == (
        "its name marks a saved index or row number; name it in feature_cols to use it",
        "列名表明它是保存下来的索引或行号；如要使用，请在 feature_cols 中列出它")


def test_the_comparison_of_two_reports_in_chinese(tmp_path):
    import json

    from ecombalance._reporting import compare

    for name, f1 in (("a", 0.81), ("b", 0.84)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(json.dumps({**report({"macro_f1": f1}), "profile": name}))
    english, chinese = both(lambda: compare.compare_html(tmp_path / "a", tmp_path / "b", tmp_path))
    assert "<h1>Two ecombalance reports side by side</h1>" in english
    assert "<h1>两份 ecombalance 报告并排对比</h1>" in chinese and "关键数字（1 项中有 1 项不同）" in chinese
    assert "<title>ecombalance: two reports compared</title>" in chinese  # how a page of ours is recognised
    same_facts(english, chinese)


def test_a_leaking_column_is_still_named_as_leaking_in_chinese():
    """The report's list of leaking columns and the warning level of their note read the reason's words: in Chinese
    too (data.checks.is_leak_reason)."""
    from ecombalance.data import _checks as checks

    frame = pd.DataFrame({"label": ["p", "p", "q", "q", "q", "q"] * 10, "copy": ["a", "a", "b", "b", "c", "c"] * 10,
                          "noise": np.random.default_rng(0).choice(["x", "y"], 60)})
    english, chinese = both(lambda: checks.leaking_columns(frame, "label", ["copy", "noise"]))
    assert list(english) == list(chinese) == ["copy"]
    assert HAN.search(chinese["copy"]) and not HAN.search(english["copy"])
    with i18n.language("zh"):
        assert checks.is_leak_reason(chinese["copy"]) and not checks.is_leak_reason("a direct identifier")
    assert checks.is_leak_reason(english["copy"])


def test_the_reason_of_eb_compare_in_chinese():
    """The front door's verdict: the sentences of api.Comparison itself in Chinese (the verdicts inside come from
    chapters.families), computed once; the English reason is the same comparison's."""
    from test_api import _two_classes

    import ecombalance as eb

    t = eb.load(_two_classes(600, 0.2, 1.0), label="label")
    c = eb.compare(t, methods=["class_weight+logreg", "random_over+logreg"], folds=3, repeats=1, n_resamples=50,
                   progress=False)
    english, chinese = both(lambda: c.reason)
    assert english.startswith("No balancing method could be judged against the same model without balancing")
    assert chinese.startswith("无法把任何样本均衡方法与不做均衡的同一模型比较：请把其模型的基线版本（例如 `none+logreg`）加入方法中。")
    same_facts(english, chinese)


def test_the_note_on_the_chosen_method_on_every_row_in_chinese():
    from ecombalance.models import _workload as workload

    full = pd.Series({"method": "class_weight+logreg", "macro_f1": 0.7123, "balanced_accuracy": 0.7345,
                      "recall_smallest": 0.61, "rows": 120000, "design": "5-fold cross-validation"})
    sample = pd.Series({"macro_f1": 0.7011, "balanced_accuracy": 0.7222})
    english, chinese = both(lambda: workload.describe_full_table(full, sample, 20000))
    assert english.startswith("- `class_weight+logreg` fitted again on every row (120,000 rows")
    assert chinese.startswith("- `class_weight+logreg` 在全部行上重新拟合（120,000 行")
    same_facts(english, chinese)


@pytest.mark.parametrize("key, english, chinese", [
    ("documented_case_top_macro_f1", "documented case highest mean macro-F1", "有文档记录的案例 最高的平均宏平均 F1"),
    ("finetuned_minus_frozen_ci_high", "finetuned minus frozen, 95 % interval high", "微调减冻结编码器，95 % 区间上限"),
    ("click_rate", "click rate", "点击率"),
])
def test_headline_names_read_as_phrases_in_chinese(key, english, chinese):
    assert both(lambda: labels.label(key)) == (english, chinese)


def test_a_protected_identifier_is_noted_in_chinese():
    from ecombalance.data._privacy import protect_identifiers

    frame = pd.DataFrame({"contact": [f"user{i}@shop.com" for i in range(20)], "label": ["a", "b"] * 10})
    english, chinese = both(lambda: [str(p) for p in protect_identifiers(frame, keep=["label"])[1]])
    assert english == ["column 'contact' hashed: its values are e-mail addresses"]
    assert chinese == ["列 'contact' 已哈希：它的取值是电子邮件地址"]


def test_a_per_class_metric_reads_in_words_in_chinese_and_as_written_in_english():
    from ecombalance.plotting import _style

    assert both(lambda: _style.readable("recall[sports_outdoors]")) == ("recall[sports_outdoors]",
                                                                          "sports_outdoors 的召回率")
