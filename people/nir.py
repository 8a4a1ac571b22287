"""The French social security number (NIR): 13 characters and a 2-digit control key."""

import re
from datetime import date

from django.core.exceptions import ValidationError


def normalise_nir(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nir_key(body: str) -> int:
    # Corsica's departments 2A and 2B count as 19 and 18 for the key.
    numeric = body[:5] + body[5:7].replace("2A", "19").replace("2B", "18") + body[7:]
    return 97 - int(numeric) % 97


def validate_nir(value: str, birth_date: date | None = None) -> str:
    nir = normalise_nir(value)
    if len(nir) != 15:
        raise ValidationError(
            "Le NIR compte 15 caractères : 13 pour le numéro et 2 pour la clé "
            f"(vous en avez saisi {len(nir)})."
        )
    body, key = nir[:13], nir[13:]
    if body[0] not in "123478":
        raise ValidationError("Le NIR commence par 1, 2, 3, 4, 7 ou 8.")
    corsica_ok = body[5:7] in ("2A", "2B")
    digits_ok = (body[:5] + ("00" if corsica_ok else body[5:7]) + body[7:]).isdigit()
    if not digits_ok or not key.isdigit():
        raise ValidationError("Le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse).")
    if int(key) != nir_key(body):
        raise ValidationError(
            "La clé de contrôle ne correspond pas au numéro : vérifiez chaque chiffre."
        )
    month = int(body[3:5])
    known_month = birth_date is not None and 1 <= month <= 12
    if (
        birth_date is not None
        and known_month
        and (body[1:3] != f"{birth_date:%y}" or month != birth_date.month)
    ):
        raise ValidationError("Le NIR ne correspond pas à la date de naissance (année et mois).")
    return nir
