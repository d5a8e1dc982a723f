from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from carnet.establishments.enums import Academie
from carnet.establishments.services import establishment_create


class Command(BaseCommand):
    help = (
        "Crée un établissement et son unique compte administrateur (sans interaction). "
        "Ne crée rien si un paramètre est refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True, help="Code UAI, par exemple 0693046L.")
        parser.add_argument("--name", required=True, help="Nom de l'établissement.")
        parser.add_argument("--email", default="", help="Adresse électronique de l'établissement.")
        parser.add_argument(
            "--academie", default="", choices=["", *Academie.values], help="Académie (facultatif)."
        )
        parser.add_argument("--admin-login", required=True, help="Identifiant de l'administrateur.")
        parser.add_argument(
            "--admin-password",
            required=True,
            help="Mot de passe de l'administrateur (règles CNIL : 12 caractères au moins…).",
        )

    def handle(self, *args, **options):
        try:
            establishment = establishment_create(
                uai=options["uai"],
                name=options["name"],
                email=options["email"],
                academie=options["academie"],
                admin_login=options["admin_login"],
                admin_password=options["admin_password"],
            )
        except ValidationError as exc:
            raise CommandError(
                "Établissement non créé :\n" + "\n".join(f"- {m}" for m in exc.messages)
            ) from None
        self.stdout.write(
            f"Établissement {establishment.uai} « {establishment.name} » créé, "
            f"administrateur : {options['admin_login']}."
        )
