"""Cases (工单): voices that need action, routed, owned, timed, answered and judged.

A voice is triaged once: accepted (a case waiting for dispatch), merged into an existing
case, or declined with a reason the person can read — each outcome is a :class:`Case`, so
the person's status page and the figures read one record. Every step is an :class:`Event`
(who, when, what, why); the figures are computed from those records, never typed in.

Only the methods of :class:`Case` change a case: each checks that the step is allowed
now, writes the change and its event in one transaction, and raises ``ValidationError``
with a message for the person who tried otherwise.
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.cases.workdays import WorkingCalendar
from massline.org import roles
from massline.org.models import Area, Category, Department, staff_name
from massline.voices.models import Voice


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (紧急)")
    URGENT = "urgent", _("Urgent (较急)")
    NORMAL = "normal", _("Normal (一般)")


class OfficialDay(models.Model):
    """A change to the Monday–Friday week: a holiday on a weekday, or a weekend day worked
    instead (节假日调休), as the State Council publishes them each year."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(
        _("working day"), help_text=_("Ticked: a weekend day worked. Unticked: a holiday.")
    )
    holiday = models.CharField(_("holiday"), max_length=20)

    class Meta:
        ordering = ["date"]
        verbose_name = _("official holiday or make-up working day")
        verbose_name_plural = _("official holidays and make-up working days")

    def __str__(self) -> str:
        return f"{self.date} {self.holiday}"


def working_calendar() -> WorkingCalendar:
    """The calendar as the administrators keep it."""
    return WorkingCalendar(dict(OfficialDay.objects.values_list("date", "working")))


class TimeLimit(models.Model):
    """How long a case of one urgency (and, if given, one kind of voice) has to be answered:
    a first contact with the person (响应) and a reply (答复), each in hours (around the
    clock, for emergencies) or in working days. The most specific row applies: urgency and
    kind, else the urgency's row for every kind."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        WORKING_DAYS = "working_days", _("working days")

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    kind = models.CharField(
        _("kind of voice"),
        max_length=20,
        choices=Voice.Kind.choices,
        blank=True,
        help_text=_("Empty: every kind without a row of its own."),
    )
    respond_within = models.PositiveIntegerField(_("contact the person within"))
    respond_unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    reply_within = models.PositiveIntegerField(_("reply within"))
    reply_unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)

    class Meta:
        ordering = ["urgency", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["urgency", "kind"], name="one_time_limit_per_kind")
        ]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} {self.get_kind_display() or ''}".strip()

    def clean(self) -> None:
        if not self.respond_within or not self.reply_within:
            raise ValidationError(_("A time limit must be at least 1."))
        if self.respond_unit == self.reply_unit and self.respond_within > self.reply_within:
            raise ValidationError(_("The person must be contacted before the reply is due."))

    @classmethod
    def applying(cls, urgency: str, kind: str = "") -> "TimeLimit":
        """The row for ``urgency`` and ``kind``, else for ``urgency`` and every kind."""
        rows = {row.kind: row for row in cls.objects.filter(urgency=urgency, kind__in=[kind, ""])}
        row = rows.get(kind) or rows.get("")
        if row is None:
            raise cls.DoesNotExist(f"No time limit for {urgency} cases: an administrator sets one.")
        return row

    def deadlines(self, received: datetime, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
        """When the person must be contacted and when the reply is due, for a case received
        at ``received``."""
        return (
            _after(received, self.respond_within, self.respond_unit, calendar),
            _after(received, self.reply_within, self.reply_unit, calendar),
        )


def _after(start: datetime, amount: int, unit: str, calendar: WorkingCalendar) -> datetime:
    if unit == TimeLimit.Unit.HOURS:
        return start + timedelta(hours=amount)
    return calendar.add_working_days(start, amount)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RoutingRule(models.Model):
    """Which department answers a category of voice in an area (归口管理). The most specific
    rule applies: the voice's own category before its parents, its own area before the
    areas above it; a rule without an area holds everywhere."""

    category = models.ForeignKey(
        Category, models.CASCADE, related_name="routing_rules", verbose_name=_("category")
    )
    area = models.ForeignKey(
        Area,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("area"),
        help_text=_("Empty: every area without a rule of its own."),
    )
    department = models.ForeignKey(
        Department, models.CASCADE, related_name="routing_rules", verbose_name=_("department")
    )

    class Meta:
        ordering = ["category", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"], name="one_rule_per_category_and_area"
            ),
            models.UniqueConstraint(
                fields=["category"], condition=Q(area=None), name="one_rule_per_category"
            ),
        ]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.category} · {self.area or _('every area')} → {self.department}"

    @classmethod
    def propose(cls, category: Category | None, area: Area | None) -> Department | None:
        """The department the routing table names for ``category`` in ``area``, if any."""
        if category is None:
            return None
        categories = []
        while category is not None:
            categories.append(category)
            category = category.parent
        areas: list[Area | None] = []
        while area is not None:
            areas.append(area)
            area = area.parent
        areas.append(None)
        rules = {
            (rule.category_id, rule.area_id): rule
            for rule in cls.objects.filter(
                category__in=categories,
            ).select_related("department")
        }
        for category in categories:
            for area in areas:
                rule = rules.get((category.pk, area.pk if area else None))
                if rule:
                    return rule.department
        return None


#: What the figures of cases are grouped and filtered by.
DIMENSIONS = ("department", "area", "category")
#: The callback counts each case keeps, by via (link or phone).
CALLBACK_FIELDS = tuple(
    f"{what}_{via}" for via in ("link", "phone") for what in ("callbacks", "satisfied", "solved")
)
#: What the steps record of a case's outcome: all the figures read besides the dimensions.
OUTCOME_FIELDS = [
    "status",
    "contacted_in_time",
    "replied_in_time",
    "reopened",
    *CALLBACK_FIELDS,
]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        """The cases ``user`` may open: a handler their department's, a leader those they
        own and those of their area (their tier); operators, administrators and auditors all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        role = roles.role_of(user)
        staff = getattr(user, "staff", None)
        if role in (roles.OPERATOR, roles.ADMINISTRATOR, roles.AUDITOR):
            return self
        if role == roles.LEADER:
            scope = Q(owner=user) | Q(supervisor=user)
            if staff is None or (staff.area is None and staff.department is None):
                return self
            if staff.area:
                scope |= Q(area__path__startswith=staff.area.path)
            if staff.department:
                scope |= Q(department=staff.department)
            return self.filter(scope)
        if role == roles.HANDLER and staff and staff.department_id:
            return self.filter(department_id=staff.department_id)
        return self.none()

    def open(self) -> "CaseQuerySet":
        """Cases still being worked on: waiting for dispatch or with a department."""
        return self.filter(status__in=[Case.Status.ACCEPTED, Case.Status.DISPATCHED])

    def overdue(self, now: datetime | None = None) -> "CaseQuerySet":
        """Cases with a department whose reply is past due."""
        return self.filter(status=Case.Status.DISPATCHED, reply_by__lt=now or timezone.now())

    def mergeable(self) -> "CaseQuerySet":
        """Cases another voice may still join (see :meth:`Case.merge`)."""
        return self.filter(status__in=Case.MERGEABLE)

    def by_deadline(self, user=None) -> "CaseQuerySet":
        """The workbench order: ``user``'s own cases (包案) first, then the earliest reply due
        (overdue ones have the earliest), then those without a deadline, oldest first."""
        cases, order = self, [F("reply_by").asc(nulls_last=True), "accepted_at", "id"]
        if user is not None and user.is_authenticated:
            cases = cases.alias(theirs=models.Case(models.When(owner=user, then=0), default=1))
            order.insert(0, "theirs")
        return cases.order_by(*order)


class Case(models.Model):
    """A voice that needs action (工单), from triage to the person's verdict."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted, waiting for dispatch (待派单)")
        DECLINED = "declined", _("Declined (不予受理)")
        MERGED = "merged", _("Merged into another case (已合并)")
        DISPATCHED = "dispatched", _("With the department (办理中)")
        REPLIED = "replied", _("Replied, waiting for the callback (已答复待回访)")
        CLOSED = "closed", _("Closed (已办结)")

    voice = models.OneToOneField(Voice, models.PROTECT, related_name="case")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Copied from the voice at triage and corrected there: the figures group by them.
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    area = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("leader in charge (包案领导)"),
    )
    # Who dispatched it last; a case returned twice waits for their supervisor instead.
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_cases",
        verbose_name=_("waiting for the supervisor"),
    )
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    accepted_at = models.DateTimeField(_("triaged at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    respond_by = models.DateTimeField(_("contact the person by"), null=True, blank=True)
    reply_by = models.DateTimeField(_("reply due"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("person contacted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)

    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    reopened = models.PositiveSmallIntegerField(_("times reopened (重办)"), default=0)

    # Outcomes, written by the step that decides them so the figures only add columns up
    # (docs/figures.md): the first contact against the contact deadline in force then, the
    # latest reply against its deadline (cleared by a reopening), and the person's verdicts
    # by how they were given (each also a Callback).
    contacted_in_time = models.BooleanField(null=True, editable=False)
    replied_in_time = models.BooleanField(null=True, editable=False)
    callbacks_link = models.PositiveSmallIntegerField(default=0, editable=False)
    satisfied_link = models.PositiveSmallIntegerField(default=0, editable=False)
    solved_link = models.PositiveSmallIntegerField(default=0, editable=False)
    callbacks_phone = models.PositiveSmallIntegerField(default=0, editable=False)
    satisfied_phone = models.PositiveSmallIntegerField(default=0, editable=False)
    solved_phone = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = CaseQuerySet.as_manager()

    MERGEABLE = (Status.ACCEPTED, Status.DISPATCHED, Status.REPLIED)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        permissions = [
            ("triage_case", _("Can accept, merge or decline voices")),
            ("dispatch_case", _("Can dispatch cases to departments")),
            ("handle_case", _("Can contact, reply to and return a department's cases")),
            ("own_case", _("Can take ownership of cases (包案)")),
            ("record_callback", _("Can record a callback made by phone")),
            ("view_figures", _("Can see the figures and the dashboard")),
        ]
        indexes = [
            models.Index(fields=["status", "reply_by"]),
            models.Index(fields=["status", "accepted_at"]),
            models.Index(fields=["department", "status", "reply_by"]),
            models.Index(fields=["dispatched_at"]),
            # The figures read only these columns, filtered by the first ones: the database
            # counts from the index without reading the rows (docs/figures.md).
            *(
                models.Index(
                    fields=[
                        by,
                        "accepted_at",
                        *(d for d in DIMENSIONS if d != by),
                        *OUTCOME_FIELDS,
                    ],
                    name=f"case_figures_by_{by}",
                )
                for by in DIMENSIONS
            ),
            models.Index(
                fields=["accepted_at", *DIMENSIONS, *OUTCOME_FIELDS], name="case_figures_by_time"
            ),
            # The open cases (a few thousand of a year's), with every column the figures
            # that depend on the time now read (figures.pending_measures).
            models.Index(
                fields=[
                    "accepted_at",
                    *DIMENSIONS,
                    "reply_by",
                    "respond_by",
                    "contacted_at",
                    "replied_at",
                    "status",
                ],
                condition=Q(status__in=["accepted", "dispatched"]),
                name="case_figures_open",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.voice.tracking_code} {self.voice.subject}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        FigureMonth.changed([self.accepted_at])

    # ---- triage: a voice becomes a case, a merged voice or a declined one

    @classmethod
    def _triage(cls, voice: Voice, user, status: str, **fields) -> "Case":
        if cls.objects.filter(voice=voice).exists():
            raise ValidationError(_("This voice has been triaged already."), code="triaged")
        return cls.objects.create(
            voice=voice,
            status=status,
            category=voice.category,
            area=voice.area,
            **fields,
        )

    @classmethod
    @transaction.atomic
    def accept(
        cls,
        voice: Voice,
        user,
        urgency: str = Urgency.NORMAL,
        *,
        category: Category | None = None,
        area: Area | None = None,
    ) -> "Case":
        """Accept ``voice`` as a case waiting for dispatch (受理), with the category and area
        the operator corrected, if any: a corrected category is kept as a correction of the
        voice (it trains the classifier), a corrected area moves the voice too."""
        if category is not None and category.pk != voice.category_id:
            voice.correct_category(user, category)
        if area is not None and area.pk != voice.area_id:
            voice.area = area
        voice.status = Voice.Status.IN_PROGRESS
        voice.save(update_fields=["status", "area"])
        case = cls._triage(voice, user, cls.Status.ACCEPTED, urgency=urgency)
        case.log(Event.Kind.ACCEPTED, user)
        return case

    @classmethod
    @transaction.atomic
    def decline(cls, voice: Voice, user, reason: str) -> "Case":
        """Decline ``voice`` with a reason the person reads on their status page (不予受理)."""
        if not (reason := reason.strip()):
            raise ValidationError(_("Say why the voice is declined: the person reads it."))
        case = cls._triage(voice, user, cls.Status.DECLINED, decline_reason=reason)
        case.closed_at = case.accepted_at
        case.save(update_fields=["closed_at"])
        case.log(Event.Kind.DECLINED, user, reason=reason)
        voice.status = Voice.Status.CLOSED
        voice.save(update_fields=["status"])
        return case

    @classmethod
    @transaction.atomic
    def merge(cls, voice: Voice, user, into: "Case", reason: str = "") -> "Case":
        """Merge ``voice`` into the open case ``into`` (a repeat or the same problem): its
        person hears what that case's person hears."""
        into = into.merged_into or into
        if into.status not in cls.MERGEABLE:
            raise ValidationError(_("Only an open case can take another voice."), code="closed")
        case = cls._triage(voice, user, cls.Status.MERGED, merged_into=into, urgency=into.urgency)
        case.log(Event.Kind.MERGED, user, reason=reason, data={"into": into.pk})
        into.log(Event.Kind.MERGED, user, reason=reason, data={"voice": voice.pk})
        voice.status = into.voice.status
        voice.save(update_fields=["status"])
        return case

    # ---- acting: dispatch, own, return, escalate

    def _require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise ValidationError(
                _("This case is %(status)s: that step is not possible now.")
                % {"status": self.get_status_display()},
                code="status",
            )

    def _set_deadlines(self, start: datetime) -> None:
        limit = TimeLimit.applying(self.urgency, self.voice.kind)
        self.respond_by, self.reply_by = limit.deadlines(start, working_calendar())
        self.reminded_at = self.overdue_at = None

    @transaction.atomic
    def dispatch(self, user, department: Department, reason: str = "") -> None:
        """Send the case to ``department``, which now has its time limits (派单)."""
        self._require(self.Status.ACCEPTED)
        if self.supervisor_id and user.pk != self.supervisor_id and not user.is_superuser:
            raise ValidationError(
                _("Returned twice, this case waits for %(supervisor)s to dispatch it.")
                % {"supervisor": staff_name(self.supervisor)},
                code="supervisor",
            )
        if self.returned_by(department):
            raise ValidationError(
                _("%(department)s returned this case already: choose another department.")
                % {"department": department},
                code="returned",
            )
        now = timezone.now()
        self.status = self.Status.DISPATCHED
        self.department = department
        self.dispatched_by = user
        self.dispatched_at = now
        self.supervisor = None
        self._set_deadlines(now)
        self.save()
        self._set_voice_department(department)
        self.log(Event.Kind.DISPATCHED, user, department=department, reason=reason)

    def returned_by(self, department: Department) -> bool:
        return self.events.filter(kind=Event.Kind.RETURNED, from_department=department).exists()

    @transaction.atomic
    def send_back(self, user, reason: str) -> None:
        """The department returns a wrongly routed case with a reason (退回), once; a case
        returned twice waits for the dispatcher's supervisor."""
        self._require(self.Status.DISPATCHED)
        if not (reason := reason.strip()):
            raise ValidationError(_("Say why the case is returned."))
        department = self.department
        self.status = self.Status.ACCEPTED
        self.department = None
        self.respond_by = self.reply_by = None
        self.returns += 1
        if self.returns >= 2:
            staff = getattr(self.dispatched_by, "staff", None)
            self.supervisor = staff.supervisor if staff else None
        self.save()
        self._set_voice_department(None)
        self.log(Event.Kind.RETURNED, user, from_department=department, reason=reason)

    @transaction.atomic
    def escalate(self, user, department: Department, reason: str) -> None:
        """Raise the case to a department of a higher tier (street → district → city)."""
        self._require(self.Status.DISPATCHED)
        if not (reason := reason.strip()):
            raise ValidationError(_("Say why the case goes to a higher tier."))
        if department.tier >= self.department.tier:
            raise ValidationError(
                _("%(department)s is not of a higher tier than %(current)s.")
                % {"department": department, "current": self.department},
                code="tier",
            )
        previous, now = self.department, timezone.now()
        self.department = department
        self.dispatched_at = now
        self._set_deadlines(now)
        self.save()
        self._set_voice_department(department)
        self.log(
            Event.Kind.ESCALATED,
            user,
            department=department,
            from_department=previous,
            reason=reason,
        )

    @transaction.atomic
    def set_owner(self, user, owner) -> None:
        """Put a leader in charge of the case (领导包案): their name is on it, publicly too."""
        if not owner.has_perm("cases.own_case"):
            raise ValidationError(_("Only a leader can take charge of a case."), code="owner")
        self.owner = owner
        self.save(update_fields=["owner"])
        self.log(Event.Kind.OWNED, user, data={"owner": owner.pk})

    # ---- answering: contact, reply, callback, reopen

    @transaction.atomic
    def record_contact(self, user, note: str = "") -> None:
        """The department got in touch with the person (the first contact counts for the
        response rate)."""
        self._require(self.Status.DISPATCHED)
        if self.contacted_at is None:
            self._contacted(timezone.now())
            self.save(update_fields=["contacted_at", "contacted_in_time"])
        self.log(Event.Kind.CONTACTED, user, department=self.department, reason=note)

    def _contacted(self, at: datetime) -> None:
        # The first contact is judged once, against the deadline of the dispatch it
        # answered: a reopening's later deadline does not make a late contact timely.
        self.contacted_at = at
        self.contacted_in_time = at <= self.respond_by

    @transaction.atomic
    def reply(
        self,
        user,
        disposition: str,
        text: str,
        *,
        expected_by: date | None = None,
        basis: str = "",
        warnings: list | None = None,
    ) -> tuple["Reply", str]:
        """Answer the person with one of the three dispositions. Returns the reply and the
        clear token of its callback link (only its digest is stored)."""
        self._require(self.Status.DISPATCHED)
        reply = Reply(
            case=self,
            disposition=disposition,
            text=text.strip(),
            expected_by=expected_by,
            basis=basis.strip(),
            department=self.department,
            author=user,
            warnings=warnings or [],
        )
        reply.full_clean(exclude=["callback_digest"])
        token = secrets.token_urlsafe(24)
        reply.callback_digest = _digest(token)
        reply.save()
        now = reply.at
        self.status = self.Status.REPLIED
        self.replied_at = now
        self.replied_in_time = now <= self.reply_by
        if self.contacted_at is None:
            self._contacted(now)
        self.save(
            update_fields=[
                "status",
                "replied_at",
                "replied_in_time",
                "contacted_at",
                "contacted_in_time",
            ]
        )
        self.log(Event.Kind.REPLIED, user, department=self.department, data={"reply": reply.pk})
        self._set_voice_status(Voice.Status.REPLIED)
        return reply, token

    def _set_voice_status(self, status: str) -> None:
        Voice.objects.filter(Q(case=self) | Q(case__merged_into=self)).update(status=status)

    def _set_voice_department(self, department: Department | None) -> None:
        # The voices follow their case, so the department's handlers may open them (and
        # reveal the person to contact them); a department that returned it no longer can.
        voices = Voice.objects.filter(Q(case=self) | Q(case__merged_into=self))
        voices.update(department=department)
        FigureMonth.changed(voices.values_list("received_at", flat=True))

    @transaction.atomic
    def rate(
        self,
        reply: "Reply",
        rating: str,
        solved: bool,
        *,
        by=None,
        comment: str = "",
    ) -> "Callback":
        """The person's verdict on ``reply`` (回访): from their own link (``by`` is None) or
        taken by phone and recorded by ``by``. Dissatisfied or unsolved reopens the case."""
        self._require(self.Status.REPLIED)
        if reply.case_id != self.pk or reply != self.replies.latest():
            raise ValidationError(_("Only the latest reply can be rated."), code="reply")
        if by is not None and not by.has_perm("cases.record_callback"):
            raise ValidationError(_("Only an operator records a phone callback."), code="by")
        callback = Callback(
            case=self,
            reply=reply,
            rating=rating,
            solved=solved,
            comment=comment.strip(),
            via=Callback.Via.LINK if by is None else Callback.Via.PHONE,
            recorded_by=by,
        )
        callback.full_clean(exclude=["reply"])
        callback.save()
        self.log(Event.Kind.RATED, by, data={"rating": rating, "solved": solved})
        self.count_callback(callback.via, rating, solved)
        if callback.reopens:
            self.status = self.Status.DISPATCHED
            self.reopened += 1
            self.replied_at = self.replied_in_time = None
            self._set_deadlines(callback.at)
            self.save()
            self.log(Event.Kind.REOPENED, by, department=self.department, reason=comment)
            self._set_voice_status(Voice.Status.IN_PROGRESS)
        else:
            self.status = self.Status.CLOSED
            self.closed_at = callback.at
            self.save(update_fields=["status", "closed_at", *self.CALLBACK_COUNTS])
            self.log(Event.Kind.CLOSED, by)
            self._set_voice_status(Voice.Status.CLOSED)
        return callback

    CALLBACK_COUNTS = CALLBACK_FIELDS

    def count_callback(self, via: str, rating: str, solved: bool) -> None:
        """Add a callback to the case's counts of verdicts (saved with the case)."""
        counted = ["callbacks"]
        counted += ["satisfied"] if rating in Callback.SATISFYING else []
        counted += ["solved"] if solved else []
        for what in counted:
            setattr(self, f"{what}_{via}", getattr(self, f"{what}_{via}") + 1)

    def log(self, kind: str, user=None, **fields) -> "Event":
        """Record one step (who, when, what, why)."""
        return Event.objects.create(case=self, kind=kind, actor=user, **fields)

    # ---- what the pages show

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status == self.Status.DISPATCHED
            and self.reply_by
            and self.reply_by < timezone.now()
        )

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        """Until the reply is due (negative when overdue), for a case with a department."""
        if self.status != self.Status.DISPATCHED or self.reply_by is None:
            return None
        return self.reply_by - (now or timezone.now())

    # ---- deadlines: the department reminded before the reply is due, overdue cases
    # flagged and the alert raised; run every MASSLINE_DEADLINES_EVERY seconds by
    # massline.notifications.tasks.check_deadlines (the events tell whom to notify).

    REMIND_SHARE = 0.2  # remind when a fifth of the time given is left…
    # …or less than one working day, whichever comes first (for longer limits)

    def remind_at(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """When the department is reminded of the reply due at ``reply_by``, the time
        having run from ``start``."""
        share = self.reply_by - (self.reply_by - start) * self.REMIND_SHARE
        day_before = calendar.working_day_before(self.reply_by)
        return min(share, day_before) if day_before > start else share

    @classmethod
    def check_deadlines(cls, now: datetime | None = None) -> tuple[list["Case"], list["Case"]]:
        """Remind every case with a department whose reminder is due (once per deadline)
        and flag every case past its deadline (once). Returns (reminded, flagged)."""
        now = now or timezone.now()
        calendar = working_calendar()
        # The time runs from the last dispatch, escalation or reopening.
        started = Event.objects.filter(
            case=models.OuterRef("pk"),
            kind__in=[Event.Kind.DISPATCHED, Event.Kind.ESCALATED, Event.Kind.REOPENED],
        ).order_by("-at", "-id")
        waiting = cls.objects.filter(
            status=cls.Status.DISPATCHED, reply_by__isnull=False, overdue_at=None
        ).annotate(started=models.Subquery(started.values("at")[:1]))
        reminded, flagged = [], []
        for case in waiting:
            if case.reply_by <= now:
                case.flag_overdue(now)
                flagged.append(case)
            elif case.reminded_at is None and now >= case.remind_at(case.started, calendar):
                case.remind(now)
                reminded.append(case)
        return reminded, flagged

    @transaction.atomic
    def remind(self, now: datetime) -> None:
        """Remind the department that the reply is due soon (催办)."""
        self.reminded_at = now
        self.save(update_fields=["reminded_at"])
        self.log(Event.Kind.REMINDED, at=now, department=self.department)

    @transaction.atomic
    def flag_overdue(self, now: datetime) -> None:
        """The reply is past due (超期): flagged once; the alert goes up (see notifications)."""
        self.overdue_at = now
        self.save(update_fields=["overdue_at"])
        self.log(Event.Kind.OVERDUE, at=now, department=self.department)

    @classmethod
    def merge_targets(cls, voice: Voice, user, limit: int = 5) -> list["Case"]:
        """Open cases ``voice`` may repeat, newest first: the same person's (a repeat
        caller: ``same_person`` is set on those), those whose voices share its hot issue
        and those about the same place."""
        similar = Q(voice__memberships__issue__memberships__voice=voice)
        if voice.person_key:
            similar |= Q(voice__person_key=voice.person_key)
        if voice.place:
            similar |= Q(voice__place=voice.place)
        targets = list(
            cls.objects.visible_to(user)
            .mergeable()
            .filter(similar)
            .exclude(voice=voice)
            .select_related("voice", "department")
            .defer("voice__body", "voice__name", "voice__phone", "voice__address", "voice__extra")
            .distinct()[:limit]
        )
        for case in targets:
            case.same_person = bool(voice.person_key) and case.voice.person_key == voice.person_key
        return targets

    def in_department_of(self, user) -> bool:
        """Whether ``user`` works in the department that has the case now."""
        staff = getattr(user, "staff", None)
        return bool(self.department_id) and getattr(staff, "department_id", None) == (
            self.department_id
        )

    def steps_for(self, user) -> set[str]:
        """The steps ``user`` may take on this case now (the case page offers these)."""
        steps = set()
        handles = user.has_perm("cases.handle_case") and (
            user.is_superuser or self.in_department_of(user)
        )
        dispatches = user.has_perm("cases.dispatch_case")
        waits_for_other = self.supervisor_id not in (None, user.pk) and not user.is_superuser
        if self.status == self.Status.ACCEPTED and dispatches and not waits_for_other:
            steps.add("dispatch")
        if self.status == self.Status.DISPATCHED:
            if handles:
                steps |= {"contact", "send_back"}
            if (handles or dispatches) and self.department.tier > Department.Tier.CITY:
                steps.add("escalate")
        if self.status in self.MERGEABLE:
            if user.has_perm("cases.own_case") and self.owner_id != user.pk:
                steps.add("take_charge")
            if dispatches:
                steps.add("assign_owner")
        return steps


class Event(models.Model):
    """One step of a case: who did what, when and why. Never changed or deleted."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted (受理)")
        DECLINED = "declined", _("Declined (不予受理)")
        MERGED = "merged", _("Merged (合并)")
        DISPATCHED = "dispatched", _("Dispatched (派单)")
        RETURNED = "returned", _("Returned (退回)")
        ESCALATED = "escalated", _("Escalated (提级)")
        OWNED = "owned", _("Leader in charge (包案)")
        CONTACTED = "contacted", _("Person contacted (联系群众)")
        REMINDED = "reminded", _("Reminded of the deadline (催办)")
        OVERDUE = "overdue", _("Overdue (超期)")
        REPLIED = "replied", _("Replied (答复)")
        RATED = "rated", _("Rated by the person (回访)")
        REOPENED = "reopened", _("Reopened (重办)")
        CLOSED = "closed", _("Closed (办结)")

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # None: the system (a reminder, an overdue flag) or the person by their own link.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Reply(models.Model):
    """A department's answer to the person, with one of the three dispositions."""

    class Disposition(models.TextChoices):
        RESOLVED = "resolved", _("Resolved (已解决)")
        NOT_YET = "not_yet", _("Cannot be solved yet: why and when (暂时无法解决)")
        NOT_IN_POLICY = "not_in_policy", _("Not within policy: the basis (不符合政策规定)")

    case = models.ForeignKey(Case, models.CASCADE, related_name="replies")
    disposition = models.CharField(_("disposition"), max_length=14, choices=Disposition.choices)
    text = models.TextField(_("reply"))
    expected_by = models.DateField(_("expected to be solved by"), null=True, blank=True)
    basis = models.CharField(_("policy basis"), max_length=300, blank=True)
    department = models.ForeignKey(Department, models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # The reply check's warnings the author saw and sent anyway.
    warnings = models.JSONField(default=list, blank=True)
    callback_digest = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        get_latest_by = ["at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_disposition_display()}"

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": _("The reply is empty.")})
        if self.disposition == self.Disposition.NOT_YET and not self.expected_by:
            raise ValidationError(
                {"expected_by": _("Say when it can be solved: the person waits for that date.")}
            )
        if self.expected_by and self.expected_by < timezone.localdate():
            raise ValidationError({"expected_by": _("That date has passed.")})
        if self.disposition == self.Disposition.NOT_IN_POLICY and not self.basis.strip():
            raise ValidationError(
                {"basis": _("Name the policy or law the answer rests on (政策依据).")}
            )

    @classmethod
    def by_callback_token(cls, token: str) -> "Reply | None":
        """The reply whose callback link carries ``token``, if that link was never used."""
        reply = cls.objects.filter(callback_digest=_digest(token)).select_related("case").first()
        if reply is None or hasattr(reply, "callback"):
            return None
        return reply


class Callback(models.Model):
    """The person's verdict on a reply (回访): from their own one-time link, or by phone,
    recorded by an operator — the figures show the two apart."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied (满意)")
        BASICALLY = "basically", _("Basically satisfied (基本满意)")
        DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")

    class Via(models.TextChoices):
        LINK = "link", _("The person's own link")
        PHONE = "phone", _("Phone callback recorded by staff")

    #: The ratings the satisfaction rate counts as satisfied.
    SATISFYING = (Rating.SATISFIED, Rating.BASICALLY)

    case = models.ForeignKey(Case, models.CASCADE, related_name="callbacks")
    reply = models.OneToOneField(Reply, models.CASCADE, related_name="callback")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    solved = models.BooleanField(_("was the problem actually solved?"))
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(max_length=6, choices=Via.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_rating_display()}"

    @property
    def reopens(self) -> bool:
        return self.rating == self.Rating.DISSATISFIED or not self.solved


def month_of(moment: datetime) -> date:
    """The first day of the month of ``moment``, in the office's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


class FigureMonth(models.Model):
    """Whether the kept counts of one month (:class:`FigureCount`: its cases by the day they
    were triaged, its voices by the day they came) are those of the record now, as counted by
    ``massline.cases.figures.count_month``: a dashboard over a year adds up a dozen months'
    counts instead of reading every case. Every change to one of the month's cases or voices
    counts in ``changes``; the counts are used only while ``counted`` (the changes they saw)
    is the same, and a background task counts the month again."""

    month = models.DateField(primary_key=True)
    changes = models.PositiveBigIntegerField(default=0)
    counted = models.PositiveBigIntegerField(default=0)
    counted_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("month of figures")
        verbose_name_plural = _("months of figures")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @classmethod
    def changed(cls, moments) -> None:
        """Cases or voices of the months of ``moments`` changed: their kept counts are out
        of date until the task counts them again (enqueued once the change is committed,
        for the months whose counts were up to date until now)."""
        months = {month_of(moment) for moment in moments if moment}
        if not months or not cls.objects.filter(month__in=months).update(changes=F("changes") + 1):
            return
        # After the increment the row is ours until commit: was it counted just before?
        fresh = cls.objects.filter(month__in=months, counted=F("changes") - 1)
        if fresh := [month.isoformat() for month in fresh.values_list("month", flat=True)]:
            from massline.cases.tasks import count_months

            transaction.on_commit(lambda: count_months.enqueue(fresh), robust=True)

    @classmethod
    def all_changed(cls) -> None:
        """Every month changed, as when an area moves: the counts kept by district are of
        the tree as it was (``massline.cases.figures.district_of``)."""
        if months := [m.isoformat() for m in cls.objects.values_list("month", flat=True)]:
            cls.objects.update(changes=F("changes") + 1)
            from massline.cases.tasks import count_months

            transaction.on_commit(lambda: count_months.enqueue(months), robust=True)


#: What a month's or a day's kept counts hold: the columns of :class:`FigureCount` that
#: ``massline.cases.figures`` adds up (its measures of the cases and of the voices).
KEPT_MEASURES = (
    "cases",
    "response_of",
    "response_met",
    "on_time_of",
    "on_time_met",
    "reopen_of",
    "reopen_met",
    *CALLBACK_FIELDS,
    "voices",
    "repeats",
)


class FigureCount(models.Model):
    """The kept counts of one key of a dimension (a department, an area, a category, or
    ``all``) among one month's cases and voices (``day`` empty) or one day's, within a scope:
    0 for every case, else the district (an area two levels deep, ``figures.district_of``)
    they lie in. Written by ``figures.count_month`` only, all of a month's at once; the
    dashboard sums these rows in the database instead of counting the cases again.

    Days are kept for every case only: they add up to the parts of months (a week, the
    current month) of the whole city's figures; a district's months are kept whole."""

    month = models.ForeignKey(FigureMonth, models.CASCADE, related_name="kept")
    day = models.DateField(null=True)
    scope = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=10)
    # The department's, area's or category's id (none: cases without one); 0 for "all".
    key = models.PositiveIntegerField(null=True)
    cases = models.PositiveIntegerField(default=0)
    response_of = models.PositiveIntegerField(default=0)
    response_met = models.PositiveIntegerField(default=0)
    on_time_of = models.PositiveIntegerField(default=0)
    on_time_met = models.PositiveIntegerField(default=0)
    reopen_of = models.PositiveIntegerField(default=0)
    reopen_met = models.PositiveIntegerField(default=0)
    callbacks_link = models.PositiveIntegerField(default=0)
    satisfied_link = models.PositiveIntegerField(default=0)
    solved_link = models.PositiveIntegerField(default=0)
    callbacks_phone = models.PositiveIntegerField(default=0)
    satisfied_phone = models.PositiveIntegerField(default=0)
    solved_phone = models.PositiveIntegerField(default=0)
    voices = models.PositiveIntegerField(default=0)
    repeats = models.PositiveIntegerField(default=0)

    class Meta:
        # How the dashboard asks: a scope's rows of one dimension, of some months or days.
        indexes = [models.Index(fields=["scope", "dimension", "day", "month"])]
        verbose_name = _("kept count of figures")
        verbose_name_plural = _("kept counts of figures")

    def __str__(self) -> str:
        return f"{self.day or self.month:%Y-%m-%d} {self.scope} {self.dimension} {self.key}"


class FittedClassifier(models.Model):
    """The category classifier as last fitted on the labelled voices (see
    ``massline.cases.suggestions``): fitting takes seconds, so a background task does it
    and every process loads the newest one."""

    fitted_at = models.DateTimeField(default=timezone.now)
    voices = models.PositiveIntegerField(help_text="labelled voices it learnt from")
    seconds = models.FloatField(help_text="how long fitting took")
    model = models.BinaryField(help_text="the fitted CategoryClassifier, pickled and compressed")

    class Meta:
        get_latest_by = ["fitted_at", "id"]
        verbose_name = _("fitted category classifier")
        verbose_name_plural = _("fitted category classifiers")

    def __str__(self) -> str:
        return f"{self.fitted_at:%Y-%m-%d %H:%M} ({self.voices})"
