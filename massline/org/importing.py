"""Importing reference data from Excel or CSV: the area tree, departments and the taxonomy.

Each import checks every row first and writes in one transaction; it updates what is
already there (by code, or by the category's path), so importing a file twice changes
nothing. Voices refer to these, so they are imported first.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from massline.lib.tables import RowError, Table, TableError, cell_text, read_table
from massline.org.models import Area, Category, Department

AREA_LEVELS = {
    "市": 1,
    "区县": 2,
    "区": 2,
    "县": 2,
    "县级市": 2,
    "街道乡镇": 3,
    "街道": 3,
    "乡镇": 3,
    "乡": 3,
    "镇": 3,
    "社区村": 4,
    "社区": 4,
    "村": 4,
    "网格": 5,
}
DEPARTMENT_TIERS = {
    "市": 1,
    "市级": 1,
    "区县": 2,
    "区": 2,
    "县": 2,
    "区县级": 2,
    "街道乡镇": 3,
    "街道": 3,
    "乡镇": 3,
}
LIST_SEPARATORS = re.compile(r"[,，;；、\n]+")

# Accepted headers of each kind of file, by field; the first name is the documented one.
AREA_COLUMNS = {
    "name": ["名称", "区域名称", "name"],
    "code": ["编码", "代码", "区划代码", "code"],
    "level": ["级别", "层级", "level"],
    "parent": ["上级编码", "上级代码", "parent", "parent_code"],
}
DEPARTMENT_COLUMNS = {
    "name": ["名称", "部门名称", "name"],
    "code": ["编码", "代码", "部门编码", "code"],
    "tier": ["层级", "级别", "tier"],
    "areas": ["负责区域", "区域", "areas"],
    "categories": ["负责分类", "分类", "categories"],
    "phone": ["电话", "联系电话", "phone"],
}
TAXONOMY_COLUMNS = {"level_1": ["一级分类"], "level_2": ["二级分类"], "level_3": ["三级分类"]}


@dataclass
class ReferenceResult:
    """How many rows an import created and updated (or found unchanged), or why it wrote none."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class AreaIndex:
    """Areas by code, or by name where the name is unique."""

    def __init__(self) -> None:
        self.ids: dict[str, int | None] = {}
        for pk, name in Area.objects.values_list("pk", "name"):
            self.ids[name] = None if name in self.ids else pk  # None: several share the name
        self.ids.update(Area.objects.values_list("code", "pk"))

    def find(self, text: str) -> int:
        """The area's id; ValueError with a message for the user if unknown or ambiguous."""
        pk = self.ids.get(text)
        if pk is None:
            if text in self.ids:
                raise ValueError(
                    _("Several areas are named “%(area)s”; use the area's code.") % {"area": text}
                )
            raise ValueError(
                _(
                    "Unknown area “%(area)s”. Import the areas first "
                    "(massline import_reference areas FILE) or fix the name."
                )
                % {"area": text}
            )
        return pk


class CategoryIndex:
    """Categories by path (top first), or by name alone where the name is unique."""

    def __init__(self) -> None:
        nodes = {
            pk: (name, parent)
            for pk, name, parent in Category.objects.values_list("pk", "name", "parent")
        }
        self.paths: dict[tuple[str, ...], int] = {}
        self.names: dict[str, int | None] = {}
        for pk, (name, _parent) in nodes.items():
            path, node = [], pk
            while node:
                path.append(nodes[node][0])
                node = nodes[node][1]
            self.paths[tuple(reversed(path))] = pk
            self.names[name] = None if name in self.names else pk

    def find(self, names: tuple[str, ...]) -> int:
        """The category's id; ValueError with a message for the user if unknown."""
        pk = self.paths.get(names)
        if pk is None and len(names) == 1:
            pk = self.names.get(names[0])
        if pk is None:
            raise ValueError(
                _(
                    "Unknown category “%(category)s”. Import the taxonomy first "
                    "(massline import_reference taxonomy FILE) or fix the name."
                )
                % {"category": " / ".join(names)}
            )
        return pk


# ---- reading ------------------------------------------------------------------------------


def find_columns(table: Table, spec: dict[str, list[str]], required: list[str]) -> dict[str, int]:
    """{field: column index} by the headers in ``spec``; a missing required one is a TableError."""
    where = {}
    for name, headers in spec.items():
        known = {h.lower() for h in headers}
        index = next((i for i, column in enumerate(table.header) if column.lower() in known), None)
        if index is not None:
            where[name] = index
    missing = [spec[name][0] for name in required if name not in where]
    if missing:
        raise TableError(
            _("Missing column(s) %(missing)s. The file's columns: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(table.header)}
        )
    return where


def _texts(table: Table, where: dict[str, int]) -> list[tuple[int, dict[str, str]]]:
    """Each row's wanted cells as stripped text, with the row number."""
    return [
        (
            number,
            {name: cell_text(row[i]).strip() if i < len(row) else "" for name, i in where.items()},
        )
        for number, row in table.rows
    ]


def _choice(text: str, names: dict[str, int], allowed: range, column: str) -> int:
    if text in names:
        return names[text]
    try:
        number = int(float(text))
    except ValueError:
        number = 0
    if number not in allowed:
        raise ValueError(
            _("“%(value)s” is not a valid %(column)s; use %(first)s–%(last)s or one of %(names)s.")
            % {
                "value": text,
                "column": column,
                "first": allowed[0],
                "last": allowed[-1],
                "names": "、".join(names),
            }
        )
    return number


def _require(
    row: int, values: dict[str, str], spec: dict[str, list[str]], names: list[str]
) -> list[RowError]:
    return [
        RowError(row, spec[name][0], _("This cell must not be empty."))
        for name in names
        if not values.get(name)
    ]


def _unique(
    rows: list[tuple[int, dict[str, str]]], key: Callable[[dict[str, str]], Any], column: str
) -> list[RowError]:
    first: dict[Any, int] = {}
    errors = []
    for number, values in rows:
        value = key(values)
        if not value or not (value[-1] if isinstance(value, tuple) else value):
            continue
        if (seen := first.setdefault(value, number)) != number:
            errors.append(RowError(number, column, _("Repeats row %(first)s.") % {"first": seen}))
    return errors


# ---- areas --------------------------------------------------------------------------------


def import_areas(table: Table) -> ReferenceResult:
    """The area tree: each row names its parent by code; parents may come after children."""
    spec = AREA_COLUMNS
    rows = _texts(table, find_columns(table, spec, ["name", "code", "level"]))
    result = ReferenceResult()
    levels = dict(Area.objects.values_list("code", "level"))
    for number, values in rows:
        result.errors += _require(number, values, spec, ["name", "code", "level"])
        if values["level"]:
            try:
                values["level"] = _choice(
                    values["level"], AREA_LEVELS, range(1, 6), spec["level"][0]
                )
                levels[values["code"]] = values["level"]
            except ValueError as error:
                result.errors.append(RowError(number, spec["level"][0], str(error)))
    result.errors += _unique(rows, lambda v: v["code"], spec["code"][0])
    result.errors += _unique(rows, lambda v: (v.get("parent", ""), v["name"]), spec["name"][0])
    for number, values in rows:
        parent = values.get("parent", "")
        if not parent or not isinstance(values["level"], int):
            continue
        if parent not in levels:
            result.errors.append(
                RowError(
                    number,
                    spec["parent"][0],
                    _("Unknown parent code “%(code)s”.") % {"code": parent},
                )
            )
        elif not isinstance(levels[parent], int) or levels[parent] >= values["level"]:
            # Levels only go down the tree, which also rules out cycles.
            result.errors.append(
                RowError(
                    number,
                    spec["level"][0],
                    _("An area must be below its parent “%(code)s”.") % {"code": parent},
                )
            )
    if result.errors:
        return result

    def write(number: int, values: dict[str, Any], found: dict[str, Area]) -> bool:
        parent = (
            found.get(values.get("parent"))
            or Area.objects.filter(code=values.get("parent")).first()
        )
        area, created = Area.objects.update_or_create(
            code=values["code"],
            defaults={"name": values["name"], "level": values["level"], "parent": parent},
        )
        found[area.code] = area
        return created

    _write(sorted(rows, key=lambda item: item[1]["level"]), write, result, after=rebuild_area_paths)
    return result


def rebuild_area_paths() -> None:
    """Recompute every area's path: a moved area moves its whole subtree."""
    paths: dict[int | None, str] = {None: "/"}
    changed = []
    for area in Area.objects.order_by("level", "pk"):
        path = paths[area.parent_id] + area.code + "/"
        paths[area.pk] = path
        if area.path != path:
            area.path = path
            changed.append(area)
    Area.objects.bulk_update(changed, ["path"])


# ---- departments --------------------------------------------------------------------------


def import_departments(table: Table) -> ReferenceResult:
    """Departments with the areas (codes) and categories (names or A/B paths) they answer for."""
    spec = DEPARTMENT_COLUMNS
    rows = _texts(table, find_columns(table, spec, ["name", "code", "tier"]))
    result = ReferenceResult()
    areas, categories = AreaIndex(), CategoryIndex()
    for number, values in rows:
        result.errors += _require(number, values, spec, ["name", "code", "tier"])
        parsers = {
            "tier": lambda text: _choice(text, DEPARTMENT_TIERS, range(1, 4), spec["tier"][0]),
            "areas": lambda text: [areas.find(code) for code in _split(text)],
            "categories": lambda text: [
                categories.find(tuple(part.strip() for part in item.split("/")))
                for item in _split(text)
            ],
        }
        for name, parse in parsers.items():
            if values.get(name) is None or (name == "tier" and not values[name]):
                continue  # a missing column changes nothing; an empty tier is reported above
            try:
                values[name] = parse(values[name])
            except ValueError as error:
                result.errors.append(RowError(number, spec[name][0], str(error)))
    result.errors += _unique(rows, lambda v: v["code"], spec["code"][0])
    result.errors += _unique(rows, lambda v: v["name"], spec["name"][0])
    if result.errors:
        return result

    def write(number: int, values: dict[str, Any], found: dict) -> bool:
        defaults = {"name": values["name"], "tier": values["tier"]}
        if "phone" in values:
            defaults["phone"] = values["phone"]
        department, created = Department.objects.update_or_create(
            code=values["code"], defaults=defaults
        )
        if "areas" in values:
            department.areas.set(values["areas"])
        if "categories" in values:
            department.categories.set(values["categories"])
        return created

    _write(rows, write, result)
    return result


def _split(text: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(text or "") if item.strip()]


# ---- taxonomy -----------------------------------------------------------------------------


def import_taxonomy(table: Table) -> ReferenceResult:
    """The three-level taxonomy, one path per row (一级分类, 二级分类, 三级分类)."""
    spec = TAXONOMY_COLUMNS
    rows = _texts(table, find_columns(table, spec, ["level_1"]))
    result = ReferenceResult()
    for number, values in rows:
        names = [values.get(level, "") for level in spec]
        result.errors += _require(number, values, spec, ["level_1"])
        for upper, lower, level in zip(names, names[1:], list(spec)[1:], strict=False):
            if lower and not upper:
                result.errors.append(
                    RowError(number, spec[level][0], _("A lower level needs the level above it."))
                )
        if any(len(name) > 100 for name in names):
            result.errors.append(RowError(number, "", _("A name is longer than 100 characters.")))
    if result.errors:
        return result
    index = CategoryIndex()

    def write(number: int, values: dict[str, Any], found: dict) -> bool:
        path: tuple[str, ...] = ()
        created = False
        for level in spec:
            if not (name := values.get(level)):
                break
            parent, path = index.paths.get(path), (*path, name)
            if path not in index.paths:
                index.paths[path] = Category.objects.create(name=name, parent_id=parent).pk
                created = True
        return created

    _write(rows, write, result)
    return result


# ---- the whole import ---------------------------------------------------------------------


def _write(
    rows: list[tuple[int, dict[str, Any]]],
    write: Callable[[int, dict[str, Any], dict], bool],
    result: ReferenceResult,
    after: Callable[[], None] | None = None,
) -> None:
    """Write the checked rows in one transaction; a clash with saved data undoes them all."""
    number = None
    found: dict = {}
    try:
        with transaction.atomic():
            for number, values in rows:
                if write(number, values, found):
                    result.created += 1
                else:
                    result.updated += 1
            if after:
                after()
    except IntegrityError as error:
        result.created = result.updated = 0
        result.errors.append(
            RowError(
                number, "", _("Clashes with data already saved (%(error)s).") % {"error": error}
            )
        )


KINDS: dict[str, Callable[[Table], ReferenceResult]] = {
    "areas": import_areas,
    "departments": import_departments,
    "taxonomy": import_taxonomy,
}


def import_reference(
    kind: str, file: str | Path | IO[bytes], name: str | None = None
) -> ReferenceResult:
    """Import a file of ``kind`` (areas, departments or taxonomy); any error writes nothing."""
    try:
        return KINDS[kind](read_table(file, name))
    except TableError as error:
        return ReferenceResult(errors=[RowError(None, "", str(error))])


# The documented columns of each kind of file, for help texts.
COLUMNS = {
    "areas": [names[0] for names in AREA_COLUMNS.values()],
    "departments": [names[0] for names in DEPARTMENT_COLUMNS.values()],
    "taxonomy": [names[0] for names in TAXONOMY_COLUMNS.values()],
}
