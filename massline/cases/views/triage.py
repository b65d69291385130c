"""The triage queue (分拣): voices without a case, newest first, each accepted as a case,
merged into an open one or declined with a reason the person reads.

Each voice is a card; with htmx an action replaces its card in place, without JavaScript
the form posts and the page comes back. Voices are fetched through
``Voice.objects.visible_to``; one already triaged is refused with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.cases import suggestions
from massline.cases.forms import (
    AcceptForm,
    DeclineForm,
    MergeForm,
    TriageFilterForm,
    area_choices,
    category_choices,
)
from massline.cases.models import Case
from massline.voices.models import Voice

PAGE_SIZE = 20

triage_required = permission_required("cases.triage_case", raise_exception=True)


def untriaged(user):
    return (
        Voice.objects.visible_to(user)
        .filter(case__isnull=True)
        .select_related("area", "category__parent__parent")
        .defer("address", "extra")
    )


def card(voice: Voice, user, suggestion, choices, **forms) -> dict:
    """What one voice's card shows: the suggestion, the cases it may repeat, the forms."""
    suggested = suggestion[0] if suggestion else None
    initial = {"category": voice.category_id or (suggested and suggested.pk), "area": voice.area_id}
    return {
        "voice": voice,
        "suggestion": suggestion,
        "targets": Case.merge_targets(voice, user),
        "accept_form": forms.get("accept") or AcceptForm(initial=initial, **choices, **_ids(voice)),
        "merge_form": forms.get("merge") or MergeForm(user=user, **_ids(voice)),
        "decline_form": forms.get("decline") or DeclineForm(**_ids(voice)),
    }


def _ids(voice: Voice) -> dict:
    # Twenty cards on a page: each card's fields need ids of their own.
    return {"auto_id": f"v{voice.pk}-%s"}


def _choices() -> dict:
    return {"categories": category_choices(), "areas": area_choices()}


@require_GET
@login_required
@triage_required
def queue(request: HttpRequest) -> HttpResponse:
    """Voices waiting for triage, newest first, filtered, with what helps decide."""
    filters = TriageFilterForm(request.GET)
    page = Paginator(filters.filter(untriaged(request.user)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    voices = list(page)
    suggested = suggestions.suggest(voices)
    choices = _choices()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/triage.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "cards": [card(v, request.user, suggested.get(v.pk), choices) for v in voices],
            "learning": suggestions.current_classifier() is None,
        },
    )


def _triage(request: HttpRequest, pk: int, name: str, form, take) -> HttpResponse:
    """Take one triage step on the voice ``pk``: its form ``form`` is checked, then
    ``take(voice, data)`` runs; the card (htmx) or a page says what happened."""
    voice = get_object_or_404(untriaged(request.user), pk=pk)
    if form.is_valid():
        try:
            case = take(voice, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return render(request, "cases/_triage_done.html", {"case": case})
            messages.success(request, _("%(code)s: done.") % {"code": voice.tracking_code})
            if case.status == Case.Status.ACCEPTED:
                return redirect("case-detail", case.pk)
            return redirect("case-triage")
    suggestion = suggestions.suggest([voice]).get(voice.pk)
    context = card(voice, request.user, suggestion, _choices(), **{name: form})
    # htmx swaps only 2xx responses into the card; without JS a 400 page says the same.
    template = "cases/_triage_card.html" if request.htmx else "cases/triage_one.html"
    return render(request, template, context, status=200 if request.htmx else 400)


@require_POST
@login_required
@triage_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the voice as a case waiting for dispatch (受理)."""
    form = AcceptForm(request.POST, **_choices())
    return _triage(
        request,
        pk,
        "accept",
        form,
        lambda voice, data: Case.accept(
            voice, request.user, data["urgency"], category=data["category"], area=data["area"]
        ),
    )


@require_POST
@login_required
@triage_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the voice into an open case: a repeat, or the same problem (合并)."""
    form = MergeForm(request.POST, user=request.user)
    return _triage(
        request,
        pk,
        "merge",
        form,
        lambda voice, data: Case.merge(voice, request.user, data["into"], data["reason"]),
    )


@require_POST
@login_required
@triage_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline the voice with a reason the person reads (不予受理)."""
    form = DeclineForm(request.POST)
    return _triage(
        request,
        pk,
        "decline",
        form,
        lambda voice, data: Case.decline(voice, request.user, data["reason"]),
    )
