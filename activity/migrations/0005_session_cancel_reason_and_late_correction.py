"""Why a session was cancelled, by whom and when; why a participation was corrected late.

On SQLite, adding these columns rebuilds the two tables, and a trigger of migration 0004
naming a table being rebuilt stops the rebuild: the triggers are dropped first and installed
again after, from 0004's own frozen SQL (the data is unchanged, so the counts stay right).
PostgreSQL adds columns in place and keeps its triggers."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGERS = importlib.import_module("activity.migrations.0004_programmestat_triggers")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in TRIGGERS.SQLITE_DOWN:
            schema_editor.execute(statement)


def install_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in TRIGGERS.SQLITE_UP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('activity', '0004_programmestat_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, install_sqlite_triggers),
        migrations.AddField(
            model_name='participation',
            name='correction_reason',
            field=models.TextField(blank=True, verbose_name='motif de la correction tardive'),
        ),
        migrations.AddField(
            model_name='worksession',
            name='cancel_reason',
            field=models.TextField(blank=True, verbose_name="motif de l'annulation"),
        ),
        migrations.AddField(
            model_name='worksession',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='annulée le'),
        ),
        migrations.AddField(
            model_name='worksession',
            name='cancelled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(install_sqlite_triggers, drop_sqlite_triggers),
    ]
