"""``massline import_reference {areas,departments,taxonomy} FILE``."""

from django.core.management.base import BaseCommand, CommandError

from massline.org.importing import KINDS, import_reference


class Command(BaseCommand):
    help = (
        "Import reference data from .xlsx or .csv: areas (名称, 编码, 级别, 上级编码), departments "
        "(名称, 编码, 层级, 负责区域, 负责分类) or the taxonomy (一级分类, 二级分类, 三级分类). "
        "All rows or none; importing again updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", metavar="FILE")

    def handle(self, *, kind, file, **options):
        result = import_reference(kind, file)
        for error in result.errors:
            self.stderr.write(f"{file}: {error}")
        if not result.ok:
            raise CommandError(f"Nothing was imported from {file}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {kind}: {result.created} created, "
                f"{result.updated} already there or updated"
            )
        )
