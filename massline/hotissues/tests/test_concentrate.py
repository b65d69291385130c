"""``massline concentrate FILE --out DIR``: a spreadsheet of voices in, hot issues out.

The files are built here: five residents of one compound about its broken lifts within a
week, and a hundred-odd voices of everyday chatter around them. No database is used.
"""

import csv
import fcntl
import io
import os
import re
import struct
import subprocess
import sys
import termios
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数"]
STANDARD = ["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"]
EXTRA = ["类型", "人数", "条数", "关键词", "热度说明", "摘要"]

LIFTS = [
    (
        "李明",
        "望江花园小区电梯又坏了",
        "望江花园小区3栋的电梯这周又坏了，老人上下楼非常困难，物业一直不修。",
    ),
    (
        "张华",
        "望江花园电梯故障困人",
        "今天望江花园小区电梯突然停运，有人被困在电梯里半个小时，太危险了，请督促物业维修电梯。",
    ),
    (
        "王芳",
        "望江花园小区电梯长期故障",
        "望江花园小区的电梯三天两头出故障，我们住在18楼，每天爬楼梯，孩子和老人都受不了。",
    ),
    (
        "赵强",
        "反映望江花园小区电梯问题",
        "望江花园小区5栋电梯坏了好几天了，物业说没有维修资金。<script>alert('电梯')</script>",
    ),
    (
        "陈静",
        "望江花园电梯坏了没人管",
        "望江花园小区电梯坏了快一周，物业不管不问，希望尽快修好电梯。",
    ),
]
CHATTER = [
    "请问公积金贷款的额度怎么计算？",
    "想咨询一下新生儿医保怎么办理。",
    "建议多开几趟早高峰的公交班次。",
    "网上办事大厅经常登录不上，希望改进。",
    "请问退休人员养老金什么时候调整？",
    "希望多建一些停车位，停车太难了。",
    "建议图书馆周末延长开放时间。",
    "咨询一下居住证办理需要哪些材料。",
    "希望加强食品安全检查，让人放心。",
    "菜市场价格太高，希望平抑物价。",
    "请问驾驶证到期换证在哪里办理？",
]
START = datetime(2024, 5, 6, 9, 0)
LIFT_IDS = {f"L{i}" for i in range(1, len(LIFTS) + 1)}


def voice_rows() -> list[list[object]]:
    """Chatter over two months; the five lift voices in one week in the middle of it."""
    rows: list[list[object]] = []
    for n in range(120):
        at = START + timedelta(days=n // 2, hours=n % 10)
        text = CHATTER[n % len(CHATTER)]
        rows.append([f"C{n:03d}", f"市民{n:03d}", text[:8], f"{at:%Y/%-m/%-d %-H:%M:%S}", text, 0])
    for i, (person, subject, body) in enumerate(LIFTS, start=1):
        at = START + timedelta(days=20 + i, hours=i)
        rows.append([f"L{i}", person, subject, f"{at:%Y/%-m/%-d %-H:%M:%S}", body, i])
    return rows


def write_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="gb18030") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def concentrate(path, out, *options) -> str:
    stdout = io.StringIO()
    call_command("concentrate", str(path), "--out", str(out), *options, stdout=stdout)
    return stdout.getvalue()


def table(path) -> list[list[object]]:
    return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One run on the xlsx file, shared by the tests that read its outputs."""
    folder = tmp_path_factory.mktemp("concentrate")
    source = write_xlsx(folder / "voices.xlsx", voice_rows())
    output = concentrate(source, folder / "out")
    return folder / "out", output


def test_concentrate_writes_the_two_tables_and_the_report(results):
    out, output = results
    assert sorted(p.name for p in out.iterdir()) == [
        "hot_issue_voices.xlsx",
        "hot_issues.xlsx",
        "report.html",
    ]
    assert "H001" in output and str(out) in output


def test_the_hot_issues_table_has_the_standard_columns_then_the_extra_ones(results):
    out, _output = results
    rows = table(out / "hot_issues.xlsx")
    assert rows[0] == STANDARD + EXTRA
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["热度排名"] == 1 and first["问题ID"] == "H001"
    assert first["热度指数"] > 0
    assert first["时间范围"] == "2024/05/27 至 2024/05/31"
    assert first["地点/人群"] == "望江花园"
    assert "望江花园" in first["问题描述"] and "电梯" in first["问题描述"]
    assert (first["类型"], first["人数"], first["条数"]) == ("突发", 5, 5)
    assert "电梯" in first["关键词"]


def test_the_lift_issue_is_first_with_its_five_voices_and_their_whole_rows(results):
    out, _output = results
    rows = table(out / "hot_issue_voices.xlsx")
    assert rows[0] == ["问题ID", *HEADER]
    lift_rows = [row for row in rows[1:] if row[0] == "H001"]
    assert {row[1] for row in lift_rows} == LIFT_IDS
    assert [row[1] for row in lift_rows] == sorted(LIFT_IDS)  # in time order
    person, subject, body = LIFTS[0]
    assert lift_rows[0] == ["H001", "L1", person, subject, "2024/5/27 10:00:00", body, 1]


def test_the_report_stands_alone_and_escapes_what_people_wrote(results):
    out, _output = results
    html = (out / "report.html").read_text(encoding="utf-8")
    title = table(out / "hot_issues.xlsx")[1][5]
    assert title in html
    assert "echarts.init" in html and "Apache Software Foundation" in html
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_csv_file_in_gb18030_gives_the_same_first_issue(tmp_path):
    source = write_csv(tmp_path / "voices.csv", voice_rows())
    concentrate(source, tmp_path / "out")
    rows = table(tmp_path / "out" / "hot_issue_voices.xlsx")
    assert {row[1] for row in rows[1:] if row[0] == "H001"} == LIFT_IDS


def test_until_leaves_out_the_later_days(tmp_path):
    source = write_xlsx(tmp_path / "voices.xlsx", voice_rows())
    output = concentrate(source, tmp_path / "out", "--until", "2024-05-26")
    assert "voices.xlsx: 42 voices" in output  # the chatter of 6 to 26 May
    rows = table(tmp_path / "out" / "hot_issue_voices.xlsx")
    assert not LIFT_IDS & {row[1] for row in rows[1:]}


def test_an_unreadable_time_names_its_row_and_column_and_writes_nothing(tmp_path):
    rows = voice_rows()
    rows[15][3] = "上周三下午"  # spreadsheet row 17: the header is row 1
    source = write_xlsx(tmp_path / "voices.xlsx", rows)
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"row 17, 留言时间: “上周三下午” is not a date"):
        concentrate(source, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["voices.xlsx"]  # no staging folder left


def test_a_file_without_a_time_column_is_refused_and_old_results_are_kept(tmp_path):
    header = [column for column in HEADER if column != "留言时间"]
    rows = [row[:3] + row[4:] for row in voice_rows()]
    source = write_csv(tmp_path / "voices.csv", rows, header)
    out = tmp_path / "out"
    out.mkdir()
    (out / "hot_issues.xlsx").write_bytes(b"earlier results")
    with pytest.raises(CommandError, match="No column says when each voice was received"):
        concentrate(source, out)
    assert [p.name for p in out.iterdir()] == ["hot_issues.xlsx"]
    assert (out / "hot_issues.xlsx").read_bytes() == b"earlier results"


def test_a_bad_option_is_refused(tmp_path):
    source = write_csv(tmp_path / "voices.csv", voice_rows())
    with pytest.raises(CommandError, match="not a date"):
        concentrate(source, tmp_path / "out", "--since", "2024-13-01")


def test_the_real_message_board_file_gives_hot_issues(tipdm, tmp_path):
    out = tmp_path / "out"
    # Two people suffice here: the file is a thin sample of a board over nine years.
    output = concentrate(
        tipdm / "messages_with_replies.xlsx", out, "--window", "365", "--min-people", "2"
    )
    assert "2816 voices" in output
    issues = table(out / "hot_issues.xlsx")
    assert issues[0][:6] == STANDARD
    assert len(issues) >= 2
    voices = table(out / "hot_issue_voices.xlsx")
    assert voices[0][:6] == ["问题ID", "留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
    assert {row[0] for row in voices[1:]} == {row[1] for row in issues[1:]}
    assert issues[1][5] in (out / "report.html").read_text(encoding="utf-8")


def test_a_voice_that_looks_like_a_formula_stays_text_in_the_tables(tmp_path):
    rows = voice_rows()
    hostile = '=HYPERLINK("http://example.invalid","望江花园")'
    rows[-1][2] = hostile  # the subject of the last lift voice
    concentrate(write_csv(tmp_path / "voices.csv", rows), tmp_path / "out")
    sheet = load_workbook(tmp_path / "out" / "hot_issue_voices.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == hostile]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_at_a_terminal_a_progress_bar_shows_the_voices_read(tmp_path):

    source = write_xlsx(tmp_path / "voices.xlsx", voice_rows())
    screen, terminal = os.openpty()  # tqdm draws its bar only on a terminal
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 wide
    try:
        run = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "massline",
                "concentrate",
                str(source),
                "--out",
                str(tmp_path / "out"),
            ],
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
        )
        os.close(terminal)
        shown = b""
        while chunk := _read(screen):
            shown += chunk
    finally:
        os.close(screen)
    assert run.returncode == 0, run.stdout
    bar = shown.decode(errors="replace")
    count = len(voice_rows())
    assert "Reading voices" in bar and f"{count}/{count}" in bar and "100%" in bar
    assert "H001" in run.stdout.decode()


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the other end is closed: all read
        return b""
