"""Forms of the PFMP pages; each asks what its service would refuse (docs: « Forms say every
problem at once »)."""

from django import forms

from carnet.core.forms import NameField, TextLineField
from carnet.pfmp.enums import Autonomy
from carnet.pfmp.weeks import siret_problem
from carnet.scenarios.forms import MultipleFileField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    title = TextLineField(label="Intitulé (facultatif)", required=False, max_length=150)
    starts_on = forms.DateField(
        label="Début", widget=DATE, error_messages={"required": "Indiquez le premier jour."}
    )
    ends_on = forms.DateField(
        label="Fin", widget=DATE, error_messages={"required": "Indiquez le dernier jour."}
    )
    weeks = forms.IntegerField(
        label="Nombre de semaines",
        min_value=1,
        max_value=22,
        error_messages={"required": "Indiquez le nombre de semaines de la période."},
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "La fin de la période précède son début.")
        return data


class PlacementForm(forms.Form):
    company_name = NameField(label="Entreprise", required=False, max_length=150)
    company_siret = forms.CharField(
        label="SIRET (facultatif)", required=False, max_length=20, help_text="14 chiffres."
    )
    company_city = TextLineField(label="Commune", required=False, max_length=100)
    tutor_name = NameField(label="Nom du tuteur", required=False, max_length=150)
    tutor_function = TextLineField(label="Fonction du tuteur", required=False, max_length=100)
    tutor_email = forms.EmailField(
        label="Adresse électronique du tuteur",
        required=False,
        error_messages={"invalid": "Cette adresse électronique n'est pas valide."},
    )
    tutor_phone = TextLineField(label="Téléphone du tuteur", required=False, max_length=20)
    referent = forms.ModelChoiceField(
        label="Professeur référent", queryset=None, required=False, empty_label="—"
    )
    weeks_done = forms.IntegerField(
        label="Semaines effectuées (si différent de la période)",
        required=False,
        min_value=0,
        max_value=22,
    )

    def __init__(self, *args, referents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["referent"].label_from_instance = lambda user: user.display_name

    def clean_company_siret(self):
        value = self.cleaned_data["company_siret"]
        problem = siret_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class SheetForm(forms.Form):
    starts_on = forms.DateField(
        label="Date (ou premier jour)",
        widget=DATE,
        error_messages={"required": "Indiquez la date de l'activité."},
    )
    ends_on = forms.DateField(label="Dernier jour (facultatif)", widget=DATE, required=False)
    title = TextLineField(
        label="Titre",
        max_length=200,
        error_messages={"required": "Donnez un titre à votre fiche."},
    )
    company_context = forms.CharField(
        label="Contexte de l'entreprise", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label="Ce que j'ai fait", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    tasks = forms.MultipleChoiceField(
        label="Tâches du référentiel réalisées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    equipment = forms.CharField(
        label="Matériels utilisés", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    autonomy = forms.ChoiceField(
        label="Autonomie",
        required=False,
        choices=[("", "—"), *Autonomy.choices],
    )
    difficulties = forms.CharField(
        label="Difficultés rencontrées", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(
        label="Photos ou PDF à joindre (facultatif)",
        required=False,
        help_text="Photos PNG ou JPEG, documents PDF : 10 Mo au plus chacun. La position GPS "
        "et les autres données des photos sont retirées.",
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = [(str(t.pk), f"{t.code} — {t.label}") for t in tasks]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Le dernier jour précède le premier.")
        return data


class TutorForm(forms.Form):
    """What the tutor types besides the levels (the levels are read from the page's radios)."""

    appreciation = forms.CharField(
        label="Appréciation du tuteur", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attendance = TextLineField(label="Assiduité", required=False, max_length=200)
    signature = NameField(
        label="Votre nom (vaut signature)",
        max_length=150,
        error_messages={"required": "Indiquez votre nom : il vaut signature."},
    )
