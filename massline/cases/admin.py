"""Administrators keep the time limits and the official holidays: each November the State
Council publishes the next year's holidays, and time limits count working days by them."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from massline.cases.models import OfficialDay, RoutingRule, TimeLimit
from massline.cases.routing import routing_from_departments


@admin.register(OfficialDay)
class OfficialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "holiday", "working"]
    list_filter = ["working", "holiday"]
    date_hierarchy = "date"


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = [
        "urgency",
        "kind",
        "respond_within",
        "respond_unit",
        "reply_within",
        "reply_unit",
    ]
    list_filter = ["urgency"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """The routing table (归口管理): category × area → department."""

    list_display = ["category", "area", "department"]
    list_filter = ["department__tier", "department"]
    autocomplete_fields = ["category", "area", "department"]
    search_fields = ["category__name", "area__name", "department__name"]
    # A button on the list (an action would need rules selected, and a new table has none).
    change_list_template = "admin/cases/routingrule/change_list.html"

    def get_urls(self):
        derive = self.admin_site.admin_view(require_POST(self.derive_from_departments))
        return [
            path("derive/", derive, name="cases_routingrule_derive"),
            *super().get_urls(),
        ]

    def derive_from_departments(self, request):
        """Add the rules the departments' categories and areas imply; keep the others."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        added = routing_from_departments()
        self.message_user(
            request,
            ngettext("Added %(count)d routing rule.", "Added %(count)d routing rules.", len(added))
            % {"count": len(added)},
            messages.SUCCESS,
        )
        return redirect("admin:cases_routingrule_changelist")
