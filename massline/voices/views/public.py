"""The public channel: anyone may raise a voice and check its progress, without an account.

A submission is committed before the person is told it was received. Nothing here shows
anyone's name, phone or address, and the lean submission path costs only the rate-limit
counter, the voice and its attachments in the database.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from massline.cases.views.callbacks import CallbackForm, progress
from massline.voices.forms import PublicStatusForm, PublicVoiceForm
from massline.voices.models import Voice
from massline.voices.ratelimit import rate_limited

RATE_LIMITED = "voices/public_rate_limited.html"
# The browser that submitted a voice may see its subject on the receipt; anyone else who
# has only the link sees the code and the instructions, as the code alone reveals nothing.
RECEIPT_COOKIE = "massline_receipt"
RECEIPT_SALT = "massline.voices.public.receipt"
RECEIPT_MAX_AGE = 3600


def channel_of(request) -> str:
    """Web, or mobile when the browser says it runs on a phone ("Mobi" in its user agent)."""
    agent = request.headers.get("User-Agent", "")
    return Voice.Channel.MOBILE if "Mobi" in agent else Voice.Channel.WEB


@require_GET
def home(request):
    """What this service is, and the two things one can do here."""
    return render(request, "voices/public_home.html")


@require_http_methods(["GET", "POST"])
@rate_limited("public-submit", "PUBLIC_SUBMIT_RATE", RATE_LIMITED)
def submit(request):
    """The public form; a valid submission is committed, then 303 → its receipt."""
    if request.method != "POST":
        return render(request, "voices/public_submit.html", {"form": PublicVoiceForm()})
    form = PublicVoiceForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "voices/public_submit.html", {"form": form})
    voice = form.save(channel=channel_of(request))
    url = reverse("public-receipt", args=[voice.tracking_code])
    response = HttpResponseRedirect(url, status=303)
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        voice.tracking_code,
        salt=RECEIPT_SALT,
        max_age=RECEIPT_MAX_AGE,
        path=url,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_GET
def receipt(request, code: str):
    """The tracking code, big, with how to use it; the subject only for the submitting browser."""
    voice = None
    cookie = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE
    )
    if cookie == code:
        voice = (
            Voice.objects.only("tracking_code", "subject", "received_at")
            .filter(tracking_code=code)
            .first()
        )
    return render(request, "voices/public_receipt.html", {"code": code, "voice": voice})


@require_http_methods(["GET", "POST"])
@rate_limited("public-status", "PUBLIC_LOOKUP_RATE", RATE_LIMITED)
def status(request):
    """Look a voice up by its code and the last four digits of its phone.

    A wrong code and wrong digits give the same answer, so the page cannot be used to
    find out which codes exist.
    """
    if request.method != "POST":
        form = PublicStatusForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "voices/public_status.html", {"form": form})
    form = PublicStatusForm(request.POST)
    voice = form.find() if form.is_valid() else None
    context = {"form": form, "voice": voice, "not_found": form.is_valid() and voice is None}
    if voice is not None:
        context.update(rate_from_status(request, voice))
    return render(request, "voices/public_status.html", context)


def rate_from_status(request, voice: Voice) -> dict:
    """The case's progress; with the reply waiting for the person's verdict, its form —
    and the verdict recorded when it was posted (the code and the digits were checked)."""
    shown = progress(voice)
    reply = shown.get("to_rate")
    if reply is None:
        return shown
    if "rating" not in request.POST or request.POST.get("reply") != str(reply.pk):
        return {**shown, "verdict_form": CallbackForm()}
    verdict_form = CallbackForm(request.POST)
    if not verdict_form.is_valid():
        return {**shown, "verdict_form": verdict_form}
    try:
        verdict = verdict_form.rate(reply)
    except ValidationError:  # rated a moment ago, by the link or by phone
        return progress(voice)
    return {**progress(voice), "verdict": verdict}
