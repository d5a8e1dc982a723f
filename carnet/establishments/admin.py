from django.contrib import admin

from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.establishments.models import Establishment


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """The operator creates establishments and corrects their identity.

    Transfers (CNIL number, Oui/Non) are the establishment administrator's decision, made
    in Paramètres › Transferts: read-only here. The administrator account is created with
    ``manage.py create_establishment``. Every change made here is in the audit trail.
    """

    list_display = ["uai", "name", "city", "academie", "transfers_enabled"]
    search_fields = ["uai", "name", "city"]
    list_filter = ["academie", "transfers_enabled"]
    fields = ["uai", "name", "address", "postal_code", "city", "phone", "email", "academie"]
    readonly_fields = ["cnil_number", "transfers_enabled", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields] if obj else self.fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = audit_changes(
            form.initial,
            form.cleaned_data,
            labels={name: str(form.fields[name].label) for name in form.changed_data},
        )
        audit_event_record(
            establishment=obj,
            actor=request.user,
            action=AuditAction.IDENTITY_UPDATED if change else AuditAction.ESTABLISHMENT_CREATED,
            subject="Administration de la plateforme",
            changes=changes,
        )
