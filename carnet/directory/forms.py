"""Forms of the directory: learners and divisions « hors SIECLE » typed in by hand."""

from django import forms

from carnet.core.forms import NameField, TextLineField
from carnet.directory.enums import OutsideStatus, PupilStatus
from carnet.directory.models import Pupil
from carnet.directory.outside import outside_learner_check
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import learner_division_choices
from carnet.referentials.models import Diploma


class DivisionChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, current_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_year = current_year

    def label_from_instance(self, division):
        label = division.code
        if division.label and division.label != division.code:
            label += f" — {division.label}"
        if division.school_year.start_year != self.current_year:
            label += f" ({division.school_year})"
        return label


class LearnerForm(forms.Form):
    last_name = NameField(label="Nom", max_length=100)
    first_name = NameField(label="Prénom", max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )
    ine = forms.CharField(
        label="INE",
        required=False,
        max_length=20,
        help_text="Facultatif : 11 caractères, par exemple 123456789AB.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    outside_status = forms.ChoiceField(
        label="Statut", choices=OutsideStatus.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, establishment, today, learner: Pupil | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.establishment, self.learner, self.today = establishment, learner, today
        self.fields["division"] = DivisionChoiceField(
            label="Division",
            queryset=learner_division_choices(
                establishment=establishment,
                today=today,
                current=learner.division if learner else None,
            ),
            empty_label="— Choisissez la division —",
            error_messages={"invalid_choice": "Choisissez une division de la liste."},
            current_year=school_year_start(today),
        )
        self.order_fields(["last_name", "first_name", "birth_date", "ine", "division"])
        if learner is not None:
            self.fields["status"] = forms.ChoiceField(
                label="Situation",
                choices=PupilStatus.choices,
                help_text="« Sorti » : l'apprenant a quitté l'établissement ; il n'est pas "
                "supprimé et son compte, s'il en a un, est désactivé.",
            )

    def clean(self):
        """Every error at once: the learner's checks run on what the fields accepted, and
        each message goes under its field unless that field already has one."""
        data = super().clean()
        _, errors = outside_learner_check(
            establishment=self.establishment, data=data, learner=self.learner, today=self.today
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        return data


class DivisionForm(forms.Form):
    code = TextLineField(
        label="Code",
        max_length=30,
        help_text="Par exemple CAP1-APP : c'est ce code qu'indique la colonne « Division » "
        "des fichiers importés.",
    )
    label = TextLineField(label="Libellé", max_length=150, required=False)
    diploma = forms.ModelChoiceField(
        label="Diplôme préparé",
        queryset=Diploma.objects.order_by("level", "title"),
        required=False,
        empty_label="— Aucun (diplôme non rattaché) —",
    )


def learner_initial(learner: Pupil) -> dict:
    return {
        "last_name": learner.last_name,
        "first_name": learner.first_name,
        "birth_date": learner.birth_date,
        "ine": learner.ine or "",
        "division": learner.division_id,
        "outside_status": learner.outside_status,
        "status": learner.status,
    }
