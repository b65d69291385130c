"""Cases (工单): voices that need action, routed, owned, timed and answered.

So far: the working-day calendar that every time limit counts in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from massline.cases.workdays import WorkingCalendar


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
