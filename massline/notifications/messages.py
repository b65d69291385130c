"""What each step of a case tells whom (the words of the notifications).

- The person (and every person whose voice was merged into the case): declined, with the
  reason; replied, with the reply and their one-time callback link; reopened.
- The department's handlers: a case dispatched or escalated to them, reopened, a reminder
  before the reply is due, overdue.
- Overdue also goes up: to the dispatcher's supervisor, the leader in charge and the
  leaders of the case's area (the nearest area up the tree that has any).

Messages are written in the office's language (``LANGUAGE_CODE``), whoever's request
caused them. Staff are reached by their account's email, people by theirs and by SMS to a
mobile number.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from massline.cases.models import Case, Event, Reply
from massline.lib.personal import normalise_phone
from massline.notifications.models import Notification
from massline.org import roles
from massline.voices.models import Voice

MOBILE = re.compile(r"1[3-9]\d{9}")


def site_url(path: str) -> str:
    """An absolute link for a message: ``MASSLINE_SITE_URL`` + ``path``."""
    return settings.SITE_URL.rstrip("/") + path


def status_link(voice: Voice) -> str:
    return site_url(reverse("public-status")) + f"?code={voice.tracking_code}"


def case_link(case: Case) -> str:
    return site_url(reverse("case-detail", args=[case.pk]))


def tell_person(voice: Voice, subject: str, body: str, sms: str, case: Case) -> None:
    """By email if the person gave one, and by SMS if their phone is a mobile."""
    reference = f"case:{case.pk}"
    if voice.email:
        Notification.queue(Notification.Channel.EMAIL, voice.email, subject, body, reference)
    if MOBILE.fullmatch(phone := normalise_phone(voice.phone)):
        Notification.queue(Notification.Channel.SMS, phone, "", sms, reference)


def tell_staff(users, subject: str, body: str, about) -> None:
    """By email, once per address, to those of ``users`` (None skipped) who have one;
    ``about`` is the case or commitment the message is about (its reference)."""
    reference = f"{about._meta.model_name}:{about.pk}"
    emails = {user.email for user in users if user and user.is_active and user.email}
    for email in sorted(emails):
        Notification.queue(Notification.Channel.EMAIL, email, subject, body, reference)


def voices_of(case: Case) -> list[Voice]:
    """The case's own voice, then the voices merged into it."""
    merged = Voice.objects.filter(case__merged_into=case).order_by("received_at", "pk")
    return [case.voice, *merged]


def handlers_of(department) -> list:
    if department is None:
        return []
    return list(
        get_user_model().objects.filter(
            staff__department=department, groups__name=roles.HANDLER, is_active=True
        )
    )


def leaders_above(area) -> list:
    """The leaders of ``area``, else of the nearest area above it that has leaders."""
    users = get_user_model().objects.filter(groups__name=roles.LEADER, is_active=True)
    while area is not None:
        if found := list(users.filter(staff__area=area)):
            return found
        area = area.parent
    return []


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i")


def reply_text(reply: Reply) -> str:
    """The reply as the person reads it: disposition, text, and the date or basis it gives."""
    lines = [f"{reply.get_disposition_display()}", reply.text]
    if reply.expected_by:
        lines.append(_("Expected to be solved by: %(date)s") % {"date": reply.expected_by})
    if reply.basis:
        lines.append(_("Policy basis: %(basis)s") % {"basis": reply.basis})
    lines.append(_("Replied by: %(department)s") % {"department": reply.department})
    return "\n".join(lines)


def replied(reply: Reply, token: str) -> None:
    """Tell the people of the case that it was replied to. The case's own person gets the
    one-time callback link; people whose voices were merged into it read the reply on
    their status page (the case takes one verdict per reply)."""
    case = reply.case
    link = site_url(reverse("case-callback", args=[token]))
    with translation.override(settings.LANGUAGE_CODE):
        for voice in voices_of(case):
            own = voice.pk == case.voice_id
            subject = _("Your voice %(code)s has a reply") % {"code": voice.tracking_code}
            if own:
                ask = _("Please tell us whether you are satisfied (the link works once): %(link)s")
                ask %= {"link": link}
            else:
                ask = _("Check the progress of your voice here: %(link)s")
                ask %= {"link": status_link(voice)}
            body = f"{subject}\n\n{voice.subject}\n\n{reply_text(reply)}\n\n{ask}\n"
            sms = _("[%(site)s] Your voice %(code)s has a reply. %(ask)s") % {
                "site": _("massline"),
                "code": voice.tracking_code,
                "ask": ask,
            }
            tell_person(voice, subject, body, sms, case)


def _declined(event: Event) -> None:
    case = event.case
    voice = case.voice
    subject = _("Your voice %(code)s was not accepted") % {"code": voice.tracking_code}
    reason = _("The reason: %(reason)s") % {"reason": case.decline_reason}
    body = f"{subject}\n\n{voice.subject}\n\n{reason}\n"
    sms = f"[{_('massline')}] {subject}. {reason}"
    tell_person(voice, subject, body, sms, case)


def _dispatched(event: Event) -> None:
    from massline.notifications.tasks import ensure_deadlines_checked

    case = event.case
    subject = _("New case %(code)s for %(department)s, reply due %(due)s") % {
        "code": case.voice.tracking_code,
        "department": event.department,
        "due": _date(case.reply_by),
    }
    body = f"{subject}\n\n{case.voice.subject}\n\n{case_link(case)}\n"
    tell_staff(handlers_of(event.department), subject, body, case)
    ensure_deadlines_checked()


def _reopened(event: Event) -> None:
    from massline.notifications.tasks import ensure_deadlines_checked

    case = event.case
    for voice in voices_of(case):
        subject = _("Your voice %(code)s is being handled again") % {"code": voice.tracking_code}
        body = f"{subject}\n\n{voice.subject}\n\n{status_link(voice)}\n"
        sms = f"[{_('massline')}] {subject}. {status_link(voice)}"
        tell_person(voice, subject, body, sms, case)
    subject = _("Case %(code)s reopened (重办): the person was not satisfied, reply due %(due)s")
    subject %= {"code": case.voice.tracking_code, "due": _date(case.reply_by)}
    body = f"{subject}\n\n{case.voice.subject}\n\n{event.reason}\n\n{case_link(case)}\n"
    tell_staff(handlers_of(case.department), subject, body, case)
    ensure_deadlines_checked()


def _reminded(event: Event) -> None:
    case = event.case
    subject = _("Reminder: case %(code)s must be replied to by %(due)s") % {
        "code": case.voice.tracking_code,
        "due": _date(case.reply_by),
    }
    body = f"{subject}\n\n{case.voice.subject}\n\n{case_link(case)}\n"
    tell_staff(handlers_of(case.department), subject, body, case)


def _overdue(event: Event) -> None:
    case = event.case
    subject = _("Overdue: case %(code)s with %(department)s was due %(due)s") % {
        "code": case.voice.tracking_code,
        "department": case.department,
        "due": _date(case.reply_by),
    }
    body = f"{subject}\n\n{case.voice.subject}\n\n{case_link(case)}\n"
    up = [case.owner, *leaders_above(case.area)]
    if (staff := getattr(case.dispatched_by, "staff", None)) and staff.supervisor:
        up.append(staff.supervisor)
    tell_staff([*handlers_of(case.department), *up], subject, body, case)


ON_KIND = {
    Event.Kind.DECLINED: _declined,
    Event.Kind.DISPATCHED: _dispatched,
    Event.Kind.ESCALATED: _dispatched,
    Event.Kind.REOPENED: _reopened,
    Event.Kind.REMINDED: _reminded,
    Event.Kind.OVERDUE: _overdue,
}


def on_event(sender, instance: Event, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of an Event: notify those the step concerns (replies: see :func:`replied`,
    called with the callback link's token, which only the step that made it knows)."""
    if created and not raw and (notify := ON_KIND.get(instance.kind)):
        with translation.override(settings.LANGUAGE_CODE):
            notify(instance)
