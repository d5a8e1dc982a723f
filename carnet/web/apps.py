from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top floor: home pages, the main menu and the demo, over every other app."""

    name = "carnet.web"
    label = "web"
    verbose_name = "Pages d'accueil"
