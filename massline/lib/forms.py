"""What the forms people fill in on their own (the public site, their one-time links) share."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublicForm(forms.Form):
    """A form for the public: labels are questions or headings on their own line, where a
    trailing ":" reads badly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


def comment_field() -> forms.CharField:
    """The optional free-text line under a person's answer or verdict (补充说明)."""
    return forms.CharField(
        label=_("Anything you would like to add?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
