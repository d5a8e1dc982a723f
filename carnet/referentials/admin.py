from django.contrib import admin

from carnet.referentials.models import Diploma


@admin.register(Diploma)
class DiplomaAdmin(admin.ModelAdmin):
    """Référentiels are loaded from files (manage.py load_referentiel); read-only here."""

    list_display = ["code", "title", "level", "cfd", "mef_prefix"]
    readonly_fields = [f.name for f in Diploma._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
