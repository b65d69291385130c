"""The staff list of voices and the page of one voice."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from massline.voices.models import Voice

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def listing(client, **filters) -> str:
    response = client.get(reverse("staff-home"), filters)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_newest_first_with_code_channel_place_and_masked_person(
    operator_client, voice, south_voice
):
    anonymous = Voice.objects.create(
        channel=Voice.Channel.LETTER,
        subject="建议增设公交站",
        body="……",
        kind=Voice.Kind.SUGGESTION,
    )
    page = listing(operator_client)
    assert (
        page.index(anonymous.subject) < page.index(south_voice.subject) < page.index(voice.subject)
    )
    assert voice.tracking_code in page
    assert "12345 hotline" in page and "Letter (来信)" in page
    assert "望江花园3栋" in page and "望江街道" in page
    assert "江北区住房和城乡建设局" in page and "物业管理" in page
    assert "王**" in page and "139****5678" in page
    assert "anonymous" in page
    assert reverse("voice-detail", args=[voice.pk]) in page


def test_the_list_counts_voices_by_channel(operator_client, voice, south_voice):
    Voice.objects.create(channel=Voice.Channel.HOTLINE, subject="热线二", body="…")
    page = listing(operator_client)
    assert "By channel" in page
    hotline_row = page[page.index("12345 hotline</th>") :]
    assert '<td class="num">2</td>' in hotline_row[:200]
    assert "3 voices" in page


def test_filters_narrow_the_list(operator_client, city, voice, south_voice):
    def subjects(**filters):
        page = listing(operator_client, **filters)
        return {v.subject for v in (voice, south_voice) if v.subject in page}

    assert subjects(channel="web") == {south_voice.subject}
    assert subjects(area=city["north"].pk) == {voice.subject}  # a district includes its streets
    assert subjects(category=city["environment"].pk) == {south_voice.subject}  # and subcategories
    assert subjects(department=city["housing"].pk) == {voice.subject}
    assert subjects(q="电梯") == {voice.subject}
    assert subjects(kind="complaint", status="received") == {voice.subject, south_voice.subject}
    assert subjects(status="closed") == set()


def test_the_date_range_filter_uses_the_received_day(operator_client, voice, south_voice):
    voice.received_at = datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)
    voice.save()
    south_voice.received_at = datetime(2025, 3, 5, 23, 30, tzinfo=SHANGHAI)
    south_voice.save()
    page = listing(operator_client, since="2025-03-02", until="2025-03-05")
    assert south_voice.subject in page and voice.subject not in page


def test_an_invalid_filter_says_what_is_wrong_and_shows_nothing(operator_client, voice):
    page = listing(operator_client, since="yesterday")
    assert "Enter a valid date." in page
    assert voice.subject not in page


def test_the_list_pages_by_fifty_without_a_query_per_row(operator_client, city):
    Voice.objects.bulk_create(
        Voice(
            channel=Voice.Channel.HOTLINE,
            subject=f"第{i}号来电",
            body="…",
            area=city["north_street"],
            category=city["property"],
            department=city["housing"],
            phone=f"139000000{i:02d}",
            tracking_code=f"TEST-{i:04d}-AA",
        )
        for i in range(60)
    )
    with CaptureQueriesContext(connection) as queries:
        first = listing(operator_client)
    assert len(queries) < 15
    assert first.count('href="/staff/voices/') == 50
    assert "Page 1 of 2" in first
    second = listing(operator_client, page=2)
    assert second.count('href="/staff/voices/') == 10


def test_the_page_of_a_voice_shows_everything_but_the_person_in_clear(
    operator_client, people, voice
):
    voice.source = "市长信箱"
    voice.external_id = "A-1024"
    voice.extra = {"答复意见": "已转物业公司处理"}
    voice.created_by = people["operator"]
    voice.save()
    response = operator_client.get(reverse("voice-detail", args=[voice.pk]))
    page = response.content.decode()
    assert voice.tracking_code in page and voice.subject in page
    assert "老人上下楼困难" in page
    assert "临江市江北区望江街道" in page and "城乡建设 / 物业管理" in page
    assert "市长信箱" in page and "A-1024" in page and "已转物业公司处理" in page
    assert "王**" in page and "139****5678" in page and "江北区望江路****" in page
    assert "王秀英" not in page and "13912345678" not in page and "望江路18号" not in page
    assert "Reveal" in page


def test_the_page_of_a_voice_lists_its_attachments(operator_client, voice, attachment):
    page = operator_client.get(reverse("voice-detail", args=[voice.pk])).content.decode()
    assert "电梯维修申请.pdf" in page
    assert reverse("attachment-download", args=[attachment.pk]) in page


def test_a_script_in_a_subject_is_shown_as_text(operator_client, voice):
    voice.subject = "<script>alert('x')</script>"
    voice.body = "<img src=x onerror=alert(1)>"
    voice.save()
    for url in (reverse("staff-home"), reverse("voice-detail", args=[voice.pk])):
        page = operator_client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page


def test_an_unknown_voice_is_not_found(operator_client, voice):
    assert operator_client.get(reverse("voice-detail", args=[voice.pk + 1])).status_code == 404
