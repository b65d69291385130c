"""Hand-built hot-issue truth for the TipDM messages with replies, and a scorer.

The truth lives in ``hotissues_truth.csv`` next to this file (see ``hotissues_truth.md``).
Rows ``T..`` are major hot issues (at least three distinct users); rows ``M..`` are minor
ones (two distinct users) that count for precision but not for recall.

Usage::

    from bench.hotissues_truth import load_truth, score

    truth = load_truth()
    result = score([{"12712", "12193"}, ...], truth, k=10)
    print(result["precision_at_k"], result["recall_at_k"])
"""

from __future__ import annotations

import csv
from collections.abc import Sequence, Set
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("hotissues_truth.csv")
MIN_JACCARD = 0.3
MIN_SHARE_OF_SYSTEM = 0.5
MIN_OVERLAP = 2


@dataclass(frozen=True)
class TruthIssue:
    """One hand-identified hot issue: a slug, a short Chinese title, its member message ids."""

    issue: str
    title: str
    message_ids: frozenset[str]

    @property
    def major(self) -> bool:
        """True for ``T..`` rows (>= 3 distinct users), False for minor ``M..`` rows."""
        return self.issue.startswith("T")


def load_truth(path: str | Path | None = None) -> list[TruthIssue]:
    """Read the truth CSV (header ``issue,title,message_ids``) in file order."""
    with open(path or DEFAULT_PATH, encoding="utf-8", newline="") as f:
        return [
            TruthIssue(row["issue"], row["title"], frozenset(row["message_ids"].split()))
            for row in csv.DictReader(f)
        ]


def matches(system_issue: Set[str], truth_issue: TruthIssue) -> float | None:
    """Return the Jaccard index if the system issue matches the truth issue, else None.

    A match needs at least two shared messages and either Jaccard >= 0.3 or at least
    half of the system issue's members inside the truth issue.
    """
    shared = len(system_issue & truth_issue.message_ids)
    if shared < MIN_OVERLAP:
        return None
    jaccard = shared / len(system_issue | truth_issue.message_ids)
    if jaccard >= MIN_JACCARD or shared >= MIN_SHARE_OF_SYSTEM * len(system_issue):
        return jaccard
    return None


def score(system: Sequence[Set[str]], truth: Sequence[TruthIssue], k: int = 10) -> dict:
    """Score a system's ranked hot issues (sets of message ids, best first) against the truth.

    Returns ``precision_at_k`` (share of the system's top k that match any truth issue,
    major or minor), ``recall_at_k`` (major truth issues matched by the top k, divided by
    ``min(k, number of major issues)``, capped at 1), ``matched`` (list of
    ``(system_rank, truth_slug, jaccard)``, rank counted from 0, best truth issue per
    system issue) and ``duplicates`` (system issues matching an already matched truth issue).
    """
    top = [set(s) for s in system[:k]]
    matched: list[tuple[int, str, float]] = []
    for rank, issue in enumerate(top):
        best = max(
            ((j, t.issue) for t in truth if (j := matches(issue, t)) is not None),
            default=None,
        )
        if best is not None:
            matched.append((rank, best[1], round(best[0], 3)))
    hit = [slug for _, slug, _ in matched]
    majors = {t.issue for t in truth if t.major}
    major_hits = len(set(hit) & majors)
    return {
        "precision_at_k": len(matched) / len(top) if top else 0.0,
        "recall_at_k": min(major_hits, k) / min(k, len(majors)) if majors else 0.0,
        "matched": matched,
        "duplicates": len(hit) - len(set(hit)),
    }
