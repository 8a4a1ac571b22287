from django.core.management.base import BaseCommand

from plan import loader


class Command(BaseCommand):
    help = "Charge le Plan crack 2019-2021 (axes, objectifs, 33 actions, étapes, indicateurs)."

    def handle(self, *args, **options):
        plan, created = loader.load()
        count = sum(o.actions.count() for a in plan.axes.all() for o in a.objectives.all())
        state = "chargé" if created else "déjà présent"
        self.stdout.write(f"{plan.name} : {state} ({count} actions).")
