"""Administrators keep the official holidays: each November the State Council publishes the
next year's, and time limits count working days by them."""

from django.contrib import admin

from massline.cases.models import OfficialDay


@admin.register(OfficialDay)
class OfficialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "holiday", "working"]
    list_filter = ["working", "holiday"]
    date_hierarchy = "date"
