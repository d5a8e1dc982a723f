from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm

from carnet.accounts.credentials import login_ever_given
from carnet.accounts.models import User


class OperatorUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    def clean_username(self):
        username = super().clean_username()
        if login_ever_given(username):
            raise forms.ValidationError(
                "Cet identifiant a déjà été attribué (même à un compte supprimé) : choisissez-en "
                "un autre."
            )
        return username


@admin.register(User)
class CarnetUserAdmin(UserAdmin):
    add_form = OperatorUserCreationForm
    list_display = ["username", "last_name", "first_name", "profile", "establishment", "is_active"]
    list_filter = ["profile", "is_active", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email", "establishment__uai"]
    list_select_related = ["establishment"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Carnet Pro", {"fields": ("profile", "establishment")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Carnet Pro", {"fields": ("profile", "establishment")}),
    )
