from django.contrib import admin

from carnet.establishments.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["uai", "name", "city", "academie", "transfers_enabled"]
    search_fields = ["uai", "name", "city"]
    list_filter = ["academie", "transfers_enabled"]
    readonly_fields = ["logo", "stamp", "created_at", "updated_at"]
