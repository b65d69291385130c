#!/usr/bin/env python3
"""How well does the category classifier do on real labelled messages?

    .venv/bin/python bench/classify_tipdm.py [--folds 5] [--seed 0]

Reads ``../shared/data/tipdm2020/messages_labelled.xlsx`` (495 real message-board messages,
7 first-level categories; the one id that repeats with a different label keeps its first
row) and ``taxonomy.xlsx`` (the category tree, used as prior knowledge through
``taxonomy_hints``) at run time — no text of them is in the repository. Compares, on the
same stratified folds with a fixed seed:

(a) the usual baseline: jieba words, TF-IDF, LinearSVC (default parameters);
(b) ``massline.engine.classify.CategoryClassifier`` with its default, fixed parameters.

Prints per-fold and mean macro-F1 and accuracy, a per-class F1 table and fit and predict
times; for (b) also the mean top probability, which a calibrated model keeps close to its
accuracy, and how (b) does with only k labelled messages per category, hints or not.

The parameters of (b) are fixed defaults, not tuned per fold. They were chosen by hand in
a dozen trials on 5-fold splits of this set with seeds 0–2 (character n-grams over words,
1–3-grams, min_df 2, taxonomy hints, sigmoid calibration without ensembling), so seed 0's
figure may be a little optimistic; seed 3, never looked at while choosing, gives the same
level (0.866). Without the data the bench says so and skips — except under CI=true, where
it fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020"


def read_messages(folder: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(subject, body) pairs and first-level labels of messages_labelled.xlsx, ids unique."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(folder / "messages_labelled.xlsx").get_sheet_by_index(0)
    header, *rows = sheet.to_python()
    at = {name: header.index(name) for name in ("留言编号", "留言主题", "留言详情", "一级分类")}
    seen: set = set()
    texts, labels = [], []
    for row in rows:
        if row[at["留言编号"]] in seen:
            continue
        seen.add(row[at["留言编号"]])
        texts.append((str(row[at["留言主题"]]), str(row[at["留言详情"]])))
        labels.append(str(row[at["一级分类"]]))
    return texts, labels


def read_hints(folder: Path) -> dict[str, list[str]]:
    """Classifier hints from taxonomy.xlsx (一级/二级/三级分类)."""
    from python_calamine import CalamineWorkbook

    from massline.engine.classify import taxonomy_hints

    _, *rows = (
        CalamineWorkbook.from_path(folder / "taxonomy.xlsx").get_sheet_by_index(0).to_python()
    )
    return taxonomy_hints([[str(cell) for cell in row] for row in rows])


def baseline():
    """jieba words, TF-IDF and a LinearSVC, as most tutorials do it."""
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.svm import LinearSVC

    def join(texts):
        return [f"{subject} {body}" for subject, body in texts]

    return make_pipeline(
        FunctionTransformer(join),
        TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None),
        LinearSVC(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is not here: skipped.")
        return 1 if os.environ.get("CI", "").lower() == "true" else 0

    import jieba
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    from massline.engine.classify import CategoryClassifier

    jieba.initialize()
    texts, labels = read_messages(DATA)
    hints = read_hints(DATA)
    y = np.array(labels)
    classes = sorted(set(labels))
    print(f"{len(texts)} messages, {len(classes)} categories, {args.folds}-fold, seed {args.seed}")
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(texts, y)
    folds = list(folds)
    models = {
        "(a) jieba TF-IDF + LinearSVC": baseline,
        "(b) CategoryClassifier": lambda: CategoryClassifier(hints=hints),
    }
    for name, make in models.items():
        predicted = np.empty_like(y)
        confidence = np.full(len(y), np.nan)
        f1s, accuracies, fit_time, predict_time = [], [], 0.0, 0.0
        for train, test in folds:
            start = time.perf_counter()
            model = make().fit([texts[i] for i in train], y[train])
            fit_time += time.perf_counter() - start
            start = time.perf_counter()
            predicted[test] = model.predict([texts[i] for i in test])
            predict_time += time.perf_counter() - start
            if hasattr(model, "predict_proba"):
                confidence[test] = model.predict_proba([texts[i] for i in test]).max(axis=1)
            f1s.append(f1_score(y[test], predicted[test], average="macro"))
            accuracies.append(accuracy_score(y[test], predicted[test]))
        print(f"\n{name}")
        print("  macro-F1 per fold: " + "  ".join(f"{f:.3f}" for f in f1s))
        print(f"  macro-F1 mean {np.mean(f1s):.3f} (sd {np.std(f1s):.3f})")
        print(f"  accuracy mean {np.mean(accuracies):.3f}")
        if not np.isnan(confidence).any():  # calibrated: as sure as it is right, on average
            print(f"  top probability mean {confidence.mean():.3f} (vs accuracy above)")
        print(
            f"  fit {fit_time / len(folds):.2f} s per fold, "
            f"predict {1000 * predict_time / len(y):.2f} ms per message"
        )
        per_class = f1_score(y, predicted, labels=classes, average=None)
        for label, f1 in zip(classes, per_class, strict=True):
            print(f"    {label:<8}\t{(y == label).sum():>4}\tF1 {f1:.3f}")
    few_labels(texts, y, hints)
    return 0


def few_labels(texts: list[tuple[str, str]], y: np.ndarray, hints: dict[str, list[str]]) -> None:
    """With only k labelled messages per category (3 random draws), the rest as test."""
    from sklearn.metrics import f1_score

    from massline.engine.classify import CategoryClassifier

    print("\n(b) with k labelled messages per category, the rest as test (mean of 3 draws)")
    print("   k\thints\tmode\tmacro-F1\ttop probability")
    for k in (1, 3, 10, 20):
        for with_hints in (False, True):
            f1s, confidences = [], []
            for draw in range(3):
                rng = np.random.default_rng(draw)
                train = np.concatenate(
                    [rng.choice(np.flatnonzero(y == c), k, replace=False) for c in np.unique(y)]
                )
                test = np.setdiff1d(np.arange(len(y)), train)
                model = CategoryClassifier(hints=hints if with_hints else None)
                model.fit([texts[i] for i in train], y[train])
                probabilities = model.predict_proba([texts[i] for i in test])
                predicted = model.classes_[probabilities.argmax(axis=1)]
                f1s.append(f1_score(y[test], predicted, average="macro"))
                confidences.append(probabilities.max(axis=1).mean())
            print(
                f"  {k:>2}\t{'yes' if with_hints else 'no'}\t{model.mode_}\t"
                f"{np.mean(f1s):.3f}\t\t{np.mean(confidences):.3f}"
            )


if __name__ == "__main__":
    sys.exit(main())
