"""The dashboard through HTTP: the figures of what happened, their rankings, the cases behind
every count, the Excel files, each user's scope and refusals of bad filters."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from massline.cases.models import Callback, Case, Reply
from massline.voices.models import Voice

DASHBOARD = reverse("cases-figures")
YEAR = {"since": "2020-01-01", "until": "2030-12-31", "period": "month"}  # 132 months: too many
WHOLE = {"since": "2026-01-01", "until": "2030-12-31", "period": "month"}


@pytest.fixture
def cases(city, people):
    """Three cases: a north one replied and rated satisfied, a north one rated dissatisfied
    (reopened), a south one still with its department; subjects that look like formulas."""
    operator = people["operator"]
    made = {}
    for name, area, category, department in [
        ("happy", "north_street", "property", "housing"),
        ("unhappy", "north_street", "property", "housing"),
        ("waiting", "south_street", "noise", "ecology"),
    ]:
        voice = Voice.objects.create(
            channel=Voice.Channel.HOTLINE,
            subject=f'=HYPERLINK("x") {name}',
            body="……",
            area=city[area],
            category=city[category],
            phone="13912345678",
        )
        case = Case.accept(voice, operator)
        case.dispatch(operator, city[department])
        made[name] = case
    handler = people["housing_handler"]
    reply, _ = made["happy"].reply(handler, Reply.Disposition.RESOLVED, "已于3日修复。")
    made["happy"].rate(reply, Callback.Rating.SATISFIED, solved=True)
    reply, _ = made["unhappy"].reply(handler, Reply.Disposition.RESOLVED, "已于3日修复。")
    made["unhappy"].rate(reply, Callback.Rating.DISSATISFIED, solved=False, by=operator)
    return made


def login(client, user):
    client.force_login(user)
    return client


def tile(html: str, key: str) -> str:
    """The value shown on one figure's tile."""
    block = html.split(f'id="figure-{key}"', 1)[1]
    return re.search(r'class="figure-value"[^>]*>([^<]+)<', block).group(1)


def test_the_dashboard_shows_each_figure_and_it_changes_with_a_callback(client, people, cases):
    login(client, people["operator"])
    html = client.get(DASHBOARD, WHOLE).content.decode()
    assert tile(html, "satisfaction") == "50.0 %"
    assert tile(html, "resolution") == "50.0 %"
    assert tile(html, "reopen") == "50.0 %"

    unhappy = cases["unhappy"]
    reply, _ = unhappy.reply(people["housing_handler"], Reply.Disposition.RESOLVED, "已于9日更换。")
    unhappy.rate(reply, Callback.Rating.SATISFIED, solved=True)
    html = client.get(DASHBOARD, WHOLE).content.decode()
    assert tile(html, "satisfaction") == "66.7 %"
    assert tile(html, "reopen") == "50.0 %"  # reopened once stays reopened


def test_every_count_links_to_the_cases_behind_it(client, people, cases):
    login(client, people["operator"])
    html = client.get(DASHBOARD, WHOLE).content.decode()
    block = html.split('id="figure-satisfaction"', 1)[1]
    met = re.search(r'class="figure-value" href="([^"]+)"', block).group(1).replace("&amp;", "&")
    listed = client.get(met).content.decode()
    assert "happy" in listed and "unhappy" not in listed and "waiting" not in listed
    happy = reverse("case-detail", args=[cases["happy"].pk])
    assert f'href="{happy}"' in listed
    assert client.get(happy).status_code == 200
    missed = client.get(met.replace("part=met", "part=missed")).content.decode()
    assert "unhappy" in missed and "waiting" not in missed
    phone = client.get(met.replace("part=met", "part=missed") + "&via=phone").content.decode()
    assert "unhappy" in phone  # the dissatisfied verdict was a phone callback
    assert "unhappy" not in client.get(met + "&via=phone").content.decode()


def test_departments_are_ranked_and_the_ranking_sorts_both_ways(client, people, cases):
    login(client, people["operator"])

    def order(sort):
        html = client.get(DASHBOARD, {**WHOLE, "sort_department": sort}).content.decode()
        table = html.split('id="ranking-department"', 1)[1].split("</table>", 1)[0]
        return re.findall(r'<th scope="row">([^<]+)</th>', table)

    assert order("-cases") == ["江北区住房和城乡建设局", "江南区生态环境分局"]
    assert order("cases") == ["江南区生态环境分局", "江北区住房和城乡建设局"]
    # the ecology office has no callback yet: last whatever the direction
    assert order("satisfaction") == ["江北区住房和城乡建设局", "江南区生态环境分局"]


def test_a_leader_sees_the_figures_of_their_area_only(client, people, cases, city):
    login(client, people["leader"])  # the north district
    html = client.get(DASHBOARD, WHOLE).content.decode()
    areas = html.split('id="ranking-area"', 1)[1].split("</table>", 1)[0]
    assert "望江街道" in areas and "滨湖街道" not in areas
    everything = client.get(reverse("cases-figures-list"), {**WHOLE, "figure": "cases"})
    assert "happy" in everything.content.decode()
    assert "waiting" not in everything.content.decode()
    outside = client.get(DASHBOARD, {**WHOLE, "area": city["south"].pk})
    assert outside.status_code == 400
    assert "Select a valid choice" in outside.content.decode()


def test_only_those_who_oversee_see_figures(client, people, cases):
    assert client.get(DASHBOARD).status_code == 302  # to the login page
    login(client, people["housing_handler"])
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("cases-figures-list"), {"figure": "cases"}).status_code == 403
    assert "Dashboard" not in client.get(reverse("staff-home")).content.decode()
    login(client, people["auditor"])
    assert client.get(DASHBOARD).status_code == 200
    assert "Dashboard" in client.get(reverse("staff-home")).content.decode()


def test_bad_filters_are_refused_with_a_reason(client, people, cases):
    login(client, people["operator"])
    backwards = client.get(DASHBOARD, {"since": "2026-03-01", "until": "2026-02-01"})
    assert backwards.status_code == 400
    assert "ends before it starts" in backwards.content.decode()
    too_long = client.get(DASHBOARD, YEAR)
    assert too_long.status_code == 400
    assert "More than 60 points" in too_long.content.decode()
    nonsense = client.get(reverse("cases-figures-list"), {"figure": "<script>"})
    assert nonsense.status_code == 400
    assert "<script>" not in nonsense.content.decode()


def test_the_dashboard_and_a_list_export_to_excel_keeping_formulas_text(
    client, people, cases, city
):
    login(client, people["operator"])
    response = client.get(DASHBOARD, {**WHOLE, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["All", "Departments", "Areas", "Categories", "Trend"]
    header = [c.value for c in book["All"][1]]
    everything = [c.value for c in book["All"][2]]
    assert everything[header.index("Satisfaction rate (满意率)")] == 0.5
    assert everything[header.index("Cases")] == 3
    departments = [row[0].value for row in book["Departments"].iter_rows(min_row=2)]
    assert departments == ["江北区住房和城乡建设局", "江南区生态环境分局"]

    response = client.get(
        reverse("cases-figures-list"),
        {**WHOLE, "figure": "open", "department": city["ecology"].pk, "export": "xlsx"},
    )
    sheet = load_workbook(BytesIO(response.content)).active
    (row,) = list(sheet.iter_rows(min_row=2))
    assert row[1].value == '=HYPERLINK("x") waiting' and row[1].data_type == "s"
