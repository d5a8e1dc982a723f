"""Password rule following the CNIL recommendation (délibération n° 2022-100).

Accepted: at least 12 characters mixing upper case, lower case, digits and special
characters; or at least 14 characters mixing upper case, lower case and digits.
"""

from django.core.exceptions import ValidationError

RULE = (
    "Le mot de passe doit comporter au moins 12 caractères dont une majuscule, une minuscule, "
    "un chiffre et un caractère spécial, ou au moins 14 caractères dont une majuscule, une "
    "minuscule et un chiffre (recommandation de la CNIL)."
)


def password_problem(password: str) -> str | None:
    has_upper = any(c.isupper() for c in password)
    has_lower = any(c.islower() for c in password)
    has_digit = any(c.isdigit() for c in password)
    has_special = any(not c.isalnum() for c in password)
    mixed = has_upper and has_lower and has_digit
    if len(password) >= 12 and mixed and has_special:
        return None
    if len(password) >= 14 and mixed:
        return None
    return RULE


class CnilPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        problem = password_problem(password)
        if problem:
            raise ValidationError(problem, code="password_cnil")

    def get_help_text(self) -> str:
        return RULE
