"""Admin for hot issues: to look, not to edit — staff change issues on the staff pages,
where every change is checked and logged."""

from django.contrib import admin

from massline.hotissues.models import HotIssue, IssueAction, Recomputation
from massline.voices.admin import ReadOnlyAdmin


@admin.register(HotIssue)
class HotIssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "heat", "people", "voice_count", "start", "end", "area"]
    list_filter = ["status"]
    search_fields = ["title", "anchor"]
    exclude = ["terms", "voices"]


@admin.register(IssueAction)
class IssueActionAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "issue"]
    list_filter = ["action"]


@admin.register(Recomputation)
class RecomputationAdmin(ReadOnlyAdmin):
    list_display = ["queued_at", "status", "scheduled", "voices_read", "found", "finished_at"]
    exclude = ["idf"]
