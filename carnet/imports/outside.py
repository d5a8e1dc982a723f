"""Import of learners « hors SIECLE » (apprentices, adults) from a CSV or XLSX table.

The uploaded table is parsed (carnet.imports.parsers.learners), then planned against the
establishment's data and recorded as a preview batch holding only the rows to apply, the
announced changes and their fingerprint; « Confirmer l'import » applies it through the
lifecycle every import shares (carnet.imports.batches: lock, 24 hours, digest…). The same
file imported twice changes nothing the second time. Learners and divisions typed in by
hand are carnet.directory.outside.

Learners are keyed, within the establishment and among hors-SIECLE learners only, by their
INE, else by last name, first name and birth date (case and accents ignored). Learners absent
from a file are left alone: a file may hold one training group only, and a SIECLE import never
marks these learners left (it only marks SIECLE pupils).
"""

import datetime
import json
from dataclasses import dataclass, field

from django.utils import timezone

from carnet.accounts.services import users_activity_set
from carnet.core.identity import learner_key
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.outside import LEARNER_FIELDS
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import division_ids
from carnet.directory.services import (
    divisions_create,
    pupils_create,
    pupils_update,
    school_year_ensure,
)
from carnet.imports.accounts import AccountSteps, account_state
from carnet.imports.batches import ImportKind, import_batch_apply, import_preview_record
from carnet.imports.counts import OUTSIDE_COUNTS
from carnet.imports.enums import BatchKind
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.common import Problem, error
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import parse_learners
from carnet.imports.plans import Change, PlanChecks, display_value, overlong, shown_number
from carnet.imports.reading import MAX_DIVISIONS

OUTSIDE = PupilSource.OUTSIDE_SIECLE
EMPTY_COUNTS = {
    "pupils": dict.fromkeys(("created", "updated", "unchanged", "left"), 0),
    "divisions": dict.fromkeys(("created", "unchanged"), 0),
}
FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "ine": "INE",
    "division_id": "division",
    "outside_status": "statut",
    "status": "situation",
    "left_on": "date de sortie",
    "code": "code de division",
}
FIX = "Corrigez le fichier puis déposez-le de nouveau."


def _school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


@dataclass
class OutsidePlan(PlanChecks):
    school_year: int
    counts: dict = field(default_factory=lambda: json.loads(json.dumps(EMPTY_COUNTS)))
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    accounts: AccountSteps = field(default_factory=AccountSteps)
    new_divisions: list[str] = field(default_factory=list)  # codes, as first written
    new_learners: list[dict] = field(default_factory=list)  # wanted values
    changed_learners: list[tuple[int, dict]] = field(default_factory=list)  # (pk, wanted)
    learner_fields: set[str] = field(default_factory=set)  # those that change

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
    plan = OutsidePlan(school_year=payload["school_year"])
    division_ids_, division_codes = _plan_divisions(plan, establishment, payload["rows"])
    # Learners: hors-SIECLE ones only; INE held by any other pupil of the establishment.
    learners = list(
        Pupil.objects.of(establishment).filter(source=OUTSIDE).select_related("division", "user")
    )
    others_by_ine = {
        ine: f"{last} {first}"
        for ine, last, first in Pupil.objects.of(establishment)
        .exclude(source=OUTSIDE)
        .filter(ine__isnull=False)
        .values_list("ine", "last_name", "first_name")
    }
    statuses = dict(OutsideStatus.choices)
    shown = {
        "division_id": division_codes,
        "outside_status": statuses,
        "status": dict(PupilStatus.choices),
    }
    rows = payload["rows"]
    for row, current in zip(rows, _match(rows, learners), strict=True):
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
            "last_name": row["last_name"],
            "first_name": row["first_name"],
            "birth_date": datetime.date.fromisoformat(row["birth_date"]),
            "ine": row["ine"] or (current.ine if current is not None else None),
            "division_id": division_ids_[row["division"].casefold()],
            "outside_status": row["status"],
            "status": PupilStatus.ACTIVE,
            "left_on": None,
        }
        too_long = overlong(
            Pupil,
            {"last_name": wanted["last_name"], "first_name": wanted["first_name"]},
            who=f"Ligne {row['line']}",
            labels=FIELD_LABELS,
            fix=FIX,
        )
        if too_long:
            plan.problems.extend(too_long)
            continue
        if current is None:
            plan.counts["pupils"]["created"] += 1
            plan.new_learners.append(wanted)
            division = f"division {division_codes[wanted['division_id']]}"
            details = (division, statuses[row["status"]].lower())
            plan.changes.append(Change("Apprenant", "créé", who, details))
            continue
        details = _differences(current, wanted, shown)
        if not details:
            plan.counts["pupils"]["unchanged"] += 1
            continue
        plan.counts["pupils"]["updated"] += 1
        action = "modifié"
        if current.status == PupilStatus.LEFT:
            action = "réactivé"
            state = account_state(
                current.user_id,
                current.user.is_active if current.user_id else None,
                current.user.disabled_reason if current.user_id else "",
            )
            plan.accounts.resume(state, who=who)
        plan.changed_learners.append((current.pk, wanted))
        plan.learner_fields |= {n for n in LEARNER_FIELDS if getattr(current, n) != wanted[n]}
        plan.changes.append(Change("Apprenant", action, who, tuple(details)))
    plan.changes.extend(plan.accounts.changes)
    return plan


def _plan_divisions(plan: OutsidePlan, establishment, rows: list[dict]) -> tuple[dict, dict]:
    """Divisions of the rows: any division of the year (SIECLE ones too: apprentices often
    share a class), or created. Returns (folded code → pk or « new:… », back to the code)."""
    year_label = _school_year_label(plan.school_year)
    structures = {
        d.code.casefold(): d
        for d in Division.objects.of(establishment).filter(school_year__start_year=plan.school_year)
    }
    division_ids_: dict[str, int | str] = {}
    division_codes: dict[int | str, str] = {}
    for row in rows:
        code = row["division"]
        folded = code.casefold()
        if folded in division_ids_:
            continue
        existing = structures.get(folded)
        if existing is not None:
            division_ids_[folded] = existing.pk
            division_codes[existing.pk] = existing.code
            if existing.kind != StructureKind.DIVISION:
                plan.problems.append(
                    error(
                        "division_is_group",
                        f"« {existing.code} » est un groupe de l'année {year_label}, pas une "
                        "division : indiquez la division des apprenants concernés.",
                    )
                )
            else:
                plan.counts["divisions"]["unchanged"] += 1
            continue
        plan.problems.extend(
            overlong(
                Division, {"code": code}, who=f"Ligne {row['line']}", labels=FIELD_LABELS, fix=FIX
            )
        )
        plan.counts["divisions"]["created"] += 1
        plan.new_divisions.append(code)
        division_ids_[folded] = f"new:{folded}"
        division_codes[f"new:{folded}"] = code
        details = (f"division hors SIECLE de l'année {year_label}",)
        plan.changes.append(Change("Division", "créée", code, details))
    if len(division_ids_) > MAX_DIVISIONS:
        plan.problems.append(
            error(
                "too_many_divisions",
                f"Le fichier nomme {shown_number(len(division_ids_))} divisions : un import en "
                f"accepte {shown_number(MAX_DIVISIONS)} au plus. Vérifiez la colonne Division.",
            )
        )
    return division_ids_, division_codes


def _match(rows: list[dict], learners: list[Pupil]) -> list[Pupil | None]:
    """The learner each row updates, or None: by INE first, so that a name match never
    takes a learner an INE would have found; else by names and birth date among those
    without INE (two different INE are two different people)."""
    by_ine = {p.ine: p for p in learners if p.ine}
    by_key: dict[str, list[Pupil]] = {}
    for pupil in learners:
        if not pupil.ine:
            key = learner_key(pupil.last_name, pupil.first_name, pupil.birth_date)
            by_key.setdefault(key, []).append(pupil)
    matched: set[int] = set()
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
    return current_of


def _differences(current: Pupil, wanted: dict, shown: dict) -> list[str]:
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
        label = FIELD_LABELS[name]
        details.append(f"{label} : {display_value(old)} → {display_value(new)}")
    return details


def _apply(*, establishment, plan: OutsidePlan, actor=None) -> None:
    if not plan.writes_anything:
        return
    year = school_year_ensure(start_year=plan.school_year)
    divisions_create(
        establishment=establishment,
        school_year=year,
        rows=[
            {"code": code, "kind": StructureKind.DIVISION, "source": OUTSIDE}
            for code in plan.new_divisions
        ],
    )
    new_ids = {}
    if plan.new_divisions:
        folded = {code.casefold() for code in plan.new_divisions}
        new_ids = {
            f"new:{code.casefold()}": pk
            for code, pk in division_ids(establishment=establishment, school_year=year).items()
            if code.casefold() in folded
        }

    def resolve(values: dict) -> dict:
        division_id = values["division_id"]
        if isinstance(division_id, str):
            return {**values, "division_id": new_ids[division_id]}
        return values

    pupils_update(
        rows=[(pk, resolve(wanted)) for pk, wanted in plan.changed_learners],
        fields=plan.learner_fields,
    )
    pupils_create(
        establishment=establishment,
        rows=[{"source": OUTSIDE, **resolve(wanted)} for wanted in plan.new_learners],
    )
    users_activity_set(establishment=establishment, disable={}, enable=plan.accounts.enable)


OUTSIDE_IMPORT = ImportKind(
    kind=BatchKind.OUTSIDE_SIECLE,
    plan=lambda *, establishment, payload, choices: outside_plan(
        establishment=establishment, payload=payload
    ),
    apply=_apply,
    counts=OUTSIDE_COUNTS,
    empty_counts=EMPTY_COUNTS,
    upload_again="le fichier",
)


def outside_import_read(
    *, establishment, upload: RawFile, today: datetime.date | None = None
) -> tuple[dict, list[Problem], dict, OutsidePlan | None]:
    """Parse and plan, writing nothing: (file summary, problems, payload, plan or None if
    refused)."""
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
        return summary, problems, {}, None
    payload = {"school_year": year, "rows": _payload_rows(parsed.rows)}
    plan = outside_plan(establishment=establishment, payload=payload)
    problems.extend(plan.problems)
    return summary, problems, payload, None if plan.refused else plan


def outside_import_preview(
    *, establishment, upload: RawFile, actor, today: datetime.date | None = None
) -> ImportBatch:
    """Record the preview of a hors-SIECLE import (or its refusal) as a batch; changes no data."""
    summary, problems, payload, plan = outside_import_read(
        establishment=establishment, upload=upload, today=today
    )
    return import_preview_record(
        kind=OUTSIDE_IMPORT,
        establishment=establishment,
        actor=actor,
        files=[summary],
        problems=problems,
        plan=plan,
        payload=payload,
    )


def outside_import_apply(*, batch: ImportBatch, actor) -> ImportBatch:
    """Apply a previewed batch, all or nothing. Raises ValidationError (French) if it can't,
    AlreadyApplied if it was already."""
    return import_batch_apply(kind=OUTSIDE_IMPORT, batch=batch, actor=actor)
