from django.apps import AppConfig


class PfmpConfig(AppConfig):
    name = "carnet.pfmp"
    label = "pfmp"
    verbose_name = "Périodes de formation en milieu professionnel"
