from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "carnet.core"
    label = "core"
    verbose_name = "Socle"
