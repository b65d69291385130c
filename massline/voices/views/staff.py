"""The staff side of hearing: the list of voices, one voice, operator quick entry, the access log.

Every voice is fetched through ``Voice.objects.visible_to(user)``: a voice outside a
user's scope is a 404, indistinguishable from one that does not exist. Personal data is
shown masked; the clear values appear only in the response to a logged reveal.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from massline.lib.personal import normalise_phone
from massline.voices.forms import AccessLogFilterForm, QuickEntryForm, RevealForm, VoiceFilterForm
from massline.voices.models import Attachment, PersonalDataAccess, Voice
from massline.voices.ratelimit import client_address

PAGE_SIZE = 50
# Fewer digits match too many unrelated numbers to be worth a (logged) look-up.
LOOKUP_MIN_DIGITS = 7
LOOKUP_SHOWN = 10


def paginate(request: HttpRequest, items) -> dict:
    """The requested page of ``items``, and the query string of the other parameters for links."""
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "query": query.urlencode()}


def log_access(request: HttpRequest, action: str, voice: Voice | None = None, purpose: str = ""):
    """Record that ``request.user`` touched personal data (see PersonalDataAccess)."""
    PersonalDataAccess.objects.create(
        user=request.user,
        voice=voice,
        action=action,
        purpose=purpose,
        ip=client_address(request) or None,
    )


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The voices this user may see, newest first, filtered, with counts by channel."""
    filters = VoiceFilterForm(request.GET)
    voices = filters.filter(Voice.objects.visible_to(request.user))
    by_channel = list(
        voices.order_by().values("channel").annotate(count=Count("id")).order_by("-count")
    )
    largest = max((row["count"] for row in by_channel), default=0)
    labels = dict(Voice.Channel.choices)
    for row in by_channel:
        row["label"] = labels.get(row["channel"], row["channel"])
        row["percent"] = round(100 * row["count"] / largest)
    # Masking needs name and phone decrypted: one page's worth. Address and email are not shown.
    rows = voices.select_related("area", "category", "department").defer(
        "body", "address", "email", "extra"
    )
    return render(
        request,
        "voices/staff_home.html",
        {
            "filters": filters,
            "by_channel": by_channel,
            "total": sum(row["count"] for row in by_channel),
            **paginate(request, rows),
        },
    )


def visible_voice(request: HttpRequest, pk: int) -> Voice:
    """The voice, if this user may see it; 404 otherwise."""
    voices = Voice.objects.visible_to(request.user).select_related(
        "area", "category__parent__parent", "department", "created_by", "import_batch"
    )
    return get_object_or_404(voices, pk=pk)


def render_detail(request, voice: Voice, *, revealed=None, reveal_form=None, status=200):
    """The voice page, or just its person block when htmx asks for it."""
    partial = request.htmx and request.htmx.target == "person"
    template = "voices/staff_person.html" if partial else "voices/staff_detail.html"
    return render(
        request,
        template,
        {
            "voice": voice,
            "revealed": revealed,
            "can_reveal": voice.can_reveal(request.user),
            "reveal_form": reveal_form or RevealForm(),
            "attachments": voice.attachments.all(),
        },
        status=status,
    )


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one voice, the person masked."""
    return render_detail(request, visible_voice(request, pk))


@require_POST
@login_required
@never_cache
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the person's clear name, phone and address, once, after logging why."""
    voice = visible_voice(request, pk)
    if not voice.can_reveal(request.user):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        # htmx swaps only 2xx responses; without JS a 400 page says the same.
        status = 200 if request.htmx else 400
        return render_detail(request, voice, reveal_form=form, status=status)
    revealed = voice.reveal(
        request.user, form.cleaned_data["purpose"], client_address(request) or None
    )
    return render_detail(request, voice, revealed=revealed)


@require_GET
@login_required
@never_cache
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a visible voice, as a download, logged.

    Photos and letters show people and addresses, so opening one needs the reveal permission.
    """
    item = get_object_or_404(
        Attachment.objects.select_related("voice"),
        pk=pk,
        voice__in=Voice.objects.visible_to(request.user),
    )
    if not request.user.has_perm("voices.reveal_person"):
        raise PermissionDenied
    log_access(request, PersonalDataAccess.Action.ATTACHMENT, item.voice, item.original_name)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("voices.add_voice", raise_exception=True)
def quick_entry(request: HttpRequest) -> HttpResponse:
    """The operator's form for a call, visit or letter; after saving, a blank one (PRG)."""
    if request.method == "POST":
        form = QuickEntryForm(request.POST)
        if form.is_valid():
            voice = form.save(commit=False)
            voice.created_by = request.user
            voice.save()
            request.session["quick_entry_saved"] = voice.pk
            return redirect("quick-entry")
    else:
        form = QuickEntryForm()
    saved_pk = request.session.pop("quick_entry_saved", None)
    saved = (
        Voice.objects.filter(pk=saved_pk).only("tracking_code", "subject").first()
        if saved_pk
        else None
    )
    return render(request, "voices/quick_entry.html", {"form": form, "saved": saved})


@require_GET
@login_required
@permission_required("voices.add_voice", raise_exception=True)
@never_cache
def caller_history(request: HttpRequest) -> HttpResponse:
    """A caller's earlier voices by phone, while the operator types it (logged as a look-up).

    Repeat callers are the first sign of a problem that was not solved.
    """
    phone = request.GET.get("phone", "")
    if len(normalise_phone(phone)) < LOOKUP_MIN_DIGITS:
        return render(request, "voices/quick_entry_caller.html", {"searched": False})
    earlier = (
        Voice.objects.visible_to(request.user)
        .of_person(phone)
        .only("tracking_code", "received_at", "subject", "status")
    )
    log_access(request, PersonalDataAccess.Action.LOOKUP, purpose="quick entry caller lookup")
    return render(
        request,
        "voices/quick_entry_caller.html",
        {
            "searched": True,
            "count": earlier.count(),
            "earlier": earlier[:LOOKUP_SHOWN],
        },
    )


@require_GET
@login_required
@permission_required("voices.view_personaldataaccess", raise_exception=True)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who saw or searched personal data, when, and why: the auditor's page."""
    filters = AccessLogFilterForm(request.GET)
    accesses = filters.filter(
        PersonalDataAccess.objects.select_related("user", "voice")
        # The log names the voice; decrypting its person for that would be a leak and a cost.
        .defer("voice__name", "voice__phone", "voice__address", "voice__body", "voice__extra")
    )
    return render(
        request,
        "voices/staff_access_log.html",
        {
            "filters": filters,
            **paginate(request, accesses),
        },
    )
