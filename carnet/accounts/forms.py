from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules et réessayez ; "
            "après plusieurs échecs, le compte est bloqué pendant quelques minutes."
        ),
        "inactive": "Ce compte est désactivé. Adressez-vous à l'administrateur de l'établissement.",
    }
