from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from core.models import encrypted_models

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-wrap every record's data key under the active (first) master key of "
        "SENTIER_MASTER_KEYS. Put the new key first, keep the old ones, run this, "
        "then remove the old keys."
    )

    def handle(self, *args, **options):
        ring = crypto.keyring()
        total = 0
        for model in encrypted_models():
            done = 0
            while True:
                with transaction.atomic():
                    batch = list(
                        model.objects.select_for_update()
                        .exclude(key_id=ring.active_id)
                        .order_by("pk")[:BATCH]
                    )
                    if not batch:
                        break
                    for record in batch:
                        record.rewrap()
                    model.objects.bulk_update(batch, ["key_id", "wrapped_key"])
                    done += len(batch)
            self.stdout.write(f"{model._meta.label}: {done} enregistrement(s) re-chiffré(s)")
            total += done
        self.stdout.write(
            self.style.SUCCESS(f"Terminé : {total} clé(s) de données sous la clé {ring.active_id}.")
        )
