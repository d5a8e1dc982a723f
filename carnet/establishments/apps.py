from django.apps import AppConfig


class EstablishmentsConfig(AppConfig):
    name = "carnet.establishments"
    label = "establishments"
    verbose_name = "Établissements"
