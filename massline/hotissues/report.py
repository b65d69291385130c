"""Concentrating a file of voices into hot issues, written as two Excel tables and a report.

A small pipeline of plain functions, used by ``massline concentrate`` and needing no
database::

    read_voices → find_hot_issues (massline.engine.hotissues) → write_outputs

Columns are recognised by the voice importer's header names (留言编号, 留言用户, 留言主题,
留言时间, 留言详情, 点赞数, 反对数, 一级分类 …). Every row is checked before anything is
concentrated; every file is written into a temporary folder first and moved into place at
the end, so a failed run leaves the output folder as it was.
"""

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook

from massline.engine.hotissues import HotIssue, VoiceRecord
from massline.lib import excel
from massline.lib.tables import RowError, TableError, cell_text, read_table
from massline.voices.importing import (
    check_mapping,
    clean_body,
    guess_mapping,
    parse_count,
    parse_when,
)

ISSUES_FILE = "hot_issues.xlsx"
VOICES_FILE = "hot_issue_voices.xlsx"
REPORT_FILE = "report.html"
OUTPUT_FILES = (ISSUES_FILE, VOICES_FILE, REPORT_FILE)

#: The standard table of hot issues (TipDM 2020 problem C), then columns that help to read it.
STANDARD_HEADER = ["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"]
EXTRA_HEADER = ["类型", "人数", "条数", "关键词", "热度说明", "摘要"]
ISSUE_ID_COLUMN = "问题ID"

#: Issues the report draws a trend for and quotes voices of; the ranked table lists all.
REPORT_DETAILS = 20
#: Issues in the report's bar chart of heat.
REPORT_BARS = 20
#: Row problems quoted in one error message.
SHOWN_ERRORS = 20


@dataclass
class VoiceFile:
    """A file of voices as read: its header, its rows by row number, and one record per row.

    A record's id is its row number, so a voice leads back to its row even when the file
    has no id column or repeats an id.
    """

    path: Path
    header: list[str]
    rows: dict[int, list[Any]]
    records: list[VoiceRecord]
    id_column: str

    def voice_id(self, number: int) -> str:
        """The voice's id in its file (the id column), else "row N"."""
        if self.id_column:
            value = cell_text(self.rows[number][self.header.index(self.id_column)]).strip()
            if value:
                return value
        return _("row %(row)s") % {"row": number}

    def keep_between(self, since: datetime | None, until: datetime | None) -> None:
        """Keep only the records received in [since, until] (rows stay, for lookups)."""
        self.records = [
            r
            for r in self.records
            if (since is None or r.at >= since) and (until is None or r.at <= until)
        ]


class VoiceFileError(TableError):
    """Rows of the file are wrong; ``errors`` says which row, which column and why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        lines = [str(error) for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(_("… and %(count)s more.") % {"count": len(errors) - SHOWN_ERRORS})
        super().__init__("\n".join(lines))


# ---- reading ------------------------------------------------------------------------------


def read_voices(path: str | Path, overrides: dict[str, str] | None = None) -> VoiceFile:
    """Read and check every row of a spreadsheet of voices; raise TableError if any is wrong.

    Needs a column of what people said (留言详情, 内容 …) and one of when (留言时间 …);
    ``overrides`` maps other columns as the importer's ``--map`` does.
    """
    path = Path(path)
    table = read_table(path)
    mapping = guess_mapping(table.header, overrides)
    check_mapping(table.header, mapping)
    column_of = {target: column for column, target in mapping.items()}
    if "received_at" not in column_of:
        raise TableError(
            _(
                "No column says when each voice was received. Columns found: %(columns)s. "
                "Name it 留言时间 or 时间, or map it: --map COLUMN=received_at."
            )
            % {"columns": ", ".join(table.header)}
        )
    index_of = {target: table.header.index(column) for target, column in column_of.items()}
    tz = ZoneInfo(settings.TIME_ZONE)
    records, rows, errors = [], {}, []
    for number, row in table.rows:
        record = _record(number, row, index_of, column_of, tz, errors)
        rows[number] = row
        if record:
            records.append(record)
    if errors:
        raise VoiceFileError(errors)
    return VoiceFile(path, table.header, rows, records, column_of.get("external_id", ""))


def _record(
    number: int,
    row: list[Any],
    index_of: dict[str, int],
    column_of: dict[str, str],
    tz: ZoneInfo,
    errors: list[RowError],
) -> VoiceRecord | None:
    """One row as a VoiceRecord, or None after adding its problems to ``errors``."""

    def cell(target: str) -> Any:
        index = index_of.get(target)
        return row[index] if index is not None and index < len(row) else ""

    found = len(errors)
    try:
        at = parse_when(cell("received_at"), tz)
        if at is None:
            raise ValueError(_("No time: when was this voice received?"))
    except ValueError as error:
        errors.append(RowError(number, column_of["received_at"], str(error)))
    counts = {}
    for target in ("likes", "dislikes"):
        try:
            counts[target] = parse_count(cell(target))
        except ValueError as error:
            errors.append(RowError(number, column_of[target], str(error)))
    subject = cell_text(cell("subject")).strip()
    body = clean_body(cell("body"))
    if not body and not subject:
        errors.append(
            RowError(
                number,
                column_of["body"],
                _("The body is empty: there is nothing the person said."),
            )
        )
    if len(errors) > found:
        return None
    person = cell_text(cell("phone")).strip() or cell_text(cell("name")).strip()
    category = cell_text(cell("category")).strip() or None
    text = f"{subject}\n{body}" if subject and body else subject or body
    return VoiceRecord(number, text, at, person, counts["likes"], counts["dislikes"], category)


# ---- describing ---------------------------------------------------------------------------


def issue_ids(issues: list[HotIssue]) -> list[str]:
    """H001, H002 … in rank order (more digits when there are more than 999)."""
    width = max(3, len(str(len(issues))))
    return [f"H{rank:0{width}d}" for rank in range(1, len(issues) + 1)]


def time_range(issue: HotIssue) -> str:
    """``2019/01/08 至 2019/07/23``, in the office's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start, end = issue.start.astimezone(tz), issue.end.astimezone(tz)
    return f"{start:%Y/%m/%d} 至 {end:%Y/%m/%d}"


def standard_row(rank: int, issue_id: str, issue: HotIssue) -> list[Any]:
    """One row of hot_issues.xlsx: the standard columns, then the extra ones."""
    return [
        rank,
        issue_id,
        issue.heat,
        time_range(issue),
        issue.place,
        issue.title,
        "常发" if issue.chronic else "突发",
        issue.people,
        issue.voices,
        "、".join(issue.keywords),
        issue.why,
        issue.summary,
    ]


# ---- writing ------------------------------------------------------------------------------


def write_outputs(
    out: str | Path,
    voices: VoiceFile,
    issues: list[HotIssue],
    *,
    settings_used: dict[str, Any],
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the three files into a temporary folder beside ``out``, then move them into ``out``.

    Returns the paths written. If anything fails on the way, ``out`` is left as it was.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ids = issue_ids(issues)
    staging = Path(tempfile.mkdtemp(prefix=".concentrate-", dir=out.parent))
    try:
        for name, write in (
            (ISSUES_FILE, lambda p: write_issues(p, issues, ids)),
            (VOICES_FILE, lambda p: write_issue_voices(p, voices, issues, ids)),
            (REPORT_FILE, lambda p: write_report(p, voices, issues, ids, settings_used)),
        ):
            if progress:
                progress(name)
            write(staging / name)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in OUTPUT_FILES:
            target = out / name
            (staging / name).replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_issues(path: Path, issues: list[HotIssue], ids: list[str]) -> None:
    """hot_issues.xlsx: one row per hot issue, hottest first."""
    workbook = Workbook(write_only=True)
    header = STANDARD_HEADER + EXTRA_HEADER
    sheet = excel.table_sheet(workbook, "热点问题", header, [9, 9, 9, 24, 20, 36, 7, 7, 30, 40, 60])
    for rank, (issue_id, issue) in enumerate(zip(ids, issues, strict=True), start=1):
        sheet.append([excel.cell(sheet, value) for value in standard_row(rank, issue_id, issue)])
    workbook.save(path)


def write_issue_voices(
    path: Path, voices: VoiceFile, issues: list[HotIssue], ids: list[str]
) -> None:
    """hot_issue_voices.xlsx: 问题ID, then the voice's whole row as read, by rank then time."""
    workbook = Workbook(write_only=True)
    header = [ISSUE_ID_COLUMN, *voices.header]
    widths = [9] + [40 if len(column) > 3 else 16 for column in voices.header]
    sheet = excel.table_sheet(workbook, "热点问题留言", header, widths)
    width = len(voices.header)
    for issue_id, issue in zip(ids, issues, strict=True):
        for number in issue.voice_ids:
            row = list(voices.rows[number][:width])
            row += [None] * (width - len(row))
            sheet.append([excel.cell(sheet, value) for value in [issue_id, *row]])
    workbook.save(path)


@cache
def echarts_js() -> SafeString:
    """Apache ECharts (echarts.min.js, Apache-2.0, licence header kept) from our static
    files (the vizly package ships it; see settings), to inline in the report: the report
    opens from disk with no network."""
    path = finders.find("vendor/echarts/echarts.min.js")
    if path is None:
        raise TableError(_("The vizly package, which ships ECharts, is not installed."))
    script = Path(path).read_text(encoding="utf-8")
    # A script element ends at the first "</script"; ECharts has none, keep it that way.
    return mark_safe(script.replace("</script", "<\\/script"))  # noqa: S308 (a package file)


def write_report(
    path: Path,
    voices: VoiceFile,
    issues: list[HotIssue],
    ids: list[str],
    settings_used: dict[str, Any],
) -> None:
    """report.html: one standalone page, ECharts inlined, every voice's words escaped."""
    tz = ZoneInfo(settings.TIME_ZONE)
    by_number = {record.id: record for record in voices.records}
    rows = []
    for rank, (issue_id, issue) in enumerate(zip(ids, issues, strict=True), start=1):
        row = {
            "rank": rank,
            "id": issue_id,
            "heat": issue.heat,
            "range": time_range(issue),
            "place": issue.place,
            "title": issue.title,
            "people": issue.people,
            "voices": issue.voices,
            "keywords": issue.keywords,
            "why": issue.why,
            "summary": issue.summary,
        }
        if rank <= REPORT_DETAILS:
            row["representatives"] = [
                {
                    "id": voices.voice_id(number),
                    "at": by_number[number].at.astimezone(tz),
                    "text": by_number[number].text,
                }
                for number in issue.representatives
            ]
        rows.append(row)
    charts = {
        "bars": [
            {"id": issue_id, "title": issue.title, "heat": issue.heat}
            for issue_id, issue in zip(ids[:REPORT_BARS], issues[:REPORT_BARS], strict=True)
        ],
        "trends": {
            issue_id: [[day.isoformat(), count] for day, count in issue.trend]
            for issue_id, issue in zip(ids[:REPORT_DETAILS], issues[:REPORT_DETAILS], strict=True)
        },
    }
    times = [record.at for record in voices.records]
    html = render_to_string(
        "hotissues/report.html",
        {
            "source": voices.path.name,
            "generated_at": datetime.now(tz),
            "voice_count": len(voices.records),
            "first": min(times).astimezone(tz) if times else None,
            "last": max(times).astimezone(tz) if times else None,
            "settings_used": settings_used,
            "issues": rows,
            "details": rows[:REPORT_DETAILS],
            "charts": charts,
            "echarts": echarts_js(),
        },
    )
    path.write_text(html, encoding="utf-8")
