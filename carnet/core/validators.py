"""Django validators over the pure checks of carnet.core.identifiers."""

from django.core.exceptions import ValidationError

from carnet.core.identifiers import ine_problem, uai_problem


def validate_uai(value: str) -> None:
    problem = uai_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uai")


def validate_ine(value: str) -> None:
    if not value:
        return
    problem = ine_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_ine")
