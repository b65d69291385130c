"""Commitments' deadlines (承诺到期提醒): a commitment's owner is reminded a week before it
is due, and once it is past due and neither done nor dropped, the owner and the leader who
made the decision are told it is overdue — each once per commitment, by email, in the
office's language. The periodic deadline check of the cases runs this too
(``massline.notifications.tasks.check_deadlines``)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from massline.decisions.models import Commitment
from massline.notifications.messages import site_url, tell_staff
from massline.org.models import staff_name

#: Days before its deadline that a commitment's owner is reminded.
REMIND_DAYS = 7


def check_commitments(today: date | None = None) -> tuple[list[Commitment], list[Commitment]]:
    """Remind the owners of commitments due within :data:`REMIND_DAYS` days and flag those
    past due; returns (reminded, flagged)."""
    today = today or timezone.localdate()
    near = (
        Commitment.objects.exclude(status__in=[Commitment.Status.DONE, Commitment.Status.DROPPED])
        .filter(overdue_since=None, deadline__lte=today + timedelta(days=REMIND_DAYS))
        .select_related("owner", "unit", "decision__decided_by", "programme")
    )
    reminded, flagged = [], []
    for commitment in near:
        if commitment.deadline < today:
            flag_overdue(commitment, today)
            flagged.append(commitment)
        elif commitment.reminded_on is None:
            remind(commitment, today)
            reminded.append(commitment)
    return reminded, flagged


@transaction.atomic
def remind(commitment: Commitment, today: date) -> None:
    """Tell the owner the commitment is due soon."""
    commitment.reminded_on = today
    commitment.save(update_fields=["reminded_on"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: the commitment “%(title)s” is due %(due)s") % _words(commitment)
        _tell([commitment.owner], subject, commitment)


@transaction.atomic
def flag_overdue(commitment: Commitment, today: date) -> None:
    """Tell the owner and the leader who decided that the commitment is overdue."""
    commitment.overdue_since = today
    commitment.save(update_fields=["overdue_since"])
    decider = commitment.decision.decided_by if commitment.decision else None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Overdue: the commitment “%(title)s” was due %(due)s") % _words(commitment)
        _tell([commitment.owner, decider], subject, commitment)


def _words(commitment: Commitment) -> dict:
    return {"title": commitment.title, "due": formats.date_format(commitment.deadline)}


def _tell(users, subject: str, commitment: Commitment) -> None:
    """``users`` by email: what was promised, by whom, and its page."""
    of = commitment.decision or commitment.programme
    body = "\n\n".join(
        [
            subject,
            f"{of}",
            _("Owner: %(owner)s · unit: %(unit)s · progress: %(progress)s%%")
            % {
                "owner": staff_name(commitment.owner),
                "unit": commitment.unit,
                "progress": commitment.progress,
            },
            site_url(reverse("commitment-detail", args=[commitment.pk])),
        ]
    )
    tell_staff(users, subject, body + "\n", commitment)
