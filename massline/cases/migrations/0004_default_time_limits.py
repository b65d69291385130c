"""Starting time limits, for each office to change in the admin site (工单 › 办理时限)."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from massline.cases.starting import add_time_limits

    add_time_limits(apps.get_model("cases", "TimeLimit"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_time_limits")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
