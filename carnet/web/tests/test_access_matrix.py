"""The access matrix: every URL of the platform × every profile, in one place.

``ROUTES`` says, for each named URL, how it is asked (GET or POST, with which objects of
establishment A) and what each profile gets: ``OK`` (the page or its redirect), 403, 404
(an object of another establishment is not found), or ``LOGIN`` (sent to the login page).
The URLs are found by walking the URL configuration: a new URL without an entry here fails
``test_every_url_has_an_entry``. The operator's Django admin (``/plateforme/``) is tested
apart (carnet/accounts/tests).

Each answer is also checked for isolation: nothing of establishment A reaches a profile that
may not read A, nothing of B a profile that may not read B.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan
from carnet.directory.enums import PupilSource
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.evaluations.enums import EvaluationKind, Grain, GridImportStatus
from carnet.evaluations.models import GridImport
from carnet.evaluations.services import evaluation_create
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.inspection.tests.conftest import choose
from carnet.inspection.tests.factories import InspectorGrantFactory, today
from carnet.passport.services import EntryData, entry_attachments_add, entry_create
from carnet.pfmp import services as pfmp_services
from carnet.pfmp.tutor import link_token
from carnet.referentials.models import Criterion
from carnet.scenarios.exchange import scenario_export
from carnet.scenarios.services import scenario_import_stage, scenario_resources_add
from carnet.scenarios.tests.corpus import png as png_bytes
from carnet.scenarios.tests.factories import ScenarioFactory
from carnet.transfers.models import PackageUpload, TransferRequest

OK, LOGIN = "ok", "login"

PROFILES = [
    "anonyme",
    "administrateur",
    "chef",
    "enseignant",
    "apprenant",
    "operateur",
    "admin_autre",
    "chef_autre",
    "inspecteur",  # no grant at all
    "inspecteur_actif",  # live grant to A, has chosen A
    "inspecteur_expire",  # grant to A ended yesterday, A still in their session
    "inspecteur_futur",  # grant to A starting tomorrow, A in their session
    "inspecteur_revoque",  # revoked grant to A, A in their session
    "inspecteur_autre",  # live grant to B, has chosen B
    "enseignant_lecteur",  # a teacher of A who is not the author of A's scenario
    "enseignant_autre",  # a teacher of B
]
# Who may read what of each establishment (the isolation check).
OF_A = {
    "administrateur",
    "chef",
    "enseignant",
    "apprenant",
    "inspecteur_actif",
    "enseignant_lecteur",
}
OF_B = {"admin_autre", "chef_autre", "inspecteur_autre", "enseignant_autre"}
SECRETS_A = (
    "Lycée professionnel A",
    "0442953W",
    "DIVA-SECRET",
    "ZORGLUB",
    "NOTE-SECRETE-A",
    "SCENARIO-SECRET-A",
)
SECRETS_B = (
    "Lycée professionnel B",
    "0573690B",
    "DIVB-SECRET",
    "MARSUPILAMI",
    "NOTE-SECRETE-B",
    "SCENARIO-SECRET-B",
)


def expect(default, **statuses) -> dict:
    """Statuses per profile: ``default`` for all, the anonymous sent to the login page."""
    return {profile: default for profile in PROFILES} | {"anonyme": LOGIN} | statuses


EVERYONE = expect(OK, anonyme=OK)  # pages open before signing in
SIGNED_IN = expect(OK)
# A page of the administrator: B's administrator gets the same page of B.
ADMIN_PAGE = expect(403, administrateur=OK, admin_autre=OK)
# A page about one object of A: B's administrator does not find it.
ADMIN_OBJECT = expect(403, administrateur=OK, admin_autre=404)
HEADS_PAGE = expect(403, chef=OK, chef_autre=OK)
AUDIT_PAGE = expect(403, administrateur=OK, admin_autre=OK, chef=OK, chef_autre=OK)
LIVE_INSPECTORS = expect(403, inspecteur_actif=OK, inspecteur_autre=OK)
# The read-only lists: the head, and an inspector while their access is live.
READERS = expect(403, chef=OK, chef_autre=OK, inspecteur_actif=OK, inspecteur_autre=OK)
# Pedagogy (scenarios, evaluations): teachers, the head and a granted inspector read, each their
# own establishment's (never the administrator); B's readers get the same page of B.
PEDAGOGY_PAGE = expect(
    403,
    **dict.fromkeys(["chef", "enseignant", "enseignant_lecteur", "inspecteur_actif"], OK),
    **dict.fromkeys(["chef_autre", "enseignant_autre", "inspecteur_autre"], OK),
)
TEACHERS_PAGE = expect(403, enseignant=OK, enseignant_lecteur=OK, enseignant_autre=OK)
LEARNERS_PAGE = expect(403, apprenant=OK)
# About A's scenario or evaluation (author: « enseignant »): B's people do not find it.
SCENARIO_READ = expect(
    403,
    **dict.fromkeys(["chef", "enseignant", "enseignant_lecteur", "inspecteur_actif"], OK),
    **dict.fromkeys(["chef_autre", "enseignant_autre", "inspecteur_autre"], 404),
)
SCENARIO_DUPLICATE = expect(403, enseignant=OK, enseignant_lecteur=OK, enseignant_autre=404)
# Written by the scenario's author or a co-author only.
SCENARIO_EDIT = expect(403, enseignant=OK, enseignant_autre=404)
# The passeport professionnel: the pupil's own pages; read by the pupil, their teachers (A's
# « enseignant » teaches the pupil's division, « enseignant_lecteur » does not), the head and a
# granted inspector; answered by their teachers.
PASSPORT_OWN = expect(403, apprenant=OK)
PASSPORT_FOLLOW = PEDAGOGY_PAGE
PASSPORT_READ = expect(
    403,
    **dict.fromkeys(["apprenant", "chef", "enseignant", "inspecteur_actif"], OK),
    **dict.fromkeys(["chef_autre", "enseignant_autre", "inspecteur_autre"], 404),
)
PASSPORT_ANSWER = expect(403, enseignant=OK, enseignant_autre=404)
# PFMP: about A's division (taught by « enseignant », not by « enseignant_lecteur »).
PFMP_READ = expect(
    403,
    **dict.fromkeys(["chef", "enseignant", "inspecteur_actif"], OK),
    **dict.fromkeys(["chef_autre", "enseignant_autre", "inspecteur_autre"], 404),
)
PFMP_MANAGE = expect(403, enseignant=OK, enseignant_autre=404)
# A fiche's attachment: its readers and the pupil who wrote it.
PFMP_ATTACHMENT = PFMP_READ | {"apprenant": OK}
# The pupil's own placement and fiches (« apprenant » is the pupil of A's placement).
PFMP_OWN = expect(403, apprenant=OK)


@dataclass(frozen=True)
class Route:
    expected: dict
    # Builds the URL's arguments from the objects of A (the ``objects`` fixture).
    args: Callable[[dict], list] = lambda objects: []
    method: str = "get"
    query: str = ""
    # A transfer page names the other establishment of a request (its UAI and name, never
    # its pupils): those two words of it are allowed there.
    names_the_other: bool = False


# The identity of each establishment (its name, its UAI), as opposed to its data.
IDENTITY = {"Lycée professionnel A", "0442953W", "Lycée professionnel B", "0573690B"}


def division(objects):
    return [objects["division"].pk]


def pfmp(name):
    return lambda objects: [objects["pfmp"][name].pk]


def evaluation(objects):
    return [objects["evaluation"].pk]


def bilan(objects):
    return [objects["bilan"].pk]


def grid_import(objects):
    return [objects["evaluation"].pk, objects["grid_import"].token]


def scenario(objects):
    return [objects["scenario"].pk]


def resource(objects):
    return [objects["scenario"].pk, objects["resource"].pk]


def passport_entry(objects):
    return [objects["passport_entry"].pk]


def passport_attachment(objects):
    return [objects["passport_entry"].pk, objects["passport_attachment"].pk]


def passport_pupil(objects):
    return [objects["pupil"].pk]


ROUTES = {
    "web:home": Route(SIGNED_IN),
    # Signing in and out, passwords.
    "accounts:login": Route(EVERYONE),
    "accounts:logout": Route(expect(LOGIN), method="post"),  # then back to the login page
    "accounts:password_change": Route(SIGNED_IN),
    "accounts:password_change_done": Route(SIGNED_IN),
    "accounts:password_reset": Route(EVERYONE),
    "accounts:password_reset_done": Route(EVERYONE),
    "accounts:password_reset_confirm": Route(EVERYONE, lambda objects: ["MQ", "lien-invalide"]),
    "accounts:password_reset_complete": Route(EVERYONE),
    # « Gestion des utilisateurs », « Gestion des accès élèves ».
    "accounts:users": Route(ADMIN_PAGE),
    "accounts:users_tab": Route(ADMIN_PAGE, lambda objects: ["enseignants"]),
    "accounts:teacher_new": Route(ADMIN_PAGE),
    "accounts:head_new": Route(ADMIN_PAGE),
    "accounts:user_edit": Route(ADMIN_OBJECT, lambda objects: [objects["teacher"].pk]),
    "accounts:user_password": Route(
        ADMIN_OBJECT, lambda objects: [objects["teacher"].pk], method="post"
    ),
    "accounts:user_active": Route(
        ADMIN_OBJECT, lambda objects: [objects["teacher"].pk], method="post"
    ),
    "accounts:pupil_access": Route(ADMIN_PAGE),
    "accounts:pupil_access_division": Route(ADMIN_OBJECT, division),
    "accounts:pupil_access_generate": Route(ADMIN_OBJECT, division, method="post"),
    "accounts:pupil_access_reset": Route(ADMIN_OBJECT, division, method="post"),
    "accounts:pupil_access_active": Route(
        ADMIN_OBJECT,
        lambda objects: [objects["division"].pk, objects["pupil"].pk],
        method="post",
    ),
    # Paramètres.
    "establishments:settings": Route(ADMIN_PAGE),
    "establishments:identity": Route(ADMIN_PAGE),
    "establishments:transfers": Route(ADMIN_PAGE),
    "establishments:masks": Route(ADMIN_PAGE, query="diplome=BP-MELEC"),
    "establishments:masks_reset": Route(ADMIN_PAGE, query="diplome=BP-MELEC"),
    "establishments:logo": Route(ADMIN_PAGE),
    "establishments:image_upload": Route(ADMIN_PAGE, lambda objects: ["logo"], method="post"),
    "establishments:image_delete": Route(ADMIN_PAGE, lambda objects: ["logo"], method="post"),
    # A has a logo, B none: B's accounts find none.
    "establishments:image": Route(
        expect(403, **dict.fromkeys(OF_A - {"inspecteur_actif"}, OK))
        | {"admin_autre": 404, "chef_autre": 404, "enseignant_autre": 404},
        lambda objects: ["logo"],
    ),
    # The administrator's lists.
    "directory:divisions": Route(ADMIN_PAGE),
    "directory:pupils": Route(ADMIN_PAGE),
    "directory:division_diploma": Route(ADMIN_OBJECT, division, method="post"),
    # The read-only lists, and a division's page (A's teacher teaches the division).
    "directory:read_divisions": Route(READERS),
    "directory:read_pupils": Route(READERS),
    "directory:read_teachers": Route(READERS),
    "directory:division": Route(
        expect(
            403,
            chef=OK,
            enseignant=OK,
            inspecteur_actif=OK,
            chef_autre=404,
            inspecteur_autre=404,
            enseignant_autre=404,
        ),
        division,
    ),
    "referentials:list": Route(SIGNED_IN),
    "referentials:detail": Route(SIGNED_IN, lambda objects: ["BP-MELEC"]),
    "audit:events": Route(AUDIT_PAGE),
    # Imports.
    "imports:siecle": Route(ADMIN_PAGE),
    "imports:history": Route(ADMIN_PAGE),
    "imports:batch": Route(ADMIN_OBJECT, lambda objects: [objects["siecle_batch"].token]),
    "imports:confirm": Route(
        ADMIN_OBJECT, lambda objects: [objects["siecle_batch"].token], method="post"
    ),
    "imports:cancel": Route(
        ADMIN_OBJECT, lambda objects: [objects["siecle_batch"].token], method="post"
    ),
    "imports:outside_list": Route(ADMIN_PAGE),
    "directory:outside_learner_create": Route(ADMIN_PAGE),
    "directory:outside_learner_edit": Route(ADMIN_OBJECT, lambda objects: [objects["learner"].pk]),
    "directory:outside_division_create": Route(ADMIN_PAGE),
    "directory:outside_division_edit": Route(
        ADMIN_OBJECT, lambda objects: [objects["outside_division"].pk]
    ),
    "imports:outside_upload": Route(ADMIN_PAGE),
    "imports:outside_template_csv": Route(ADMIN_PAGE),
    "imports:outside_template_xlsx": Route(ADMIN_PAGE),
    "imports:outside_batch": Route(ADMIN_OBJECT, lambda objects: [objects["outside_batch"].token]),
    "imports:outside_confirm": Route(
        ADMIN_OBJECT, lambda objects: [objects["outside_batch"].token], method="post"
    ),
    "imports:outside_cancel": Route(
        ADMIN_OBJECT, lambda objects: [objects["outside_batch"].token], method="post"
    ),
    # Inspector access.
    "inspection:grants": Route(HEADS_PAGE),
    "inspection:grant_revoke": Route(
        expect(403, chef=OK, chef_autre=404), lambda objects: [objects["grant"].pk]
    ),
    "inspection:consult": Route(
        expect(403, inspecteur_actif=OK),
        lambda objects: [objects["establishment"].pk],
        method="post",
    ),
    "inspection:establishment": Route(LIVE_INSPECTORS),
    # Transfers: the administrator; the head answers requests and reads the history.
    "transfers:home": Route(AUDIT_PAGE, names_the_other=True),
    "transfers:history": Route(AUDIT_PAGE, names_the_other=True),
    "transfers:ask": Route(ADMIN_OBJECT, lambda objects: [objects["pupil"].pk], method="post"),
    "transfers:answer": Route(
        expect(403, administrateur=OK, chef=OK, admin_autre=404, chef_autre=404),
        lambda objects: [objects["transfer_request"].pk],
        method="post",
    ),
    "transfers:export": Route(ADMIN_OBJECT, lambda objects: [objects["pupil"].pk], method="post"),
    "transfers:upload": Route(ADMIN_PAGE, method="post"),
    "transfers:preview": Route(ADMIN_OBJECT, lambda objects: [objects["package_upload"].token]),
    "transfers:trust": Route(
        ADMIN_OBJECT, lambda objects: [objects["package_upload"].token], method="post"
    ),
    "transfers:apply": Route(
        ADMIN_OBJECT, lambda objects: [objects["package_upload"].token], method="post"
    ),
    "transfers:drop": Route(
        ADMIN_OBJECT, lambda objects: [objects["package_upload"].token], method="post"
    ),
    # What other establishments sent of a pupil: the pedagogy's readers, never the admin.
    "transfers:received": Route(SCENARIO_READ, lambda objects: [objects["pupil"].pk]),
    # Tableaux de bord apprenants and bilans: the pedagogy's readers read; the teachers of
    # the pupil's division write bilans; the head unlocks a validated bilan terminal.
    "dashboards:pupil": Route(PEDAGOGY_PAGE),
    "dashboards:overview": Route(SCENARIO_READ, division),
    "dashboards:mine": Route(LEARNERS_PAGE),
    "dashboards:bilans": Route(SCENARIO_READ, lambda objects: [objects["pupil"].pk]),
    "dashboards:bilan_new": Route(SCENARIO_EDIT, lambda objects: [objects["pupil"].pk]),
    # A's pupil reads their own bilan (intermédiaire) and its PDF.
    "dashboards:bilan": Route(SCENARIO_READ | {"apprenant": OK}, bilan),
    "dashboards:bilan_edit": Route(SCENARIO_EDIT, bilan),
    "dashboards:bilan_validate": Route(SCENARIO_EDIT, bilan, method="post"),
    "dashboards:bilan_unlock": Route(
        expect(403, chef=OK, chef_autre=404), lambda objects: [objects["bilan_terminal"].pk]
    ),
    "dashboards:bilan_pdf": Route(SCENARIO_READ | {"apprenant": OK}, bilan),
    # Evaluations.
    "evaluations:list": Route(PEDAGOGY_PAGE),
    "evaluations:my_results": Route(LEARNERS_PAGE),
    "evaluations:create": Route(SCENARIO_EDIT, lambda objects: [objects["scenario"].pk]),
    "evaluations:grid": Route(SCENARIO_READ, evaluation),
    "evaluations:grid_save": Route(SCENARIO_EDIT, evaluation, method="post"),
    # An empty body is no JSON: the author reaches the view, which says so (400).
    "evaluations:cells": Route(SCENARIO_EDIT | {"enseignant": 400}, evaluation, method="post"),
    "evaluations:edit": Route(SCENARIO_EDIT, evaluation),
    "evaluations:publish": Route(SCENARIO_EDIT, evaluation),
    "evaluations:history": Route(SCENARIO_READ, evaluation),
    "evaluations:paper": Route(SCENARIO_READ, evaluation),
    "evaluations:export": Route(SCENARIO_READ, evaluation),
    "evaluations:import": Route(SCENARIO_EDIT, evaluation),
    "evaluations:import_preview": Route(SCENARIO_EDIT, grid_import),
    "evaluations:import_confirm": Route(SCENARIO_EDIT, grid_import, method="post"),
    "evaluations:import_cancel": Route(SCENARIO_EDIT, grid_import, method="post"),
    # Scénarios pédagogiques.
    "scenarios:library": Route(PEDAGOGY_PAGE),
    "scenarios:create": Route(TEACHERS_PAGE),
    "scenarios:import": Route(TEACHERS_PAGE),
    # A preview is its importer's alone: another teacher does not find it.
    "scenarios:import_preview": Route(
        expect(403, enseignant=OK, enseignant_lecteur=404, enseignant_autre=404),
        lambda objects: [objects["import_token"]],
    ),
    "scenarios:import_cancel": Route(
        TEACHERS_PAGE, lambda objects: [objects["import_token"]], method="post"
    ),
    "scenarios:detail": Route(SCENARIO_READ, scenario),
    "scenarios:sheet": Route(SCENARIO_READ, scenario),
    "scenarios:export": Route(SCENARIO_READ, scenario),
    "scenarios:resource": Route(SCENARIO_READ, resource),
    "scenarios:duplicate": Route(SCENARIO_DUPLICATE, scenario, method="post"),
    "scenarios:delete": Route(SCENARIO_EDIT, scenario),
    "scenarios:edit_title": Route(SCENARIO_EDIT, scenario),
    "scenarios:edit_context": Route(SCENARIO_EDIT, scenario),
    "scenarios:edit_links": Route(SCENARIO_EDIT, scenario),
    "scenarios:edit_resources": Route(SCENARIO_EDIT, scenario),
    "scenarios:resource_delete": Route(SCENARIO_EDIT, resource, method="post"),
    # Passeport professionnel.
    "passport:mine": Route(PASSPORT_OWN),
    "passport:create": Route(PASSPORT_OWN),
    "passport:edit": Route(PASSPORT_OWN, passport_entry),
    "passport:submit": Route(PASSPORT_OWN, passport_entry, method="post"),
    "passport:delete": Route(PASSPORT_OWN, passport_entry, method="post"),
    "passport:attachment_delete": Route(PASSPORT_OWN, passport_attachment, method="post"),
    "passport:from_evaluation": Route(PASSPORT_OWN, evaluation, method="post"),
    "passport:from_sheet": Route(
        PASSPORT_OWN, lambda objects: [objects["activity_sheet"].pk], method="post"
    ),
    "passport:entry": Route(PASSPORT_READ, passport_entry),
    "passport:attachment": Route(PASSPORT_READ, passport_attachment),
    "passport:pupil": Route(PASSPORT_READ, passport_pupil),
    "passport:export": Route(PASSPORT_READ, passport_pupil),
    "passport:follow": Route(PASSPORT_FOLLOW),
    "passport:answer": Route(PASSPORT_ANSWER, passport_entry, method="post"),
    # PFMP: the teacher's page, periods and placements, the bilan, the pupil's fiches.
    "pfmp:home": Route(PEDAGOGY_PAGE),
    "pfmp:period_create": Route(PFMP_MANAGE, division),
    "pfmp:period_edit": Route(PFMP_MANAGE, pfmp("period")),
    "pfmp:period_paper": Route(PFMP_READ, pfmp("period")),
    "pfmp:placement_edit": Route(PFMP_MANAGE, pfmp("placement")),
    "pfmp:sheet_check": Route(PFMP_MANAGE, pfmp("sheet"), method="post"),
    "pfmp:review": Route(PFMP_READ, pfmp("review")),
    "pfmp:review_validate": Route(
        PFMP_MANAGE | {"enseignant": 400}, pfmp("review"), method="post"
    ),  # not signed yet: refused with the reasons
    "pfmp:proposal": Route(PFMP_MANAGE, pfmp("review"), method="post"),
    "pfmp:review_paper": Route(PFMP_READ, pfmp("review")),
    "pfmp:link_create": Route(PFMP_MANAGE, pfmp("review"), method="post"),
    "pfmp:link_revoke": Route(PFMP_MANAGE, pfmp("link"), method="post"),
    "pfmp:attachment": Route(PFMP_ATTACHMENT, pfmp("attachment")),
    "pfmp:mine": Route(LEARNERS_PAGE),
    "pfmp:sheet_create": Route(PFMP_OWN, pfmp("placement")),
    "pfmp:sheet_edit": Route(PFMP_OWN, pfmp("sheet")),
    "pfmp:sheet_send": Route(PFMP_OWN, pfmp("sheet"), method="post"),
    # The tutor's page is public: whoever holds the link opens that bilan, and nothing else
    # (it names the establishment: the tutor must know who asks).
    "pfmp:tutor": Route(
        EVERYONE,
        lambda objects: [objects["pfmp"]["review"].pk, objects["pfmp"]["tutor_token"]],
        names_the_other=True,
    ),
}


def url_names() -> set[str]:
    """Every named URL of the platform, the operator's admin aside."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))


@pytest.fixture
def people(users, establishment, other_establishment):
    """The shared users, and inspectors in every situation of a grant."""
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
    teachers = {
        "enseignant_lecteur": UserFactory(username="lecteur.a", establishment=establishment),
        "enseignant_autre": UserFactory(username="prof.b", establishment=other_establishment),
    }
    chef, chef_b = users["chef"], users["chef_autre"]
    grants = {
        "actif": InspectorGrantFactory(
            establishment=establishment,
            inspector=inspectors["inspecteur_actif"],
            note="NOTE-SECRETE-A",
            granted_by=chef,
        ),
        "expire": InspectorGrantFactory(
            establishment=establishment, inspector=inspectors["inspecteur_expire"], expired=True
        ),
        "futur": InspectorGrantFactory(
            establishment=establishment, inspector=inspectors["inspecteur_futur"], future=True
        ),
        "revoque": InspectorGrantFactory(
            establishment=establishment, inspector=inspectors["inspecteur_revoque"], revoked=True
        ),
        "autre": InspectorGrantFactory(
            establishment=other_establishment,
            inspector=inspectors["inspecteur_autre"],
            note="NOTE-SECRETE-B",
            granted_by=chef_b,
        ),
    }
    return {"users": {**users, **inspectors, **teachers}, "grants": grants}


@pytest.fixture
def objects(people, establishment, other_establishment, diplomas):
    """What the URLs with arguments are about: objects of A (and data of B to look for)."""
    year = school_year_start(today())
    division_a = DivisionFactory(
        establishment=establishment,
        code="DIVA-SECRET",
        school_year__start_year=year,
        diploma=diplomas["BP-MELEC"],
    )
    pupil = PupilFactory(establishment=establishment, division=division_a, last_name="ZORGLUB")
    StaffMemberFactory(
        establishment=establishment, user=people["users"]["enseignant"]
    ).divisions.add(division_a)
    division_b = DivisionFactory(
        establishment=other_establishment, code="DIVB-SECRET", school_year__start_year=year
    )
    pupil_b = PupilFactory(
        establishment=other_establishment, division=division_b, last_name="MARSUPILAMI"
    )
    outside_division = DivisionFactory(
        establishment=establishment,
        code="APP-A",
        school_year__start_year=year,
        source=PupilSource.OUTSIDE_SIECLE,
    )
    learner = PupilFactory(
        establishment=establishment,
        division=outside_division,
        source=PupilSource.OUTSIDE_SIECLE,
        siecle_eleve_id="",
    )
    establishment.logo = default_storage.save("etablissements/matrice.png", ContentFile(b"png"))
    establishment.save(update_fields=["logo"])

    def batch(kind, payload):
        # A preview whose data changed since (digest): « Confirmer » refuses, with a message.
        return ImportBatch.objects.create(
            establishment=establishment,
            kind=kind,
            status=BatchStatus.PREVIEW,
            payload={**payload, "school_year": year, "digest": "perime"},
        )

    siecle_payload = {
        "left_on": None,
        "has_pupils": False,
        "pupils": [],
        "structures": [],
        "has_nomenclature": False,
        "mef_labels": {},
        "has_staff": False,
        "staff": [],
        "staff_skipped": [],
    }

    author = people["users"]["enseignant"]
    scenario_a = ScenarioFactory(
        establishment=establishment,
        author=author,
        title="SCENARIO-SECRET-A",
        school_year=division_a.school_year,
        diploma=diplomas["BP-MELEC"],
    )
    scenario_a.criteria.set(Criterion.objects.filter(competency__code="C2")[:2])
    (resource_a,) = scenario_resources_add(
        scenario=scenario_a, actor=author, uploads=[("plan.png", png_bytes())]
    )
    ScenarioFactory(
        establishment=other_establishment,
        author=people["users"]["enseignant_autre"],
        title="SCENARIO-SECRET-B",
    )
    import_token, _ = scenario_import_stage(
        establishment=establishment,
        actor=author,
        data=scenario_export(establishment=establishment, scenario=scenario_a),
    )
    evaluation_a = evaluation_create(
        scenario=scenario_a,
        actor=author,
        kind=EvaluationKind.FORMATIVE,
        date=today(),
        grain=Grain.CRITERION,
        divisions=[division_a],
        criteria=[c.pk for c in scenario_a.criteria.all()],
    )
    # The pupil of A is eleve.a: a passport entry with a photo, and a PFMP fiche activités.
    pupil.user = people["users"]["apprenant"]
    pupil.save(update_fields=["user"])
    passport_entry = entry_create(
        pupil=pupil,
        actor=pupil.user,
        data=EntryData(title="Situation du passeport", place="etablissement", starts_on=today()),
    )
    (passport_attachment,) = entry_attachments_add(
        entry=passport_entry, actor=pupil.user, uploads=[("photo.png", png_bytes())]
    )
    # A preview whose grid changed since (digest): « Confirmer » refuses, with a message.
    open_import = GridImport.objects.create(
        establishment=establishment,
        evaluation=evaluation_a,
        status=GridImportStatus.PREVIEW,
        file_name="grille.xlsx",
        file_size=1,
        file_sha256="0" * 64,
        payload={"lines": [], "digest": "perime"},
    )
    bilans = {
        kind: Bilan.objects.create(
            establishment=establishment,
            pupil=pupil,
            diploma=diplomas["BP-MELEC"],
            division=division_a,
            kind=kind,
            date=today(),
            method="recentes_double",
            validated_at=timezone.now() if kind == BilanKind.TERMINAL else None,
        )
        for kind in BilanKind.values
    }
    # PFMP: a period of A's division; the placement of A's pupil (« apprenant »), a fiche
    # sent with a photo, the competencies chosen, a tutor's link.
    period = pfmp_services.period_create(
        division=division_a,
        actor=author,
        starts_on=today(),
        ends_on=today(),
        weeks=1,
    )
    placement = period.placements.get(pupil=pupil)
    sheet = pfmp_services.sheet_save(
        placement=placement,
        actor=people["users"]["apprenant"],
        starts_on=today(),
        title="Câblage",
    )
    (attachment,) = pfmp_services.sheet_attachments_add(
        sheet=sheet, actor=people["users"]["apprenant"], uploads=[("photo.png", png_bytes())]
    )
    pfmp_services.sheet_send(sheet=sheet, actor=people["users"]["apprenant"])
    review = pfmp_services.sheet_check(
        sheet=sheet,
        actor=author,
        task_ids=[],
        competency_ids=[],
        criterion_ids=[c.pk for c in scenario_a.criteria.all()],
    )
    tutor_link, tutor_secret = pfmp_services.tutor_link_create(review=review, actor=author)
    return {
        "pfmp": {
            "period": period,
            "placement": placement,
            "sheet": sheet,
            "attachment": attachment,
            "review": review,
            "link": tutor_link,
            "tutor_token": link_token(tutor_link, tutor_secret),
        },
        "establishment": establishment,
        "division": division_a,
        "bilan": bilans[BilanKind.INTERMEDIATE],
        "bilan_terminal": bilans[BilanKind.TERMINAL],
        "scenario": scenario_a,
        "resource": resource_a,
        "import_token": import_token,
        "evaluation": evaluation_a,
        "grid_import": open_import,
        "passport_entry": passport_entry,
        "passport_attachment": passport_attachment,
        "activity_sheet": sheet,
        # B asks A for the record of its pupil (A's pupil has the same INE).
        "transfer_request": TransferRequest.objects.create(
            requester=other_establishment,
            holder=establishment,
            pupil=pupil_b,
            holder_pupil=pupil,
            ine=pupil.ine,
        ),
        "package_upload": PackageUpload.objects.create(
            establishment=establishment,
            token="paquet-de-a",
            storage_name=default_storage.save("transferts/envois/a.zip", ContentFile(b"PK")),
            name="paquet.zip",
            size=2,
            sha256="0" * 64,
        ),
        "pupil": pupil,
        "teacher": people["users"]["enseignant"],
        "learner": learner,
        "outside_division": outside_division,
        "siecle_batch": batch(BatchKind.SIECLE, siecle_payload),
        "outside_batch": batch(BatchKind.OUTSIDE_SIECLE, {"rows": []}),
        "grant": people["grants"]["actif"],
    }


@pytest.fixture
def client_for(people, establishment, other_establishment):
    def make(profile: str) -> Client:
        client = Client()
        if profile == "anonyme":
            return client
        client.force_login(
            people["users"][profile], backend="carnet.accounts.backends.AccountBackend"
        )
        if profile.startswith("inspecteur_"):
            choose(client, other_establishment if profile == "inspecteur_autre" else establishment)
        return client

    return make


def assert_answer(response, expected, login_url: str) -> None:
    status = response.status_code
    if expected == LOGIN:
        assert status == 302 and response.url.startswith(login_url), status
    elif expected == OK:
        assert status in (200, 302), status
        if status == 302:
            assert not response.url.startswith(login_url), response.url
    else:
        assert status == expected


def assert_isolated(profile: str, response, *, names_the_other: bool = False) -> None:
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        secrets = ([] if profile in OF_A else list(SECRETS_A)) + (
            [] if profile in OF_B else list(SECRETS_B)
        )
        if names_the_other:
            secrets = [secret for secret in secrets if secret not in IDENTITY]
        leaked = [secret for secret in secrets if secret in body]
        assert leaked == [], (profile, leaked)


class TestMatrixCoversEveryUrl:
    def test_every_url_has_an_entry(self):
        assert sorted(url_names() - set(ROUTES)) == [], "URLs sans entrée dans ROUTES"

    def test_no_entry_for_a_url_that_is_gone(self):
        assert sorted(set(ROUTES) - url_names()) == []

    def test_every_profile_is_said(self):
        assert [
            name for name, route in ROUTES.items() if set(route.expected) != set(PROFILES)
        ] == []


REFUSALS = (LOGIN, 403, 404)
ACTION_CASES = [
    (name, profile)
    for name, route in sorted(ROUTES.items())
    if route.method != "get"
    for profile in ["refusés"] + [p for p in PROFILES if route.expected[p] not in REFUSALS]
]


def route_url(url_name: str, objects) -> str:
    route = ROUTES[url_name]
    url = reverse(url_name, args=route.args(objects))
    return f"{url}?{route.query}" if route.query else url


@pytest.mark.django_db
class TestMatrix:
    @pytest.mark.parametrize("url_name", sorted(n for n, r in ROUTES.items() if r.method == "get"))
    def test_a_page_answers_each_profile_and_isolates(self, url_name, objects, client_for):
        """Every profile in turn on one set of objects: reading a page changes nothing (the
        objects are built once a page, not once a page and a profile: the matrix's time)."""
        route, url, wrong = ROUTES[url_name], route_url(url_name, objects), []
        for profile in PROFILES:
            response = client_for(profile).get(url)
            try:
                assert_answer(response, route.expected[profile], reverse("accounts:login"))
                assert_isolated(profile, response, names_the_other=route.names_the_other)
            except AssertionError as error:
                wrong.append(f"{profile} : {error}")
        assert wrong == []

    @pytest.mark.parametrize(("url_name", "profile"), ACTION_CASES)
    def test_an_action_answers_and_isolates(self, url_name, profile, objects, client_for):
        """An action (POST): every profile it refuses in turn on one set of objects (a
        refusal changes nothing); each profile it lets through on fresh objects."""
        route, url, wrong = ROUTES[url_name], route_url(url_name, objects), []
        refused = [p for p in PROFILES if route.expected[p] in REFUSALS]
        for profile_ in refused if profile == "refusés" else [profile]:
            response = getattr(client_for(profile_), route.method)(url)
            try:
                assert_answer(response, route.expected[profile_], reverse("accounts:login"))
                assert_isolated(profile_, response, names_the_other=route.names_the_other)
            except AssertionError as error:
                wrong.append(f"{profile_} : {error}")
        assert wrong == []


@pytest.mark.django_db
class TestAnswersBesideTheMatrix:
    def test_settings_entry_redirects_the_administrator_to_the_first_tab(self, admin_client_a):
        response = admin_client_a.get(reverse("establishments:settings"))
        assert response.status_code == 302
        assert response.url == reverse("establishments:identity")

    def test_unknown_referential_is_not_found(self, users, client_of, diplomas):
        unknown = reverse("referentials:detail", args=["INCONNU"])
        assert client_of(users["enseignant"]).get(unknown).status_code == 404

    def test_division_of_a_in_a_query_is_not_found_for_b(self, users, client_of, objects):
        url = reverse("directory:pupils") + f"?division={objects['division'].pk}"
        assert client_of(users["administrateur"]).get(url).status_code == 200
        assert client_of(users["admin_autre"]).get(url).status_code == 404

    def test_malformed_division_id_is_not_found(self, admin_client_a):
        response = admin_client_a.get(reverse("directory:pupils") + "?division=abc")
        assert response.status_code == 404

    def test_refused_posts_change_nothing(self, users, client_of, objects):
        teacher = objects["teacher"]
        # A's pupil already has an account (« apprenant »): no other pupil gets one.
        with_account = set(objects["division"].pupils.filter(user__isnull=False))
        for profile in ("chef", "enseignant", "apprenant", "operateur", "admin_autre"):
            client_of(users[profile]).post(
                reverse("accounts:user_active", args=[teacher.pk]), {"active": "0"}
            )
            client_of(users[profile]).post(
                reverse("accounts:pupil_access_generate", args=[objects["division"].pk])
            )
        teacher.refresh_from_db()
        assert teacher.is_active
        assert set(objects["division"].pupils.filter(user__isnull=False)) == with_account

    def test_platform_admin_is_open_to_the_operator(self, users, client_of):
        assert client_of(users["operateur"]).get("/plateforme/").status_code == 200

    def test_platform_admin_is_closed_to_establishment_accounts(self, users, client_of):
        response = client_of(users["administrateur"]).get("/plateforme/")
        assert response.status_code == 302
        assert "/plateforme/login/" in response.url
