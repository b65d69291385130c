# The database cache holds the public endpoints' rate-limit counters, shared by every
# worker process. Creating it in a migration means a plain `migrate` (and every test
# database) has it; with a Redis cache configured this does nothing.
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("voices", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
