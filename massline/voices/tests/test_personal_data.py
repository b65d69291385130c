"""A person's clear data on the staff side: shown only on a logged reveal, audited after."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from massline.voices.models import PersonalDataAccess

CLEAR = ("王秀英", "13912345678", "江北区望江路18号3栋")


@pytest.fixture
def handler_client(client, people):
    client.force_login(people["housing_handler"])
    return client


def reveal(client, voice, **data):
    return client.post(reverse("voice-reveal", args=[voice.pk]), data, REMOTE_ADDR="10.1.2.3")


def test_lists_and_pages_never_show_the_clear_person(handler_client, voice):
    for url in (reverse("staff-home"), reverse("voice-detail", args=[voice.pk])):
        page = handler_client.get(url).content.decode()
        assert "139****5678" in page
        for clear in CLEAR:
            assert clear not in page, url
    assert not PersonalDataAccess.objects.exists()


def test_reveal_shows_the_clear_person_and_logs_who_why_and_from_where(
    handler_client, people, voice
):
    response = reveal(handler_client, voice, purpose="回访核实电梯维修情况")
    assert response.status_code == 200
    page = response.content.decode()
    for clear in CLEAR:
        assert clear in page
    assert "your access has been logged" in page
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.voice, access.action) == (
        people["housing_handler"],
        voice,
        "reveal",
    )
    assert access.purpose == "回访核实电梯维修情况"
    assert access.ip == "10.1.2.3"


def test_reveal_through_htmx_answers_with_the_person_block_only(handler_client, voice):
    response = handler_client.post(
        reverse("voice-reveal", args=[voice.pk]),
        {"purpose": "回访"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="person",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card person" id="person">')
    assert "王秀英" in page and "<html" not in page


def test_reveal_without_a_purpose_is_refused_and_logs_nothing(handler_client, voice):
    response = reveal(handler_client, voice, purpose="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why you need the clear data" in page
    for clear in CLEAR:
        assert clear not in page
    assert not PersonalDataAccess.objects.exists()


def test_reveal_by_get_is_not_possible(handler_client, voice):
    response = handler_client.get(reverse("voice-reveal", args=[voice.pk]))
    assert response.status_code == 405
    assert not PersonalDataAccess.objects.exists()


def test_an_attachment_downloads_as_a_file_and_is_logged(handler_client, people, voice, attachment):
    response = handler_client.get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.voice, access.action) == (
        people["housing_handler"],
        voice,
        "attachment",
    )


def test_the_auditor_reads_who_revealed_what_and_why(client, people, voice):
    client.force_login(people["housing_handler"])
    reveal(client, voice, purpose="回访核实")
    client.force_login(people["auditor"])
    page = client.get(reverse("access-log")).content.decode()
    assert "housing" in page and "Revealed name, phone and address" in page
    assert voice.tracking_code in page and "回访核实" in page and "10.1.2.3" in page
    for clear in CLEAR:
        assert clear not in page


def test_the_access_log_filters_by_user_and_date(client, people, voice):
    PersonalDataAccess.objects.create(
        user=people["operator"],
        voice=voice,
        action="reveal",
        purpose="上周的回访",
        at=timezone.now() - timedelta(days=8),
    )
    PersonalDataAccess.objects.create(
        user=people["leader"], voice=voice, action="reveal", purpose="今天的督办"
    )
    client.force_login(people["auditor"])
    log = reverse("access-log")
    by_user = client.get(log, {"user": people["operator"].pk}).content.decode()
    assert "上周的回访" in by_user and "今天的督办" not in by_user
    today = timezone.localdate().isoformat()
    by_date = client.get(log, {"since": today, "until": today}).content.decode()
    assert "今天的督办" in by_date and "上周的回访" not in by_date


def test_the_admin_shows_the_person_masked_and_never_in_a_form(client, people, voice, attachment):
    people["admin"].is_superuser = True  # who may change voices there
    people["admin"].save()
    client.force_login(people["admin"])
    for url in (
        reverse("admin:voices_voice_changelist"),
        reverse("admin:voices_voice_change", args=[voice.pk]),
        reverse("admin:voices_attachment_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for clear in CLEAR:
            assert clear not in page, url
    assert "139****5678" in client.get(reverse("admin:voices_voice_changelist")).content.decode()
    assert not PersonalDataAccess.objects.exists()
