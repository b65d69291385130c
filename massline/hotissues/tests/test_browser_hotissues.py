"""A leader works through the hot issues in a real browser: filters the list, opens the
lifts of 望江花园, names the issue, and merges a second lift issue into it."""

import os

import pytest

from massline.hotissues import finding
from massline.hotissues.models import HotIssue
from massline.hotissues.tests import stories

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def test_a_leader_filters_opens_renames_and_merges_in_the_browser(
    transactional_db, page, city, people
):
    stories.background()
    stories.lifts(city)
    stories.noise(city)
    finding.recompute(90)
    lifts = HotIssue.objects.get(anchor="望江花园")
    ids = list(lifts.memberships.values_list("voice_id", flat=True))
    other = lifts.do_split(people["leader"], ids[-2:], title="望江花园3栋电梯")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login/?next=/staff/hot-issues/")
    page.get_by_label("User name").fill("leader")
    page.get_by_label("Password").fill("pass-leader")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=lifts.title).wait_for()
    assert page.locator("svg.sparkline polyline").count() >= 1

    page.get_by_label("Status").select_option("all")
    page.get_by_label("Area").select_option(label="\u2003江北区")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="望江花园3栋电梯").is_visible()
    page.screenshot(path=f"{SHOTS}/hot_issues.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name=lifts.title).click()
    # voices per day: ECharts from our own static files (the SVG stays for no-script)
    page.locator("#trend-chart canvas").wait_for()
    assert page.locator("svg.timeline").is_hidden()
    assert page.get_by_text("139****0002").is_visible()
    page.get_by_label("Title", exact=True).fill("望江花园电梯反复停运")
    with page.expect_navigation():
        page.get_by_role("button", name="Rename").click()
    assert page.locator("#issue-title").inner_text().startswith("望江花园电梯反复停运")

    page.goto(f"/staff/hot-issues/{other.pk}/")
    page.get_by_role("searchbox").fill("反复停运")
    merge = page.get_by_role("button", name=f"Merge into #{lifts.pk} 望江花园电梯反复停运")
    merge.wait_for()
    with page.expect_navigation():
        merge.click()
    assert page.url.endswith(f"/staff/hot-issues/{lifts.pk}/")
    page.get_by_text("Merged into this issue.").wait_for()
    page.screenshot(path=f"{SHOTS}/hot_issue.png", full_page=True)
    other.refresh_from_db()
    lifts.refresh_from_db()
    assert other.merged_into == lifts and lifts.voice_count == 5
    assert lifts.title == "望江花园电梯反复停运" and lifts.title_edited
