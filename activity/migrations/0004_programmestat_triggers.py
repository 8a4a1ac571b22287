"""Database triggers keep activity_programmestat exact in the transaction of every change
(see activity/stats.py); existing enrolments and participations are counted once here.
The SQL lives in activity/stats.py: changing it there needs a new migration that installs
the triggers again, or existing databases keep the old ones."""

from django.db import migrations

from activity import stats


def forwards(apps, schema_editor):
    stats.install(schema_editor)
    stats.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    stats.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("activity", "0003_programmestat")]
    operations = [migrations.RunPython(forwards, backwards)]
