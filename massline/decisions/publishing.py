"""Publishing a decision (到群众中去): it shows on the public site, and everyone who raised
the hot issue it answers and asked to be told gets one message with a link to it and the
question "does this address your problem?".

- Who is told: the people of the hot issue's voices with ``consent_to_follow_up`` and an
  email or a mobile number; one :class:`Notice` per person (the same ``person_key``, else
  the same email), on their first such voice in the issue.
- How: by email when they gave one, else by SMS (a notification, sent in the background
  once the publication commits).
- Publishing again tells only people who joined the issue since: nobody twice.
- The person's answer is recorded once (like the callback link of a case): it is what the
  verification of the decision counts, so a later click cannot change it; the link still
  shows the decision and the answer given.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from massline.decisions.models import Decision, Notice, Programme
from massline.hotissues.models import HotIssue
from massline.lib.personal import normalise_phone
from massline.notifications.messages import MOBILE, site_url
from massline.notifications.models import Notification
from massline.voices.models import Voice

#: Characters of the person's own subject an SMS quotes.
SMS_SUBJECT_CHARS = 20
#: The states in which a decision is on the public site.
PUBLIC = (Decision.Status.PUBLISHED, Decision.Status.VERIFIED)


def can_publish(user, decision: Decision) -> bool:
    """Whether ``user`` may publish (or withdraw) ``decision``: leaders and administrators
    (``decisions.publish_decision``), for a hot issue they may see."""
    return (
        user.is_active
        and user.has_perm("decisions.publish_decision")
        and HotIssue.objects.visible_to(user).filter(pk=decision.opinion.hot_issue_id).exists()
    )


def check_can_publish(user, decision: Decision) -> None:
    if not can_publish(user, decision):
        raise ValidationError(_("You may not publish this decision."), code="permission")


def address_of(voice: Voice) -> tuple[str, str] | None:
    """(channel, recipient) to tell the person of ``voice``: email, else a mobile by SMS."""
    if voice.email:
        return Notification.Channel.EMAIL, voice.email
    if MOBILE.fullmatch(phone := normalise_phone(voice.phone)):
        return Notification.Channel.SMS, phone
    return None


def _person(voice: Voice) -> str:
    return voice.person_key or f"email:{voice.email.strip().lower()}"


def standing_issue(decision: Decision) -> HotIssue:
    """The hot issue the decision answers, or the one it was merged into since (its voices
    are there now)."""
    issue, seen = decision.opinion.hot_issue, set()
    while issue.merged_into_id and issue.pk not in seen:
        seen.add(issue.pk)
        issue = issue.merged_into
    return issue


def people_to_tell(decision: Decision) -> list[Voice]:
    """The first voice of each person of the decision's hot issue who asked to be told and
    can be reached, and who was not told of this decision yet (oldest first)."""
    voices = Voice.objects.filter(
        hot_issues=standing_issue(decision), consent_to_follow_up=True
    ).order_by("received_at", "pk")
    told = {_person(v) for v in Voice.objects.filter(notices__decision=decision)}
    chosen = []
    for voice in voices.only("person_key", "email", "phone", "subject", "tracking_code"):
        if address_of(voice) and (who := _person(voice)) not in told:
            told.add(who)
            chosen.append(voice)
    return chosen


def notice_link(notice: Notice) -> str:
    return site_url(reverse("public-notice", args=[notice.token]))


def message_of(notice: Notice) -> tuple[str, str, str]:
    """(subject, email text, SMS text) telling the person of the decision, in the office's
    language."""
    decision, voice = notice.decision, notice.voice
    link = notice_link(notice)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("What is decided about the problem you raised")
        ask = _("Does this solve the problem you raised? Please tell us here: %(link)s")
        ask %= {"link": link}
        body = "\n\n".join(
            [
                _("You raised “%(subject)s” (tracking code %(code)s), as others did.")
                % {"subject": voice.subject, "code": voice.tracking_code},
                _("What %(unit)s will do: %(title)s")
                % {"unit": decision.unit, "title": decision.title},
                decision.text,
                ask,
            ]
        )
        quoted = voice.subject[:SMS_SUBJECT_CHARS]
        sms = _("[%(site)s] On “%(subject)s”, which you raised, it is decided: %(title)s. %(ask)s")
        sms %= {
            "site": _("massline"),
            "subject": quoted,
            "title": decision.title,
            "ask": ask,
        }
    return subject, body + "\n", sms


def tell(notice: Notice) -> Notification:
    """Queue the message of ``notice`` (sent once the current transaction commits)."""
    channel, recipient = address_of(notice.voice)
    subject, body, sms = message_of(notice)
    text = body if channel == Notification.Channel.EMAIL else sms
    if channel == Notification.Channel.SMS:
        subject = ""
    notification = Notification.queue(
        channel, recipient, subject, text, f"decision:{notice.decision_id}"
    )
    notice.notification = notification
    notice.save(update_fields=["notification"])
    return notification


@transaction.atomic
def publish(decision: Decision, user) -> list[Notice]:
    """Publish ``decision`` and tell the people of its hot issue (see the module's text);
    returns the new notices. Publishing a published decision again only tells the people
    not told yet. Raises ValidationError when ``user`` may not publish it."""
    check_can_publish(user, decision)
    # One publication at a time per decision: two clicks must not tell anybody twice.
    decision = Decision.objects.select_for_update().select_related("unit").get(pk=decision.pk)
    if decision.status == Decision.Status.DRAFT:
        decision.status, decision.published_at = Decision.Status.PUBLISHED, timezone.now()
        decision.save(update_fields=["status", "published_at"])
    notices = []
    for voice in people_to_tell(decision):
        notice = Notice.objects.create(decision=decision, voice=voice)
        tell(notice)
        notices.append(notice)
    return notices


@transaction.atomic
def unpublish(decision: Decision, user) -> None:
    """Take a published decision off the public site (back to a draft). The people told
    stay told: publishing it again tells nobody twice, and their links wait until then."""
    check_can_publish(user, decision)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.PUBLISHED:
        raise ValidationError(_("Only a published decision can be withdrawn."), code="status")
    decision.status, decision.published_at = Decision.Status.DRAFT, None
    decision.save(update_fields=["status", "published_at"])


def check_can_publish_programme(user) -> None:
    if not (user.is_active and user.has_perm("decisions.publish_decision")):
        raise ValidationError(_("You may not publish livelihood programmes."), code="permission")


def publish_programme(programme: Programme, user, public: bool = True) -> None:
    """Show a livelihood programme on the public site (or, ``public=False``, no longer)."""
    check_can_publish_programme(user)
    if public and programme.published_at is None:
        programme.published_at = timezone.now()
    elif not public:
        programme.published_at = None
    programme.save(update_fields=["published_at"])


def answers_of(decision: Decision) -> dict[str, int]:
    """How many people answered yes, partly and no, how many not yet, and in all."""
    counts = dict(decision.notices.values_list("answer").annotate(n=Count("pk")).order_by())
    shown = {answer: counts.get(answer, 0) for answer in Notice.Answer.values}
    return {**shown, "unanswered": counts.get("", 0), "total": sum(counts.values())}


def notice_by_token(token: str) -> Notice | None:
    """The notice of a link, if its decision is on the public site."""
    return (
        Notice.objects.filter(token=token, decision__status__in=PUBLIC)
        .select_related("decision__unit", "decision__opinion__hot_issue", "voice")
        .first()
    )


@transaction.atomic
def record_answer(notice: Notice, answer: str, comment: str = "") -> bool:
    """Record the person's answer, once; False (and nothing changed) if it was given already."""
    if answer not in Notice.Answer.values:
        raise ValidationError(_("Choose yes, partly or no."), code="answer")
    return bool(
        Notice.objects.filter(pk=notice.pk, answer="").update(
            answer=answer, comment=comment.strip(), answered_at=timezone.now()
        )
    )
