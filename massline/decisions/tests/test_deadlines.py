"""Commitments' deadlines: the owner reminded a week before, the owner and the leader who
decided told once it is overdue — each once, done ones left alone, run by the periodic
deadline check."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from massline.decisions.deadlines import check_commitments
from massline.decisions.models import Commitment
from massline.decisions.tests import stories
from massline.notifications.models import DeadlineCheck, Notification
from massline.notifications.tasks import check_deadlines

CHECK = date(2027, 2, 28)  # 检查维保单位's deadline; 检修全部电梯's is 2027-03-31


@pytest.fixture
def decision(city, people):
    for name in ("housing_handler", "ecology_handler", "operator"):
        people[name].email = f"{name}@example.gov.cn"
        people[name].save()
    decision = stories.decision(city, people)
    Notification.objects.all().delete()
    return decision


def sent() -> list[tuple[str, str]]:
    return sorted((n.recipient, n.subject) for n in Notification.objects.all())


def test_the_owner_is_reminded_a_week_before_once(client, decision, people):
    check = decision.commitments.get(title="检查维保单位")
    assert check_commitments(date(2027, 2, 20)) == ([], [])
    assert check_commitments(date(2027, 2, 21)) == ([check], [])
    assert sent() == [
        ("ecology_handler@example.gov.cn", "提醒：承诺事项“检查维保单位”将于 2027年2月28日 到期")
    ]
    body = Notification.objects.get().body
    assert "望江花园电梯全面检修" in body and f"/staff/decisions/commitments/{check.pk}/" in body
    assert check_commitments(date(2027, 2, 22)) == ([], [])  # once
    client.force_login(people["ecology_handler"])
    page = client.get(reverse("commitment-detail", args=[check.pk])).content.decode()
    assert '<dd id="reminded-on">2027-02-21</dd>' in page
    assert Notification.objects.count() == 1


def test_past_due_and_not_done_the_owner_and_the_leader_who_decided_are_told_once(
    client, decision, people
):
    check = decision.commitments.get(title="检查维保单位")
    assert check_commitments(date(2027, 3, 1)) == ([], [check])
    overdue = "超期：承诺事项“检查维保单位”已于 2027年2月28日 到期"
    assert sent() == [
        ("ecology_handler@example.gov.cn", overdue),
        ("operator@example.gov.cn", overdue),
    ]
    check.refresh_from_db()
    assert check.overdue_since == date(2027, 3, 1)
    client.force_login(people["leader"])
    page = client.get(reverse("commitment-detail", args=[check.pk])).content.decode()
    assert '<dd id="overdue-since" class="overdue">2027-03-01' in page
    assert check_commitments(date(2027, 3, 2)) == ([], [])
    assert Notification.objects.count() == 2


def test_a_commitment_done_in_time_is_neither_reminded_nor_flagged(decision, people):
    check = decision.commitments.get(title="检查维保单位")
    with time_machine.travel(date(2027, 2, 10), tick=False):
        check.record(people["ecology_handler"], 100, Commitment.Status.DONE, "已完成检查。")
    assert check_commitments(date(2027, 2, 25)) == ([], [])
    assert check_commitments(date(2027, 4, 1))[1] == [
        decision.commitments.get(title="检修全部电梯")
    ]
    assert "检查维保单位" not in " ".join(s for _, s in sent())


def test_the_messages_are_in_the_offices_language(decision, settings):
    settings.LANGUAGE_CODE = "en"
    check_commitments(date(2027, 3, 1))
    assert {s for _, s in sent()} == {
        "Overdue: the commitment “检查维保单位” was due Feb. 28, 2027"
    }


def test_a_decision_keeps_the_periodic_check_going_and_the_check_runs_the_commitments(decision):
    waiting = DeadlineCheck.objects.get(status="queued")
    with time_machine.travel(date(2027, 2, 21), tick=False):
        result = check_deadlines.call(run_id=waiting.pk)
    assert result["commitments_reminded"] == 1 and result["commitments_flagged"] == 0
    assert [r for r, _ in sent()] == ["ecology_handler@example.gov.cn"]
