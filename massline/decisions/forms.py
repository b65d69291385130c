"""Forms of the decision pages: an opinion, a decision with its commitments, progress, import."""

from datetime import date

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.decisions.models import Commitment, Decision, Milestone, Opinion
from massline.lib.tables import validate_import_size
from massline.org.models import Department, staff_name

#: Empty commitment rows the decision form shows (a decision usually promises several things).
COMMITMENT_ROWS = 2
#: Rows one decision form takes (a programme of many projects is imported instead).
COMMITMENT_ROWS_AT_MOST = 30


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["title", "summary", "agreement", "minority"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "agreement": forms.Textarea(attrs={"rows": 3}),
            "minority": forms.Textarea(attrs={"rows": 3}),
        }


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["title", "text", "unit"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


def parse_milestones(text: str) -> list[tuple[date, str]]:
    """Lines "YYYY-MM-DD title" as (date, title), in date order; blank lines are skipped."""
    milestones = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _space, title = line.partition(" ")
        try:
            due = date.fromisoformat(day)
        except ValueError:
            due = None
        if due is None or not title.strip():
            raise ValidationError(
                _("Line %(n)s: write a milestone as “2026-06-30 开工”.") % {"n": number}
            )
        milestones.append((due, title.strip()[:200]))
    return sorted(milestones)


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        name = staff_name(user)
        return name if name == user.get_username() else f"{name} ({user.get_username()})"


class CommitmentForm(forms.Form):
    """One commitment of a new decision; a row left blank is no commitment."""

    title = forms.CharField(label=_("What is promised"), max_length=200)
    owner = OwnerField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Department.objects.all())
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    budget = forms.DecimalField(
        label=_("Budget (yuan)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-06-30 开工"}),
        help_text=_("One a line: the date, a space, the step (2026-06-30 开工)."),
    )

    def clean_milestones(self) -> list[tuple[date, str]]:
        return parse_milestones(self.cleaned_data["milestones"])


class BaseCommitmentFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("A decision needs at least one commitment."))

    def promises(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.has_changed()]


CommitmentFormSet = forms.formset_factory(
    CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=COMMITMENT_ROWS,
    max_num=COMMITMENT_ROWS_AT_MOST,
    absolute_max=COMMITMENT_ROWS_AT_MOST,
)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reached = forms.ModelMultipleChoiceField(
        label=_("Milestones reached"),
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, commitment: Commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached"].queryset = commitment.milestones.filter(done_on=None)
        self.fields["reached"].label_from_instance = lambda m: f"{m.due_on:%Y-%m-%d} {m.title}"
        if not self.fields["reached"].queryset.exists():
            del self.fields["reached"]


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        validators=[validate_import_size],
        help_text=_("Columns: 类别, 项目, 责任单位, 责任人, 完成时限, 预算, 进度."),
    )
    programme = forms.CharField(
        label=_("Programme"),
        max_length=200,
        initial=lambda: f"{timezone.localdate().year}年民生实事",
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
