"""An "Import from Excel" page on the admin lists of areas, departments and categories."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from massline.lib.tables import validate_import_size
from massline.org.importing import COLUMNS, import_reference


class ReferenceUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel (.xlsx) or CSV file"), validators=[validate_import_size]
    )


class ReferenceImportMixin(admin.ModelAdmin):
    """Adds ``<model>/import/``: upload a file of ``reference_kind``; all rows or none."""

    reference_kind = ""
    change_list_template = "admin/org/change_list_import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request):
        """Reference files are small, so they are imported within the request."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = ReferenceUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_reference(self.reference_kind, upload, upload.name)
            if result.ok:
                self.message_user(
                    request,
                    _(
                        "%(count)s rows imported: %(created)s created, "
                        "%(updated)s updated or unchanged."
                    )
                    % {
                        "count": result.created + result.updated,
                        "created": result.created,
                        "updated": result.updated,
                    },
                    messages.SUCCESS,
                )
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(things)s from Excel") % {"things": self.opts.verbose_name_plural},
            "form": form,
            "errors": errors,
            "columns": COLUMNS[self.reference_kind],
        }
        status = 400 if errors or form.errors else 200
        return TemplateResponse(request, "admin/org/import_reference.html", context, status=status)
