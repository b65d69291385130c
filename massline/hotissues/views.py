"""The hot-issue pages: the ranked list, one issue's evidence, and staff actions.

Issues are fetched through ``HotIssue.objects.visible_to(user)``: an issue with none of
the user's voices is a 404. Actions need ``hotissues.change_hotissue`` (403 without it);
each is one ``do_*`` method of the model, which checks, writes and logs. A refused action
changes nothing and says why.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.hotissues import forms
from massline.hotissues.models import HotIssue, Membership, Recomputation
from massline.hotissues.tasks import request_recomputation
from massline.voices.models import Voice
from massline.voices.views.staff import paginate

TARGETS_SHOWN = 10


def visible_issue(request: HttpRequest, pk: int) -> HotIssue:
    """The issue, if this user may see it; 404 otherwise."""
    issues = HotIssue.objects.visible_to(request.user).select_related(
        "area", "category__parent", "merged_into"
    )
    return get_object_or_404(issues, pk=pk)


def recompute_context() -> dict:
    return {
        "last_run": Recomputation.objects.exclude(status=Recomputation.Status.QUEUED)
        .defer("idf")
        .first(),
        "waiting": Recomputation.objects.filter(
            status=Recomputation.Status.QUEUED, scheduled=False
        ).exists(),
        "next_run": Recomputation.objects.filter(status=Recomputation.Status.QUEUED, scheduled=True)
        .defer("idf")
        .first(),
    }


@require_GET
@login_required
@permission_required("hotissues.view_hotissue", raise_exception=True)
def issue_list(request: HttpRequest) -> HttpResponse:
    """Hot issues, hottest first, with their trend and why they are hot."""
    if request.htmx and request.htmx.target == "recompute-status":
        return recompute_status(request)
    filters = forms.HotIssueFilterForm(request.GET)
    issues = filters.filter(HotIssue.objects.visible_to(request.user)).select_related(
        "area", "category"
    )
    listing = paginate(request, issues)
    mark_the_loop(listing["page"])
    return render(
        request, "hotissues/list.html", {"filters": filters, **listing, **recompute_context()}
    )


def mark_the_loop(page) -> None:
    """Mark the issues of ``page`` that were decided on, or did not go away and were
    reopened (two small queries through the reverse relations of decisions and cycles)."""
    page.object_list = issues = list(page.object_list)
    ids = [issue.pk for issue in issues]
    on_page = HotIssue.objects.filter(pk__in=ids)
    decided = set(on_page.filter(opinions__decisions__isnull=False).values_list("pk", flat=True))
    reopened = set(on_page.filter(reopenings__isnull=False).values_list("pk", flat=True))
    for issue in issues:
        issue.decided, issue.reopened = issue.pk in decided, issue.pk in reopened


def recompute_status(request: HttpRequest) -> HttpResponse:
    return render(request, "hotissues/_recompute.html", recompute_context())


def detail_context(request: HttpRequest, issue: HotIssue) -> dict:
    members = (
        Membership.objects.filter(issue=issue, voice__in=Voice.objects.visible_to(request.user))
        .select_related("voice__area", "voice__category", "voice__department")
        .defer("voice__body", "voice__address", "voice__extra")
        .order_by("-representative", "voice__received_at")
    )
    return {
        "issue": issue,
        "members": members,
        "hidden": issue.voice_count - len(members),
        "timeline": issue.timeline(),
        "actions": issue.actions.select_related("user")[:100],
        "can_act": request.user.has_perm("hotissues.change_hotissue"),
        "can_correct": request.user.has_perm("voices.add_categorycorrection"),
        "rename_form": forms.RenameForm(initial={"title": issue.title}),
        "dismiss_form": forms.DismissForm(),
        "merge_form": forms.MergeForm(),
        "split_form": forms.SplitForm(),
        "recategorise_form": forms.RecategoriseForm(),
        "merged_from": issue.merged_from.all(),
        # The rest of the loop, through the reverse relations of decisions and cycles.
        "opinions": issue.opinions.prefetch_related("decisions__verifications"),
        "reopenings": issue.reopenings.select_related("verification"),
    }


@require_GET
@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence: summary, keywords, timeline, voices (representative first), the log."""
    issue = visible_issue(request, pk)
    return render(request, "hotissues/detail.html", detail_context(request, issue))


def refuse(request: HttpRequest, issue: HotIssue, error) -> HttpResponse:
    """Show the issue again with why the action was refused (nothing was changed)."""
    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    else:
        text = " ".join(f"{field}: {' '.join(errs)}" for field, errs in error.items())
    messages.error(request, text)
    return render(request, "hotissues/detail.html", detail_context(request, issue), status=400)


@require_POST
@login_required
def issue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Rename, dismiss, restore, merge, split or correct a voice's category."""
    issue = visible_issue(request, pk)
    needed = "voices.add_categorycorrection" if action == "recategorise" else None
    if not request.user.has_perm(needed or "hotissues.change_hotissue"):
        raise PermissionDenied
    try:
        done = ACTIONS[action](request, issue)
    except KeyError as error:
        raise PermissionDenied from error
    except ValidationError as error:
        return refuse(request, issue, error)
    if isinstance(done, dict):  # a form's errors
        return refuse(request, issue, done)
    messages.success(request, done[0])
    return redirect("hotissue-detail", done[1])


def _rename(request, issue):
    form = forms.RenameForm(request.POST)
    if not form.is_valid():
        return {_("Title"): [_("The title cannot be empty.")]}
    issue.do_rename(request.user, form.cleaned_data["title"])
    return _("Renamed."), issue.pk


def _dismiss(request, issue):
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        return {_("Reason"): [_("Say why the issue is dismissed.")]}
    issue.do_dismiss(request.user, form.cleaned_data["reason"])
    return _("Dismissed."), issue.pk


def _restore(request, issue):
    issue.do_restore(request.user)
    return _("Restored."), issue.pk


def _merge(request, issue):
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        return {_("Merge"): [_("Choose the issue to merge into.")]}
    into = HotIssue.objects.visible_to(request.user).filter(pk=form.cleaned_data["into"]).first()
    if into is None:
        raise ValidationError(_("There is no such issue to merge into."))
    issue.do_merge(request.user, into)
    return _("Merged into this issue."), into.pk


def _split(request, issue):
    form = forms.SplitForm(request.POST)
    form.is_valid()
    new = issue.do_split(
        request.user, form.voice_ids(request.POST), form.cleaned_data.get("title", "")
    )
    return _("Split off as a new issue."), new.pk


def _recategorise(request, issue):
    form = forms.RecategoriseForm(request.POST)
    if not form.is_valid():
        return {_("Category"): [_("Choose a voice and its right category.")]}
    voice = Voice.objects.visible_to(request.user).filter(pk=form.cleaned_data["voice"]).first()
    if voice is None:
        raise ValidationError(_("That voice is not part of this issue."))
    issue.do_recategorise(request.user, voice, form.cleaned_data["category"])
    return _("Category corrected; the correction will train the classifier."), issue.pk


ACTIONS = {
    "rename": _rename,
    "dismiss": _dismiss,
    "restore": _restore,
    "merge": _merge,
    "split": _split,
    "recategorise": _recategorise,
}


@require_GET
@login_required
@permission_required("hotissues.change_hotissue", raise_exception=True)
def merge_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Issues this one may be merged into, by title, place or number (htmx search)."""
    issue = visible_issue(request, pk)
    q = request.GET.get("q", "").strip()
    targets = HotIssue.objects.none()
    if q:
        match = Q(title__icontains=q) | Q(anchor__icontains=q)
        if q.isdigit():
            match |= Q(pk=int(q))
        targets = (
            HotIssue.objects.visible_to(request.user)
            .filter(status__in=[HotIssue.Status.OPEN, HotIssue.Status.CANDIDATE])
            .exclude(pk=issue.pk)
            .filter(match)[:TARGETS_SHOWN]
        )
    return render(
        request, "hotissues/_merge_targets.html", {"issue": issue, "targets": targets, "q": q}
    )


@require_POST
@login_required
@permission_required("hotissues.run_recomputation", raise_exception=True)
def recompute_now(request: HttpRequest) -> HttpResponse:
    """Queue a recomputation now; the list page shows it running, then finished."""
    if Recomputation.objects.filter(
        status__in=[Recomputation.Status.QUEUED, Recomputation.Status.RUNNING], scheduled=False
    ).exists():
        messages.info(request, _("A recomputation is already waiting or running."))
    else:
        request_recomputation(request.user)
        messages.success(request, _("The hot issues are being recomputed."))
    return redirect("hotissue-list")
