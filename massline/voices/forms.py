"""Forms of the voices app."""

import re
import time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from massline.lib.forms import PublicForm
from massline.org.models import Area, Category, Department
from massline.voices.models import Voice
from massline.voices.uploads import ACCEPT_ATTRIBUTE, check_uploads, save_with_attachments


class AreaChoiceField(forms.ModelChoiceField):
    """Areas as an indented tree down to street level (deeper levels would make thousands)."""

    def __init__(self, **kwargs):
        queryset = Area.objects.filter(level__lte=Area.Level.STREET).only("name", "level", "path")
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Area) -> str:
        return "\u2003" * (obj.level - 1) + obj.name


class QuickEntryForm(forms.ModelForm):
    """What a hotline operator types during a call, in the order the caller says it."""

    CHANNELS = [Voice.Channel.HOTLINE, Voice.Channel.VISIT, Voice.Channel.LETTER]

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in CHANNELS],
        initial=Voice.Channel.HOTLINE,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Voice.Kind.choices])
    area = AreaChoiceField(label=_("Area"), required=False)
    email = forms.EmailField(
        label=_("Email"),
        max_length=200,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Voice
        fields = [
            "phone",
            "name",
            "kind",
            "subject",
            "body",
            "place",
            "area",
            "address",
            "email",  # rarely given on a call: after what every caller says
            "consent_to_publish",
            "consent_to_follow_up",
            "channel",
        ]
        labels = {
            "consent_to_follow_up": _(
                "The caller wants to be told what is decided about this problem"
            ),
        }
        widgets = {
            "phone": forms.TextInput(
                attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off"}
            ),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "body": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_phone(self) -> str:
        return china_phone(self.cleaned_data["phone"])

    def clean(self) -> dict:
        return check_follow_up_reachable(super().clean())


class DateRangeForm(forms.Form):
    """Optional "from" and "to" dates, applied to one date-time field of a queryset."""

    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter_dates(self, queryset, field: str):
        if since := self.cleaned_data["since"]:
            queryset = queryset.filter(**{f"{field}__date__gte": since})
        if until := self.cleaned_data["until"]:
            queryset = queryset.filter(**{f"{field}__date__lte": until})
        return queryset


class VoiceFilterForm(DateRangeForm):
    """The staff list's filters; every field is optional."""

    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *Voice.Channel.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *Voice.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *Voice.Status.choices]
    )
    area = AreaChoiceField(label=_("Area"), required=False, empty_label=_("all"))
    category = forms.ModelChoiceField(
        Category.objects.filter(level__lte=2).select_related("parent"),
        label=_("Category"),
        required=False,
        empty_label=_("all"),
    )
    department = forms.ModelChoiceField(
        Department.objects.all(), label=_("Department"), required=False, empty_label=_("all")
    )
    q = forms.CharField(label=_("Subject contains"), required=False, max_length=100)
    field_order = ["channel", "kind", "status", "area", "category", "department", "since"]

    def filter(self, voices):
        """``voices`` narrowed by the valid filters; an area or category includes its subtree."""
        if not self.is_valid():
            return voices.none()
        data = self.cleaned_data
        for name in ("channel", "kind", "status", "department"):
            if data[name]:
                voices = voices.filter(**{name: data[name]})
        if data["area"]:
            voices = voices.filter(area__path__startswith=data["area"].path)
        if category := data["category"]:
            voices = voices.filter(category.subtree())
        voices = self.filter_dates(voices, "received_at")
        if data["q"]:
            voices = voices.filter(subject__icontains=data["q"])
        return voices


class AccessLogFilterForm(DateRangeForm):
    """The auditor's filters on the personal data access log."""

    user = forms.ModelChoiceField(
        get_user_model().objects.order_by("username"),
        label=_("User"),
        required=False,
        empty_label=_("all"),
    )
    field_order = ["user"]

    def filter(self, accesses):
        if not self.is_valid():
            return accesses.none()
        data = self.cleaned_data
        if data["user"]:
            accesses = accesses.filter(user=data["user"])
        return self.filter_dates(accesses, "at")


class RevealForm(forms.Form):
    """Why someone needs a person's clear data; the reason goes into the access log."""

    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        error_messages={"required": _("Say why you need the clear data; it is logged.")},
    )


# The public channel: anyone may raise a voice, without an account.

AREA_CHOICES_TTL = 60  # seconds; an area added elsewhere shows on the public form within this
_area_cache: dict = {"until": 0.0, "choices": []}


def public_area_choices(fresh: bool = False) -> list[tuple[int, str]]:
    """Areas down to street level as (id, "district street" name), cached in this process.

    The public form is the busiest page: a submission must not query areas every time.
    """
    if fresh or time.monotonic() > _area_cache["until"]:
        areas = list(
            Area.objects.filter(level__lte=Area.Level.STREET).values_list(
                "id", "name", "level", "parent_id"
            )
        )
        by_id = {id_: (name, level, parent) for id_, name, level, parent in areas}

        def label(id_: int) -> str:
            name, level, parent = by_id[id_]
            # The city is the same for everyone: name it only when it is the choice itself.
            if parent in by_id and level > Area.Level.DISTRICT:
                return f"{label(parent)} {name}"
            return name

        _area_cache["choices"] = [(id_, label(id_)) for id_, *_rest in areas]
        _area_cache["until"] = time.monotonic() + AREA_CHOICES_TTL
    return _area_cache["choices"]


@receiver([post_save, post_delete], sender=Area, dispatch_uid="public_area_choices")
def _forget_area_choices(**kwargs) -> None:
    _area_cache["until"] = 0.0


class PlainSelect(forms.Select):
    """A select whose options are written directly: a city's hundreds of streets through
    Django's per-option templates would take a tenth of a second on every page view."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = str(value) if value is not None else ""
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" * (str(key) == selected), label) for key, label in self.choices),
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class PublicAreaField(forms.TypedChoiceField):
    """An optional area from ``public_area_choices``; its value is an area id or None."""

    widget = PlainSelect

    def __init__(self, **kwargs):
        super().__init__(
            choices=lambda: [("", _("I don't know")), *public_area_choices()],
            coerce=int,
            empty_value=None,
            required=False,
            **kwargs,
        )

    def valid_value(self, value) -> bool:
        # An area added in another process a moment ago: look once more before refusing.
        return super().valid_value(value) or (
            value in {str(id_) for id_, _label in public_area_choices(fresh=True)}
        )


def check_follow_up_reachable(data: dict) -> dict:
    """A person who wants to be told of the decision must give a phone or an email: the
    notice goes there, and nowhere else. (A phone or email that is itself wrong says so.)"""
    given = "phone" in data and "email" in data  # both valid, possibly empty
    if data.get("consent_to_follow_up") and given and not (data["phone"] or data["email"]):
        raise forms.ValidationError(
            {
                "consent_to_follow_up": _(
                    "To be told of the decision, give a phone number or an email address."
                )
            },
            code="unreachable",
        )
    return data


def china_phone(phone: str) -> str:
    """A Chinese mobile or landline number as plain digits, "" if none was given.

    Accepts digits, spaces, dashes and a leading +86 or 0086: "+86 138-1234-5678" →
    "13812345678", "0571 8888 6666" → "057188886666", "+86 571 8888 6666" → the same.
    """
    phone = phone.strip()
    if not phone:
        return ""
    match = re.fullmatch(r"(\+86|0086)?([\d\s-]+)", phone)
    digits = re.sub(r"\D", "", match[2]) if match else ""
    if match and match[1] and digits[:1] not in ("0", "1"):
        digits = "0" + digits  # an area code written internationally drops its 0
    # Mobile: 1[3-9] + 9 digits; landline: 0 + area code + number; or a local number.
    if re.fullmatch(r"1[3-9]\d{9}|0[1-9]\d{8,10}|[2-9]\d{6,7}", digits):
        return digits
    raise forms.ValidationError(
        _(
            "This is not a Chinese phone number. Enter a mobile (e.g. 138 1234 5678) or a "
            "landline with its area code (e.g. 0571-8888 6666), using digits, spaces and dashes."
        ),
        code="phone",
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by its content (see ``uploads``)."""

    widget = MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})

    def clean(self, data, initial=None):
        files = [data] if data and not isinstance(data, list | tuple) else list(data or [])
        return check_uploads([super(AttachmentsField, self).clean(file) for file in files])


class PublicVoiceForm(forms.ModelForm):
    """What a member of the public writes: the matter first, then (optionally) who they are."""

    kind = forms.ChoiceField(
        label=_("What kind of voice is it?"),
        choices=Voice.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    area = PublicAreaField(label=_("Area"), help_text=_("The district or street, if you know it."))
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        required=False,
        help_text=_(
            "Needed to check progress later: you will be asked for its last four digits. "
            "Without a phone, your voice cannot be looked up."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=200,
        required=False,
        help_text=_("If you give one, the reply and the link to rate it come by email too."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Your address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    attachments = AttachmentsField(label=_("Photos or PDF files"), required=False)

    class Meta:
        model = Voice
        fields = [
            "subject",
            "body",
            "kind",
            "place",
            "name",
            "phone",
            "email",
            "address",
            "consent_to_publish",
            "consent_to_follow_up",
        ]
        labels = {
            "subject": _("Subject"),
            "body": _("What happened"),
            "place": _("Where"),
            "consent_to_publish": _("You may publish my voice (never my name, phone or address)."),
            "consent_to_follow_up": _("Tell me what is decided about this problem."),
        }
        help_texts = {
            "subject": _("In one line: what is it about?"),
            "body": _("When and where, who is affected, and what you would like done."),
            "place": _("A road, a housing compound, a building, a landmark…"),
            "consent_to_follow_up": _(
                "When the government decides what to do about the problem many people "
                "raised, you get one message by SMS or email with a link, and may say "
                "whether it solves yours."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        # Labels are questions or headings on their own line; a trailing ":" reads badly.
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["attachments"].help_text = _(
            "Optional. Up to %(count)s photos (JPEG, PNG, WebP) or PDF files, "
            "each at most %(size)s."
        ) % {"count": settings.UPLOAD_MAX_FILES, "size": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_phone(self) -> str:
        return china_phone(self.cleaned_data["phone"])

    def clean(self) -> dict:
        return check_follow_up_reachable(super().clean())

    def save(self, channel: str) -> Voice:
        """The voice and its attachments, committed together (see ``save_with_attachments``)."""
        voice = super().save(commit=False)
        voice.channel = channel
        voice.area_id = self.cleaned_data["area"]
        return save_with_attachments(voice, self.cleaned_data["attachments"])


class PublicStatusForm(PublicForm):
    """A tracking code and the last four digits of the phone given with the voice."""

    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "placeholder": "K7QX-9M2A-TP",
            }
        ),
    )
    last4 = forms.RegexField(
        label=_("Last four digits of your phone"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter exactly four digits.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "maxlength": 4,
                "pattern": "[0-9]{4}",
            }
        ),
    )

    def clean_code(self) -> str:
        """Upper case, dashes where they belong: "k7qx 9m2a tp" → "K7QX-9M2A-TP"."""
        raw = re.sub(r"[^0-9A-Z]", "", self.cleaned_data["code"].upper())
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 10 else raw

    def find(self) -> Voice | None:
        """The voice, only if both the code and the digits match; None tells neither apart."""
        voice = (
            Voice.objects.filter(tracking_code=self.cleaned_data["code"])
            .select_related("department")
            .only("tracking_code", "status", "received_at", "subject", "phone", "department__name")
            .first()
        )
        return voice if voice and voice.phone_ends_with(self.cleaned_data["last4"]) else None
