from django.core.management.base import BaseCommand

from carnet.imports.batches import import_previews_purge


class Command(BaseCommand):
    help = (
        "Abandonne les aperçus d'import de plus de 24 heures (ils contiennent des noms et des "
        "INE d'élèves). À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options):
        count = import_previews_purge()
        self.stdout.write(f"{count} aperçu(s) abandonné(s).")
