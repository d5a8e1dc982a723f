from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from carnet.referentials.parser import parse_referential
from carnet.referentials.services import referential_load


class Command(BaseCommand):
    help = "Charge (ou met à jour) des référentiels au format referentiel/1. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER")

    def handle(self, *args, files, **options):
        parsed = []
        failures = []
        for name in files:
            path = Path(name)
            try:
                content = path.read_bytes()
            except OSError:
                failures.append(f"{name} : fichier introuvable ou illisible.")
                continue
            result = parse_referential(content)
            if result.referential is None:
                failures.extend(f"{name} : {problem}" for problem in result.problems)
            else:
                parsed.append((name, result.referential))
        codes = [data.code for _, data in parsed]
        for code in sorted({code for code in codes if codes.count(code) > 1}):
            names = ", ".join(name for name, data in parsed if data.code == code)
            failures.append(f"Le diplôme {code} est décrit par plusieurs fichiers : {names}.")
        if failures:
            # Nothing is loaded when one file is wrong.
            raise CommandError("Aucun référentiel chargé.\n" + "\n".join(failures))
        try:
            with transaction.atomic():
                outcomes = [(name, data, referential_load(data=data)) for name, data in parsed]
        except ValidationError as refused:
            raise CommandError(
                "Aucun référentiel chargé.\n" + "\n".join(refused.messages)
            ) from None
        for name, data, outcome in outcomes:
            self.stdout.write(f"{data.code} ({data.title}) : {outcome} — {name}")
