"""Weeks of PFMP a diploma requires, and the SIRET check: pure functions, no database.

The required weeks are a small table keyed by the référentiel's « niveau » (docs/decisions.md):
Bac Pro 22 weeks over three years, CAP 12 to 16 over two. A diploma of another level has
no requirement shown.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RequiredWeeks:
    minimum: int
    maximum: int

    def __str__(self) -> str:
        if self.minimum == self.maximum:
            return f"{self.minimum}\u00a0semaines"
        return f"{self.minimum} à {self.maximum}\u00a0semaines"

    def reached(self, weeks: int) -> bool:
        return weeks >= self.minimum


REQUIRED_WEEKS = {
    "bac pro": RequiredWeeks(22, 22),
    "cap": RequiredWeeks(12, 16),
}


def required_weeks(level: str | None) -> RequiredWeeks | None:
    """The weeks required by a diploma of this « niveau » (« Bac Pro », « CAP »), or None."""
    return REQUIRED_WEEKS.get((level or "").strip().lower())


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# La Poste's establishments: their SIRET fails Luhn; the sum of the digits is a multiple of 5.
LA_POSTE_SIREN = "356000000"


def normalize_siret(value: str) -> str:
    return "".join(value.split())


def siret_problem(value: str) -> str | None:
    """None when ``value`` is empty (the SIRET is optional) or a valid SIRET; else why not."""
    siret = normalize_siret(value)
    if not siret:
        return None
    if len(siret) != 14 or not siret.isdigit():
        return (
            "Un SIRET a 14 chiffres (SIREN de 9 chiffres puis NIC de 5) : vérifiez-le sur "
            "l'avis de situation de l'entreprise, ou laissez le champ vide."
        )
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_SIREN + "00048":
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret)
    if not valid:
        return (
            "Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : une faute de "
            "frappe ? Vérifiez-le, ou laissez le champ vide."
        )
    return None
