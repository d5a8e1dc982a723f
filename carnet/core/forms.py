from django import forms
from django.core.exceptions import ValidationError

from carnet.core.text import clean_text, name_problem


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: under its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TextLineField(forms.CharField):
    """One line of text (a label, a code, a discipline): invisible characters (control,
    zero-width, bidi…) dropped and white space collapsed (carnet.core.text.clean_text)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if value not in self.empty_values else value


class NameField(TextLineField):
    """A person's or an establishment's name: cleaned as a ``TextLineField``, and refused on
    its field when a letter carries more than three marks (deformed « Zalgo » text, which
    cleaning cannot mend without changing the letters)."""

    def validate(self, value):
        super().validate(value)
        problem = name_problem(value or "")
        if problem:
            raise ValidationError(
                f"Ce nom est refusé : {problem}. Retapez-le avec ses seuls accents.",
                code="name_refused",
            )
