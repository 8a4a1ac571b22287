from django.db import migrations

REASONS = [
    "Projet professionnel abouti",
    "Entrée en formation",
    "Accès à un logement",
    "Relais vers un service de droit commun",
    "Reprise de consommation",
    "Problème de santé",
    "Démotivation",
    "Déménagement hors territoire",
]


def forwards(apps, schema_editor):
    ExitReason = apps.get_model("pathways", "ExitReason")
    for name in REASONS:
        ExitReason.objects.get_or_create(organisation=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
