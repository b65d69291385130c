"""The official holidays and make-up working days published so far (2024–2026)."""

from django.db import migrations


def add_published(apps, schema_editor):
    from massline.cases.starting import add_official_days

    add_official_days(apps.get_model("cases", "OfficialDay"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_published, migrations.RunPython.noop)]
