"""List the records that break a rule of Sentier (core/integrity.py), grouped by rule, so a
coordinator can correct them. Reads only: nothing is changed or deleted."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import integrity


class Command(BaseCommand):
    help = "Liste les enregistrements qui enfreignent une règle de Sentier (rien n'est modifié)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rule", action="append", dest="rules", help="seulement cette règle (répétable)"
        )
        parser.add_argument(
            "--organisation", type=int, help="seulement les enregistrements de cette structure"
        )
        parser.add_argument(
            "--fail", action="store_true", help="code de sortie 1 si un enregistrement est listé"
        )
        parser.add_argument("--list-rules", action="store_true", help="liste les règles")

    def handle(self, *args, rules=None, organisation=None, fail=False, list_rules=False, **kw):
        integrity.discover()
        if list_rules:
            for r in integrity.RULES.values():
                self.stdout.write(f"{r.code}\t{r.title}")
            return
        unknown = [code for code in rules or () if code not in integrity.RULES]
        if unknown:
            raise CommandError(f"Règle inconnue : {', '.join(unknown)} (voir --list-rules).")
        today = timezone.localdate()
        found = integrity.run(today, rules)
        if organisation is not None:
            found = [f for f in found if f.organisation_id == organisation]
        for code in rules or integrity.RULES:
            lines = [f for f in found if f.rule == code]
            if not lines:
                continue
            self.stdout.write(f"{code} — {integrity.RULES[code].title} : {len(lines)}")
            for f in lines:
                self.stdout.write(
                    f"  structure {f.organisation_id} · {f.model} #{f.pk} · {f.label} · {f.message}"
                )
        self.stdout.write(
            f"{len(found)} enregistrement(s) à corriger."
            if found
            else "Aucun enregistrement n'enfreint les règles."
        )
        if fail and found:
            raise SystemExit(1)
