"""Reading spreadsheets (xlsx/xls/ods via calamine, CSV in the encodings Chinese offices use).

Both importers (voices and reference data) read files through here, so a broken file or a
stray encoding gets the same clear message everywhere. Row numbers are the ones a person
sees in Excel: the header is row 1.
"""

import csv
import io
import itertools
import string
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def validate_import_size(file) -> None:
    """Refuse an uploaded file larger than ``settings.IMPORT_MAX_BYTES``, saying both sizes."""
    if file.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; files to import may be at most %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(settings.IMPORT_MAX_BYTES)}
        )


class TableError(Exception):
    """The file as a whole cannot be read or does not fit; nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row, when ``column`` is empty) of an imported file."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = [_("row %(row)s") % {"row": self.row}] if self.row else []
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class Table:
    """A sheet's header and its data rows, each row as (row number, cell values)."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names a column without a header."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as text: ids stored as numbers lose their ".0", dates read like Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _excel_grid(data: bytes, limit: int | None) -> list[list[Any]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            return []
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=limit)
    except CalamineError as error:
        raise TableError(
            _(
                "This is not a readable Excel workbook (%(error)s). "
                "Save it again from Excel as .xlsx."
            )
            % {"error": error}
        ) from error


def _csv_grid(data: bytes, limit: int | None) -> list[list[Any]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text, newline="")), limit))
    except csv.Error as error:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def read_table(
    file: str | Path | IO[bytes], name: str | None = None, *, limit: int | None = None
) -> Table:
    """Read the first sheet of an Excel file, or a CSV file, chosen by the file name's suffix.

    The first non-blank row is the header. Blank rows are dropped (spreadsheets often end in
    some) but the numbering of the others is kept. ``limit`` reads only the first rows of
    the sheet, for a quick preview.
    """
    if isinstance(file, str | Path):
        name = name or str(file)
        data = Path(file).read_bytes()
    else:
        data = file.read()
    suffix = Path(name or "").suffix.lower()
    if not data:
        raise TableError(_("The file is empty."))
    if suffix in EXCEL_SUFFIXES:
        grid = _excel_grid(data, limit)
    elif suffix in (".csv", ".txt"):
        grid = _csv_grid(data, limit)
    else:
        raise TableError(
            _("Unsupported file type “%(suffix)s”: use .xlsx, .xls, .ods or .csv.")
            % {"suffix": suffix or name}
        )
    numbered = (
        (number, row) for number, row in enumerate(grid, start=1) if any(map(cell_text, row))
    )
    first = next(numbered, None)
    if first is None:
        raise TableError(_("The file has no rows: not even a header."))
    header = [cell_text(value).strip() or column_letter(i) for i, value in enumerate(first[1])]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise TableError(_("Two columns are both named “%(column)s”.") % {"column": column})
        seen.add(column)
    rows = list(numbered)
    if not rows:
        raise TableError(_("The file has a header but no data rows."))
    return Table(header, rows)


def records(table: Table) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as {column: value}, for small files where convenience beats speed."""
    width = len(table.header)
    for number, row in table.rows:
        padded = list(row[:width]) + [""] * (width - len(row))
        yield number, dict(zip(table.header, padded, strict=True))
