"""The bilan's form: a date, a comment, and per competency the level the teacher decides
(pre-filled with the proposed one). It reads the input; the services judge it."""

from django import forms

from carnet.core.params import id_param

NOT_POSITIONED = ""


class BilanForm(forms.Form):
    date = forms.DateField(
        label="Date du bilan",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
            "required": "Indiquez la date du bilan.",
        },
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Le commentaire dépasse 5000 caractères : raccourcissez-le."},
    )

    def __init__(self, *args, rows, scale, **kwargs):
        """``rows``: [(competency info, proposal or None, decided level pk or None)…]."""
        super().__init__(*args, **kwargs)
        choices = [(NOT_POSITIONED, "Non positionné")] + [
            (str(level.pk), f"{level.code} — {level.label}") for level in scale
        ]
        by_value = {level.value: level.pk for level in scale if level.value is not None}
        self.level_rows = []
        for info, proposal, decided in rows:
            name = f"niveau_{info.pk}"
            initial = decided
            if initial is None and proposal is not None and proposal.value is not None:
                initial = by_value.get(proposal.value)
            self.fields[name] = forms.ChoiceField(
                label=f"{info.code} — {info.label}",
                choices=choices,
                required=False,
                initial=str(initial) if initial else NOT_POSITIONED,
                error_messages={"invalid_choice": "Choisissez un niveau de l'échelle."},
            )
            self.level_rows.append((info, proposal, name))

    def level_fields(self):
        return [(info, proposal, self[name]) for info, proposal, name in self.level_rows]

    def decided(self) -> dict[int, int | None]:
        return {
            info.pk: id_param(self.cleaned_data.get(name) or None)
            for info, _, name in self.level_rows
        }
