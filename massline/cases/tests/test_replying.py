"""A department answers a case: the reply check warns before sending, the handler edits or
sends anyway (the warnings are kept), bad input is refused with nothing written, other
departments and other roles cannot reply; an operator records a phone callback."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from massline.cases.models import Callback, Case, Reply

GOOD_REPLY = (
    "关于望江花园3栋电梯长期故障的问题，江北区住建局于3月5日派维保单位检修人员到现场，"
    "更换了电梯主板和曳引钢丝绳，经市特种设备检验所3月8日复检合格，电梯已恢复运行。"
)
VAGUE_REPLY = "您好，您反映的问题已收到，我们高度重视，感谢您的关注。"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def case(voice, people, city):
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    return case


@pytest.fixture
def handler(client, people):
    client.force_login(people["housing_handler"])
    return people["housing_handler"]


def post_reply(client, case, **data):
    return client.post(reverse("case-reply", args=[case.pk]), data, headers=HTMX)


def test_the_check_warns_about_a_vague_reply_and_finds_nothing_in_a_concrete_one(
    client, case, handler
):
    url = reverse("case-reply-check", args=[case.pk])
    vague = client.post(url, {"disposition": "resolved", "text": VAGUE_REPLY}, headers=HTMX)
    assert vague.status_code == 200
    text = vague.content.decode()
    assert "does not address some main points" in text
    assert "says the problem is resolved but not what was done" in text
    assert "电梯" in text  # the point missed is named
    good = client.post(url, {"disposition": "resolved", "text": GOOD_REPLY}, headers=HTMX)
    assert "found nothing to warn about" in good.content.decode()
    assert not Reply.objects.exists()


def test_a_reply_with_warnings_is_sent_only_when_the_handler_sends_it_anyway(client, case, handler):
    first = post_reply(client, case, disposition="resolved", text=VAGUE_REPLY)
    assert first.status_code == 200
    assert "Send anyway" in first.content.decode()
    assert not Reply.objects.exists()

    sent = post_reply(client, case, disposition="resolved", text=VAGUE_REPLY, anyway="1")
    assert sent["HX-Redirect"] == reverse("case-detail", args=[case.pk])
    reply = Reply.objects.get()
    assert reply.author == handler and reply.department == case.department
    assert {"points_not_addressed", "no_action_taken"} <= {w["code"] for w in reply.warnings}
    assert Case.objects.get(pk=case.pk).status == Case.Status.REPLIED


def test_a_concrete_reply_is_sent_at_once_without_warnings(client, case, handler):
    response = client.post(
        reverse("case-reply", args=[case.pk]), {"disposition": "resolved", "text": GOOD_REPLY}
    )
    assert response.status_code == 303
    assert Reply.objects.get().warnings == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"disposition": "resolved", "text": "  "}, "The reply is empty."),
        ({"disposition": "not_yet", "text": GOOD_REPLY}, "Say when it can be solved"),
        (
            {"disposition": "not_yet", "text": GOOD_REPLY, "expected_by": "2020-01-01"},
            "That date has passed.",
        ),
        ({"disposition": "not_yet", "text": GOOD_REPLY, "expected_by": "soon"}, "valid date"),
        ({"disposition": "not_in_policy", "text": GOOD_REPLY}, "Name the policy or law"),
        ({"disposition": "whatever", "text": GOOD_REPLY}, "Select a valid choice"),
        ({"text": GOOD_REPLY}, "This field is required"),
    ],
)
def test_bad_replies_are_refused_with_a_clear_message_and_nothing_changes(
    client, case, handler, data, error
):
    response = client.post(reverse("case-reply", args=[case.pk]), {**data, "anyway": "1"})
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Reply.objects.exists()
    assert Case.objects.get(pk=case.pk).status == Case.Status.DISPATCHED


def test_each_disposition_keeps_what_it_needs(client, case, handler):
    later = timezone.localdate() + timedelta(days=30)
    post_reply(
        client,
        case,
        disposition="not_yet",
        text="电梯需整机更换，已列入2025年加装改造计划，资金到位后由住建局组织施工。",
        expected_by=later.isoformat(),
        anyway="1",
    )
    reply = Reply.objects.get()
    assert (reply.disposition, reply.expected_by) == ("not_yet", later)


def test_another_department_never_sees_nor_replies_and_other_roles_may_not(client, case, people):
    url = reverse("case-reply", args=[case.pk])
    data = {"disposition": "resolved", "text": GOOD_REPLY}
    client.force_login(people["ecology_handler"])
    assert client.post(url, data).status_code == 404
    assert client.post(reverse("case-reply-check", args=[case.pk]), data).status_code == 404
    client.force_login(people["nobody"])
    assert client.post(url, data).status_code == 404
    client.force_login(people["operator"])  # sees every case, but does not answer them
    assert client.post(url, data).status_code == 403
    client.logout()
    assert client.post(url, data).status_code == 302
    assert not Reply.objects.exists()


def test_a_reply_without_the_csrf_token_is_refused(case, people):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(people["housing_handler"])
    url = reverse("case-reply", args=[case.pk])
    response = browser.post(url, {"disposition": "resolved", "text": GOOD_REPLY})
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_a_case_replied_already_takes_no_second_reply(client, case, handler):
    post_reply(client, case, disposition="resolved", text=GOOD_REPLY, anyway="1")
    again = client.post(
        reverse("case-reply", args=[case.pk]),
        {"disposition": "resolved", "text": GOOD_REPLY, "anyway": "1"},
    )
    assert again.status_code == 422
    assert "that step is not possible now" in again.content.decode()
    assert Reply.objects.count() == 1


def test_an_operator_records_a_phone_callback_that_reopens_the_case(client, case, people):
    case.reply(people["housing_handler"], "resolved", GOOD_REPLY)
    url = reverse("case-phone-callback", args=[case.pk])
    client.force_login(people["housing_handler"])  # a department cannot judge itself
    assert client.post(url, {"rating": "satisfied", "solved": "yes"}).status_code == 403
    client.force_login(people["operator"])
    refused = client.post(url, {"rating": "satisfied"}, headers=HTMX)
    assert "Say whether the problem was solved." in refused.content.decode()
    assert not Callback.objects.exists()

    client.post(url, {"rating": "dissatisfied", "solved": "no", "comment": "电梯还是坏的"})
    callback = Callback.objects.get()
    assert (callback.via, callback.recorded_by) == ("phone", people["operator"])
    case.refresh_from_db()
    assert (case.status, case.reopened) == (Case.Status.DISPATCHED, 1)
    # the answer block lists the reply with its verdict and shows the reopening counter
    client.force_login(people["housing_handler"])
    page = client.post(url.replace("phone-callback", "reply"), {"text": ""}, headers=HTMX)
    text = page.content.decode()
    assert "reopened 1 time" in text
    assert "by phone, recorded by operator" in text and "电梯还是坏的" in text
    assert "江北区住房和城乡建设局" in text and "housing" in text
    assert "Reply to the person" in text  # the department answers again


def test_a_phone_callback_on_a_case_not_waiting_for_one_is_refused(client, case, people):
    client.force_login(people["operator"])
    url = reverse("case-phone-callback", args=[case.pk])
    response = client.post(url, {"rating": "satisfied", "solved": "yes"})
    assert response.status_code == 422
    assert not Callback.objects.exists()


def test_the_case_page_offers_the_reply_form_to_the_department_and_the_callback_to_operators(
    client, case, people
):
    page = reverse("case-detail", args=[case.pk])
    client.force_login(people["housing_handler"])
    assert "Reply to the person" in client.get(page).content.decode()
    client.force_login(people["operator"])
    text = client.get(page).content.decode()
    assert "Reply to the person" not in text and "Record a phone callback" not in text
    case.reply(people["housing_handler"], "resolved", GOOD_REPLY)
    text = client.get(page).content.decode()
    assert "Record a phone callback" in text and GOOD_REPLY in text
    assert "Waiting for the person's verdict." in text
