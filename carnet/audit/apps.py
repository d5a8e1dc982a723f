from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carnet.audit"
    label = "audit"
    verbose_name = "Journal"
