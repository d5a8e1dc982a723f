from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "carnet.referentials"
    label = "referentials"
    verbose_name = "Référentiels"
