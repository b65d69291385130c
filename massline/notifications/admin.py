"""Administrators see what was sent and what failed, and may send a failed message again.

The text is never shown: a reply notification carries the person's callback link, with
which anyone could rate in their place. The address is shown masked.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from massline.notifications.models import DeadlineCheck, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "masked_recipient",
        "subject",
        "reference",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", "created_at"]
    search_fields = ["reference"]
    fields = [
        "channel",
        "masked_recipient",
        "subject",
        "reference",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: Notification) -> str:
        return obj.masked_recipient

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the failed ones again"), permissions=["change"])
    def send_again(self, request, queryset) -> None:
        failed = list(queryset.filter(status=Notification.Status.FAILED))
        for notification in failed:
            notification.retry()
        count = len(failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued again.",
                "%(count)d notifications queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DeadlineCheck)
class DeadlineCheckAdmin(admin.ModelAdmin):
    list_display = ["run_after", "status", "finished_at", "reminded", "flagged"]
    list_filter = ["status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
