"""Time limits count working days: weekends, official holidays and make-up working days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from massline.cases.models import OfficialDay, TimeLimit, working_calendar
from massline.cases.workdays import WorkingCalendar, published_official_days, read_official_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar({d: working for d, working, _ in published_official_days()})


def test_a_weekend_is_skipped(calendar):
    assert calendar.add_working_days(at("2026-03-13"), 1) == at("2026-03-16")  # Fri → Mon
    assert calendar.add_working_days(at("2026-03-13"), 5) == at("2026-03-20")


def test_the_spring_festival_is_skipped_and_its_make_up_saturdays_count(calendar):
    # 2026: 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班
    assert calendar.add_working_days(at("2026-02-13"), 1) == at("2026-02-14")
    assert calendar.add_working_days(at("2026-02-13"), 2) == at("2026-02-24")
    assert calendar.add_working_days(at("2026-02-27"), 1) == at("2026-02-28")
    assert calendar.add_working_days(at("2026-02-27"), 2) == at("2026-03-02")


def test_a_case_received_on_a_holiday_counts_from_the_next_working_day(calendar):
    # received on the first day of the festival: one working day is all of 24 February
    assert calendar.add_working_days(at("2026-02-16", "15:30"), 1) == at("2026-02-25", "00:00")
    # received on a Sunday before a working Monday
    assert calendar.add_working_days(at("2026-03-15", "09:00"), 3) == at("2026-03-19", "00:00")


def test_national_day_and_its_make_up_days(calendar):
    # 2026: 10月1日至7日放假, 9月20日(周日)、10月10日(周六)上班
    assert calendar.add_working_days(at("2026-09-30", "09:00"), 1) == at("2026-10-08", "09:00")
    assert calendar.add_working_days(at("2026-10-09"), 1) == at("2026-10-10")
    assert calendar.add_working_days(at("2026-09-19"), 1) == at("2026-09-21", "00:00")
    assert calendar.is_working(date(2026, 9, 20)) and not calendar.is_working(date(2026, 9, 25))


def test_working_days_between_two_dates(calendar):
    # 14 (Sat, worked), 24–27, 28 (Sat, worked), 2 March
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 2, 13)) == -7
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_the_published_years_are_known_and_a_later_one_is_not(calendar):
    assert calendar.years == {2024, 2025, 2026}
    # with no notice for 2027 yet, its New Year's Day counts as a working Friday
    assert calendar.is_working(date(2027, 1, 1))


def test_a_malformed_line_names_its_line():
    with pytest.raises(ValueError, match="line 2: expected"):
        read_official_days(["2026-01-01 rest 元旦", "2026-01-04 maybe 元旦"])


@pytest.mark.django_db
def test_the_calendar_is_the_one_administrators_keep():
    assert working_calendar().is_working(date(2026, 2, 14))  # shipped with the migrations
    assert not working_calendar().is_working(date(2026, 10, 1))
    OfficialDay.objects.create(date=date(2027, 1, 1), working=False, holiday="元旦")
    calendar = working_calendar()
    assert 2027 in calendar.years
    friday = at("2026-12-31")
    assert calendar.add_working_days(friday, 1) == at("2027-01-04")
    assert calendar.add_working_days(friday, 1) - friday == timedelta(days=4)


@pytest.mark.django_db
def test_the_time_limit_for_a_case_counts_hours_or_working_days():
    calendar = working_calendar()
    received = at("2026-09-30", "16:00")  # the day before National Day
    emergency = TimeLimit.applying("emergency", "complaint")
    assert emergency.deadlines(received, calendar) == (
        at("2026-09-30", "18:00"),
        at("2026-10-01", "16:00"),
    )
    normal = TimeLimit.applying("normal", "complaint")
    assert normal.deadlines(received, calendar) == (
        at("2026-10-08", "16:00"),
        at("2026-10-13", "16:00"),  # 8, 9, 10 (Saturday, worked), 12, 13 October
    )
    # a consultation has a row of its own: answered sooner
    consultation = TimeLimit.applying("normal", "consultation")
    assert consultation.deadlines(received, calendar)[1] == at("2026-10-09", "16:00")


@pytest.mark.django_db
def test_a_time_limit_an_administrator_changes_applies_and_a_bad_one_is_refused():
    TimeLimit.objects.filter(urgency="urgent").update(reply_within=1)
    assert TimeLimit.applying("urgent").deadlines(at("2026-03-13"), working_calendar())[1] == at(
        "2026-03-16"
    )
    backwards = TimeLimit(
        urgency="urgent",
        kind="help",
        respond_within=3,
        respond_unit="working_days",
        reply_within=1,
        reply_unit="working_days",
    )
    with pytest.raises(ValidationError, match="contacted before the reply"):
        backwards.full_clean()
    TimeLimit.objects.filter(urgency="normal").delete()
    with pytest.raises(TimeLimit.DoesNotExist, match="an administrator sets one"):
        TimeLimit.applying("normal", "complaint")


@pytest.mark.django_db
def test_an_administrator_keeps_the_calendar_and_limits_in_the_admin_site(client, people):
    client.force_login(people["admin"])
    added = client.post(
        "/admin/cases/officialday/add/", {"date": "2027-01-01", "working": "", "holiday": "元旦"}
    )
    assert added.status_code == 302 and not working_calendar().is_working(date(2027, 1, 1))
    again = client.post(
        "/admin/cases/officialday/add/", {"date": "2027-01-01", "working": "on", "holiday": "元旦"}
    )
    assert "already exists" in again.content.decode()
    assert OfficialDay.objects.filter(date=date(2027, 1, 1)).count() == 1
    backwards = client.post(
        "/admin/cases/timelimit/add/",
        {
            "urgency": "urgent",
            "kind": "help",
            "respond_within": "3",
            "respond_unit": "working_days",
            "reply_within": "1",
            "reply_unit": "working_days",
        },
    )
    assert "contacted before the reply" in backwards.content.decode()
    assert not TimeLimit.objects.filter(kind="help").exists()
    client.force_login(people["operator"])  # no admin site for an operator
    assert client.get("/admin/cases/timelimit/").status_code in (302, 403)
