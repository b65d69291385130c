"""Working days (工作日): time limits count them, not calendar days.

Monday to Friday are working days, except the official rest days of the holidays; some
Saturdays and Sundays are working days instead (调休上班). The State Council publishes each
year's changes in November; ``data/official_days.txt`` holds those published so far, and
administrators add later ones (:class:`massline.cases.models.OfficialDay`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, given the official changes to the Monday–Friday week.

    ``changes`` maps a date to whether it is a working day (``False`` for a holiday on a
    weekday, ``True`` for a weekend day worked instead).
    """

    changes: dict[date, bool] = field(default_factory=dict)

    @property
    def years(self) -> set[int]:
        """Years whose official changes are known (for any other, only weekends count)."""
        return {day.year for day in self.changes}

    def is_working(self, day: date) -> bool:
        return self.changes.get(day, day.weekday() < 5)

    def next_working(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it."""
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` working days after ``start``, at the same time of day.

        A start on a rest day counts from the beginning of the next working day, so the
        result is the end of the last of those days: three working days from Saturday
        noon end when the third working day does.
        """
        if not self.is_working(start.date()):
            first = self.next_working(start.date())
            start = datetime.combine(first, time.min, tzinfo=start.tzinfo)
        day, left = start.date(), days
        while left > 0:
            day += timedelta(days=1)
            left -= self.is_working(day)
        return datetime.combine(day, start.timetz())

    def working_day_before(self, moment: datetime) -> datetime:
        """The same time of day on the working day before ``moment``'s day: from then on,
        less than one working day is left until ``moment``."""
        day = moment.date() - timedelta(days=1)
        while not self.is_working(day):
            day -= timedelta(days=1)
        return datetime.combine(day, moment.timetz())

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days come after ``start`` up to and including ``end``
        (negative if ``end`` is before ``start``)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )


def read_official_days(lines: Iterable[str]) -> list[tuple[date, bool, str]]:
    """``(date, working, holiday)`` from lines ``2026-02-14  work  春节`` (``rest`` for a
    holiday); ``#`` starts a comment."""
    days = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 3 or parts[1] not in ("work", "rest"):
            raise ValueError(f"line {number}: expected “date work|rest holiday”, got “{text}”")
        days.append((date.fromisoformat(parts[0]), parts[1] == "work", parts[2]))
    return days


def published_official_days() -> list[tuple[date, bool, str]]:
    """The changes of the years published so far, shipped with massline."""
    path = resources.files("massline.cases") / "data" / "official_days.txt"
    with path.open(encoding="utf-8") as lines:
        return read_official_days(lines)
