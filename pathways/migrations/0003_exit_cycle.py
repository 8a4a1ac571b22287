from django.db import migrations, models


def number_exits(apps, schema_editor):
    """Number each person's existing exits by date: the pathway each one closed. Two exits
    with no enrolment between them keep distinct numbers; check_records lists them."""
    Exit = apps.get_model("pathways", "Exit")
    person_id, number = None, 0
    for exit_ in Exit.objects.order_by("person_id", "date", "pk").only("pk", "person_id"):
        number = number + 1 if exit_.person_id == person_id else 1
        person_id = exit_.person_id
        Exit.objects.filter(pk=exit_.pk).update(cycle=number)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0002_default_exit_reasons")]
    operations = [
        migrations.AddField(
            model_name="exit",
            name="cycle",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(number_exits, migrations.RunPython.noop),
    ]
