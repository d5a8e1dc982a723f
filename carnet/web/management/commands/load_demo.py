from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carnet.web.demo import DEMO_PASSWORD, DemoRefused, demo_load


class Command(BaseCommand):
    help = "Crée ou rafraîchit l'établissement de démonstration et affiche ses identifiants."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Accepter de créer la démonstration hors du mode développement (DEBUG).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "La démonstration (comptes au mot de passe public) ne se charge qu'en "
                "développement (DEBUG=1) ; ajoutez --force pour la charger malgré tout."
            )
        try:
            logins = demo_load()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write("")
        self.stdout.write("Établissement de démonstration prêt. Identifiants (un par profil) :")
        width = max(len(login.profile) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.profile:<{width}}  {login.login:<24} ({login.name})")
        self.stdout.write(f"  Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
        self.stdout.write("")
