"""The figures, computed from what the case steps recorded: each rate on constructed cases of
known outcome, and each changing when one case's outcome changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from massline.cases import figures
from massline.cases.models import Callback, Case, Reply
from massline.voices.models import Voice

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = "2026-03-02"  # normal cases: contact within 1 working day, reply within 5


def at(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def days(n: int, clock: str = "09:00") -> datetime:
    """``n`` days after Monday 2 March 2026."""
    return at(str(date.fromisoformat(MONDAY) + timedelta(days=n)), clock)


@pytest.fixture
def office(city, people):
    """Make cases with the steps people take, at the moments they take them."""

    class Office:
        def voice(self, when, area="north_street", category="property", phone="13912345678"):
            with time_machine.travel(when, tick=False):
                return Voice.objects.create(
                    channel=Voice.Channel.HOTLINE,
                    kind=Voice.Kind.COMPLAINT,
                    subject="电梯故障",
                    body="电梯坏了。",
                    area=city[area],
                    category=city[category],
                    phone=phone,
                )

        def case(self, when, department="housing", **voice) -> Case:
            voice = self.voice(when, **voice)
            with time_machine.travel(when, tick=False):
                case = Case.accept(voice, people["operator"])
                case.dispatch(people["operator"], city[department])
            return case

        def contact(self, case, when):
            with time_machine.travel(when, tick=False):
                case.record_contact(self.handler(case), "电话联系")

        def reply(self, case, when) -> Reply:
            with time_machine.travel(when, tick=False):
                return case.reply(self.handler(case), Reply.Disposition.RESOLVED, "已于当日修复。")[
                    0
                ]

        def rate(self, case, reply, when, rating, solved, by=None) -> Callback:
            with time_machine.travel(when, tick=False):
                return case.rate(reply, rating, solved, by=by)

        def handler(self, case):
            return people[
                "housing_handler" if case.department == city["housing"] else "ecology_handler"
            ]

    return Office()


def everything(now) -> figures.Row:
    (row,) = figures.summarise(
        figures.everything(),
        Case.objects.filter(figures.HANDLED),
        Voice.objects.all(),
        now=now,
    )
    return row


def shown(rate: figures.Rate) -> tuple[int, int]:
    return rate.met, rate.of


def test_response_rate_counts_first_contacts_within_the_limit_of_cases_whose_limit_came(office):
    on_time = office.case(days(0))
    office.contact(on_time, days(0, "15:00"))
    late = office.case(days(0))
    office.contact(late, days(2))
    never = office.case(days(0))
    not_due_yet = office.case(days(4, "08:00"))  # Friday: contact due on Monday

    row = everything(now=days(4, "09:00"))
    assert shown(row["response"]) == (1, 3)
    assert row["response"].value == pytest.approx(1 / 3)

    office.contact(not_due_yet, days(4, "10:00"))  # contacted before it was due: counts now
    assert shown(everything(now=days(4, "11:00"))["response"]) == (2, 4)
    missed = figures.behind_cases("response", "missed", Case.objects.all(), now=days(4, "11:00"))
    assert set(missed) == {late, never}


def test_a_late_first_contact_stays_late_after_the_case_is_reopened(office):
    case = office.case(days(0))  # contact due Tuesday 09:00
    office.contact(case, days(2))  # late
    reply = office.reply(case, days(2, "10:00"))
    office.rate(case, reply, days(3), Callback.Rating.DISSATISFIED, solved=False)
    case.refresh_from_db()
    assert case.respond_by > days(3)  # the reopened case's new contact deadline
    assert shown(everything(now=days(4))["response"]) == (0, 1)
    missed = figures.behind_cases("response", "missed", Case.objects.all(), now=days(4))
    assert list(missed) == [case]


def test_a_reply_counts_as_the_first_contact(office):
    case = office.case(days(0))
    office.reply(case, days(0, "16:00"))
    assert shown(everything(now=days(1))["response"]) == (1, 1)


def test_on_time_rate_counts_replies_before_the_reply_was_due(office):
    quick = office.case(days(0))
    office.reply(quick, days(3))
    slow = office.case(days(0))  # due Monday 9 March 09:00
    office.reply(slow, days(8))
    overdue = office.case(days(0))

    row = everything(now=days(9))
    assert shown(row["on_time"]) == (1, 3)
    assert (row.counts["open"], row.counts["overdue"]) == (1, 1)
    assert set(figures.behind_cases("overdue", "all", Case.objects.all(), now=days(9))) == {overdue}

    office.reply(overdue, days(9, "10:00"))
    assert shown(everything(now=days(10))["on_time"]) == (1, 3)
    assert everything(now=days(10)).counts["overdue"] == 0


def test_callbacks_give_satisfaction_resolution_and_reopen_rates_phone_apart(office, people):
    first = office.case(days(0))
    reply = office.reply(first, days(1))
    office.rate(first, reply, days(2), Callback.Rating.DISSATISFIED, solved=False)
    again = office.reply(first, days(3))
    office.rate(
        first, again, days(4), Callback.Rating.SATISFIED, solved=True, by=people["operator"]
    )
    second = office.case(days(0))
    reply = office.reply(second, days(1))

    row = everything(now=days(5))
    assert shown(row["satisfaction"]) == (1, 2)
    assert shown(row["resolution"]) == (1, 2)
    assert shown(row.via["link"]["satisfaction"]) == (0, 1)
    assert shown(row.via["phone"]["satisfaction"]) == (1, 1)
    assert shown(row["reopen"]) == (1, 1)  # the second case is not rated yet

    office.rate(second, reply, days(5), Callback.Rating.BASICALLY, solved=False)  # reopens
    row = everything(now=days(6))
    assert shown(row["satisfaction"]) == (2, 3)  # basically satisfied counts as satisfied
    assert shown(row["resolution"]) == (1, 3)
    assert shown(row["reopen"]) == (2, 2)
    unsolved = figures.behind_cases("resolution", "missed", Case.objects.all())
    assert set(unsolved) == {first, second}  # the first case was unsolved once
    assert list(figures.behind_cases("resolution", "missed", Case.objects.all(), via="phone")) == []


def test_repeat_voice_rate_counts_the_same_person_again_on_the_same_kind_of_problem(
    office, people, city
):
    office.voice(days(0))
    repeat = office.voice(days(20))
    office.voice(days(21), category="noise")  # another problem
    office.voice(days(55))  # 35 days after the last one of that category
    office.voice(days(22), phone="")  # anonymous: never a repeat
    office.voice(days(23), phone="13800000000")  # somebody else

    row = everything(now=days(60))
    assert shown(row["repeat"]) == (1, 6)
    assert list(figures.behind_voices("met", Voice.objects.all())) == [repeat]

    office.voice(days(60))  # 5 days after the one of day 55
    assert shown(everything(now=days(61))["repeat"]) == (2, 7)

    noise_again = office.voice(days(25), category="noise")  # 4 days after the noise one
    assert shown(everything(now=days(61))["repeat"]) == (3, 8)
    # The noise of day 21 was about the lift after all: it repeats day 20's voice, and the
    # noise of day 25 repeats nothing now.
    Voice.objects.get(received_at=days(21)).correct_category(people["operator"], city["property"])
    assert shown(everything(now=days(61))["repeat"]) == (3, 8)
    repeating = set(figures.behind_voices("met", Voice.objects.all()))
    assert noise_again not in repeating
    assert Voice.objects.get(received_at=days(21)) in repeating


def test_figures_by_department_area_category_and_month(office, city):
    housing = office.case(days(0))
    office.contact(housing, days(0, "10:00"))
    office.case(days(0), department="ecology", area="south_street", category="noise")
    april = office.case(days(31), department="ecology", area="south_street", category="noise")
    office.contact(april, days(31, "10:00"))
    cases, voices = Case.objects.all(), Voice.objects.all()
    now = days(40)

    def table(grouping):
        rows = figures.summarise(grouping, cases, voices, now=now)
        return {row.label: (shown(row["response"]), row.counts["cases"]) for row in rows}

    departments = table(figures.by_department([city["housing"], city["ecology"]]))
    assert departments == {
        "江北区住房和城乡建设局": ((1, 1), 1),
        "江南区生态环境分局": ((1, 2), 2),
    }
    assert table(figures.by_area(None)) == {"江北区": ((1, 1), 1), "江南区": ((1, 2), 2)}
    assert table(figures.by_area(city["south"])) == {"滨湖街道": ((1, 2), 2)}
    assert table(figures.by_category(None)) == {"城乡建设": ((1, 1), 1), "环境保护": ((1, 2), 2)}
    months = figures.summarise(
        figures.by_period(date(2026, 3, 1), date(2026, 4, 30), "month"),
        cases,
        voices,
        now=now,
    )
    assert [(row.label, shown(row["response"])) for row in months] == [
        ((date(2026, 3, 1), date(2026, 3, 31)), (1, 2)),
        ((date(2026, 4, 1), date(2026, 4, 30)), (1, 1)),
    ]
    assert shown(figures.total(months)["response"]) == (2, 3)


def test_periods_are_whole_days_weeks_and_months_cut_to_the_range():
    assert figures.buckets(date(2026, 3, 4), date(2026, 3, 17), "week") == [
        (date(2026, 3, 4), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 15)),
        (date(2026, 3, 16), date(2026, 3, 17)),
    ]
    assert len(figures.buckets(date(2026, 1, 1), date(2026, 12, 31), "month")) == 12
    assert len(figures.buckets(date(2026, 2, 1), date(2026, 2, 28), "day")) == 28


def kept_and_counted(city, since, until, period, district=None):
    """The figures of every grouping the dashboard shows, from ``since`` to ``until``
    (everything, or one district's), once adding the kept counts and once counting the
    record: ``(kept, with kept counts, counted)``."""
    cases, voices = Case.objects.filter(figures.HANDLED), Voice.objects.all()
    if district:
        areas = list(district.subtree().values_list("pk", flat=True))
        cases, voices = cases.filter(area__in=areas), voices.filter(area__in=areas)
    span = (figures.day_start(since), figures.day_start(until + timedelta(days=1)))
    kept = figures.kept_counts(since, until, district.pk if district else 0)

    def table(kept):
        rows = {}
        groupings = [
            figures.everything(),
            figures.by_area(district),
            figures.by_category(None),
            figures.by_department([city["housing"], city["ecology"]]),
            figures.by_period(since, until, period),
        ]
        for grouping in groupings:
            for row in figures.summarise(grouping, cases, voices, days(40), span=span, kept=kept):
                rows[grouping.name, str(row.label)] = (
                    {key: shown(rate) for key, rate in row.rates.items()},
                    {
                        via: {k: shown(r) for k, r in rates.items()}
                        for via, rates in row.via.items()
                    },
                    row.counts,
                )
        return rows

    return kept, table(kept), table(None)


#: Periods of the dashboard over the cases below: March whole (by month, by week), parts of
#: March and April (by month, week and day), in every case's scope and in a district's.
PERIODS = [
    (date(2026, 3, 1), date(2026, 3, 31), "month"),
    (date(2026, 3, 1), date(2026, 3, 31), "week"),
    (date(2026, 3, 4), date(2026, 4, 14), "month"),
    (date(2026, 3, 4), date(2026, 4, 14), "week"),
    (date(2026, 3, 25), date(2026, 4, 5), "day"),
]


@pytest.mark.django_db(transaction=True)  # the worker commits as db_worker does
def test_kept_months_and_days_add_up_to_the_same_figures_and_a_change_is_counted_again(
    office, people, city, run_worker
):
    quick = office.case(days(0))
    office.contact(quick, days(0, "15:00"))
    office.rate(quick, office.reply(quick, days(1)), days(2), Callback.Rating.SATISFIED, True)
    late = office.case(days(3))
    office.contact(late, days(8))
    office.case(days(29), department="ecology", area="south_street", category="noise")
    office.case(days(33, "23:30"), department="ecology", area="south_street", category="noise")
    office.voice(days(20))  # repeats the voice of the second case, as that one the first
    office.voice(days(34), area="south_street", category="noise", phone="13800000000")

    for period in PERIODS:  # months not counted yet: the record is counted
        kept, with_kept, counted = kept_and_counted(city, *period)
        assert (kept.months, kept.days) == ([], []) and with_kept == counted
    march = kept_and_counted(city, *PERIODS[0])[2]["all", "All"][0]
    assert (march["response"], march["repeat"]) == ((1, 3), (2, 4))
    run_worker()
    for since, until, period in PERIODS:
        for district in [None, city["north"], city["south"]]:
            kept, with_kept, counted = kept_and_counted(city, since, until, period, district)
            assert with_kept == counted, (since, until, period, district)
            assert kept.months == ([date(2026, 3, 1)] if until.month == 3 else [])
            # Days are kept for every case's figures only.
            assert len(kept.days) == (0 if district else (until - since).days + 1)

    with time_machine.travel(days(40), tick=False):  # a late reply to a March case
        late.reply(people["housing_handler"], Reply.Disposition.RESOLVED, "已于当日修复。")
    kept, with_kept, counted = kept_and_counted(city, *PERIODS[2])
    assert kept.months == [] and kept.days[0] == date(2026, 4, 1)  # March out of date
    assert with_kept == counted
    run_worker()
    for since, until, period in PERIODS:
        kept, with_kept, counted = kept_and_counted(city, since, until, period)
        assert with_kept == counted and kept.days
    assert kept_and_counted(city, *PERIODS[0])[2]["all", "All"][0]["on_time"] == (1, 3)


@pytest.mark.django_db(transaction=True)
def test_a_districts_kept_counts_follow_a_street_moved_into_it(office, city, run_worker):
    office.case(days(0))
    office.case(days(1), department="ecology", area="south_street", category="noise")
    march = (date(2026, 3, 1), date(2026, 3, 31), "month")
    kept_and_counted(city, *march)  # asks for the month: counted in the background
    run_worker()
    kept, with_kept, counted = kept_and_counted(city, *march, district=city["north"])
    assert kept.months and with_kept == counted and counted["all", "All"][2]["cases"] == 1

    street = city["south_street"]
    street.parent = city["north"]
    street.save()
    kept, with_kept, counted = kept_and_counted(city, *march, district=city["north"])
    assert kept.months == [] and counted["all", "All"][2]["cases"] == 2  # counted again
    run_worker()
    kept, with_kept, counted = kept_and_counted(city, *march, district=city["north"])
    assert kept.months and with_kept == counted


@pytest.mark.django_db(transaction=True)
def test_a_voice_changed_after_its_month_was_counted_is_counted_again(office, city, run_worker):
    voice = office.voice(days(0))
    march = (date(2026, 3, 1), date(2026, 3, 31), "month")
    kept_and_counted(city, *march)
    run_worker()
    kept, with_kept, counted = kept_and_counted(city, *march)
    assert kept.months and with_kept == counted

    voice.category = city["noise"]  # a staff correction
    voice.save()
    kept, with_kept, counted = kept_and_counted(city, *march)
    assert kept.months == [] and counted["category", "环境保护"][0]["repeat"] == (0, 1)
    run_worker()
    kept, with_kept, counted = kept_and_counted(city, *march)
    assert kept.months and with_kept == counted
