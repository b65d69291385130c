"""Operator quick entry: a call typed in, a tracking code read back, repeat callers noticed."""

import pytest
from django.db import connection
from django.urls import reverse

from massline.voices.models import PersonalDataAccess, Voice


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def call(**overrides) -> dict:
    """A complete quick entry form; override fields to vary it."""
    return {
        "phone": "139 1234 5678",
        "name": "王秀英",
        "kind": "complaint",
        "subject": "电梯又坏了",
        "body": "望江花园3栋电梯修好一周又坏了。",
        "place": "望江花园3栋",
        "area": "",
        "address": "江北区望江路18号3栋",
        "channel": "hotline",
        **overrides,
    }


def test_the_form_starts_on_the_phone_with_the_hotline_chosen(operator_client):
    page = operator_client.get(reverse("quick-entry")).content.decode()
    phone = page[page.index('name="phone"') - 100 : page.index('name="phone"') + 200]
    assert "autofocus" in phone
    assert '<option value="hotline" selected>' in page
    names = ["phone", "name", "kind", "subject", "body", "place", "area", "address"]
    positions = [page.index(f'name="{name}"') for name in names]
    assert positions == sorted(positions)  # in the order a caller tells it


def test_a_call_is_saved_and_its_tracking_code_shown_above_a_blank_form(
    operator_client, people, city
):
    response = operator_client.post(
        reverse("quick-entry"), call(area=city["north_street"].pk, consent_to_publish="on")
    )
    assert response.status_code == 302 and response["Location"] == reverse("quick-entry")
    saved = Voice.objects.get()
    assert saved.channel == "hotline" and saved.kind == "complaint"
    assert saved.created_by == people["operator"]
    assert saved.area == city["north_street"] and saved.consent_to_publish
    assert (saved.name, saved.phone) == ("王秀英", "13912345678")
    page = operator_client.get(response["Location"]).content.decode()
    assert saved.tracking_code in page and "Read this tracking code to the caller" in page
    assert 'value="王秀英"' not in page and 'value="13912345678"' not in page
    # The code is shown once: the next call's page is clean.
    assert saved.tracking_code not in operator_client.get(reverse("quick-entry")).content.decode()


def test_the_phone_name_and_address_are_stored_encrypted(operator_client):
    operator_client.post(reverse("quick-entry"), call())
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, address, person_key FROM voices_voice")
        name, phone, address, person_key = cursor.fetchone()
    for stored in (name, phone, address):
        assert stored.startswith("v1:")
    assert "13912345678" not in phone and "5678" not in phone
    assert person_key


def test_a_visit_or_a_letter_can_be_entered_too(operator_client):
    operator_client.post(reverse("quick-entry"), call(channel="visit"))
    operator_client.post(reverse("quick-entry"), call(channel="letter", phone=""))
    assert sorted(Voice.objects.values_list("channel", flat=True)) == ["letter", "visit"]


def test_bad_input_is_refused_field_by_field_and_keeps_what_was_typed(operator_client):
    response = operator_client.post(
        reverse("quick-entry"), call(body="", phone="12ab", kind="", channel="web")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"body", "phone", "kind", "channel"}
    assert "This is not a Chinese phone number" in errors["phone"][0]
    page = response.content.decode()
    assert "nothing was saved" in page
    assert 'value="电梯又坏了"' in page and 'value="12ab"' in page and "望江花园3栋" in page
    assert not Voice.objects.exists()


def test_typing_a_repeat_callers_phone_shows_their_earlier_voices_only(
    operator_client, people, voice, south_voice
):
    Voice.objects.create(
        channel=Voice.Channel.WEB, subject="电梯维修后仍有异响", body="…", phone="+86 139-1234-5678"
    )
    response = operator_client.get(reverse("quick-entry-caller"), {"phone": "13912345678"})
    page = response.content.decode()
    assert "Repeat caller: 2 earlier voices" in page
    assert voice.tracking_code in page and "电梯维修后仍有异响" in page
    assert south_voice.subject not in page and south_voice.tracking_code not in page
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.voice) == (people["operator"], "lookup", None)
    assert access.purpose == "quick entry caller lookup"


def test_a_new_caller_has_no_earlier_voices(operator_client, voice):
    page = operator_client.get(reverse("quick-entry-caller"), {"phone": "13800000000"})
    assert "No earlier voices from this phone." in page.content.decode()
    assert PersonalDataAccess.objects.filter(action="lookup").count() == 1


def test_a_phone_too_short_to_search_is_not_looked_up(operator_client, voice):
    page = operator_client.get(reverse("quick-entry-caller"), {"phone": "139123"})
    assert voice.tracking_code not in page.content.decode()
    assert not PersonalDataAccess.objects.exists()
