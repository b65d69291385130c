"""In a real browser: an operator triages a voice in place and dispatches it in one click;
the department's handler finds it on the workbench with its time left."""

import os

import pytest

from massline.cases.models import Case, RoutingRule
from massline.cases.tests.browser import log_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def test_an_operator_triages_and_dispatches_and_the_handler_sees_it_on_the_workbench(
    transactional_db, page, people, voice, city
):
    RoutingRule.objects.create(
        category=city["urban"], area=city["north"], department=city["housing"]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "operator")
    page.goto("/staff/cases/triage/")
    card = page.locator(f"#voice-{voice.pk}")
    card.get_by_label("Urgency").select_option("urgent")
    card.get_by_role("button", name="Accept as a case").click()
    # htmx replaced the card in place: the page did not reload
    page.get_by_text("Accepted, waiting for dispatch (待派单)").wait_for()
    assert page.url.endswith("/staff/cases/triage/")
    page.screenshot(path=f"{SHOTS}/massline-triage.png", full_page=True)

    page.get_by_role("link", name="Dispatch now").click()
    page.get_by_text("The routing table proposes").wait_for()
    assert page.locator("select[name=dispatch-department]").input_value() == str(city["housing"].pk)
    page.screenshot(path=f"{SHOTS}/massline-case.png", full_page=True)
    with page.expect_navigation():
        page.locator("form.dispatch").get_by_role("button", name="Dispatch").click()
    page.get_by_text("Dispatched.").wait_for()
    assert Case.objects.get(voice=voice).department == city["housing"]

    page.get_by_role("button", name="Log out").click()
    log_in(page, "housing")
    page.goto("/staff/cases/")
    row = page.locator("tr", has_text=voice.subject)
    assert row.get_by_text("left").is_visible()
    assert "Urgent" in row.inner_text()
    page.screenshot(path=f"{SHOTS}/massline-workbench.png", full_page=True)
    with page.expect_navigation():
        row.get_by_role("link", name=voice.subject).click()
    assert page.get_by_role("button", name="Record contact").is_visible()
