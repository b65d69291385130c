"""The figures of case handling (考核指标), computed from the record, never typed in.

Each figure is a share: of a base (the cases, callbacks or voices it is about) those that
met it. Both are conditions on the rows the case steps write (see docs/figures.md for the
exact definitions), so the dashboard's counts and the drill-down's list of cases behind a
count are the same condition. Counting is done by the database (``COUNT … FILTER``), grouped
by the field of a dimension; the few groups are then added up into rows — areas into the
area one level below the one chosen, categories into the category one level below.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.cases.models import Callback, Case
from massline.org.models import Area, Category, Department
from massline.voices.models import Voice

#: A voice repeats an earlier one of the same person in the same category this recently.
REPEAT_WITHIN = timedelta(days=30)

#: Cases a figure is about: triaged and taken on (declined and merged voices are not).
HANDLED = ~Q(status__in=[Case.Status.DECLINED, Case.Status.MERGED])


@dataclass(frozen=True)
class Figure:
    """One figure: what it counts (``model``), its base and, within it, those that met it."""

    key: str
    label: str
    model: type
    help: str
    higher_is_better: bool = True

    def base(self, now: datetime) -> Q:
        return BASES[self.key](now)

    @property
    def met(self) -> Q:
        return MET[self.key]


FIGURES = {
    f.key: f
    for f in (
        Figure(
            "response",
            _("Response rate (响应率)"),
            Case,
            _(
                "Cases whose person was first contacted (or answered) by the contact deadline, "
                "of the cases whose deadline has come or that were contacted before it."
            ),
        ),
        Figure(
            "on_time",
            _("On-time rate (按时办结率)"),
            Case,
            _(
                "Cases replied to by the reply deadline, of the cases whose reply was due or "
                "that were replied to before. After a reopening, the new reply and deadline count."
            ),
        ),
        Figure(
            "resolution",
            _("Resolution rate (解决率)"),
            Callback,
            _(
                "Callbacks in which the person said the problem was actually solved, of all "
                "callbacks (a case rated twice counts twice)."
            ),
        ),
        Figure(
            "satisfaction",
            _("Satisfaction rate (满意率)"),
            Callback,
            _("Callbacks rated satisfied or basically satisfied, of all callbacks."),
        ),
        Figure(
            "reopen",
            _("Reopen rate (重办率)"),
            Case,
            _("Cases reopened at least once (重办), of the cases the person has rated."),
            higher_is_better=False,
        ),
        Figure(
            "repeat",
            _("Repeat-voice rate (重复诉求率)"),
            Voice,
            _(
                "Voices whose person raised a voice of the same category in the 30 days "
                "before, of all voices received."
            ),
            higher_is_better=False,
        ),
    )
}

BASES: dict[str, Callable[[datetime], Q]] = {
    # Cases whose first-contact deadline has come, or that were contacted before it came.
    "response": lambda now: (
        Q(respond_by__isnull=False) & (Q(respond_by__lte=now) | Q(contacted_at__isnull=False))
    ),
    # Cases whose reply was due by now, or that were replied to before it was due.
    "on_time": lambda now: (
        Q(reply_by__isnull=False) & (Q(reply_by__lte=now) | Q(replied_at__isnull=False))
    ),
    # Every callback (a case rated twice counts twice), from the link or by phone.
    "resolution": lambda now: Q(),
    "satisfaction": lambda now: Q(),
    # Cases the person has rated at least once: a rating either closes or reopens a case.
    "reopen": lambda now: Q(status=Case.Status.CLOSED) | Q(reopened__gt=0),
    # Every voice received.
    "repeat": lambda now: Q(),
}

MET: dict[str, Q] = {
    "response": Q(contacted_at__lte=F("respond_by")),
    "on_time": Q(replied_at__lte=F("reply_by")),
    "resolution": Q(solved=True),
    "satisfaction": Q(rating__in=[Callback.Rating.SATISFIED, Callback.Rating.BASICALLY]),
    "reopen": Q(reopened__gt=0),
    "repeat": Q(repeats=True),
}

#: Counts shown beside the figures; ``open`` and ``overdue`` are of the cases now.
COUNTS = {
    "cases": lambda now: Q(),
    "open": lambda now: Q(status__in=[Case.Status.ACCEPTED, Case.Status.DISPATCHED]),
    "overdue": lambda now: Q(status=Case.Status.DISPATCHED, reply_by__lt=now),
}
COUNT_LABELS = {"cases": _("Cases"), "open": _("Open"), "overdue": _("Overdue")}


def with_repeats(voices: QuerySet[Voice]) -> QuerySet[Voice]:
    """``voices`` marked ``repeats`` when the same person raised a voice in the same category
    in the :data:`REPEAT_WITHIN` before (a voice without a phone or a name never repeats)."""
    earlier = Voice.objects.filter(
        person_key=OuterRef("person_key"),
        category=OuterRef("category"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WITHIN,
    ).exclude(person_key="")
    return voices.annotate(repeats=Exists(earlier))


@dataclass
class Rate:
    """``met`` of ``of``; no value when there is nothing to count yet."""

    met: int = 0
    of: int = 0

    @property
    def value(self) -> float | None:
        return self.met / self.of if self.of else None

    @property
    def missed(self) -> int:
        return self.of - self.met

    def add(self, met: int, of: int) -> None:
        self.met += met
        self.of += of


@dataclass
class Row:
    """The figures of one department, area, category or period, or of everything."""

    key: object
    label: str
    rates: dict[str, Rate] = field(default_factory=lambda: {key: Rate() for key in FIGURES})
    # The callback figures apart for the person's own link and for phone callbacks.
    via: dict[str, dict[str, Rate]] = field(
        default_factory=lambda: {
            via: {key: Rate() for key, f in FIGURES.items() if f.model is Callback}
            for via in Callback.Via.values
        }
    )
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def __getitem__(self, key: str) -> Rate:
        return self.rates[key]


@dataclass
class Grouping:
    """A dimension: the field (or expression) to count by, per counted model, and how a
    value of it becomes a row."""

    name: str
    case_field: str | object
    voice_field: str | object
    callback_field: str | object
    rows: dict  # row key → label, in display order
    row_of: Callable[[object], object] = lambda value: value

    def empty(self) -> dict:
        return {key: Row(key, label) for key, label in self.rows.items()}


def everything() -> Grouping:
    return Grouping("all", Value(0), Value(0), Value(0), {0: _("All")})


def by_department(departments: Iterable[Department]) -> Grouping:
    """A row per department (cases not yet with one count only in the total)."""
    return Grouping(
        "department",
        "department",
        "department",
        "case__department",
        {d.pk: d.name for d in departments},
    )


def by_area(parent: Area | None) -> Grouping:
    """A row per area one level below ``parent`` (the top areas without one); a voice or
    case counts for the row its area lies in."""
    areas = Area.objects.only("id", "name", "path", "parent_id")
    if parent is None:
        tops = list(areas.filter(parent=None))
        if len(tops) == 1:  # one city: its districts
            parent = tops[0]
    rows = list(areas.filter(parent=parent)) if parent else tops
    within = areas.filter(path__startswith=parent.path) if parent else areas
    row_of_area = {}
    for area in within:
        row = next((r for r in rows if area.path.startswith(r.path)), None)
        if row:
            row_of_area[area.pk] = row.pk
    return Grouping(
        "area",
        "area",
        "area",
        "case__area",
        {area.pk: area.name for area in rows},
        row_of_area.get,
    )


def by_category(parent: Category | None) -> Grouping:
    """A row per category one level below ``parent`` (the top categories without one)."""
    categories = {c.pk: c for c in Category.objects.only("id", "name", "parent_id", "level")}
    rows = {pk: c for pk, c in categories.items() if c.parent_id == (parent.pk if parent else None)}
    row_of_category = {}
    for pk, category in categories.items():
        node = category
        while node is not None and node.pk not in rows:
            node = categories.get(node.parent_id)
        if node is not None:
            row_of_category[pk] = node.pk
    return Grouping(
        "category",
        "category",
        "category",
        "case__category",
        {pk: c.name for pk, c in sorted(rows.items(), key=lambda item: item[1].name)},
        row_of_category.get,
    )


#: Periods a trend may have.
PERIODS = {"day": _("day"), "week": _("week"), "month": _("month")}
MAX_BUCKETS = 60


def buckets(since: date, until: date, period: str) -> list[tuple[date, date]]:
    """The days, weeks (Monday to Sunday) or months from ``since`` to ``until``, each as
    its first and last day, cut to the range."""
    out, start = [], since
    while start <= until:
        if period == "day":
            end = start
        elif period == "week":
            end = start + timedelta(days=6 - start.weekday())
        else:
            following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
            end = following - timedelta(days=1)
        out.append((start, min(end, until)))
        start = end + timedelta(days=1)
    return out


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the office's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def by_period(since: date, until: date, period: str) -> Grouping:
    """A row per day, week or month; a case counts in the period it was triaged in, a voice
    in the one it was received in."""
    spans = buckets(since, until, period)

    def bucket(field_name: str):
        whens = [
            When(**{f"{field_name}__lt": day_start(end + timedelta(days=1)), "then": Value(i)})
            for i, (_start, end) in enumerate(spans)
        ]
        return models.Case(*whens, default=Value(-1))

    return Grouping(
        "period",
        bucket("accepted_at"),
        bucket("received_at"),
        bucket("case__accepted_at"),
        {i: span for i, span in enumerate(spans)},
    )


def _grouped(queryset: QuerySet, group, measures: dict[str, Q], extra=()) -> list[dict]:
    """Counts of rows meeting each measure, per value of ``group`` (in one query)."""
    return list(
        queryset.order_by()
        .annotate(group=group if not isinstance(group, str) else F(group))
        .values("group", *extra)
        .annotate(
            **{name: Count("pk", filter=q) if q else Count("pk") for name, q in measures.items()}
        )
    )


def summarise(
    grouping: Grouping,
    cases: QuerySet[Case],
    callbacks: QuerySet[Callback],
    voices: QuerySet[Voice],
    now: datetime | None = None,
) -> list[Row]:
    """The figures and counts of each row of ``grouping`` (rows with nothing stay, empty)."""
    now = now or timezone.now()
    rows = grouping.empty()
    case_figures = [k for k, f in FIGURES.items() if f.model is Case]
    measures = {name: q(now) for name, q in COUNTS.items()}
    for key in case_figures:
        base = FIGURES[key].base(now)
        measures[f"{key}_of"] = base
        measures[f"{key}_met"] = base & FIGURES[key].met
    for counted in _grouped(cases, grouping.case_field, measures):
        row = rows.get(grouping.row_of(counted["group"]))
        if row is None:
            continue
        for name in COUNTS:
            row.counts[name] += counted[name]
        for key in case_figures:
            row.rates[key].add(counted[f"{key}_met"], counted[f"{key}_of"])

    callback_figures = [k for k, f in FIGURES.items() if f.model is Callback]
    measures = {"of": Q(), **{key: FIGURES[key].met for key in callback_figures}}
    for counted in _grouped(callbacks, grouping.callback_field, measures, extra=["via"]):
        row = rows.get(grouping.row_of(counted["group"]))
        if row is None:
            continue
        for key in callback_figures:
            row.rates[key].add(counted[key], counted["of"])
            row.via[counted["via"]][key].add(counted[key], counted["of"])

    measures = {"of": Q(), "repeat": FIGURES["repeat"].met}
    for counted in _grouped(with_repeats(voices), grouping.voice_field, measures):
        row = rows.get(grouping.row_of(counted["group"]))
        if row is not None:
            row.rates["repeat"].add(counted["repeat"], counted["of"])
    return list(rows.values())


def total(rows: Iterable[Row], label: str = "") -> Row:
    """The rows added up (they must not overlap)."""
    out = Row(None, label)
    sums = defaultdict(int)
    for row in rows:
        for name, count in row.counts.items():
            sums[name] += count
        for key, rate in row.rates.items():
            out.rates[key].add(rate.met, rate.of)
        for via, rates in row.via.items():
            for key, rate in rates.items():
                out.via[via][key].add(rate.met, rate.of)
    out.counts.update(sums)
    return out


# ---- the cases behind a figure ------------------------------------------------------------

#: Which part of a figure's base a drill-down lists.
PARTS = ("met", "missed", "all")


def behind_cases(
    figure: str,
    part: str,
    cases: QuerySet[Case],
    via: str = "",
    now: datetime | None = None,
) -> QuerySet[Case]:
    """The cases counted in ``part`` of ``figure`` (or of a count in :data:`COUNTS`): for a
    callback figure, the cases with such a callback (from ``via`` only, if given)."""
    now = now or timezone.now()
    if figure in COUNTS:
        return cases.filter(COUNTS[figure](now))
    f = FIGURES[figure]
    if f.model is Case:
        return cases.filter(_part(f.base(now), f.met, part))
    if f.model is Callback:
        callbacks = Callback.objects.filter(case=OuterRef("pk"))
        if via:
            callbacks = callbacks.filter(via=via)
        return cases.filter(Exists(callbacks.filter(_part(Q(), f.met, part))))
    raise ValueError(f"{figure} counts voices, not cases")


def behind_voices(part: str, voices: QuerySet[Voice]) -> QuerySet[Voice]:
    """The voices counted in ``part`` of the repeat-voice rate."""
    return with_repeats(voices).filter(_part(Q(), FIGURES["repeat"].met, part))


def _part(base: Q, met: Q, part: str) -> Q:
    if part == "met":
        return base & met
    if part == "missed":
        return base & ~met
    return base
