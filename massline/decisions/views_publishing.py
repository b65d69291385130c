"""The staff pages of publishing a decision: publish it (and tell the people), withdraw it,
and read who was told and what they answered.

Publishing needs ``decisions.publish_decision`` (leaders, administrators) and the decision's
hot issue among those the user may see; reading the notices needs
``decisions.view_decision`` and the same hot issue. Recipients are shown masked.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from massline.decisions import publishing
from massline.decisions.models import Decision, Programme
from massline.hotissues.models import HotIssue
from massline.voices.views.staff import paginate


def _decision_seen(request: HttpRequest, pk: int) -> Decision:
    """The decision, if its hot issue is one this user may see; 404 otherwise."""
    issues = HotIssue.objects.visible_to(request.user)
    decisions = Decision.objects.filter(opinion__hot_issue__in=issues).select_related(
        "opinion__hot_issue", "unit"
    )
    return get_object_or_404(decisions, pk=pk)


def _back(request: HttpRequest, *otherwise) -> HttpResponse:
    """To the page the button was on (``next``, this site only), else to ``otherwise``."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(*otherwise)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the decision and tell the people of its hot issue who asked to be told."""
    decision = _decision_seen(request, pk)
    if not publishing.can_publish(request.user, decision):
        raise PermissionDenied
    was_public = decision.status in publishing.PUBLIC
    notices = publishing.publish(decision, request.user)
    told = ngettext("%(count)s person is told.", "%(count)s people are told.", len(notices)) % {
        "count": len(notices)
    }
    if was_public:
        messages.success(request, _("Already published; nobody is told twice.") + " " + told)
    else:
        messages.success(request, _("Published on the public site.") + " " + told)
    return _back(request, "decision-notices", decision.pk)


@require_POST
@login_required
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the decision off the public site."""
    decision = _decision_seen(request, pk)
    if not publishing.can_publish(request.user, decision):
        raise PermissionDenied
    try:
        publishing.unpublish(decision, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Withdrawn from the public site."))
    return _back(request, "decision-notices", decision.pk)


@require_POST
@login_required
@permission_required("decisions.publish_decision", raise_exception=True)
def publish_programme(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the programme on the public site, or (``withdraw``) no longer."""
    programme = get_object_or_404(Programme, pk=pk)
    public = "withdraw" not in request.POST
    publishing.publish_programme(programme, request.user, public=public)
    if public:
        messages.success(request, _("Published on the public site."))
    else:
        messages.success(request, _("Withdrawn from the public site."))
    return _back(request, "programme-detail", programme.pk)


@require_GET
@login_required
@permission_required("decisions.view_decision", raise_exception=True)
def notices(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was told of the decision, how, whether it went, and what they answered."""
    decision = _decision_seen(request, pk)
    told = decision.notices.select_related("voice", "notification").order_by("-created_at", "-pk")
    return render(
        request,
        "decisions/notices.html",
        {
            "decision": decision,
            "answers": publishing.answers_of(decision),
            "waiting": len(publishing.people_to_tell(decision)),
            "can_publish": publishing.can_publish(request.user, decision),
            "public": decision.status in publishing.PUBLIC,
            **paginate(request, told),
        },
    )
