"""Logins: « prénom.nom » folded to ASCII lower case, at most 30 characters, made unique with
a digit.

The first given name (« Marie-Éloïse Anne » → « marie-eloise ») and the first part of the
family name (« GARCIA-LOPEZ » → « garcia », « Martin Dupont » → « martin »), its particles
kept with it (« De la Fontaine » → « delafontaine », « N'Diaye » → « ndiaye »): a login a
pupil can type from a printed card, and that fits on it.
"""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
LOGIN_MAX = 30
# Room kept for the digits that make a login unique (« jean.martin12 »), within LOGIN_MAX.
DIGITS_MAX = 3
FAMILY_MAX = 20
# Words that introduce a family name rather than being one: kept with the word they introduce.
# fmt: off
PARTICLES = frozenset({
    "d", "da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "el", "al",
    "ben", "bin", "ibn", "l", "la", "le", "les", "mac", "mc", "o", "saint", "sainte", "san",
    "santa", "st", "ste", "van", "von"
})
# fmt: on


def fold(value: str) -> str:
    """« Cœlia » → « coelia », « N'Diaye » → « ndiaye », « Da Silva » → « dasilva »."""
    value = unicodedata.normalize("NFKD", value.translate(LIGATURES))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9-]", "", value).strip("-")


def family_part(last_name: str) -> str:
    """The first part of a family name, folded, with the particles before it."""
    words = [fold(word) for word in re.split(r"[\s\-‐‑–—]+", last_name)]
    words = [word for word in words if word]
    for index, word in enumerate(words):
        if word not in PARTICLES:
            return "".join(words[: index + 1])
    return "".join(words)


def login_base(first_name: str, last_name: str) -> str:
    """« prénom.nom » in at most LOGIN_MAX characters (the family name keeps FAMILY_MAX)."""
    given = first_name.split()
    first = fold(given[0]) if given else ""
    last = family_part(last_name)[:FAMILY_MAX]
    if first and last:
        first = first[: LOGIN_MAX - 1 - len(last)].strip("-")
    base = ".".join(part for part in (first, last) if part)
    return base[:LOGIN_MAX].strip(".-") or "compte"


def login_prefix(base: str) -> str:
    """What every login made from ``base`` by unique_login starts with."""
    return base[: LOGIN_MAX - DIGITS_MAX].rstrip(".-")


def unique_login(base: str, taken: set[str]) -> str:
    """``base``, or ``base2``, ``base3``… — the first not in ``taken`` (lower case), at most
    LOGIN_MAX characters: the end of ``base`` gives way to the digits."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = str(number)
        candidate = base[: LOGIN_MAX - len(suffix)].rstrip(".-") + suffix
    taken.add(candidate)
    return candidate
