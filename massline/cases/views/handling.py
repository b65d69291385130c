"""A case and its handling: the case page with the steps this user may take, the
department workbench (its queue by deadline) and the supervisor's queue.

Every case is fetched through ``Case.objects.visible_to(user)``: a case outside the user's
scope is a 404, indistinguishable from one that does not exist. A step the user may not
take on a case they see is a 403; a step refused by the case (wrong moment, bad input)
changes nothing and says why.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from massline.cases import suggestions
from massline.cases.forms import STEPS, BatchContactForm, WorkbenchFilterForm
from massline.cases.models import Case, Event, RoutingRule
from massline.cases.views.replies import answer_context
from massline.org.models import staff_name
from massline.voices.forms import RevealForm

PAGE_SIZE = 50


def users_named(pks):
    return get_user_model().objects.filter(pk__in=pks) if pks else []


def visible_case(request: HttpRequest, pk: int) -> Case:
    """The case, if this user may see it; 404 otherwise."""
    cases = Case.objects.visible_to(request.user).select_related(
        "voice__area",
        "voice__category",
        "category__parent__parent",
        "area",
        "department",
        "owner",
        "supervisor",
        "merged_into__voice",
    )
    return get_object_or_404(cases, pk=pk)


def render_case(request: HttpRequest, case: Case, bound=None, status: int = 200):
    """The case page; ``bound`` is a step's form with its errors, shown in its place."""
    steps = case.steps_for(request.user)
    step_forms = {
        name: bound if bound is not None and bound.prefix == name else form(case=case, prefix=name)
        for name, form in STEPS.items()
        if name in steps
    }
    proposal = suggestion = None
    if "dispatch" in steps:
        suggestion = suggestions.suggest([case.voice]).get(case.voice_id)
        category = case.category or (suggestion and suggestion[0])
        proposal = RoutingRule.propose(category, case.area)
        if proposal and not step_forms["dispatch"].is_bound:
            step_forms["dispatch"].initial["department"] = proposal.pk
    voice, events = (
        case.voice,
        list(case.events.select_related("actor", "department", "from_department")),
    )
    # Who was put in charge is in the event's data: name them.
    owners = {e.data["owner"] for e in events if e.kind == Event.Kind.OWNED}
    names = {u.pk: staff_name(u) for u in users_named(owners)}
    for event in events:
        event.owner_name = names.get(event.data.get("owner"))
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "voice": voice,
            "events": events,
            "merged": case.merged.select_related("voice").defer("voice__body"),
            "forms": step_forms,
            "proposal": proposal,
            "suggestion": suggestion,
            "can_reveal": voice.can_reveal(request.user),
            "reveal_form": RevealForm(),
            **answer_context(request, case),
        },
        status=status,
    )


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one case: the voice, deadlines, owner, the timeline, the steps."""
    return render_case(request, visible_case(request, pk))


@require_POST
@login_required
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one step on the case: dispatch, return, escalate, take charge, assign, contact."""
    case = visible_case(request, pk)
    if name not in STEPS:
        raise Http404
    if name not in case.steps_for(request.user):
        raise PermissionDenied
    form = STEPS[name](request.POST, case=case, prefix=name)
    if form.is_valid():
        try:
            form.apply(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, form.done)
            return redirect("case-detail", case.pk)
    case.refresh_from_db()  # a refused step changed nothing; show the case as it is
    return render_case(request, case, bound=form, status=400)


def case_list(request: HttpRequest, cases, template: str, **context) -> HttpResponse:
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {"page": page, "query": query.urlencode(), "now": timezone.now(), **context},
    )


@require_GET
@login_required
@permission_required("cases.view_case", raise_exception=True)
def workbench(request: HttpRequest) -> HttpResponse:
    """The cases this user works on, by deadline (overdue first), a leader's own first."""
    visible = Case.objects.visible_to(request.user)
    filters = WorkbenchFilterForm(request.GET, user=request.user)
    cases = (
        filters.filter(visible)
        .by_deadline(request.user)
        .select_related("voice", "department", "owner", "category")
        .defer("voice__body", "voice__name", "voice__phone", "voice__address", "voice__extra")
    )
    counts = visible.aggregate(
        open=Count("pk", filter=Q(status__in=[Case.Status.ACCEPTED, Case.Status.DISPATCHED])),
        overdue=Count("pk", filter=Q(status=Case.Status.DISPATCHED, reply_by__lt=timezone.now())),
        mine=Count("pk", filter=Q(owner=request.user, status__in=Case.MERGEABLE)),
        replied=Count("pk", filter=Q(status=Case.Status.REPLIED)),
    )
    return case_list(
        request,
        cases,
        "cases/workbench.html",
        filters=filters,
        counts=counts,
        waiting=Case.objects.filter(supervisor=request.user, status=Case.Status.ACCEPTED).count(),
        can_contact=request.user.has_perm("cases.handle_case"),
    )


@require_POST
@login_required
@permission_required("cases.handle_case", raise_exception=True)
def batch_contact(request: HttpRequest) -> HttpResponse:
    """Record the same contact for several cases at once; all of them or none."""
    form = BatchContactForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("case-workbench")
    with transaction.atomic():
        for case in form.cleaned_data["cases"]:
            case.record_contact(request.user, form.cleaned_data["note"])
    count = len(form.cleaned_data["cases"])
    messages.success(
        request,
        ngettext(
            "Contact recorded for %(count)d case.", "Contact recorded for %(count)d cases.", count
        )
        % {"count": count},
    )
    return redirect("case-workbench")


@require_GET
@login_required
@permission_required("cases.dispatch_case", raise_exception=True)
def supervisor_queue(request: HttpRequest) -> HttpResponse:
    """Cases returned twice, waiting for this user (the dispatcher's supervisor) to decide."""
    cases = (
        Case.objects.visible_to(request.user)
        .filter(supervisor=request.user, status=Case.Status.ACCEPTED)
        .select_related("voice", "category", "area")
        .defer("voice__body", "voice__name", "voice__phone", "voice__address", "voice__extra")
        .order_by("accepted_at")
    )
    return case_list(request, cases, "cases/supervisor.html")
