"""The demo establishment that `make run` builds (or refreshes): never for production."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from carnet.accounts.models import User
from carnet.core.identifiers import CHECK_ALPHABET
from carnet.core.profiles import Profile
from carnet.directory.enums import Civility, PupilSource, PupilStatus, Sex, StaffFunction
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_current
from carnet.establishments.enums import Academie
from carnet.establishments.models import Establishment
from carnet.establishments.services import establishment_first_import_mark
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.inspection.models import InspectorGrant, school_year_end
from carnet.referentials.models import Diploma
from carnet.web.demo_dashboards import demo_dashboards_load
from carnet.web.demo_passport import demo_passport_load
from carnet.web.demo_pedagogy import demo_pedagogy_load
from carnet.web.demo_pfmp import demo_pfmp_clear, demo_pfmp_load
from carnet.web.demo_transfers import demo_volta_load

DEMO_UAI = "0699990J"
DEMO_PASSWORD = "Carnet-Demo-2026!"

DIVISIONS = (
    # code, label, MEF, diploma code
    ("2MELEC", "Seconde Bac Pro MELEC", "24725520310", "BP-MELEC"),
    ("TMELEC", "Terminale Bac Pro MELEC", "24725520330", "BP-MELEC"),
    ("1CAPELEC", "1re année CAP Électricien", "50025524210", "CAP-ELEC"),
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "N'Diaye",
    "Benali",
    "Nguyen",
    "Da Silva",
    "Œuvray",
    "Chevalier",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
)
FIRST_NAMES = (
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Nathan",
    "Inès",
    "Enzo",
    "Manon",
    "Louis",
    "Camille",
    "Gabriel",
    "Jade",
    "Arthur",
    "Zoé",
    "Raphaël",
    "Cœlia",
    "Adam",
    "Maëlys",
    "Yanis",
    "Sarah",
    "Noah",
    "Lina",
    "Mathis",
    "Emma",
    "Théo",
    "Anaïs",
    "Rayan",
    "Océane",
    "Jules",
    "Maïssa",
)
TEACHERS = (
    ("Mme", "Perrin", "Sophie", "sophie.perrin"),
    ("M.", "Faure", "Olivier", "olivier.faure"),
    ("M.", "Gauthier", "Karim", "karim.gauthier"),
    ("Mme", "Roche", "Nathalie", "nathalie.roche"),
    ("M.", "Caron", "Julien", "julien.caron"),
    ("Mme", "Marchand", "Aïcha", "aicha.marchand"),
)
HEAD = ("Mme", "Lemaire", "Catherine", "catherine.lemaire")
INSPECTOR = ("M.", "Besson", "Alain", "alain.besson")
PUPILS_PER_DIVISION = 20
PUPILS_WITHOUT_INE = 3


@dataclass(frozen=True)
class DemoLogin:
    profile: str
    login: str
    name: str


def _ine(seed: int) -> str:
    digits = f"{1234500000 + seed:010d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


class DemoRefused(Exception):
    pass


def _user(login: str, profile: Profile, establishment, first_name: str, last_name: str) -> User:
    existing = User.objects.filter(username=login).first()
    if existing is not None and (
        existing.profile != profile
        or existing.establishment_id != getattr(establishment, "pk", None)
    ):
        # Never take over a real account that happens to have a demo login.
        raise DemoRefused(
            f"L'identifiant de démonstration « {login} » appartient déjà à un autre compte : "
            "rien n'a été modifié."
        )
    user, _ = User.objects.update_or_create(
        username=login,
        defaults={
            "profile": profile,
            "establishment": establishment,
            "first_name": first_name,
            "last_name": last_name,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_load(*, today: datetime.date | None = None) -> list[DemoLogin]:
    """Create or refresh the demo establishment. Idempotent: run it as often as wished.

    ``today``: the day the demo is made for (its school year, its grants, its evaluations).
    """
    today = today or timezone.localdate()
    establishment, _ = Establishment.objects.update_or_create(
        uai=DEMO_UAI,
        defaults={
            "name": "Lycée professionnel Ampère (démonstration)",
            "address": "12 rue des Électriciens",
            "postal_code": "69007",
            "city": "Lyon",
            "phone": "04 72 00 00 00",
            "email": "secretariat@lp-ampere-demo.invalid",
            "academie": Academie.LYON,
        },
    )
    year = school_year_current(today)
    # The demo lives in the current school year only: last year's demo divisions go.
    demo_pfmp_clear(establishment=establishment, year=year)
    Division.objects.of(establishment).exclude(school_year=year).delete()
    diplomas = {d.code: d for d in Diploma.objects.all()}
    divisions = []
    for code, label, mef, diploma_code in DIVISIONS:
        division, _ = Division.objects.update_or_create(
            establishment=establishment,
            school_year=year,
            code=code,
            defaults={"label": label, "mef": mef, "diploma": diplomas.get(diploma_code)},
        )
        divisions.append(division)

    rng = random.Random(2026)
    logins = [DemoLogin("Administrateur", f"admin.{DEMO_UAI.lower()}", "Administrateur")]
    _user(f"admin.{DEMO_UAI.lower()}", Profile.ADMIN, establishment, "", "Administrateur")
    first_pupil = None
    number = 0
    for division_index, division in enumerate(divisions):
        for _ in range(PUPILS_PER_DIVISION):
            number += 1
            first = FIRST_NAMES[(number * 7) % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 11) % len(LAST_NAMES)]
            age = 15 + division_index
            birth = datetime.date(year.start_year - age, 1, 1) + datetime.timedelta(
                days=rng.randrange(365)
            )
            pupil, _ = Pupil.objects.update_or_create(
                establishment=establishment,
                siecle_eleve_id=f"{900000 + number}",
                defaults={
                    "last_name": last.upper(),
                    "first_name": first,
                    "birth_date": birth,
                    "sex": Sex.FEMALE if first.endswith(("a", "e", "é", "s")) else Sex.MALE,
                    "ine": None if number % 20 == 7 else _ine(number),
                    "siecle_elenoet": f"{5000 + number}",
                    "status": PupilStatus.ACTIVE,
                    "source": PupilSource.SIECLE,
                    "division": division,
                },
            )
            first_pupil = first_pupil or pupil

    pupil_login = "manon.laurent"
    pupil_user = _user(
        pupil_login, Profile.LEARNER, establishment, first_pupil.first_name, first_pupil.last_name
    )
    if first_pupil.user_id != pupil_user.pk:
        first_pupil.user = pupil_user
        first_pupil.save(update_fields=["user"])
    logins.append(DemoLogin("Apprenant", pupil_login, str(first_pupil)))

    for index, (civility, last, first, login) in enumerate((HEAD, *TEACHERS)):
        is_head = index == 0
        user = _user(
            login, Profile.HEAD if is_head else Profile.TEACHER, establishment, first, last.upper()
        )
        member, _ = StaffMember.objects.update_or_create(
            establishment=establishment,
            sts_id=f"DEMO{index:03d}",
            defaults={
                "civility": Civility(civility),
                "last_name": last.upper(),
                "first_name": first,
                "function": StaffFunction.MANAGEMENT if is_head else StaffFunction.TEACHER,
                "user": user,
            },
        )
        if not is_head:
            # Each teacher teaches two of the three divisions.
            member.divisions.set([d for n, d in enumerate(divisions) if n != index % 3])
        else:
            head_user = user
        if is_head:
            logins.append(DemoLogin("Chef d'établissement", login, f"{first} {last}"))
        elif index == 1:
            logins.append(DemoLogin("Enseignant", login, f"{first} {last}"))

    # The demo stands for a first SIECLE import (« Nouvel enseignant » waits for one).
    ImportBatch.objects.get_or_create(
        establishment=establishment,
        kind=BatchKind.SIECLE,
        status=BatchStatus.APPLIED,
        created_by_label="Données de démonstration",
        defaults={"applied_at": timezone.now(), "counts": {}},
    )
    establishment_first_import_mark(establishment=establishment)
    civility, last, first, login = INSPECTOR
    inspector = _user(login, Profile.INSPECTOR, None, first, last.upper())
    # A live access to the demo establishment, until the end of the school year.
    if (
        not InspectorGrant.objects.of(establishment)
        .live(today)
        .filter(inspector=inspector)
        .exists()
    ):
        InspectorGrant.objects.create(
            establishment=establishment,
            inspector=inspector,
            starts_on=today,
            ends_on=school_year_end(today),
            note="Démonstration",
            granted_by=head_user,
        )
    logins.append(DemoLogin("Inspecteur", login, f"{first} {last}"))
    # Scenarios, evaluations and results of the demo teachers (each page has something).
    demo_pedagogy_load(establishment=establishment, today=today)
    # A PFMP of the demo pupil: placement, two fiches, a validated bilan entreprise
    # (before the bilans: it feeds the dashboards).
    demo_pfmp_load(establishment=establishment, pupil_user=pupil_user, today=today)
    # A bilan intermédiaire or two, from the dashboards (the demo pupil's among them).
    demo_dashboards_load(establishment=establishment, today=today)
    # The demo pupil's passeport professionnel (one situation validated).
    demo_passport_load(establishment=establishment, today=today)
    # A second establishment, where one of Ampère's pupils has arrived (transfers).
    volta_admin = demo_volta_load(
        ampere=establishment, year=year, diplomas=diplomas, make_user=_user, today=today
    )
    logins.append(DemoLogin("Administrateur", volta_admin, "Administrateur du Lycée Volta"))
    order = ["Administrateur", "Chef d'établissement", "Enseignant", "Apprenant", "Inspecteur"]
    return sorted(logins, key=lambda login: order.index(login.profile))
