"""National identifiers and their check keys (FORMATS.md). Pure functions, no Django.

Each ``*_problem`` function returns ``None`` when the value is valid, or a French sentence
saying what is wrong and how to fix it; the Django validators and the import parsers share them.
"""

import re
from enum import StrEnum

from carnet.core.french import NBSP, count

# 23 letters: no I, O, Q.
CHECK_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"

UAI_SHAPE = re.compile(r"^[0-9]{7}[A-Z]$")
# Department prefixes that exist: metropolitan 001–095, overseas 97x/98x, Corsica 620/720.
UAI_PREFIX = re.compile(r"^(0[0-8][0-9]|09[0-5]|9[78][0-9]|[67]20)[0-9]{4}[A-Z]$")


def normalize_uai(value: str) -> str:
    return (value or "").strip().upper()


def uai_check_letter(digits: str) -> str:
    """The check letter of the 7 digits of a UAI."""
    return CHECK_ALPHABET[int(digits) % 23]


def uai_problem(value: str) -> str | None:
    uai = normalize_uai(value)
    if not uai:
        return "Le code UAI est obligatoire (7 chiffres suivis d'une lettre, par exemple 0693046L)."
    if not UAI_SHAPE.match(uai):
        return (
            f"Le code UAI {uai} n'est pas valide : il doit comporter 7 chiffres suivis "
            "d'une lettre (par exemple 0693046L)."
        )
    expected = uai_check_letter(uai[:7])
    if uai[7] != expected:
        return f"Le code UAI {uai} n'est pas valide : la lettre clé attendue est {expected}."
    if not UAI_PREFIX.match(uai):
        return f"Le code UAI {uai} n'est pas valide : {uai[:3]} ne correspond à aucun département."
    return None


class IneForm(StrEnum):
    RNIE = "INE-RNIE"
    BEA = "INE-BEA"
    BASE = "INE-BASE"
    SIFA = "INE-SIFA"
    SIFA_PROVISIONAL = "INE-SIFA provisoire"


INE_RNIE = re.compile(r"^[0-9]{9}[A-HJK]{2}$")
INE_BEA = re.compile(r"^[0-9]{10}[A-HJ-NPR-Z]$")
INE_BASE = re.compile(r"^[0-9A-Z]{10}[0-9]$")
INE_SIFA = re.compile(r"^[0-9]{4}A[0-9]{5}[A-HJ-NPR-Z]$")
INE_SIFA_PROVISIONAL = re.compile(r"^[0-9]{4}D[0-9]{5}[A-HJ-NPR-Z]$")


def normalize_ine(value: str) -> str:
    return (value or "").strip().upper()


def ine_form(value: str) -> IneForm | None:
    """The form an INE fits, or None. Checks the key where the algorithm is public (BEA)."""
    ine = normalize_ine(value)
    if INE_RNIE.match(ine):
        return IneForm.RNIE
    if INE_BEA.match(ine) and ine[10] == CHECK_ALPHABET[int(ine[:10]) % 23]:
        return IneForm.BEA
    if INE_SIFA.match(ine):
        return IneForm.SIFA
    if INE_SIFA_PROVISIONAL.match(ine):
        return IneForm.SIFA_PROVISIONAL
    if INE_BASE.match(ine):
        return IneForm.BASE
    return None


INE_LENGTH = 11
INE_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
RNIE_SHAPE = re.compile(r"^[0-9]{9}[A-Z]{2}$")
BEA_SHAPE = re.compile(r"^[0-9]{10}[A-Z]$")
SIFA_SHAPE = re.compile(r"^[0-9]{4}[AD][0-9]{5}[A-Z]$")
CHARACTER_NAMES = {
    " ": "l'espace",
    NBSP: "l'espace insécable",
    "\t": "la tabulation",
    "\n": "le retour à la ligne",
}


def _character(char: str) -> str:
    if char in CHARACTER_NAMES:
        return CHARACTER_NAMES[char]
    if not char.isprintable():
        return f"le caractère invisible U+{ord(char):04X}"
    return f"«{NBSP}{char}{NBSP}»"


def _ine_shape_problem(ine: str) -> str:
    """Why 11 digits and letters fit no form of INE (FORMATS.md), as close as we can tell."""
    if BEA_SHAPE.match(ine):
        return f"la lettre clé attendue est {CHECK_ALPHABET[int(ine[:10]) % 23]}"
    if RNIE_SHAPE.match(ine):
        return f"un INE de 9 chiffres se termine par 2 lettres de A à K, sauf I (ici {ine[9:]})"
    if SIFA_SHAPE.match(ine):
        return f"la lettre clé d'un INE d'apprenti ne peut être ni I, ni O, ni Q (ici {ine[10]})"
    return (
        "il n'a aucune des formes nationales (9 chiffres suivis de 2 lettres, par exemple "
        "123456789AB ; 10 chiffres suivis d'une lettre clé ; 10 chiffres ou lettres suivis "
        "d'un chiffre)"
    )


def ine_problem(value: str) -> str | None:
    """What is wrong with an INE, as the UAI's message says it: its length, the characters
    it may not hold, its check letter when the key is public (INE-BEA), else its form."""
    ine = normalize_ine(value)
    if not ine:
        return "L'INE est vide : saisissez ses 11 caractères (par exemple 123456789AB)."
    if ine_form(ine) is not None:
        return None
    problems = []
    if len(ine) != INE_LENGTH:
        problems.append(f"il comporte {count(len(ine), 'caractère')} au lieu de {INE_LENGTH}")
    wrong = [c for c in dict.fromkeys(ine) if c not in INE_CHARACTERS]
    if wrong:
        named = [_character(c) for c in wrong]
        listed = ", ".join(named[:-1]) + " et " + named[-1] if len(named) > 1 else named[0]
        problems.append(
            f"retirez {listed} (un INE ne contient que des chiffres et des lettres sans accent)"
        )
    if not problems:
        problems.append(_ine_shape_problem(ine))
    return f"L'INE {ine} n'est pas valide : " + " ; ".join(problems) + "."


CNIL_NUMBER = re.compile(r"^\d{6,8}(\s?[vV]\s?\d+)?$")
REGISTER_REFERENCE_MIN, REGISTER_REFERENCE_MAX = 3, 64


def normalize_cnil(value: str) -> str:
    return " ".join((value or "").split())


def cnil_problem(value: str, *, register_reference: bool = False) -> str | None:
    """A CNIL declaration number (« 1929152 v0 »), or a GDPR register reference when said so."""
    reference = normalize_cnil(value)
    if register_reference:
        if REGISTER_REFERENCE_MIN <= len(reference) <= REGISTER_REFERENCE_MAX:
            return None
        return (
            "La référence du registre RGPD doit comporter entre "
            f"{REGISTER_REFERENCE_MIN} et {REGISTER_REFERENCE_MAX} caractères."
        )
    if CNIL_NUMBER.match(reference):
        return None
    return (
        f"Le numéro de déclaration CNIL « {reference} » n'est pas valide : il comporte 6 à 8 "
        "chiffres, éventuellement suivis d'une version (par exemple 1929152 v0). Si votre "
        "établissement inscrit ce traitement dans son registre RGPD, cochez « Il s'agit d'une "
        "référence du registre RGPD de l'établissement »."
    )
