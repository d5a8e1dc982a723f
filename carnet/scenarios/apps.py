from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "carnet.scenarios"
    label = "scenarios"
    verbose_name = "Scénarios pédagogiques"
