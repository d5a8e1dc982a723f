"""Logins: « prénom.nom » folded to ASCII lower case, made unique with a digit."""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(value: str) -> str:
    """« Cœlia » → « coelia », « N'Diaye » → « ndiaye », « Da Silva » → « dasilva »."""
    value = unicodedata.normalize("NFKD", value.translate(LIGATURES))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9-]", "", value).strip("-")


def login_base(first_name: str, last_name: str) -> str:
    first = fold(first_name.split()[0] if first_name.split() else "")
    last = fold(last_name)
    return ".".join(part for part in (first, last) if part)[:140] or "compte"


def unique_login(base: str, taken: set[str]) -> str:
    """``base``, or ``base2``, ``base3``… — the first not in ``taken`` (lower case)."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate
