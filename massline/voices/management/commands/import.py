"""``massline import FILE [FILE ...]``: import voices from Excel or CSV exports."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from massline.lib.tables import TableError
from massline.voices.importing import DEFAULT_SOURCE, ImportResult, import_voices, parse_map_options
from massline.voices.models import ImportBatch, Voice

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import voices from .xlsx or .csv files (hotline and message-board exports). "
        "Each file is imported completely or not at all; importing it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--source",
            default=DEFAULT_SOURCE,
            help="the system the file comes from; ids are unique within it",
        )
        parser.add_argument("--channel", default=Voice.Channel.IMPORT, choices=Voice.Channel.values)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="map a column to a field (empty FIELD: keep it in extra)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, save nothing")
        parser.add_argument(
            "--skip-duplicate-ids",
            action="store_true",
            help="when an id repeats in a file, keep its first row",
        )

    def handle(self, *, files, source, channel, map, dry_run, skip_duplicate_ids, **options):
        try:
            overrides = parse_map_options(map)
        except TableError as error:
            raise CommandError(str(error)) from error
        failed = [
            path
            for path in files
            if not self.import_file(path, overrides, source, channel, dry_run, skip_duplicate_ids)
        ]
        if failed:
            raise CommandError(f"Nothing was imported from: {', '.join(failed)}")

    def import_file(self, path, overrides, source, channel, dry_run, skip_duplicate_ids) -> bool:
        with Bar(path) as bar:
            result = import_voices(
                path,
                overrides=overrides,
                source=source,
                channel=channel,
                dry_run=dry_run,
                skip_duplicate_ids=skip_duplicate_ids,
                progress=bar.update_to,
            )
        self.report(path, result)
        return result.ok

    def report(self, path: str, result: ImportResult) -> None:
        for problem in result.skipped[:SHOWN_ERRORS]:
            self.stdout.write(f"{path}: skipped {problem}")
        for error in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"{path}: {error}")
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(f"{path}: … and {len(result.errors) - SHOWN_ERRORS} more errors")
        if not result.ok:
            return
        verb = "would create" if result.dry_run else "created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {result.total_rows} rows, {verb} {result.created}, "
                f"{result.existing} already there, {len(result.skipped)} skipped"
            )
        )


class Bar:
    """A tqdm bar per stage (checking rows, then saving), fed by the importer's progress calls."""

    def __init__(self, path: str):
        self.path = path
        self.bar: tqdm | None = None
        self.stage = ""

    def __enter__(self) -> "Bar":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.close()

    def update_to(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.bar:
                self.bar.close()
            label = ImportBatch.Status(stage).label
            self.bar = tqdm(total=total, desc=f"{self.path}: {label}", unit="rows", disable=None)
            self.stage = stage
        self.bar.update(done - self.bar.n)
