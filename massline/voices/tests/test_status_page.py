"""The public status page: a tracking code and four phone digits show progress, nothing more."""

import pytest
from django.utils import timezone

from massline.voices.models import Voice

pytestmark = pytest.mark.django_db

NOT_FOUND = "No voice was found for this tracking code and these digits."


def look_up(client, code: str, last4: str) -> str:
    response = client.post("/status/", {"code": code, "last4": last4})
    assert response.status_code == 200
    return response.content.decode()


def test_the_right_code_and_digits_show_status_received_time_subject_and_department(client, voice):
    page = look_up(client, voice.tracking_code, "5678")
    assert "Received (已受理)" in page and "望江花园小区电梯长期故障" in page
    assert timezone.localtime(voice.received_at).strftime("%Y-%m-%d %H:%M") in page
    assert "江北区住房和城乡建设局" in page
    assert NOT_FOUND not in page


def test_the_page_never_shows_the_persons_name_phone_or_address(client, voice):
    page = look_up(client, voice.tracking_code, "5678")
    for personal in ("王秀英", "王*", "13912345678", "139****5678", "望江路18号"):
        assert personal not in page


def test_a_code_typed_in_lower_case_without_dashes_is_found(client, voice):
    code = voice.tracking_code.replace("-", " ").lower()
    assert "望江花园小区电梯长期故障" in look_up(client, code, "5678")


def test_a_progressed_voice_shows_its_new_status(client, voice):
    voice.status = Voice.Status.IN_PROGRESS
    voice.save()
    assert "Being handled" in look_up(client, voice.tracking_code, "5678")


def test_wrong_digits_and_a_wrong_code_give_the_same_answer(client, voice):
    wrong_digits = look_up(client, voice.tracking_code, "0000")
    wrong_code = look_up(client, "ZZZZ-ZZZZ-ZZ", "5678")
    for page in (wrong_digits, wrong_code):
        assert NOT_FOUND in page
        assert "望江花园小区电梯长期故障" not in page and "住房" not in page

    def answer(page: str) -> str:  # the page minus the echoed input and the CSRF token
        return page[page.index("<main") : page.index("<form method")]

    assert answer(wrong_digits) == answer(wrong_code)


def test_an_anonymous_voice_cannot_be_looked_up_and_the_form_says_so(client, city):
    anonymous = Voice.objects.create(channel=Voice.Channel.WEB, subject="匿名反映", body="…")
    assert "Voices sent without a phone number cannot be looked up here." in (
        client.get("/status/").content.decode()
    )
    assert NOT_FOUND in look_up(client, anonymous.tracking_code, "0000")


def test_digits_that_are_not_four_are_pointed_out(client, voice):
    page = look_up(client, voice.tracking_code, "56a")
    assert "Enter exactly four digits." in page and NOT_FOUND not in page


def test_the_receipts_link_fills_in_the_code(client):
    page = client.get("/status/?code=K7QX-9M2A-TP").content.decode()
    assert 'value="K7QX-9M2A-TP"' in page


def test_a_voice_submitted_on_the_form_can_be_followed_on_the_status_page(
    client, settings, tmp_path
):
    from massline.voices.tests.samples import voice_form

    settings.MEDIA_ROOT = tmp_path
    receipt = client.post("/submit/", voice_form(phone="+86 138-0000-4321"), follow=True)
    code = receipt.context["code"]
    assert "Received (已受理)" in look_up(client, code, "4321")
