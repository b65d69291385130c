"""Administrators keep the time limits and the official holidays: each November the State
Council publishes the next year's holidays, and time limits count working days by them."""

from django.contrib import admin

from massline.cases.models import OfficialDay, RoutingRule, TimeLimit


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
