"""Which tokenisation suits Chinese text: word TF-IDF vs character n-grams vs jieba words, measured.

Usage: .venv/bin/python benchmarks/text_analyzers.py [--data FILE --label COL --text COL] [--max-rows N]
                                                   [--rows 20000] [--speed-rows 60000] [--json FILE]

For each table, 3-fold stratified cross-validation of ``TextVectorizer(analyzer=A)`` + logistic regression
(``class_weight=None``) for A in word, char, jieba: macro-F1, balanced accuracy and fit seconds (mean over
folds). Tables: ``--data`` (a CSV/TSV/Parquet file with a label and a text column) when given, and the
library's generated Chinese data: the documented case's titles (``documented_case(seed, lang="zh")``, five seeds:
3,000 mixed Chinese/English product titles with brands and model codes, some space-separated, some run
together) and ``--rows`` unsegmented reviews (``shapes.chinese_reviews``). Then the tokenisers' speed on
``--speed-rows`` generated reviews. Printed, and saved to benchmarks/results/text_analyzers.json;
:data:`ecombalance.models._text_features.AUTO_CJK_ANALYZER` is the analyzer this measurement favours.
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

from ecombalance.data import _datasets as datasets
from ecombalance.data import _shapes as shapes
from ecombalance.models._text_features import (
    AUTO_CJK_ANALYZER,
    TextVectorizer,
    as_text,
    char_ngrams,
    cjk_share,
    jieba_words,
)

ANALYZERS = ("word", "char", "jieba")
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
    texts = as_text(shapes.chinese_reviews(n_rows, seed)["review"])
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
    parser.add_argument("--rows", type=int, default=20000, help="rows of the generated Chinese reviews")
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
    titles = pd.concat([datasets.documented_case(seed, lang="zh") for seed in range(args.seed, args.seed + 5)])
    reviews = shapes.chinese_reviews(args.rows, args.seed)
    tables["documented_case_zh_5_seeds"] = (titles["title"], titles["category"])
    tables["chinese_reviews"] = (reviews["review"], reviews["cat"])

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
