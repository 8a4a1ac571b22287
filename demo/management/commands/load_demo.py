from django.core.management.base import BaseCommand

from demo import builder as demo


class Command(BaseCommand):
    help = "Charge les données de démonstration fictives et affiche les comptes de démo."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=60)

    def handle(self, *args, **options):
        if demo.load(persons=options["persons"]):
            self.stdout.write(self.style.SUCCESS("Données de démonstration fictives chargées."))
        else:
            self.stdout.write("Les données de démonstration sont déjà chargées.")
        self.stdout.write(
            f"\nComptes de démonstration (mot de passe pour tous : {demo.DEMO_PASSWORD}) :"
        )
        for email, role, org in demo.demo_logins():
            self.stdout.write(f"  {email:<34} {role} — {org}")
        self.stdout.write(
            "\nÀ la première connexion, chaque rôle (sauf le financeur) active un"
            "\nsecond facteur : scannez le QR code avec une application TOTP, ou, pour la démo,"
            "\nobtenez le code dans un autre terminal avec :"
            "\n  make otp EMAIL=social@demo.sentier.test\n"
        )
