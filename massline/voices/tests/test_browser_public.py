"""A person on a phone raises a voice and follows it, in a real browser."""

import os

import pytest

from massline.voices.tests.samples import png

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Screenshots for a person to look at; /tmp unless told otherwise.
SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_person_on_a_phone_raises_a_voice_with_a_photo_and_checks_its_progress(page, tmp_path):
    photo = tmp_path / "路灯.png"
    photo.write_bytes(png(40, 30))
    page.set_viewport_size(PHONE)

    page.goto("/")
    page.screenshot(path=f"{SHOTS}/public_home.png", full_page=True)
    page.get_by_role("link", name="Raise a voice").last.click()
    page.get_by_label("Subject").fill("望江路路灯不亮")
    page.get_by_label("What happened").fill("望江路北段三盏路灯一周没亮，晚上行人看不清路。")
    page.get_by_label("Complaint (投诉)").check()
    page.get_by_label("Where").fill("望江路北段")
    page.get_by_label("Your phone").fill("138 1234 5678")
    page.get_by_label("Photos or PDF files").set_input_files(str(photo))
    page.screenshot(path=f"{SHOTS}/public_form.png", full_page=True)
    page.get_by_role("button", name="Send").click()

    page.wait_for_url("**/receipt/*/")
    assert "Your voice has been received." in page.content()
    code = page.locator("#tracking-code").inner_text()
    assert len(code) == 12
    page.screenshot(path=f"{SHOTS}/public_receipt.png", full_page=True)

    page.get_by_role("link", name="Check progress").last.click()
    assert page.get_by_label("Tracking code").input_value() == code  # filled in from the receipt
    page.get_by_label("Last four digits of your phone").fill("5678")
    page.get_by_role("button", name="Check").click()
    assert page.get_by_text("Received (已受理)").is_visible()
    assert page.get_by_text("望江路路灯不亮").is_visible()
    page.screenshot(path=f"{SHOTS}/public_status.png", full_page=True)
