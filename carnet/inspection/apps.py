from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "carnet.inspection"
    label = "inspection"
    verbose_name = "Accès inspecteur"
