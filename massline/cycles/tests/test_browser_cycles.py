"""A leader verifies a decision in a real browser and sees the before/after chart, then
opens the month's cycle report and downloads it as Word, which opens."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from massline.cases.tests.browser import log_in
from massline.cycles.tests import stories

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def test_a_leader_verifies_a_decision_and_downloads_the_cycle_report(
    transactional_db, page, city, people, tmp_path
):
    today = timezone.localdate()
    decided, since = today - timedelta(days=30), today - timedelta(days=90)
    north = city["north_street"]
    issue = stories.hot_issue("望江花园", city["property"], start=since, end=today, area=north)
    stories.member(issue, stories.voices("望江花园", stories.poisson(8, 60, 1), since, area=north))
    stories.voices("望江花园", stories.poisson(3, 30, 2), decided, area=north)
    stories.hot_issue("翠湖", city["property"], start=since, end=today)
    stories.voices("翠湖", stories.poisson(5, 90, 3), since)
    decision = stories.decision(
        issue, people["leader"], city["housing"], decided_on=decided, deadlines=[today, decided]
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "leader")
    with page.expect_navigation():
        page.get_by_role("link", name="Cycles", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=decision.title).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Verify now").click()
    assert page.locator("#verdict").inner_text() == "Fell (下降)"
    assert "more than noise" in page.locator("#in-words").inner_text()
    page.locator("#effect-chart canvas").wait_for()  # ECharts from our own static files
    assert page.locator("#effect-svg").is_hidden()
    page.screenshot(path=f"{SHOTS}/verification.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="Cycles").click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"{today.year}年{today.month}月").click()
    page.locator("#voices-chart canvas").wait_for()
    assert page.locator("#figures tr[data-key=verified] td").first.inner_text() == "1"
    page.screenshot(path=f"{SHOTS}/cycle_report.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#export-docx").click()
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    document = Document(str(path))
    assert document.paragraphs[0].text == "社情民意分析报告"
    assert len(document.inline_shapes) == 3  # figures, voices per day, the verification
