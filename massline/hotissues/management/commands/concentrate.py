"""``massline concentrate FILE --out DIR``: find the hot issues in a spreadsheet of voices.

Reads an Excel or CSV export of voices, needs no database, and writes three files into
``--out``: hot_issues.xlsx (the ranked table), hot_issue_voices.xlsx (every voice of every
hot issue) and report.html (a standalone report with charts, to open from disk).
"""

import argparse
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from massline.engine.hotissues import find_hot_issues
from massline.hotissues.report import issue_ids, read_voices, write_outputs
from massline.lib.tables import TableError
from massline.voices.importing import parse_map_options

SHOWN_ISSUES = 5


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a date; write it like 2019-04-25."
        ) from None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number of at least 1.")
    return number


class Command(BaseCommand):
    help = (
        "Concentrate a spreadsheet of voices (.xlsx, .xls or .csv) into ranked hot issues: "
        "writes hot_issues.xlsx, hot_issue_voices.xlsx and report.html into --out. "
        "Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=".xlsx, .xls or .csv export of voices")
        parser.add_argument("--out", required=True, metavar="DIR", help="folder for the results")
        parser.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day to read")
        parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day to read")
        parser.add_argument(
            "--window",
            type=_positive,
            default=30,
            metavar="DAYS",
            help="longest quiet gap within one issue (default 30)",
        )
        parser.add_argument(
            "--top", type=_positive, metavar="N", help="keep only the N hottest issues"
        )
        parser.add_argument(
            "--min-people",
            type=_positive,
            default=3,
            metavar="N",
            help="fewest distinct people that make a hot issue (default 3)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="map a column to a field, as for import (e.g. 发布时间=received_at)",
        )

    def handle(self, *, file, out, since, until, window, top, min_people, map, **options):
        started = time.monotonic()
        tz = ZoneInfo(settings.TIME_ZONE)
        start = datetime.combine(since, datetime.min.time(), tz) if since else None
        end = (
            datetime.combine(until + timedelta(days=1), datetime.min.time(), tz) if until else None
        )
        if start and end and start >= end:
            raise CommandError("--since must not be after --until.")
        end = end - timedelta(microseconds=1) if end else None
        out_dir = Path(out)
        if out_dir.exists() and not out_dir.is_dir():
            raise CommandError(f"--out {out} is a file, not a folder.")

        try:
            voices = read_voices(file, parse_map_options(map))
        except (TableError, OSError) as error:
            raise CommandError(f"{file}: {error}") from error
        voices.keep_between(start, end)
        if not voices.records:
            raise CommandError(f"{file}: no voice was received between --since and --until.")

        with tqdm(
            total=len(voices.records), desc="Reading voices", unit="voices", disable=None
        ) as bar:
            issues = find_hot_issues(
                voices.records,
                until=end,
                window=timedelta(days=window),
                min_people=min_people,
                top=top,
                progress=lambda n: bar.update(n - bar.n),
            )

        used = {
            "window": window,
            "min_people": min_people,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
        }
        try:
            written = write_outputs(out_dir, voices, issues, settings_used=used)
        except (TableError, OSError) as error:
            raise CommandError(f"Nothing was written to {out}: {error}") from error
        self.summary(file, len(voices.records), issues, written, time.monotonic() - started)

    def summary(self, file, count, issues, written, seconds) -> None:
        self.stdout.write(f"{file}: {count} voices, {len(issues)} hot issues.")
        for rank, (issue_id, issue) in enumerate(
            zip(issue_ids(issues), issues, strict=False), start=1
        ):
            if rank > SHOWN_ISSUES:
                break
            self.stdout.write(f"  {rank}. {issue_id}  heat {issue.heat:5.1f}  {issue.title}")
        folder = written[0].parent
        names = ", ".join(path.name for path in written)
        self.stdout.write(self.style.SUCCESS(f"Written to {folder}: {names} ({seconds:.1f} s)."))
