"""python manage.py import_siecle --uai UAI [--dry-run] [--json] [--chef STS_ID…] FILE [FILE…]

Exit status: 0 when applied or previewed, 2 when refused (nothing changed).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carnet.establishments.models import Establishment
from carnet.imports.counts import SIECLE_COUNTS
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import EMPTY_COUNTS, siecle_import_run

REFUSED_EXIT = 2


class Command(BaseCommand):
    help = (
        "Importe des exports SIECLE (élèves, nomenclatures, structures) et STS-web, ou une "
        "archive zip qui les contient. Tout ou rien ; --dry-run n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True, help="UAI de l'établissement.")
        parser.add_argument("--dry-run", action="store_true", help="Aperçu seulement.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Un objet JSON sur stdout."
        )
        parser.add_argument(
            "--chef",
            action="append",
            default=[],
            dest="heads",
            metavar="ID_STS",
            help=(
                "Donne le profil chef d'établissement au personnel de direction (DIR) de cet "
                "identifiant STS (à répéter pour chacun) ; sans cela, un DIR est importé comme "
                "personnel sans compte."
            ),
        )
        parser.add_argument("files", nargs="+", metavar="FICHIER")

    def handle(self, *args, uai, dry_run, as_json: bool, heads, files, **options):
        establishment = Establishment.objects.filter(uai=uai.strip().upper()).first()
        if establishment is None:
            self._refuse(as_json, "unknown_uai", f"Aucun établissement n'a l'UAI {uai}.")
        uploads = []
        for name in files:
            try:
                uploads.append(RawFile(Path(name).name, Path(name).read_bytes()))
            except OSError:
                self._refuse(
                    as_json, "file_unreadable", f"Fichier introuvable ou illisible : {name}."
                )
        status, counts, problems = siecle_import_run(
            establishment=establishment, uploads=uploads, dry_run=dry_run, heads=heads
        )
        if as_json:
            self.stdout.write(_json_report(status, counts, problems))
        else:
            self._print_report(status, counts, problems)
        if status == "refused":
            sys.exit(REFUSED_EXIT)

    def _refuse(self, as_json: bool, code: str, message: str):
        """Refused before reading the files: still one JSON object with --json, exit 2."""
        if as_json:
            problem = {"level": "error", "code": code, "message": message}
            self.stdout.write(_json_report("refused", EMPTY_COUNTS, [problem]))
            sys.exit(REFUSED_EXIT)
        raise CommandError(message, returncode=REFUSED_EXIT)

    def _print_report(self, status: str, counts: dict, problems: list[dict]) -> None:
        titles = {
            "applied": "Import appliqué.",
            "preview": "Aperçu (rien n'a été modifié).",
            "refused": "Import refusé : rien n'a été modifié.",
        }
        self.stdout.write(titles[status])
        if status != "refused":
            for row in SIECLE_COUNTS:
                self.stdout.write(f"  {row.label} : {row.line(counts[row.key])}")
        for problem in problems:
            prefix = "ERREUR" if problem["level"] == "error" else "attention"
            self.stdout.write(f"  [{prefix}] {problem['message']}")


def _json_report(status: str, counts: dict, problems: list[dict]) -> str:
    return json.dumps(
        {
            "status": status,
            "pupils": {k: counts["pupils"][k] for k in ("created", "updated", "unchanged", "left")},
            "divisions": {k: counts["divisions"][k] for k in ("created", "updated", "unchanged")},
            "staff": {
                k: counts["staff"][k] for k in ("created", "updated", "unchanged", "skipped")
            },
            "problems": problems,
        },
        ensure_ascii=False,
    )
