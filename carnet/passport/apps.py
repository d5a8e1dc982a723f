from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "carnet.passport"
    label = "passport"
    verbose_name = "Passeport professionnel"
