"""Who may open which voice on the staff side: departments, areas, roles, the anonymous."""

import re

from django.test import Client
from django.urls import reverse

from massline.voices.models import ApiToken, PersonalDataAccess, Voice


def staff_urls(voice, attachment) -> list[tuple[str, str]]:
    return [
        ("get", reverse("staff-home")),
        ("get", reverse("voice-detail", args=[voice.pk])),
        ("post", reverse("voice-reveal", args=[voice.pk])),
        ("get", reverse("attachment-download", args=[attachment.pk])),
        ("get", reverse("quick-entry")),
        ("post", reverse("quick-entry")),
        ("get", reverse("quick-entry-caller") + "?phone=13912345678"),
        ("get", reverse("access-log")),
    ]


def test_the_public_is_sent_to_log_in_from_every_staff_page_and_sees_no_person(
    client, voice, attachment
):
    for method, url in staff_urls(voice, attachment):
        response = getattr(client, method)(url, {"purpose": "curious"} if method == "post" else {})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
        assert "王秀英" not in response.content.decode() and "5678" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()
    assert Voice.objects.count() == 1


def test_a_handler_of_another_department_cannot_find_the_voice_at_all(
    client, people, voice, attachment
):
    client.force_login(people["ecology_handler"])
    assert client.get(reverse("voice-detail", args=[voice.pk])).status_code == 404
    reveal = client.post(reverse("voice-reveal", args=[voice.pk]), {"purpose": "call back"})
    assert reveal.status_code == 404
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404
    assert voice.subject not in client.get(reverse("staff-home")).content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_handler_of_the_responsible_department_sees_the_voice(client, people, voice):
    client.force_login(people["housing_handler"])
    assert voice.subject in client.get(reverse("staff-home")).content.decode()
    response = client.get(reverse("voice-detail", args=[voice.pk]))
    assert response.status_code == 200
    assert voice.subject in response.content.decode()


def test_a_leader_sees_the_voices_of_their_district_but_not_the_other(
    client, people, voice, south_voice
):
    client.force_login(people["leader"])
    listing = client.get(reverse("staff-home")).content.decode()
    assert voice.subject in listing
    assert south_voice.subject not in listing
    assert client.get(reverse("voice-detail", args=[voice.pk])).status_code == 200
    assert client.get(reverse("voice-detail", args=[south_voice.pk])).status_code == 404


def test_an_account_without_a_role_sees_no_voices(client, people, voice):
    client.force_login(people["nobody"])
    assert voice.subject not in client.get(reverse("staff-home")).content.decode()
    assert client.get(reverse("voice-detail", args=[voice.pk])).status_code == 404


def test_the_auditor_reads_voices_but_may_not_reveal_a_person_or_open_attachments(
    client, people, voice, attachment
):
    client.force_login(people["auditor"])
    detail = client.get(reverse("voice-detail", args=[voice.pk]))
    assert detail.status_code == 200
    assert "王秀英" not in detail.content.decode()
    assert "Reveal" not in detail.content.decode()
    reveal = client.post(reverse("voice-reveal", args=[voice.pk]), {"purpose": "audit"})
    assert reveal.status_code == 403
    assert "王秀英" not in reveal.content.decode()
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_only_the_auditor_reads_the_access_log(client, people, voice):
    for name in ("operator", "housing_handler", "leader", "admin"):
        client.force_login(people[name])
        assert client.get(reverse("access-log")).status_code == 403, name
    client.force_login(people["auditor"])
    assert client.get(reverse("access-log")).status_code == 200


def test_only_operators_have_quick_entry(client, people):
    for name in ("housing_handler", "leader", "auditor", "admin"):
        client.force_login(people[name])
        assert client.get(reverse("quick-entry")).status_code == 403, name
        assert (
            client.get(reverse("quick-entry-caller"), {"phone": "13912345678"}).status_code == 403
        )
    assert not PersonalDataAccess.objects.exists()


def test_reveal_and_quick_entry_refuse_a_post_without_the_csrf_token(people, voice):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["operator"])
    reveal = client.post(reverse("voice-reveal", args=[voice.pk]), {"purpose": "call back"})
    assert reveal.status_code == 403
    entry = client.post(
        reverse("quick-entry"),
        {"phone": "13900000000", "kind": "help", "subject": "x", "body": "y", "channel": "hotline"},
    )
    assert entry.status_code == 403
    assert not PersonalDataAccess.objects.exists()
    assert Voice.objects.count() == 1


def test_an_administrator_issues_an_api_token_and_sees_it_only_once(client, people):
    client.force_login(people["admin"])
    response = client.post(
        reverse("admin:voices_apitoken_add"),
        {"name": "12345 hotline system", "user": people["operator"].pk, "is_active": "on"},
        follow=True,
    )
    page = response.content.decode()
    token = ApiToken.objects.get()
    clear = re.search(r"ml_[\w-]{40,}", page)[0]
    assert ApiToken.digest_of(clear) == token.digest
    assert (token.name, token.user, token.is_active) == (
        "12345 hotline system",
        people["operator"],
        True,
    )
    again = client.get(reverse("admin:voices_apitoken_change", args=[token.pk])).content.decode()
    assert clear not in again and token.prefix in again


def test_the_access_log_cannot_be_edited_or_deleted_in_the_admin(client, people, voice):
    access = PersonalDataAccess.objects.create(
        user=people["operator"], voice=voice, action="reveal"
    )
    client.force_login(people["admin"])
    people["admin"].is_superuser = True
    people["admin"].save()
    assert client.get(reverse("admin:voices_personaldataaccess_add")).status_code == 403
    delete = client.post(
        reverse("admin:voices_personaldataaccess_delete", args=[access.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert PersonalDataAccess.objects.filter(pk=access.pk).exists()
