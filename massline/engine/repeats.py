"""Repeats: the same text posted again, and the same person raising the same problem again.

Input is a sequence of :class:`VoiceText` (or plain ``(id, text, person, at)`` tuples, the last
two optional), in any order; output says which voice repeats which earlier one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zlib import crc32

from .places import read
from .text import normalise

SAME_TEXT = "same_text"
SAME_PERSON = "same_person_same_problem"

SHINGLE = 5  #: characters per shingle
SKETCH = 8  #: smallest shingle hashes kept (a bottom-k sketch) as blocking keys
BLOCK = 50  #: latest voices compared per block, so shared boilerplate cannot go quadratic
VERIFY = 5  #: candidates verified per voice
NEAR = 0.5  #: shingle Jaccard at or above which two texts are the same text
PROBLEM = 0.3  #: token Jaccard at or above which one person's voices are one problem
PROBLEM_AT_PLACE = 0.15  #: the same, when both voices name the same place


@dataclass(frozen=True)
class VoiceText:
    """One voice as repeat detection needs it; ``person`` is a person key ("" if unknown)."""

    id: object
    text: str
    person: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Repeat:
    """``voice`` repeats the earlier ``original``, of ``kind``, with ``similarity`` in [0, 1]."""

    voice: object
    original: object
    kind: str
    similarity: float


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _shingles(text: str) -> frozenset[int]:
    # crc32, not hash(): the smallest hashes pick the lookup keys, and hash() of a str changes
    # from process to process, so the same corpus would find different repeats on each run.
    if len(text) <= SHINGLE:
        return frozenset({crc32(text.encode())})
    return frozenset(crc32(text[i : i + SHINGLE].encode()) for i in range(len(text) - SHINGLE + 1))


def find_repeats(
    voices: Iterable[VoiceText | Sequence], window: timedelta = timedelta(days=180)
) -> list[Repeat]:
    """Find voices that repeat an earlier one.

    Parameters
    ----------
    voices
        :class:`VoiceText` records or tuples ``(id, text[, person[, at]])``. Voices are taken
        in order of ``at`` (those without a time keep their input order, first).
    window
        How far back a same-person repeat may look.

    Returns
    -------
    list[Repeat]
        At most one per repeating voice: a same-text repeat if there is one (exact after
        :func:`~massline.engine.text.normalise`, or near-identical by character 5-gram
        Jaccard, found through bottom-k sketch blocking rather than all pairs), otherwise a
        same-person repeat (same person key within ``window``, and similar tokens, or the
        same place and somewhat similar tokens).
    """
    records = [v if isinstance(v, VoiceText) else VoiceText(*v) for v in voices]
    records.sort(key=lambda v: (v.at is not None, v.at or datetime.min))
    repeats: list[Repeat] = []
    exact: dict[str, int] = {}
    blocks: dict[int, list[int]] = defaultdict(list)
    shingles: list[frozenset[int]] = []
    people: dict[str, list[int]] = defaultdict(list)
    readings: dict[int, tuple[frozenset[str], str | None]] = {}

    def reading(i: int) -> tuple[frozenset[str], str | None]:
        if i not in readings:
            r = read(records[i].text)
            readings[i] = (frozenset(r.tokens), r.place)
        return readings[i]

    for i, voice in enumerate(records):
        text = normalise(voice.text)
        sh = _shingles(text)
        shingles.append(sh)
        found = None
        if text in exact:
            found = Repeat(voice.id, records[exact[text]].id, SAME_TEXT, 1.0)
        else:
            exact[text] = i
        keys = sorted(sh)[:SKETCH]
        if found is None:
            # Verify only the few earlier voices that share the most sketch keys.
            shared = Counter(j for k in keys for j in blocks[k][-BLOCK:])
            candidates = [j for j, _ in shared.most_common(VERIFY)]
            best = max(((_jaccard(sh, shingles[j]), -j) for j in candidates), default=None)
            if best and best[0] >= NEAR:
                found = Repeat(voice.id, records[-best[1]].id, SAME_TEXT, round(best[0], 3))
        for k in keys:
            blocks[k].append(i)
        if voice.person:
            earlier = people[voice.person]
            if found is None and earlier:
                found = _same_person(i, earlier, records, reading, window)
            earlier.append(i)
        if found:
            repeats.append(found)
    return repeats


def _same_person(i, earlier, records, reading, window) -> Repeat | None:
    voice = records[i]
    words, place = reading(i)
    best: tuple[float, int] | None = None
    for j in reversed(earlier):
        then = records[j].at
        if voice.at and then and voice.at - then > window:
            break
        other_words, other_place = reading(j)
        score = _jaccard(words, other_words)
        near_place = place is not None and place == other_place
        if (score >= PROBLEM or (near_place and score >= PROBLEM_AT_PLACE)) and (
            best is None or score > best[0]
        ):
            best = (score, j)
    if best is None:
        return None
    return Repeat(voice.id, records[best[1]].id, SAME_PERSON, round(best[0], 3))
