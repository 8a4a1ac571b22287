"""Shared activity domains and alternative activity kinds every organisation starts with."""

from django.db import migrations

DOMAINS = ["Couture", "Menuiserie", "Montage électrique", "Espaces verts"]
ALTERNATIVES = ["Sport", "Culture", "Bénévolat"]


def forwards(apps, schema_editor):
    Domain = apps.get_model("activity", "Domain")
    AlternativeKind = apps.get_model("activity", "AlternativeKind")
    for name in DOMAINS:
        Domain.objects.get_or_create(organisation=None, name=name)
    for name in ALTERNATIVES:
        AlternativeKind.objects.get_or_create(organisation=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
