"""Rate limits on the public endpoints: per client address, counted in the database."""

import time

import pytest
from django.test import override_settings

from massline.voices.models import Voice
from massline.voices.tests.samples import voice_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(client, **meta):
    return client.post("/submit/", voice_form(), **meta)


@override_settings(PUBLIC_SUBMIT_RATE="3/600")
def test_the_submission_over_the_limit_gets_429_with_how_long_to_wait_and_saves_nothing(client):
    assert [submit(client).status_code for _ in range(3)] == [303, 303, 303]
    refused = submit(client)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many requests came from your network" in page and "nothing was saved" in page
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 600
    assert f"Please wait {(wait + 59) // 60} minute" in page
    assert Voice.objects.count() == 3


@override_settings(PUBLIC_SUBMIT_RATE="1/600")
def test_another_address_may_still_submit(client):
    submit(client, REMOTE_ADDR="10.0.0.1")
    assert submit(client, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert submit(client, REMOTE_ADDR="10.0.0.2").status_code == 303


@override_settings(PUBLIC_SUBMIT_RATE="1/600", TRUSTED_PROXIES=0)
def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client):
    submit(client, HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert submit(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


@override_settings(PUBLIC_SUBMIT_RATE="1/600", TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(client):
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    assert submit(client, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 303
    assert submit(client, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 303
    # The client may prepend anything; the proxy's own entry (the last) still counts.
    forged = "198.51.100.1, 203.0.113.7"
    assert submit(client, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


@override_settings(PUBLIC_SUBMIT_RATE="1/600", TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_second_entry_from_the_end_is_the_client(client):
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    submit(client, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9", **proxy)
    assert submit(client, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.8", **proxy).status_code == 429
    assert submit(client, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.9", **proxy).status_code == 303


@override_settings(PUBLIC_SUBMIT_RATE="1/600")
def test_opening_the_form_does_not_count(client):
    for _ in range(5):
        assert client.get("/submit/").status_code == 200
    assert submit(client).status_code == 303


@override_settings(PUBLIC_SUBMIT_RATE="1/600")
def test_invalid_submissions_count_too(client):
    client.post("/submit/", voice_form(subject=""))
    assert submit(client).status_code == 429
    assert Voice.objects.count() == 0


@override_settings(PUBLIC_SUBMIT_RATE="1/1")
def test_the_limit_resets_when_its_window_ends(client):
    submit(client)
    time.sleep(1.05)
    assert submit(client).status_code == 303


@override_settings(PUBLIC_LOOKUP_RATE="2/600", PUBLIC_SUBMIT_RATE="1/600")
def test_status_lookups_have_their_own_limit(client):
    assert submit(client).status_code == 303  # uses up the submission limit, not the lookups'
    lookup = {"code": "AAAA-BBBB-CC", "last4": "1234"}
    assert [client.post("/status/", lookup).status_code for _ in range(2)] == [200, 200]
    refused = client.post("/status/", lookup)
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_are_all_counted_so_a_burst_cannot_slip_past_the_limit():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.test import RequestFactory

    from massline.voices.ratelimit import hit

    request = RequestFactory().post("/submit/", REMOTE_ADDR="192.0.2.9")

    def one(_):
        try:
            return hit("burst", request, "5/600")
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        waits = list(pool.map(one, range(40)))
    assert waits.count(0) == 5
