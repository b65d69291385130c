"""What an office starts with: the official days published so far and time limits for it
to change (工单 › 办理时限). The migrations write them once; after that, only into empty
tables (see :func:`fill_empty`), so an office's own changes are never undone."""

from massline.cases.workdays import published_official_days

TIME_LIMITS = [
    # urgency, kind, contact within, unit, reply within, unit: emergencies around the
    # clock, the rest in working days; a consultation is answered sooner.
    ("emergency", "", 2, "hours", 24, "hours"),
    ("urgent", "", 4, "hours", 2, "working_days"),
    ("normal", "", 1, "working_days", 5, "working_days"),
    ("normal", "consultation", 1, "working_days", 2, "working_days"),
]


def add_time_limits(TimeLimit) -> None:  # noqa: N803 - a model class, as migrations pass it
    for urgency, kind, respond, respond_unit, reply, reply_unit in TIME_LIMITS:
        TimeLimit.objects.get_or_create(
            urgency=urgency,
            kind=kind,
            defaults={
                "respond_within": respond,
                "respond_unit": respond_unit,
                "reply_within": reply,
                "reply_unit": reply_unit,
            },
        )


def add_official_days(OfficialDay) -> None:  # noqa: N803 - a model class, as migrations pass it
    OfficialDay.objects.bulk_create(
        [OfficialDay(date=d, working=w, holiday=h) for d, w, h in published_official_days()],
        ignore_conflicts=True,  # an administrator may have entered some already
    )


def fill_empty(**kwargs) -> None:
    """A post_migrate hook: starting values into tables that are empty — after a flush
    (tests that commit empty every table), not over an office's own rows."""
    from massline.cases.models import OfficialDay, TimeLimit

    if not OfficialDay.objects.exists():
        add_official_days(OfficialDay)
    if not TimeLimit.objects.exists():
        add_time_limits(TimeLimit)
