"""Forms of the hot-issue pages: the list's filters and one small form per staff action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from massline.hotissues.models import HotIssue
from massline.org.models import Category
from massline.voices.forms import AreaChoiceField, DateRangeForm


class HotIssueFilterForm(DateRangeForm):
    """Status, kind (sudden 突发 or chronic 常发), area (with everything under it),
    category, period (issues overlapping it)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("hot issues")), ("all", _("all")), *HotIssue.Status.choices[:3]],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("all")), ("sudden", _("sudden")), ("chronic", _("chronic"))],
    )
    area = AreaChoiceField(label=_("Area"), required=False, empty_label=_("all"))
    category = forms.ModelChoiceField(
        Category.objects.filter(level__lte=2).select_related("parent"),
        label=_("Category"),
        required=False,
        empty_label=_("all"),
    )
    field_order = ["status", "kind", "area", "category", "since", "until"]

    def filter(self, issues):
        if not self.is_valid():
            return issues.none()
        data = self.cleaned_data
        status = data["status"] or HotIssue.Status.OPEN
        issues = issues.live() if status == "all" else issues.filter(status=status)
        if data["kind"]:
            issues = issues.chronic(data["kind"] == "chronic")
        if data["area"]:
            issues = issues.filter(area__path__startswith=data["area"].path)
        if category := data["category"]:
            issues = issues.filter(category.subtree())
        if since := data["since"]:
            issues = issues.filter(end__date__gte=since)
        if until := data["until"]:
            issues = issues.filter(start__date__lte=until)
        return issues


class RenameForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, strip=True)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, strip=True)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the issue to merge into"), min_value=1)


class SplitForm(forms.Form):
    """The ticked voices come as ``voices`` (ids); the model checks they belong."""

    title = forms.CharField(label=_("Title of the new issue"), max_length=200, required=False)

    def voice_ids(self, data) -> list[int]:
        return [int(v) for v in data.getlist("voices") if v.isdigit()]


class RecategoriseForm(forms.Form):
    voice = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        Category.objects.select_related("parent__parent"), label=_("Right category")
    )
