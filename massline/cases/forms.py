"""Forms of triage, dispatch and the department workbench.

Each step's form checks its input and then calls the one method of ``Case`` that takes
the step (:meth:`StepForm.apply`); the model checks whether the step is allowed now.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massline.cases.models import Case, Urgency
from massline.org.models import Area, Category, Department, staff_name
from massline.voices.forms import PlainSelect
from massline.voices.models import Voice


def category_choices() -> list[tuple[int, str]]:
    """Every category by its full name, for one page's many triage forms (read once)."""
    categories = Category.objects.select_related("parent__parent")
    return sorted(((c.pk, c.full_name) for c in categories), key=lambda choice: choice[1])


def area_choices() -> list[tuple[int, str]]:
    """Areas down to street level as an indented tree (read once per page)."""
    areas = Area.objects.filter(level__lte=Area.Level.STREET).values_list("pk", "name", "level")
    return [(pk, "\u2003" * (level - 1) + name) for pk, name, level in areas]


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among ``choices`` (id, label) that cleans to the model object."""

    widget = PlainSelect

    def __init__(self, model, choices, **kwargs):
        self.model = model
        super().__init__(choices=choices, coerce=int, empty_value=None, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        return None if pk is None else self.model.objects.get(pk=pk)


class TriageFilterForm(forms.Form):
    """The triage queue's filters; every field is optional."""

    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *Voice.Channel.choices]
    )
    area = forms.ModelChoiceField(
        Area.objects.filter(level__lte=Area.Level.STREET),
        label=_("Area"),
        required=False,
        empty_label=_("all"),
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(level__lte=2).select_related("parent"),
        label=_("Category"),
        required=False,
        empty_label=_("all"),
    )

    def filter(self, voices):
        """``voices`` narrowed by the valid filters; an area or category includes its subtree."""
        if not self.is_valid():
            return voices.none()
        data = self.cleaned_data
        if data["channel"]:
            voices = voices.filter(channel=data["channel"])
        if data["area"]:
            voices = voices.filter(area__path__startswith=data["area"].path)
        if category := data["category"]:
            voices = voices.filter(category.subtree())
        return voices


class AcceptForm(forms.Form):
    """Accept a voice as a case: its urgency, and its category and area set right."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)

    def __init__(self, *args, categories, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = ObjectChoiceField(
            Category, [("", "—"), *categories], label=_("Category"), required=False
        )
        self.fields["area"] = ObjectChoiceField(
            Area, [("", "—"), *areas], label=_("Area"), required=False
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person reads it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the voice is declined: the person reads it.")},
    )


class MergeForm(forms.Form):
    """Merge a voice into an open case: one of those proposed, or another by its number or
    its voice's tracking code."""

    into = forms.CharField(required=False, max_length=20)
    other = forms.CharField(label=_("or another case"), required=False, max_length=20)
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        text = (data.get("other") or data.get("into") or "").strip().upper()
        if not text:
            raise forms.ValidationError(_("Choose the case to merge into."))
        match = Q(voice__tracking_code=text) | (Q(pk=int(text)) if text.isdigit() else Q())
        data["into"] = Case.objects.visible_to(self.user).filter(match).first()
        if data["into"] is None:
            raise forms.ValidationError(_("No case of yours has that number or tracking code."))
        return data


def department_choices(exclude=(), below_tier: int | None = None) -> list:
    """Departments grouped by tier (city first), for a select with option groups."""
    departments = Department.objects.exclude(pk__in=exclude)
    if below_tier is not None:  # a higher tier has a lower number
        departments = departments.filter(tier__lt=below_tier)
    groups: dict[int, list] = {}
    for department in departments.order_by("tier", "name"):
        groups.setdefault(department.tier, []).append((department.pk, department.name))
    return [(Department.Tier(tier).label, items) for tier, items in groups.items()]


class StepForm(forms.Form):
    """A form for one step on ``case``; :meth:`apply` takes the step for ``user``."""

    done = ""  # what the person is told after the step

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def apply(self, user) -> None:
        raise NotImplementedError


class DepartmentField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            coerce=lambda pk: Department.objects.get(pk=pk),
            error_messages={"invalid_choice": _("Choose one of the departments listed.")},
            **kwargs,
        )


class DispatchForm(StepForm):
    done = _("Dispatched.")

    department = DepartmentField(label=_("Department"))
    reason = forms.CharField(label=_("Note for the department"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        returned = self.case.events.filter(kind="returned").values("from_department")
        self.fields["department"].choices = department_choices(exclude=returned)

    def apply(self, user) -> None:
        self.case.dispatch(user, self.cleaned_data["department"], self.cleaned_data["reason"])


class SendBackForm(StepForm):
    done = _("Returned: the dispatcher chooses another department.")

    reason = forms.CharField(
        label=_("Why it is not yours"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the case is returned.")},
    )

    def apply(self, user) -> None:
        self.case.send_back(user, self.cleaned_data["reason"])


class EscalateForm(StepForm):
    done = _("Escalated to a higher tier.")

    department = DepartmentField(label=_("Department of a higher tier"))
    reason = forms.CharField(
        label=_("Why a higher tier"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the case goes to a higher tier.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tier = self.case.department.tier if self.case.department else None
        self.fields["department"].choices = department_choices(below_tier=tier)

    def apply(self, user) -> None:
        self.case.escalate(user, self.cleaned_data["department"], self.cleaned_data["reason"])


class TakeChargeForm(StepForm):
    done = _("You are in charge of this case.")

    def apply(self, user) -> None:
        self.case.set_owner(user, user)


def leaders():
    """Users who may be put in charge of a case (领导包案)."""
    perm = Permission.objects.get(content_type__app_label="cases", codename="own_case")
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions=perm) | Q(user_permissions=perm), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class LeaderField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


class AssignOwnerForm(StepForm):
    done = _("The leader is in charge of this case.")

    owner = LeaderField(queryset=None, label=_("Leader in charge (包案领导)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = leaders()

    def apply(self, user) -> None:
        self.case.set_owner(user, self.cleaned_data["owner"])


class ContactForm(StepForm):
    done = _("Contact with the person recorded.")

    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def apply(self, user) -> None:
        self.case.record_contact(user, self.cleaned_data["note"])


STEPS = {
    "dispatch": DispatchForm,
    "send_back": SendBackForm,
    "escalate": EscalateForm,
    "take_charge": TakeChargeForm,
    "assign_owner": AssignOwnerForm,
    "contact": ContactForm,
}


class WorkbenchFilterForm(forms.Form):
    """The workbench's filters; every field is optional."""

    OPEN, ALL = "", "all"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("open")), *Case.Status.choices, (ALL, _("all"))],
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("all")), *Urgency.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    owner = forms.ChoiceField(
        label=_("Leader in charge"),
        required=False,
        choices=[("", _("any")), ("me", _("me")), ("none", _("nobody")), ("some", _("somebody"))],
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(level__lte=2).select_related("parent"),
        label=_("Category"),
        required=False,
        empty_label=_("all"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter(self, cases):
        """``cases`` narrowed by the valid filters (open ones unless a status is chosen)."""
        if not self.is_valid():
            return cases.none()
        data = self.cleaned_data
        if data["status"] == self.OPEN:
            cases = cases.open()
        elif data["status"] != self.ALL:
            cases = cases.filter(status=data["status"])
        if data["urgency"]:
            cases = cases.filter(urgency=data["urgency"])
        if data["overdue"]:
            cases = cases.overdue()
        owner = data["owner"]
        if owner == "me":
            cases = cases.filter(owner=self.user)
        elif owner:
            cases = cases.filter(owner__isnull=owner == "none")
        if category := data["category"]:
            cases = cases.filter(category.subtree())
        return cases


class BatchContactForm(forms.Form):
    """Record the same contact for several of the department's cases at once."""

    cases = forms.ModelMultipleChoiceField(
        Case.objects.none(),
        error_messages={"required": _("Tick the cases first.")},
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = Case.objects.visible_to(user)
        self.user = user

    def clean_cases(self):
        cases = self.cleaned_data["cases"]
        refused = [case for case in cases if "contact" not in case.steps_for(self.user)]
        if refused:
            raise forms.ValidationError(
                _("You cannot record a contact for %(cases)s.")
                % {"cases": ", ".join(case.voice.tracking_code for case in refused)}
            )
        return cases
