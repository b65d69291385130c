"""Background tasks of the voices app (run by ``massline db_worker``)."""

from django.utils import timezone
from django_tasks import task

from massline.lib.tables import RowError
from massline.voices.importing import import_voices, stored_errors
from massline.voices.models import ImportBatch


@task()
def run_import(batch_id: int, skip_duplicate_ids: bool = False) -> dict:
    """Import an uploaded file, recording progress and the outcome on its ImportBatch."""
    batch = ImportBatch.objects.get(pk=batch_id)
    batches = ImportBatch.objects.filter(pk=batch_id)

    def progress(stage: str, done: int, total: int) -> None:
        # A plain UPDATE, so the progress page sees it while the rows are being checked.
        batches.update(status=stage, checked_rows=done, total_rows=total)

    try:
        with batch.file.open("rb") as file:
            result = import_voices(
                file,
                name=batch.original_name,
                mapping=batch.mapping,
                source=batch.source,
                channel=batch.channel,
                skip_duplicate_ids=skip_duplicate_ids,
                batch=batch,
                user=batch.created_by,
                progress=progress,
            )
    except Exception:
        batches.update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            errors=[RowError(None, "", "The import stopped on an unexpected error.").as_dict()],
        )
        raise
    batches.update(
        status=ImportBatch.Status.DONE if result.ok else ImportBatch.Status.FAILED,
        total_rows=result.total_rows,
        checked_rows=result.total_rows,
        created_count=result.created,
        existing_count=result.existing,
        errors=stored_errors(result.errors) + stored_errors(result.skipped, skipped=True),
        finished_at=timezone.now(),
    )
    return {"created": result.created, "existing": result.existing, "errors": len(result.errors)}
