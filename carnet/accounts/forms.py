import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.contrib.auth.hashers import check_password

from carnet.accounts.former_pupils import former_pupil_of
from carnet.accounts.models import User
from carnet.accounts.ratelimits import RESET_PER_ACCOUNT, limit_take
from carnet.core.forms import NameField, TextLineField
from carnet.directory.enums import Civility
from carnet.directory.models import Division


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Identifiant",
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # One message for every failure, whatever the account's state: the login page never
    # tells that an account exists, is disabled (« compte désactivé ») or never signed in.
    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules et réessayez ; "
            "après plusieurs échecs, le compte est bloqué pendant quelques minutes."
        ),
    }
    error_messages["inactive"] = error_messages["invalid_login"]

    def confirm_login_allowed(self, user):
        # A pupil who left keeps a disabled account that signs in to their passport alone.
        if not user.is_active and former_pupil_of(user) is not None:
            return
        super().confirm_login_allowed(user)


class DivisionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, division) -> str:
        return division.code


class StaffAccountForm(forms.Form):
    """« Nouvel enseignant », the head's account, and their edition."""

    civility = forms.ChoiceField(
        label="Civilité", choices=[("", "—"), *Civility.choices], required=False
    )
    last_name = NameField(label="Nom", max_length=100)
    first_name = NameField(label="Prénom", max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        help_text="Pour recevoir le lien « Mot de passe oublié ».",
        error_messages={
            "invalid": "Saisissez une adresse électronique valide, par exemple "
            "prenom.nom@ac-lyon.fr."
        },
    )
    discipline = TextLineField(label="Discipline enseignée", max_length=100, required=False)
    divisions = DivisionsField(
        label="Classes",
        queryset=Division.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_similar = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une autre personne", required=False
    )

    def __init__(self, *args, divisions=None, teacher: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["divisions"].queryset = (
            divisions if divisions is not None else Division.objects.none()
        )
        if not teacher:
            del self.fields["discipline"]
            del self.fields["divisions"]
        self.similar = []

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > datetime.date.today():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        return value


class AccountPasswordResetForm(PasswordResetForm):
    """Django's form; it also reaches active accounts that have no password yet (an
    inspector invited by e-mail whose first link expired). One account receives at most
    PASSWORD_RESET_ACCOUNT_LIMIT links an hour, whoever asks (beyond, nothing is sent)."""

    def get_users(self, email):
        for user in User.objects.filter(email__iexact=email, is_active=True).exclude(email=""):
            if limit_take(RESET_PER_ACCOUNT, user.pk):
                yield user


class PersonalPasswordChangeForm(PasswordChangeForm):
    """Django's form; the new password must differ from the current one (a temporary
    password kept as « new » would leave the printed sheet opening the account)."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and check_password(new, self.user.password):
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    "Choisissez un mot de passe différent de votre mot de passe actuel.",
                    code="password_unchanged",
                ),
            )
        return cleaned
