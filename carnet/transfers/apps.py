from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "carnet.transfers"
    label = "transfers"
    verbose_name = "Transferts"
