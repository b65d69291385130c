"""Importing voices from the browser: upload → map columns → background import → result.

The request only stores the file and reads its first rows for the mapping preview; the
import itself runs in the task worker (``massline.voices.tasks.run_import``) and the
progress page polls the ImportBatch it updates.
"""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from massline.lib.personal import mask_address, mask_name, mask_phone
from massline.lib.tables import Table, TableError, cell_text, read_table, validate_import_size
from massline.voices.importing import DEFAULT_SOURCE, FIELDS, check_mapping, guess_mapping
from massline.voices.models import ImportBatch, Voice
from massline.voices.tasks import run_import

PREVIEW_ROWS = 3
LIST_SIZE = 50
RUNNING = (ImportBatch.Status.PENDING, ImportBatch.Status.VALIDATING, ImportBatch.Status.SAVING)
# The preview shows a few rows to check the mapping by; personal data in them stays masked.
MASKS = {"name": mask_name, "phone": mask_phone, "address": mask_address}

import_permission = permission_required("voices.import_voices", raise_exception=True)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel (.xlsx) or CSV export of a hotline or message board."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv"}),
        validators=[validate_import_size],
    )
    source = forms.CharField(
        label=gettext_lazy("Source system"),
        max_length=100,
        initial=DEFAULT_SOURCE,
        help_text=gettext_lazy("Ids are unique within a source: the same file twice adds nothing."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=Voice.Channel.choices, initial=Voice.Channel.IMPORT
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            self.preview = read_table(file, file.name, limit=PREVIEW_ROWS + 5)
        except TableError as error:
            raise forms.ValidationError(str(error)) from error
        file.seek(0)
        return file


@require_http_methods(["GET", "POST"])
@login_required
@import_permission
def import_list(request: HttpRequest) -> HttpResponse:
    """Recent imports, and the form to upload a file for a new one."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch(
            original_name=upload.name[-200:],
            source=form.cleaned_data["source"],
            channel=form.cleaned_data["channel"],
            created_by=request.user,
        )
        batch.file.save("upload", upload, save=False)
        batch.save()
        return redirect("import-mapping", pk=batch.pk)
    batches = ImportBatch.objects.select_related("created_by")[:LIST_SIZE]
    return render(
        request,
        "voices/import_list.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


def _preview(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as file:
        return read_table(file, batch.original_name, limit=PREVIEW_ROWS + 5)


def _columns(table: Table, mapping: dict[str, str]) -> list[dict]:
    """For the mapping form: each column with its field and a few (masked) sample values."""
    columns = []
    for index, column in enumerate(table.header):
        target = mapping.get(column, "")
        mask = MASKS.get(target, str)
        samples = [
            mask(cell_text(row[index]).strip()) if index < len(row) else ""
            for _number, row in table.rows[:PREVIEW_ROWS]
        ]
        columns.append({"index": index, "name": column, "field": target, "samples": samples})
    return columns


@require_http_methods(["GET", "POST"])
@login_required
@import_permission
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Which column fills which field (guessed, changeable); confirming starts the import."""
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    if batch.mapping:  # already confirmed
        return redirect("import-detail", pk=batch.pk)
    table = _preview(batch)
    error = ""
    if request.method == "POST":
        mapping = {
            column: target
            for index, column in enumerate(table.header)
            if (target := request.POST.get(f"map-{index}", ""))
        }
        try:
            check_mapping(table.header, mapping)
        except TableError as problem:
            error = str(problem)
        else:
            batch.mapping = mapping
            batch.save(update_fields=["mapping"])
            run_import.enqueue(batch.pk, skip_duplicate_ids="skip_duplicate_ids" in request.POST)
            return redirect("import-detail", pk=batch.pk)
    else:
        mapping = guess_mapping(table.header)
    return render(
        request,
        "voices/import_mapping.html",
        {
            "batch": batch,
            "columns": _columns(table, mapping),
            "fields": FIELDS,
            "error": error,
            "skip_duplicate_ids": "skip_duplicate_ids" in request.POST,
        },
        status=400 if error else 200,
    )


@require_GET
@login_required
@import_permission
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress while it runs (polled by htmx), then its outcome and errors."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    running = batch.status in RUNNING
    if request.htmx:
        if not running:
            return HttpResponseClientRefresh()
        return render(request, "voices/import_progress.html", {"batch": batch})
    problems = [p for p in batch.errors if not p.get("skipped")]
    skipped = [p for p in batch.errors if p.get("skipped")]
    return render(
        request,
        "voices/import_detail.html",
        {"batch": batch, "running": running, "problems": problems, "skipped": skipped},
    )
