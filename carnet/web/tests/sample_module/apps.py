from django.apps import AppConfig


class SampleModuleConfig(AppConfig):
    """A module as a new app would be: it declares its permission, menu entry and home block
    in its own files, and nothing else in the project changes."""

    name = "carnet.web.tests.sample_module"
    label = "sample_module"
