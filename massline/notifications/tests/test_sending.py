"""Notifications leave through real servers — a mail server and an SMS gateway on
127.0.0.1 — after the step commits, are retried when a server fails, and are given up
(visible to administrators) after the last retry."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massline.cases.models import Case, Reply
from massline.notifications.models import Notification

# The worker closes the database connection: these tests commit for real (the time
# limits and holidays come back after each flush, see massline.cases.starting).
WORKER = pytest.mark.django_db(transaction=True)
GOOD_REPLY = (
    "关于望江花园3栋电梯长期故障的问题，江北区住建局于3月5日派维保单位检修人员到现场，"
    "更换了电梯主板和曳引钢丝绳，经市特种设备检验所3月8日复检合格，电梯已恢复运行。"
)


@pytest.fixture
def case(voice, people, city):
    voice.email = "wang.xiuying@example.com"
    voice.save()
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    return case


SENDS = DBTaskResult.objects.filter(task_path__endswith="send_notification")


def sent_to(address: str) -> list[Notification]:
    """The notifications to ``address`` (stored encrypted: compared once decrypted)."""
    return [n for n in Notification.objects.all() if n.recipient == address]


def send_reply(client, case, handler, text=GOOD_REPLY, **fields):
    client.force_login(handler)
    data = {"disposition": "resolved", "text": text, "anyway": "1", **fields}
    return client.post(reverse("case-reply", args=[case.pk]), data, headers={"HX-Request": "true"})


@WORKER
def test_the_person_gets_the_reply_by_email_and_sms_with_a_link_that_rates_it_once(
    client,
    case,
    people,
    settings,
    smtp_server,
    sms_gateway,
    run_worker,
):
    response = send_reply(client, case, people["housing_handler"])
    assert response.status_code == 200 and response["HX-Redirect"]
    assert not smtp_server  # nothing is sent during the request
    run_worker()

    (mail,) = smtp_server
    assert mail["To"] == "wang.xiuying@example.com"
    assert case.voice.tracking_code in mail["Subject"]
    text = mail.get_content()
    assert "电梯主板" in text
    (sms,) = sms_gateway[0]
    assert (sms["to"], sms["auth"]) == ("13912345678", "Bearer gateway-key")
    link = re.search(r"http://\S+/case/callback/[\w-]+/", text)[0]
    assert link in sms["text"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

    path = link.removeprefix(settings.SITE_URL)
    client.logout()
    assert client.get(path).status_code == 200
    client.post(path, {"rating": "satisfied", "solved": "yes"})
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert b"no longer valid" in client.get(path).content


@WORKER
def test_a_failing_gateway_is_retried_with_backoff_then_given_up(
    case, people, sms_gateway, settings, run_worker
):
    seen, behaviour = sms_gateway
    behaviour["status"] = 500
    settings.NOTIFY_RETRY_AFTER = [60, 300]
    Notification.queue("sms", "13912345678", "", "测试", f"case:{case.pk}")
    run_worker()
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "500" in notification.last_error
    wait = notification.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
    retry = SENDS.filter(status="READY").get()
    assert abs(retry.run_after - notification.next_attempt_at) < timedelta(seconds=5)

    # the retries come due (they are made due here instead of waiting): the gateway still fails
    for _ in range(2):
        SENDS.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 3)
    assert not SENDS.filter(status="READY").exists()
    assert seen == []


@WORKER
def test_a_retry_that_succeeds_marks_the_message_sent(case, sms_gateway, settings, run_worker):
    seen, behaviour = sms_gateway
    behaviour["status"] = 503
    settings.NOTIFY_RETRY_AFTER = [0]
    Notification.queue("sms", "13912345678", "", "第二次", f"case:{case.pk}")
    behaviour["status"] = 200
    run_worker()  # the first try fails only if the gateway is down while it runs
    notification = Notification.objects.get()
    assert notification.status == "sent" and seen[0]["text"] == "第二次"


@WORKER
def test_a_mail_server_that_is_down_never_blocks_the_reply(
    client, case, people, settings, run_worker
):
    from massline.notifications.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    response = send_reply(client, case, people["housing_handler"])
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == Case.Status.REPLIED
    email = Notification.objects.get(channel="email")
    assert email.status == "pending" and email.attempts == 0
    run_worker()
    email.refresh_from_db()
    assert email.attempts == 1 and "Connection refused" in email.last_error


def test_addresses_and_texts_are_encrypted_at_rest(case, people, client):
    send_reply(client, case, people["housing_handler"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, body FROM notifications_notification")
        rows = cursor.fetchall()
    assert rows
    for recipient, body in rows:
        assert recipient.startswith("v1:") and body.startswith("v1:")
        assert "13912345678" not in recipient + body and "example.com" not in recipient


def test_the_handlers_of_a_department_hear_of_a_case_dispatched_to_them(voice, people, city):
    handler = people["housing_handler"]
    handler.email = "housing@example.gov.cn"
    handler.save()
    people["ecology_handler"].email = "ecology@example.gov.cn"
    people["ecology_handler"].save()
    case = Case.accept(voice, people["operator"])
    assert not Notification.objects.exists()
    case.dispatch(people["operator"], city["housing"])
    (notification,) = Notification.objects.all()
    assert notification.recipient == "housing@example.gov.cn"
    assert voice.tracking_code in notification.subject
    assert reverse("case-detail", args=[case.pk]) in notification.body


def test_a_declined_person_reads_the_reason(voice, people):
    Case.decline(voice, people["operator"], "属于司法诉讼范围，请向法院起诉。")
    (sms,) = Notification.objects.filter(channel="sms")
    assert "属于司法诉讼范围" in sms.body and sms.recipient == "13912345678"


def test_a_landline_gets_no_sms_and_an_anonymous_voice_no_message(voice, people, city):
    voice.phone = "057188886666"
    voice.save()
    Case.decline(voice, people["operator"], "重复反映")
    assert not Notification.objects.exists()


def test_people_of_merged_voices_hear_of_the_reply_with_their_status_page(
    case, people, client, city
):
    from massline.voices.models import Voice

    repeat = Voice.objects.create(
        channel=Voice.Channel.HOTLINE, subject="电梯又坏", body="同上", phone="13700001111"
    )
    Case.merge(repeat, people["operator"], case)
    send_reply(client, case, people["housing_handler"])
    (sms,) = sent_to("13700001111")
    assert f"?code={repeat.tracking_code}" in sms.body
    assert "/case/callback/" not in sms.body
    (own,) = sent_to("13912345678")
    assert "/case/callback/" in own.body


def test_a_dissatisfied_verdict_tells_the_person_and_the_department(case, people, client, city):
    people["housing_handler"].email = "housing@example.gov.cn"
    people["housing_handler"].save()
    send_reply(client, case, people["housing_handler"])
    Notification.objects.all().delete()
    reply = Reply.objects.get()
    case.refresh_from_db()
    case.rate(reply, "dissatisfied", solved=False, comment="电梯还是坏的")
    to = set(Notification.objects.values_list("recipient", flat=True))
    assert to == {"13912345678", "wang.xiuying@example.com", "housing@example.gov.cn"}


def test_administrators_see_failed_notifications_masked_and_may_send_them_again(
    client, case, people, django_capture_on_commit_callbacks
):
    failed = Notification.objects.create(
        channel="sms",
        recipient="13912345678",
        body="x",
        reference=f"case:{case.pk}",
        status="failed",
        attempts=4,
        last_error="HTTPError: 500",
    )
    client.force_login(people["admin"])
    page = client.get(reverse("admin:notifications_notification_changelist") + "?status=failed")
    assert page.status_code == 200
    assert b"139****5678" in page.content and b"13912345678" not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert SENDS.filter(status="READY").count() == 1
    client.force_login(people["operator"])
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 302
