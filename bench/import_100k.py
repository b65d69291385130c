#!/usr/bin/env python3
"""Importing a large message-board export: how long do 100,000 rows take?

    .venv/bin/python bench/import_100k.py [--rows 100000] [--seed 0]

Writes an .xlsx laid out like the TipDM message-board exports (留言编号, 留言用户, 联系电话,
留言主题, 留言时间 as text like 2019/4/25 9:32:09, 留言详情 with the web page's padding,
区域, 一级/二级/三级分类, 点赞数, 反对数, 答复意见) from ``massline.synthetic`` (invented
text only), migrates a fresh SQLite database in a temporary MASSLINE_DATA_DIR, imports the
reference data (areas and taxonomy), then times ``massline import FILE`` — the same code
path as the command line — and a second run of the same file (everything already there).

Target: under 60 s for 100,000 rows.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PADDING = "\n\t\t\t\t\t\n\t\t\t\t\t{}\n\t\t\t\t\t\n\t\t\t\t"
HEADER = ["留言编号", "留言用户", "联系电话", "留言主题", "留言时间", "留言详情", "区域",
          "一级分类", "二级分类", "三级分类", "点赞数", "反对数", "答复意见"]  # fmt: skip


def write_workbook(path: Path, rows: int, seed: int, city) -> None:
    """The export to import, written row by row (openpyxl's write-only mode)."""
    import openpyxl

    from massline.synthetic import generate_voices

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for voice in generate_voices(rows, seed=seed, city=city):
        categories = [*voice.category, "", "", ""][:3]
        when = voice.received_at
        sheet.append([
            voice.external_id, voice.name, voice.phone, voice.subject,
            f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02}:{when.second:02}",
            PADDING.format(voice.body), voice.area_code, *categories, voice.likes,
            voice.dislikes, "您好！您反映的问题已转相关部门办理。",
        ])  # fmt: skip
    workbook.save(path)


def write_reference(folder: Path, city) -> tuple[Path, Path]:
    """The city's areas and taxonomy as the Excel files an office would import first."""
    import openpyxl

    areas, taxonomy = openpyxl.Workbook(), openpyxl.Workbook()
    areas.active.append(["名称", "编码", "级别", "上级编码"])
    for area in city.areas:
        areas.active.append([area.name, area.code, area.level, area.parent_code or ""])
    taxonomy.active.append(["一级分类", "二级分类", "三级分类"])
    for path in city.categories:
        if len(path) == 3:
            taxonomy.active.append(list(path))
    areas.save(folder / "areas.xlsx")
    taxonomy.save(folder / "taxonomy.xlsx")
    return folder / "areas.xlsx", folder / "taxonomy.xlsx"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="massline-import-bench-"))
    try:
        return run(folder, args)
    finally:
        if args.keep:
            print(f"data kept in {folder}")
        else:
            shutil.rmtree(folder)


def run(folder: Path, args: argparse.Namespace) -> int:
    os.environ["MASSLINE_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
    os.environ["DJANGO_SETTINGS_MODULE"] = "massline.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    from massline.synthetic import generate_city
    from massline.voices.models import Voice

    city = generate_city(args.seed)
    export = folder / "export.xlsx"
    started = time.perf_counter()
    write_workbook(export, args.rows, args.seed, city)
    print(f"wrote {export.name}: {args.rows} rows, {export.stat().st_size / 1e6:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    call_command("migrate", verbosity=0)
    for kind, path in zip(("areas", "taxonomy"), write_reference(folder, city), strict=True):
        call_command("import_reference", kind, str(path), stdout=io.StringIO())

    timings = []
    for _run in range(2):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import", str(export), stdout=out)
        timings.append(time.perf_counter() - started)
        print(out.getvalue().strip())
    assert Voice.objects.count() == args.rows, "every row must have been imported once"

    first, second = timings
    print(f"\nrows      {args.rows}")
    print(f"seconds   {first:.1f}  (again, all already there: {second:.1f})")
    print(f"rows/s    {args.rows / first:,.0f}")
    return 0 if first < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
