"""The cycle report (社情民意分析报告): what one month heard, concentrated, decided, kept and
tested, each figure beside the month before's, so a leader sees whether each round is
"more correct" than the last.

A cycle is a calendar month in the office's time zone. The report counts only what its
reader may see (``visible_to``); the ``cycle_report`` command counts everything.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.cases.models import Callback, Case
from massline.cycles.models import Reopening, Verification, next_cycle
from massline.decisions.models import Commitment, Decision, Notice
from massline.hotissues.models import HotIssue
from massline.voices.models import Voice

#: Rows of the hot-issue table.
HOT_ISSUES_SHOWN = 20


@dataclass(frozen=True, order=True)
class Cycle:
    """One month: from ``start`` (its first day) to the next month's first day (excluded)."""

    start: date

    @classmethod
    def of(cls, text: str) -> "Cycle":
        """The cycle of ``"YYYY-MM"``; ValueError for anything else."""
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(f"not a month: {text!r}")
        return cls(date(int(year), int(month), 1))

    @classmethod
    def containing(cls, day: date) -> "Cycle":
        return cls(day.replace(day=1))

    @property
    def end(self) -> date:
        return next_cycle(self.start)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def previous(self) -> "Cycle":
        return Cycle.containing(self.start - timedelta(days=1))

    @property
    def next(self) -> "Cycle":
        return Cycle(self.end)

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def title(self) -> str:
        return f"{self.start.year}年{self.start.month}月"

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def moments(self) -> tuple[datetime, datetime]:
        """Its start and end as aware moments, for filtering timestamps."""
        return tuple(
            timezone.make_aware(datetime.combine(d, time.min)) for d in (self.start, self.end)
        )


@dataclass(frozen=True)
class Figure:
    """One figure of the cycle beside the previous one's; ``better`` says which way is
    better ("up", "down", or "" when neither is)."""

    key: str
    label: str
    value: float | None
    previous: float | None
    better: str = ""
    percent: bool = False

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def judgement(self) -> str:
        """ "better", "worse", "same" or "" (no direction, or nothing to compare)."""
        if not self.better or self.delta is None:
            return ""
        if abs(self.delta) < 1e-9:
            return "same"
        return "better" if (self.delta > 0) == (self.better == "up") else "worse"


@dataclass
class Records:
    """What one cycle holds, as the reader may see it."""

    cycle: Cycle
    voices: int
    voices_per_day: list[int | None]  #: None for the days still to come
    new_issues: list[HotIssue]
    ongoing_issues: list[HotIssue]
    decisions: list[Decision]
    commitments_due: list[Commitment]
    satisfied: int
    answers: int
    verifications: list[Verification]
    reopened: list[Reopening]
    carried_in: list[Reopening] = field(default_factory=list)

    @property
    def kept(self) -> list[Commitment]:
        return [c for c in self.commitments_due if c.kept]

    @property
    def kept_rate(self) -> float | None:
        return 100 * len(self.kept) / len(self.commitments_due) if self.commitments_due else None

    @property
    def satisfaction(self) -> float | None:
        return 100 * self.satisfied / self.answers if self.answers else None

    def verdicts(self) -> Counter:
        return Counter(v.verdict for v in self.verifications)


@dataclass
class CycleReport:
    """A cycle's records and figures, and the previous cycle's to compare with."""

    now: Records
    before: Records

    @property
    def cycle(self) -> Cycle:
        return self.now.cycle

    def figures(self) -> list[Figure]:
        now, before = self.now, self.before
        rows = [
            ("voices", _("New voices"), lambda r: r.voices, "down", False),
            ("new_issues", _("New hot issues"), lambda r: len(r.new_issues), "down", False),
            (
                "ongoing_issues",
                _("Ongoing hot issues"),
                lambda r: len(r.ongoing_issues),
                "down",
                False,
            ),
            ("decisions", _("Decisions"), lambda r: len(r.decisions), "up", False),
            ("due", _("Commitments due"), lambda r: len(r.commitments_due), "", False),
            ("kept", _("Commitments kept on time"), lambda r: len(r.kept), "up", False),
            ("kept_rate", _("Kept on time (%)"), lambda r: r.kept_rate, "up", True),
            ("satisfaction", _("Satisfaction (%)"), lambda r: r.satisfaction, "up", True),
            ("verified", _("Decisions verified"), lambda r: len(r.verifications), "", False),
            (
                "fell",
                _("Verified: new voices fell"),
                lambda r: r.verdicts()[Verification.Verdict.FELL],
                "up",
                False,
            ),
            (
                "reopened",
                _("Reopened into the next cycle"),
                lambda r: len(r.reopened),
                "down",
                False,
            ),
        ]
        return [
            Figure(key, str(label), get(now), get(before), better, percent)
            for key, label, get, better, percent in rows
        ]


def report(cycle: Cycle, user=None) -> CycleReport:
    """The report of ``cycle`` as ``user`` may see it (everything without a user)."""
    scope = Scope.of(user)
    return CycleReport(records(cycle, scope), records(cycle.previous, scope))


@dataclass(frozen=True)
class Scope:
    """What a reader may see: voices, cases and hot issues, and the decisions on those
    issues (their ids, found once: the hot issues a reader sees take a while to find)."""

    voices: QuerySet
    cases: QuerySet
    issues: QuerySet
    decisions: list[int]

    @classmethod
    def of(cls, user=None) -> "Scope":
        def seen(queryset: QuerySet) -> QuerySet:
            return queryset if user is None else queryset.visible_to(user)

        issues = seen(HotIssue.objects.all())
        decisions = Decision.objects.filter(opinion__hot_issue__in=issues)
        return cls(
            seen(Voice.objects.all()),
            seen(Case.objects.all()),
            issues,
            list(decisions.values_list("pk", flat=True)),
        )


def records(cycle: Cycle, scope: Scope) -> Records:
    """Count what happened in ``cycle`` within ``scope`` (see :class:`Records`)."""
    start, end = cycle.moments()
    today = timezone.localdate()
    voices = scope.voices.filter(received_at__gte=start, received_at__lt=end)
    per_day = Counter(timezone.localdate(at) for at in voices.values_list("received_at", flat=True))
    issues = (
        scope.issues.filter(status=HotIssue.Status.OPEN, start__lt=end, end__gte=start)
        .select_related("category", "area")
        .order_by("-heat", "pk")
    )
    decisions = (
        Decision.objects.filter(pk__in=scope.decisions)
        .filter(decided_on__gte=cycle.start, decided_on__lt=cycle.end)
        .select_related("opinion__hot_issue", "unit")
        .prefetch_related("commitments")
    )
    due = (
        Commitment.objects.filter(Q(decision__in=scope.decisions) | Q(programme__isnull=False))
        .filter(deadline__gte=cycle.start, deadline__lt=cycle.end)
        .select_related("unit", "decision", "programme")
    )
    callbacks = Callback.objects.filter(case__in=scope.cases, at__gte=start, at__lt=end)
    notices = Notice.objects.filter(
        decision__in=scope.decisions, answered_at__gte=start, answered_at__lt=end
    ).exclude(answer="")
    ratings = list(callbacks.values_list("rating", flat=True))
    answers = list(notices.values_list("answer", flat=True))
    verifications = (
        Verification.objects.filter(decision__in=scope.decisions)
        .filter(verified_at__gte=start, verified_at__lt=end)
        .select_related("decision__opinion__hot_issue", "reopening")
    )
    reopenings = Reopening.objects.filter(
        verification__decision__in=scope.decisions
    ).select_related("hot_issue", "verification__decision")
    new, ongoing = [], []
    for issue in issues:
        (new if issue.start >= start else ongoing).append(issue)
    return Records(
        cycle=cycle,
        voices=sum(per_day.values()),
        voices_per_day=[per_day[day] if day <= today else None for day in cycle.days()],
        new_issues=new,
        ongoing_issues=ongoing,
        decisions=list(decisions),
        commitments_due=list(due),
        satisfied=sum(r in Callback.SATISFYING for r in ratings)
        + sum(a == Notice.Answer.YES for a in answers),
        answers=len(ratings) + len(answers),
        verifications=list(verifications),
        reopened=list(reopenings.filter(created_at__gte=start, created_at__lt=end)),
        carried_in=list(reopenings.filter(into_cycle=cycle.start)),
    )


# ---- the report's tables: one definition for the page, Word and Excel ----------------


@dataclass(frozen=True)
class Table:
    """A table of the report: ``rows`` of plain values (text, numbers, dates, or None)."""

    key: str
    title: str
    header: list[str]
    rows: list[list]


def number(value: float | None, percent: bool = False) -> str:
    """A figure as the report prints it: whole numbers, percentages to one decimal, "—"."""
    if value is None:
        return "—"
    if percent:
        return f"{value:.1f}%"
    return f"{int(value)}" if float(value).is_integer() else f"{value:.2f}"


def judgement_text(figure: Figure) -> str:
    return str(
        {"better": _("better"), "worse": _("worse"), "same": _("same")}.get(figure.judgement, "")
    )


def tables(report: CycleReport) -> list[Table]:
    """The report's tables, in the order the report shows them."""
    now = report.now
    figures = Table(
        "figures",
        str(_("Figures")),
        [str(_("Figure")), str(_("This cycle")), str(_("Previous cycle")), str(_("Change")), ""],
        [
            [
                f.label,
                number(f.value, f.percent),
                number(f.previous, f.percent),
                "—" if f.delta is None else f"{f.delta:+.1f}" if f.percent else f"{f.delta:+g}",
                judgement_text(f),
            ]
            for f in report.figures()
        ],
    )
    issues = Table(
        "hot_issues",
        str(_("Hot issues")),
        [
            str(_("Hot issue")),
            str(_("Place")),
            str(_("Category")),
            str(_("People")),
            str(_("Voices")),
            str(_("New or ongoing")),
        ],
        [
            [
                i.title,
                i.place,
                i.category.name if i.category else "",
                i.people,
                i.voice_count,
                str(_("new") if i in now.new_issues else _("ongoing")),
            ]
            for i in sorted(now.new_issues + now.ongoing_issues, key=lambda i: (-i.heat, i.pk))[
                :HOT_ISSUES_SHOWN
            ]
        ],
    )
    decisions = Table(
        "decisions",
        str(_("Decisions")),
        [
            str(_("Decision")),
            str(_("Hot issue")),
            str(_("Responsible unit")),
            str(_("Decided on")),
            str(_("Commitments")),
        ],
        [
            [d.title, d.hot_issue.title, d.unit.name, d.decided_on, len(d.commitments.all())]
            for d in now.decisions
        ],
    )
    due = Table(
        "commitments",
        str(_("Commitments due")),
        [
            str(_("Commitment")),
            str(_("Unit")),
            str(_("Deadline")),
            str(_("Status")),
            str(_("Progress %")),
            str(_("Kept on time")),
        ],
        [
            [
                c.title,
                c.unit.name,
                c.deadline,
                c.get_status_display(),
                c.progress,
                str(_("yes") if c.kept else _("no")),
            ]
            for c in now.commitments_due
        ],
    )
    verified = Table(
        "verifications",
        str(_("Verifications")),
        [
            str(_("Decision")),
            str(_("Effect")),
            str(_("Voices a day before")),
            str(_("Voices a day after")),
            str(_("Change beyond similar issues")),
            str(_("Satisfaction (%)")),
            str(_("Outcome")),
        ],
        [
            [
                v.decision.title,
                v.get_verdict_display(),
                number(_round(v.result.rate_before)),
                number(_round(v.result.rate_after)),
                number(v.result.adjusted_change, percent=True),
                number(None if v.satisfaction is None else 100 * v.satisfaction, percent=True),
                v.get_outcome_display(),
            ]
            for v in now.verifications
        ],
    )
    reopened = Table(
        "reopened",
        str(_("Reopened into the next cycle")),
        [str(_("Hot issue")), str(_("Decision")), str(_("Why")), str(_("Into the cycle of"))],
        [
            [r.hot_issue.title, r.decision.title, "；".join(r.reasons()), f"{r.into_cycle:%Y-%m}"]
            for r in now.reopened
        ],
    )
    carried = Table(
        "carried_in",
        str(_("Carried in from the previous cycle")),
        [str(_("Hot issue")), str(_("Decision")), str(_("Why"))],
        [[r.hot_issue.title, r.decision.title, "；".join(r.reasons())] for r in now.carried_in],
    )
    return [figures, issues, decisions, due, verified, reopened, carried]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
