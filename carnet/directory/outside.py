"""Learners and divisions « hors SIECLE » (apprentices, adults) typed in by hand: creation
and editing (« Nouvel apprenant », « Nouvelle division »). Their file import is
carnet.imports.outside.

Audit events never hold a learner's name or INE (carnet.audit.models): a learner is named by
their number, and personal values are recorded as changed without their content.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.identifiers import ine_problem, normalize_ine
from carnet.core.identity import learner_key
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil, SchoolYear
from carnet.directory.school_years import school_year_current
from carnet.directory.signals import pupil_status_changed

OUTSIDE = PupilSource.OUTSIDE_SIECLE
NAME_MAX = Pupil._meta.get_field("last_name").max_length
DIVISION_MAX = Division._meta.get_field("code").max_length
OLDEST_BIRTH_YEAR = 1900
LEARNER_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "ine",
    "division_id",
    "outside_status",
    "status",
    "left_on",
)
FIELD_LABELS = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "ine": "INE",
    "division_id": "Division",
    "outside_status": "Statut",
    "status": "Situation",
    "left_on": "Date de sortie",
    "code": "Code",
    "label": "Libellé",
    "diploma_id": "Diplôme",
}
# Never written to the audit trail (AuditEvent holds no learner's name or INE).
PERSONAL_FIELDS = {"last_name", "first_name", "birth_date", "ine"}


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


def outside_learner_check(
    *, establishment, data: dict, learner: Pupil | None = None, today=None
) -> tuple[dict, dict[str, str]]:
    """(validated values, errors {field: French message}) of a learner's form; every error
    at once, whatever is missing (a missing division does not hide an impossible birth
    date). Reads, never writes."""
    errors: dict[str, str] = {}
    values = {
        "last_name": _clean_text(data.get("last_name")),
        "first_name": _clean_text(data.get("first_name")),
        "birth_date": data.get("birth_date"),
        "ine": normalize_ine(data.get("ine") or "") or None,
        "outside_status": data.get("outside_status") or "",
    }
    for name, label in (("last_name", "Le nom"), ("first_name", "Le prénom")):
        if not values[name]:
            errors[name] = f"{label} est obligatoire."
        elif len(values[name]) > NAME_MAX:
            errors[name] = f"{label} compte {NAME_MAX} caractères au plus."
    birth = values["birth_date"]
    today = today or timezone.localdate()
    if not isinstance(birth, datetime.date):
        errors["birth_date"] = "La date de naissance est obligatoire (jj/mm/aaaa)."
    elif birth > today or birth.year < OLDEST_BIRTH_YEAR:
        errors["birth_date"] = f"La date de naissance {birth:%d/%m/%Y} est impossible."
    if values["ine"]:
        problem = ine_problem(values["ine"])
        if problem:
            errors["ine"] = problem.replace(" Vérifiez-le dans SIECLE.", "")
    if values["outside_status"] not in OutsideStatus.values:
        errors["outside_status"] = "Choisissez le statut : apprenti, adulte ou autre."
    division = data.get("division")
    if not isinstance(division, Division) or division.establishment_id != establishment.pk:
        errors["division"] = "Choisissez la division de l'apprenant."
    elif division.kind != StructureKind.DIVISION:
        errors["division"] = f"« {division.code} » est un groupe, pas une division."
    values["division_id"] = division.pk if "division" not in errors else None
    if "status" in data:
        if data["status"] not in PupilStatus.values:
            errors["status"] = "Choisissez la situation : actif ou sorti."
        values["status"] = data["status"]
    others = Pupil.objects.of(establishment)
    if learner is not None:
        others = others.exclude(pk=learner.pk)
    if values["ine"] and "ine" not in errors:
        holder = others.filter(ine=values["ine"]).first()
        if holder is not None:
            errors["ine"] = (
                f"L'INE {values['ine']} est déjà celui de {holder.last_name} "
                f"{holder.first_name} ({holder.get_source_display()}) : un INE est propre à un "
                "apprenant."
            )
    if not errors:
        key = learner_key(values["last_name"], values["first_name"], birth)
        twins = others.filter(source=OUTSIDE, birth_date=birth).only(
            "last_name", "first_name", "birth_date", "ine"
        )
        for twin in twins:
            same = learner_key(twin.last_name, twin.first_name, twin.birth_date) == key
            if same and not (twin.ine and values["ine"]):
                errors["last_name"] = (
                    f"Un apprenant hors SIECLE {twin.last_name} {twin.first_name} né(e) le "
                    f"{birth:%d/%m/%Y} existe déjà : modifiez-le plutôt que d'en créer un autre."
                )
                break
    return values, errors


def _checked_learner(*, establishment, data: dict, learner: Pupil | None) -> dict:
    values, errors = outside_learner_check(establishment=establishment, data=data, learner=learner)
    if errors:
        raise ValidationError(errors)
    return values


def _learner_audit_changes(before: dict, after: dict, codes: dict) -> dict:
    return audit_changes(
        before,
        after,
        labels={name: FIELD_LABELS[name] for name in LEARNER_FIELDS},
        names={
            "outside_status": dict(OutsideStatus.choices),
            "status": dict(PupilStatus.choices),
            "division_id": codes,
        },
        personal=PERSONAL_FIELDS,
    )


def _save_learner(learner: Pupil) -> None:
    """Save; an INE taken at the same moment by another pupil becomes a French refusal."""
    try:
        with transaction.atomic():
            learner.save()
    except IntegrityError:
        raise ValidationError(
            {"ine": "Cet INE vient d'être attribué à un autre élève : vérifiez-le."}
        ) from None


@transaction.atomic
def outside_learner_create(*, establishment, data: dict, actor) -> Pupil:
    """Create a hors-SIECLE learner. ``data``: last_name, first_name, birth_date, ine,
    division (a Division), outside_status. Raises ValidationError, writing nothing."""
    values = _checked_learner(establishment=establishment, data=data, learner=None)
    learner = Pupil(establishment=establishment, source=OUTSIDE, status=PupilStatus.ACTIVE)
    for name, value in values.items():
        setattr(learner, name, value)
    _save_learner(learner)
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.LEARNER_CREATED,
        subject=f"apprenant n° {learner.pk}",
        changes=_learner_audit_changes({}, values, {data["division"].pk: data["division"].code}),
    )
    return learner


@transaction.atomic
def outside_learner_update(*, learner: Pupil, data: dict, actor) -> dict:
    """Edit a hors-SIECLE learner (same ``data`` as creation, plus ``status``: actif or
    sorti). Returns the audited changes ({} when nothing changed)."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the division join.
    locked = (
        Pupil.objects.select_for_update(of=("self",)).select_related("division").get(pk=learner.pk)
    )
    if locked.source != OUTSIDE:
        raise ValidationError("Seuls les apprenants hors SIECLE se modifient ici.")
    establishment = locked.establishment
    values = _checked_learner(establishment=establishment, data=data, learner=locked)
    before = {name: getattr(locked, name) for name in LEARNER_FIELDS}
    if "status" in values and values["status"] != locked.status:
        values["left_on"] = timezone.localdate() if values["status"] == PupilStatus.LEFT else None
    codes = {data["division"].pk: data["division"].code}
    if locked.division is not None:
        codes[locked.division.pk] = locked.division.code
    changes = _learner_audit_changes(before, values, codes)
    if not changes:
        return {}
    for name, value in values.items():
        setattr(locked, name, value)
    _save_learner(locked)
    if before["status"] != locked.status:
        # The accounts app disables or enables the learner's account (never one the
        # administrator disabled).
        active = locked.status == PupilStatus.ACTIVE
        pupil_status_changed.send(sender=Pupil, pupil=locked, active=active)
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.LEARNER_UPDATED,
        subject=f"apprenant n° {locked.pk}",
        changes=changes,
    )
    for name in LEARNER_FIELDS:
        setattr(learner, name, getattr(locked, name))
    return changes


def _check_division(*, establishment, data: dict, school_year: SchoolYear, division=None) -> dict:
    errors: dict[str, str] = {}
    code = _clean_text(data.get("code"))
    label = _clean_text(data.get("label"))
    diploma = data.get("diploma")
    if not code:
        errors["code"] = "Le code de la division est obligatoire (par exemple CAP1-APP)."
    elif len(code) > DIVISION_MAX:
        errors["code"] = f"Le code compte {DIVISION_MAX} caractères au plus."
    elif "/" in code:
        errors["code"] = "Le code ne peut pas contenir de barre oblique (/)."
    if len(label) > 150:
        errors["label"] = "Le libellé compte 150 caractères au plus."
    if diploma is not None and not getattr(diploma, "pk", None):
        errors["diploma"] = "Choisissez un diplôme de la liste."
    if "code" not in errors:
        others = Division.objects.of(establishment).filter(school_year=school_year)
        if division is not None:
            others = others.exclude(pk=division.pk)
        taken = next((d for d in others.only("code") if d.code.casefold() == code.casefold()), None)
        if taken is not None:
            errors["code"] = (
                f"La division « {taken.code} » existe déjà pour l'année {school_year} : "
                "choisissez un autre code."
            )
    if errors:
        raise ValidationError(errors)
    return {"code": code, "label": label, "diploma_id": diploma.pk if diploma else None}


def _division_audit_changes(before: dict, after: dict, titles: dict) -> dict:
    return audit_changes(
        before,
        after,
        labels={name: FIELD_LABELS[name] for name in ("code", "label", "diploma_id")},
        names={"diploma_id": titles},
    )


@transaction.atomic
def outside_division_create(*, establishment, data: dict, actor) -> Division:
    """Create a hors-SIECLE division of the current school year. ``data``: code, label,
    diploma (a Diploma or None). Raises ValidationError, writing nothing."""
    year = school_year_current()
    values = _check_division(establishment=establishment, data=data, school_year=year)
    division = Division(
        establishment=establishment,
        school_year=year,
        kind=StructureKind.DIVISION,
        source=OUTSIDE,
        **values,
    )
    try:
        with transaction.atomic():
            division.save()
    except IntegrityError:
        raise ValidationError(
            {"code": "Ce code vient d'être utilisé : choisissez-en un autre."}
        ) from None
    diploma = data.get("diploma")
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.DIVISION_CREATED,
        subject=f"{division.code} ({year}, hors SIECLE)",
        changes=_division_audit_changes({}, values, {diploma.pk: diploma.title} if diploma else {}),
    )
    return division


@transaction.atomic
def outside_division_update(*, division: Division, data: dict, actor) -> dict:
    """Edit a hors-SIECLE division (code, label, diploma). Returns the audited changes."""
    locked = (
        Division.objects.select_for_update(of=("self",))
        .select_related("school_year", "diploma")
        .get(pk=division.pk)
    )
    if locked.source != OUTSIDE:
        raise ValidationError(
            "Cette division vient de SIECLE : elle se met à jour par l'import des fichiers SIECLE."
        )
    establishment = locked.establishment
    values = _check_division(
        establishment=establishment, data=data, school_year=locked.school_year, division=locked
    )
    before = {"code": locked.code, "label": locked.label, "diploma_id": locked.diploma_id}
    titles = {}
    if locked.diploma is not None:
        titles[locked.diploma.pk] = locked.diploma.title
    if data.get("diploma") is not None:
        titles[data["diploma"].pk] = data["diploma"].title
    changes = _division_audit_changes(before, values, titles)
    if not changes:
        return {}
    for name, value in values.items():
        setattr(locked, name, value)
    try:
        with transaction.atomic():
            locked.save(update_fields=list(values))
    except IntegrityError:
        raise ValidationError(
            {"code": "Ce code vient d'être utilisé : choisissez-en un autre."}
        ) from None
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.DIVISION_UPDATED,
        subject=f"{locked.code} ({locked.school_year}, hors SIECLE)",
        changes=changes,
    )
    for name, value in values.items():
        setattr(division, name, value)
    return changes
