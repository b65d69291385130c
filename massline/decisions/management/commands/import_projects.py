"""``massline import_projects FILE --programme "2026年民生实事" --year 2026``."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from massline.decisions.importing import COLUMNS, import_projects

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import a year's livelihood projects (民生实事) from .xlsx or .csv, all rows or none. "
        f"Columns: {', '.join(COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--programme", required=True, help="the programme's title")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--owner",
            help="user name of the owner of projects with no 责任人 (default: the first superuser)",
        )

    def handle(self, *, file, programme, year, owner, **options):
        users = (
            User.objects.filter(username=owner) if owner else User.objects.filter(is_superuser=True)
        )
        user = users.order_by("id").first()
        if user is None:
            raise CommandError("No such user: name one with --owner.")
        result = import_projects(file, programme=programme, year=year, user=user)
        for error in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"{file}: {error}")
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(f"{file}: … and {len(result.errors) - SHOWN_ERRORS} more errors")
        if not result.ok:
            raise CommandError(f"Nothing was imported from {file}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: imported {result.created} projects into {result.programme} ({year})."
            )
        )
