"""The zh/en glossary (术语表) of every technical term the notebooks use, as data.

Notebook 00 shows it (:func:`glossary_markdown`; formulas in the meanings are LaTeX between ``$``);
``tests/test_glossary.py`` checks that every term a notebook sets in bold or abbreviates is here, and that
every term here is used somewhere. The Chinese terms are the ones common on Chinese machine-learning and
e-commerce sites (样本不均衡, 过采样, 宏平均F1, …). The meanings are English data marked for the message catalogue
(``N_``) and shown in the current language (:mod:`ecombalance.i18n`); in Chinese the glossary is Chinese-first,
"中文术语 (English term)".
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from ecombalance import i18n
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import pgettext


class Term(NamedTuple):
    """One glossary row: the Chinese and English term, what it means in this suite, and other English
    forms the notebooks use (plural, adjective, a longer or shorter name)."""

    zh: str
    en: str
    meaning: str
    aliases: tuple[str, ...] = ()


GLOSSARY = (
    # the problem
    Term("样本不均衡", "class imbalance", N_("some classes have far more training samples than others"),
         ("imbalanced", "imbalanced data")),
    Term("样本均衡", "sample balancing", N_("any method that stops the majority classes dominating training")),
    Term("多数类", "majority class", N_("the largest class (or classes)")),
    Term("少数类", "minority class", N_("the smallest class (or classes)")),
    Term("长尾分布", "long tail", N_("many classes with few samples each behind a few large ones"), ("long-tail",)),
    Term("类别分布", "class distribution", N_("each class's share of the samples, $p_c = N_c / N$")),
    Term("类别先验", "class prior", N_("a class's share of the training data, $\\pi_c$"), ("prior", "priors")),
    Term("不均衡比", "imbalance ratio (IR)", N_("largest class count ÷ smallest class count")),
    Term("归一化熵", "normalised entropy",
         N_("entropy of the class distribution ÷ log C: 1 balanced, towards 0 skewed")),
    Term("准确率悖论", "accuracy paradox", N_("high accuracy from always predicting the majority class")),
    Term("多数类预测器", "majority predictor",
         N_("a baseline that always answers the largest class of its training data"),
         ("majority baseline",)),
    Term("基线模型", "baseline", N_("the model every remedy is compared with: the same model without balancing"),
         ("plain model", "unbalanced baseline")),
    # data and preprocessing
    Term("数据清洗", "data cleaning", N_("removing duplicates, empty and constant columns, with a report"),
         ("cleaning",)),
    Term("近似重复", "near-duplicate", N_("rows whose text is the same up to case and punctuation"),
         ("near-duplicates",)),
    Term("缺失值填补", "imputation", N_("filling missing values, fitted on the training rows"), ("imputer",)),
    Term("异常值", "outlier", N_("a value far from the rest of its column"), ("outliers",)),
    Term("中位数绝对偏差 (MAD)", "median absolute deviation (MAD)", N_("a spread measure that outliers barely move; "
         "the robust z-score divides by 1.4826 MAD"), ("robust z-score",)),
    Term("标准化", "standardisation", N_("z = (x − mean) / standard deviation, from the training rows")),
    Term("特征工程", "feature engineering", N_("turning raw columns into model inputs")),
    Term("特征融合", "feature fusion", N_("text, numeric and categorical features joined into one matrix")),
    Term("独热编码", "one-hot encoding", N_("one 0/1 column per category"), ("one-hot",)),
    Term("词频-逆文档频率 (TF-IDF)", "TF-IDF", N_("term frequency × inverse document frequency text features")),
    Term("词n元语法", "word n-gram", N_("a run of n consecutive words, a TF-IDF feature"), ("word 1–2-grams",)),
    Term("字符n元语法", "character n-gram", N_("a run of n consecutive characters, a TF-IDF feature"),
         ("char n-gram",)),
    Term("分词", "word segmentation", N_("cutting Chinese text, written without spaces, into words (e.g. jieba)")),
    Term("直接标识符", "direct identifier", N_("a column that names a person (user id, e-mail, phone number); hashed "
         "before any row is shown, so joins still work"), ("direct identifiers",)),
    # splits and protocol
    Term("数据泄漏", "data leakage", N_("information from the evaluation data reaching training"), ("leakage",)),
    Term("分层抽样", "stratified sampling", N_("splits or folds that keep each class's share"),
         ("stratified", "stratified split", "stratified folds", "stratified sample")),
    Term("分组划分", "group split", N_("each group (a query, a household) kept on one side of every split"),
         ("grouped by query", "group-stratified", "group column")),
    Term("交叉验证", "cross-validation", N_("k folds, each once the test part; the same folds for every method"),
         ("cross-validated",)),
    Term("重复交叉验证", "repeated cross-validation", N_("k-fold cross-validation run r times, each time with other "
         "folds: r × k paired fold scores per method (the design r × k, e.g. 2 × 5)"), ("repeated folds",)),
    Term("折外预测", "out-of-fold prediction", N_("each row predicted by the model of the fold that held it out"),
         ("out of fold", "out-of-fold")),
    Term("验证集", "validation split", N_("training rows held back for early stopping"), ("validation set",)),
    Term("测试集", "test split", N_("held-out rows, never resampled, with the original class distribution"),
         ("test set",)),
    Term("早停", "early stopping", N_("stop training when the validation score stops improving")),
    # metrics
    Term("准确率", "accuracy", N_("share of correct predictions; misleading under imbalance")),
    Term("召回率", "recall", N_("share of a class's samples that are found"), ("per-class recall",)),
    Term("精确率", "precision", N_("share of a class's predictions that are right")),
    Term("F1分数", "F1 score", N_("harmonic mean of precision and recall"), ("F1",)),
    Term("宏平均F1", "macro-F1", N_("F1 averaged over classes with equal weight")),
    Term("平衡准确率", "balanced accuracy", N_("mean per-class recall")),
    Term("特异度", "specificity", N_("for one class: the share of the other classes' samples not predicted as it "
         "(its true-negative rate, the class against the rest)")),
    Term("几何平均 (G-mean)", "G-mean", N_("overall: the geometric mean of the per-class recalls, 0 when one class is "
         "never found; per class (against the rest): $\\sqrt{\\text{recall} \\cdot \\text{specificity}}$")),
    Term("指数平衡准确率 (IBA)", "index balanced accuracy (IBA)", N_("per class (against the rest): "
         "$(1 + \\alpha\\,(\\text{recall} - \\text{specificity}))\\,G^2$ with $\\alpha = 0.1$ and $G$ the "
         "class's G-mean (García et al. 2009); overall: its mean over the classes")),
    Term("马修斯相关系数 (MCC)", "Matthews correlation coefficient (MCC)", N_("the correlation between true and "
         "predicted classes (multi-class form): 0 for a constant or random answer, 1 when all are right")),
    Term("平衡错误率 (BER)", "balanced error (BER)", N_("mean per-class error rate: the error under uniform priors")),
    Term("混淆矩阵", "confusion matrix", N_("counts of true class × predicted class")),
    Term("精确率-召回率曲线", "precision-recall curve", N_("precision against recall over all thresholds"),
         ("PR curve",)),
    Term("平均精度 (AP)", "average precision (AP)", N_("area under the precision-recall curve, step-wise")),
    Term("PR曲线下面积", "PR-AUC", N_("area under the precision-recall curve")),
    Term("ROC曲线下面积", "ROC-AUC", N_("area under the ROC curve; unchanged by any monotone recalibration")),
    Term("对数损失", "log-loss", N_("mean negative log-probability of the true label"), ("log loss",)),
    Term("Brier分数", "Brier score", N_("mean squared error of the predicted probabilities"),
         ("brier",)),
    Term("正类", "positive class", N_("the class that matters in a two-class table (a click, a purchase)")),
    Term("阈值调优", "threshold tuning", N_("choosing the decision threshold on training-fold scores"),
         ("tuned threshold",)),
    Term("代价矩阵", "cost matrix", N_("$C_{ij}$, the cost of deciding class $j$ when the truth is $i$ (0 on the "
         "diagonal when a right answer costs nothing); here by default missing an item of class $c$ costs "
         "$N_{\\max} / N_c$"), ("cost matrices", "stated cost")),
    Term("期望代价", "expected cost", N_("the mean of $C_{\\text{true},\\,\\text{decided}}$ over the rows: the mean "
         "cost per item of a decision rule (lower is better)"), ("mean cost per item",)),
    Term("贝叶斯决策规则", "Bayes rule", N_("decide $\\arg\\min_j \\sum_i p_i(x)\\,C_{ij}$, the least expected "
         "cost under the probabilities (Elkan 2001): no threshold to tune, optimal when the probabilities are "
         "calibrated; with 0/1 costs the arg-max"), ("Bayes decision",)),
    Term("嵌套交叉验证", "nested cross-validation", N_("a setting (weights, a threshold) chosen on inner folds of each "
         "training fold only, so that the outer test fold judges the choice without having shaped it"),
         ("fully nested", "nested")),
    Term("工作点", "operating point", N_("the recall and precision one decision rule gives, a point on the "
         "precision-recall curve; balancing mostly moves a model's operating point along its curve"),
         ("operating points",)),
    # calibration
    Term("校准", "calibration", N_("predicted probabilities match observed frequencies")),
    Term("可靠性图", "reliability diagram", N_("accuracy against confidence per probability bin")),
    Term("期望校准误差 (ECE)", "expected calibration error (ECE)", N_("over bins of predicted probability, the "
         "bin-size-weighted mean |observed frequency − mean predicted probability|; unqualified in this suite it is "
         "the top-label ECE (for one probability, e.g. a click's, the ECE of that probability)")),
    Term("最高类别校准误差", "top-label ECE", N_("the ECE of each row's largest probability against whether its "
         "arg-max class is right (Guo et al. 2017): it reads one number per row, so it can miss a model that moves "
         "probability onto a small class without changing many arg-max decisions"), ("top-label",)),
    Term("温度缩放", "temperature scaling", N_("calibration by one number $T$: $\\hat p = \\mathrm{softmax}(z / T)$ "
         "with $T$ fitted by log-loss on held-out rows; it keeps the arg-max and changes only how sure the model is "
         "(Guo et al. 2017)")),
    Term("置信度不足", "under-confidence", N_("predicted probabilities lower than the observed frequencies (mean "
         "confidence below accuracy), e.g. after focal loss; the opposite, over-confidence, is the usual state of "
         "a network trained with cross-entropy"), ("under-confident", "over-confidence", "over-confident")),
    Term("类别级校准误差", "class-wise ECE", N_("the mean over classes of the ECE of each class's own probability "
         "column against the rest (Kull et al. 2019): it sees a model over-predicting a small class, which top-label "
         "ECE can miss"), ("class-wise expected calibration error", "classwise ECE")),
    Term("重新校准", "recalibration", N_("undoing the effect of negative down-sampling: q = p / (p + (1−p)/w)")),
    Term("先验校正", "prior correction", N_("moving probabilities from training priors to true priors by Bayes' rule"),
         ("prior-corrected",)),
    Term("先验偏移", "prior shift", N_("class priors that differ between training and deployment")),
    Term("标签偏移", "label shift", N_("a deployment where the class priors $p(y)$ move while each class's inputs "
         "$p(x \\mid y)$ stay the same; the assumption under which prior correction and the EM estimate of the "
         "priors are right"), ("label-shift",)),
    Term("期望最大化 (EM)", "expectation-maximisation (EM)", N_("alternating two steps until they agree; here: adjust "
         "the probabilities to the current prior estimate, then re-estimate the priors as their mean "
         "(Saerens et al. 2002)"), ("EM procedure",)),
    # ranking and recommendation
    Term("归一化折损累计增益 (NDCG)", "normalised discounted cumulative gain (NDCG)",
         N_("ranking quality with graded gains, discounted by position"), ("NDCG@k",)),
    Term("平均倒数排名 (MRR)", "mean reciprocal rank (MRR)", N_("mean of 1 / rank of the first relevant item")),
    Term("前k召回率", "recall@k", N_("share of relevant items in the top k")),
    Term("分级相关性", "graded relevance", N_("relevance labels with levels, e.g. ESCI's E/S/C/I"),
         ("graded gains",)),
    Term("ESCI相关性标签", "ESCI labels",
         N_("Amazon's Exact / Substitute / Complement / Irrelevant query–product labels"),
         ("ESCI",)),
    Term("点击率 (CTR)", "click-through rate (CTR)", N_("clicks ÷ impressions")),
    Term("转化率", "conversion rate", N_("purchases ÷ clicks (or visits)")),
    Term("曝光", "impression", N_("one item shown to one user"), ("impressions",)),
    Term("负采样", "negative down-sampling", N_("keeping all positives and a fraction w of the negatives"),
         ("down-sampling",)),
    # resampling
    Term("重采样", "resampling", N_("changing the training rows: fewer, repeated or synthetic")),
    Term("欠采样", "under-sampling", N_("dropping majority-class samples from the training set")),
    Term("过采样", "over-sampling", N_("repeating or synthesising minority-class samples")),
    Term("有放回抽样", "sampling with replacement", N_("a row can be drawn more than once"), ("with replacement",)),
    Term("随机过采样示例 (ROSE)", "random over-sampling examples (ROSE)", N_("copies with added Gaussian noise")),
    Term("合成少数类过采样 (SMOTE)", "SMOTE", N_("new minority samples on segments between minority neighbours"),
         ("synthetic minority over-sampling technique",)),
    Term("边界SMOTE", "Borderline-SMOTE", N_("SMOTE only from minority rows near other classes")),
    Term("自适应合成采样 (ADASYN)", "ADASYN", N_("more synthetic samples where the minority is hard to learn")),
    Term("SVM-SMOTE", "SVM-SMOTE", N_("SMOTE from a support-vector machine's support vectors")),
    Term("支持向量机 (SVM)", "support-vector machine (SVM)", N_("a maximum-margin classifier")),
    Term("含类别特征的SMOTE (SMOTENC / SMOTEN)", "SMOTENC", N_("SMOTE for numeric + categorical (SMOTENC) or "
         "categorical-only (SMOTEN) features"), ("SMOTEN",)),
    Term("Tomek链接", "Tomek link", N_("two mutual nearest neighbours of different classes")),
    Term("编辑最近邻 (ENN)", "edited nearest neighbours (ENN)", N_("removes rows whose neighbours mostly disagree")),
    # losses
    Term("交叉熵 (CE)", "cross-entropy (CE)", N_("negative log-probability of the true class")),
    Term("代价敏感学习", "cost-sensitive learning", N_("a larger cost for mistakes on some classes")),
    Term("类别权重", "class weight", N_("a per-class loss weight, e.g. $N / (C N_c)$"),
         ("class weights", "class weighting", "class-weighted")),
    Term("重加权", "re-weighting", N_("changing how much each sample counts in the loss"), ("re-weighted",)),
    Term("焦点损失", "focal loss", N_("down-weights examples the model already gets right")),
    Term("类别平衡损失", "class-balanced loss", N_("loss weighted by the inverse effective number of samples"),
         ("class-balanced",)),
    Term("有效样本数", "effective number",
         N_("$(1 - \\beta^n) / (1 - \\beta)$: the volume $n$ overlapping samples cover")),
    Term("Logit调整", "logit adjustment",
         N_("subtracting $\\tau \\log \\pi_c$ from the logits, after training or in the "
         "loss"),
         ("post-hoc logit adjustment", "logit-adjusted loss", "post-hoc adjustment")),
    Term("平衡Softmax", "balanced softmax", N_("softmax with each class's logit shifted by $\\log N_c$")),
    Term("标签分布感知间隔损失 (LDAM)", "label-distribution-aware margin loss (LDAM)",
         N_("a larger margin $\\Delta_c \\propto N_c^{-1/4}$ for rare classes"), ("LDAM-DRW",)),
    Term("延迟重加权 (DRW)", "deferred re-weighting (DRW)",
         N_("plain loss first, class-balanced weights in the last epochs")),
    Term("对数先验偏置初始化", "initial-bias trick",
         N_("output bias set to $\\log \\pi_c$ so the untrained model predicts the priors")),
    Term("对数几率 (logit)", "logit", N_("a model's unnormalised class score before softmax"), ("logits",)),
    # models and transfer learning
    Term("逻辑回归", "logistic regression", N_("a linear classifier with softmax probabilities")),
    Term("模型容量", "model capacity", N_("how complex a function a model can fit; a larger model can score higher "
         "with no balancing at all, so balancing is compared within one model and a difference between plain "
         "models is reported apart, as model choice"), ("capacity", "model choice")),
    Term("梯度提升", "gradient boosting", N_("an ensemble of trees fitted one after another")),
    Term("SAMME", "SAMME", N_("multi-class AdaBoost (Zhu et al. 2009): after each round the misclassified rows gain "
         "weight; a round no better than chance (error ≥ 1 − 1/K for K classes) ends the boosting")),
    Term("多层感知机 (MLP)", "multi-layer perceptron (MLP)", N_("a small fully connected neural network")),
    Term("迁移学习", "transfer learning", N_("starting from a model trained on other data")),
    Term("预训练编码器", "pretrained encoder", N_("a model such as BERT trained on large text corpora"),
         ("pretrained model",)),
    Term("BERT", "BERT", N_("a Transformer text encoder pretrained by masked-word prediction")),
    Term("冻结嵌入", "frozen embeddings", N_("encoder outputs used as fixed features; only a classifier trains"),
         ("frozen encoder", "feature extraction")),
    Term("句向量", "sentence embedding", N_("one vector per text, here the mean of its token vectors"),
         ("sentence embeddings",)),
    Term("平均池化", "mean pooling", N_("attention-masked mean of the token vectors")),
    Term("微调", "fine-tuning",
         N_("continuing to train a pretrained model on our labels"), ("fine-tuned", "fine-tune")),
    Term("分词器", "tokenizer", N_("splits text into the encoder's vocabulary pieces"), ("tokenization",)),
    Term("WordPiece子词", "WordPiece", N_("BERT's sub-word vocabulary; it splits CJK text into single characters")),
    Term("未知词元", "unknown token ([UNK])", N_("the one token for every piece missing from the vocabulary"),
         ("[UNK]",)),
    Term("交叉编码器", "cross-encoder", N_("one encoder reading query and title together")),
    Term("类别均衡采样", "class-balanced sampling", N_("drawing sample $i$ with probability $\\propto 1 / n_{c(i)}$"),
         ("class-balanced batches",)),
    Term("灾难性遗忘", "catastrophic forgetting", N_("training on one class overwrites what the model knew of others")),
    Term("学习率预热", "learning-rate warm-up", N_("the learning rate rises linearly for the first steps, then decays"),
         ("warm-up",)),
    Term("AdamW优化器", "AdamW", N_("Adam with decoupled weight decay")),
    Term("混合精度 (bf16)", "mixed precision (bf16)",
         N_("forward pass in bfloat16 on a GPU or a CPU with bf16 instructions, weights in float32"),
         ("bf16", "bf16 autocast", "autocast")),
    Term("动态量化 (int8)", "dynamic quantisation (int8)", N_("Linear weights stored as int8 for CPU serving"),
         ("int8 quantisation", "quantisation")),
    # statistics
    Term("自助法置信区间", "bootstrap interval", N_("percentile interval over resampled out-of-fold rows: a "
         "description of how much the pooled out-of-fold score varies with the rows, never the test of a difference "
         "(a class a resample leaves out is skipped, so the interval holds its estimate)"),
         ("bootstrap", "95 % bootstrap interval")),
    Term("置信区间", "confidence interval", N_("a range computed from the data by a procedure that, over repeated "
         "samples, covers the true value in the stated share of them (95 %); one computed interval either holds the "
         "true value or not — the 95 % describes the procedure, not this interval"), ("confidence intervals",)),
    Term("p值", "p-value",
         N_("the probability, if there were no difference, of a test statistic at least as extreme as "
         "the one observed; not the probability that there is no difference. Below α = 0.05 (after Holm's "
         "correction) a difference counts as distinguishable"), ("p-values",)),
    Term("配对检验", "paired test", N_("compares two methods fold by fold on the same folds: the differences of "
         "their fold scores, not two separate scores; here always the corrected repeated cross-validation t-test")),
    Term("Holm多重比较校正", "Holm correction", N_("controls false findings over several comparisons"),
         ("Holm-corrected", "Holm's correction")),
    Term("校正重复交叉验证t检验", "corrected repeated cross-validation t-test", N_("the one test behind every "
         "verdict: a t-test on the r × k paired fold differences whose variance is widened by "
         "$n_{test}/n_{train}$ because folds share training rows (Nadeau & Bengio 2003; Bouckaert & Frank 2004), "
         "Holm-corrected over the comparisons"), ("corrected resampled t-test",)),
    Term("最小可检测差异", "smallest detectable difference", N_("the smallest mean fold difference the test could "
         "call real at α with the observed spread and number of comparisons; a smaller one is not enough "
         "evidence, not a proof of no difference"), ("smallest difference this design detects",)),
)
"""Every glossary row, grouped by topic (problem, data, splits, metrics, calibration, ranking, resampling,
losses, models, statistics)."""

_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*$")


def term_names(term: Term) -> set[str]:
    """Every English form of ``term`` in lower case: the term, the term without its parenthesised
    abbreviation, the abbreviation, and the aliases."""
    forms = {term.en, *term.aliases}
    match = _PARENTHESIS.search(term.en)
    if match:
        forms |= {term.en[:match.start()], match.group(1)}
    return {normalise_term(f) for f in forms}


def normalise_term(phrase: str) -> str:
    """Lower case, one space between words, no surrounding punctuation."""
    return " ".join(phrase.lower().split()).strip(" .,:;")


def glossary_frame() -> pd.DataFrame:
    """The glossary as a table: columns 中文, English, meaning."""
    return pd.DataFrame([(t.zh, t.en, t.meaning) for t in GLOSSARY], columns=["中文", "English", "meaning"])


def term_title(term: Term) -> str:
    """The term as the current language names it: the English term, or in Chinese "中文术语 (English term)" (an
    abbreviation both carry once: "交叉熵 (cross-entropy, CE)"; a name that is the same in both once)."""
    if i18n.get_language() != "zh":
        return term.en
    zh, zh_abbr = _split_abbreviation(term.zh)
    en, en_abbr = _split_abbreviation(term.en)
    if term.zh == term.en or (zh_abbr and en in zh_abbr):
        return term.zh
    inner = ", ".join(dict.fromkeys(part for part in (en, en_abbr or zh_abbr) if part))
    return f"{zh} ({inner})"


def _split_abbreviation(name: str) -> tuple[str, str]:
    """"交叉熵 (CE)" -> ("交叉熵", "CE"); a name without a parenthesis -> (name, "")."""
    match = _PARENTHESIS.search(name)
    return (name[:match.start()], match.group(1)) if match else (name, "")


def glossary_markdown() -> str:
    """The glossary as a Markdown table (中文 | English | meaning), in :data:`GLOSSARY`'s order; in Chinese
    (:mod:`ecombalance.i18n`) Chinese-first: 术语 "中文术语 (English term)" | 含义."""
    def cell(text: str) -> str:  # a "|" in a meaning (|a − b|) would end the cell
        return text.replace("|", "\\|")

    if i18n.get_language() == "zh":
        rows = [f"| {cell(term_title(t))} | {cell(_(t.meaning))} |" for t in GLOSSARY]
        return "\n".join([_("| term | meaning here |"), "|---|---|", *rows])
    rows = [f"| {cell(t.zh)} | {cell(t.en)} | {cell(t.meaning)} |" for t in GLOSSARY]
    return "\n".join(["| 中文 | English | meaning here |", "|---|---|---|", *rows])


# a table column -> the glossary term it shows (its meaning is the glossary's), or its own meaning
COLUMN_TERMS = {
    "precision": "precision", "recall": "recall", "f1": "F1 score", "specificity": "specificity",
    "g_mean": "G-mean", "iba": "index balanced accuracy (IBA)", "roc_auc": "ROC-AUC", "pr_auc": "PR-AUC",
    "accuracy": "accuracy", "macro_f1": "macro-F1", "balanced_accuracy": "balanced accuracy",
    "mcc": "Matthews correlation coefficient (MCC)", "ece": "expected calibration error (ECE)",
    "classwise_ece": "class-wise ECE", "log_loss": "log-loss", "brier": "Brier score",
}
COLUMN_MEANINGS = {
    "support": N_("the class's number of rows in the evaluated data"),
    "weighted_f1": N_("F1 averaged over classes weighted by their support"),
    "micro_f1": N_("F1 over all predictions pooled (equal to accuracy for single-label classes)"),
    "roc_auc_macro": N_("ROC-AUC of each class against the rest, averaged over the classes"),
    "pr_auc_macro": N_("PR-AUC (average precision) of each class against the rest, averaged over the classes"),
    "fit_seconds": N_("seconds to fit on one training fold (mean over the folds)"),
    "recall_smallest": N_("recall of the smallest class"), "recall_largest": N_("recall of the largest class"),
    # comparisons with a baseline (notebook 06's effects and within-model tables)
    "method": N_("the method compared"),
    "comparison": N_("what the method is compared with, and what kind of comparison"),
    "against": N_("the method it is compared with (the same model without balancing, or the baseline's plain model "
                  "for a capacity row)"),
    "kind": N_("`balancing` (the same model with and without a balancing step), `capacity` (two plain models: model "
               "choice) or `other` (no plain version of the model among the methods)"),
    "baseline": N_("the score of the method it is compared with (mean over the folds)"),
    "baseline_mean": N_("the score of the method it is compared with (mean over the folds)"),
    "method_mean": N_("the method's score (mean over the folds)"),
    "difference": N_("method minus the method it is compared with (mean over the folds of the paired differences)"),
    "se": N_("standard error of that mean, widened because folds share training rows (Nadeau & Bengio)"),
    "df": N_("degrees of freedom of the test: the number of fold scores minus 1"),
    "ttest_p": N_("the corrected repeated cross-validation t-test's p-value before Holm's correction"),
    "pooled_difference": N_("the same difference on the pooled out-of-fold predictions (a description)"),
    "ci_low": N_("low end of the 95 % paired-bootstrap interval of the pooled difference (a description, not the "
    "test)"),
    "ci_high": N_("high end of the 95 % paired-bootstrap interval of the pooled difference (a description, not the "
    "test)"),
    "p_value": N_("the corrected repeated cross-validation t-test's p-value after Holm's correction over the "
    "comparisons"),
    "detectable": N_("the smallest difference the test could call real at α = 0.05 with this spread and this many "
    "comparisons (the smallest detectable difference)"),
    "real": N_("whether that p-value is below 0.05: the difference is distinguishable from 0"),
    "real_difference": N_("whether that p-value is below 0.05: the difference is distinguishable from 0"),
    "distinguishable": N_("whether that p-value is below 0.05: the difference is distinguishable from 0"),
    "improved": N_("distinguishable and in the better direction"),
    # notebook 06's decision rules
    "expected_cost": N_("mean cost per item of the rule's decisions under the stated cost matrix (mean over the folds; "
    "lower is better)"),
    "cost_sd": N_("standard deviation of the per-fold mean cost over the folds"),
    "cost_difference": N_("the rule's mean cost per item minus the arg-max's on the same rows (negative: cheaper)"),
    # notebook 06's unknown deployment prior (prior_shift_study)
    "train": N_("the class priors the model learnt (its training rows' shares; flat for a re-balancing method)"),
    "true": N_("the class shares of the shifted rows (mean over the draws)"),
    "estimated": N_("the EM estimate of the class shares from the unlabelled shifted rows (mean over the estimates)"),
    "estimated_sd": N_("standard deviation of that estimate over the draws and halves"),
    "naive": N_("the naive estimate: the mean predicted probability of the class over the shifted rows, unadjusted"),
    "draw": N_("which shifted draw of rows"),
    "ece_raw": N_("top-label ECE of the shifted rows with the model's unadjusted probabilities"),
    "ece_estimated": N_("top-label ECE of the shifted rows adjusted with the priors estimated on the other half "
    "(held out)"),
    "ece_in_sample": N_("top-label ECE of the shifted rows adjusted with the priors estimated on the same half (in "
    "sample, flattering)"),
    "ece_known": N_("top-label ECE of the shifted rows adjusted with the true shares"),
    "accuracy_raw": N_("accuracy of the shifted rows with the model's unadjusted probabilities"),
    "accuracy_estimated": N_("accuracy of the shifted rows adjusted with the priors estimated on the other half "
    "(held out)"),
    "accuracy_in_sample": N_("accuracy of the shifted rows adjusted with the priors estimated on the same half (in "
    "sample, flattering)"),
    "accuracy_known": N_("accuracy of the shifted rows adjusted with the true shares"),
}


def describe_columns(frame: pd.DataFrame) -> str:
    """A Markdown list that defines every column of ``frame`` a notebook shows, each with the glossary's
    meaning (:data:`COLUMN_TERMS`) or its own (:data:`COLUMN_MEANINGS`); a column with neither is a
    ``KeyError`` naming it, so no table reaches a reader with an undefined column."""
    terms = {t.en: t for t in GLOSSARY}
    measures = {"recall": pgettext("measure", "recall"), "precision": pgettext("measure", "precision"),
                "f1": pgettext("measure", "f1")}
    lines = [_("*The columns:*"), ""]
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):  # (metric, statistic): each level's names once
        columns = [*dict.fromkeys(columns.get_level_values(0)), *dict.fromkeys(columns.get_level_values(1))]
    for column in columns:
        per_class = re.fullmatch(r"(recall|precision|f1)\[(.+)\]", str(column))
        if per_class:
            lines.append(_("- `{column}`: the {measure} of class `{name}` ({meaning}).").format(
                column=column, measure=measures[per_class.group(1)], name=per_class.group(2),
                meaning=_(terms[COLUMN_TERMS[per_class.group(1)]].meaning)))
        elif column in COLUMN_TERMS:
            term = terms[COLUMN_TERMS[column]]
            lines.append(_("- `{column}` ({term}): {meaning}.").format(
                column=column, term=term.zh if i18n.get_language() == "zh" else term.en, meaning=_(term.meaning)))
        elif column in COLUMN_MEANINGS:
            lines.append(_("- `{column}`: {meaning}.").format(column=column, meaning=_(COLUMN_MEANINGS[column])))
        else:
            raise KeyError(f"column {column!r} has no definition: add it to glossary.COLUMN_TERMS (a glossary term) "
                           "or glossary.COLUMN_MEANINGS")
    return "\n".join(lines)
