"""The public site at /open/ (到群众中去), without an account: the published decisions in plain
language with the hot issue each answers, their commitments with progress and milestones,
the livelihood projects, the replies people agreed to publish — and each person's own link
to say whether a decision solves the problem they raised.

Nothing here shows anyone's name, phone or address: of a hot issue only its title, place,
counts and trend (not the voices, nor the summary drawn from their words); of a published
reply the voice's subject and the reply, with long numbers and the person's name masked;
staff are named by their unit only. A draft decision or an unpublished programme is a 404.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from massline.cases.models import Reply
from massline.decisions import publishing
from massline.decisions.models import (
    Commitment,
    Decision,
    Milestone,
    Notice,
    Programme,
    masked_text,
    rolled_up,
)
from massline.lib.forms import PublicForm, comment_field
from massline.voices.models import Voice
from massline.voices.ratelimit import rate_limited

RATE_LIMITED = "voices/public_rate_limited.html"
DECISIONS_PER_PAGE = 10
REPLIES_PER_PAGE = 20


def _public_decisions():
    """Published (and verified) decisions, newest first, with what their pages show."""
    return (
        Decision.objects.filter(status__in=publishing.PUBLIC)
        .select_related("unit", "opinion__hot_issue")
        .order_by("-published_at", "-pk")
    )


def _top_commitments(with_parts: bool = False) -> Prefetch:
    parts = Commitment.objects.filter(parent=None).select_related("unit")
    if with_parts:
        parts = parts.prefetch_related(
            Prefetch("children", Commitment.objects.select_related("unit")),
            Prefetch("milestones", Milestone.objects.order_by("due_on", "pk")),
        )
    return Prefetch("commitments", parts, to_attr="top")


def _with_progress(decisions) -> list[Decision]:
    """The decisions, each with ``overall``: its commitments rolled up (one query for all)."""
    decisions = list(decisions)
    for decision in decisions:
        decision.overall = rolled_up(decision.top)
    return decisions


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Published decisions, newest first, and the livelihood programmes in brief."""
    page = Paginator(_public_decisions().prefetch_related(_top_commitments()), DECISIONS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    programmes = (
        Programme.objects.exclude(published_at=None)
        .annotate(
            project_count=Count("projects", filter=Q(projects__parent=None)),
            done_count=Count(
                "projects",
                filter=Q(projects__parent=None, projects__status=Commitment.Status.DONE),
            ),
        )
        .order_by("-year", "title")
    )
    return render(
        request,
        "decisions/public/index.html",
        {
            "page": page,
            "decisions": _with_progress(page),
            "programmes": programmes,
            "section": "decisions",
        },
    )


@require_GET
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision: what will be done, the hot issue it answers, the commitments."""
    found = get_object_or_404(
        _public_decisions().prefetch_related(_top_commitments(with_parts=True)), pk=pk
    )
    return render(request, "decisions/public/decision.html", decision_context(found))


def decision_context(decision: Decision) -> dict:
    """What a decision's public page (and the person's notice page) shows of it."""
    issue = publishing.standing_issue(decision)
    if not hasattr(decision, "top"):
        decision.top = list(
            decision.commitments.filter(parent=None)
            .select_related("unit")
            .prefetch_related("children__unit", "milestones")
        )
    return {
        "decision": decision,
        "overall": rolled_up(decision.top),
        "issue": issue,
        "timeline": issue.timeline(width=360, height=90),
        "commitments": decision.top,
        # Tested in practice: what the latest verification found, in words.
        "verification": decision.verifications.first()
        if decision.status == Decision.Status.VERIFIED
        else None,
        "section": "decisions",
    }


@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    """Every published livelihood programme with its figures by category."""
    shown = Programme.objects.exclude(published_at=None).order_by("-year", "title")
    return render(
        request,
        "decisions/public/programmes.html",
        {"programmes": [(p, p.figures()) for p in shown], "section": "programmes"},
    )


@require_GET
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """One programme: its figures by category, then every project with its progress."""
    found = get_object_or_404(Programme.objects.exclude(published_at=None), pk=pk)
    projects = (
        found.projects.filter(parent=None)
        .select_related("unit")
        .prefetch_related("milestones")
        .order_by("category", "deadline", "pk")
    )
    by_category: dict[str, list[Commitment]] = {}
    for project in projects:
        by_category.setdefault(project.category, []).append(project)
    return render(
        request,
        "decisions/public/programme.html",
        {
            "programme": found,
            "figures": found.figures(),
            "by_category": by_category,
            "section": "programmes",
        },
    )


@require_GET
def replies(request: HttpRequest) -> HttpResponse:
    """Replies to voices whose people agreed to publication, newest first: the subject and
    the reply, not the voice's own text (where people write their address and names)."""
    published = (
        Reply.objects.filter(case__voice__consent_to_publish=True)
        .select_related("department", "case__voice__area", "case__voice__category")
        .only(
            "disposition",
            "text",
            "expected_by",
            "basis",
            "at",
            "department__name",
            "case__voice__subject",
            "case__voice__name",
            "case__voice__received_at",
            "case__voice__area__name",
            "case__voice__category__name",
        )
        .order_by("-at", "-pk")
    )
    page = Paginator(published, REPLIES_PER_PAGE).get_page(request.GET.get("page"))
    shown = [
        {
            "subject": public_words(reply.case.voice.subject, reply.case.voice),
            "received": reply.case.voice.received_at,
            "area": reply.case.voice.area,
            "category": reply.case.voice.category,
            "disposition": reply.get_disposition_display(),
            "text": public_words(reply.text, reply.case.voice),
            "expected_by": reply.expected_by,
            "basis": reply.basis,
            "unit": reply.department.name,
            "at": reply.at,
        }
        for reply in page
    ]
    return render(
        request,
        "decisions/public/replies.html",
        {"page": page, "replies": shown, "section": "replies"},
    )


def public_words(text: str, voice: Voice) -> str:
    """Words to show the public: long numbers masked (phones, ids), and the person's name
    masked where it is written out (a reply greets them: "王秀英您好")."""
    text = masked_text(text)
    if len(name := voice.name.strip()) >= 2:
        text = text.replace(name, voice.masked_name)
    return text


class AnswerForm(PublicForm):
    """The person's answer: does the decision solve the problem they raised?"""

    answer = forms.ChoiceField(
        label=_("Does this solve the problem you raised?"),
        choices=[
            (Notice.Answer.YES, _("Yes")),
            (Notice.Answer.PARTLY, _("Partly")),
            (Notice.Answer.NO, _("No")),
        ],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("Choose yes, partly or no.")},
    )
    comment = comment_field()


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("public-notice", "PUBLIC_CALLBACK_RATE", RATE_LIMITED)
def notice(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own link: the decision, and the question, answered once (see
    :mod:`massline.decisions.publishing`). An unknown link and one of a withdrawn decision
    look the same."""
    found = publishing.notice_by_token(token)
    if found is None:
        return render(request, "decisions/public/notice_invalid.html", status=404)
    context = {**decision_context(found.decision), "notice": found}
    if found.answer:  # answered before: the decision and that answer, no question
        return render(request, "decisions/public/notice.html", context)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        recorded = publishing.record_answer(found, data["answer"], data["comment"])
        found.refresh_from_db()  # a simultaneous answer from another tab stands
        return render(request, "decisions/public/notice.html", {**context, "thanks": recorded})
    status = 400 if form.errors else 200
    return render(request, "decisions/public/notice.html", {**context, "form": form}, status=status)
