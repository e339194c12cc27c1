"""The zh/en glossary covers the terms the notebooks use, and only those; it is the report's appendix, which
notebook 00 links to."""

import ast
import html
import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from ecombalance._chapters import glossary

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LIBRARY = ROOT / "lib" / "ecombalance"

# Bold used for emphasis, not to name a term. Keep this list short: a new bold phrase is a term (add it to
# the glossary) unless it only stresses a word of a sentence.
EMPHASIS = {
    "before", "constant", "dict", "every", "every row", "for large data use", "plus", "whole", "honestly", "generated",
    "same folds",
    "each member",
    "deliberately dirty copy", "what the model sees", "training folds only", "inside the training folds only",
    "means over the folds", "beat the majority predictor", "no method beats the majority predictor",
    "the same stratified (or group-stratified) folds", "the same model without balancing", "its own",
    "everything that learns from data (scaler, vocabulary, imputer) is fitted on the training rows only",
    "resample only the training part of each split; evaluate on the original distribution",
}
# Upper-case abbreviations in notebook prose that are software, hardware or file names, not terms.
NOT_TERMS = {"CPU", "AMX", "GPU", "CUDA", "NVIDIA", "CSV", "TSV", "HTML", "API", "MB", "NOT", "I", "SVD", "NCCL", "DDP",
             "README", "PROFILE", "CJK", "U"}

BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
CODE = re.compile(r"`[^`]*`|\[[^\]]*\]\([^)]*\)")  # inline code and link targets
ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")


def markdown_cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]


def chapter_strings():
    """String literals of the chapter modules (their "What we saw" texts), f-string placeholders removed."""
    for path in sorted((LIBRARY / "chapters").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path.stem, node.value


def prose(text):
    return CODE.sub(" ", MATH.sub(" ", text))


def known_names():
    return set().union(*(glossary.term_names(t) for t in glossary.GLOSSARY))


def is_term(phrase, names):
    phrase = glossary.normalise_term(phrase)
    return phrase in names or phrase.removesuffix("s") in names


def test_every_row_has_a_chinese_and_an_english_term_and_a_meaning():
    for term in glossary.GLOSSARY:
        assert re.search(r"[\u4e00-\u9fff]", term.zh) or term.zh == term.en, f"no Chinese term: {term}"
        assert term.en.strip() and not re.search(r"[\u4e00-\u9fff]", term.en), f"bad English term: {term}"
        assert len(term.meaning) > 10, f"say what {term.en!r} means: {term}"


def test_no_term_is_listed_twice():
    zh = Counter(t.zh for t in glossary.GLOSSARY)
    assert [z for z, n in zh.items() if n > 1] == []
    names = Counter(name for t in glossary.GLOSSARY for name in glossary.term_names(t))
    assert [n for n, k in names.items() if k > 1] == [], "an English name (or alias) belongs to two rows"


def test_chinese_terms_are_the_standard_ones():
    zh = {t.en: t.zh for t in glossary.GLOSSARY}
    assert zh["class imbalance"] == "样本不均衡" and zh["over-sampling"] == "过采样" and zh["under-sampling"] == "欠采样"
    assert zh["macro-F1"] == "宏平均F1" and zh["balanced accuracy"] == "平衡准确率" and zh["focal loss"] == "焦点损失"
    assert zh["class-balanced loss"] == "类别平衡损失" and zh["negative down-sampling"] == "负采样"
    assert zh["calibration"] == "校准" and zh["fine-tuning"] == "微调" and zh["frozen embeddings"] == "冻结嵌入"
    assert zh["word segmentation"] == "分词" and zh["character n-gram"] == "字符n元语法"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_bold_phrase_of_a_notebook_is_a_glossary_term(path):
    names = known_names()
    bold = {" ".join(b.split()) for text in markdown_cells(path) for b in BOLD.findall(text)}
    missing = sorted(b for b in bold if not is_term(b, names) and glossary.normalise_term(b) not in EMPHASIS)
    assert not missing, (f"{path.name} sets {missing} in bold: add each term to "
                         "ecombalance._chapters.glossary.GLOSSARY (or, if it is only emphasis, to EMPHASIS here)")


def test_every_bold_phrase_of_a_chapter_text_is_a_glossary_term():
    names = known_names()
    bold = {(module, " ".join(b.split())) for module, text in chapter_strings() for b in BOLD.findall(text)
            if "{" not in b}
    missing = sorted((m, b) for m, b in bold if not is_term(b, names) and glossary.normalise_term(b) not in EMPHASIS)
    assert not missing, f"chapter texts set these in bold but the glossary lacks them: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_abbreviation_in_notebook_prose_is_a_glossary_term(path):
    names = known_names()
    found = {a for text in markdown_cells(path) for a in ACRONYM.findall(prose(text))}
    missing = sorted(a for a in found if not is_term(a, names) and a not in NOT_TERMS)
    assert not missing, f"{path.name} abbreviates {missing}: add each to the glossary (or to NOT_TERMS here)"


def test_every_glossary_term_is_used_by_a_notebook_or_the_library():
    corpus = "\n".join(p.read_text() for p in NOTEBOOKS)
    corpus += "\n".join(p.read_text() for p in LIBRARY.rglob("*.py") if p.name != "glossary.py")
    corpus = " ".join(corpus.replace("\\n", " ").lower().split())
    unused = [t.en for t in glossary.GLOSSARY
              if not any(re.search(rf"(?<![a-z]){re.escape(n)}", corpus) for n in glossary.term_names(t))]
    assert not unused, f"glossary terms that no notebook or module uses: {unused}"


def test_the_checks_catch_a_missing_term():
    names = known_names()
    assert is_term("Class weights", names) and is_term("expected calibration error", names)
    assert not is_term("label smoothing", names)  # not used anywhere, so not in the glossary
    assert BOLD.findall("a **post-hoc logit\nadjustment** and **plus**") == ["post-hoc logit\nadjustment", "plus"]
    assert ACRONYM.findall(prose("the ECE and PR-AUC, not $\\ell_{LA}$ or `SMOTE()`")) == ["ECE", "PR-AUC"]


def test_markdown_and_frame_hold_every_row():
    frame = glossary.glossary_frame()
    assert list(frame.columns) == ["中文", "English", "meaning"] and len(frame) == len(glossary.GLOSSARY)
    lines = glossary.glossary_markdown().splitlines()
    assert lines[0] == "| 中文 | English | meaning here |" and len(lines) == len(glossary.GLOSSARY) + 2
    assert "| 焦点损失 | focal loss |" in glossary.glossary_markdown()
    assert glossary.term_names(next(t for t in glossary.GLOSSARY if t.en == "imbalance ratio (IR)")) == {
        "imbalance ratio (ir)", "imbalance ratio", "ir"}


def test_notebook_00_links_to_the_glossary_appendix_of_the_library():
    cells = json.loads((ROOT / "notebooks" / "00_overview.ipynb").read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert not any("glossary_markdown()" in source for source in code), "the table is an appendix, not inline"
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "## Glossary · 术语表" in markdown and "| 中文 | English |" not in markdown, "one glossary, in the library"
    assert "](glossary.html)" in markdown and "`Markdown(glossary.glossary_markdown())`" in markdown


def test_the_report_appendix_holds_the_whole_glossary_and_the_index_links_to_it():
    from ecombalance._reporting import index

    page = index.glossary_html()
    rows = page.count("<tr>") - 1  # less the header row
    assert rows == len(glossary.GLOSSARY) and '<a href="index.html">' in page
    assert all(html.escape(term.en) in page for term in glossary.GLOSSARY)
    summary = {"profile": "smoke", "updated": "now", "notebooks": []}
    assert index.index_html(summary).count(f'<a href="{index.GLOSSARY_FILE}">') == 2


def test_every_metric_column_a_table_shows_is_defined_by_the_glossary():
    from ecombalance.evaluation import _metrics as metrics

    rng = np.random.default_rng(0)
    y, pred = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    proba = rng.dirichlet([1, 1, 1], 200)
    per_class = metrics.per_class_metrics(y, pred, proba)
    overall = pd.DataFrame([metrics.classification_metrics(y, pred, proba)])
    for frame in (per_class, overall):
        text = glossary.describe_columns(frame)
        assert [line.split("`")[1] for line in text.splitlines()[2:]] == list(frame.columns)
    meanings = {t.en: t.meaning for t in glossary.GLOSSARY}
    assert f"- `g_mean` (G-mean): {meanings['G-mean']}." in glossary.describe_columns(per_class)
    with pytest.raises(KeyError, match="column 'lift' has no definition: add it to glossary.COLUMN_TERMS"):
        glossary.describe_columns(per_class.assign(lift=1.0))


def test_the_glossary_definitions_of_the_per_class_columns_hold():
    # G-mean and IBA per class are what the glossary says: sqrt(recall * specificity), (1 + 0.1 (TPR - TNR)) G^2
    from ecombalance.evaluation import _metrics as metrics

    rng = np.random.default_rng(1)
    y = rng.choice(["a", "b", "c"], 300, p=[0.6, 0.3, 0.1])
    pred = np.where(rng.random(300) < 0.7, y, rng.choice(["a", "b", "c"], 300))
    table = metrics.per_class_metrics(y, pred)
    for c in table.index:
        tp = np.sum((y == c) & (pred == c))
        recall, specificity = tp / np.sum(y == c), np.sum((y != c) & (pred != c)) / np.sum(y != c)
        assert table.loc[c, "specificity"] == pytest.approx(specificity)
        assert table.loc[c, "g_mean"] == pytest.approx(np.sqrt(recall * specificity))
        assert table.loc[c, "iba"] == pytest.approx((1 + 0.1 * (recall - specificity)) * recall * specificity)
    assert "\\sqrt{\\text{recall} \\cdot \\text{specificity}}" in next(t.meaning for t in glossary.GLOSSARY
                                                                     if t.en == "G-mean")


def test_comparison_tables_and_per_class_columns_are_defined():
    effects = pd.DataFrame(columns=pd.MultiIndex.from_product(
        [["macro_f1", "recall_smallest", "ece"], ["baseline", "difference", "real", "p_value"]]))
    lines = glossary.describe_columns(effects).splitlines()[2:]
    assert [line.split("`")[1] for line in lines] == ["macro_f1", "recall_smallest", "ece", "baseline", "difference",
                                                     "real", "p_value"]
    family = pd.DataFrame(columns=["method", "against", "kind", "method_mean", "baseline_mean", "difference",
                                   "ci_low", "ci_high", "p_value", "distinguishable"])
    assert len(glossary.describe_columns(family).splitlines()) == 2 + 10
    meanings = {t.en: t.meaning for t in glossary.GLOSSARY}
    assert glossary.describe_columns(pd.DataFrame(columns=["recall[家居]"])).splitlines()[2] == (
        f"- `recall[家居]`: the recall of class `家居` ({meanings['recall']}).")


def test_the_confidence_interval_is_defined_by_its_procedure_not_as_holding_the_truth_with_a_probability():
    """Issue 27: "a range that holds the true value with a stated probability" is the classic misstatement; the
    frequentist statement is about the procedure's coverage over repeated samples."""
    meaning = {t.en: t.meaning for t in glossary.GLOSSARY}["confidence interval"]
    assert "holds the true value with a stated probability" not in meaning
    assert "over repeated samples, covers the true value in the stated share of them" in meaning
    assert "describes the procedure, not this interval" in meaning


@pytest.mark.parametrize("term, says", [
    ("top-label ECE", "largest probability"), ("cost matrix", "cost of deciding class $j$ when the truth is $i$"),
    ("expected cost", "mean cost per item"), ("p-value", "not the probability that there is no difference"),
    ("label shift", "$p(x \\mid y)$ stay the same"), ("Bayes rule", "no threshold to tune"),
    ("temperature scaling", "keeps the arg-max"), ("nested cross-validation", "inner folds of each training fold"),
    ("under-confidence", "confidence below accuracy"),
])
def test_the_terms_an_expert_missed_are_defined(term, says):
    meaning = {t.en: t.meaning for t in glossary.GLOSSARY}
    assert term in meaning and says in meaning[term]


def test_notebook_06s_new_columns_are_defined():
    frame = pd.DataFrame(columns=["expected_cost", "cost_sd", "cost_difference", "naive", "estimated_sd",
                                  "ece_in_sample", "accuracy_known", "distinguishable"])
    text = glossary.describe_columns(frame)
    assert "- `naive`: the naive estimate: the mean predicted probability of the class" in text
    assert "- `cost_difference`: the rule's mean cost per item minus the arg-max's" in text
    assert "- `ece_in_sample`: top-label ECE of the shifted rows adjusted with the priors estimated on the same half" \
           in text
