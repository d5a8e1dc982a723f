"""python manage.py import_siecle --uai UAI [--dry-run] [--json] FILE…"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from carnet.directory.models import Pupil
from carnet.imports.tests import generator as gen


def write_files(tmp_path, e, zipped=False) -> list[str]:
    files = gen.all_files(e)
    if zipped:
        path = tmp_path / "ExportXML.zip"
        path.write_bytes(gen.zipped(files, mac_junk=True))
        return [str(path)]
    paths = []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    return paths


def command(*args) -> str:
    out = StringIO()
    call_command("import_siecle", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestImportCommand:
    def test_json_report_of_an_applied_import(self, establishment, diplomas, tmp_path):
        e = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
        report = json.loads(
            command("--uai", establishment.uai, "--json", *write_files(tmp_path, e))
        )
        assert set(report) == {"status", "pupils", "divisions", "staff", "problems"}
        assert report["status"] == "applied"
        assert report["pupils"] == {"created": 30, "updated": 0, "unchanged": 0, "left": 0}
        assert set(report["divisions"]) == {"created", "updated", "unchanged"}
        assert report["staff"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 1}
        assert Pupil.objects.count() == 30

    def test_a_zip_with_mac_junk_is_accepted(self, establishment, diplomas, tmp_path):
        e = gen.establishment(uai=establishment.uai, pupils=10)
        report = json.loads(
            command("--uai", establishment.uai, "--json", *write_files(tmp_path, e, zipped=True))
        )
        assert report["status"] == "applied" and report["pupils"]["created"] == 10

    def test_dry_run_previews_and_writes_nothing(self, establishment, diplomas, tmp_path):
        e = gen.establishment(uai=establishment.uai, pupils=10)
        report = json.loads(
            command("--uai", establishment.uai, "--dry-run", "--json", *write_files(tmp_path, e))
        )
        assert report["status"] == "preview" and report["pupils"]["created"] == 10
        assert not Pupil.objects.exists()

    def test_refused_import_exits_with_2_and_says_why(self, establishment, diplomas, tmp_path):
        e = gen.establishment(uai="0691234S", pupils=5)
        out = StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command(
                "import_siecle",
                "--uai",
                establishment.uai,
                "--json",
                *write_files(tmp_path, e),
                stdout=out,
            )
        assert exit_info.value.code == 2
        report = json.loads(out.getvalue())
        assert report["status"] == "refused"
        assert report["problems"][0]["level"] == "error"
        assert report["problems"][0]["code"] == "wrong_uai"
        assert "0691234S" in report["problems"][0]["message"]
        assert not Pupil.objects.exists()

    def test_text_report_in_french(self, establishment, diplomas, tmp_path):
        e = gen.establishment(uai=establishment.uai, pupils=5)
        out = command("--uai", establishment.uai, *write_files(tmp_path, e))
        assert out.startswith("Import appliqué.")
        assert "Élèves : 5 créés, 0 modifié, 0 inchangé, 0 sorti" in out
        assert "Personnels : 8 créés, 0 modifié, 0 inchangé, 1 ignoré, 0 parti" in out

    def test_unknown_establishment_with_json_still_prints_json(self, establishment, tmp_path):
        out = StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command(
                "import_siecle", "--uai", "0573690B", "--json", str(tmp_path / "x.xml"), stdout=out
            )
        assert exit_info.value.code == 2
        report = json.loads(out.getvalue())
        assert report["status"] == "refused"
        assert report["problems"] == [
            {
                "level": "error",
                "code": "unknown_uai",
                "message": "Aucun établissement n'a l'UAI 0573690B.",
            }
        ]

    def test_unknown_establishment_or_file(self, establishment, tmp_path):
        with pytest.raises(CommandError, match="Aucun établissement n'a l'UAI 0573690B") as exc:
            command("--uai", "0573690B", str(tmp_path / "x.xml"))
        assert exc.value.returncode == 2
        with pytest.raises(CommandError, match="Fichier introuvable"):
            command("--uai", establishment.uai, str(tmp_path / "absent.xml"))
