"""The person's one-time callback link (回访): a phone-sized page with the reply and two
questions, no account; it works once, an unknown and a used link look the same, it is
rate-limited and needs the CSRF token; dissatisfied or unsolved reopens the case."""

import pytest
from django.test import Client
from django.urls import reverse

from massline.cases.models import Callback, Case

REPLY = "已于3月5日派员更换电梯主板，经3月8日复检合格，电梯已恢复运行。"


def main(response) -> str:
    """The page's content, without what differs on every page (CSRF token, own address)."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


@pytest.fixture
def replied(voice, people, city):
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    reply, token = case.reply(people["housing_handler"], "resolved", REPLY)
    return case, reply, reverse("case-callback", args=[token])


def test_the_person_reads_the_reply_and_rates_it_once(client, replied):
    case, reply, url = replied
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert REPLY in text and case.voice.subject in text and "江北区住房和城乡建设局" in text
    assert 'name="viewport"' in text  # made for a phone
    assert "王秀英" not in text and "13912345678" not in text

    done = client.post(url, {"rating": "satisfied", "solved": "yes", "comment": "谢谢"})
    assert "Your case is closed." in done.content.decode()
    callback = Callback.objects.get()
    assert (callback.via, callback.recorded_by, callback.comment) == ("link", None, "谢谢")
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED

    again = client.post(url, {"rating": "dissatisfied", "solved": "no"})
    assert again.status_code == 404 and "no longer valid" in again.content.decode()
    assert Callback.objects.count() == 1


def test_an_unknown_link_and_a_used_one_get_the_same_page(client, replied):
    case, reply, url = replied
    client.post(url, {"rating": "basically", "solved": "yes"})
    used = client.get(url)
    unknown = client.get(reverse("case-callback", args=["x" * 32]))
    assert used.status_code == unknown.status_code == 404
    assert main(used) == main(unknown)


def test_dissatisfied_reopens_the_case_and_its_counter_shows(client, replied, people):
    case, reply, url = replied
    done = client.post(url, {"rating": "basically", "solved": "no", "comment": "还没修好"})
    assert "handled again" in done.content.decode()
    case.refresh_from_db()
    assert (case.status, case.reopened) == (Case.Status.DISPATCHED, 1)


@pytest.mark.parametrize(
    "data", [{}, {"rating": "satisfied"}, {"rating": "delighted", "solved": "yes"}]
)
def test_an_incomplete_answer_is_refused_and_nothing_is_recorded(client, replied, data):
    case, reply, url = replied
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Please answer both questions." in response.content.decode()
    assert not Callback.objects.exists()
    assert client.get(url).status_code == 200  # the link still works


def test_the_link_needs_the_csrf_token(replied):
    case, reply, url = replied
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert browser.post(url, {"rating": "satisfied", "solved": "yes"}).status_code == 403
    assert not Callback.objects.exists()


def test_answers_are_rate_limited_per_client(client, replied, settings):
    case, reply, url = replied
    settings.PUBLIC_CALLBACK_RATE = "2/600"
    for _ in range(2):
        client.post(reverse("case-callback", args=["guess" * 8]), {"rating": "satisfied"})
    limited = client.post(url, {"rating": "satisfied", "solved": "yes"})
    assert limited.status_code == 429
    assert not Callback.objects.exists()


def test_after_a_phone_callback_the_link_no_longer_works(client, replied, people):
    case, reply, url = replied
    case.rate(reply, "satisfied", True, by=people["operator"])
    assert client.get(url).status_code == 404
