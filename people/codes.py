"""Person codes: random, non-sequential, easy to read aloud (e.g. 7KQ-2MF).

The alphabet leaves out characters that are confused when spoken or written by hand
(0/O, 1/I/L, U/V), giving 29 symbols: 29^6 ≈ 595 million codes.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_RE = re.compile(rf"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}$")


def generate_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_code(text: str) -> str:
    """Accept what a person would type: lower case, spaces, no dash, O for 0…"""
    cleaned = re.sub(r"[\s\-_.]", "", text.upper())
    if len(cleaned) == 6:
        return f"{cleaned[:3]}-{cleaned[3:]}"
    return text.strip().upper()
