"""Forms of the evaluations' pages. They read the input; the services judge it."""

from django import forms
from django.utils import timezone

from carnet.directory.models import Pupil
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.selectors import offered_structures, structure_pupils
from carnet.referentials.models import Competency, Criterion, ExamUnit


def date_field(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
            "required": "Indiquez la date de l'évaluation.",
        },
    )


class StructureChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        kind = "groupe" if obj.kind == "groupe" else "division"
        count = f"{obj.active_count} élève" + ("s" if obj.active_count > 1 else "")
        mine = ", votre classe" if obj.taught else ""
        return f"{obj.code} ({kind}, {count}{mine})"


class PupilChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} — {obj.division.code}" if obj.division_id else str(obj)


class EvaluationCreateForm(forms.Form):
    """« Nouvelle évaluation ». The pupils' list appears once the divisions are known (on
    choosing them with htmx; with « Afficher les élèves » without JavaScript); left unseen,
    every active pupil of the divisions is evaluated."""

    kind = forms.ChoiceField(
        label="Type d'évaluation",
        choices=EvaluationKind.choices,
        widget=forms.RadioSelect,
        initial=EvaluationKind.FORMATIVE,
        error_messages={"required": "Choisissez une évaluation formative ou certificative."},
    )
    unit = forms.ModelChoiceField(
        label="Unité certificative",
        queryset=ExamUnit.objects.none(),
        required=False,
        empty_label="— (évaluation formative)",
        help_text="Pour une évaluation certificative : l'unité du diplôme qu'elle évalue. Ses "
        "élèves sont alors inscrits à cette unité.",
    )
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        required=False,
        help_text="Facultatif : par exemple « Mise en service du tableau, séance 2 ».",
    )
    date = date_field("Date de l'évaluation")
    divisions = StructureChoices(
        label="Divisions ou groupes",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une division ou un groupe."},
    )
    pupils = PupilChoices(
        label="Élèves évalués",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The divisions the pupils' list shown was made for ("" when none was shown).
    pupils_for = forms.CharField(required=False, widget=forms.HiddenInput)
    grain = forms.ChoiceField(
        label="Évaluation détaillée",
        choices=Grain.choices,
        widget=forms.RadioSelect,
        initial=Grain.CRITERION,
        help_text="Par critère : une colonne par critère d'évaluation. Par compétence : une "
        "colonne par compétence, évaluée dans son ensemble.",
    )
    competencies = forms.ModelMultipleChoiceField(queryset=None, required=False)
    criteria = forms.ModelMultipleChoiceField(queryset=None, required=False)
    # Where the services' refusals about the columns are shown (never filled in).
    targets = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scenario, user, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        today = today or timezone.localdate()
        diploma = scenario.diploma
        self.fields["unit"].queryset = ExamUnit.objects.filter(diploma=diploma).order_by("position")
        self.fields["unit"].label_from_instance = lambda u: f"{u.code} — {u.label}"
        self.structures = list(
            offered_structures(
                establishment=scenario.establishment_id, diploma=diploma, user=user, today=today
            )
        )
        self.fields["divisions"].queryset = offered_structures(
            establishment=scenario.establishment_id, diploma=diploma, user=user, today=today
        )
        self.fields["competencies"].queryset = Competency.objects.filter(diploma=diploma)
        self.fields["criteria"].queryset = Criterion.objects.filter(competency__diploma=diploma)
        if not self.is_bound:
            self.initial.setdefault("date", today)
        self.chosen_structures = self._chosen_structures()
        self.shown_pupils = (
            structure_pupils(
                establishment=scenario.establishment_id, structures=self.chosen_structures
            )
            if self.chosen_structures
            else []
        )
        self.fields["pupils"].queryset = Pupil.objects.filter(
            pk__in=[p.pk for p in self.shown_pupils]
        )

    def clean(self):
        # Said with the form's own errors (the services say it again when they judge).
        data = super().clean()
        if data.get("kind") == EvaluationKind.CERTIFICATIVE and not data.get("unit"):
            self.add_error("unit", "Une évaluation certificative porte sur une unité du diplôme.")
        return data

    def _chosen_structures(self) -> list:
        if self.is_bound:
            wanted = set(self.data.getlist(self.add_prefix("divisions")))
        else:
            wanted = {str(pk) for pk in self.initial.get("divisions", ())}
        return [s for s in self.structures if str(s.pk) in wanted]

    @property
    def structures_key(self) -> str:
        """Which divisions the pupils' list is made for (``pupils_for``)."""
        return ",".join(sorted(str(s.pk) for s in self.chosen_structures))

    def pupils_checked(self) -> set[str]:
        """The pupils ticked in the list shown: all of them when the list is new."""
        if self.is_bound and self.data.get("pupils_for") == self.structures_key:
            return set(self.data.getlist("pupils"))
        return {str(p.pk) for p in self.shown_pupils}

    def pupils_list_is_stale(self) -> bool:
        """The divisions changed since the pupils' list shown was made (without JavaScript):
        the list is made again, and nothing is created until it has been seen."""
        return bool(self.data.get("pupils_for")) and (
            self.data.get("pupils_for") != self.structures_key
        )

    def targets_tree(self) -> list[dict]:
        """The référentiel's competencies with their criteria, as the form ticks them (the
        scenario's own by default)."""
        if self.is_bound:
            competencies = set(self.data.getlist("competencies"))
            criteria = set(self.data.getlist("criteria"))
        else:
            competencies = {str(pk) for pk in self.initial.get("competencies", ())}
            criteria = {str(pk) for pk in self.initial.get("criteria", ())}
        linked_competencies = {str(pk) for pk in self.initial.get("competencies", ())}
        linked_criteria = {str(pk) for pk in self.initial.get("criteria", ())}
        tree = []
        for competency in (
            Competency.objects.filter(diploma=self.scenario.diploma)
            .prefetch_related("criteria")
            .order_by("position")
        ):
            items = [
                {
                    "criterion": criterion,
                    "checked": str(criterion.pk) in criteria,
                    "code": f"{competency.code}.{criterion.position}",
                }
                for criterion in competency.criteria.all()
            ]
            tree.append(
                {
                    "competency": competency,
                    "checked": str(competency.pk) in competencies,
                    "criteria": items,
                    "count": sum(1 for i in items if i["checked"]),
                    "linked": str(competency.pk) in linked_competencies
                    or any(str(c.pk) in linked_criteria for c in competency.criteria.all()),
                }
            )
        return tree


class EvaluationEditForm(forms.Form):
    """« Modifier l'évaluation »: title, date, success indicators, pupils."""

    title = EvaluationCreateForm.base_fields["title"]
    date = date_field("Date de l'évaluation")
    # Where the services' refusals about the pupils are shown (the boxes are the page's).
    pupils = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            self.fields[f"indicator_{column.target_id}"] = forms.CharField(
                label=f"{column.code} — {column.label}",
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def indicator_fields(self):
        return [self[f"indicator_{column.target_id}"] for column in self.columns]

    def indicators(self) -> dict[int, str]:
        return {
            column.target_id: self.cleaned_data.get(f"indicator_{column.target_id}", "")
            for column in self.columns
        }


class GridUploadForm(forms.Form):
    file = forms.FileField(
        label="Grille remplie (XLSX)",
        help_text="Le fichier exporté par « Exporter (XLSX) », rempli dans votre tableur. "
        "2 Mo au plus.",
        error_messages={
            "required": "Choisissez le fichier de la grille remplie.",
            "empty": "Le fichier déposé est vide : choisissez la grille remplie.",
        },
    )
