"""The person's verdict (回访) from their own one-time link, without an account, and what the
status page shows of a case.

The link's token is unguessable and works once: an unknown token and a used one get the
same answer, so the page tells nothing about which links exist.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from massline.cases.models import Callback, Case, Reply
from massline.lib.forms import PublicForm, comment_field
from massline.org.models import staff_name
from massline.voices.models import Voice
from massline.voices.ratelimit import rate_limited

RATE_LIMITED = "voices/public_rate_limited.html"


class CallbackForm(PublicForm):
    """The person's verdict on a reply."""

    rating = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"),
        choices=Callback.Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    solved = forms.TypedChoiceField(
        label=_("Was the problem actually solved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("Say whether the problem was solved.")},
    )
    comment = comment_field()

    def rate(self, reply: Reply, by=None) -> Callback:
        """Record the verdict on ``reply`` (the case reopens or closes, see ``Case.rate``)."""
        data = self.cleaned_data
        return reply.case.rate(
            reply, data["rating"], data["solved"], by=by, comment=data["comment"]
        )


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("public-callback", "PUBLIC_CALLBACK_RATE", RATE_LIMITED)
def callback(request, token: str):
    """The reply and the question, on the person's phone; a verdict is recorded once."""
    reply = Reply.by_callback_token(token)
    if reply is None:
        return render(request, "cases/callback_invalid.html", status=404)
    form = CallbackForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            verdict = form.rate(reply)
        except ValidationError:  # rated a moment ago by phone, or from another tab
            return render(request, "cases/callback_invalid.html", status=404)
        return render(request, "cases/callback_thanks.html", {"callback": verdict})
    context = {"reply": reply, "voice": reply.case.voice, "form": form}
    return render(request, "cases/callback.html", context, status=400 if form.errors else 200)


def progress(voice: Voice) -> dict:
    """What the person's status page shows of their voice's case: accepted, declined and
    why, with which department, the leader in charge, the replies, whether it was reopened,
    and — while the latest reply waits for their verdict — that reply to rate."""
    case = (
        Case.objects.filter(voice=voice)
        .select_related("merged_into__department", "merged_into__owner", "department", "owner")
        .first()
    )
    if case is None:
        return {}
    followed = case.merged_into or case
    replies = list(followed.replies.select_related("department").order_by("at", "id"))
    latest = replies[-1] if replies else None
    to_rate = (
        latest
        if latest and case.merged_into is None and followed.status == Case.Status.REPLIED
        else None
    )
    return {
        "case": case,
        "followed": followed,
        "replies": replies,
        "to_rate": to_rate,
        "owner_name": followed.owner and staff_name(followed.owner),
    }
