from django.contrib import admin

from massline.org.admin_import import ReferenceImportMixin
from massline.org.models import Area, Category, Department, Staff


@admin.register(Area)
class AreaAdmin(ReferenceImportMixin):
    reference_kind = "areas"
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Category)
class CategoryAdmin(ReferenceImportMixin):
    reference_kind = "taxonomy"
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(ReferenceImportMixin):
    reference_kind = "departments"
    list_display = ["name", "code", "tier", "phone"]
    list_filter = ["tier"]
    search_fields = ["name", "code"]
    filter_horizontal = ["areas", "categories"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "area", "title"]
    list_select_related = ["user", "department", "area"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "department", "area"]
