"""Measured use and the history of referral outcomes (issue 15).

Assessments — the rule for existing data: nothing is changed and nothing is lost.
- Every assessment keeps its days of use in the last 7 days; the new 30-day figure is empty.
- The self-reported trend becomes optional and is kept as entered. No figure reads it any
  more: the cohort table computes "uses less" and "stopped" from the days at intake and at
  the latest assessment.
- A kept trend that contradicts the days (pathways.models.assessments.trend_contradiction:
  "Arrêt" with days of use; "Moins" with more days than at the pathway's intake; "Plus" with
  fewer; "Pareil" when one of the two is 0 and not the other) is not cleared: the rule
  "assessment-trend-contradicts" of pathways/integrity.py lists it (`manage.py
  check_records`) for the team to correct; forms refuse new ones. Intakes saved with a trend
  (it was required) keep it; it is ignored (an intake has no trend to compare).

Referrals — each referral gets one row of outcome history holding its current outcome and
outcome date, recorded_at = the time of this migration, recorded_by empty, migrated = True:
what was known before cannot be dated. A report reads a referral's outcome from its latest
row recorded by the end of its period, else from its first row, so old periods read as they
did before this migration and stay so.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def start_referral_history(apps, schema_editor):
    Referral = apps.get_model("pathways", "Referral")
    ReferralOutcome = apps.get_model("pathways", "ReferralOutcome")
    now = timezone.now()
    rows = [
        ReferralOutcome(
            referral_id=r.pk,
            outcome=r.outcome,
            outcome_date=r.outcome_date,
            recorded_at=now,
            recorded_by=None,
            migrated=True,
        )
        for r in Referral.objects.only("pk", "outcome", "outcome_date").iterator()
    ]
    ReferralOutcome.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0004_one_exit_per_pathway"),
        ("people", "0005_share_health_db_default"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferralOutcome",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "En attente"),
                            ("accepted", "Acceptée"),
                            ("refused", "Refusée"),
                            ("no_show", "Personne non venue"),
                        ],
                        max_length=10,
                        verbose_name="suite",
                    ),
                ),
                (
                    "outcome_date",
                    models.DateField(blank=True, null=True, verbose_name="date de la suite"),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="enregistrée le")),
                (
                    "migrated",
                    models.BooleanField(default=False, verbose_name="reprise de l'existant"),
                ),
            ],
            options={
                "verbose_name": "suite d'orientation (historique)",
                "ordering": ["-recorded_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="assessment",
            name="crack_days_last30",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Facultatif. Au moins autant que sur les 7 derniers jours.",
                null=True,
                validators=[django.core.validators.MaxValueValidator(30)],
                verbose_name="jours de consommation de crack sur les 30 derniers jours",
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="trend",
            field=models.CharField(
                blank=True,
                choices=[
                    ("more", "Plus"),
                    ("same", "Pareil"),
                    ("less", "Moins"),
                    ("stopped", "Arrêt"),
                ],
                help_text="Facultatif, pas au bilan d'entrée. Doit s'accorder avec les jours de consommation comparés au bilan d'entrée.",
                max_length=10,
                verbose_name="évolution ressentie",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("crack_days_last30__isnull", True),
                    models.Q(
                        ("crack_days_last30__gte", models.F("crack_days_last7")),
                        ("crack_days_last30__lte", 30),
                    ),
                    _connector="OR",
                ),
                name="assessment_days_in_month",
            ),
        ),
        migrations.AddField(
            model_name="referraloutcome",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="referraloutcome",
            name="referral",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history",
                to="pathways.referral",
            ),
        ),
        migrations.AddIndex(
            model_name="referraloutcome",
            index=models.Index(
                fields=["referral", "recorded_at"], name="pathways_re_referra_a6ee84_idx"
            ),
        ),
        migrations.RunPython(start_referral_history, migrations.RunPython.noop),
    ]
