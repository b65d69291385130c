"""Cases (工单): voices that need action, routed, owned, timed and answered.

So far: the working-day calendar and the time limits (办理时限) that cases are held to.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from massline.cases.workdays import WorkingCalendar
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
