"""Importing a year's livelihood projects (民生实事) from Excel or CSV, all rows or none.

The columns are the ones a government's list has: 类别, 项目, 责任单位, 责任人, 完成时限,
预算, 进度. Every row is checked before anything is written; a problem names its row (as
Excel numbers them, the header is row 1) and its column, as the voices' import does.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.decisions.models import Commitment, CommitmentUpdate, Programme
from massline.lib.tables import RowError, TableError, cell_text, read_table, records
from massline.org.models import Department
from massline.voices.importing import parse_when

CATEGORY, TITLE, UNIT, OWNER, DEADLINE, BUDGET, PROGRESS = (
    "类别",
    "项目",
    "责任单位",
    "责任人",
    "完成时限",
    "预算",
    "进度",
)
COLUMNS = (CATEGORY, TITLE, UNIT, OWNER, DEADLINE, BUDGET, PROGRESS)
REQUIRED = (CATEGORY, TITLE, UNIT, DEADLINE)
TEN_THOUSAND = "万"


@dataclass
class ProjectImport:
    """What an import of projects did, or why it refused (then it wrote nothing)."""

    programme: Programme | None = None
    total_rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_budget(value: Any) -> Decimal | None:
    """A budget in yuan: 1200000, 1,200,000 or 120万; blank is none."""
    text = cell_text(value).strip().replace(",", "").replace("元", "")
    if not text:
        return None
    scale = 10000 if text.endswith(TEN_THOUSAND) else 1
    try:
        amount = Decimal(text.removesuffix(TEN_THOUSAND)) * scale
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("“%(value)s” is not an amount of money.") % {"value": text})
    return amount.quantize(Decimal("0.01"))


def parse_progress(value: Any) -> int:
    """A progress of 0 to 100, written 60 or 60%; a fraction from Excel's % cells (0.6) too."""
    text = cell_text(value).strip().removesuffix("%").removesuffix("％")
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if isinstance(value, float) and 0 < number < 1:
        number *= 100
    if not 0 <= number <= 100:
        raise ValueError(_("“%(value)s” is not a progress from 0 to 100.") % {"value": text})
    return round(number)


def _owner(name: str, default: User) -> User:
    if not name:
        return default
    match = Q(username=name) | Q(first_name=name) | Q(last_name=name)
    owners = list(User.objects.filter(match, is_active=True)[:2])
    if len(owners) != 1:
        raise ValueError(
            _("No one account is named “%(name)s”: write the user name.") % {"name": name}
        )
    return owners[0]


def _unit(name: str) -> Department:
    unit = Department.objects.filter(Q(name=name) | Q(code=name)).first()
    if unit is None:
        raise ValueError(_("There is no department named “%(name)s”.") % {"name": name})
    return unit


def _clean(number: int, row: dict[str, Any], user: User, tz: ZoneInfo):
    """The row's commitment fields, or its errors."""
    values, errors = {}, []
    text = {column: cell_text(row.get(column)).strip() for column in COLUMNS}
    for column in REQUIRED:
        if not text[column]:
            errors.append(RowError(number, column, _("This column cannot be empty.")))
    parsers = {
        UNIT: ("unit", lambda: _unit(text[UNIT])),
        OWNER: ("owner", lambda: _owner(text[OWNER], user)),
        DEADLINE: ("deadline", lambda: parse_when(row.get(DEADLINE), tz).date()),
        BUDGET: ("budget", lambda: parse_budget(row.get(BUDGET))),
        PROGRESS: ("progress", lambda: parse_progress(row.get(PROGRESS))),
    }
    for column, (name, parse) in parsers.items():
        if column in REQUIRED and not text[column]:
            continue
        try:
            values[name] = parse()
        except ValueError as error:
            errors.append(RowError(number, column, str(error)))
    for column, name, longest in ((CATEGORY, "category", 50), (TITLE, "title", 200)):
        if len(text[column]) > longest:
            errors.append(RowError(number, column, _("At most %(n)s characters.") % {"n": longest}))
        values[name] = text[column]
    return values, errors


def import_projects(
    file: str | IO[bytes], *, name: str | None = None, programme: str, year: int, user: User
) -> ProjectImport:
    """Import one file of projects into the programme of that title and year (made if new).

    Nothing is written unless every row is good. A project already in the programme (same
    category and title) or twice in the file is an error. A project at 100 % is done.
    """
    result = ProjectImport()
    try:
        table = read_table(file, name)
        missing = [c for c in REQUIRED if c not in table.header]
        if missing:
            raise TableError(
                _("Columns missing: %(missing)s. The columns are %(columns)s.")
                % {"missing": "、".join(missing), "columns": "、".join(COLUMNS)}
            )
    except TableError as error:
        result.errors.append(RowError(None, "", str(error)))
        return result
    existing = Programme.objects.filter(title=programme, year=year).first()
    seen = {
        (c, t): None
        for c, t in (existing.projects.values_list("category", "title") if existing else [])
    }
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = []
    for number, row in records(table):
        result.total_rows += 1
        values, errors = _clean(number, row, user, tz)
        key = (values["category"], values["title"])
        if not errors and key in seen:
            where = seen[key]
            message = (
                _("Also on row %(row)s.") % {"row": where}
                if where
                else _("This project is already in the programme.")
            )
            errors.append(RowError(number, TITLE, message))
        seen.setdefault(key, number)
        result.errors.extend(errors)
        rows.append(values)
    if result.errors:
        return result
    with transaction.atomic():
        result.programme = existing or Programme.objects.create(title=programme, year=year)
        result.created = len(_save(result.programme, rows, user))
    return result


def _status_of(progress: int) -> str:
    if progress == 100:
        return Commitment.Status.DONE
    return Commitment.Status.ON_TRACK if progress else Commitment.Status.PLANNED


def _save(programme: Programme, rows: list[dict], user: User) -> list[Commitment]:
    today = timezone.localdate()
    projects = Commitment.objects.bulk_create(
        Commitment(
            programme=programme,
            status=_status_of(values["progress"]),
            done_on=today if values["progress"] == 100 else None,
            **values,
        )
        for values in rows
    )
    CommitmentUpdate.objects.bulk_create(
        CommitmentUpdate(
            commitment=p, by=user, progress=p.progress, status=p.status, note=_("Imported.")
        )
        for p in projects
    )
    return projects
