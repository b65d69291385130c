"""The staff's way from a hot issue to a decision, in a real browser: concentrate the issue
into an opinion, edit it, decide with two commitments, and record progress."""

import os

import pytest

from massline.cases.tests.browser import log_in
from massline.decisions.models import Commitment, Decision
from massline.decisions.tests import stories

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def test_an_operator_turns_a_hot_issue_into_a_decision_and_a_handler_records_progress(
    transactional_db, page, city, people
):
    lifts = stories.lifts_issue(city)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "operator")
    page.goto(f"/staff/hot-issues/{lifts.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Concentrate into an opinion").click()
    assert page.get_by_text("139****5678").count() >= 1  # the voice's text, masked
    page.get_by_label("Title").fill("望江花园电梯反复停运")
    page.get_by_label("Where a minority sees it differently").fill("一位居民建议公示维修进度。")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the opinion").click()
    assert page.locator("#evidence-people").inner_text() == "5"
    page.locator("#trend-chart canvas").wait_for()  # ECharts, from our own static files
    page.screenshot(path=f"{SHOTS}/opinion.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Title").fill("望江花园电梯全面检修")
    page.get_by_label("What will be done, in plain language").fill("三个月内检修全部电梯。")
    page.get_by_label("Responsible unit").select_option(label="江北区住房和城乡建设局")
    first, second = page.locator("#commitment-1"), page.locator("#commitment-2")
    first.get_by_label("What is promised").fill("检修全部电梯")
    first.get_by_label("Owner").select_option(label="housing")
    first.get_by_label("Unit").select_option(label="江北区住房和城乡建设局")
    first.get_by_label("Deadline").fill("2027-03-31")
    first.get_by_label("Budget (yuan)").fill("300000")
    first.get_by_label("Milestones").fill("2027-01-15 开工\n2027-03-31 完工")
    second.get_by_label("What is promised").fill("公示维修进度")
    second.get_by_label("Owner").select_option(label="operator")
    second.get_by_label("Unit").select_option(label="江北区住房和城乡建设局")
    second.get_by_label("Deadline").fill("2027-01-31")
    page.get_by_role("button", name="Another commitment").click()  # htmx: a third row
    page.locator("#commitment-3").get_by_label("What is promised").wait_for()  # left blank
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#decision-title").inner_text().startswith("望江花园电梯全面检修")
    assert page.locator("section.commitment").count() == 2
    page.screenshot(path=f"{SHOTS}/decision.png", full_page=True)

    decision = Decision.objects.get()
    repair = decision.commitments.get(title="检修全部电梯")
    page.get_by_role("button", name="Log out").click()
    log_in(page, "housing")
    page.goto(f"/staff/decisions/{decision.pk}/")
    with page.expect_navigation():
        page.locator(f"#commitment-{repair.pk}").get_by_role("link", name="Record progress").click()
    page.get_by_label("Progress %").fill("40")
    page.get_by_label("Status").select_option(label="On track (推进中)")
    page.get_by_label("Note").fill("已开工三栋")
    with page.expect_navigation():
        page.get_by_role("button", name="Record", exact=True).click()
    assert "40%" in page.locator("#commitment-progress").inner_text()
    assert page.get_by_role("cell", name="已开工三栋").is_visible()
    assert Commitment.objects.get(pk=repair.pk).progress == 40


def test_an_administrator_imports_the_years_projects_and_sees_them_by_category(
    transactional_db, page, city, people, tmp_path
):
    from massline.decisions.tests.test_programme import HEADER, ROWS
    from massline.voices.tests.test_import import xlsx

    path = xlsx(tmp_path / "民生实事.xlsx", [HEADER, *ROWS])
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "admin")
    page.goto("/staff/decisions/programmes/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import projects").click()
    page.get_by_label("Excel or CSV file").set_input_files(path)
    page.get_by_label("Programme").fill("2026年民生实事")
    page.get_by_label("Year").fill("2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    assert page.locator("#programme-title").inner_text() == "2026年民生实事"
    page.locator("#programme-chart canvas").wait_for()
    assert page.locator("#programme-figures tbody tr").count() == 2
    assert page.get_by_role("link", name="新建幼儿园3所").is_visible()
    page.screenshot(path=f"{SHOTS}/programme.png", full_page=True)
