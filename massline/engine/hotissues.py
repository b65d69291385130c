"""Hot issues: many people, one place or group, one problem, within days.

The usual tools get this wrong on real message boards. Topic models (LDA, BERTopic) return
*themes* ("schools", "the subway") that outrank the real issues; clustering a whole corpus
by word vectors splits one issue when people word it differently and ranks a sharp issue
of ten people at one school below generic chatter. massline starts from the other half of
a hot issue, the place:

1. **Read** each voice once (:func:`massline.engine.places.read`): its words, the place it
   is about, the group it speaks for, its kind.
2. **Anchor** it: the place it names (variants such as 魅力之城小区 / 魅力之城 are one
   anchor), else the group (学生, 业主 …), else nothing.
3. **Problem words**: its words without the place, area codes, group words and numbers,
   each weighted by its inverse document frequency over the corpus (rare words tell one
   problem from another; 问题, 解决 do not).
4. **Attach**, in time order, to the most similar open issue *of the same anchor*
   (cosine of problem words against the issue's summed words, at least
   :data:`THRESHOLD` for the kind of anchor, last voice within ``window``), or start a
   candidate. A shared place is strong evidence, so the bar is low there and people's own
   wordings still meet; without a place it is high. Only issues sharing a distinctive
   word are compared, so this stays linear in the number of voices. The same step
   attaches one new voice as it arrives (:meth:`Concentrator.add`).
5. **Merge** candidates whose anchors are variants of one place (滨河苑 in 伊景园滨河苑)
   and whose problems agree; never across places (one problem at two places is two
   issues, and merging them is how themes are made). Cut a long-running issue into its
   bursts and the chronic rest (:meth:`Concentrator.episodes`).
6. **Rank** the candidates raised by at least ``min_people`` distinct people by the
   heat index (:func:`heat`), and describe each: a title "place + problem", keywords,
   3–5 representative voices of different people, a per-day trend, an extractive
   summary and a one-line reason why it is hot.
"""

from __future__ import annotations

import gc
import math
import os
import re
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import islice, repeat
from multiprocessing import get_all_start_methods, get_context
from operator import add, itemgetter, mul, truediv

from massline.engine.places import _AREA, _HEAD_TEXT, AREA_CODE, GROUPS, is_generic, read
from massline.engine.text import (
    KIND_RANK,
    SUFFIX_KIND,
    Tokenizer,
    WordMemo,
    default_tokenizer,
    suffix_of,
)

#: Cosine of problem words needed to join an issue, by kind of anchor.
THRESHOLD = {"place": 0.22, "group": 0.45, "": 0.5}
#: Groups too broad to anchor an issue: everybody is a resident.
BROAD_GROUPS = frozenset({"居民", "儿童", "老人"})
#: A place named by this few voices in the whole input is rare; joining one of its issues
#: then needs only RARE_PLACE times the usual cosine (on a sparse message board people
#: describe one problem at one place in words that share little else).
RARE = 20
RARE_PLACE = 0.5
#: Cosine needed to merge two candidates whose anchors are variants of one place.
MERGE_RELATED = 0.2
#: The span in which people raising a problem at once count most in the heat index.
PEAK = timedelta(days=14)
#: A week this many times an issue's own weekly average is a burst within it.
BURST = 3
#: An issue raised for this long with no burst is chronic (常发), not sudden (突发).
CHRONIC = timedelta(weeks=8)
#: Words shared by more than this share of voices are no evidence of one problem.
COMMON_SHARE = 0.05
COMMON_LEAST = 50
#: Terms kept in an issue's summed words (the rest weigh little and cost time).
CENTROID_TERMS = 40
#: Latest issues looked up per (anchor, word): shared boilerplate cannot go quadratic.
LOOKUP = 30
#: Issues scored per voice: those sharing the most distinctive words.
CANDIDATES = 6
#: Words of a voice that look for its issue: a long letter's hundred words need not.
KEYS = 16

_DIGIT = re.compile(r"\d")  # numbers, dates, buildings: details, not the problem
_VEHICLE = re.compile(r"(?<=\d路)(?:公交车|公交|社区巴士|巴士)$")
_GROUP_WORDS = frozenset(w for words in GROUPS.values() for w in words)
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")

# Words that make an issue more serious: life and safety first, then livelihoods.
SEVERITY: dict[str, float] = {
    word: weight
    for weight, words in (
        (1.0, "死亡 身亡 死人 生命危险 坍塌 倒塌 火灾 爆炸 中毒 跳楼 自杀 溺水 触电 砸伤 砸到人"),
        (0.6, "受伤 安全隐患 危险 困人 救命 讨薪 拖欠工资 血汗钱 集体 群体 上访 维权 诈骗"),
        (0.6, "骗局 跑路 停水 停电 断水 断电 食物中毒 拉肚子"),
        (0.3, "严重 紧急 老人 孩子 病人 孕妇 残疾 无法休息 睡不着 恶臭"),
    )
    for word in words.split(" ")
}
_SEVERITY = re.compile("|".join(sorted(map(re.escape, SEVERITY), key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class VoiceRecord:
    """One voice as concentration needs it.

    ``text`` is the subject and body joined; ``person`` a person key ("" if unknown);
    ``likes`` and ``dislikes`` where the channel has them; ``category`` if known.
    """

    id: object
    text: str
    at: datetime
    person: str = ""
    likes: int = 0
    dislikes: int = 0
    category: str | None = None


@dataclass(slots=True)
class Reading:
    """What concentration keeps of a read voice."""

    record: VoiceRecord
    anchor: str  #: canonical place, ``group:学生``, or "" for none
    place: str | None  #: the place as written
    group: str | None
    kind: str  #: as :func:`massline.engine.places.guess_kind`
    terms: tuple[str, ...]  #: problem words, each once: the opening sentence's first
    severity: float
    head: int = 0  #: how many of ``terms`` the opening sentence (usually the subject) has
    before: str = ""  #: the word before the place, if it could tell which place of that name
    also: tuple[str, ...] = ()  #: anchors of the other places its opening sentence names
    opening: str = ""  #: the opening sentence, normalised


def anchor_of(place: str | None, group: str | None) -> str:
    """The anchor of a voice: its place without a generic 小区/社区 ending, else its group
    unless a broad one (:data:`BROAD_GROUPS`), else ""."""
    if place and (suffix_of(place) or not _AREA.match(place)):  # 翠湖小区 is no area
        place = _VEHICLE.sub("", place)  # 204路公交车, 204路公交, 204路: one line
        for generic in ("小区", "社区"):
            if place.endswith(generic) and len(place) - len(generic) >= 2:
                return place[: -len(generic)]
        return place
    return f"group:{group}" if group and group not in BROAD_GROUPS else ""


def _kind_of_anchor(anchor: str) -> str:
    return "group" if anchor.startswith("group:") else "place" if anchor else ""


def reading_of(record: VoiceRecord, tokenizer: Tokenizer | None = None) -> Reading:
    """Read one voice for concentration (normalise and segment once)."""
    return Reading(record, *_read_text(record.text, tokenizer))


def _read_text(text: str, tokenizer: Tokenizer | None) -> tuple:
    """A :class:`Reading`'s fields after ``record``: plain data, cheap to send between
    processes."""
    r = read(text, tokenizer)
    anchor = anchor_of(r.place, r.group)
    drop = {r.place, anchor}
    terms = [
        t
        for t in map(_PROBLEM_WORD.__getitem__, dict.fromkeys(r.tokens))
        if t and t not in drop and not (anchor and (anchor in t or t in anchor))
    ]
    # The opening sentence (the subject, on a message board) says what the voice is about.
    opening = _HEAD_TEXT.match(r.text).group()
    head = [t for t in terms if t in opening]
    terms = head + [t for t in terms if t not in opening]
    severity = max((SEVERITY[m] for m in _SEVERITY.findall(r.text)), default=0.0)
    also = tuple(a for a in (anchor_of(p, None) for p in r.also) if a and a != anchor)
    fields = r.place, r.group, r.kind, tuple(terms), severity, len(head), r.before, also, opening
    return sys.intern(anchor), *fields


def _problem_word(word: str) -> str:
    """``word``, interned, if it can be a problem word wherever it is, else ""."""
    if (
        len(word) > 1
        and word not in _GROUP_WORDS
        and not _DIGIT.search(word)
        and not AREA_CODE.match(word)
        and not (word[-1] in "省市区县" and _AREA.match(word) and not suffix_of(word))  # 临江市
    ):
        return sys.intern(word)
    return ""


_PROBLEM_WORD = WordMemo(_problem_word)


def _length(values: Iterable[float]) -> float:
    """The Euclidean length of a vector's ``values``."""
    values = list(values)
    return math.sqrt(sum(map(mul, values, values)))


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two sparse vectors, summed in ``a``'s order."""
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))


def _strongest(weights: dict[str, float], n: int) -> dict[str, float]:
    """The ``n`` heaviest of ``weights``, heaviest first (the first among equals)."""
    return dict(sorted(weights.items(), key=itemgetter(1), reverse=True)[:n])


def idf_table(readings: Iterable[Reading]) -> tuple[dict[str, float], int]:
    """Inverse document frequency of each problem word over ``readings``, and their count."""
    df: Counter[str] = Counter()
    n = 0
    for reading in readings:
        df.update(reading.terms)
        n += 1
    return {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()}, n


@dataclass(eq=False)
class Cluster:
    """A candidate hot issue: voices of one anchor about one problem."""

    anchor: str
    members: list[Reading] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  #: summed unit vectors
    first: datetime | None = None
    last: datetime | None = None
    _norm: float = 0.0

    def similarity(self, vector: dict[str, float]) -> float:
        """Cosine between a voice's unit vector and this issue's summed words."""
        if not self._norm:
            return 0.0
        return _dot(vector, self.weights) / self._norm

    def add(self, reading: Reading, vector: dict[str, float]) -> None:
        self.members.append(reading)
        w = self.weights
        added = map(add, map(w.get, vector, repeat(0.0)), vector.values())
        w.update(zip(vector, added, strict=True))
        if len(w) > 2 * CENTROID_TERMS:
            self.weights = w = _strongest(w, CENTROID_TERMS)
        self._norm = _length(w.values())
        at = reading.record.at
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last

    def absorb(self, other: Cluster) -> None:
        """Take ``other``'s voices (after a merge)."""
        self.members.extend(other.members)
        for t, x in other.weights.items():
            self.weights[t] = self.weights.get(t, 0.0) + x
        self.weights = _strongest(self.weights, CENTROID_TERMS)
        self._norm = _length(self.weights.values())
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)
        # the place most of its voices name; a group or nothing only when none names one
        anchors = Counter(m.anchor for m in self.members)
        self.anchor = max(
            anchors, key=lambda a: (_kind_of_anchor(a) == "place", bool(a), anchors[a])
        )

    def cosine(self, other: Cluster) -> float:
        if not (self._norm and other._norm):
            return 0.0
        a, b = (self.weights, other.weights)
        if len(a) > len(b):
            a, b = b, a
        return _dot(a, b) / (self._norm * other._norm)

    @property
    def people(self) -> int:
        """Distinct people: person keys, and each anonymous voice with a text of its own."""
        keys = {m.record.person for m in self.members if m.record.person}
        anonymous = {m.terms for m in self.members if not m.record.person}
        return len(keys) + len(anonymous)


class Concentrator:
    """Attaches voices, in time order, to candidate hot issues.

    Parameters
    ----------
    idf
        Inverse document frequencies of problem words (:func:`idf_table`); words not in it
        weigh as the rarest. Empty at first: the weights then treat every word alike.
    documents
        How many voices ``idf`` was computed from (to tell common words).
    window
        The longest quiet gap within one issue.
    tokenizer
        One that knows the deployment's learned place names, or the default one.
    """

    def __init__(
        self,
        idf: dict[str, float] | None = None,
        documents: int = 0,
        *,
        window: timedelta = timedelta(days=30),
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.idf = idf or {}
        self.documents = documents
        self.window = window
        self.tokenizer = tokenizer or default_tokenizer()
        self.clusters: list[Cluster] = []
        self._rare = math.log(documents + 1) + 1 if documents else 1.0
        # A word is distinctive unless more than COMMON_SHARE of voices, and more than
        # COMMON_LEAST, have it (in a small corpus nothing is common).
        common = max(COMMON_SHARE * documents, COMMON_LEAST)
        self._distinctive = math.log((documents + 1) / (common + 1)) + 1
        #: Places few voices name: that two of them name one is strong evidence already.
        self.rare_places: set[str] = set()
        # (anchor, distinctive word) → the issues using it, latest last
        self._index: dict[tuple[str, str], dict[Cluster, None]] = defaultdict(dict)

    def vector(self, reading: Reading) -> dict[str, float]:
        """A voice's problem words as a unit vector of idf weights, those of its opening
        sentence at least twice and together at least as much as all the others."""
        head, terms = reading.head, reading.terms
        weights = list(map(self.idf.get, terms, repeat(self._rare)))
        # The opening weighs at least as much as the rest: a long letter is still about
        # what its subject says.
        opening = _length(weights[:head])
        if opening:
            boost = max(2.0, _length(weights[head:]) / opening)
            weights[:head] = map(mul, weights[:head], repeat(boost))
        norm = _length(weights) or 1.0
        return dict(zip(terms, map(truediv, weights, repeat(norm)), strict=True))

    def add(self, voice: VoiceRecord | Reading) -> Cluster | None:
        """Attach one voice to the most similar open issue of its anchor, or start one.

        Praise raises no problem: it joins nothing (``None``); nor does a voice that names
        no place or group and joins no issue of a place its opening names (what such
        voices share is a theme, never a hot issue).
        """
        reading = voice if isinstance(voice, Reading) else reading_of(voice, self.tokenizer)
        if reading.kind == "praise" or not (reading.anchor or reading.also):
            return None
        vector = self.vector(reading)
        at = reading.record.at
        # Issues of its place, or of another place its opening names: people name the
        # same spot by the compound or by the road it is on (佳园星城, 井莲路).
        # Its strongest words find them: those of the opening, then the rarest.
        strongest = sorted(vector, key=vector.__getitem__, reverse=True)[:KEYS]
        idf, rare, distinctive = self.idf, self._rare, self._distinctive
        anchors = (reading.anchor, *reading.also)
        keys = [
            (anchor, t) for t in strongest if idf.get(t, rare) >= distinctive for anchor in anchors
        ]
        earliest, latest = at - self.window, at + self.window
        shared: dict[Cluster, int] = {}
        index = self._index
        for key in keys:
            if key in index:
                for cluster in islice(reversed(index[key]), LOOKUP):
                    if earliest <= cluster.last <= latest:
                        shared[cluster] = shared.get(cluster, 0) + 1
        threshold = THRESHOLD[_kind_of_anchor(reading.anchor)]
        if reading.anchor in self.rare_places:
            threshold *= RARE_PLACE
        best, best_score = None, threshold
        # those sharing the most keys, the first found first among equals
        for cluster in sorted(shared, key=shared.__getitem__, reverse=True)[:CANDIDATES]:
            score = cluster.similarity(vector)
            if score >= best_score:
                best, best_score = cluster, score
        if best is None:
            if not reading.anchor:
                return None
            best = Cluster(reading.anchor)
            self.clusters.append(best)
        best.add(reading, vector)
        for key in keys:
            bucket = self._index[key]
            bucket.pop(best, None)  # to the end: the latest
            bucket[best] = None
        return best

    def merge(self) -> None:
        """Merge candidates whose anchors are variants of one place and whose problems
        agree (people word one problem differently, and name one place differently)."""
        # Voices that name no place stay apart: whatever they share is a theme, not a place.
        grown = sorted(
            (c for c in self.clusters if len(c.members) > 1 and c.anchor),
            key=lambda c: -len(c.members),
        )
        family = _families({c.anchor for c in grown})
        by_term: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
        merged: set[int] = set()
        for cluster in grown:
            home = family[cluster.anchor]
            top = [(home, t) for t in _strongest(cluster.weights, 5)]
            into = None
            seen: set[int] = set()
            for key in top:
                for other in by_term[key]:
                    if id(other) in seen or id(other) in merged:
                        continue
                    seen.add(id(other))
                    if (
                        _overlap(cluster, other, self.window)
                        and _related(cluster.anchor, other.anchor)
                        and cluster.cosine(other) >= MERGE_RELATED
                    ):
                        into = other
                        break
                if into:
                    break
            if into:
                into.absorb(cluster)
                merged.add(id(cluster))
            else:
                for key in top:
                    by_term[key].append(cluster)
        self.clusters = [c for c in self.clusters if id(c) not in merged]

    def hot_issues(
        self, *, until: datetime | None = None, min_people: int = 3, top: int | None = None
    ) -> list[HotIssue]:
        """The candidates raised by at least ``min_people`` people, hottest first."""
        if until is None:
            until = max((c.last for c in self.clusters), default=None)
        span_days = 1.0
        if self.clusters:
            first = min(c.first for c in self.clusters)
            span_days = max((until - first).total_seconds() / 86400, 1.0)
        issues = [
            describe(part, self, until, len(c.members) / span_days, max(30.0, span_days / 4))
            for c in self.clusters
            if c.anchor and c.people >= min_people
            for part in self.episodes(c, min_people)
            if part.people >= min_people
        ]
        # A group's chronic complaints across a city are a theme; only its bursts are issues.
        issues = [i for i in issues if not i.anchor.startswith("group:") or i.burst >= BURST]
        issues.sort(key=lambda issue: (-issue.heat, -issue.people, issue.start))
        return issues[:top] if top else issues

    def episodes(self, cluster: Cluster, min_people: int = 3) -> list[Cluster]:
        """A long-running issue cut into its bursts and the chronic rest.

        A place can have a chronic problem (a few complaints a week all year) and, within
        it, a burst (a stoppage, a flood): the burst is the hot issue. A burst is a week
        with at least ``min_people`` people and :data:`BURST` times the issue's own weekly
        average of voices; bursts less than a week apart are one. Short issues stay whole.
        """
        members = sorted(cluster.members, key=lambda m: m.record.at)
        days = Counter(m.record.at.date() for m in members)
        people: defaultdict[date, set[object]] = defaultdict(set)
        for m in members:
            people[m.record.at.date()].add(_who(m))
        start, end = members[0].record.at.date(), members[-1].record.at.date()
        span = (end - start).days + 1
        if span <= 4 * 7 or len(members) < 2 * min_people:
            return [cluster]
        need = max(min_people, BURST * 7 * len(members) / span)
        hot: set[date] = set()
        week: deque[date] = deque()
        voices = 0  # in the last seven days
        for i in range(span):
            day = start + timedelta(days=i)
            week.append(day)
            voices += days.get(day, 0)
            if len(week) > 7:
                voices -= days.get(week.popleft(), 0)
            # one person's many posts are no burst
            if voices >= need and len(set().union(*(people[d] for d in week))) >= min_people:
                hot.update(d for d in week if d in days)
        if not hot:
            return [cluster]
        # Hot days less than PEAK apart are one burst; its voices are those within a
        # week of it (its beginning and its tail are quieter than its peak).
        spans: list[list[date]] = []
        for day in sorted(hot):
            if spans and (day - spans[-1][1]).days <= PEAK.days:
                spans[-1][1] = day
            else:
                spans.append([day, day])
        margin = timedelta(days=7)
        bursts: list[list[Reading]] = [[] for _ in spans]
        rest: list[Reading] = []
        for m in members:
            day = m.record.at.date()
            inside = [i for i, (a, b) in enumerate(spans) if a - margin <= day <= b + margin]
            (bursts[inside[0]] if inside else rest).append(m)
        parts = []
        for group in (*bursts, rest):
            if group:
                part = Cluster(cluster.anchor)
                for m in group:
                    part.add(m, self.vector(m))
                parts.append(part)
        return parts


def _families(anchors: set[str]) -> dict[str, str]:
    """Each anchor's family: anchors that are variants of one place (滨河苑, 伊景园滨河苑)
    share one, so only those are compared when merging (never across places)."""
    parent = {a: a for a in anchors}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for anchor in anchors:
        if anchor.startswith("group:"):
            continue
        for i in range(len(anchor)):
            for j in range(i + 2, len(anchor) + 1):
                part = anchor[i:j]
                if part != anchor and part in parent and _related(part, anchor):
                    parent[root(part)] = root(anchor)
    return {a: root(a) for a in anchors}


def _overlap(a: Cluster, b: Cluster, window: timedelta) -> bool:
    return a.first - window <= b.last and b.first - window <= a.last


def _related(a: str, b: str) -> bool:
    """Whether two anchors may name one place (滨河苑, 伊景园滨河苑)."""
    if a == b:
        return True
    if a.startswith("group:") or b.startswith("group:"):
        return False
    short, long = sorted((a, b), key=len)
    # 政务服务中心 is in every district: which one a voice means is anybody's guess
    # 恒丰 (from 恒丰小区) is in 恒丰新村 and 恒丰雅苑 too: two characters say too little
    return len(short) >= 3 and short in long and not _generic(short)


@cache
def _generic(anchor: str) -> bool:
    return is_generic(anchor)


@dataclass
class HotIssue:
    """A hot issue as people see it."""

    anchor: str  #: the place or ``group:…``
    title: str  #: "place/group + problem"
    keywords: list[str]
    start: datetime
    end: datetime
    voice_ids: list[object]  #: in time order
    representatives: list[object]  #: 3–5 voices of different people, most typical first
    trend: list[tuple[date, int]]  #: voices per day, start to end
    people: int  #: distinct people in all
    peak_people: int  #: distinct people within the busiest :data:`PEAK`
    voices: int
    endorsements: int  #: likes less dislikes
    burst: float  #: the busiest week against the usual level of this problem at this place
    severity: float  #: 0 (none) to 1 (life and safety)
    heat: float
    why: str  #: one line: why it is hot
    summary: str  #: extractive
    category: str | None = None  #: the most common known category of its voices
    terms: dict[str, float] = field(default_factory=dict, repr=False)  #: for attaching

    @property
    def place(self) -> str:
        """The place or group, as shown to people."""
        return self.anchor.removeprefix("group:")

    @property
    def chronic(self) -> bool:
        """Raised all along (常发) rather than all at once (突发): see :func:`is_chronic`."""
        return is_chronic(self.start, self.end, self.burst)


def is_chronic(start: datetime, end: datetime, burst: float) -> bool:
    """Whether an issue is chronic (常发): raised for :data:`CHRONIC` or longer, its busiest
    week under :data:`BURST` times its usual level. A dense city has many — a building
    site's noise, a company's wages, every fortnight all year — and they can outrank the
    sudden ones (突发), so people look at each kind apart."""
    return end - start >= CHRONIC and burst < BURST


def heat(
    peak_people: int,
    people: int,
    voices: int,
    endorsements: int,
    burst: float,
    severity: float,
    days_since_last: float,
    half_life: float = 30.0,
) -> float:
    """The heat index of a hot issue, 0 and up (about 100 for a big, fresh, serious one).

    ``6·√(peak people) + 2·ln(1+other people) + 2·ln(1+extra voices)
    + 2·ln(1+endorsements/10)``, where peak people are those within the busiest
    :data:`PEAK` (a problem many people raise *at once*), other people the rest, extra
    voices those beyond one per person (people who call again); then multiplied by

    - ``0.5 + 0.5·min(ln(1+burst)/ln 9, 1)``: the burst, the busiest week against the usual
      level of this problem at this place: eight times the usual or more counts in full, a
      chronic problem (the busiest week no busier than usual) about two thirds, so a
      sudden problem outranks a chronic one of the same size;
    - ``1 + 0.5·severity``: life and safety (1) lift it by half, livelihoods (0.6) less;
    - ``0.7 + 0.3·0.5^(days since the last voice / half_life)``: an issue nobody raised for
      a half-life (30 days, or a quarter of a longer period looked at) counts 85 %, a
      long-quiet one 70 %.

    Distinct people weigh most: ten people about one school outrank thirty posts by three.
    """
    base = (
        6 * math.sqrt(peak_people)
        + 2 * math.log1p(max(people - peak_people, 0))
        + 2 * math.log1p(max(voices - people, 0))
        + 2 * math.log1p(max(endorsements, 0) / 10)
    )
    lift = (0.5 + 0.5 * min(math.log1p(burst) / math.log(9), 1)) * (1 + 0.5 * severity)
    fresh = 0.7 + 0.3 * 0.5 ** (max(days_since_last, 0) / half_life)
    return round(base * lift * fresh, 1)


def _who(reading: Reading) -> object:
    """The person behind a voice: their key, or for an anonymous voice its words."""
    return reading.record.person or reading.terms


def peak_people(times: Sequence[datetime], who: Sequence[object], span: timedelta = PEAK) -> int:
    """Distinct people within the busiest ``span`` of time: ``times`` in order, ``who``
    the person behind each."""
    best = left = 0
    for right, at in enumerate(times):
        while at - times[left] > span:
            left += 1
        best = max(best, len(set(who[left : right + 1])))
    return best


def busiest_week(per_day: Sequence[int]) -> int:
    """The most voices in seven days running, from voices per day."""
    best = total = sum(per_day[:7])
    for i in range(7, len(per_day)):
        total += per_day[i] - per_day[i - 7]
        best = max(best, total)
    return best


def daily(days: Sequence[date]) -> list[tuple[date, int]]:
    """Voices per day from the first day to the last, quiet days included."""
    counts = Counter(days)
    every = list(map(date.fromordinal, range(min(days).toordinal(), max(days).toordinal() + 1)))
    return list(zip(every, map(counts.get, every, repeat(0)), strict=True))


def describe(
    cluster: Cluster,
    c: Concentrator,
    until: datetime,
    usual_per_day: float,
    half_life: float = 30.0,
) -> HotIssue:
    """Title, keywords, representatives, trend, heat and reasons of one candidate.

    ``usual_per_day`` is how many voices a day raise this problem at this place over the
    whole period (its bursts and chronic rest together): the level a burst is measured
    against. Other problems at the place do not count: talk of a building's lifts all year
    makes its water cut no less sudden.
    """
    members = sorted(cluster.members, key=lambda m: m.record.at)
    keywords = _keywords(cluster.weights)
    place = _place_label(cluster.anchor, members)

    # Most typical first, one voice per person.
    scored = sorted(members, key=lambda m: -cluster.similarity(c.vector(m)))
    representatives, people_seen = [], set()
    for m in scored:
        if _who(m) not in people_seen:
            people_seen.add(_who(m))
            representatives.append(m.record.id)
        if len(representatives) == 5:
            break

    start, end = members[0].record.at, members[-1].record.at
    trend = daily([m.record.at.date() for m in members])
    week = busiest_week([n for _, n in trend])
    burst = week / (7 * usual_per_day + 1)
    peak = peak_people([m.record.at for m in members], [_who(m) for m in members])
    people = cluster.people
    endorsements = sum(m.record.likes - m.record.dislikes for m in members)
    severity = sum(m.severity for m in members) / len(members)
    days_since = (until - end).total_seconds() / 86400
    value = heat(peak, people, len(members), endorsements, burst, severity, days_since, half_life)
    categories = Counter(m.record.category for m in members if m.record.category)
    return HotIssue(
        anchor=cluster.anchor,
        title=f"{place} {_problem_phrase(keywords, scored[0])}".strip(),
        keywords=keywords,
        start=start,
        end=end,
        voice_ids=[m.record.id for m in members],
        representatives=representatives,
        trend=trend,
        people=people,
        peak_people=peak,
        voices=len(members),
        endorsements=endorsements,
        burst=round(burst, 1),
        severity=round(severity, 2),
        heat=value,
        why=_why(cluster.people, len(members), trend, burst, endorsements, severity, members),
        summary=_summary(cluster, scored[:5]),
        category=categories.most_common(1)[0][0] if categories else None,
        terms=dict(cluster.weights),
    )


def _keywords(weights: dict[str, float], n: int = 5) -> list[str]:
    """The issue's strongest words, none a part of a stronger one (拖欠工资, not also 工资)."""
    chosen: list[str] = []
    for term in _strongest(weights, 3 * n):
        if not any(term in other or other in term for other in chosen):
            chosen.append(term)
        if len(chosen) == n:
            break
    return chosen


def _place_label(anchor: str, members: Sequence[Reading]) -> str:
    """The place as people most often write it (魅力之城小区 rather than the anchor 魅力之城)."""
    if anchor.startswith("group:"):
        return anchor.removeprefix("group:")
    written = Counter(m.place for m in members if m.place and anchor in m.place)
    return written.most_common(1)[0][0] if written else anchor


def _problem_phrase(keywords: list[str], typical: Reading) -> str:
    """The two strongest problem words, in the order the most typical voice says them."""
    order = {t: i for i, t in enumerate(typical.terms)}
    chosen = [k for k in keywords[:3] if k not in SUFFIX_KIND][:2]
    return "".join(sorted(chosen, key=lambda k: order.get(k, len(order))))


def _why(people, voices, trend, burst, endorsements, severity, members) -> str:
    """One line, in the product's first language: why this issue is hot."""
    parts = [f"{people}人反映{voices}次，{len(trend)}天内"]
    if burst >= 2:
        parts.append(f"高峰一周为此问题平时的{burst:.0f}倍")
    if endorsements >= 10:
        parts.append(f"获{endorsements}次点赞")
    if severity >= 0.3:
        words = Counter(w for m in members for w in _SEVERITY.findall(m.record.text))
        parts.append("涉及" + "、".join(w for w, _ in words.most_common(2)))
    return "；".join(parts)


def _summary(cluster: Cluster, typical: Sequence[Reading]) -> str:
    """Two sentences from the most typical voices that carry the most of the issue's words."""
    words = _strongest(cluster.weights, 15).items()
    seen: set[str] = set()
    best: list[tuple[float, str]] = []
    for m in typical:
        sentences = [s.strip() for s in _SENTENCE.findall(m.record.text)]
        # the opening is the subject ("关于…的问题"): what the title says already
        for sentence in sentences[1:] or sentences:
            if len(sentence) < 6 or sentence in seen:
                continue
            seen.add(sentence)
            best.append((sum([w for t, w in words if t in sentence]), sentence))
    best.sort(key=lambda pair: -pair[0])
    chosen: list[tuple[set[str], str]] = []
    for _, sentence in best:
        pairs = {sentence[i : i + 2] for i in range(len(sentence) - 1)}
        # not the same sentence again with another opening (来电人反映，… / 您好，…)
        if all(len(pairs & other) < 0.5 * min(len(pairs), len(other)) for other, _ in chosen):
            chosen.append((pairs, sentence))
        if len(chosen) == 2:
            break
    return "".join(sentence for _, sentence in chosen)


#: A place name preceded, in the voices, by this many different words (each in at least
#: two voices) is shared by several places: 吉祥母婴店, 星光母婴店 … are not one 母婴店.
SHARED_NAME = 3


def tell_shared_names(readings: Sequence[Reading]) -> set[str]:
    """Anchor the voices about a name several places share on the longer name they use.

    A name the dictionary does not know to be generic can still be shared in one city
    (母婴店, 滨江绿道, 家庄村). The voices show it in two ways: it ends several longer
    names that voices use (吉祥母婴店, 星光母婴店 …), or many different words stand before
    it. A voice naming such a name is anchored on the word before it and the name together
    (吉祥母婴店), the word no longer a problem word; with no such word, the voice cannot
    tell which place it means and is anchored on none. Returns the shared names.
    """
    places = Counter(r.anchor for r in readings if _kind_of_anchor(r.anchor) == "place")
    endings: Counter[str] = Counter()
    for anchor, count in places.items():
        if count >= 2:
            endings.update(anchor[i:] for i in range(1, len(anchor) - 1))
    befores: dict[str, Counter[str]] = defaultdict(Counter)
    for r in readings:
        if r.before and r.anchor in places:
            befores[r.anchor][r.before] += 1
    shared = {a for a in places if endings[a] >= SHARED_NAME} | {
        a for a, words in befores.items() if sum(n >= 2 for n in words.values()) >= SHARED_NAME
    }
    for r in readings:
        if r.anchor in shared:
            r.terms = tuple(t for t in r.terms if t != r.before)
            r.anchor = sys.intern(r.before + r.anchor) if r.before else ""
    return shared


#: A name in the openings of this many people's voices is a known place.
KNOWN = 2
# Place names that also name a place without their ending: 恒大城 (项目, 幼儿园)
_STEM_KINDS = frozenset({"compound", "institution"})


def name_known_places(readings: Sequence[Reading], tokenizer: Tokenizer | None = None) -> int:
    """Anchor a voice that names no place others name on one their openings name.

    People name one place in different ways: by the road and number (井莲路369号佳园星城),
    by the compound (佳园星城小区), by its project or its kindergarten (恒大城项目,
    “恒大城”小区配套幼儿园). A voice anchored on no place, or on one no other person's voice
    is anchored on, takes the name in its opening sentence that the most people's openings
    hold (at least :data:`KNOWN`, and more than hold its own), if that name is as specific
    as its own place: a voice about a compound does not move to the road it is on. Names
    are the voices' anchors and, for compounds and institutions, the name before their
    ending (恒大城). Returns how many voices moved.
    """
    tokenizer = tokenizer or default_tokenizer()
    people: dict[str, set[object]] = defaultdict(set)
    for r in readings:
        if _kind_of_anchor(r.anchor) == "place":
            people[r.anchor].add(_who(r))
    names = set()
    for anchor in people:
        own = AREA_CODE.sub("", anchor)  # K9县二中, but not A市城 (from A市城小区)
        if len(own) >= (3 if own == anchor else 2) and not (
            _generic(anchor) or _AREA.match(anchor)
        ):
            names.add(anchor)
            suffix = suffix_of(anchor)
            stem = anchor[: -len(suffix)] if suffix else ""
            if (
                suffix
                and SUFFIX_KIND[suffix] in _STEM_KINDS
                and len(stem) >= 3
                and not tokenizer.is_common(stem)
                and not AREA_CODE.match(stem)
                and tokenizer.is_name(stem)
            ):
                names.add(stem)
    if not names:
        return 0
    inside = {
        n: [n[i:j] for i in range(len(n)) for j in range(i + 3, len(n) + 1) if n[i:j] in names]
        for n in names
    }
    pattern = _trie_pattern(names)
    mentioned: list[set[str]] = []
    mentions: dict[str, set[object]] = defaultdict(set)
    for r in readings:
        found = {part for m in pattern.findall(r.opening) for part in inside[m]}
        mentioned.append(found)
        for name in found:
            mentions[name].add(_who(r))
    moved = 0
    for r, found in zip(readings, mentioned, strict=True):
        own = r.anchor if _kind_of_anchor(r.anchor) == "place" else ""
        if not found or len(people.get(own, ())) > 1:
            continue
        rank = place_rank(own)
        best = max(
            (n for n in found if place_rank(n) <= rank and n != own),
            key=lambda n: (len(mentions[n]), len(n)),
            default=None,
        )
        if best and len(mentions[best]) >= max(KNOWN, len(mentions.get(own, ())) + 1):
            kept = [t for t in r.terms if best not in t and t not in best]
            r.head = sum(1 for t in r.terms[: r.head] if best not in t and t not in best)
            r.terms, r.anchor = tuple(kept), sys.intern(best)
            moved += 1
    return moved


def place_rank(anchor: str) -> int:
    """How specific a place an anchor is, most specific 0 (:data:`KIND_RANK`; a name with
    no ending is a compound: 佳园星城, from 佳园星城小区); a group or none ranks last."""
    if _kind_of_anchor(anchor) != "place":
        return len(KIND_RANK) + 1
    suffix = suffix_of(anchor)
    return KIND_RANK[SUFFIX_KIND[suffix]] if suffix else 0


def names_in(text: str, longest: int = 12) -> set[str]:
    """Every string of 3 to ``longest`` characters of ``text``: the place anchors it may
    name, to look up among the known ones (a voice's opening is short)."""
    return {
        text[i:j] for i in range(len(text)) for j in range(i + 3, min(i + longest, len(text)) + 1)
    }


def _trie_pattern(names: Iterable[str]) -> re.Pattern:
    """One pattern for all ``names``, longest first at each position, built as a trie: a
    flat alternation of thousands of names is tried one by one at every character."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        branches = [re.escape(char) + alternation(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = "|".join(branches)
        if "" in node:
            return f"(?:{body})?"
        return f"(?:{body})" if len(branches) > 1 else body

    return re.compile(alternation(trie))


def concentrate(
    voices: Iterable[VoiceRecord | Sequence],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    window: timedelta = timedelta(days=30),
    tokenizer: Tokenizer | None = None,
    progress: Callable[[int], None] | None = None,
) -> Concentrator:
    """Read ``voices``, attach those of ``[since, until]`` in time order and merge: the
    concentrator then holds the candidates and the word weights (``idf``, ``documents``)
    with which new voices are attached later. See :func:`find_hot_issues`."""
    with _no_cycle_collection():
        return _concentrate(voices, since, until, window, tokenizer, progress)


def _concentrate(
    voices: Iterable[VoiceRecord | Sequence],
    since: datetime | None,
    until: datetime | None,
    window: timedelta,
    tokenizer: Tokenizer | None,
    progress: Callable[[int], None] | None,
) -> Concentrator:
    records = sorted(
        (v if isinstance(v, VoiceRecord) else VoiceRecord(*v) for v in voices), key=lambda r: r.at
    )
    readings = read_all(records, tokenizer, progress)
    tell_shared_names(readings)
    name_known_places(readings, tokenizer)
    idf, n = idf_table(readings)  # all voices given tell which words are common
    concentrator = Concentrator(idf, n, window=window, tokenizer=tokenizer)
    places = Counter(r.anchor for r in readings if _kind_of_anchor(r.anchor) == "place")
    concentrator.rare_places = {a for a, count in places.items() if count <= RARE}
    for reading in readings:
        at = reading.record.at
        if (since is None or at >= since) and (until is None or at <= until):
            concentrator.add(reading)
    concentrator.merge()
    return concentrator


def find_hot_issues(
    voices: Iterable[VoiceRecord | Sequence],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    window: timedelta = timedelta(days=30),
    min_people: int = 3,
    top: int | None = None,
    tokenizer: Tokenizer | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[HotIssue]:
    """Find and rank the hot issues among ``voices``.

    Parameters
    ----------
    voices
        :class:`VoiceRecord` records or tuples ``(id, text, at[, person[, likes[,
        dislikes[, category]]]])``, in any order.
    since, until
        Only voices received in ``[since, until]`` make hot issues; the others still tell
        which words are common. ``until`` is also "now" for recency (the latest voice if
        not given).
    window
        The longest quiet gap within one issue.
    min_people
        Fewer distinct people than this make no hot issue.
    top
        Keep only the ``top`` hottest.
    tokenizer
        One that knows the deployment's learned place names, or the default one.
    progress
        Called with the number of voices read so far, now and then (for a progress bar).

    Returns
    -------
    list[HotIssue]
        Hottest first.
    """
    with _no_cycle_collection():
        found = concentrate(
            voices, since=since, until=until, window=window, tokenizer=tokenizer, progress=progress
        )
        return found.hot_issues(until=until, min_people=min_people, top=top)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: concentrating makes millions of small objects that
    live on and form no cycles, and the collector would walk them all again and again
    (a seventh of the time at 100,000 voices). Reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Fewer characters than this are read in this process (half a second or so): more are
#: shared among worker processes, whose start costs a tenth of a second.
PARALLEL_FROM = 500_000


def read_all(
    records: Sequence[VoiceRecord],
    tokenizer: Tokenizer | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[Reading]:
    """Read every voice, reporting progress every thousand or so.

    Large inputs (:data:`PARALLEL_FROM` characters) are read by ``workers`` processes (one
    per core by default): segmenting is most of the time concentration takes, and it
    parallelises perfectly.
    """
    workers = workers or os.cpu_count() or 1
    texts = [r.text for r in records]
    size = sum(map(len, texts))
    if workers == 1 or size < PARALLEL_FROM or "fork" not in get_all_start_methods():
        fields = _read_chunk(texts, tokenizer, progress)
    else:
        step = max(200, min(2000, len(texts) // (4 * workers) + 1))  # even shares, few trips
        shares = [(i, i + step) for i in range(0, len(texts), step)]
        fields = []
        # Forked workers have the texts and the tokenizer already: only where each share
        # starts and ends is sent to them
        with get_context("fork").Pool(workers, _start_worker, (texts, tokenizer)) as pool:
            for chunk in pool.imap(_read_in_worker, shares):
                fields.extend(chunk)
                if progress:
                    progress(len(fields))
    return [Reading(record, *f) for record, f in zip(records, fields, strict=True)]


def _read_chunk(texts, tokenizer, progress=None) -> list[tuple]:
    out = []
    for i, text in enumerate(texts, 1):
        out.append(_read_text(text, tokenizer))
        if progress and (i % 1000 == 0 or i == len(texts)):
            progress(i)
    return out


_worker_texts: Sequence[str] = ()
_worker_tokenizer: Tokenizer | None = None


def _start_worker(texts: Sequence[str], tokenizer: Tokenizer | None) -> None:
    global _worker_texts, _worker_tokenizer
    _worker_texts, _worker_tokenizer = texts, tokenizer


def _read_in_worker(share: tuple[int, int]) -> list[tuple]:
    start, end = share
    return _read_chunk(_worker_texts[start:end], _worker_tokenizer)
