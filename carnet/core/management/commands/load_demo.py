from django.core.management.base import BaseCommand

from carnet.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Crée ou rafraîchit l'établissement de démonstration et affiche ses identifiants."

    def handle(self, *args, **options):
        logins = demo_load()
        self.stdout.write("")
        self.stdout.write("Établissement de démonstration prêt. Identifiants (un par profil) :")
        width = max(len(login.profile) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.profile:<{width}}  {login.login:<24} ({login.name})")
        self.stdout.write(f"  Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
        self.stdout.write("")
