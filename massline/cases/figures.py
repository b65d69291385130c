"""The figures of case handling (考核指标), computed from the record, never typed in.

Each figure is a share: of a base (the cases, callbacks or voices it is about) those that
met it. Both are conditions on the rows the case steps write (see docs/figures.md for the
exact definitions), so the dashboard's counts and the drill-down's list of cases behind a
count are the same condition. Counting is done by the database (``COUNT … FILTER``), grouped
by the field of a dimension; the few groups are then added up into rows — areas into the
area one level below the one chosen, categories into the category one level below.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.cases.models import (
    DIMENSIONS,
    KEPT_MEASURES,
    Callback,
    Case,
    FigureCount,
    FigureMonth,
    month_of,
)
from massline.org.models import Area, Category, Department
from massline.voices.models import Voice

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

#: Open cases: waiting for dispatch or with a department.
OPEN = Q(status__in=[Case.Status.ACCEPTED, Case.Status.DISPATCHED])
#: Cases whose contact, or reply, was judged by the step that made it (in time or late)…
JUDGED = {
    "response": Q(contacted_in_time__isnull=False),
    "on_time": Q(replied_in_time__isnull=False),
}
#: …and open cases still waiting for it after its deadline came (late already).
DUE: dict[str, Callable[[datetime], Q]] = {
    "response": lambda now: Q(contacted_at=None, respond_by__lte=now),
    "on_time": lambda now: Q(replied_at=None, reply_by__lte=now),
}

#: Cases the person has rated at least once: a rating either closes or reopens a case.
RATED = Q(status=Case.Status.CLOSED) | Q(reopened__gt=0)

BASES: dict[str, Callable[[datetime], Q]] = {
    # Cases whose first contact was judged (against the contact deadline in force when it
    # came), or not contacted while their contact deadline has come.
    "response": lambda now: JUDGED["response"] | DUE["response"](now),
    # Cases whose latest reply was judged, or unanswered while their reply was due.
    "on_time": lambda now: JUDGED["on_time"] | DUE["on_time"](now),
    # Every callback (a case rated twice counts twice), from the link or by phone.
    "resolution": lambda now: Q(),
    "satisfaction": lambda now: Q(),
    "reopen": lambda now: RATED,
    # Every voice received.
    "repeat": lambda now: Q(),
}

#: Within its base, what meets a figure (each implies its base).
MET: dict[str, Q] = {
    "response": Q(contacted_in_time=True),
    "on_time": Q(replied_in_time=True),
    "resolution": Q(solved=True),
    "satisfaction": Q(rating__in=Callback.SATISFYING),
    "reopen": Q(reopened__gt=0),
    "repeat": Q(repeats=True),
}

VIAS = Callback.Via.values
#: The callback figures as each case keeps them: its (met, counted) columns by via.
CALLBACK_COLUMNS = {
    "resolution": ("solved_{via}", "callbacks_{via}"),
    "satisfaction": ("satisfied_{via}", "callbacks_{via}"),
}

#: Counts shown beside the figures; ``open`` and ``overdue`` are of the cases now.
COUNTS = {
    "cases": lambda now: Q(),
    "open": lambda now: OPEN,
    "overdue": lambda now: Q(status=Case.Status.DISPATCHED, reply_by__lt=now),
}
COUNT_LABELS = {"cases": _("Cases"), "open": _("Open"), "overdue": _("Overdue")}


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
    rows: dict  # row key → label, in display order
    row_of: Callable[[object], object] = lambda value: value
    # For the groupings by time (``all`` and periods), the row a kept month's or day's
    # counts go to; the others add the kept counts of their own dimension by key.
    date_row: Callable[[date], object] | None = None
    # Whether a whole month's kept counts fit in one row (not in weeks: one may cut a month).
    whole_months: bool = True

    def empty(self) -> dict:
        return {key: Row(key, label) for key, label in self.rows.items()}

    @property
    def dimension(self) -> str:
        """The dimension of the kept counts this grouping adds up (see FigureCount)."""
        return "all" if self.date_row else self.name


def everything() -> Grouping:
    return Grouping("all", Value(0), Value(0), {0: _("All")}, date_row=lambda day: 0)


def by_department(departments: Iterable[Department]) -> Grouping:
    """A row per department (cases not yet with one count only in the total)."""
    return Grouping(
        "department",
        "department",
        "department",
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

    starts = [start for start, _end in spans]
    return Grouping(
        "period",
        bucket("accepted_at"),
        bucket("received_at"),
        {i: span for i, span in enumerate(spans)},
        date_row=lambda day: bisect_right(starts, day) - 1,
        whole_months=period == "month",
    )


def _grouped(queryset: QuerySet, group, measures: dict) -> list[dict]:
    """The ``measures`` (aggregates) per value of ``group``, in one query.

    A field is grouped by as a sum (``department_id + 0``), not as the column: the database
    then finds the rows by the filters' index (each holds every column counted), instead of
    reading an index in the column's order past the rows the filters leave out."""
    if isinstance(group, str):
        group = ExpressionWrapper(F(group) + 0, output_field=models.IntegerField())
    return list(queryset.order_by().annotate(group=group).values("group").annotate(**measures))


def _count(q: Q):
    return Count("pk", filter=q) if q else Count("pk")


def recorded_measures() -> dict:
    """What one pass over the cases adds up from what the steps recorded: the cases, the
    judged contacts and replies (in time or not), the rated and reopened cases, the
    callback columns. None of it depends on the time now, so a month's can be kept."""
    measures = {"cases": Count("pk")}
    for key in JUDGED:
        measures[f"{key}_of"], measures[f"{key}_met"] = _count(JUDGED[key]), _count(MET[key])
    measures["reopen_of"], measures["reopen_met"] = _count(RATED), _count(MET["reopen"])
    for columns in CALLBACK_COLUMNS.values():
        for column in columns:
            for via in VIAS:
                measures[column.format(via=via)] = Sum(column.format(via=via), default=0)
    return measures


#: What a pass over the voices adds up.
VOICE_MEASURES = {"voices": Count("pk"), "repeats": _count(MET["repeat"])}


def pending_measures(now: datetime) -> dict:
    """What a pass over the open cases (few) adds: those overdue, and those whose contact
    or reply is late already, not made yet."""
    measures = {"open": Count("pk"), "overdue": _count(COUNTS["overdue"](now))}
    for key, due in DUE.items():
        measures[f"{key}_of"] = _count(due(now))
    return measures


def _add(row: Row, counted: dict) -> None:
    """Add what a pass counted (:func:`recorded_measures`, :data:`VOICE_MEASURES`, or both
    as a month keeps them) to ``row``."""
    row.counts["cases"] += counted.get("cases", 0)
    for key in [*JUDGED, "reopen"]:
        row.rates[key].add(counted.get(f"{key}_met", 0), counted.get(f"{key}_of", 0))
    for key, (met, of) in CALLBACK_COLUMNS.items():
        for via in VIAS:
            met_via, of_via = (
                counted.get(met.format(via=via), 0),
                counted.get(of.format(via=via), 0),
            )
            row.rates[key].add(met_via, of_via)
            row.via[via][key].add(met_via, of_via)
    row.rates["repeat"].add(counted.get("repeats", 0), counted.get("voices", 0))


def summarise(
    grouping: Grouping,
    cases: QuerySet[Case],
    voices: QuerySet[Voice],
    now: datetime | None = None,
    span: tuple[datetime, datetime] | None = None,
    kept: "Kept | None" = None,
) -> list[Row]:
    """The figures and counts of each row of ``grouping`` (rows with nothing stay, empty)
    of the cases triaged and voices received within ``span`` (from, until; all if None):
    one query over the cases, one over the open ones, one over the voices. ``kept``: the
    months and days of the span whose counts are kept in the same scope (see
    :func:`kept_counts`): their kept counts are added up by the database instead of
    counting those months' and days' cases and voices again."""
    now = now or timezone.now()
    rows = grouping.empty()
    months = kept.months if kept and grouping.whole_months else []
    days = [day for day in kept.days if day.replace(day=1) not in months] if kept else []
    covered = [month_span(month) for month in months]
    covered += [(day_start(day), day_start(day + timedelta(days=1))) for day in days]
    # One range (or a few) for the database to find in its index, never the whole span
    # and a condition to read past.
    ranges = _outside(span, covered) if span else [None]
    passes = [
        (cases, "accepted_at", grouping.case_field, recorded_measures()),
        (voices, "received_at", grouping.voice_field, VOICE_MEASURES),
    ]
    for queryset, moment, field_name, measures in passes:
        for bounds in ranges:
            if bounds:
                queryset_in = queryset.filter(
                    **{f"{moment}__gte": bounds[0], f"{moment}__lt": bounds[1]}
                )
            else:
                queryset_in = queryset
            for counted in _grouped(queryset_in, field_name, measures):
                if (row := rows.get(grouping.row_of(counted["group"]))) is not None:
                    _add(row, counted)
    if covered:
        for counted in _kept_sums(grouping, kept.scope, months, days):
            if grouping.date_row:
                key = grouping.date_row(counted.pop("day") or counted.pop("month"))
            else:
                key = grouping.row_of(counted.pop("key"))
            if (row := rows.get(key)) is not None:
                _add(row, counted)
    open_cases = cases.filter(OPEN)
    if span:
        open_cases = open_cases.filter(accepted_at__gte=span[0], accepted_at__lt=span[1])
    for counted in _grouped(open_cases, grouping.case_field, pending_measures(now)):
        if (row := rows.get(grouping.row_of(counted["group"]))) is not None:
            row.counts["open"] += counted["open"]
            row.counts["overdue"] += counted["overdue"]
            for key in DUE:
                row.rates[key].add(0, counted[f"{key}_of"])
    return list(rows.values())


# ---- the counts of months and days, kept ----------------------------------------------------


def month_span(month: date) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the next one, in the office's time zone."""
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return day_start(month.replace(day=1)), day_start(following)


def _outside(span: tuple[datetime, datetime], covered) -> list[tuple[datetime, datetime]]:
    """The parts of ``span`` outside the ``covered`` spans (which do not overlap): before,
    between and after them."""
    parts, start = [], span[0]
    for covered_start, covered_end in sorted(covered):
        if covered_start > start:
            parts.append((start, covered_start))
        start = max(start, covered_end)
    if start < span[1]:
        parts.append((start, span[1]))
    return parts


def is_district(area: Area) -> bool:
    """Whether ``area`` is two levels deep (a city's district): its figures are kept."""
    return area.path.count("/") == 3


def district_of() -> dict[int, int]:
    """Each area's district, the area two levels deep it lies in (itself if it is one); the
    areas above the districts have none."""
    pks = dict(Area.objects.values_list("path", "pk"))
    out = {}
    for path, pk in pks.items():
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and (district := pks.get(f"/{parts[0]}/{parts[1]}/")):
            out[pk] = district
    return out


@dataclass
class Kept:
    """The months and days whose kept counts are those of the record now, within a period,
    for the figures of ``scope`` (0: every case; else a district's pk, see FigureCount)."""

    scope: int = 0
    #: The whole months of the period.
    months: list[date] = field(default_factory=list)
    #: Every day of the period in such months, whole or not (kept for scope 0 only).
    days: list[date] = field(default_factory=list)


def _kept_sums(grouping: Grouping, scope: int, months: list[date], days: list[date]):
    """The kept counts of ``months`` (whole) and ``days`` summed by the database, by key of
    the grouping's dimension, or by month and day for a grouping by time."""
    rows = FigureCount.objects.filter(
        Q(day=None, month__in=months) | Q(day__in=days),
        scope=scope,
        dimension=grouping.dimension,
    )
    by = ["month", "day"] if grouping.date_row else ["key"]
    sums = {name: Sum(name) for name in KEPT_MEASURES}
    return rows.order_by().values(*by).annotate(**sums)


def count_month(month: date, always: bool = False) -> FigureMonth | None:
    """Count ``month``'s cases and voices by each of :data:`DIMENSIONS` and keep the counts
    (:class:`FigureCount`) — the whole month's, of every case and of each district's, and
    each day's of every case — if they changed since they were last counted (or
    ``always``); a background task does this after the month changed
    (``tasks.count_months``)."""
    start, end = month_span(month)
    cases = Case.objects.filter(HANDLED, accepted_at__gte=start, accepted_at__lt=end)
    voices = Voice.objects.filter(received_at__gte=start, received_at__lt=end)
    with transaction.atomic():
        kept, created = FigureMonth.objects.select_for_update().get_or_create(month=month)
        if not (created or always or kept.counted != kept.changes):
            return None
        districts = district_of()
        # (day or None, scope, dimension, key) → measure → count, added up from the
        # database's counts: the whole month by area (for the district) and dimension, and
        # each day by dimension. "all" is added from the passes by area (each case once).
        sums = defaultdict(lambda: defaultdict(int))

        def add(into, counted: dict) -> None:
            for name in KEPT_MEASURES:
                if counted.get(name):
                    sums[into][name] += counted[name]

        # Days by their number in the month, as the trend by day counts them: a comparison
        # per day the database makes itself (SQLite casts a date by calling Python per row).
        by_day = by_period(month, end.date() - timedelta(days=1), "day")
        passes = [
            (cases, recorded_measures(), by_day.case_field),
            (voices, VOICE_MEASURES, by_day.voice_field),
        ]
        for queryset, measures, day_of in passes:
            queryset = queryset.order_by()
            for dimension in DIMENSIONS:
                by_area = ["area", dimension] if dimension != "area" else ["area"]
                for counted in queryset.values(*by_area).annotate(**measures):
                    district = districts.get(counted["area"])
                    for scope in [0, district] if district else [0]:
                        add((None, scope, dimension, counted[dimension]), counted)
                        if dimension == "area":
                            add((None, scope, "all", 0), counted)
                days = queryset.annotate(day=day_of).values("day", dimension)
                for counted in days.annotate(**measures):
                    day = month + timedelta(days=counted["day"])
                    add((day, 0, dimension, counted[dimension]), counted)
                    if dimension == "area":
                        add((day, 0, "all", 0), counted)
        FigureCount.objects.filter(month=kept).delete()
        _insert_counts(month, sums)
        kept.counted, kept.counted_at = kept.changes, timezone.now()
        kept.save()
    return kept


def _insert_counts(month: date, sums: dict) -> None:
    """Write a month's kept counts (about 17,000 rows at 25,000 cases a month) in one
    statement run for every row: ``bulk_create`` prepared each of their 20 values through
    its field and, on SQLite, sent 50 rows a statement — most of a month's counting time."""
    columns = ["month_id", "day", "scope", "dimension", "key", *KEPT_MEASURES]
    quote, date_value = connection.ops.quote_name, connection.ops.adapt_datefield_value
    # Names of this model's own table and columns only, quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(FigureCount._meta.db_table),
        ", ".join(map(quote, columns)),
        ", ".join(["%s"] * len(columns)),
    )
    rows = [
        (date_value(month), date_value(day), scope, dimension, key)
        + tuple(counts.get(name, 0) for name in KEPT_MEASURES)
        for (day, scope, dimension, key), counts in sums.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def count_all() -> int:
    """Count every month with cases or voices again (``massline count_figures``, and the
    demo after loading); returns how many months."""
    moments = [
        *Case.objects.aggregate(first=Min("accepted_at"), last=Max("accepted_at")).values(),
        *Voice.objects.aggregate(first=Min("received_at"), last=Max("received_at")).values(),
    ]
    moments = [moment for moment in moments if moment]
    FigureCount.objects.all().delete()
    FigureMonth.objects.all().delete()
    if not moments:
        return 0
    month, last, counted = month_of(min(moments)), month_of(max(moments)), 0
    while month <= last:
        count_month(month, always=True)
        month, counted = (month + timedelta(days=32)).replace(day=1), counted + 1
    return counted


def kept_counts(since: date, until: date, scope: int = 0) -> Kept:
    """The months and days from ``since`` to ``until`` whose kept counts of ``scope`` have
    not changed since they were counted. Months not counted yet are counted in the
    background."""
    months, month = [], since.replace(day=1)
    while month <= until:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    found = {m.month: m for m in FigureMonth.objects.filter(month__in=months)}
    if missing := [m for m in months if m not in found]:
        FigureMonth.objects.bulk_create(
            [FigureMonth(month=m, changes=1) for m in missing], ignore_conflicts=True
        )
        from massline.cases.tasks import count_months

        count_months.enqueue([m.isoformat() for m in missing])
    kept = Kept(scope)
    for month in months:
        if month not in found or found[month].counted != found[month].changes:
            continue
        last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        if since <= month and last <= until:
            kept.months.append(month)
        if not scope:
            day = max(month, since)
            while day <= min(last, until):
                kept.days.append(day)
                day += timedelta(days=1)
    return kept


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
    return voices.filter(_part(Q(), FIGURES["repeat"].met, part))


def _part(base: Q, met: Q, part: str) -> Q:
    if part == "met":
        return base & met
    if part == "missed":
        return base & ~met
    return base
