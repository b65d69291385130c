"""The cycle pages: decisions to verify, one decision's verification with its before/after
chart, and each month's cycle report with its Word and Excel exports.

Decisions and verifications are fetched through the hot issues the user may open
(``HotIssue.objects.visible_to``): another's is a 404. Verifying needs
``cycles.add_verification`` (403 without it); the report counts what the user may see.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from massline.cycles import exports
from massline.cycles.models import Verification, can_verify, not_due
from massline.cycles.report import Cycle, report, tables
from massline.decisions.models import Decision
from massline.hotissues.models import HotIssue

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Months listed on the cycles page.
MONTHS_LISTED = 12


def visible_decisions(user):
    return Decision.objects.filter(
        opinion__hot_issue__in=HotIssue.objects.visible_to(user)
    ).select_related("opinion__hot_issue", "unit")


def cycle_of(month: str) -> Cycle:
    try:
        return Cycle.of(month)
    except ValueError as error:
        raise Http404(str(error)) from error


@require_GET
@login_required
@permission_required("cycles.view_cycle_report", raise_exception=True)
def cycle_list(request: HttpRequest) -> HttpResponse:
    """The last months' cycles, and the decisions whose commitments are due but which are
    not verified yet."""
    today = timezone.localdate()
    current = Cycle.containing(today)
    months = [current]
    while len(months) < MONTHS_LISTED:
        months.append(months[-1].previous)
    published = visible_decisions(request.user).exclude(status=Decision.Status.DRAFT)
    waiting = [
        d
        for d in published.filter(verifications__isnull=True).prefetch_related("commitments")
        if d.commitments.all() and not not_due(d, today)
    ]
    return render(
        request,
        "cycles/list.html",
        {
            "months": months,
            "waiting": waiting,
            "verifications": Verification.objects.visible_to(request.user).select_related(
                "decision"
            )[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("cycles.view_verification", raise_exception=True)
def decision_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision's commitments and whether they are due; POST verifies it now."""
    decision = get_object_or_404(visible_decisions(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        if not can_verify(request.user):
            raise PermissionDenied
        try:
            done = Verification.do_verify(decision, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("Verified."))
            return redirect("verification-detail", done.pk)
    today = timezone.localdate()
    return render(
        request,
        "cycles/verify.html",
        {
            "decision": decision,
            "commitments": decision.commitments.select_related("unit"),
            "waiting": not_due(decision, today),
            "verifications": decision.verifications.all(),
            "can_verify": can_verify(request.user),
        },
        status=status,
    )


@require_GET
@login_required
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One verification: the before/after chart, whether the change is more than noise, the
    people's answers and the outcome."""
    verification = get_object_or_404(
        Verification.objects.visible_to(request.user).select_related(
            "decision__opinion__hot_issue", "verified_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "cycles/verification.html",
        {
            "verification": verification,
            "decision": verification.decision,
            "result": verification.result,
            "chart": verification.chart(),
            "chart_labels": {
                "issue": _("New voices about the issue"),
                "before": _("Mean before"),
                "after": _("Mean after"),
                "controls": _("Similar issues (mean per issue)"),
                "measure": _("Decision"),
            },
            "timeline": verification.timeline(),
            "reopening": getattr(verification, "reopening", None),
        },
    )


@require_GET
@login_required
@permission_required("cycles.view_cycle_report", raise_exception=True)
def cycle_report(request: HttpRequest, month: str) -> HttpResponse:
    """The cycle report on a page: figures beside the previous cycle's, charts, tables."""
    cycle = cycle_of(month)
    made = report(cycle, request.user)
    figures, *others = tables(made)
    return render(
        request,
        "cycles/report.html",
        {
            "cycle": cycle,
            "report": made,
            "figures": list(zip(made.figures(), figures.rows, strict=True)),
            "figures_table": figures,
            "tables": others,
            "charts": {
                "now": made.cycle.slug,
                "before": made.before.cycle.slug,
                "voices_now": made.now.voices_per_day,
                "voices_before": made.before.voices_per_day,
                "labels": [f.label for f in made.figures() if not f.percent and f.key != "voices"],
                "figures_now": [
                    f.value or 0 for f in made.figures() if not f.percent and f.key != "voices"
                ],
                "figures_before": [
                    f.previous or 0 for f in made.figures() if not f.percent and f.key != "voices"
                ],
            },
            "today": timezone.localdate(),
            "next_cycle": cycle.next if cycle.next.start <= timezone.localdate() else None,
            "previous_cycle": cycle.previous,
            "last_day": cycle.end - timedelta(days=1),
        },
    )


@require_GET
@login_required
@permission_required("cycles.view_cycle_report", raise_exception=True)
def cycle_export(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    """The cycle report as a Word document or an Excel workbook."""
    cycle = cycle_of(month)
    made = report(cycle, request.user)
    if kind == "docx":
        body, content_type = exports.word(made), DOCX
    else:
        body, content_type = exports.excel(made), XLSX
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cycle-report-{cycle.slug}.{kind}"'
    return response
