"""A year's livelihood projects: imported from Excel or CSV (all rows or none, each problem
with its row and column), from the command and the page, and shown by category."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from massline.decisions.importing import import_projects
from massline.decisions.models import Commitment, Programme
from massline.voices.tests.test_import import xlsx

HEADER = ["类别", "项目", "责任单位", "责任人", "完成时限", "预算", "进度"]
ROWS = [
    ["教育", "新建幼儿园3所", "江北区住房和城乡建设局", "housing", "2026-12-31", "1200万", "100"],
    ["教育", "改造校舍10处", "江北区住房和城乡建设局", "", date(2026, 9, 30), 3000000, 0.6],
    ["养老", "新增养老床位500张", "JN-ST", "ecology", "2026年6月30日", "", "20%"],
    ["养老", "建设老年食堂20个", "江南区生态环境分局", "", "2027/3/31", "800000", ""],
]
PROGRAMME = "2026年民生实事"


def csv_file(rows) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8-sig")


def test_an_excel_file_of_projects_is_imported_with_units_owners_money_and_progress(
    tmp_path, city, people
):
    result = import_projects(
        xlsx(tmp_path / "projects.xlsx", [HEADER, *ROWS]),
        programme=PROGRAMME,
        year=2026,
        user=people["admin"],
    )
    assert result.ok and result.created == 4
    got = {
        c.title: (
            c.category,
            c.unit.code,
            c.owner.username,
            c.deadline,
            c.budget,
            c.progress,
            c.status,
        )
        for c in result.programme.projects.select_related("unit", "owner")
    }
    assert got == {
        "新建幼儿园3所": (
            "教育",
            "JB-ZJ",
            "housing",
            date(2026, 12, 31),
            Decimal("12000000.00"),
            100,
            "done",
        ),
        "改造校舍10处": (
            "教育",
            "JB-ZJ",
            "admin",
            date(2026, 9, 30),
            Decimal("3000000.00"),
            60,
            "on_track",
        ),
        "新增养老床位500张": ("养老", "JN-ST", "ecology", date(2026, 6, 30), None, 20, "on_track"),
        "建设老年食堂20个": (
            "养老",
            "JN-ST",
            "admin",
            date(2027, 3, 31),
            Decimal("800000.00"),
            0,
            "planned",
        ),
    }
    assert all(c.updates.get().note == "Imported." for c in result.programme.projects.all())


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column(city, people):
    rows = [
        *ROWS[:2],
        ["养老", "", "不存在的局", "nobody-here", "明年", "-5", "120"],
        ROWS[1],
    ]
    result = import_projects(
        io.BytesIO(csv_file([HEADER, *rows])),
        name="projects.csv",
        programme=PROGRAMME,
        year=2026,
        user=people["admin"],
    )
    problems = {(e.row, e.column) for e in result.errors}
    assert problems == {
        (4, "项目"),
        (4, "责任单位"),
        (4, "责任人"),
        (4, "完成时限"),
        (4, "预算"),
        (4, "进度"),
        (5, "项目"),  # the same project as row 3
    }
    assert "Also on row 3." in [e.message for e in result.errors if e.row == 5]
    assert not Programme.objects.exists() and not Commitment.objects.exists()


def test_importing_the_same_projects_again_is_refused(tmp_path, city, people):
    path = xlsx(tmp_path / "projects.xlsx", [HEADER, *ROWS])
    import_projects(path, programme=PROGRAMME, year=2026, user=people["admin"])
    again = import_projects(path, programme=PROGRAMME, year=2026, user=people["admin"])
    assert [e.message for e in again.errors] == ["This project is already in the programme."] * 4
    assert Commitment.objects.count() == 4


def test_the_command_imports_or_says_why_not(tmp_path, city, people, capsys):
    path = xlsx(tmp_path / "projects.xlsx", [HEADER, *ROWS])
    call_command(
        "import_projects", path, "--programme", PROGRAMME, "--year", "2026", "--owner", "admin"
    )
    assert "imported 4 projects into 2026年民生实事" in capsys.readouterr().out
    bad = xlsx(tmp_path / "bad.xlsx", [HEADER[:2], ["教育", "x"]])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_projects", bad, "--programme", PROGRAMME, "--year", "2026", "--owner", "admin"
        )
    assert "Columns missing: 责任单位、完成时限" in capsys.readouterr().err


def test_the_import_page_shows_the_row_errors_then_imports(client, city, people):
    client.force_login(people["admin"])
    url = reverse("programme-import")
    bad = csv_file([HEADER, ["教育", "建学校", "江北区住房和城乡建设局", "", "someday", "", ""]])
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("p.csv", bad),
            "programme": PROGRAMME,
            "year": "2026",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'id="import-errors"' in page
    assert "<td>2</td><td>完成时限</td>" in page and not Commitment.objects.exists()
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("p.csv", csv_file([HEADER, *ROWS[:1], *ROWS[2:]])),
            "programme": PROGRAMME,
            "year": "2026",
        },
    )
    programme = Programme.objects.get()
    assert response.url == reverse("programme-detail", args=[programme.pk])


def test_only_those_who_decide_import(client, city, people):
    for who in ("housing_handler", "auditor"):
        client.force_login(people[who])
        assert client.get(reverse("programme-import")).status_code == 403
        assert client.get(reverse("programme-list")).status_code == 200
    client.logout()
    assert client.get(reverse("programme-list")).url.startswith(reverse("login"))


@time_machine.travel(date(2026, 10, 1))
def test_the_programme_page_counts_projects_done_overdue_money_and_progress(
    tmp_path, client, city, people
):
    result = import_projects(
        xlsx(tmp_path / "projects.xlsx", [HEADER, *ROWS]),
        programme=PROGRAMME,
        year=2026,
        user=people["admin"],
    )
    figures = result.programme.figures()
    assert figures == [
        {
            "category": "教育",
            "projects": 2,
            "done": 1,
            "overdue": 1,
            "budget": Decimal("15000000.00"),
            "progress": 80,
        },
        {
            "category": "养老",
            "projects": 2,
            "done": 0,
            "overdue": 1,
            "budget": Decimal("800000.00"),
            "progress": 10,
        },
        {
            "category": "",
            "projects": 4,
            "done": 1,
            "overdue": 2,
            "budget": Decimal("15800000.00"),
            "progress": 45,
        },
    ]
    client.force_login(people["auditor"])
    page = client.get(reverse("programme-detail", args=[result.programme.pk])).content.decode()
    assert "2 categories, 4 projects: 1 done, 2 overdue, 45% on average." in page
    assert 'id="programme-data"' in page and "15,800,000" in page
    listing = client.get(reverse("programme-list")).content.decode()
    assert PROGRAMME in listing
