"""Writing Excel tables people open safely: text stays text (a cell starting with "=" is
never a formula), without the control characters Excel refuses, cut to its longest cell."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

EXCEL_MAX_CELL = 32767  # characters
_FORMULA_START = re.compile(r"^[=+\-@]")


def cell(sheet: Worksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell of a write-only ``sheet`` holding ``value`` as it is; dates in local time."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value.strip())[:EXCEL_MAX_CELL]
    elif isinstance(value, datetime) and value.tzinfo:
        value = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
    out = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and _FORMULA_START.match(value):
        out.data_type = "s"
    if bold:
        out.font = Font(bold=True)
    if isinstance(value, str) and len(value) > 40:
        out.alignment = Alignment(wrap_text=True, vertical="top")
    return out


def table_sheet(workbook: Workbook, title: str, header: list[str], widths: list[int]) -> Worksheet:
    """A new sheet of a write-only ``workbook`` with a bold, frozen header row."""
    sheet = workbook.create_sheet(title)
    for i, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, column, bold=True) for column in header])
    return sheet
