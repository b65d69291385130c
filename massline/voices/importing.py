"""Importing voices from hotline and message-board exports (Excel or CSV).

A small pipeline of plain functions::

    read_table → guess_mapping/check_mapping → clean_row (per row) → build_voice → save_voices

Every row is checked before anything is written; then all new voices are saved in one
transaction, so a file imports completely or not at all. A voice is known by
(source, external_id): importing the same file twice creates nothing new.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from massline.lib.tables import RowError, Table, TableError, cell_text, read_table
from massline.org.importing import AreaIndex, CategoryIndex
from massline.voices.models import ImportBatch, Voice, mark_repeats, person_key, voices_written

DEFAULT_SOURCE = "import"
BATCH_SIZE = 2000
SUBJECT_FROM_BODY = 40
MAX_STORED_ERRORS = 1000

# The fields a column can fill, in the order the mapping form offers them.
FIELDS = {
    "external_id": gettext_lazy("Id in the source system"),
    "subject": gettext_lazy("Subject"),
    "body": gettext_lazy("What the person said"),
    "received_at": gettext_lazy("Received at"),
    "happened_at": gettext_lazy("Happened at"),
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "place": gettext_lazy("Place"),
    "area": gettext_lazy("Area (code or name)"),
    "kind": gettext_lazy("Kind"),
    "category": gettext_lazy("Category (first level, or a path A/B/C)"),
    "category_2": gettext_lazy("Category, second level"),
    "category_3": gettext_lazy("Category, third level"),
    "likes": gettext_lazy("Likes"),
    "dislikes": gettext_lazy("Dislikes"),
    "consent_to_follow_up": gettext_lazy("Agrees to be told of decisions (yes/no)"),
}

# Column headers seen in 12345 hotline and message-board exports, by field.
SYNONYMS = {
    "external_id": ["留言编号", "编号", "工单编号", "工单号", "诉求编号", "受理编号", "id"],
    "subject": ["留言主题", "主题", "标题", "诉求标题", "title"],
    "body": [
        "留言详情",
        "详情",
        "内容",
        "留言内容",
        "诉求内容",
        "来电内容",
        "正文",
        "content",
        "text",
    ],
    "received_at": [
        "留言时间",
        "来电时间",
        "受理时间",
        "登记时间",
        "时间",
        "received",
        "time",
        "date",
    ],
    "happened_at": ["发生时间", "事发时间", "happened"],
    "name": ["留言用户", "姓名", "来电人", "联系人", "诉求人", "用户", "用户名"],
    "phone": [
        "电话",
        "联系电话",
        "手机",
        "手机号",
        "手机号码",
        "来电号码",
        "电话号码",
        "mobile",
        "tel",
    ],
    "address": ["地址", "联系地址", "住址", "家庭住址"],
    "place": ["地点", "发生地点", "事发地点", "诉求地点", "location"],
    "area": ["区域", "所属区域", "行政区划", "区域编码", "所属街道", "region"],
    "kind": ["诉求类型", "类型", "诉求性质", "type"],
    "category": ["一级分类", "分类", "诉求分类", "问题分类"],
    "category_2": ["二级分类"],
    "category_3": ["三级分类"],
    "likes": ["点赞数", "点赞", "支持数"],
    "dislikes": ["反对数", "反对", "踩"],
    "consent_to_follow_up": [
        "同意回访告知",
        "同意告知",
        "是否同意告知",
        "告知处理决定",
        "同意告知处理决定",
    ],
}


def _header_key(header: str) -> str:
    return re.sub(r"[\s_\-:：()（）]", "", header).lower()


HEADER_FIELDS = {_header_key(name): f for f, names in SYNONYMS.items() for name in [f, *names]}

KIND_NAMES = {
    **{kind.value: kind.value for kind in Voice.Kind},
    "投诉": "complaint",
    "求助": "help",
    "咨询": "consultation",
    "建议": "suggestion",
    "意见建议": "suggestion",
    "举报": "report",
    "表扬": "praise",
    "感谢": "praise",
}

MAX_LENGTHS = {"external_id": 100, "subject": 200, "place": 200}

DATE_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?"
)
EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class ImportResult:
    """What an import did, or would do (``dry_run``), and why it refused if it did."""

    total_rows: int = 0
    created: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- columns ------------------------------------------------------------------------------


def guess_mapping(header: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """{column: field} for the columns whose header we recognise, then ``overrides`` on top.

    An override with an empty field ("列名=") keeps that column out of the fields (it goes
    to ``extra``). Each field is filled by at most one column: the first that claims it.
    """
    overrides = overrides or {}
    mapping = {column: target for column, target in overrides.items() if target}
    taken = set(mapping.values())
    for column in header:
        guess = HEADER_FIELDS.get(_header_key(column))
        if column not in overrides and guess and guess not in taken:
            mapping[column] = guess
            taken.add(guess)
    return mapping


def parse_map_options(options: list[str]) -> dict[str, str]:
    """``["留言用户=name", "备注="]`` → ``{"留言用户": "name", "备注": ""}``."""
    overrides = {}
    for option in options:
        column, sep, target = option.partition("=")
        if not sep or not column.strip():
            raise TableError(_("--map needs COLUMN=FIELD, got “%(option)s”.") % {"option": option})
        overrides[column.strip()] = target.strip()
    return overrides


def check_mapping(header: list[str], mapping: dict[str, str]) -> None:
    """Refuse a mapping naming unknown columns or fields, filling a field twice, or without body."""
    columns_of: dict[str, str] = {}
    for column, target in mapping.items():
        if column not in header:
            raise TableError(
                _(
                    "The mapping names column “%(column)s”, which is not in the file. "
                    "Columns: %(columns)s."
                )
                % {"column": column, "columns": ", ".join(header)}
            )
        if target not in FIELDS:
            raise TableError(
                _("Unknown field “%(field)s” for column “%(column)s”; choose one of: %(fields)s.")
                % {"field": target, "column": column, "fields": ", ".join(FIELDS)}
            )
        if target in columns_of:
            raise TableError(
                _("Columns “%(first)s” and “%(second)s” are both mapped to %(field)s.")
                % {"first": columns_of[target], "second": column, "field": target}
            )
        columns_of[target] = column
    if "body" not in columns_of:
        raise TableError(
            _(
                "No column holds what the person said (the body). Columns found: %(columns)s. "
                "Name it 留言详情 or 内容, or map it: --map COLUMN=body."
            )
            % {"columns": ", ".join(header)}
        )


# ---- values -------------------------------------------------------------------------------


def parse_when(value: Any, tz: ZoneInfo) -> datetime | None:
    """A cell as an aware datetime: Excel dates and serial numbers, or text like 2019/4/25 9:32:09.

    Naive times are read in ``tz`` (settings.TIME_ZONE). Raises ValueError with a message
    for the user.
    """
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime.combine(value, time())
        elif isinstance(value, int | float) and not isinstance(value, bool):
            moment = _from_serial(value)
        elif match := DATE_TIME.fullmatch(value):
            moment = datetime(*(int(part or 0) for part in match.groups()))
        else:
            try:
                moment = _from_serial(float(value))
            except ValueError:
                moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        raise ValueError(
            _("“%(value)s” is not a date and time; write it like 2019/4/25 9:32:09.")
            % {"value": cell_text(value)}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _from_serial(number: float) -> datetime:
    # Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
    if not 1 <= number < 2958466:
        raise ValueError(number)
    return EXCEL_EPOCH + timedelta(days=round(number * 86400) / 86400)


def parse_count(value: Any) -> int:
    """A non-negative whole number such as a like count; blank is 0."""
    text = cell_text(value).strip()
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number < 0 or not number.is_integer():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(number)


# How exports write yes and no; a blank cell is no.
YES_WORDS = {"是", "同意", "愿意", "y", "yes", "true", "1", "√", "✓"}
NO_WORDS = {"否", "不同意", "不愿意", "n", "no", "false", "0", "×", "✗", ""}


def parse_yes_no(value: Any) -> bool:
    """A yes/no cell such as 是/否, 同意/不同意, Y/N, 1/0; blank is no."""
    text = cell_text(value).strip().lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValueError(_("“%(value)s” is neither yes nor no; write 是 or 否.") % {"value": text})


def clean_body(value: Any) -> str:
    """The text without the padding web pages leave at its ends (tabs, newlines, 　)."""
    return cell_text(value).strip()


@dataclass
class Lookups:
    """Areas and categories by the names a file may use, loaded once per import."""

    areas: AreaIndex
    categories: CategoryIndex

    @classmethod
    def load(cls) -> "Lookups":
        return cls(AreaIndex(), CategoryIndex())


# ---- rows ---------------------------------------------------------------------------------


@dataclass
class Columns:
    """Where each mapped field and each extra column sits in a row."""

    fields: list[tuple[int, str, str]]  # (index, column, field)
    extra: list[tuple[int, str]]  # (index, column)
    id_column: str

    @classmethod
    def of(cls, header: list[str], mapping: dict[str, str]) -> "Columns":
        fields = [
            (i, column, mapping[column]) for i, column in enumerate(header) if column in mapping
        ]
        extra = [(i, column) for i, column in enumerate(header) if column not in mapping]
        id_column = next((column for _i, column, f in fields if f == "external_id"), "")
        return cls(fields, extra, id_column)


# What the person agreed to, not what they said: a row without an id is known without it
# (a file imported before the column was recognised is still the same rows).
ROW_FLAGS = {"consent_to_follow_up"}

TEXT_FIELDS = {
    "external_id",
    "subject",
    "name",
    "phone",
    "address",
    "place",
    "area",
    "kind",
    "category",
    "category_2",
    "category_3",
}


def clean_row(
    number: int, row: list[Any], columns: Columns, lookups: Lookups, tz: ZoneInfo
) -> tuple[dict[str, Any], list[RowError]]:
    """Check one row; return its field values (plus ``extra``) and the problems found."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    texts: list[str] = []  # what identifies the row when the file has no id column
    width = len(row)
    column_of = {}
    for index, column, target in columns.fields:
        raw = row[index] if index < width else ""
        column_of[target] = column
        try:
            if target in TEXT_FIELDS:
                value = cell_text(raw).strip()
                if len(value) > MAX_LENGTHS.get(target, len(value)):
                    raise ValueError(
                        _("Longer than %(max)s characters.") % {"max": MAX_LENGTHS[target]}
                    )
                if target == "kind" and value:
                    if value not in KIND_NAMES:
                        raise ValueError(
                            _("Unknown kind “%(kind)s”; use one of: %(kinds)s.")
                            % {"kind": value, "kinds": ", ".join(KIND_NAMES)}
                        )
                    value = KIND_NAMES[value]
                elif target == "area" and value:
                    value = lookups.areas.find(value)
            elif target == "body":
                value = clean_body(raw)
                if not value:
                    raise ValueError(_("The body is empty: there is nothing the person said."))
            elif target in ("received_at", "happened_at"):
                value = parse_when(raw, tz)
            elif target == "consent_to_follow_up":
                value = parse_yes_no(raw)
            else:  # likes, dislikes
                value = parse_count(raw)
        except ValueError as error:
            errors.append(RowError(number, column, str(error)))
            continue
        values[target] = value
        if target not in ROW_FLAGS:
            texts.append(f"{target}={cell_text(raw).strip()}")

    names = tuple(
        n for n in (values.pop(k, "") for k in ("category", "category_2", "category_3")) if n
    )
    if names:
        try:
            values["category"] = lookups.categories.find(names)
        except ValueError as error:
            column = (
                column_of.get("category") or column_of.get("category_2") or column_of["category_3"]
            )
            errors.append(RowError(number, column, str(error)))
    if not values.get("external_id"):
        values["external_id"] = "sha1:" + hashlib.sha1("\x1f".join(texts).encode()).hexdigest()  # noqa: S324 (an id, not a secret)
    values["extra"] = {
        column: text
        for index, column in columns.extra
        if index < width and (text := cell_text(row[index]).strip())
    }
    return values, errors


def build_voice(
    values: dict[str, Any],
    *,
    source: str,
    channel: str,
    now: datetime,
    batch: ImportBatch | None = None,
    user=None,
) -> Voice:
    """An unsaved Voice from a clean row; ``person_key`` is set here as bulk_create skips save()."""
    body = values["body"]
    name, phone = values.get("name", ""), values.get("phone", "")
    return Voice(
        channel=channel,
        kind=values.get("kind", ""),
        subject=values.get("subject") or " ".join(body.split())[:SUBJECT_FROM_BODY],
        body=body,
        received_at=values.get("received_at") or now,
        happened_at=values.get("happened_at"),
        place=values.get("place", ""),
        area_id=values.get("area") or None,
        category_id=values.get("category"),
        name=name,
        phone=phone,
        address=values.get("address", ""),
        person_key=person_key(phone, name, source),
        likes=values.get("likes", 0),
        dislikes=values.get("dislikes", 0),
        consent_to_follow_up=values.get("consent_to_follow_up", False),
        source=source,
        external_id=values["external_id"],
        extra=values["extra"],
        import_batch=batch,
        created_by=user,
    )


def save_voices(voices: list[Voice]) -> None:
    """All or nothing: one transaction, inserts in batches; then which voices repeat an
    earlier one of their person (bulk_create skips Voice.save(), which does it one by one)."""
    with transaction.atomic():
        Voice.objects.bulk_create(voices, batch_size=BATCH_SIZE)
        mark_repeats(voice.person_key for voice in voices)
        voices_written.send(Voice, moments=[voice.received_at for voice in voices])


# ---- the whole import ---------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (ImportBatch.Status, rows done, rows in all)


def import_voices(
    file: str | IO[bytes],
    *,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    source: str = DEFAULT_SOURCE,
    channel: str = Voice.Channel.IMPORT,
    dry_run: bool = False,
    skip_duplicate_ids: bool = False,
    batch: ImportBatch | None = None,
    user=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file of voices; nothing is written unless every row is good.

    ``mapping`` is the full {column: field} chosen by a person; without it the columns are
    guessed from their headers and adjusted by ``overrides`` (the CLI's --map). Rows whose
    (source, id) is already in the database count as existing and are left alone. A file
    that repeats an id is refused, unless ``skip_duplicate_ids`` keeps the first.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        if channel not in Voice.Channel.values:
            raise TableError(_("Unknown channel “%(channel)s”.") % {"channel": channel})
        table = read_table(file, name)
        mapping = guess_mapping(table.header, overrides) if mapping is None else mapping
        check_mapping(table.header, mapping)
    except TableError as error:
        result.errors.append(RowError(None, "", str(error)))
        return result

    voices = _check_rows(
        table, mapping, result, source, channel, skip_duplicate_ids, batch, user, progress
    )
    if result.errors:
        return result
    if progress:
        progress(ImportBatch.Status.SAVING, result.total_rows, result.total_rows)
    if not dry_run:
        save_voices(voices)
    result.created = len(voices)
    return result


def _check_rows(
    table: Table,
    mapping: dict[str, str],
    result: ImportResult,
    source: str,
    channel: str,
    skip_duplicate_ids: bool,
    batch: ImportBatch | None,
    user,
    progress: Progress | None,
) -> list[Voice]:
    """Clean every row, collecting errors, duplicates and existing ids; the new voices to save."""
    columns = Columns.of(table.header, mapping)
    lookups = Lookups.load()
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    existing = set(
        Voice.objects.filter(source=source)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    first_row_of: dict[str, int] = {}
    voices = []
    result.total_rows = total = len(table.rows)
    for done, (number, row) in enumerate(table.rows, start=1):
        if progress and done % 500 == 0:
            progress(ImportBatch.Status.VALIDATING, done, total)
        values, errors = clean_row(number, row, columns, lookups, tz)
        if errors:
            result.errors.extend(errors)
            continue
        external_id = values["external_id"]
        if (first := first_row_of.setdefault(external_id, number)) != number:
            result.skipped.append(_duplicate(number, first, external_id, columns.id_column))
            continue
        if external_id in existing:
            result.existing += 1
        elif not result.errors:  # once a row is bad nothing will be saved: stop building
            voices.append(
                build_voice(values, source=source, channel=channel, now=now, batch=batch, user=user)
            )
    if progress:
        progress(ImportBatch.Status.VALIDATING, total, total)
    if not skip_duplicate_ids:
        result.errors.extend(result.skipped)
        result.errors.sort(key=lambda error: error.row or 0)
        result.skipped = []
    return voices


def _duplicate(number: int, first: int, external_id: str, id_column: str) -> RowError:
    if id_column:
        message = _("Id “%(id)s” is also on row %(first)s (rows %(first)s and %(row)s).") % {
            "id": external_id,
            "first": first,
            "row": number,
        }
    else:
        message = _("Same content as row %(first)s (rows %(first)s and %(row)s).") % {
            "first": first,
            "row": number,
        }
    return RowError(number, id_column, message)


def stored_errors(errors: list[RowError], *, skipped: bool = False) -> list[dict[str, Any]]:
    """Problems as JSON for ImportBatch.errors, cut short when a whole file is wrong.

    Skipped rows (``skipped=True``) are kept there too, marked, as the model has one list.
    """
    kept = errors[:MAX_STORED_ERRORS]
    if len(errors) > MAX_STORED_ERRORS:
        more = len(errors) - MAX_STORED_ERRORS
        kept.append(RowError(None, "", _("… and %(count)s more.") % {"count": more}))
    return [{**error.as_dict(), "skipped": skipped} for error in kept]
