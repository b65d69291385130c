"""The person's status page (code + last four digits) shows their case in plain words:
accepted or declined and why, with which department and leader, the reply — and, while it
waits for their verdict, lets them rate it."""

import pytest
from django.urls import reverse

from massline.cases.models import Callback, Case
from massline.voices.models import Voice

REPLY = "已于3月5日派员更换电梯主板，经3月8日复检合格，电梯已恢复运行。"


def look_up(client, voice, last4="5678", **more):
    data = {"code": voice.tracking_code, "last4": last4, **more}
    return client.post(reverse("public-status"), data)


def test_a_declined_voice_shows_the_reason(client, voice, people):
    Case.decline(voice, people["operator"], "属于司法诉讼范围，请向人民法院起诉。")
    text = look_up(client, voice).content.decode()
    assert "Not accepted on" in text and "属于司法诉讼范围" in text


def test_a_dispatched_case_shows_the_department_its_deadline_and_the_leader(
    client, voice, people, city
):
    leader = people["leader"]
    leader.first_name, leader.last_name = "建国", "李"
    leader.save()
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    case.set_owner(people["operator"], leader)
    text = look_up(client, voice).content.decode()
    assert "Accepted on" in text
    assert "With 江北区住房和城乡建设局." in text and "A reply is due by" in text
    assert "Leader in charge" in text and "李建国" in text
    assert "How was the reply?" not in text


@pytest.fixture
def replied(voice, people, city):
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    reply, _token = case.reply(people["housing_handler"], "resolved", REPLY)
    return case, reply


def test_the_person_reads_the_reply_and_rates_it_from_the_status_page(client, voice, replied):
    case, reply = replied
    text = look_up(client, voice).content.decode()
    assert REPLY in text and "Resolved" in text and "How was the reply?" in text

    done = look_up(client, voice, rating="dissatisfied", solved="no", reply=reply.pk)
    assert "handled again" in done.content.decode()
    assert Callback.objects.get().via == "link"
    case.refresh_from_db()
    assert case.reopened == 1
    later = look_up(client, voice).content.decode()
    assert "How was the reply?" not in later and "1 time" in later


def test_wrong_digits_show_nothing_and_rate_nothing(client, voice, replied):
    case, reply = replied
    response = look_up(
        client, voice, last4="0000", rating="satisfied", solved="yes", reply=reply.pk
    )
    text = response.content.decode()
    assert "No voice was found" in text and REPLY not in text
    assert not Callback.objects.exists()


def test_an_incomplete_verdict_is_refused(client, voice, replied):
    case, reply = replied
    text = look_up(client, voice, rating="satisfied", reply=reply.pk).content.decode()
    assert "Please answer both questions." in text
    assert not Callback.objects.exists()


def test_a_merged_voice_follows_its_case_but_the_case_is_rated_by_its_own_person(
    client, voice, people, city
):
    case = Case.accept(voice, people["operator"])
    repeat = Voice.objects.create(
        channel=Voice.Channel.HOTLINE, subject="电梯又坏", body="同上", phone="13700001111"
    )
    Case.merge(repeat, people["operator"], case)
    case.dispatch(people["operator"], city["housing"])
    case.reply(people["housing_handler"], "resolved", REPLY)
    text = look_up(client, repeat, last4="1111").content.decode()
    assert "Handled together with other voices" in text and REPLY in text
    assert "How was the reply?" not in text
