"""Importing reference data: the area tree, departments and the three-level taxonomy."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from massline.org.importing import import_reference
from massline.org.models import Area, Category, Department
from massline.voices.tests.test_import import xlsx

AREAS = [
    ["名称", "编码", "级别", "上级编码"],
    ["望江街道", "33010101", "街道乡镇", "330101"],  # a child before its parent is fine
    ["临江市", "3301", "市", ""],
    ["江北区", "330101", 2, "3301"],
    ["望江社区", "3301010101", "社区村", "33010101"],
    ["第一网格", "330101010101", 5, "3301010101"],
]


def test_the_real_taxonomy_gives_15_top_level_categories_and_all_517_paths(db, tipdm):
    result = import_reference("taxonomy", tipdm / "taxonomy.xlsx")

    assert result.ok and result.created == 517
    assert Category.objects.filter(level=1).count() == 15
    assert Category.objects.filter(level=2).count() == 118
    assert Category.objects.filter(level=3).count() == 517
    accident = Category.objects.get(
        name="事故处理", parent__name="安全生产", parent__parent__name="城乡建设"
    )
    assert accident.full_name == "城乡建设 / 安全生产 / 事故处理"


def test_importing_the_taxonomy_again_changes_nothing(db, tipdm):
    import_reference("taxonomy", tipdm / "taxonomy.xlsx")

    again = import_reference("taxonomy", tipdm / "taxonomy.xlsx")

    assert (again.created, again.updated) == (0, 517)
    assert Category.objects.count() == 15 + 118 + 517


def test_areas_import_as_a_tree_with_paths_and_again_without_change(db, tmp_path):
    path = xlsx(tmp_path / "areas.xlsx", AREAS)
    out = io.StringIO()
    call_command("import_reference", "areas", path, stdout=out)

    assert "areas: 5 created" in out.getvalue()
    grid = Area.objects.get(code="330101010101")
    assert grid.level == Area.Level.GRID
    assert grid.full_name == "临江市江北区望江街道望江社区第一网格"
    assert Area.objects.get(code="3301").subtree().count() == 5

    assert import_reference("areas", path).updated == 5
    assert Area.objects.count() == 5


def test_moving_an_area_moves_its_whole_subtree(db, tmp_path):
    import_reference("areas", xlsx(tmp_path / "areas.xlsx", AREAS))
    moved = [AREAS[0], ["江南区", "330102", 2, "3301"], ["望江街道", "33010101", 3, "330102"]]

    assert import_reference("areas", xlsx(tmp_path / "moved.xlsx", moved)).ok

    assert (
        Area.objects.get(code="330101010101").path
        == "/3301/330102/33010101/3301010101/330101010101/"
    )


@pytest.mark.parametrize(
    "row, message",
    [
        (["北湖街道", "33010199", 3, "999"], "row 7, 上级编码: Unknown parent code “999”."),
        (["北湖街道", "33010199", "省", "3301"], "row 7, 级别: “省” is not a valid 级别"),
        (["北湖街道", "3301", 3, "330101"], "row 7, 编码: Repeats row 3."),
        (["北湖区", "33019", 1, "3301"], "row 7, 级别: An area must be below its parent “3301”."),
        (["", "33019", 2, "3301"], "row 7, 名称: This cell must not be empty."),
    ],
)
def test_a_bad_area_row_is_reported_and_no_area_is_written(db, tmp_path, row, message):
    path = xlsx(tmp_path / "areas.xlsx", [*AREAS, row])

    result = import_reference("areas", path)

    assert message in [str(error)[: len(message)] for error in result.errors]
    assert Area.objects.count() == 0


def test_a_file_without_the_needed_columns_is_refused_naming_them(db, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_reference",
            "areas",
            xlsx(tmp_path / "a.xlsx", [["名称"], ["临江市"]]),
            stdout=out,
            stderr=err,
        )

    assert "Missing column(s) 编码, 级别" in err.getvalue()
    assert Area.objects.count() == 0


def test_departments_import_with_their_areas_and_categories(city, tmp_path):
    path = xlsx(
        tmp_path / "departments.xlsx",
        [
            ["名称", "编码", "层级", "负责区域", "负责分类", "电话"],
            [
                "望江街道办事处",
                "WJ",
                "街道乡镇",
                "33010101",
                "城乡建设/物业管理、噪音污染",
                "0571-1234",
            ],
            ["临江市城市管理局", "CG", 1, "3301", "城乡建设", ""],
        ],
    )

    result = import_reference("departments", path)

    assert result.ok and result.created == 2
    street = Department.objects.get(code="WJ")
    assert street.tier == Department.Tier.STREET and street.phone == "0571-1234"
    assert list(street.areas.all()) == [city["north_street"]]
    assert set(street.categories.all()) == {city["property"], city["noise"]}
    assert import_reference("departments", path).updated == 2


def test_a_department_with_an_unknown_area_or_category_is_refused(city, tmp_path):
    path = xlsx(
        tmp_path / "departments.xlsx",
        [
            ["名称", "编码", "层级", "负责区域", "负责分类"],
            ["火星办事处", "MARS", 3, "9999", "火星事务"],
        ],
    )
    before = Department.objects.count()

    errors = [str(e) for e in import_reference("departments", path).errors]

    assert errors[0].startswith("row 2, 负责区域: Unknown area “9999”. Import the areas first")
    assert errors[1].startswith(
        "row 2, 负责分类: Unknown category “火星事务”. Import the taxonomy first"
    )
    assert Department.objects.count() == before


def test_a_taxonomy_row_with_a_gap_is_refused(db, tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx", [["一级分类", "二级分类", "三级分类"], ["城乡建设", "", "物业"]]
    )

    errors = import_reference("taxonomy", path).errors

    assert str(errors[0]) == "row 2, 三级分类: A lower level needs the level above it."
    assert Category.objects.count() == 0


def test_an_administrator_uploads_the_taxonomy_in_the_admin(client, people, tipdm):
    client.force_login(people["admin"])
    url = reverse("admin:org_category_import")
    assert (
        "Import from Excel" in client.get(reverse("admin:org_category_changelist")).content.decode()
    )

    with open(tipdm / "taxonomy.xlsx", "rb") as file:
        response = client.post(url, {"file": file}, follow=True)

    assert "517 rows imported" in response.content.decode()
    assert Category.objects.filter(level=1, name="城乡建设").exists()


def test_an_admin_upload_with_errors_shows_them_and_writes_nothing(client, people, tmp_path):
    client.force_login(people["admin"])
    path = xlsx(tmp_path / "areas.xlsx", [*AREAS, ["北湖街道", "33010199", 3, "999"]])

    with open(path, "rb") as file:
        response = client.post(reverse("admin:org_area_import"), {"file": file})

    assert response.status_code == 400
    assert "Unknown parent code “999”" in response.content.decode()
    assert not Area.objects.filter(code="33010199").exists()


def test_only_people_who_may_add_reference_data_can_upload_it(client, people):
    people["operator"].is_staff = True
    people["operator"].save()
    client.force_login(people["operator"])

    assert client.get(reverse("admin:org_area_import")).status_code == 403
