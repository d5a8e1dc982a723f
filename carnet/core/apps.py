from django.apps import AppConfig
from django.db.backends.signals import connection_created

from carnet.core.search import register_sqlite_functions


class CoreConfig(AppConfig):
    name = "carnet.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        # Searches and name order fold in the database (carnet.core.search.Folded).
        connection_created.connect(register_sqlite_functions, dispatch_uid="carnet_fold")
