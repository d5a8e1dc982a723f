"""Learners « hors SIECLE » (apprentices, adults): file import, manual creation and editing.

Import: the uploaded table is parsed (carnet.imports.parsers.learners), then planned against
the establishment's data and recorded as a preview batch holding only the rows to apply,
the announced changes and their fingerprint; « Confirmer l'import » plans again in one
transaction and applies only if the changes are exactly those previewed. The same file
imported twice changes nothing the second time.

Learners are keyed, within the establishment and among hors-SIECLE learners only, by their
INE, else by last name, first name and birth date (case and accents ignored). Learners absent
from a file are left alone: a file may hold one training group only, and a SIECLE import never
marks these learners left (it only marks SIECLE pupils).

Audit events never hold a learner's name or INE (carnet.audit.models): a learner is named by
their number, and personal values are recorded as changed without their content.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from carnet.accounts.models import User
from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import actor_label, audit_event_record
from carnet.core.identifiers import ine_problem, normalize_ine
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil, SchoolYear
from carnet.directory.school_years import school_year_current, school_year_start
from carnet.directory.selectors import pupil_name_order
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.common import Problem, error
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import (
    DIVISION_MAX,
    NAME_MAX,
    OLDEST_BIRTH_YEAR,
    learner_key,
    parse_learners,
)
from carnet.imports.plans import PlanChecks
from carnet.imports.services import counts_for_audit
from carnet.imports.siecle import display_value

OUTSIDE = PupilSource.OUTSIDE_SIECLE
EMPTY_COUNTS = {
    "pupils": dict.fromkeys(("created", "updated", "unchanged", "left"), 0),
    "divisions": dict.fromkeys(("created", "unchanged"), 0),
}
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


def _school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


# --- Reads (the hors-SIECLE pages) ------------------------------------------------------


def outside_learners(*, establishment):
    """Hors-SIECLE learners with their division, by name."""
    return (
        Pupil.objects.of(establishment)
        .filter(source=OUTSIDE)
        .select_related("division__school_year")
        .order_by(*pupil_name_order())
    )


def outside_divisions(*, establishment):
    """Hors-SIECLE divisions, newest school year first, with their active learners counted."""
    return (
        Division.objects.of(establishment)
        .filter(source=OUTSIDE)
        .select_related("school_year", "diploma")
        .annotate(active_pupils=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("-school_year__start_year", "code")
    )


def learner_division_choices(*, establishment, current=None):
    """Divisions a learner may be placed in: this school year's (SIECLE ones included, for
    mixed classes), plus the learner's current division if older."""
    year = school_year_start(timezone.localdate())
    condition = Q(school_year__start_year=year, kind=StructureKind.DIVISION)
    if current is not None:
        condition |= Q(pk=current.pk)
    return (
        Division.objects.of(establishment)
        .filter(condition)
        .select_related("school_year")
        .order_by("-school_year__start_year", "code")
    )


# --- Import: plan -----------------------------------------------------------------------


@dataclass
class OutsidePlan(PlanChecks):
    school_year: int
    counts: dict = field(default_factory=lambda: json.loads(json.dumps(EMPTY_COUNTS)))
    changes: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_divisions: list[str] = field(default_factory=list)  # codes, as first written
    new_learners: list[dict] = field(default_factory=list)  # wanted values
    changed_learners: list[tuple[Pupil, dict]] = field(default_factory=list)
    enable_users: set[int] = field(default_factory=set)
    payload: dict = field(default_factory=dict)  # what the plan was made from

    @property
    def writes_anything(self) -> bool:
        return bool(self.new_divisions or self.new_learners or self.changed_learners)


def _payload_rows(rows) -> list[dict]:
    """The minimal records to apply (the line only names the row in messages)."""
    return [
        {
            "line": row.line,
            "last_name": row.last_name,
            "first_name": row.first_name,
            "birth_date": row.birth_date.isoformat(),
            "ine": row.ine,
            "division": row.division,
            "status": row.status,
        }
        for row in rows
    ]


def outside_plan(*, establishment, payload: dict) -> OutsidePlan:
    """Compare the rows with the establishment's data, in a fixed number of queries."""
    plan = OutsidePlan(school_year=payload["school_year"], payload=payload)
    year_label = _school_year_label(plan.school_year)
    # Divisions: any division of the year (SIECLE ones too: apprentices often share a class).
    structures = {
        d.code.casefold(): d
        for d in Division.objects.of(establishment).filter(school_year__start_year=plan.school_year)
    }
    division_ids: dict[str, int | str] = {}
    division_codes: dict[int | str, str] = {}
    for row in payload["rows"]:
        code = row["division"]
        folded = code.casefold()
        if folded in division_ids:
            continue
        existing = structures.get(folded)
        if existing is not None and existing.kind != StructureKind.DIVISION:
            plan.problems.append(
                error(
                    "division_is_group",
                    f"« {existing.code} » est un groupe de l'année {year_label}, pas une "
                    "division : indiquez la division des apprenants concernés.",
                )
            )
            division_ids[folded] = existing.pk
            division_codes[existing.pk] = existing.code
        elif existing is not None:
            plan.counts["divisions"]["unchanged"] += 1
            division_ids[folded] = existing.pk
            division_codes[existing.pk] = existing.code
        else:
            plan.counts["divisions"]["created"] += 1
            plan.new_divisions.append(code)
            division_ids[folded] = f"new:{folded}"
            division_codes[f"new:{folded}"] = code
            plan.changes.append(
                {
                    "kind": "Division",
                    "action": "créée",
                    "label": code,
                    "details": [f"division hors SIECLE de l'année {year_label}"],
                }
            )
    # Learners: hors-SIECLE ones only; INE held by any other pupil of the establishment.
    learners = list(
        Pupil.objects.of(establishment).filter(source=OUTSIDE).select_related("division")
    )
    others_by_ine = {
        ine: f"{last} {first}"
        for ine, last, first in Pupil.objects.of(establishment)
        .exclude(source=OUTSIDE)
        .filter(ine__isnull=False)
        .values_list("ine", "last_name", "first_name")
    }
    by_ine = {p.ine: p for p in learners if p.ine}
    # Without INE in the file, a learner is found by name and birth date among those without
    # INE (two different INE are two different people).
    by_key: dict[str, list[Pupil]] = {}
    for pupil in learners:
        if not pupil.ine:
            key = learner_key(pupil.last_name, pupil.first_name, pupil.birth_date)
            by_key.setdefault(key, []).append(pupil)
    statuses = dict(OutsideStatus.choices)
    shown = {
        "division_id": division_codes,
        "outside_status": statuses,
        "status": dict(PupilStatus.choices),
    }
    matched: set[int] = set()
    rows = payload["rows"]
    # INE matches first, so that a name match never takes a learner an INE would have found.
    current_of: list[Pupil | None] = []
    for row in rows:
        current = by_ine.get(row["ine"]) if row["ine"] else None
        if current is not None:
            matched.add(current.pk)
        current_of.append(current)
    for index, row in enumerate(rows):
        if current_of[index] is None:
            birth = datetime.date.fromisoformat(row["birth_date"])
            key = learner_key(row["last_name"], row["first_name"], birth)
            candidate = next((p for p in by_key.get(key, []) if p.pk not in matched), None)
            if candidate is not None:
                matched.add(candidate.pk)
                current_of[index] = candidate
    for row, current in zip(rows, current_of, strict=True):
        who = f"{row['last_name']} {row['first_name']}"
        if row["ine"] and row["ine"] in others_by_ine:
            plan.problems.append(
                error(
                    "ine_taken",
                    f"Ligne {row['line']} ({who}) : l'INE {row['ine']} est déjà celui de l'élève "
                    f"{others_by_ine[row['ine']]} (SIECLE) de l'établissement. Vérifiez-le : "
                    "un INE est propre à un apprenant.",
                )
            )
            continue
        wanted = {
            "last_name": row["last_name"][:NAME_MAX],
            "first_name": row["first_name"][:NAME_MAX],
            "birth_date": datetime.date.fromisoformat(row["birth_date"]),
            "ine": row["ine"] or (current.ine if current is not None else None),
            "division_id": division_ids[row["division"].casefold()],
            "outside_status": row["status"],
            "status": PupilStatus.ACTIVE,
            "left_on": None,
        }
        if current is None:
            plan.counts["pupils"]["created"] += 1
            plan.new_learners.append(wanted)
            plan.changes.append(
                {
                    "kind": "Apprenant",
                    "action": "créé",
                    "label": who,
                    "details": [
                        f"division {division_codes[wanted['division_id']]}",
                        statuses[row["status"]].lower(),
                    ],
                }
            )
            continue
        details = []
        for name in LEARNER_FIELDS:
            old, new = getattr(current, name), wanted[name]
            if old == new:
                continue
            if name == "division_id" and old is not None:
                old = current.division.code  # maybe of another year: not among the codes
            else:
                old = shown.get(name, {}).get(old, old)
            new = shown.get(name, {}).get(new, new)
            label = FIELD_LABELS[name] if name == "ine" else FIELD_LABELS[name].lower()
            details.append(f"{label} : {display_value(old)} → {display_value(new)}")
        if not details:
            plan.counts["pupils"]["unchanged"] += 1
            continue
        plan.counts["pupils"]["updated"] += 1
        action = "modifié"
        if current.status == PupilStatus.LEFT:
            action = "réactivé"
            if current.user_id:
                plan.enable_users.add(current.user_id)
        plan.changed_learners.append((current, wanted))
        plan.changes.append(
            {"kind": "Apprenant", "action": action, "label": who, "details": details}
        )
    return plan


# --- Import: preview, apply -------------------------------------------------------------


def outside_import_read(
    *, establishment, upload: RawFile, today: datetime.date | None = None
) -> tuple[dict, list[Problem], OutsidePlan | None]:
    """Parse and plan, writing nothing: (file summary, problems, plan or None if refused)."""
    today = today or timezone.localdate()
    parsed = parse_learners(upload.content, upload.name, today=today)
    year = school_year_start(today)
    summary = {
        "name": upload.name,
        "size": len(upload.content),
        "sha256": upload.sha256,
        "kind": "hors_siecle",
        "kind_label": f"apprenants hors SIECLE, {parsed.format or 'format illisible'}",
        "uaj": "",
        "school_year": year,
        "rows": len(parsed.rows),
    }
    problems = list(parsed.problems)
    if parsed.refused:
        return summary, problems, None
    payload = {"school_year": year, "rows": _payload_rows(parsed.rows)}
    plan = outside_plan(establishment=establishment, payload=payload)
    problems.extend(plan.problems)
    if plan.refused:
        return summary, problems, None
    return summary, problems, plan


def outside_import_preview(
    *, establishment, upload: RawFile, actor, today: datetime.date | None = None
) -> ImportBatch:
    """Record the preview of a hors-SIECLE import (or its refusal) as a batch; changes no data."""
    summary, problems, plan = outside_import_read(
        establishment=establishment, upload=upload, today=today
    )
    batch = ImportBatch(
        establishment=establishment,
        kind=BatchKind.OUTSIDE_SIECLE,
        created_by=actor,
        created_by_label=actor_label(actor),
        files=[summary],
        problems=[p.as_dict() for p in problems],
    )
    if plan is None:
        batch.status = BatchStatus.REFUSED
        batch.counts = EMPTY_COUNTS
    else:
        batch.status = BatchStatus.PREVIEW
        batch.counts = plan.counts
        batch.changes = plan.changes
        batch.payload = {**plan.payload, "digest": plan.digest}
    batch.save_as_only_preview()
    return batch


AUDIT_LABELS = {
    "pupils": "Apprenants",
    "divisions": "Divisions",
    "created": "créés",
    "updated": "modifiés",
    "unchanged": "inchangés",
}


@transaction.atomic
def outside_import_apply(*, batch: ImportBatch, actor) -> ImportBatch:
    """Apply a previewed batch, all or nothing. Raises ValidationError (French) if it can't."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW or batch.kind != BatchKind.OUTSIDE_SIECLE:
        raise ValidationError(
            "Cet aperçu a déjà été appliqué ou abandonné : déposez de nouveau le fichier."
        )
    establishment = batch.establishment
    payload = batch.payload
    plan = outside_plan(establishment=establishment, payload=payload)
    if plan.refused or plan.digest != payload.get("digest"):
        raise ValidationError(
            "Les données de l'établissement ont changé depuis cet aperçu (un autre import ou "
            "une modification a eu lieu entre-temps) : déposez de nouveau le fichier pour "
            "obtenir un aperçu à jour."
        )
    try:
        with transaction.atomic():
            _apply(establishment=establishment, plan=plan)
    except IntegrityError:
        raise ValidationError(
            "Les données de l'établissement ont changé pendant l'import : rien n'a été "
            "importé. Déposez de nouveau le fichier."
        ) from None
    if plan.writes_anything:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.IMPORT_APPLIED,
            subject=", ".join(f["name"] for f in batch.files),
            changes=counts_for_audit(plan.counts, AUDIT_LABELS),
        )
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.counts = plan.counts
    batch.payload = {}
    batch.save(update_fields=["status", "applied_at", "counts", "payload"])
    return batch


def _apply(*, establishment, plan: OutsidePlan) -> None:
    if not plan.writes_anything:
        return
    year, _ = SchoolYear.objects.get_or_create(start_year=plan.school_year)
    Division.objects.bulk_create(
        [
            Division(
                establishment=establishment,
                school_year=year,
                code=code,
                kind=StructureKind.DIVISION,
                source=OUTSIDE,
            )
            for code in plan.new_divisions
        ]
    )
    new_ids = {}
    if plan.new_divisions:
        folded = {code.casefold() for code in plan.new_divisions}
        new_ids = {
            f"new:{d.code.casefold()}": d.pk
            for d in Division.objects.of(establishment).filter(school_year=year)
            if d.code.casefold() in folded
        }

    def resolve(division_id):
        return new_ids[division_id] if isinstance(division_id, str) else division_id

    changed = plan.changed_learners
    if changed:
        fields = sorted(
            {n for p, wanted in changed for n in LEARNER_FIELDS if getattr(p, n) != wanted[n]}
        )
        for pupil, wanted in changed:
            for name in LEARNER_FIELDS:
                value = wanted[name]
                setattr(pupil, name, resolve(value) if name == "division_id" else value)
        Pupil.objects.bulk_update([p for p, _ in changed], fields)
    Pupil.objects.bulk_create(
        [
            Pupil(
                establishment=establishment,
                source=OUTSIDE,
                **{**wanted, "division_id": resolve(wanted["division_id"])},
            )
            for wanted in plan.new_learners
        ]
    )
    if plan.enable_users:
        User.objects.filter(pk__in=plan.enable_users).update(is_active=True)


# --- Manual creation and editing --------------------------------------------------------


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


def _check_learner(*, establishment, data: dict, learner: Pupil | None) -> dict:
    """Validated values, or ValidationError {field: French message}. Reads, never writes."""
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
    today = timezone.localdate()
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
        errors["division"] = f"« {division.code} » est un groupe, pas une division."
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
    values = _check_learner(establishment=establishment, data=data, learner=None)
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
    values = _check_learner(establishment=establishment, data=data, learner=locked)
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
    if locked.user_id and before["status"] != locked.status:
        User.objects.filter(pk=locked.user_id).update(is_active=locked.status == PupilStatus.ACTIVE)
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
                f"La division « {taken.code} » existe déjà pour l'année {school_year} : "
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
