"""The staff pages of decisions: a hot issue concentrated into an opinion, the decision with
its commitments, each commitment's progress, and the livelihood programmes.

Reading needs the decisions' view permissions (auditors read too). Drafting and deciding
need ``decisions.add_decision`` and a hot issue the user may see; recording progress goes
through ``Commitment.record``, which lets a handler record only their department's. A
refused write changes nothing and says why.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.decisions import forms
from massline.decisions.importing import import_projects
from massline.decisions.models import Commitment, Decision, Opinion, Programme, can_decide
from massline.hotissues.models import HotIssue
from massline.voices.models import Voice
from massline.voices.views.staff import paginate


def _opinion_to_change(request: HttpRequest, pk: int) -> Opinion:
    """The opinion, if this user may decide on it (its hot issue is theirs to see)."""
    if not can_decide(request.user):
        raise PermissionDenied
    issues = HotIssue.objects.visible_to(request.user)
    return get_object_or_404(Opinion.objects.filter(hot_issue__in=issues), pk=pk)


def _commitments(queryset):
    return queryset.select_related("owner", "unit").prefetch_related(
        "milestones", Prefetch("updates", to_attr="history")
    )


@require_GET
@login_required
@permission_required("decisions.view_decision", raise_exception=True)
def decision_list(request: HttpRequest) -> HttpResponse:
    """Decisions, newest first, with their progress; opinions still waiting for a decision."""
    decisions = (
        Decision.objects.select_related("opinion__hot_issue", "unit")
        .annotate(commitment_count=Count("commitments", filter=Q(commitments__parent=None)))
        .order_by("-decided_on", "-id")
    )
    waiting = Opinion.objects.filter(decisions=None).select_related("hot_issue")
    return render(
        request,
        "decisions/list.html",
        {
            **paginate(request, decisions),
            "waiting": waiting[:50],
            "can_decide": can_decide(request.user),
        },
    )


@require_POST
@login_required
def opinion_draft(request: HttpRequest, issue_pk: int) -> HttpResponse:
    """Draft a concentrated opinion from a hot issue, then edit it."""
    if not can_decide(request.user):
        raise PermissionDenied
    issue = get_object_or_404(HotIssue.objects.visible_to(request.user), pk=issue_pk)
    try:
        opinion = Opinion.draft(issue, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("hotissue-detail", issue.pk)
    messages.success(request, _("Drafted from the hot issue: read it and edit it."))
    return redirect("opinion-edit", opinion.pk)


def _representatives(request: HttpRequest, opinion: Opinion):
    """Its representative voices the user may see (the person masked)."""
    visible = Voice.objects.visible_to(request.user)
    return opinion.representative_voices.filter(pk__in=visible.values("pk")).order_by("received_at")


@require_http_methods(["GET", "POST"])
@login_required
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the drafted title, summary, agreement and minority."""
    opinion = _opinion_to_change(request, pk)
    form = forms.OpinionForm(request.POST or None, instance=opinion)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Opinion saved."))
        return redirect("opinion-detail", opinion.pk)
    return render(
        request,
        "decisions/opinion_edit.html",
        {"opinion": opinion, "form": form, "voices": _representatives(request, opinion)},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
@permission_required("decisions.view_opinion", raise_exception=True)
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The opinion with its evidence: counts, places, trend, representative voices."""
    opinion = get_object_or_404(Opinion.objects.select_related("hot_issue"), pk=pk)
    visible = Voice.objects.visible_to(request.user)
    return render(
        request,
        "decisions/opinion_detail.html",
        {
            "opinion": opinion,
            "voices": _representatives(request, opinion),
            "minority_voices": opinion.minority_voices.filter(pk__in=visible.values("pk")),
            "timeline": opinion.timeline(),
            "decisions": opinion.decisions.all(),
            "can_decide": can_decide(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide on an opinion: what will be done, by which unit, and its commitments."""
    opinion = _opinion_to_change(request, pk)
    data = request.POST or None
    form = forms.DecisionForm(data, initial={"title": opinion.title})
    commitments = forms.CommitmentFormSet(data, prefix="commitments")
    if request.method == "POST" and form.is_valid() and commitments.is_valid():
        decision = opinion.decide(
            request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            unit=form.cleaned_data["unit"],
            commitments=commitments.promises(),
        )
        messages.success(request, _("Decision recorded."))
        return redirect("decision-detail", decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        {"opinion": opinion, "form": form, "commitments": commitments},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def decision_commitment_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One more empty commitment row for the decision form (htmx), and the formset's count."""
    _opinion_to_change(request, pk)
    try:
        number = int(request.GET.get("commitments-TOTAL_FORMS", ""))
    except ValueError:
        number = -1
    if not 0 <= number < forms.COMMITMENT_ROWS_AT_MOST:
        return HttpResponse(status=400)
    return render(
        request,
        "decisions/_commitment_row.html",
        {
            # like the formset's own extra rows: left blank, a row is no commitment
            "c": forms.CommitmentForm(prefix=f"commitments-{number}", use_required_attribute=False),
            "number": number + 1,
            "total": number + 1,
        },
    )


@require_GET
@login_required
@permission_required("decisions.view_decision", raise_exception=True)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision, its commitments with progress, milestones and history."""
    decision = get_object_or_404(
        Decision.objects.select_related("opinion__hot_issue", "unit", "decided_by"), pk=pk
    )
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "commitments": _commitments(decision.commitments.filter(parent=None)),
            "updatable": set(
                Commitment.objects.updatable_by(request.user)
                .filter(decision=decision)
                .values_list("pk", flat=True)
            ),
        },
    )


def _commitment(pk: int) -> Commitment:
    return get_object_or_404(
        _commitments(Commitment.objects.select_related("decision", "programme", "parent")),
        pk=pk,
    )


def _commitment_page(request: HttpRequest, commitment: Commitment, **forms_given) -> HttpResponse:
    """The commitment's page, with the forms given (bound, with their errors) or new ones."""
    progress = forms_given.get("form") or forms.ProgressForm(
        initial={"progress": commitment.progress, "status": commitment.status},
        commitment=commitment,
    )
    part = forms_given.get("part_form") or forms.CommitmentForm(
        prefix="part", initial={"unit": commitment.unit, "deadline": commitment.deadline}
    )
    return render(
        request,
        "decisions/commitment_detail.html",
        {
            "commitment": commitment,
            "parts": _commitments(commitment.children.all()),
            "form": progress,
            "part_form": part,
            "can_update": commitment.can_update(request.user),
            "can_decide": can_decide(request.user),
        },
        status=400 if forms_given else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("decisions.view_commitment", raise_exception=True)
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One commitment: its progress, parts and history, and the form to record progress."""
    commitment = _commitment(pk)
    if request.method == "GET":
        return _commitment_page(request, commitment)
    if not commitment.can_update(request.user):
        raise PermissionDenied
    form = forms.ProgressForm(request.POST, commitment=commitment)
    if form.is_valid():
        try:
            commitment.record(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("commitment-detail", commitment.pk)
    return _commitment_page(request, commitment, form=form)


@require_POST
@login_required
def commitment_add_part(request: HttpRequest, pk: int) -> HttpResponse:
    """Split off a part of a commitment; its progress becomes the parts' roll-up."""
    if not can_decide(request.user):
        raise PermissionDenied
    commitment = _commitment(pk)
    form = forms.CommitmentForm(request.POST, prefix="part")
    if not form.is_valid():
        return _commitment_page(request, commitment, part_form=form)
    commitment.add_part(request.user, **form.cleaned_data)
    messages.success(request, _("Part added."))
    return redirect("commitment-detail", commitment.pk)


@require_GET
@login_required
@permission_required("decisions.view_programme", raise_exception=True)
def programme_list(request: HttpRequest) -> HttpResponse:
    """The livelihood programmes, each with its totals."""
    programmes = [(p, p.figures()[-1]) for p in Programme.objects.all()]
    return render(
        request,
        "decisions/programme_list.html",
        {
            "programmes": programmes,
            "can_import": request.user.has_perm("decisions.import_projects"),
        },
    )


@require_GET
@login_required
@permission_required("decisions.view_programme", raise_exception=True)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme by category (table and chart) and its projects."""
    programme = get_object_or_404(Programme, pk=pk)
    figures = programme.figures()
    chart = [{**row, "budget": float(row["budget"])} for row in figures[:-1]]
    return render(
        request,
        "decisions/programme_detail.html",
        {
            "programme": programme,
            "figures": figures[:-1],
            "total": figures[-1],
            "chart": chart,
            "projects": programme.projects.filter(parent=None)
            .select_related("unit", "owner")
            .order_by("id"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("decisions.import_projects", raise_exception=True)
def programme_import(request: HttpRequest) -> HttpResponse:
    """Import projects from a file: every row, or none with each row's errors."""
    form = forms.ProjectImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_projects(
            upload,
            name=upload.name,
            programme=form.cleaned_data["programme"],
            year=form.cleaned_data["year"],
            user=request.user,
        )
        if result.ok:
            messages.success(
                request,
                _("Imported %(n)s projects into %(programme)s.")
                % {"n": result.created, "programme": result.programme},
            )
            return redirect("programme-detail", result.programme.pk)
    failed = request.method == "POST"
    return render(
        request,
        "decisions/programme_import.html",
        {"form": form, "result": result},
        status=400 if failed else 200,
    )
