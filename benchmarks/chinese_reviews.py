"""A user's Chinese review table of 62,774 rows: notebooks 01 and 06 in the quick profile, against a direct
character n-gram logistic regression on the same table.

Usage: .venv/bin/python benchmarks/chinese_reviews.py [--rows 62774] [--profile quick] [--out DIR] [--json FILE]

The table is :func:`ecombalance.data._shapes.chinese_reviews` (10 product categories, 10,000 down to 575 reviews,
like the public online_shopping_10_cats table), written to CSV. First the reference, computed here without the
report: 3-fold stratified cross-validation of logistic regression on scikit-learn's TF-IDF of the review,
(a) with its default word tokens, (b) with character 1–2-grams, (c) the same with ``class_weight="balanced"``.
Then ``ecombalance report --profile quick --notebooks 01,06 --data FILE --label-col cat --text-col review`` runs
in a subprocess, as a user would call it (``text_analyzer`` left at ``auto``), and notebook 06 once more with
``-p max_rows 20000`` (its quick default compares methods on a 3,000-row sample). Targets: both notebooks within
20 minutes on 2 CPU cores, and the report's plain model reaching the reference's character n-gram macro-F1.
Results are printed and saved to benchmarks/results/chinese_reviews.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from ecombalance.data import _shapes as shapes

sys.path.insert(0, str(Path(__file__).parent))
import user_table  # noqa: E402  (the sibling script's report runner)

TARGET_SECONDS = 20 * 60
REFERENCES = {
    "default_word": ({}, None),
    "char_1_2": ({"analyzer": "char", "ngram_range": (1, 2)}, None),
    "char_1_2_balanced": ({"analyzer": "char", "ngram_range": (1, 2)}, "balanced"),
}


def reference(frame, label: str, text: str) -> dict:
    """Out-of-fold macro-F1, balanced accuracy and the smallest class's recall of each reference model."""
    smallest = frame[label].value_counts().index[-1]
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    results = {}
    for name, (tfidf, class_weight) in REFERENCES.items():
        start = time.perf_counter()
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True, **tfidf),
                              LogisticRegression(max_iter=1000, class_weight=class_weight))
        pred = cross_val_predict(model, frame[text].fillna(""), frame[label], cv=folds)
        results[name] = {
            "macro_f1": round(f1_score(frame[label], pred, average="macro"), 4),
            "balanced_accuracy": round(balanced_accuracy_score(frame[label], pred), 4),
            "recall_smallest": round(recall_score(frame[label], pred, labels=[smallest], average="macro"), 4),
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(f"  reference {name}: {results[name]}", flush=True)
    return results


def report_numbers(out: Path, options: list[str]) -> dict:
    """``ecombalance report --out OUT OPTIONS`` (:func:`user_table.run_report`): seconds per notebook and the
    headline numbers."""
    completed, wall, entries = user_table.run_report(out, options)
    seconds = {e["notebook"]: e["seconds"] for e in entries}
    headline = {e["notebook"]: e["headline"] for e in entries}
    nb01 = headline.get("01_documented_case", {})
    nb06 = headline.get("06_effect_evaluation", {})
    total = round(sum(seconds.values()), 1)
    report = {
        "exit_code": completed.returncode, "notebook_seconds": seconds, "total_seconds": total,
        "wall_seconds": round(wall, 1), "within_time": completed.returncode == 0 and total <= TARGET_SECONDS,
        "nb01_plain_macro_f1": nb01.get("plain_macro_f1"),
        "nb01_plain_recall_smallest": nb01.get("plain_recall_smallest"),
        "nb01_weighted_recall_smallest": nb01.get("weighted_recall_smallest"),
        "nb01_macro_f1_word_tokens": nb01.get("macro_f1_word_tokens"),
        "nb01_text_analyzer": nb01.get("text_analyzer"),
        "nb06_baseline_macro_f1": nb06.get("none+logreg/macro_f1"),
        "nb06_class_weight_macro_f1": nb06.get("class_weight+logreg/macro_f1"),
        "nb06_class_weight_recall_smallest": nb06.get("class_weight+logreg/recall_smallest"),
    }
    if completed.returncode:
        report["error"] = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=62_774)
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--notebooks", default="01,06")
    parser.add_argument("--out", type=Path, default=None, help="folder for the table and report (default: temporary)")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "chinese_reviews.json")
    parser.add_argument("--max-rows-06", type=int, default=20_000,
                        help="a second run of notebook 06 on a stratified sample of this many rows (quick: 3,000)")
    parser.add_argument("--note", default="", help="a line on the machine's load, saved with the results")
    args = parser.parse_args()
    roles = shapes.ROLES["chinese_reviews"]
    frame = shapes.generate("chinese_reviews", args.rows)
    label, text = roles.label, roles.text_cols[0]
    print(f"{len(frame):,} reviews, {frame[label].nunique()} classes, smallest {frame[label].value_counts().min()}",
          flush=True)
    refs = reference(frame, label, text)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.out or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        data = workdir / "chinese_reviews.csv"
        frame.to_csv(data, index=False)
        data_args = ["--data", str(data), "--label-col", label, "--text-col", text]
        report = report_numbers(workdir / "report", [*data_args, "--profile", args.profile, "--notebooks", args.notebooks])
        report["reaches_char_reference"] = (report["nb01_plain_macro_f1"] is not None
                                            and report["nb01_plain_macro_f1"] >= refs["char_1_2"]["macro_f1"] - 0.02)
        larger = report_numbers(workdir / "report_06_max_rows", [*data_args, "--profile", args.profile, "--notebooks",
                                                             "06", "-p", "max_rows", str(args.max_rows_06)])
    print(json.dumps({"report": report, "report_06_max_rows": larger}, indent=1), flush=True)
    record = {"machine": f"{platform.platform()}, {os.cpu_count()} CPUs", "python": platform.python_version(),
              "rows": len(frame), "profile": args.profile, "notebooks": args.notebooks, "note": args.note,
              "reference": refs, "report": report,
              "report_06_max_rows": {"max_rows": args.max_rows_06, **larger}}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"saved {args.json}")


if __name__ == "__main__":
    main()
