"""Hostile values in well-formed files: every value longer than the column it is written to
is refused with the preview, naming the record and its line in the file, never at
« Confirmer l'import » (where PostgreSQL would refuse it with an error page, and SQLite keep
it whole)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.core.tests.html import soup
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_preview
from carnet.imports.tests import generator as gen

TODAY = datetime.date(2026, 11, 28)


def preview(establishment, school: gen.Establishment):
    files = [RawFile(name, content) for name, content in gen.all_files(school).items()]
    return siecle_import_preview(
        establishment=establishment, uploads=files, actor=None, today=TODAY
    )


def long_division(school):
    old = school.divisions[0].code
    school.divisions[0].code = "D" * 31
    for pupil in school.pupils:
        if pupil.division == old:
            pupil.division = "D" * 31
    for member in school.staff:
        member.divisions = tuple("D" * 31 if d == old else d for d in member.divisions)


def pupil(school):
    return school.pupils[3]


def staff(school):
    return next(s for s in school.staff if s.sts_id == "91000")


CASES = {
    # case: (change, who is named, what is said)
    "division code": (long_division, f"Division « {'D' * 30}… »", "code « "),
    "ELEVE_ID": (
        lambda s: setattr(pupil(s), "eleve_id", "7" * 21),
        "Élève {pupil}",
        "identifiant SIECLE (ELEVE_ID) « 777777777777777777777 » compte 21 caractères, 20",
    ),
    "pupil's MEF": (
        lambda s: setattr(pupil(s), "mef", "2" * 12),
        "Élève {pupil}",
        "MEF « 222222222222 » compte 12 caractères, 11 au plus",
    ),
    "previous UAI": (
        lambda s: setattr(pupil(s), "previous_uai", "0691234SS"),
        "Élève {pupil}",
        "établissement d'origine « 0691234SS » compte 9 caractères, 8 au plus",
    ),
    "last name": (
        lambda s: setattr(pupil(s), "last_name", "N" * 101),
        "Élève NNNN",
        "nom « NNNN",
    ),
    "division label": (
        lambda s: setattr(s.divisions[0], "label", "L" * 151),
        f"Division « {gen.establishment().divisions[0].code} »",
        "libellé « LLLL",
    ),
    "STS ID": (
        lambda s: setattr(staff(s), "sts_id", "9" * 21),
        "Personnel PROF0 Lucas",
        "identifiant STS « 999999999999999999999 » compte 21 caractères, 20 au plus",
    ),
    "staff first name": (
        lambda s: setattr(staff(s), "first_name", "P" * 101),
        "Personnel PROF0 PPP",
        "prénom « PPP",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_a_value_longer_than_its_column_is_refused_in_the_preview(case, establishment, diplomas):
    change, who, said = CASES[case]
    school = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
    named = pupil(school)
    who = who.format(pupil=f"{named.last_name} {named.first_name}")
    change(school)
    batch = preview(establishment, school)
    assert batch.status == BatchStatus.REFUSED
    problem = next(p for p in batch.errors if p["code"] == "too_long")
    assert problem["message"].startswith(who), problem["message"]
    assert said in problem["message"]
    assert "au plus" in problem["message"] and "exportez de nouveau" in problem["message"]
    assert batch.payload == {} and batch.changes == []
    assert not Pupil.objects.exists() and not StaffMember.objects.exists()
    assert not Division.objects.exists()


def line_of(content: bytes, marker: str) -> int:
    """The line of the file where ``marker`` (a start tag's attribute) is written."""
    lines = content.decode("iso-8859-15").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if marker in line)


PUPILS_FILE = "ElevesSansAdresses.xml"
# case: (file, marker of the refused record's start tag, read after the change)
WHERE = {
    "division code": (lambda s: "Structures.xml", lambda s: f'CODE_STRUCTURE="{"D" * 31}"'),
    "ELEVE_ID": (lambda s: PUPILS_FILE, lambda s: f'<ELEVE ELEVE_ID="{"7" * 21}"'),
    "pupil's MEF": (lambda s: PUPILS_FILE, lambda s: f'<ELEVE ELEVE_ID="{pupil(s).eleve_id}"'),
    "last name": (lambda s: PUPILS_FILE, lambda s: f'<ELEVE ELEVE_ID="{pupil(s).eleve_id}"'),
    "division label": (
        lambda s: "Structures.xml",
        lambda s: f'CODE_STRUCTURE="{s.divisions[0].code}"',
    ),
    "STS ID": (lambda s: f"sts_emp_{s.uai}_{s.year}.xml", lambda s: f'ID="{"9" * 21}"'),
    "staff first name": (
        lambda s: f"sts_emp_{s.uai}_{s.year}.xml",
        lambda s: f'<INDIVIDU ID="{staff(s).sts_id}"',
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", WHERE)
def test_the_refusal_gives_the_line_of_the_file(case, establishment, diplomas):
    change, _, _ = CASES[case]
    file_of, marker_of = WHERE[case]
    school = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
    change(school)
    name = file_of(school)
    line = line_of(gen.all_files(school)[name], marker_of(school))
    batch = preview(establishment, school)
    problem = next(p for p in batch.errors if p["code"] == "too_long")
    assert f"(ligne {line} du fichier {name}) :" in problem["message"], problem["message"]


@pytest.mark.django_db
def test_the_page_shows_the_refusal_and_offers_no_confirm(admin_client_a, establishment, diplomas):
    school = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
    long_division(school)
    files = [SimpleUploadedFile(name, content) for name, content in gen.all_files(school).items()]
    response = admin_client_a.post(reverse("imports:siecle"), {"files": files})
    page = soup(admin_client_a.get(response.url))
    alert = page.select_one(".alert-error").get_text(" ", strip=True)
    assert "compte 31 caractères, 30 au plus" in alert
    assert page.find("button", string="Confirmer l'import") is None
    assert ImportBatch.objects.get().status == BatchStatus.REFUSED
