"""Answering a case: the reply form with its check, and the callbacks (回访).

A department's handler writes the reply with one of the three dispositions. "Check" (htmx)
shows the reply check's warnings; "Send" checks again and, if anything is found, asks once
more: the handler edits, or sends anyway and the warnings go with the reply. An operator
records a callback made by phone; the person's own link is in ``callbacks.py``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from massline.cases.models import Case, Reply
from massline.cases.views.callbacks import CallbackForm
from massline.engine import replies as check
from massline.notifications import messages as notify

# The reply check's messages, translated (the engine speaks plain English).
WARNINGS = {
    check.EMPTY: _("The reply is empty."),
    check.TOO_SHORT: _("The reply is too short to answer the voice."),
    check.POINTS_NOT_ADDRESSED: _("The reply does not address some main points of the voice."),
    check.NO_FACTS: _(
        "The reply gives no concrete facts: what was done, when, by whom, on what basis."
    ),
    check.NO_ACTION: _("The reply says the problem is resolved but not what was done."),
    check.NO_REASON: _("The reply does not say why the problem cannot be solved yet."),
    check.NO_TIME_FRAME: _(
        "The reply does not say when the problem will be solved (a date or time frame)."
    ),
    check.NO_BASIS: _(
        "The reply does not cite the policy basis (a law, regulation, document or article)."
    ),
    check.NO_EXPLANATION: _("The reply does not explain why the request is not within policy."),
    check.BOILERPLATE: _("The reply is mostly standard phrases with little specific content."),
    check.SAME_AS_EARLIER: _("The reply is nearly the same as many earlier replies."),
}
FACT_KINDS = {
    check.WHEN: _("when"),
    check.WHO: _("who"),
    check.WHAT: _("what was done"),
    check.BASIS: _("on what basis"),
}
HISTORY = 500  # the department's latest replies a draft is compared with


class ReplyForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"),
        choices=Reply.Disposition.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    text = forms.CharField(
        label=_("Reply to the person"),
        max_length=5000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done, when, by whom and on what basis; the person reads it."),
        error_messages={"required": _("The reply is empty.")},
    )
    expected_by = forms.DateField(
        label=_("Expected to be solved by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Cannot be solved yet: say when it can be."),
    )
    basis = forms.CharField(
        label=_("Policy basis"),
        max_length=300,
        required=False,
        help_text=_("Not within policy: the law, regulation or document, with its article."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        # The model's own rules (a date for "not yet", a basis for "not in policy").
        Reply(
            disposition=data["disposition"],
            text=data["text"],
            expected_by=data["expected_by"],
            basis=data["basis"],
        ).clean()
        return data

    def warnings(self, case: Case) -> list[dict]:
        """The reply check of this (valid) draft, as stored with a reply sent anyway."""
        data = self.cleaned_data
        return run_check(case, data["text"], data["disposition"], data["basis"])


def run_check(case: Case, text: str, disposition: str | None, basis: str = "") -> list[dict]:
    """Warnings on a draft reply to ``case``, compared with its department's earlier replies."""
    earlier = Reply.objects.filter(department=case.department_id).order_by("-at", "-id")
    history = check.ReplyHistory.fit(earlier.values_list("pk", "text")[:HISTORY])
    voice = f"{case.voice.subject}\n{case.voice.body}"
    draft = f"{text}\n{basis}" if basis else text
    found = check.check_reply(voice, draft, disposition, history=history)
    return [{"code": w.code, "message": w.message, "evidence": list(w.evidence)} for w in found]


def shown(warnings: list[dict]) -> list[dict]:
    """Warnings as the page shows them: translated, with their evidence in words."""
    rows = []
    for warning in warnings:
        evidence = warning.get("evidence", [])
        if warning["code"] == check.NO_FACTS:
            evidence = [FACT_KINDS.get(kind, kind) for kind in evidence]
        elif warning["code"] == check.SAME_AS_EARLIER:
            evidence = [_("%(count)d earlier replies") % {"count": len(evidence)}]
        message = WARNINGS.get(warning["code"], warning.get("message", ""))
        rows.append({"code": warning["code"], "message": message, "evidence": evidence})
    return rows


class PhoneCallbackForm(CallbackForm):
    """What the person said when called back, as the operator records it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].label = _("The person is")
        self.fields["comment"].label = _("What the person said")


def answer_context(request: HttpRequest, case: Case, **forms_) -> dict:
    """What the case page needs to show the replies, callbacks and the reply form."""
    user = request.user
    replies = list(
        case.replies.select_related("author", "department", "callback__recorded_by").order_by(
            "at", "id"
        )
    )
    for reply in replies:
        reply.shown_warnings = shown(reply.warnings)
    can_reply = case.status == Case.Status.DISPATCHED and user.has_perm("cases.handle_case")
    can_record = case.status == Case.Status.REPLIED and user.has_perm("cases.record_callback")
    return {
        "replies": replies,
        "can_reply": can_reply,
        "reply_form": forms_.get("reply_form") or (ReplyForm() if can_reply else None),
        "reply_warnings": forms_.get("reply_warnings"),
        "can_record_callback": can_record,
        "callback_form": forms_.get("callback_form")
        or (PhoneCallbackForm() if can_record else None),
    }


def case_page(case: Case) -> str:
    return reverse("case-detail", args=[case.pk])


def answerable(request: HttpRequest, pk: int, permission: str) -> Case:
    """The case if the user may see it (404 otherwise) and has ``permission`` (403)."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("voice", "department"), pk=pk
    )
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return case


def render_answer(request, case: Case, refused: bool = False, **forms_) -> HttpResponse:
    """The answer block of the case page again, with the forms as posted: swapped in by
    htmx, which swaps only a 2xx answer — a refused form is a 422 only without htmx."""
    context = {"case": case, **answer_context(request, case, **forms_)}
    status = 422 if refused and not request.htmx else 200
    return render(request, "cases/_answer.html", context, status=status)


@require_POST
@login_required
def reply_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply check of the draft as typed so far (htmx): the warnings, or that none."""
    case = answerable(request, pk, "cases.handle_case")
    disposition = request.POST.get("disposition")
    if disposition not in Reply.Disposition.values:
        disposition = None
    text, basis = request.POST.get("text", ""), request.POST.get("basis", "")
    warnings = shown(run_check(case, text[:5000], disposition, basis[:300]))
    return render(request, "cases/_reply_check.html", {"warnings": warnings, "checked": True})


@require_POST
@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the reply. With warnings not yet seen, show them and ask to edit or send anyway."""
    case = answerable(request, pk, "cases.handle_case")
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_answer(request, case, refused=True, reply_form=form)
    warnings = form.warnings(case)
    if warnings and request.POST.get("anyway") != "1":
        return render_answer(request, case, reply_form=form, reply_warnings=shown(warnings))
    data = form.cleaned_data
    try:
        sent, token = case.reply(
            request.user,
            data["disposition"],
            data["text"],
            expected_by=data["expected_by"],
            basis=data["basis"],
            warnings=warnings,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render_answer(request, case, refused=True, reply_form=form)
    notify.replied(sent, token)
    messages.success(request, _("The reply was sent; the person is asked for their verdict."))
    return redirect_to_case(request, case)


def redirect_to_case(request: HttpRequest, case: Case) -> HttpResponse:
    """303 to the case page; htmx follows it as a full page (the whole case changed)."""
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = case_page(case)
        return response
    return HttpResponseRedirect(case_page(case), status=303)


@require_POST
@login_required
def phone_callback(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what the person said when called back: the figures count it apart."""
    case = answerable(request, pk, "cases.record_callback")
    form = PhoneCallbackForm(request.POST)
    if not form.is_valid():
        return render_answer(request, case, refused=True, callback_form=form)
    latest = case.replies.order_by("-at", "-id").first()
    try:
        if latest is None:
            raise ValidationError(_("This case has no reply to ask the person about."))
        callback = form.rate(latest, by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return render_answer(request, case, refused=True, callback_form=form)
    if callback.reopens:
        messages.warning(request, _("Recorded. The case is reopened (重办) for the department."))
    else:
        messages.success(request, _("Recorded. The case is closed."))
    return redirect_to_case(request, case)
