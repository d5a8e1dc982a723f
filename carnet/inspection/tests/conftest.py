"""Inspectors in every situation of the issue's matrix, and establishment data to look for."""

import pytest

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.inspection.session import SESSION_KEY
from carnet.inspection.tests.factories import InspectorGrantFactory, today

# What must never leak out of each establishment.
SECRETS_A = ("Lycée professionnel A", "0442953W", "DIVA-SECRET", "NOTE-SECRETE-A")
SECRETS_B = ("Lycée professionnel B", "0573690B", "DIVB-SECRET", "NOTE-SECRETE-B")
# Pupils' names: an inspector reads those of the establishment their live access opens.
PUPILS_A = ("ZORGLUB", "Zéphyrine")
PUPILS_B = ("MARSUPILAMI",)


@pytest.fixture
def data(establishment, other_establishment, diplomas):
    """A division and pupils in A and in B, of the current school year."""
    year = school_year_start(today())
    division_a = DivisionFactory(
        establishment=establishment,
        code="DIVA-SECRET",
        label="Terminale MELEC",
        school_year__start_year=year,
        diploma=diplomas["BP-MELEC"],
    )
    PupilFactory(
        establishment=establishment,
        division=division_a,
        last_name="ZORGLUB",
        first_name="Zéphyrine",
    )
    division_b = DivisionFactory(
        establishment=other_establishment, code="DIVB-SECRET", school_year__start_year=year
    )
    PupilFactory(establishment=other_establishment, division=division_b, last_name="MARSUPILAMI")
    return {"division_a": division_a, "division_b": division_b}


@pytest.fixture
def grants(users, establishment, other_establishment):
    """Inspectors of the matrix and their grants.

    - inspecteur_actif: live grant to A
    - inspecteur (the users fixture's): no grant at all
    - inspecteur_expire: grant to A ended yesterday
    - inspecteur_futur: grant to A starting tomorrow
    - inspecteur_revoque: grant to A, live dates, revoked
    - inspecteur_autre: live grant to B only
    A's chef also granted B's chef nothing; B has its own grant with a note of B.
    """
    inspectors = {
        name: UserFactory(username=name.replace("_", "."), inspector=True, last_name=name.upper())
        for name in (
            "inspecteur_actif",
            "inspecteur_expire",
            "inspecteur_futur",
            "inspecteur_revoque",
            "inspecteur_autre",
        )
    }
    chef, chef_b = users["chef"], users["chef_autre"]
    made = {
        "actif": InspectorGrantFactory(
            establishment=establishment,
            inspector=inspectors["inspecteur_actif"],
            note="NOTE-SECRETE-A",
            granted_by=chef,
        ),
        "expire": InspectorGrantFactory(
            establishment=establishment,
            inspector=inspectors["inspecteur_expire"],
            expired=True,
            granted_by=chef,
        ),
        "futur": InspectorGrantFactory(
            establishment=establishment,
            inspector=inspectors["inspecteur_futur"],
            future=True,
            granted_by=chef,
        ),
        "revoque": InspectorGrantFactory(
            establishment=establishment,
            inspector=inspectors["inspecteur_revoque"],
            revoked=True,
            granted_by=chef,
            revoked_by=chef,
        ),
        "autre": InspectorGrantFactory(
            establishment=other_establishment,
            inspector=inspectors["inspecteur_autre"],
            note="NOTE-SECRETE-B",
            granted_by=chef_b,
        ),
    }
    return {"inspectors": inspectors, **made}


def choose(client, establishment) -> None:
    """As if the inspector had chosen ``establishment`` with « Consulter » earlier."""
    session = client.session
    session[SESSION_KEY] = establishment.pk
    session.save()
