#!/usr/bin/env python3
"""Why triage's category suggestions come from a classifier fitted in the background.

    .venv/bin/python bench/triage_suggestions.py [--sizes 2000,5000,10000]

On synthetic voices of the demo city (massline.synthetic, nothing real), for each number
of labelled voices: how long fitting ``CategoryClassifier`` takes (what a request would
wait if it fitted), how large the stored model is (pickled, zlib-compressed, as
``FittedClassifier.model``), how long a process takes to load it, and how long the
suggestions of one triage page (20 voices) take. ``massline.cases.suggestions`` fits on
the newest ``TRAIN_ON`` labelled voices.
"""

import argparse
import pickle
import sys
import time
import zlib
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from massline.engine.classify import CategoryClassifier  # noqa: E402
from massline.synthetic import generate_voices  # noqa: E402

PAGE = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,10000")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    print(f"{'voices':>7} {'fit s':>6} {'model MB':>9} {'load ms':>8} {'page ms':>8}")
    for n in sizes:
        voices = list(generate_voices(n + PAGE, seed=1, start=date(2025, 1, 1)))
        texts = [(v.subject, v.body) for v in voices]
        labels = [v.category[0] for v in voices]
        started = time.perf_counter()
        classifier = CategoryClassifier().fit(texts[:n], labels[:n])
        fit = time.perf_counter() - started
        blob = zlib.compress(pickle.dumps(classifier))
        started = time.perf_counter()
        loaded = pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own model
        load = time.perf_counter() - started
        started = time.perf_counter()
        loaded.predict_proba(texts[n:])
        page = time.perf_counter() - started
        print(f"{n:>7} {fit:>6.1f} {len(blob) / 1e6:>9.1f} {load * 1000:>8.0f} {page * 1000:>8.0f}")


if __name__ == "__main__":
    main()
