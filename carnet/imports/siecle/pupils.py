"""The pupils of a SIECLE import: created, updated, marked « sorti » (never deleted), their
groups, and their accounts (disabled when they leave, enabled again when they come back)."""

from types import SimpleNamespace

from carnet.accounts.enums import DisabledReason
from carnet.directory.enums import PupilSource, PupilStatus
from carnet.directory.models import Pupil
from carnet.imports.accounts import account_state
from carnet.imports.parsers.common import error, warning
from carnet.imports.plans import Change, excerpt, overlong, place_in_file
from carnet.imports.siecle.base import (
    FIELD_LABELS,
    FIX_IN_SIECLE,
    PUPIL_FIELDS,
    Plan,
    changed_values,
    differences,
    iso_date,
)

# Text columns a pupil's record writes (checked against their length in the preview).
TEXT_FIELDS = ("last_name", "first_name", "siecle_eleve_id", "siecle_elenoet", "mef")
TEXT_FIELDS += ("previous_uai",)


def _wanted_pupil(record: dict, division_ids: dict[str, int | str]) -> dict:
    exit_date = iso_date(record["exit_date"])
    return {
        "last_name": record["last_name"],
        "first_name": record["first_name"],
        "birth_date": iso_date(record["birth_date"]),
        "sex": record["sex"],
        "ine": record["ine"] or None,
        "siecle_eleve_id": record["eleve_id"],
        "siecle_elenoet": record["elenoet"],
        "mef": record["mef"],
        "entry_date": iso_date(record["entry_date"]),
        "previous_uai": record["previous_uai"],
        "status": PupilStatus.LEFT if exit_date else PupilStatus.ACTIVE,
        "left_on": exit_date,
        "source": PupilSource.SIECLE,
        "division_id": division_ids.get(record["division"]) if record["division"] else None,
    }


def match_pupils(records: list[dict], pupils: list[SimpleNamespace]) -> dict[str, object]:
    """ELEVE_ID → the existing SIECLE pupil it updates.

    First every record by its ELEVE_ID; then, for the records left, by INE among the SIECLE
    pupils whose ELEVE_ID is not in the file (SIECLE gave the same pupil a new ELEVE_ID).
    Two passes: a newcomer must never take the record of a pupil who is still in the file.
    """
    siecle = [p for p in pupils if p.source == PupilSource.SIECLE]
    by_id = {p.siecle_eleve_id: p for p in siecle if p.siecle_eleve_id}
    file_ids = {r["eleve_id"] for r in records}
    matches = {r["eleve_id"]: by_id[r["eleve_id"]] for r in records if r["eleve_id"] in by_id}
    by_ine = {p.ine: p for p in siecle if p.ine and p.siecle_eleve_id not in file_ids}
    taken = {p.pk for p in matches.values()}
    for record in records:
        candidate = by_ine.get(record["ine"]) if record["ine"] else None
        if record["eleve_id"] not in matches and candidate and candidate.pk not in taken:
            matches[record["eleve_id"]] = candidate
            taken.add(candidate.pk)
    return matches


def _state(pupil: SimpleNamespace):
    return account_state(pupil.user_id, pupil.user__is_active, pupil.user__disabled_reason)


def _change(plan: Plan, pupil: SimpleNamespace, wanted: dict) -> None:
    values = {name: getattr(pupil, name) for name in PUPIL_FIELDS}
    changed = changed_values(values, wanted)
    if changed:
        plan.changed_pupils.append((pupil.pk, wanted))
        plan.pupil_fields |= changed.keys()
        if pupil.ine and "ine" in changed:
            plan.moving_ine.append(pupil.pk)


def plan_pupils(plan: Plan, establishment, payload: dict) -> None:
    divisions = plan.existing_divisions
    # Divisions still to create get a placeholder id (their code) until applied.
    division_ids: dict[str, int | str] = {code: d.pk for code, d in divisions.items()}
    for division in plan.new_divisions:
        division_ids[division["code"]] = f"new:{division['code']}"
    names = {("division_id", pk): code for code, pk in division_ids.items()}
    names.update({("status", s.value): s.label for s in PupilStatus})
    names.update({("source", s.value): s.label for s in PupilSource})
    # Plain rows, not model instances: 10,000 of them may be read at every import.
    pupils = [
        SimpleNamespace(**row)
        for row in Pupil.objects.of(establishment).values(
            "pk", "user_id", "user__is_active", "user__disabled_reason", *PUPIL_FIELDS
        )
    ]
    # By this year's divisions of the establishment (a few hundred ids, indexed), not by a
    # join on pupils: that join scans every establishment's memberships.
    codes_by_pk = {d.pk: code for code, d in divisions.items()}
    groups_of: dict[int, set[str]] = {}
    through = Pupil.groups.through.objects.filter(division_id__in=list(codes_by_pk))
    for pupil_id, division_id in through.values_list("pupil_id", "division_id"):
        groups_of.setdefault(pupil_id, set()).add(codes_by_pk[division_id])
    records = payload["pupils"]
    matches = match_pupils(records, pupils)
    matched = {p.pk for p in matches.values()}
    claimed_ines: dict[str, str] = {}  # INE → who has it in the file
    for record in records:
        wanted = _wanted_pupil(record, division_ids)
        who = f"{wanted['last_name']} {wanted['first_name']}"
        too_long = overlong(
            Pupil,
            {name: wanted[name] for name in TEXT_FIELDS},
            who=f"Élève {excerpt(who, 60)}",
            labels=FIELD_LABELS,
            fix=FIX_IN_SIECLE,
            where=place_in_file(payload, "BEE_ELEVES", record.get("line")),
        )
        if too_long:
            plan.problems.extend(too_long)
            continue
        if wanted["ine"]:
            claimed_ines[wanted["ine"]] = who
        groups = sorted(record["groups"])
        current = matches.get(record["eleve_id"])
        if current is None:
            plan.counts["pupils"]["created"] += 1
            plan.new_pupils.append((record["eleve_id"], wanted))
            plan.pupil_groups[f"new:{record['eleve_id']}"] = groups
            plan.changes.append(
                Change("Élève", "créé", who, (record["division"] or "sans division",))
            )
            continue
        values = {name: getattr(current, name) for name in PUPIL_FIELDS}
        details = differences(values, wanted, names)
        old_groups = sorted(groups_of.get(current.pk, set()))
        if old_groups != groups:
            details.append(
                f"groupes : {', '.join(old_groups) or '(aucun)'} → {', '.join(groups) or '(aucun)'}"
            )
            plan.pupil_groups[current.pk] = groups
        if not details:
            plan.counts["pupils"]["unchanged"] += 1
            continue
        if wanted["status"] == PupilStatus.LEFT and values["status"] != PupilStatus.LEFT:
            plan.counts["pupils"]["left"] += 1
            action = "sorti"
            plan.accounts.stop(_state(current), who=who, reason=DisabledReason.LEFT)
        else:
            plan.counts["pupils"]["updated"] += 1
            action = "modifié"
            if values["status"] == PupilStatus.LEFT and wanted["status"] == PupilStatus.ACTIVE:
                action = "réactivé"
                plan.accounts.resume(_state(current), who=who)
        _change(plan, current, wanted)
        plan.changes.append(Change("Élève", action, who, tuple(details)))
    _plan_absent(plan, pupils, matched, claimed_ines, iso_date(payload["left_on"]))


def _plan_absent(plan: Plan, pupils, matched: set[int], claimed_ines: dict, left_on) -> None:
    """The pupils of the platform the file does not hold: « sorti » (SIECLE pupils only)."""
    for pupil in pupils:
        if pupil.pk in matched:
            continue
        holder = f"{pupil.last_name} {pupil.first_name}"
        claimed_by = claimed_ines.get(pupil.ine) if pupil.ine else None
        if pupil.source != PupilSource.SIECLE:
            if claimed_by:
                plan.problems.append(
                    error(
                        "ine_of_outside_learner",
                        f"L'INE {pupil.ine} de {claimed_by} (fichier SIECLE) est déjà celui de "
                        f"l'apprenant hors SIECLE {holder} : corrigez l'INE dans SIECLE ou sur "
                        "la fiche de l'apprenant, puis importez de nouveau.",
                    )
                )
            continue  # learners « hors SIECLE » are never touched by a SIECLE import
        wanted = {name: getattr(pupil, name) for name in PUPIL_FIELDS}
        details = []
        if claimed_by:
            # The INE now belongs to a pupil of the file: the absent record gives it up.
            wanted["ine"] = None
            details.append(f"INE {pupil.ine} rendu à {claimed_by}")
            plan.problems.append(
                warning(
                    "ine_moved",
                    f"L'INE {pupil.ine} passe de {holder} (absent du fichier) à {claimed_by}.",
                )
            )
        if pupil.status != PupilStatus.LEFT:
            # Absent from a full pupils file: left, never deleted.
            plan.counts["pupils"]["left"] += 1
            wanted.update(status=PupilStatus.LEFT, left_on=left_on)
            details.insert(0, "absent du fichier SIECLE")
            action = "sorti"
            plan.accounts.stop(_state(pupil), who=holder, reason=DisabledReason.LEFT)
        elif details:
            plan.counts["pupils"]["updated"] += 1
            action = "modifié"
        else:
            continue
        _change(plan, pupil, wanted)
        plan.changes.append(Change("Élève", action, holder, tuple(details)))
