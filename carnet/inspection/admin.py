from django.contrib import admin

from carnet.inspection.models import InspectorGrant


@admin.register(InspectorGrant)
class InspectorGrantAdmin(admin.ModelAdmin):
    """Read-only for the operator: grants are opened and closed by each establishment's head."""

    list_display = ["inspector", "establishment", "starts_on", "ends_on", "revoked_at"]
    list_select_related = ["inspector", "establishment"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["inspector__email", "inspector__last_name", "establishment__uai"]
    readonly_fields = [f.name for f in InspectorGrant._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
