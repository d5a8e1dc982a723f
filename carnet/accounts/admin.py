from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from carnet.accounts.models import User


@admin.register(User)
class CarnetUserAdmin(UserAdmin):
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
