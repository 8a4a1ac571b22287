from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import crypto
from core.models import confirm_key, encrypted_models, verify_keyring

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-wrap every record's data key under the active (first) master key of "
        "SENTIER_MASTER_KEYS. Put the new key first, under a new id, keep the old ones, run "
        "this, then remove the old keys."
    )

    def handle(self, *args, **options):
        ring = crypto.keyring()
        # Every key must match its stored fingerprint before anything is re-wrapped; the new
        # key's fingerprint is stored before the first record moves under it.
        problems = verify_keyring(ring)
        if problems:
            raise CommandError("\n".join(problems))
        confirm_key(ring.active_id, ring)
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
