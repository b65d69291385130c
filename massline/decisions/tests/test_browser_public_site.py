"""A person on a phone reads a published decision and answers from their own link, in a
real browser: the page fits the screen, without an account, and shows nobody's data."""

import os

import pytest

from massline.decisions.models import Notice
from massline.decisions.publishing import notice_link, publish
from massline.decisions.tests.back_to_the_masses import lift_decision, lift_issue

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def fits_the_screen(page) -> bool:
    """Nothing wider than the phone: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_person_on_a_phone_reads_the_decision_and_says_whether_it_solves_the_problem(
    transactional_db, page, city, people, settings
):
    decision = lift_decision(lift_issue(city), people, city)
    publish(decision, people["leader"])
    notice = Notice.objects.get(voice__subject="望江花园5栋电梯又停运了")
    page.set_viewport_size(PHONE)

    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name="Open government").click()
    assert fits_the_screen(page)
    page.screenshot(path=f"{SHOTS}/public_decisions.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name=decision.title).click()

    assert page.get_by_role("heading", name=decision.title).is_visible()
    assert page.get_by_text("望江花园电梯频繁停运").is_visible()
    assert page.locator("svg.trend rect").count() >= 1 and page.locator("svg.trend").is_visible()
    bars = page.locator("#commitments .bar span")
    assert bars.count() == 4  # two commitments, the first with two parts
    assert bars.first.bounding_box()["width"] == 0  # the repairs: not started
    assert page.get_by_text("签订维保考核协议").is_visible()
    assert fits_the_screen(page)
    text = page.locator("main").inner_text()
    assert "王秀英" not in text and "13900000001" not in text and "王**" not in text
    page.screenshot(path=f"{SHOTS}/public_decision.png", full_page=True)

    page.goto(notice_link(notice).removeprefix(settings.SITE_URL))
    page.get_by_text("Does this solve the problem you raised?").wait_for()
    assert fits_the_screen(page)
    page.get_by_label("Partly").check()
    page.get_by_label("Anything you would like to add?").fill("希望加快第二批更换")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").click()
    assert page.get_by_role("status").inner_text() == "Thank you. Your answer was recorded."
    assert page.locator("input[name=answer]").count() == 0
    page.screenshot(path=f"{SHOTS}/public_notice.png", full_page=True)
    notice.refresh_from_db()
    assert (notice.answer, notice.comment) == ("partly", "希望加快第二批更换")

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.get_by_text("这是否解决了您反映的问题？").count() == 0  # answered: no question
    page.goto(f"/open/decisions/{decision.pk}/")
    assert page.get_by_role("heading", name="承诺事项").is_visible()
    page.screenshot(path=f"{SHOTS}/public_decision_zh.png", full_page=True)
