"""Which tokenisation suits Chinese text: word TF-IDF vs character n-grams vs jieba words, measured.

Usage: .venv/bin/python benchmarks/text_analyzers.py [--data FILE --label COL --text COL] [--max-rows N]
                                                   [--rows 6000] [--speed-rows 60000] [--json FILE]

For each table, 3-fold stratified cross-validation of ``TextVectorizer(analyzer=A)`` + logistic regression
(``class_weight=None``) for A in word, char, jieba: macro-F1, balanced accuracy and fit seconds (mean over
folds). Tables: ``--data`` (a CSV/TSV/Parquet file with a label and a text column) when given, and two
built-in synthetic sets: mixed Chinese/English product titles with brands and model codes (some titles
space-separated, some run together) and unsegmented Chinese reviews. Then the tokenisers' speed on
``--speed-rows`` reviews of about 60 characters. Printed, and saved to benchmarks/results/text_analyzers.json;
:data:`ecombalance.models.text_features.AUTO_CJK_ANALYZER` is the analyzer this measurement favours.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from ecombalance.models.text_features import (
    AUTO_CJK_ANALYZER,
    TextVectorizer,
    as_text,
    char_ngrams,
    cjk_share,
    jieba_words,
)

ANALYZERS = ("word", "char", "jieba")
SHARED_TITLE_WORDS = ["官方旗舰店", "正品", "包邮", "新款", "2024新款", "限时特惠", "爆款", "礼盒装", "黑色", "白色",
                      "送礼", "国行", "现货", "大促", "顺丰", "学生", "男女通用", "旗舰"]
TITLE_CLASSES = {  # class: (brands, product nouns, attributes, model codes)
    "手机": (["Apple", "华为", "小米", "OPPO", "vivo", "荣耀"], ["手机", "智能手机", "5G手机", "全网通手机"],
             ["256G", "512G", "全面屏", "长续航", "拍照", "双卡双待"], ["iPhone 15 Pro", "Mate60", "14 Ultra", "Reno11"]),
    "笔记本电脑": (["Apple", "联想", "华为", "戴尔", "ThinkPad"], ["笔记本电脑", "轻薄本", "游戏本", "笔记本"],
                  ["16G内存", "1TB固态", "高刷屏", "办公", "轻薄"], ["MacBook Air", "小新Pro14", "X1 Carbon", "MateBook"]),
    "耳机": (["Apple", "索尼", "小米", "Bose", "漫步者"], ["蓝牙耳机", "无线耳机", "降噪耳机", "头戴式耳机"],
             ["主动降噪", "入耳式", "运动", "长续航", "低延迟"], ["AirPods Pro", "WH-1000XM5", "QC45", "Buds4"]),
    "女装": (["优衣库", "ZARA", "太平鸟", "VERO MODA"], ["连衣裙", "针织衫", "外套", "半身裙", "衬衫"],
             ["修身", "显瘦", "碎花", "宽松", "法式", "春秋"], ["S码", "M码", "L码"]),
    "运动鞋": (["Nike", "Adidas", "李宁", "安踏", "New Balance"], ["跑步鞋", "运动鞋", "篮球鞋", "休闲鞋"],
               ["透气", "减震", "轻便", "防滑", "男款", "女款"], ["Air Max 270", "Ultraboost", "990v6", "42码"]),
    "零食": (["三只松鼠", "良品铺子", "百草味", "乐事"], ["坚果", "薯片", "牛肉干", "饼干", "零食大礼包"],
             ["每日坚果", "独立包装", "办公室", "休闲", "网红"], ["500g", "1kg", "30袋"]),
    "护肤品": (["兰蔻", "雅诗兰黛", "欧莱雅", "SK-II", "珀莱雅"], ["精华液", "面霜", "爽肤水", "眼霜", "面膜"],
               ["补水保湿", "抗皱", "紧致", "修护", "敏感肌"], ["50ml", "100ml", "30ml"]),
    "家电": (["小米", "戴森", "美的", "格力", "Dyson"], ["空气净化器", "吸尘器", "电风扇", "扫地机器人", "加湿器"],
             ["除甲醛", "大吸力", "静音", "智能", "家用"], ["V15", "T10", "KJ400G", "AC220V"]),
}
TITLE_SHARES = [0.3, 0.18, 0.14, 0.12, 0.1, 0.08, 0.05, 0.03]
REVIEW_CLASSES = {  # the review's subject (aspect): phrases that describe it
    "物流": ["快递很快", "物流速度慢", "第二天就到了", "送货师傅态度好", "配送及时", "快递员很辛苦", "发货太慢了",
             "物流信息不更新", "隔天送达"],
    "质量": ["做工精细", "质量很好", "用了两天就坏了", "材质一般", "手感不错", "做工粗糙", "很结实耐用", "有异味",
             "品质没得说"],
    "价格": ["性价比很高", "价格实惠", "比超市便宜", "有点贵", "活动价很划算", "降价了不开心", "价格公道",
             "优惠力度大"],
    "客服": ["客服很耐心", "客服回复慢", "售后处理及时", "客服态度差", "退换货很方便", "客服解答详细", "售后不理人"],
    "包装": ["包装很严实", "包装破损", "盒子压扁了", "包装精美", "包得很好", "外包装有点脏", "送人很有面子"],
    "尺码": ["尺码偏小", "大小合适", "尺码标准", "偏大一码", "穿着很合身", "建议买大一号", "长度刚好"],
}
REVIEW_SHARES = [0.35, 0.25, 0.15, 0.12, 0.08, 0.05]
REVIEW_OPENERS = ["这次", "宝贝", "东西", "卖家", "感觉", "说实话", "老实说", "不过", "而且", "就是", "真心"]
REVIEW_ADVERBS = ["真的", "非常", "特别", "有点", "还是", "确实", "总算", "居然", "也", "都"]
REVIEW_FILLERS = ["总体来说", "下次还会再来", "给个好评", "推荐购买", "还行吧", "一般般", "挺满意的", "和描述一致",
                  "第一次买", "已经回购了", "家里人都说好", "值得购买"]


def synthetic_titles(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """Product titles with their category: Chinese words mixed with Latin brands and model codes; brands and
    shop words shared between categories; half of the titles space-separated, half run together."""
    rng = np.random.default_rng(seed)
    names = list(TITLE_CLASSES)
    labels = rng.choice(len(names), size=n_rows, p=TITLE_SHARES)
    rows = []
    for k in labels:
        brands, nouns, attributes, codes = TITLE_CLASSES[names[k]]
        other = TITLE_CLASSES[names[rng.integers(len(names))]]  # a word of another category (a bundle, a gift)
        rest = [*rng.choice(attributes, 2, replace=False),
                *rng.choice(SHARED_TITLE_WORDS, rng.integers(1, 4), replace=False)]
        if rng.random() < 0.8:  # some titles never name the product
            rest.append(rng.choice(nouns))
        if rng.random() < 0.5:
            rest.append(rng.choice(other[2]))
        if rng.random() < 0.3:
            rest.append(rng.choice(other[1]))  # accessories, bundles: another category's product word
        rng.shuffle(rest)
        rows.append((" " if rng.random() < 0.5 else "").join([rng.choice(brands), rng.choice(codes), *rest]))
    return pd.DataFrame({"title": rows, "category": [names[k] for k in labels]})


def synthetic_reviews(n_rows: int, seed: int = 0, n_clauses: tuple[int, int] = (2, 5)) -> pd.DataFrame:
    """Unsegmented Chinese reviews labelled with the aspect they are about: clauses of the aspect's phrases,
    another aspect's and generic ones, joined without spaces ("，" between clauses, "。" at the end)."""
    rng = np.random.default_rng(seed)
    names = list(REVIEW_CLASSES)
    labels = rng.choice(len(names), size=n_rows, p=REVIEW_SHARES)
    rows = []
    for k in labels:
        clauses = []
        for _ in range(rng.integers(*n_clauses, endpoint=True)):
            u = rng.random()
            if u < 0.45:
                pool = REVIEW_CLASSES[names[k]]
            elif u < 0.6:
                pool = REVIEW_CLASSES[names[rng.integers(len(names))]]
            else:
                pool = REVIEW_FILLERS
            clause = rng.choice(pool)
            if rng.random() < 0.5:
                clause = rng.choice(REVIEW_ADVERBS) + clause
            if rng.random() < 0.4:
                clause = rng.choice(REVIEW_OPENERS) + clause
            if rng.random() < 0.5:  # two phrases in one clause, as people write
                clause += rng.choice(REVIEW_FILLERS + REVIEW_CLASSES[names[k]])
            clauses.append(clause)
        rows.append("，".join(clauses) + "。")
    return pd.DataFrame({"review": rows, "aspect": [names[k] for k in labels]})


def evaluate(texts: np.ndarray, y: np.ndarray, seed: int = 0) -> dict[str, dict[str, float]]:
    """3-fold stratified CV of each analyzer + logistic regression: macro-F1, balanced accuracy, fit seconds."""
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    out = {}
    for analyzer in ANALYZERS:
        model = make_pipeline(TextVectorizer(analyzer), LogisticRegression(max_iter=1000))
        cv = cross_validate(model, texts, y, cv=folds, scoring=("f1_macro", "balanced_accuracy"))
        out[analyzer] = {"macro_f1": round(float(cv["test_f1_macro"].mean()), 4),
                         "balanced_accuracy": round(float(cv["test_balanced_accuracy"].mean()), 4),
                         "fit_seconds": round(float(cv["fit_time"].mean()), 2)}
        print(f"  {analyzer:<6} macro-F1 {out[analyzer]['macro_f1']:.3f}  balanced accuracy "
              f"{out[analyzer]['balanced_accuracy']:.3f}  fit {out[analyzer]['fit_seconds']:.1f} s", flush=True)
    return out


def speed(n_rows: int, seed: int = 0) -> dict[str, float]:
    """Seconds to tokenise ``n_rows`` reviews of about 60 characters with each Chinese tokeniser, and to fit
    ``TextVectorizer("char")`` on them."""
    texts = as_text(synthetic_reviews(n_rows, seed, n_clauses=(5, 7))["review"])
    mean_chars = float(np.mean([len(t) for t in texts]))
    out = {"rows": n_rows, "mean_characters": round(mean_chars, 1)}
    jieba_words("预热")  # jieba loads its dictionary once, on first use (about a second)
    for name, tokenise in (("char_ngrams", char_ngrams), ("jieba_words", jieba_words)):
        start = time.perf_counter()
        for text in texts:
            tokenise(text)
        out[f"{name}_seconds"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    TextVectorizer("char").fit_transform(texts)
    out["text_vectorizer_char_fit_seconds"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    cjk_share(texts)
    out["cjk_share_seconds"] = round(time.perf_counter() - start, 3)
    print(f"speed on {n_rows:,} reviews of {mean_chars:.0f} characters: " + ", ".join(
        f"{k} {v}" for k, v in out.items() if k.endswith("seconds")), flush=True)
    return out


def read_table(path: str, label: str, text: str, max_rows: int, seed: int) -> pd.DataFrame:
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path, columns=[label, text])
    else:
        frame = pd.read_csv(path, sep="\t" if suffix in (".tsv", ".tab") else ",", usecols=[label, text])
    frame = frame.dropna(subset=[label])
    if max_rows and len(frame) > max_rows:
        frame = frame.sample(max_rows, random_state=seed)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a CSV/TSV/Parquet file to measure besides the built-in sets")
    parser.add_argument("--label", help="its label column")
    parser.add_argument("--text", help="its text column")
    parser.add_argument("--max-rows", type=int, default=0, help="a uniform sample of this many rows of --data")
    parser.add_argument("--rows", type=int, default=6000, help="rows of each built-in synthetic set")
    parser.add_argument("--speed-rows", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=str(Path(__file__).parent / "results" / "text_analyzers.json"))
    args = parser.parse_args()
    if args.data and not (args.label and args.text):
        parser.error("--data needs --label and --text")

    tables = {}
    if args.data:
        frame = read_table(args.data, args.label, args.text, args.max_rows, args.seed)
        tables[Path(args.data).name] = (frame[args.text], frame[args.label])
    titles, reviews = synthetic_titles(args.rows, args.seed), synthetic_reviews(args.rows, args.seed)
    tables["synthetic_titles"] = (titles["title"], titles["category"])
    tables["synthetic_reviews"] = (reviews["review"], reviews["aspect"])

    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
               "auto_cjk_analyzer": AUTO_CJK_ANALYZER, "tables": {}}
    for name, (text, label) in tables.items():
        texts, y = as_text(text), label.astype(str).to_numpy()
        print(f"{name}: {len(texts):,} rows, {len(set(y))} classes, CJK share {cjk_share(texts):.2f}", flush=True)
        results["tables"][name] = {"rows": len(texts), "classes": len(set(y)),
                                   "cjk_share": round(cjk_share(texts), 3), "analyzers": evaluate(texts, y, args.seed)}
    results["speed"] = speed(args.speed_rows, args.seed)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"saved {args.json}")


if __name__ == "__main__":
    main()
