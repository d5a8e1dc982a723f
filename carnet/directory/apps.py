from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "carnet.directory"
    label = "directory"
    verbose_name = "Annuaire"
