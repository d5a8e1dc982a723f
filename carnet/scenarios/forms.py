"""The scenario's forms: one per section, the library's filters, uploads. They read what a
user typed; the services (services/) check it again and write."""

from django import forms

from carnet.establishments.enums import ContextField
from carnet.referentials.models import Diploma
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.resources import MAX_RESOURCE_BYTES, MAX_SCENARIO_BYTES
from carnet.scenarios.resources.zips import MB
from carnet.scenarios.richtext import HELP_TEXT, MAX_LENGTH

CO_INTERVENTION = "Ce scénario s'intègre dans les enseignements de co-intervention"


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class TitleForm(forms.Form):
    """Section « Titre »."""

    title = forms.CharField(
        label="Titre",
        max_length=200,
        error_messages={"required": "Saisissez le titre du scénario."},
    )
    co_intervention = forms.BooleanField(label=CO_INTERVENTION, required=False)
    co_authors = PersonChoices(
        label="Enseignants co-auteurs",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les co-auteurs modifient le scénario comme vous ; tous les enseignants de "
        "l'établissement le lisent et peuvent le dupliquer.",
    )
    diploma = forms.ModelChoiceField(
        label="Diplôme",
        queryset=Diploma.objects.order_by("level", "title"),
        empty_label="Choisissez un diplôme",
        error_messages={"required": "Choisissez le diplôme préparé."},
    )
    class_level = forms.ChoiceField(
        label="Niveau de classe",
        choices=[("", "Choisissez un niveau"), *ClassLevel.choices],
        error_messages={"required": "Choisissez le niveau de classe."},
    )

    def __init__(self, *args, co_authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_authors"].queryset = co_authors
        self.fields["title"].widget.attrs["autocomplete"] = "off"


class ContextForm(forms.Form):
    """Section « Contexte »: the five fields, labelled by the establishment's masque de saisie
    for the scenario's diploma (``labels``, read when the form is shown)."""

    def __init__(self, *args, labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ContextField:
            self.fields[field.value] = forms.CharField(
                label=labels[field],
                required=False,
                # Checked on the cleaned text (the service), not on the raw one.
                max_length=2 * MAX_LENGTH,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=HELP_TEXT if field == ContextField.DESCRIPTION else "",
            )


class LinksForm(forms.Form):
    """Section « Liaison avec le référentiel »: ids among the diploma's elements."""

    taches = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    competences = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    criteres = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    attitudes = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        ids = {
            "taches": [t.pk for a in choices.activities for t in a.tasks.all()],
            "competences": [c.pk for c in choices.competencies],
            "criteres": [k.pk for c in choices.competencies for k in c.criteria.all()],
            "attitudes": [a.pk for a in choices.attitudes],
        }
        for name, values in ids.items():
            self.fields[name].choices = [(str(value), str(value)) for value in values]
            self.fields[name].error_messages["invalid_choice"] = (
                "Un élément choisi n'est pas dans le référentiel du diplôme : rechargez la page."
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class ResourcesForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers à joindre",
        help_text=(
            "PDF, images PNG ou JPEG, textes ODT, documents DOCX ou classeurs XLSX (sans "
            f"macros) : {MAX_RESOURCE_BYTES // MB} Mo au plus chacun, "
            f"{MAX_SCENARIO_BYTES // MB} Mo pour toutes les ressources du scénario."
        ),
        error_messages={"required": "Choisissez au moins un fichier à joindre."},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier d'un scénario exporté (.zip)",
        help_text="Le fichier que « Exporter » a produit sur la page du scénario, dans cet "
        "établissement ou dans un autre.",
        error_messages={"required": "Choisissez le fichier du scénario à importer."},
    )


class LibraryForm(forms.Form):
    """The library's search and filters (GET: a title, ids and codes, never a person's name)."""

    q = forms.CharField(label="Titre", required=False, max_length=100)
    diplome = forms.ModelChoiceField(
        label="Diplôme",
        queryset=Diploma.objects.order_by("level", "title"),
        required=False,
        empty_label="Tous les diplômes",
    )
    niveau = forms.ChoiceField(
        label="Niveau de classe", required=False, choices=[("", "Tous les niveaux")]
    )
    auteur = forms.TypedChoiceField(
        label="Auteur ou co-auteur", required=False, coerce=int, empty_value=None
    )
    annee = forms.TypedChoiceField(
        label="Année scolaire", required=False, coerce=int, empty_value=None
    )
    mes = forms.BooleanField(label="Mes scénarios seulement", required=False)

    def __init__(self, *args, authors, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["niveau"].choices = [("", "Tous les niveaux"), *ClassLevel.choices]
        self.fields["auteur"].choices = [("", "Tous les enseignants")] + [
            (user.pk, user.display_name) for user in authors
        ]
        self.fields["annee"].choices = [(year.start_year, str(year)) for year in years]
