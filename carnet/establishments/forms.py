import re

from django import forms
from django.core.exceptions import ValidationError

from carnet.core.forms import NameField, TextLineField
from carnet.core.identifiers import normalize_uai, uai_problem
from carnet.establishments.enums import ContextField, ImageKind
from carnet.establishments.models import Establishment
from carnet.establishments.services import transfers_problem

PHONE = re.compile(r"^(?:\+\d{2,3}|0)\d{9}$")
POSTAL_CODE = re.compile(r"^\d{5}$")


class IdentityForm(forms.ModelForm):
    """Tab « Établissement ». Changing the UAI while pupils exist needs a confirmation."""

    confirm_uai_change = forms.BooleanField(
        required=False,
        label="Je confirme le changement de code UAI de l'établissement",
    )

    class Meta:
        model = Establishment
        fields = ["name", "uai", "address", "postal_code", "city", "academie", "phone", "email"]
        # Invisible characters dropped; a deformed name refused (carnet.core.forms).
        field_classes = {"name": NameField, "address": TextLineField, "city": TextLineField}
        labels = {
            "name": "Nom de l'établissement",
            "uai": "Code UAI (RNE)",
            "address": "Adresse",
            "postal_code": "Code postal",
            "city": "Commune",
            "academie": "Académie",
            "phone": "Téléphone",
            "email": "Adresse électronique",
        }
        help_texts = {
            "uai": "7 chiffres suivis d'une lettre clé, par exemple 0693046L.",
            "email": "Adresse de l'établissement (par exemple ce.0693046L@ac-lyon.fr).",
        }
        widgets = {
            "uai": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, has_pupils: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_pupils = has_pupils
        self.original_uai = self.instance.uai
        # Once set, the name cannot be emptied (the service refuses it too).
        self.fields["name"].required = bool(self.instance.name)
        self.fields["name"].error_messages["required"] = Establishment.NAME_CLEARED
        self.needs_uai_confirmation = False
        self.fields["email"].error_messages["invalid"] = (
            "Saisissez une adresse électronique valide, par exemple ce.0693046L@ac-lyon.fr."
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data.get("name", "").split())
        problem = self.instance.name_problem(name)
        if problem:
            raise ValidationError(problem)
        return name

    def clean_uai(self) -> str:
        uai = normalize_uai(self.cleaned_data.get("uai", ""))
        problem = uai_problem(uai)
        if problem:
            raise ValidationError(problem)
        # Said with the other fields' problems, not after them (the service checks it again).
        if Establishment.objects.filter(uai=uai).exclude(pk=self.instance.pk).exists():
            raise ValidationError(Establishment._meta.get_field("uai").error_messages["unique"])
        return uai

    def clean_postal_code(self) -> str:
        value = self.cleaned_data.get("postal_code", "").strip()
        if value and not POSTAL_CODE.match(value):
            raise ValidationError(
                f"Le code postal « {value} » n'est pas valide : saisissez 5 chiffres "
                "(par exemple 69003)."
            )
        return value

    def clean_phone(self) -> str:
        value = " ".join(self.cleaned_data.get("phone", "").split())
        digits = re.sub(r"[\s.\-]", "", value)
        if value and not PHONE.match(digits):
            raise ValidationError(
                f"Le numéro de téléphone « {value} » n'est pas valide : saisissez 10 chiffres "
                "(par exemple 04 72 00 00 00) ou un numéro international (+33 4 72 00 00 00)."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        uai = cleaned.get("uai")
        if (
            uai
            and uai != self.original_uai
            and self.has_pupils
            and not cleaned.get("confirm_uai_change")
        ):
            self.needs_uai_confirmation = True
            raise ValidationError(
                f"Vous allez remplacer le code UAI {self.original_uai} par {uai} alors que des "
                "élèves sont déjà enregistrés. Les prochains fichiers SIECLE devront porter le "
                "nouveau code. Cochez la case de confirmation puis cliquez de nouveau sur "
                "« Valider ».",
                code="confirm_uai_change",
            )
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the form does not write to the instance.
        pass


class TransfersForm(forms.Form):
    cnil_number = forms.CharField(
        label="Numéro de déclaration CNIL",
        required=False,
        max_length=64,
        help_text="Par exemple 1929152 v0, ou la référence du traitement dans le registre RGPD.",
    )
    register_reference = forms.BooleanField(
        label="Il s'agit d'une référence du registre RGPD de l'établissement",
        required=False,
    )
    enabled = forms.ChoiceField(
        label="Activer le transfert des données des élèves",
        choices=[("oui", "Oui"), ("non", "Non")],
        widget=forms.RadioSelect,
    )

    def clean_enabled(self) -> bool:
        return self.cleaned_data["enabled"] == "oui"

    def clean(self):
        """The number's problem is said even when « Oui »/« Non » is not chosen yet."""
        cleaned = super().clean()
        if "cnil_number" not in self.errors:
            problem = transfers_problem(
                cnil_number=cleaned.get("cnil_number", ""),
                register_reference=cleaned.get("register_reference", False),
                enabled=cleaned.get("enabled", False),
            )
            if problem:
                self.add_error("cnil_number", problem)
        return cleaned


class DiplomaChoiceForm(forms.Form):
    diplome = forms.ChoiceField(label="Diplôme", required=False)

    def __init__(self, *args, diplomas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diplome"].choices = [("", "Choisissez un diplôme")] + [
            (d.code, f"{d.level} — {d.title}") for d in diplomas
        ]


class MaskForm(forms.Form):
    """One text input per Contexte field of the scenario form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for position, field in enumerate(ContextField, start=1):
            self.fields[field.value] = TextLineField(
                label=f"Champ {position}",
                help_text=f"Intitulé par défaut : « {field.label} »",
                max_length=150,
                error_messages={
                    "required": (
                        "L'intitulé ne peut pas être vide : saisissez un intitulé ou "
                        "réinitialisez le masque."
                    )
                },
            )


class ImageUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier PNG ou JPEG (2 Mo et 4000 × 4000 pixels au plus)",
        error_messages={
            "required": "Choisissez d'abord un fichier image PNG ou JPEG.",
            "empty": "Le fichier est vide. Choisissez une image PNG ou JPEG.",
        },
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, kind: ImageKind, **kwargs):
        super().__init__(*args, prefix=kind.value, **kwargs)
        self.kind = kind
        # The logo's and the stamp's inputs are on one page: each label says which it is.
        name = f"Fichier du {kind.label.lower()}"
        self.fields["file"].label = f"{name} : PNG ou JPEG (2 Mo et 4000 × 4000 pixels au plus)"
