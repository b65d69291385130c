"""Reminders before the reply is due and overdue flags, decided on the case with an
explicit "now": once per deadline, counted in working days, the alert raised to the
dispatcher's supervisor, the leader in charge and the area's leaders; the periodic check
keeps one chain of runs going."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from massline.cases.models import Case, Event
from massline.notifications.models import DeadlineCheck, Notification
from massline.notifications.tasks import check_deadlines
from massline.org.models import Staff

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 3, 10, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2025 (the 3rd is a Monday, no holidays that month)."""
    return datetime(2025, 3, day, hour, minute, tzinfo=TZ)


def dispatched(voice, people, city, when=MONDAY, urgency="normal") -> Case:
    with time_machine.travel(when, tick=False):
        case = Case.accept(voice, people["operator"], urgency)
        case.dispatch(people["operator"], city["housing"])
    return case


def kinds(case: Case) -> list[str]:
    return list(case.events.filter(kind__in=["reminded", "overdue"]).values_list("kind", flat=True))


def test_a_five_working_day_case_is_reminded_a_working_day_before_and_flagged_once_overdue(
    voice, people, city
):
    case = dispatched(voice, people, city)
    assert case.reply_by == at(10, 10)  # five working days: the weekend does not count
    assert Case.check_deadlines(at(7, 9, 59)) == ([], [])
    reminded, flagged = Case.check_deadlines(at(7, 10))
    assert [c.pk for c in reminded] == [case.pk] and flagged == []
    assert Case.check_deadlines(at(7, 11)) == ([], [])  # once per deadline
    case.refresh_from_db()
    assert case.reminded_at == at(7, 10)
    assert Case.check_deadlines(at(10, 9, 59)) == ([], [])
    reminded, flagged = Case.check_deadlines(at(10, 10, 1))
    assert [c.pk for c in flagged] == [case.pk]
    assert Case.check_deadlines(at(11, 8)) == ([], [])
    case.refresh_from_db()
    assert case.overdue_at == at(10, 10, 1)
    assert kinds(case) == ["reminded", "overdue"]
    overdue = case.events.get(kind="overdue")
    assert (overdue.actor, overdue.department) == (None, city["housing"])


def test_an_emergency_in_hours_is_reminded_when_a_fifth_of_its_time_is_left(voice, people, city):
    case = dispatched(voice, people, city, urgency="emergency")
    assert case.reply_by == at(4, 10)
    assert Case.check_deadlines(at(4, 5, 11)) == ([], [])
    assert Case.check_deadlines(at(4, 5, 13))[0] == [case]


def test_a_long_limit_is_reminded_when_a_fifth_of_its_time_is_left_across_a_holiday(
    voice, people, city
):
    # National Day 2025: 1–8 October off, Saturday 11 October worked
    case = dispatched(voice, people, city, when=datetime(2025, 9, 30, 10, tzinfo=TZ))
    assert case.reply_by == datetime(2025, 10, 14, 10, tzinfo=TZ)
    # 14 days given: a fifth (2.8 days) left comes before the last working day
    assert Case.check_deadlines(datetime(2025, 10, 11, 14, 47, tzinfo=TZ)) == ([], [])
    assert Case.check_deadlines(datetime(2025, 10, 11, 14, 49, tzinfo=TZ))[0] == [case]


def test_a_reopened_case_has_a_new_deadline_and_is_reminded_again(voice, people, city):
    case = dispatched(voice, people, city)
    Case.check_deadlines(at(7, 10))
    with time_machine.travel(at(7, 15), tick=False):
        reply, _token = case.reply(people["housing_handler"], "resolved", "已于3月6日修复电梯。")
    with time_machine.travel(at(10, 9), tick=False):
        case.rate(reply, "dissatisfied", solved=False)
    case.refresh_from_db()
    assert case.reminded_at is None and case.reply_by == at(17, 9)
    assert Case.check_deadlines(at(10, 12)) == ([], [])  # replied in time: not overdue
    assert Case.check_deadlines(at(14, 9))[0] == [case]
    assert kinds(case) == ["reminded", "reminded"]


def test_replied_and_closed_cases_are_left_alone(voice, people, city):
    case = dispatched(voice, people, city)
    case.reply(people["housing_handler"], "resolved", "已于3月5日修复电梯。")
    assert Case.check_deadlines(at(20, 10)) == ([], [])


def test_the_alerts_go_to_the_department_and_up_to_supervisor_owner_and_area_leader(
    voice, people, city
):
    from django.contrib.auth.models import User

    chief = User.objects.create_user("chief", email="chief@example.gov.cn")
    Staff.objects.create(user=people["operator"], supervisor=chief)
    for name in ("housing_handler", "leader", "ecology_handler"):
        people[name].email = f"{name}@example.gov.cn"
        people[name].save()
    case = dispatched(voice, people, city)
    case.set_owner(people["operator"], people["leader"])
    Notification.objects.all().delete()

    Case.check_deadlines(at(7, 10))
    assert [n.recipient for n in Notification.objects.all()] == ["housing_handler@example.gov.cn"]
    Notification.objects.all().delete()
    Case.check_deadlines(at(10, 11))
    recipients = sorted(n.recipient for n in Notification.objects.all())
    assert recipients == [
        "chief@example.gov.cn",
        "housing_handler@example.gov.cn",
        "leader@example.gov.cn",
    ]
    # written in the office's language, whoever's request or task caused them
    assert all(n.subject.startswith("超期") for n in Notification.objects.all())
    assert all(case.voice.tracking_code in n.subject for n in Notification.objects.all())


def test_each_dispatch_keeps_one_periodic_check_waiting_and_each_run_queues_the_next(
    voice, people, city, settings
):
    settings.DEADLINES_EVERY = 900
    case = dispatched(voice, people, city)
    waiting = DeadlineCheck.objects.get()
    assert waiting.status == "queued"
    with time_machine.travel(at(7, 10), tick=False):
        result = check_deadlines.call(run_id=waiting.pk)
    assert result == {
        "reminded": 1,
        "flagged": 0,
        "commitments_reminded": 0,
        "commitments_flagged": 0,
    }
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reminded) == ("done", 1)
    following = DeadlineCheck.objects.get(status="queued")
    assert following.run_after == at(7, 10) + timedelta(seconds=900)
    assert Event.objects.filter(case=case, kind="reminded").count() == 1
