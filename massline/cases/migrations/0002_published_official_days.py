"""The official holidays and make-up working days published so far (2024–2026)."""

from django.db import migrations


def add_published(apps, schema_editor):
    from massline.cases.workdays import published_official_days

    OfficialDay = apps.get_model("cases", "OfficialDay")
    OfficialDay.objects.bulk_create(
        [OfficialDay(date=d, working=w, holiday=h) for d, w, h in published_official_days()],
        ignore_conflicts=True,  # an administrator may have entered some already
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_published, migrations.RunPython.noop)]
