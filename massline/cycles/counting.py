"""Counting for a verification: new voices about an issue's place and problem per day, the
similar issues to compare with, and the answers of the people concerned.

A voice is about a hot issue when it is one of its voices, or when it names the issue's
place (or group) and its problem words are as close to the issue's as attaching a new
voice needs (the cosine and threshold of ``massline.hotissues.finding.attach``). So new
voices count whether or not the engine has placed them yet.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from massline.cases.models import Callback
from massline.decisions.models import Decision, Notice
from massline.engine import effect as engine
from massline.engine import hotissues as concentration
from massline.engine.hotissues import Concentrator, reading_of
from massline.hotissues.finding import FIELDS, WINDOW, record_of
from massline.hotissues.models import HotIssue, Recomputation, cosine
from massline.voices.models import Voice

#: Days counted before the measure's date.
BEFORE = timedelta(days=60)
#: The most days counted from the measure's date on.
AFTER = timedelta(days=90)
#: The most similar issues compared.
CONTROLS = 8


@dataclass(frozen=True)
class Measured:
    """What a verification stores of the effect: the days compared (``after_until``
    excluded), the voices per day, the controls and the engine's :class:`Effect`."""

    before_from: date
    after_until: date
    series: dict
    controls: list[dict]
    effect: engine.Effect


class Reader:
    """Reads voices once with the engine, with the word weights of the last recomputation."""

    def __init__(self) -> None:
        idf, documents = Recomputation.weights()
        self.concentrator = Concentrator(idf, documents, window=WINDOW)
        self._vectors: dict[int, tuple[str, tuple[str, ...], dict[str, float]] | None] = {}

    def _read(self, row: dict):
        if row["id"] not in self._vectors:
            reading = reading_of(record_of(row), self.concentrator.tokenizer)
            self._vectors[row["id"]] = (
                None
                if reading.kind == "praise"
                else (reading.anchor, reading.also, self.concentrator.vector(reading))
            )
        return self._vectors[row["id"]]

    def is_about(self, issue: HotIssue, row: dict) -> bool:
        """Whether the voice ``row`` (``finding.FIELDS``) names ``issue``'s place or group
        and says what its voices say."""
        read = self._read(row)
        if read is None:
            return False
        anchor, also, vector = read
        if issue.anchor not in (anchor, *also):
            return False
        kind = "group" if issue.anchor.startswith("group:") else "place"
        return cosine(vector, issue.terms) >= concentration.THRESHOLD[kind]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def days_of(since: date, until: date) -> list[date]:
    """Each day from ``since`` up to ``until`` (excluded)."""
    return [since + timedelta(days=i) for i in range((until - since).days)]


def voices_per_day(issue: HotIssue, since: date, until: date, reader: Reader) -> Counter:
    """New voices about ``issue`` on each day from ``since`` to ``until`` (excluded)."""
    place = issue.place
    rows = (
        Voice.objects.filter(received_at__gte=_moment(since), received_at__lt=_moment(until))
        .filter(Q(subject__contains=place) | Q(body__contains=place) | Q(memberships__issue=issue))
        .distinct()
        .values(*FIELDS)
    )
    members = set(issue.memberships.values_list("voice_id", flat=True))
    return Counter(
        timezone.localdate(row["received_at"])
        for row in rows.iterator(2000)
        if row["id"] in members or reader.is_about(issue, row)
    )


def similar_issues(issue: HotIssue, since: date, until: date) -> list[HotIssue]:
    """Hot issues of the same category at other places, active in the period and with no
    decision of their own (what happened to them happened anyway), largest first; one per
    place, at most :data:`CONTROLS`."""
    if issue.category_id is None:
        return []
    candidates = (
        HotIssue.objects.filter(category_id=issue.category_id, status=HotIssue.Status.OPEN)
        .exclude(anchor=issue.anchor)
        .filter(end__gte=_moment(since), start__lt=_moment(until))
        .exclude(opinions__decisions__isnull=False)
        .order_by("-voice_count", "pk")
    )
    chosen: dict[str, HotIssue] = {}
    for candidate in candidates:
        chosen.setdefault(candidate.anchor, candidate)
        if len(chosen) == CONTROLS:
            break
    return list(chosen.values())


def effect_of(issue: HotIssue, measure_date: date, today: date) -> Measured:
    """The effect of the measure of ``measure_date`` on ``issue``'s new voices, counted up
    to yesterday (at most :data:`AFTER`), against :func:`similar_issues`."""
    since = measure_date - BEFORE
    until = max(measure_date, min(today, measure_date + AFTER))
    days = days_of(since, until)
    split = (measure_date - since).days
    reader = Reader()

    def counts(of: HotIssue) -> engine.Counts:
        per_day = voices_per_day(of, since, until, reader)
        daily = [per_day[day] for day in days]
        return engine.Counts.of(daily[:split], daily[split:])

    own = counts(issue)
    controls = [(other, counts(other)) for other in similar_issues(issue, since, until)]
    effect = engine.measure(own, [c for _, c in controls])
    pooled = [sum(day) for day in zip(*([*c.before, *c.after] for _, c in controls), strict=True)]
    return Measured(
        before_from=since,
        after_until=until,
        series={
            "days": [day.isoformat() for day in days],
            "issue": [*own.before, *own.after],
            "controls": pooled or [0] * len(days),
        },
        controls=[
            {
                "id": other.pk,
                "title": other.title,
                "place": other.place,
                "before": c.total_before,
                "after": c.total_after,
            }
            for other, c in controls
        ],
        effect=effect,
    )


def answers(decision: Decision) -> dict[str, int]:
    """The answers of the people concerned: to the decision's notice (yes, partly, no), and
    each of the issue's cases' latest verdict (satisfied or basically; dissatisfied)."""
    notices = Counter(decision.notices.exclude(answer="").values_list("answer", flat=True))
    latest: dict[int, str] = {}
    callbacks = Callback.objects.filter(
        case__voice__memberships__issue_id=decision.opinion.hot_issue_id
    ).order_by("at", "id")
    for case_id, rating in callbacks.values_list("case_id", "rating"):
        latest[case_id] = rating
    satisfied = sum(rating in Callback.SATISFYING for rating in latest.values())
    return {
        "notices_yes": notices[Notice.Answer.YES],
        "notices_partly": notices[Notice.Answer.PARTLY],
        "notices_no": notices[Notice.Answer.NO],
        "callbacks_satisfied": satisfied,
        "callbacks_dissatisfied": len(latest) - satisfied,
    }
