"""Admin for voices and their records.

The admin never shows or edits a person's clear name, phone or address: those are seen
only through the logged reveal on the staff pages. Logs and imports are read-only here.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from massline.voices.models import ApiToken, Attachment, ImportBatch, PersonalDataAccess, Voice

PERSONAL = ("name", "phone", "address", "email")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system, never by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Voice)
class VoiceAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_code",
        "received_at",
        "channel",
        "kind",
        "status",
        "subject",
        "area",
        "department",
        "person",
    ]
    list_filter = ["channel", "kind", "status", "received_at"]
    list_select_related = ["area", "department"]
    search_fields = ["tracking_code", "subject", "external_id"]
    date_hierarchy = "received_at"
    exclude = PERSONAL
    readonly_fields = ["tracking_code", "person", "source", "external_id", "created_by"]
    autocomplete_fields = ["area", "category", "department"]

    def get_queryset(self, request):
        # The list masks name and phone (which needs them); the address is never shown here.
        return super().get_queryset(request).defer("address", "body", "extra")

    @admin.display(description=_("person"))
    def person(self, voice: Voice) -> str:
        if not (voice.name or voice.phone):
            return _("anonymous")
        return " ".join(filter(None, [voice.masked_name, voice.masked_phone]))


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "voice", "content_type", "size", "download"]
    list_select_related = ["voice"]
    search_fields = ["original_name", "voice__tracking_code"]
    # The file itself only through the staff view, which checks and logs the access.
    fields = ["voice", "original_name", "content_type", "size", "sha256", "download"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*(f"voice__{f}" for f in PERSONAL))

    @admin.display(description=_("file"))
    def download(self, item: Attachment) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("attachment-download", args=[item.pk]), _("download")
        )


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "voice", "purpose", "ip"]
    list_filter = ["action", "at"]
    list_select_related = ["user", "voice"]
    search_fields = ["user__username", "purpose", "voice__tracking_code"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*(f"voice__{f}" for f in PERSONAL))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an audit log that can be edited is no audit log


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "source",
        "status",
        "total_rows",
        "created_count",
        "existing_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "source"]
    # Not "file": media is never served by URL (settings.MEDIA_URL is None).
    fields = [
        "original_name",
        "source",
        "channel",
        "status",
        "mapping",
        "total_rows",
        "checked_rows",
        "created_count",
        "existing_count",
        "errors",
        "created_by",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def get_fields(self, request, obj=None):
        return ["name", "user", "is_active", *(self.readonly_fields if obj else [])]

    def save_model(self, request, obj, form, change):
        """A new token is issued by ``ApiToken.issue``; its clear value is shown once."""
        if change:
            return super().save_model(request, obj, form, change)
        issued, token = ApiToken.issue(obj.name, obj.user)
        if not obj.is_active:
            issued.is_active = False
            issued.save(update_fields=["is_active"])
        vars(obj).update(vars(issued))  # the admin goes on (log, redirect) with the saved token
        messages.warning(
            request,
            _("Copy the token now; it is not stored and will not be shown again: %(token)s")
            % {"token": token},
        )
