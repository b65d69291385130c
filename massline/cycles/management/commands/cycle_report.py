"""``massline cycle_report --month 2026-11 --out DIR``: a month's cycle report as files.

Writes 社情民意分析报告-2026-11.docx (Word, with charts and tables) and
社情民意分析报告-2026-11.xlsx (one sheet per table) into ``--out``, counting everything in the
database (no user's scope). The report is in Chinese unless ``--language en``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from massline.cycles import exports
from massline.cycles.report import Cycle, report


class Command(BaseCommand):
    help = "Write a month's cycle report (社情民意分析报告) as .docx and .xlsx into --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", metavar="YYYY-MM", help="the month (default: the last one)")
        parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, month: str | None, out: str, language: str, **options) -> None:
        try:
            cycle = Cycle.of(month) if month else Cycle.containing(timezone.localdate()).previous
        except ValueError:
            raise CommandError(f"“{month}” is not a month; write it like 2026-11.") from None
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot write into {folder}: {error}") from error
        with translation.override(language):
            made = report(cycle)
            files = {
                folder / f"{exports.TITLE}-{cycle.slug}.docx": exports.word(made),
                folder / f"{exports.TITLE}-{cycle.slug}.xlsx": exports.excel(made),
            }
        for path, body in files.items():
            path.write_bytes(body)
            self.stdout.write(str(path))
