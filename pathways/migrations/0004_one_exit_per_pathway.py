from django.db import migrations, models


# Apart from 0003: PostgreSQL may refuse to alter a table in the transaction that updated
# its rows ("pending trigger events").
class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_exit_cycle")]
    operations = [
        migrations.AddConstraint(
            model_name="exit",
            constraint=models.UniqueConstraint(
                fields=("person", "cycle"), name="one_exit_per_pathway"
            ),
        ),
    ]
