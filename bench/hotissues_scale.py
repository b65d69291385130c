#!/usr/bin/env python3
"""How fast and how well does massline find hot issues in a large corpus?

    .venv/bin/python bench/hotissues_scale.py [--voices 100000 1000000] [--attach 1000]

For each size, on the synthetic corpus of the demo city (``generate_voices``, with its
planted hot issues as ground truth), end to end from raw text to ranked hot issues
(``find_hot_issues``: reading in one process per core, attaching, merging, ranking):
seconds, voices per second, and the peak memory of the process (ru_maxrss, children
included). Then it attaches ``--attach`` further voices one at a time to the state built
from the corpus (``Concentrator.add``, what the app does when a voice arrives) and prints
p50/p95/max per voice. Quality: how many planted hot issues are in the top 10 and top 20,
of all issues and of the sudden ones (突发: not chronic, see ``HotIssue.chronic``); a
reported issue finds a planted one when most of its voices carry that label and it holds at
least half of them.

Targets (issue 3): 100k voices < 30 s; 1M < 5 min with < 8 GB peak; attach p95 < 20 ms.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from massline.engine.hotissues import (  # noqa: E402
    Concentrator,
    VoiceRecord,
    find_hot_issues,
    idf_table,
    read_all,
)
from massline.synthetic import generate_voices  # noqa: E402


def corpus(n: int, seed: int = 0) -> tuple[list[VoiceRecord], dict[str, str | None]]:
    """``n`` synthetic voices as records, and each voice's planted hot issue (or None)."""
    records, labels = [], {}
    for v in generate_voices(n, seed=seed):
        records.append(
            VoiceRecord(
                v.external_id, f"{v.subject}。{v.body}", v.received_at, v.phone, v.likes, v.dislikes
            )
        )
        labels[v.external_id] = v.hot_issue
    return records, labels


def found(issues, labels: dict[str, str | None], k: int) -> set[str]:
    """Planted hot issues found among the top ``k`` reported ones."""
    sizes = Counter(label for label in labels.values() if label)
    hits = set()
    for issue in issues[:k]:
        label, n = Counter(labels[i] for i in issue.voice_ids).most_common(1)[0]
        if label and n > len(issue.voice_ids) / 2 and n >= sizes[label] / 2:
            hits.add(label)
    return hits


def peak_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024**2  # KiB → GiB


def attach_times(records: list[VoiceRecord], extra: list[VoiceRecord]) -> list[float]:
    """Milliseconds to attach each of ``extra``, one at a time, after ``records``."""
    readings = read_all(records)
    idf, n = idf_table(readings)
    concentrator = Concentrator(idf, n, window=timedelta(days=30))
    for reading in readings:
        concentrator.add(reading)
    times = []
    for record in extra:
        start = time.perf_counter()
        concentrator.add(record)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", type=int, nargs="+", default=[100_000])
    parser.add_argument("--attach", type=int, default=1000)
    args = parser.parse_args()
    for n in args.voices:
        records, labels = corpus(n + args.attach)
        records, extra = records[:n], records[n:]
        planted = {label for label in labels.values() if label}
        chars = sum(len(r.text) for r in records)
        start = time.perf_counter()
        issues = find_hot_issues(records)
        seconds = time.perf_counter() - start
        sudden = [issue for issue in issues if not issue.chronic]
        print(
            f"{n:>9,} voices ({chars / 1e6:.0f}M chars): {seconds:6.1f} s, "
            f"{n / seconds:,.0f} voices/s, peak {peak_gb():.1f} GB, {len(issues):,} hot issues "
            f"({len(issues) - len(sudden):,} chronic); planted found in top 10: "
            f"{len(found(issues, labels, 10))}/{len(planted)}, "
            f"top 20: {len(found(issues, labels, 20))}/{len(planted)}; "
            f"in the sudden ones' top 10: {len(found(sudden, labels, 10))}/{len(planted)}, "
            f"top 20: {len(found(sudden, labels, 20))}/{len(planted)}"
        )
        if args.attach:
            times = attach_times(records, extra)
            q = statistics.quantiles(times, n=100)
            print(
                f"{'':>9} attach one voice ({len(times)} voices): p50 {q[49]:.2f} ms, "
                f"p95 {q[94]:.2f} ms, max {max(times):.1f} ms"
            )


if __name__ == "__main__":
    main()
