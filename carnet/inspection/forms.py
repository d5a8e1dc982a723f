from django import forms
from django.utils import timezone

from carnet.core.forms import NameField, TextLineField
from carnet.inspection.models import school_year_end
from carnet.inspection.services import inspector_access_problems


def _date_field(label: str, help_text: str = "", *, required: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
            "required": required,
        },
    )


class GrantOpenForm(forms.Form):
    """« Ouvrir un accès »: the inspector (found by e-mail, or new) and the period."""

    email = forms.EmailField(
        label="Adresse électronique de l'inspecteur",
        max_length=254,
        help_text="Un inspecteur qui a déjà un compte sur la plateforme est retrouvé par son "
        "adresse électronique.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "invalid": "Saisissez une adresse électronique valide.",
            "required": "Indiquez l'adresse électronique de l'inspecteur.",
        },
    )
    first_name = NameField(
        label="Prénom",
        max_length=150,
        required=False,
        help_text="Seulement pour un inspecteur qui n'a pas encore de compte.",
    )
    last_name = NameField(
        label="Nom",
        max_length=150,
        required=False,
        help_text="Seulement pour un inspecteur qui n'a pas encore de compte.",
    )
    starts_on = _date_field(
        "Date de début",
        "Au plus tôt aujourd'hui, au plus tard le 31 août de l'année scolaire en cours.",
        required="Indiquez la date de début de l'accès (jj/mm/aaaa).",
    )
    ends_on = _date_field(
        "Date de fin",
        "Au plus tard le 31 août, fin de l'année scolaire de la date de début.",
        required="Indiquez la date de fin de l'accès (jj/mm/aaaa).",
    )
    note = TextLineField(
        label="Note",
        max_length=200,
        required=False,
        help_text="Facultative, 200 caractères au plus : l'objet de la visite, par exemple. "
        "Ne nommez pas d'élève.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if not self.is_bound:
            # No end by default: the head chooses how long an inspector may read.
            self.initial.setdefault("starts_on", today)
        self.today = today
        self.fields["starts_on"].widget.attrs["min"] = today.isoformat()
        self.fields["starts_on"].widget.attrs["max"] = school_year_end(today).isoformat()

    def clean(self):
        """Every problem at once, each under its field: what the service would refuse is
        asked even when another field is missing or unreadable."""
        cleaned = super().clean()
        problems = inspector_access_problems(
            email=cleaned.get("email"),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            starts_on=cleaned.get("starts_on"),
            ends_on=cleaned.get("ends_on"),
            today=self.today,
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned
