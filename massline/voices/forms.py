"""Forms of the voices app."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from massline.lib.personal import normalise_phone
from massline.org.models import Area, Category, Department
from massline.voices.models import Voice


class AreaChoiceField(forms.ModelChoiceField):
    """Areas as an indented tree down to street level (deeper levels would make thousands)."""

    def __init__(self, **kwargs):
        queryset = Area.objects.filter(level__lte=Area.Level.STREET).only("name", "level", "path")
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Area) -> str:
        return "\u2003" * (obj.level - 1) + obj.name


def clean_phone_number(phone: str) -> str:
    """A phone as typed, checked: digits, spaces, +, - and brackets; 7 to 12 digits."""
    phone = phone.strip()
    if phone and (
        not re.fullmatch(r"[\d\s()+-]+", phone) or not 7 <= len(normalise_phone(phone)) <= 12
    ):
        raise forms.ValidationError(
            _("Enter a phone number of 7 to 12 digits, e.g. 13812345678 or 0571-88886666."),
            code="phone",
        )
    return phone


class QuickEntryForm(forms.ModelForm):
    """What a hotline operator types during a call, in the order the caller says it."""

    CHANNELS = [Voice.Channel.HOTLINE, Voice.Channel.VISIT, Voice.Channel.LETTER]

    channel = forms.TypedChoiceField(
        label=_("channel"),
        choices=[(c.value, c.label) for c in CHANNELS],
        initial=Voice.Channel.HOTLINE,
    )
    kind = forms.TypedChoiceField(
        label=_("kind"), choices=[("", "---------"), *Voice.Kind.choices]
    )
    area = AreaChoiceField(label=_("area"), required=False)

    class Meta:
        model = Voice
        fields = [
            "phone", "name", "kind", "subject", "body", "place", "area", "address",
            "consent_to_publish", "channel",
        ]
        widgets = {
            "phone": forms.TextInput(
                attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off"}
            ),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "body": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_address(self) -> str:
        return self.cleaned_data["address"].strip()
