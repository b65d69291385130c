"""A case's steps, as the models enforce them: triage, dispatch, return, escalate, reply,
the person's verdict and reopening — each step an event, each wrong step refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from massline.cases.models import Callback, Case, Event, Reply, RoutingRule
from massline.org.models import Department
from massline.voices.models import Voice


@pytest.fixture
def case(voice, people):
    return Case.accept(voice, people["operator"])


def kinds(case: Case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def test_a_dissatisfied_person_reopens_the_case_and_a_satisfied_one_closes_it(case, people, city):
    operator, handler = people["operator"], people["housing_handler"]
    case.dispatch(operator, city["housing"])
    assert case.reply_by > case.respond_by > case.dispatched_at
    reply, token = case.reply(handler, Reply.Disposition.RESOLVED, "已于3日派员更换电梯主板。")
    assert Voice.objects.get(pk=case.voice_id).status == Voice.Status.REPLIED
    assert Reply.by_callback_token(token) == reply

    case.rate(reply, Callback.Rating.DISSATISFIED, solved=False, comment="电梯还是坏的")
    case.refresh_from_db()
    assert (case.status, case.reopened) == (Case.Status.DISPATCHED, 1)
    assert Reply.by_callback_token(token) is None  # a link works once

    second, _ = case.reply(handler, Reply.Disposition.RESOLVED, "已于9日整机更换，经复查运行正常。")
    case.rate(second, Callback.Rating.SATISFIED, solved=True)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert Voice.objects.get(pk=case.voice_id).status == Voice.Status.CLOSED
    assert kinds(case) == [
        "accepted",
        "dispatched",
        "replied",
        "rated",
        "reopened",
        "replied",
        "rated",
        "closed",
    ]


def test_a_voice_is_triaged_once_and_a_decline_needs_a_reason(voice, people):
    with pytest.raises(ValidationError):
        Case.decline(voice, people["operator"], "  ")
    assert not Case.objects.exists()
    Case.decline(voice, people["operator"], "属于司法诉讼范围，请向法院起诉。")
    with pytest.raises(ValidationError, match="triaged already"):
        Case.accept(voice, people["operator"])
    assert Voice.objects.get(pk=voice.pk).status == Voice.Status.CLOSED


def test_a_merged_voice_follows_its_case(case, people, city):
    repeat = Voice.objects.create(channel=Voice.Channel.WEB, subject="电梯又坏", body="同上")
    merged = Case.merge(repeat, people["operator"], case)
    assert merged.merged_into == case
    case.dispatch(people["operator"], city["housing"])
    case.reply(people["housing_handler"], Reply.Disposition.RESOLVED, "已于3日修复。")
    assert Voice.objects.get(pk=repeat.pk).status == Voice.Status.REPLIED


def test_a_department_returns_once_and_a_second_return_goes_to_the_supervisor(case, people, city):
    operator, chief = people["operator"], people["leader"]
    from massline.org.models import Staff

    Staff.objects.create(user=operator, supervisor=chief)
    case.dispatch(operator, city["housing"])
    case.send_back(people["housing_handler"], "不属于本局职责")
    with pytest.raises(ValidationError, match="returned this case already"):
        case.dispatch(operator, city["housing"])
    case.dispatch(operator, city["ecology"])
    case.send_back(people["ecology_handler"], "也不属于本局")
    case.refresh_from_db()
    assert (case.status, case.returns, case.supervisor) == (Case.Status.ACCEPTED, 2, chief)
    assert Case.objects.visible_to(chief).filter(pk=case.pk).exists()


def test_escalation_goes_only_up_a_tier(case, people, city):
    city_office = Department.objects.create(name="临江市住建委", code="LJ-ZJ", tier=1)
    street_office = Department.objects.create(name="望江街道办", code="WJ", tier=3)
    case.dispatch(people["operator"], city["housing"])
    with pytest.raises(ValidationError, match="higher tier"):
        case.escalate(people["operator"], street_office, "街道处理")
    case.escalate(people["operator"], city_office, "涉及全市电梯改造资金")
    case.refresh_from_db()
    assert case.department == city_office
    event = case.events.get(kind=Event.Kind.ESCALATED)
    assert (event.from_department, event.department) == (city["housing"], city_office)


def test_replies_that_leave_the_person_without_an_answer_are_refused(case, people, city):
    case.dispatch(people["operator"], city["housing"])
    handler = people["housing_handler"]
    with pytest.raises(ValidationError, match="empty"):
        case.reply(handler, Reply.Disposition.RESOLVED, "   ")
    with pytest.raises(ValidationError, match="when it can be solved"):
        case.reply(handler, Reply.Disposition.NOT_YET, "资金未到位。")
    past = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="passed"):
        case.reply(handler, Reply.Disposition.NOT_YET, "资金未到位。", expected_by=past)
    with pytest.raises(ValidationError, match="policy"):
        case.reply(handler, Reply.Disposition.NOT_IN_POLICY, "不符合规定。")
    case.refresh_from_db()
    assert case.status == Case.Status.DISPATCHED and not case.replies.exists()


def test_staff_may_record_only_a_phone_callback_and_only_operators(case, people, city):
    case.dispatch(people["operator"], city["housing"])
    reply, _ = case.reply(people["housing_handler"], Reply.Disposition.RESOLVED, "已于3日修复。")
    with pytest.raises(ValidationError, match="operator"):
        case.rate(reply, Callback.Rating.SATISFIED, True, by=people["housing_handler"])
    callback = case.rate(reply, Callback.Rating.SATISFIED, True, by=people["operator"])
    assert (callback.via, callback.recorded_by) == (Callback.Via.PHONE, people["operator"])


def test_the_routing_table_names_the_most_specific_department(city):
    street_office = Department.objects.create(name="望江街道办", code="WJ", tier=3)
    RoutingRule.objects.create(category=city["urban"], department=city["housing"])
    RoutingRule.objects.create(
        category=city["property"], area=city["north_street"], department=street_office
    )
    assert RoutingRule.propose(city["property"], city["north_street"]) == street_office
    assert RoutingRule.propose(city["property"], city["south_street"]) == city["housing"]
    assert RoutingRule.propose(city["noise"], city["south_street"]) is None
