from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "carnet.evaluations"
    label = "evaluations"
    verbose_name = "Évaluations"
