from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import builder as demo


class Command(BaseCommand):
    help = "Démo seulement : affiche le code TOTP courant d'un compte de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        email = options["email"]
        if not settings.DEBUG or not email.endswith("@demo.sentier.test"):
            raise CommandError("Réservé aux comptes de démonstration, en mode démo (DEBUG).")
        code = demo.current_code(email)
        if code is None:
            raise CommandError(
                "Ce compte n'a pas encore ouvert la page d'activation du second facteur."
            )
        self.stdout.write(code)
