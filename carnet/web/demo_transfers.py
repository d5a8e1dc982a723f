"""The demo's second establishment, for trying the transfers: the Lycée professionnel Volta,
where a pupil of the Lycée Ampère has just arrived (same INE: he left Ampère at the
rentrée). Volta's administrator finds him in « Transferts » and asks for his record;
Ampère's administrator (or head) accepts it.
"""

import datetime

from carnet.core.profiles import Profile
from carnet.directory.enums import PupilSource, PupilStatus, Sex
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.establishments.enums import Academie
from carnet.establishments.models import Establishment

VOLTA_UAI = "0699991K"
CNIL = "1929152 v0"
NEWCOMERS = (("GIRAUD", "Émilie"), ("PONS", "Mathéo"), ("LEROUX", "Nina"), ("BARRE", "Sacha"))
# The Ampère pupil who moved to Volta (a Seconde pupil with evaluations: not the demo pupil).
MOVER_SIECLE_ID = "900002"


def transfers_ready(establishment) -> None:
    establishment.cnil_number = CNIL
    establishment.transfers_enabled = True
    establishment.save(update_fields=["cnil_number", "transfers_enabled"])


def demo_volta_load(*, ampere, year, diplomas: dict, make_user, today: datetime.date):
    """Create or refresh Volta; returns its administrator's login."""
    volta, _ = Establishment.objects.update_or_create(
        uai=VOLTA_UAI,
        defaults={
            "name": "Lycée professionnel Volta (démonstration)",
            "city": "Villeurbanne",
            "email": "secretariat@lp-volta-demo.invalid",
            "academie": Academie.LYON,
        },
    )
    transfers_ready(ampere)
    transfers_ready(volta)
    login = f"admin.{VOLTA_UAI.lower()}"
    make_user(login, Profile.ADMIN, volta, "", "Administrateur")
    division, _ = Division.objects.update_or_create(
        establishment=volta,
        school_year=year,
        code="1MELEC-V",
        defaults={"label": "Première Bac Pro MELEC", "mef": "24725520320",
                  "diploma": diplomas.get("BP-MELEC")},
    )  # fmt: skip
    mover = Pupil.objects.of(ampere).filter(siecle_eleve_id=MOVER_SIECLE_ID).first()
    if mover is None:
        return login
    rentree = datetime.date(school_year_start(today), 9, 1)
    Pupil.objects.filter(pk=mover.pk).update(status=PupilStatus.LEFT, left_on=rentree)
    people = [(mover.last_name, mover.first_name, mover.sex, mover.birth_date, mover.ine)]
    people += [
        (last, first, Sex.FEMALE if first.endswith("e") else Sex.MALE, None, None)
        for last, first in NEWCOMERS
    ]
    for number, (last, first, sex, birth, ine) in enumerate(people, start=1):
        Pupil.objects.update_or_create(
            establishment=volta,
            siecle_eleve_id=f"800{number:03d}",
            defaults={
                "last_name": last,
                "first_name": first,
                "sex": sex,
                "birth_date": birth or datetime.date(school_year_start(today) - 16, 3, number),
                "ine": ine,
                "status": PupilStatus.ACTIVE,
                "source": PupilSource.SIECLE,
                "division": division,
                "previous_uai": ampere.uai if ine else "",
            },
        )
    return login
