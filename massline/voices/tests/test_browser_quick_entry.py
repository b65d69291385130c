"""A hotline operator takes a call in a real browser, hands never leaving the keyboard."""

import os

import pytest

from massline.voices.models import PersonalDataAccess, Voice

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


def test_an_operator_notices_a_repeat_caller_and_saves_the_call_from_the_keyboard(
    transactional_db, page, people, voice
):
    Voice.objects.create(
        channel=Voice.Channel.WEB,
        kind=Voice.Kind.COMPLAINT,
        subject="电梯维修后仍有异响",
        body="…",
        phone="139-1234-5678",
        area=voice.area,
        department=voice.department,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login/?next=/staff/quick-entry/")
    page.keyboard.type("operator")
    page.keyboard.press("Tab")
    page.keyboard.type("pass-operator")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "phone"

    # The cursor waits on the phone; the caller's history appears while typing.
    page.keyboard.type("139 1234 5678")
    warning = page.get_by_text("Repeat caller: 2 earlier voices")
    warning.wait_for()
    assert page.get_by_text(voice.tracking_code).is_visible()

    page.keyboard.press("Enter")  # Enter moves on, it does not save half a call
    page.keyboard.type("王秀英")
    page.keyboard.press("Enter")
    page.keyboard.type("Complaint")  # a select picks the option typed
    page.keyboard.press("Enter")
    page.keyboard.type("电梯修好一周又坏了")
    page.keyboard.press("Enter")
    page.keyboard.type("望江花园3栋电梯上周刚修好，今天又停了，老人被困在家。")
    page.keyboard.press("Tab")  # Enter in the text area is a new line
    page.keyboard.type("望江花园3栋")
    assert not Voice.objects.filter(subject="电梯修好一周又坏了").exists()
    page.screenshot(path=f"{SHOTS}/quick_entry.png", full_page=True)
    page.keyboard.press("Control+Enter")

    page.locator("#saved-code").wait_for()
    saved = Voice.objects.get(subject="电梯修好一周又坏了")
    assert page.locator("#saved-code").inner_text() == saved.tracking_code
    assert (saved.channel, saved.kind, saved.name, saved.phone) == (
        "hotline",
        "complaint",
        "王秀英",
        "13912345678",
    )
    assert saved.place == "望江花园3栋" and saved.created_by == people["operator"]
    assert page.locator("#id_phone").input_value() == ""  # ready for the next call
    assert PersonalDataAccess.objects.filter(action="lookup").exists()
    page.screenshot(path=f"{SHOTS}/quick_entry_saved.png", full_page=True)

    page.goto("/staff/")
    assert page.get_by_text("139****5678").first.is_visible()
    assert "13912345678" not in page.content()
    page.screenshot(path=f"{SHOTS}/staff_list.png", full_page=True)


def test_a_handler_reveals_the_caller_in_place_after_giving_a_reason(
    transactional_db, page, people, voice
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/login/?next=/staff/voices/{voice.pk}/")
    page.get_by_label("User name").fill("housing")
    page.get_by_label("Password").fill("pass-housing")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("139****5678").is_visible()
    assert "王秀英" not in page.content()

    page.get_by_label("Purpose").fill("回访核实电梯维修情况")
    page.get_by_role("button", name="Reveal").click()
    page.get_by_text("13912345678").wait_for()
    assert page.get_by_text("王秀英").is_visible()
    assert page.url.endswith(f"/staff/voices/{voice.pk}/")  # swapped in place, no reload
    assert PersonalDataAccess.objects.get().purpose == "回访核实电梯维修情况"
    page.screenshot(path=f"{SHOTS}/staff_detail.png", full_page=True)
