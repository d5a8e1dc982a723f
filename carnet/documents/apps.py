from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "carnet.documents"
    label = "documents"
    verbose_name = "Documents imprimables"
