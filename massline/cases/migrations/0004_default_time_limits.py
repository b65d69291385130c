"""Starting time limits, for each office to change in the admin site (工单 › 办理时限):
emergencies around the clock, the rest in working days; a consultation is answered sooner."""

from django.db import migrations

DEFAULTS = [
    # urgency, kind, contact within, unit, reply within, unit
    ("emergency", "", 2, "hours", 24, "hours"),
    ("urgent", "", 4, "hours", 2, "working_days"),
    ("normal", "", 1, "working_days", 5, "working_days"),
    ("normal", "consultation", 1, "working_days", 2, "working_days"),
]


def add_defaults(apps, schema_editor):
    TimeLimit = apps.get_model("cases", "TimeLimit")
    for urgency, kind, respond, respond_unit, reply, reply_unit in DEFAULTS:
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


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_time_limits")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
