"""The entry form and the teacher's answer. They read what was typed; the services check
it again and write."""

from django import forms

from carnet.core.forms import TextLineField
from carnet.passport.enums import EntryPlace
from carnet.passport.services import MAX_ATTACHMENTS, MAX_ENTRY_BYTES, EntryData
from carnet.pfmp.enums import Autonomy
from carnet.scenarios.forms import MultipleFileField
from carnet.scenarios.resources import MAX_RESOURCE_BYTES
from carnet.scenarios.resources.zips import MB

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(forms.Form):
    title = TextLineField(
        label="Intitulé de la situation",
        max_length=200,
        error_messages={
            "required": "Donnez un intitulé à la situation (ce que vous avez fait, en bref)."
        },
    )
    place = forms.ChoiceField(
        label="Lieu",
        choices=EntryPlace.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez où la situation a eu lieu."},
    )
    placement = forms.TypedChoiceField(
        label="Stage (PFMP)",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="En entreprise : l'entreprise de l'un de vos stages.",
    )
    place_detail = TextLineField(
        label="Précision du lieu",
        max_length=150,
        required=False,
        help_text="L'atelier, la salle, ou le lieu (« Atelier 12 », « Forum des métiers »).",
    )
    starts_on = forms.DateField(
        label="Date de début",
        widget=DATE_INPUT,
        error_messages={
            "required": "Indiquez la date de la situation (jj/mm/aaaa).",
            "invalid": "Cette date n'est pas lisible : écrivez-la jj/mm/aaaa.",
        },
    )
    ends_on = forms.DateField(
        label="Date de fin",
        widget=DATE_INPUT,
        required=False,
        help_text="Laissez vide pour une situation d'un jour.",
        error_messages={"invalid": "Cette date n'est pas lisible : écrivez-la jj/mm/aaaa."},
    )
    context = forms.CharField(
        label="Contexte", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description = forms.CharField(
        label="Description de ce que j'ai fait",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    activity = forms.TypedChoiceField(
        label="Activité du référentiel",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Laissez « D'après les tâches cochées » : l'activité de la plupart des tâches.",
    )
    tasks = forms.TypedMultipleChoiceField(
        label="Activités et tâches réalisées", coerce=int, required=False, choices=()
    )
    competencies = forms.TypedMultipleChoiceField(
        label="Compétences mobilisées", coerce=int, required=False, choices=()
    )
    equipment = forms.CharField(
        label="Matériels et logiciels utilisés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    autonomy = forms.ChoiceField(
        label="Autonomie",
        choices=[("", "Non précisée"), *Autonomy.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    files = MultipleFileField(
        label="Pièces jointes (photos, PDF)",
        required=False,
        help_text=(
            f"Photos PNG ou JPEG, PDF : {MAX_RESOURCE_BYTES // MB} Mo au plus chacun, "
            f"{MAX_ATTACHMENTS} fichiers et {MAX_ENTRY_BYTES // MB} Mo pour la situation. Les "
            "photos sont réenregistrées sans leurs métadonnées (lieu de la prise de vue)."
        ),
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        invalid = (
            "Un élément choisi n'est pas dans le référentiel de votre diplôme : rechargez la page."
        )
        self.fields["tasks"].choices = [
            (str(t.pk), f"{t.code} {t.label}") for a in choices["activities"] for t in a.tasks.all()
        ]
        self.fields["competencies"].choices = [
            (str(c.pk), f"{c.code} {c.label}") for c in choices["competencies"]
        ]
        self.fields["activity"].choices = [("", "D'après les tâches cochées")] + [
            (str(a.pk), f"{a.code} {a.label}") for a in choices["activities"]
        ]
        self.fields["placement"].choices = [("", "Aucun")] + [
            (str(p.pk), f"{p.company_name or 'Entreprise à préciser'} — {p.period}")
            for p in choices["placements"]
        ]
        for name in ("tasks", "competencies", "activity", "placement"):
            self.fields[name].error_messages["invalid_choice"] = invalid
        self.fields["title"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on", "La date de fin précède la date de début : corrigez l'une d'elles."
            )
        return cleaned

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            title=data["title"],
            place=data["place"],
            place_detail=data.get("place_detail") or "",
            placement_id=data.get("placement"),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            context=data.get("context") or "",
            description=data.get("description") or "",
            activity_id=data.get("activity"),
            task_ids=data.get("tasks") or [],
            competency_ids=data.get("competencies") or [],
            equipment=data.get("equipment") or "",
            autonomy=data.get("autonomy") or "",
        )

    @staticmethod
    def initial_of(entry) -> dict:
        return {
            "title": entry.title,
            "place": entry.place,
            "placement": entry.placement_id,
            "place_detail": entry.place_detail,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "context": entry.context,
            "description": entry.description,
            "activity": entry.activity_id,
            "tasks": [t.pk for t in entry.tasks.all()],
            "competencies": [c.pk for c in entry.competencies.all()],
            "equipment": entry.equipment,
            "autonomy": entry.autonomy,
        }


class AnswerForm(forms.Form):
    """The teacher's answer to an entry sent: « Valider », or « Demander des modifications »
    with a comment."""

    decision = forms.ChoiceField(
        choices=[("valider", "Valider"), ("reprendre", "Demander des modifications")],
        error_messages={"required": "Choisissez « Valider » ou « Demander des modifications »."},
    )
    comment = forms.CharField(
        label="Commentaire pour l'élève",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour demander des modifications : dites ce qu'il faut reprendre.",
    )
