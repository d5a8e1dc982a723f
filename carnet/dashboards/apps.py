from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "carnet.dashboards"
    label = "dashboards"
    verbose_name = "Tableaux de bord apprenants"
