"""Importing voices from files with ``massline import``: mapping, cleaning, atomicity, idempotence.

Every malformed file must be refused with a message naming the row and column, and must
leave the database exactly as it was.
"""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from massline.voices.importing import parse_when
from massline.voices.models import Voice, person_key

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见"]
PADDED = "\n\t\t\t\t\t\n\t\t\t\t\t\u3000\u3000{}\n\t\t\t\t\t\n\t\t\t\t"


def xlsx(path, rows) -> str:
    """Write ``rows`` (the first is the header) as the first sheet of an Excel file."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


def board_export(path, *rows) -> str:
    """A message-board export like the real one: ids, users, subjects, times, padded bodies."""
    return xlsx(path, [HEADER, *rows])


def message(
    number: int, body: str = "小区门口的路灯坏了一个月，晚上很黑。", when="2019/4/25 9:32:09"
):
    return [
        number,
        f"A000{number}",
        f"路灯坏了 {number}",
        when,
        PADDED.format(body),
        "已转交处理。",
    ]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> str:
    """Run an import that must fail; its error output."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", *map(str, args), stdout=out, stderr=err)
    return err.getvalue()


@pytest.fixture
def voices_before(db, voice):
    """There is already one voice; a refused import must leave exactly that."""
    return Voice.objects.count()


# ---- what a good file gives ---------------------------------------------------------------


def test_a_message_board_export_is_understood_without_any_mapping(db, tmp_path):
    out, _ = run(board_export(tmp_path / "board.xlsx", message(2549), message(2554)))

    assert "2 rows, created 2" in out
    voice = Voice.objects.get(external_id="2549")
    assert voice.source == "import" and voice.channel == Voice.Channel.IMPORT
    assert voice.subject == "路灯坏了 2549"
    assert voice.name == "A0002549"
    assert voice.received_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert voice.extra == {"答复意见": "已转交处理。"}


def test_web_padding_is_stripped_from_the_body_but_inner_text_is_kept(db, tmp_path):
    body = "第一段。\n\t第二段，　中间的空格保留。"
    run(board_export(tmp_path / "board.xlsx", message(1, body=body)))

    assert Voice.objects.get().body == body


def test_names_phones_and_addresses_are_stored_encrypted_with_a_person_key(db, tmp_path):
    path = xlsx(
        tmp_path / "hotline.xlsx",
        [
            ["工单编号", "来电人", "联系电话", "联系地址", "来电内容"],
            ["GD-1", "李四", "139 1234 5678", "江北区望江路1号", "楼上漏水"],
        ],
    )
    run(path, "--source", "12345")

    voice = Voice.objects.get()
    assert (voice.name, voice.phone, voice.address) == ("李四", "139 1234 5678", "江北区望江路1号")
    assert voice.person_key == person_key("13912345678") != ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, address FROM voices_voice WHERE id = %s", [voice.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") and "李四" not in value for value in stored)


def test_importing_the_same_file_twice_creates_nothing_new(db, tmp_path):
    path = board_export(tmp_path / "board.xlsx", message(1), message(2))
    run(path)

    out, _ = run(path)

    assert "created 0, 2 already there" in out
    assert Voice.objects.count() == 2


def test_a_file_without_ids_is_known_by_its_content_on_the_second_import(db, tmp_path):
    path = xlsx(
        tmp_path / "letters.xlsx", [["内容", "地点"], ["路灯坏了", "南门"], ["井盖丢了", "北门"]]
    )
    run(path)

    out, _ = run(path)

    assert "created 0, 2 already there" in out
    assert all(v.external_id.startswith("sha1:") for v in Voice.objects.all())


def test_the_subject_defaults_to_the_start_of_the_body(db, tmp_path):
    body = "这是一段很长的留言，" * 10
    run(xlsx(tmp_path / "no-subject.xlsx", [["内容"], [body]]))

    assert Voice.objects.get().subject == body[:40]


def test_csv_files_in_utf8_with_bom_and_in_gb18030_are_read(db, tmp_path):
    text = "编号,姓名,内容,分类\r\n1,张三,噪音扰民,环境保护\r\n"
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "gbk.csv").write_bytes(text.replace("1,", "2,").encode("gb18030"))
    from massline.org.models import Category

    Category.objects.create(name="环境保护")

    run(tmp_path / "bom.csv", tmp_path / "gbk.csv")

    assert sorted(Voice.objects.values_list("external_id", "body", "category__name")) == [
        ("1", "噪音扰民", "环境保护"),
        ("2", "噪音扰民", "环境保护"),
    ]
    assert {v.name for v in Voice.objects.all()} == {"张三"}


def test_area_category_path_kind_and_counts_are_resolved(city, tmp_path):
    path = xlsx(
        tmp_path / "full.xlsx",
        [
            ["编号", "内容", "区域", "一级分类", "二级分类", "诉求类型", "点赞数", "反对数"],
            [1, "电梯坏了", "330101", "城乡建设", "物业管理", "投诉", 12, 3],
            [2, "夜里施工", "滨湖街道", "环境保护", "", "complaint", "", ""],
        ],
    )
    run(path)

    first, second = Voice.objects.order_by("external_id")
    assert (first.area, first.category, first.kind) == (
        city["north"],
        city["property"],
        "complaint",
    )
    assert (first.likes, first.dislikes) == (12, 3)
    assert (second.area, second.category, second.likes) == (
        city["south_street"],
        city["environment"],
        0,
    )


def test_map_options_choose_columns_and_keep_others_as_extra(db, tmp_path):
    path = xlsx(tmp_path / "odd.xlsx", [["No.", "Words", "留言用户"], ["A-1", "路灯坏了", "王五"]])
    run(path, "--map", "No.=external_id", "--map", "Words=body", "--map", "留言用户=")

    voice = Voice.objects.get()
    assert (voice.external_id, voice.body, voice.name) == ("A-1", "路灯坏了", "")
    assert voice.extra == {"留言用户": "王五"}


def test_channel_and_source_options_are_applied(db, tmp_path):
    run(board_export(tmp_path / "b.xlsx", message(1)), "--channel", "web", "--source", "问政平台")

    voice = Voice.objects.get()
    assert (voice.channel, voice.source) == ("web", "问政平台")


def test_a_dry_run_checks_everything_and_saves_nothing(db, tmp_path):
    out, _ = run(board_export(tmp_path / "b.xlsx", message(1), message(2)), "--dry-run")

    assert "would create 2" in out
    assert Voice.objects.count() == 0


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9)),
        ("2019-04-25 09:32", datetime(2019, 4, 25, 9, 32)),
        ("2019/4/25", datetime(2019, 4, 25)),
        ("2019年4月25日 9:32", datetime(2019, 4, 25, 9, 32)),
        (datetime(2019, 4, 8, 8, 37, 20), datetime(2019, 4, 8, 8, 37, 20)),
        (43580.5, datetime(2019, 4, 25, 12, 0)),
        ("43580.5", datetime(2019, 4, 25, 12, 0)),
    ],
)
def test_dates_in_every_usual_form_are_read_in_the_local_time_zone(cell, expected):
    assert parse_when(cell, SHANGHAI) == expected.replace(tzinfo=SHANGHAI)


def test_excel_date_cells_are_imported_as_local_times(db, tmp_path):
    run(board_export(tmp_path / "b.xlsx", message(1, when=datetime(2019, 4, 8, 8, 37, 20))))

    assert Voice.objects.get().received_at == datetime(2019, 4, 8, 8, 37, 20, tzinfo=SHANGHAI)


# ---- malformed files: a specific message, and nothing written -----------------------------


def test_a_file_without_a_body_column_is_refused(voices_before, tmp_path):
    error = refused(xlsx(tmp_path / "x.xlsx", [["编号", "备注"], [1, "无"]]))

    assert "No column holds what the person said" in error
    assert "编号, 备注" in error
    assert Voice.objects.count() == voices_before


def test_a_mapping_to_a_column_not_in_the_file_is_refused(voices_before, tmp_path):
    error = refused(board_export(tmp_path / "b.xlsx", message(1)), "--map", "正文=body")

    assert "names column “正文”, which is not in the file" in error
    assert Voice.objects.count() == voices_before


def test_a_bad_date_is_reported_by_row_and_column_and_nothing_is_saved(voices_before, tmp_path):
    path = board_export(tmp_path / "b.xlsx", message(1), message(2, when="昨天下午"), message(3))

    error = refused(path)

    assert "row 3, 留言时间: “昨天下午” is not a date and time" in error
    assert Voice.objects.count() == voices_before


def test_an_empty_body_is_reported(voices_before, tmp_path):
    error = refused(board_export(tmp_path / "b.xlsx", message(1), message(2, body="\u3000\t")))

    assert "row 3, 留言详情: The body is empty" in error
    assert Voice.objects.count() == voices_before


def test_an_id_twice_in_a_file_is_refused_naming_both_rows(voices_before, tmp_path):
    path = board_export(tmp_path / "b.xlsx", message(7), message(8), message(7, body="另一条"))

    error = refused(path)

    assert "row 4, 留言编号: Id “7” is also on row 2 (rows 2 and 4)" in error
    assert Voice.objects.count() == voices_before


def test_skip_duplicate_ids_keeps_the_first_row_and_reports_the_skipped(db, tmp_path):
    path = board_export(tmp_path / "b.xlsx", message(7), message(8), message(7, body="另一条"))

    out, _ = run(path, "--skip-duplicate-ids")

    assert "skipped row 4, 留言编号: Id “7” is also on row 2" in out
    assert "created 2, 0 already there, 1 skipped" in out
    assert Voice.objects.get(external_id="7").body != "另一条"


def test_an_unknown_category_names_it_and_says_to_import_the_taxonomy(voices_before, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["内容", "一级分类"], ["路灯坏了", "市政设施"]])

    error = refused(path)

    assert "row 2, 一级分类: Unknown category “市政设施”. Import the taxonomy first" in error
    assert Voice.objects.count() == voices_before


def test_an_unknown_area_is_reported(voices_before, tmp_path):
    error = refused(xlsx(tmp_path / "a.xlsx", [["内容", "区域"], ["路灯坏了", "火星区"]]))

    assert "row 2, 区域: Unknown area “火星区”" in error
    assert Voice.objects.count() == voices_before


def test_random_bytes_named_xlsx_are_refused(voices_before, tmp_path):
    (tmp_path / "random.xlsx").write_bytes(bytes(range(256)) * 8)

    error = refused(tmp_path / "random.xlsx")

    assert "not a readable Excel workbook" in error
    assert Voice.objects.count() == voices_before


def test_a_truncated_workbook_is_refused(voices_before, tmp_path):
    board_export(tmp_path / "whole.xlsx", *(message(n) for n in range(50)))
    data = (tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])

    error = refused(tmp_path / "cut.xlsx")

    assert "not a readable Excel workbook" in error
    assert Voice.objects.count() == voices_before


def test_a_zip_that_is_not_a_workbook_is_refused(voices_before, tmp_path):
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("readme.txt", "hello")

    error = refused(tmp_path / "other.xlsx")

    assert "not a readable Excel workbook" in error
    assert Voice.objects.count() == voices_before


def test_an_empty_file_is_refused(voices_before, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header-only.csv").write_text("留言编号,留言详情\n")

    assert "The file is empty" in refused(tmp_path / "empty.csv")
    assert "a header but no data rows" in refused(tmp_path / "header-only.csv")
    assert Voice.objects.count() == voices_before


def test_one_bad_row_among_good_ones_saves_none_of_them(voices_before, tmp_path):
    rows = [message(n) for n in range(1, 200)] + [message(200, when="2019/13/45 25:00")]

    error = refused(board_export(tmp_path / "b.xlsx", *rows))

    assert "row 201, 留言时间" in error
    assert Voice.objects.count() == voices_before


def test_of_several_files_each_is_imported_or_refused_on_its_own(db, tmp_path):
    good = board_export(tmp_path / "good.xlsx", message(1))
    bad = xlsx(tmp_path / "bad.xlsx", [["备注"], ["无"]])

    with pytest.raises(CommandError, match="bad.xlsx"):
        call_command("import", good, bad, stdout=io.StringIO(), stderr=io.StringIO())

    assert Voice.objects.count() == 1


def test_an_imported_voice_repeating_its_persons_earlier_one_is_marked(city, tmp_path):
    earlier = Voice.objects.create(
        channel=Voice.Channel.HOTLINE,
        subject="电梯坏了",
        body="电梯坏了。",
        category=city["property"],
        phone="139 1234 5678",
        received_at=datetime(2026, 3, 1, 9, tzinfo=SHANGHAI),
    )
    path = xlsx(
        tmp_path / "calls.xlsx",
        [
            ["编号", "内容", "来电号码", "时间", "一级分类", "二级分类"],
            [1, "电梯还是坏的", "13912345678", "2026-03-20 10:00", "城乡建设", "物业管理"],
            [2, "电梯又坏了", "13912345678", "2026-05-20 10:00", "城乡建设", "物业管理"],
            [3, "楼下很吵", "13912345678", "2026-03-21 10:00", "环境保护", ""],
        ],
    )
    run(path)

    repeats = dict(Voice.objects.exclude(pk=earlier.pk).values_list("external_id", "repeats"))
    assert repeats == {"1": True, "2": False, "3": False}  # 19 days; 61 days; another problem
    assert not Voice.objects.get(pk=earlier.pk).repeats
