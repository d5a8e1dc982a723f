"""SIECLE/STS import: the plan (what would change) and its application, from one payload.

The plan reads the establishment's current data in a fixed number of queries and compares
it with the payload; applying writes the plan with bulk operations in one transaction.
The same payload applied twice changes nothing the second time.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from carnet.accounts.credentials import logins_reserve, logins_taken
from carnet.accounts.logins import login_base, unique_login
from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.profiles import Profile
from carnet.directory.enums import (
    PupilSource,
    PupilStatus,
    StaffFunction,
    StaffSource,
    StructureKind,
)
from carnet.directory.models import Division, Pupil, SchoolYear, StaffMember
from carnet.imports.parsers.common import Problem, error, warning
from carnet.imports.plans import PlanChecks
from carnet.referentials.models import Diploma

PUPIL_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "ine",
    "siecle_eleve_id",
    "siecle_elenoet",
    "mef",
    "entry_date",
    "previous_uai",
    "status",
    "left_on",
    "source",
    "division_id",
)
DIVISION_FIELDS = ("label", "kind", "mef", "mef_label", "diploma_id", "diploma_by_hand")
STAFF_FIELDS = (
    "civility",
    "last_name",
    "first_name",
    "birth_date",
    "function",
    "is_active",
)
FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "sex": "sexe",
    "ine": "INE",
    "siecle_eleve_id": "identifiant SIECLE",
    "siecle_elenoet": "ELENOET",
    "mef": "MEF",
    "entry_date": "date d'entrée",
    "previous_uai": "établissement d'origine",
    "status": "statut",
    "left_on": "date de sortie",
    "source": "origine",
    "division_id": "division",
    "groups": "groupes",
    "label": "libellé",
    "kind": "type",
    "mef_label": "libellé du MEF",
    "diploma_id": "diplôme",
    "diploma_by_hand": "diplôme rattaché à la main",
    "civility": "civilité",
    "function": "fonction",
    "is_active": "en poste",
    "structures": "classes",
}
STAFF_PROFILES = {StaffFunction.TEACHER: Profile.TEACHER, StaffFunction.MANAGEMENT: Profile.HEAD}


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass
class Plan(PlanChecks):
    school_year: int
    counts: dict = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    # Errors refuse the import; warnings are shown with the preview.
    problems: list[Problem] = field(default_factory=list)
    existing_divisions: dict[str, Division] = field(default_factory=dict)
    # Operations for apply: objects or (object, fields) to write.
    new_divisions: list[Division] = field(default_factory=list)
    changed_divisions: dict[str, list[str]] = field(default_factory=dict)  # code → fields
    division_values: dict[str, dict] = field(default_factory=dict)  # code → wanted values
    new_pupils: list[tuple[str, dict]] = field(default_factory=list)  # (ELEVE_ID, values)
    changed_pupils: list[tuple[SimpleNamespace, dict]] = field(default_factory=list)
    pupil_groups: dict[int | str, list[str]] = field(default_factory=dict)  # pk|eleve_id → codes
    disable_users: set[int] = field(default_factory=set)
    enable_users: set[int] = field(default_factory=set)
    new_staff: list[dict] = field(default_factory=list)
    changed_staff: list[tuple[StaffMember, dict]] = field(default_factory=list)
    staff_structures: dict[str, list[str]] = field(default_factory=dict)  # sts_id → codes
    staff_profiles: list[tuple[StaffMember | None, dict]] = field(default_factory=list)

    @property
    def writes_anything(self) -> bool:
        return any(
            self.counts[kind][action]
            for kind, actions in self.counts.items()
            for action in actions
            if action not in ("unchanged", "skipped")
        )


def display_value(value) -> str:
    """A value as the preview shows it: dates dd/mm/yyyy, empty as « (vide) »."""
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _differences(current: dict, wanted: dict, names: dict | None = None) -> list[str]:
    details = []
    for name, value in wanted.items():
        if current.get(name) != value:
            shown_old = (names or {}).get((name, current.get(name)), current.get(name))
            shown_new = (names or {}).get((name, value), value)
            label = FIELD_LABELS.get(name, name)
            details.append(f"{label} : {display_value(shown_old)} → {display_value(shown_new)}")
    return details


def siecle_plan(*, establishment, payload: dict) -> Plan:
    year = payload["school_year"]
    plan = Plan(school_year=year)
    plan.counts = {
        "pupils": dict.fromkeys(("created", "updated", "unchanged", "left"), 0),
        "divisions": dict.fromkeys(("created", "updated", "unchanged"), 0),
        "staff": dict.fromkeys(("created", "updated", "unchanged", "skipped", "left"), 0),
    }
    _plan_divisions(plan, establishment, payload)
    if payload["has_pupils"]:
        _plan_pupils(plan, establishment, payload)
    if payload["has_staff"]:
        _plan_staff(plan, establishment, payload)
    return plan


def _plan_divisions(plan: Plan, establishment, payload: dict) -> None:
    diplomas = {d.mef_prefix: d for d in Diploma.objects.only("pk", "mef_prefix", "title")}
    titles = {d.pk: d.title for d in diplomas.values()}
    names = {("diploma_id", pk): title for pk, title in titles.items()}
    names.update({("kind", k.value): k.label for k in StructureKind})
    plan.existing_divisions = {
        d.code: d
        for d in Division.objects.of(establishment).filter(school_year__start_year=plan.school_year)
    }
    mef_labels = payload["mef_labels"]
    for item in payload["structures"]:
        code = item["code"]
        current = plan.existing_divisions.get(code)
        if current is not None and current.source == PupilSource.OUTSIDE_SIECLE:
            plan.problems.append(
                error(
                    "outside_division_code",
                    f"La division {code} des fichiers SIECLE porte le code d'une division "
                    "« hors SIECLE » créée dans la plateforme : renommez cette dernière "
                    "(Apprenants hors SIECLE) puis importez de nouveau.",
                )
            )
            continue
        # What no uploaded file gives is kept as the platform has it.
        mef = item["mef"] or (current.mef if current else "")
        if payload["has_nomenclature"]:
            mef_label = mef_labels.get(mef, "")
        else:
            mef_label = current.mef_label if current else ""
        mapped = diplomas.get(mef[:8]) if mef else None
        if mapped is not None:
            diploma_id, by_hand = mapped.pk, False
        elif current is not None and current.diploma_by_hand:
            diploma_id, by_hand = current.diploma_id, True
        else:
            diploma_id, by_hand = None, False  # « diplôme non rattaché »
        wanted = {
            "label": (item["label"] or (current.label if current else "") or code)[:150],
            "kind": item["kind"],
            "mef": mef,
            "mef_label": mef_label[:150],
            "diploma_id": diploma_id,
            "diploma_by_hand": by_hand,
        }
        plan.division_values[code] = wanted
        kind_label = "Groupe" if item["kind"] == StructureKind.GROUP else "Division"
        if current is None:
            plan.counts["divisions"]["created"] += 1
            plan.new_divisions.append(Division(establishment=establishment, code=code, **wanted))
            detail = titles.get(diploma_id) or (
                f"diplôme non rattaché (MEF {mef})" if mef else "sans MEF"
            )
            plan.changes.append(
                {"kind": kind_label, "action": "créé", "label": code, "details": [detail]}
            )
            continue
        values = {name: getattr(current, name) for name in DIVISION_FIELDS}
        details = _differences(values, wanted, names)
        if details:
            plan.counts["divisions"]["updated"] += 1
            plan.changed_divisions[code] = [n for n in wanted if values[n] != wanted[n]]
            plan.changes.append(
                {"kind": kind_label, "action": "modifié", "label": code, "details": details}
            )
        else:
            plan.counts["divisions"]["unchanged"] += 1


def _wanted_pupil(record: dict, division_ids: dict[str, int | str]) -> dict:
    exit_date = _date(record["exit_date"])
    return {
        "last_name": record["last_name"][:100],
        "first_name": record["first_name"][:100],
        "birth_date": _date(record["birth_date"]),
        "sex": record["sex"],
        "ine": record["ine"] or None,
        "siecle_eleve_id": record["eleve_id"],
        "siecle_elenoet": record["elenoet"][:20],
        "mef": record["mef"][:11],
        "entry_date": _date(record["entry_date"]),
        "previous_uai": record["previous_uai"][:8],
        "status": PupilStatus.LEFT if exit_date else PupilStatus.ACTIVE,
        "left_on": exit_date,
        "source": PupilSource.SIECLE,
        "division_id": division_ids.get(record["division"]) if record["division"] else None,
    }


def _match_pupils(records: list[dict], pupils: list[SimpleNamespace]) -> dict[str, object]:
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


def _plan_pupils(plan: Plan, establishment, payload: dict) -> None:
    divisions = plan.existing_divisions
    # Divisions still to create get a placeholder id (their code) until applied.
    division_ids: dict[str, int | str] = {code: d.pk for code, d in divisions.items()}
    for division in plan.new_divisions:
        division_ids[division.code] = f"new:{division.code}"
    names = {("division_id", pk): code for code, pk in division_ids.items()}
    names.update({("status", s.value): s.label for s in PupilStatus})
    names.update({("source", s.value): s.label for s in PupilSource})
    # Plain rows, not model instances: 3,000 of them are read at every import.
    pupils = [
        SimpleNamespace(**row)
        for row in Pupil.objects.of(establishment).values("pk", "user_id", *PUPIL_FIELDS)
    ]
    # By this year's divisions of the establishment (a few hundred ids, indexed), not by a
    # join on pupils: that join scans every establishment's memberships.
    codes_by_pk = {d.pk: code for code, d in divisions.items()}
    groups_of: dict[int, set[str]] = {}
    through = Pupil.groups.through.objects.filter(division_id__in=list(codes_by_pk))
    for pupil_id, division_id in through.values_list("pupil_id", "division_id"):
        groups_of.setdefault(pupil_id, set()).add(codes_by_pk[division_id])
    records = payload["pupils"]
    matches = _match_pupils(records, pupils)
    matched = {p.pk for p in matches.values()}
    wanted_of: dict[int, dict] = {}  # pk → the values the pupil will have
    claimed_ines: dict[str, str] = {}  # INE → who has it in the file
    for record in records:
        wanted = _wanted_pupil(record, division_ids)
        who = f"{wanted['last_name']} {wanted['first_name']}"
        if wanted["ine"]:
            claimed_ines[wanted["ine"]] = who
        groups = sorted(record["groups"])
        current = matches.get(record["eleve_id"])
        if current is None:
            plan.counts["pupils"]["created"] += 1
            plan.new_pupils.append((record["eleve_id"], wanted))
            plan.pupil_groups[f"new:{record['eleve_id']}"] = groups
            division = record["division"] or "sans division"
            plan.changes.append(
                {"kind": "Élève", "action": "créé", "label": who, "details": [division]}
            )
            continue
        values = {name: getattr(current, name) for name in PUPIL_FIELDS}
        details = _differences(values, wanted, names)
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
            if current.user_id:
                plan.disable_users.add(current.user_id)
        else:
            plan.counts["pupils"]["updated"] += 1
            action = "modifié"
            if values["status"] == PupilStatus.LEFT and wanted["status"] == PupilStatus.ACTIVE:
                action = "réactivé"
                if current.user_id:
                    plan.enable_users.add(current.user_id)
        wanted_of[current.pk] = wanted
        plan.changed_pupils.append((current, wanted))
        plan.changes.append({"kind": "Élève", "action": action, "label": who, "details": details})
    left_on = _date(payload["left_on"])
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
            continue  # learners « hors SIECLE » are never touched by a SIECLE import
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
            if pupil.user_id:
                plan.disable_users.add(pupil.user_id)
        elif details:
            plan.counts["pupils"]["updated"] += 1
            action = "modifié"
        else:
            continue
        plan.changed_pupils.append((pupil, wanted))
        plan.changes.append(
            {"kind": "Élève", "action": action, "label": holder, "details": details}
        )


def _function(code: str) -> str:
    return code if code in StaffFunction.values else StaffFunction.OTHER


def _plan_staff(plan: Plan, establishment, payload: dict) -> None:
    plan.counts["staff"]["skipped"] = len(payload["staff_skipped"])
    # Without FONCTION (on leave…): not imported, and not « partis » either.
    on_leave = {item["sts_id"] for item in payload["staff_skipped"]}
    members = list(
        StaffMember.objects.of(establishment)
        .filter(source=StaffSource.STS)
        .exclude(sts_id="")
        .select_related("user")
    )
    by_id = {m.sts_id: m for m in members}
    codes_by_pk = {d.pk: code for code, d in plan.existing_divisions.items()}
    through = StaffMember.divisions.through.objects.filter(division_id__in=list(codes_by_pk))
    taught: dict[int, set[str]] = {}
    for member_id, division_id in through.values_list("staffmember_id", "division_id"):
        taught.setdefault(member_id, set()).add(codes_by_pk[division_id])
    names = {("function", f.value): f.label for f in StaffFunction}
    seen: set[str] = set()
    for record in payload["staff"]:
        seen.add(record["sts_id"])
        wanted = {
            "civility": record["civility"],
            "last_name": record["last_name"][:100],
            "first_name": record["first_name"][:100],
            "birth_date": _date(record["birth_date"]),
            "function": _function(record["function"]),
            "is_active": True,
        }
        structures = record["structures"]
        who = f"{wanted['last_name']} {wanted['first_name']}"
        profile = STAFF_PROFILES.get(wanted["function"])
        current = by_id.get(record["sts_id"])
        if current is None:
            plan.counts["staff"]["created"] += 1
            plan.new_staff.append({"sts_id": record["sts_id"], **wanted})
            plan.staff_structures[record["sts_id"]] = structures
            account = f"compte {profile.label.lower()}" if profile else "sans accès pédagogique"
            plan.changes.append(
                {
                    "kind": "Personnel",
                    "action": "créé",
                    "label": who,
                    "details": [names[("function", wanted["function"])], account],
                }
            )
            continue
        values = {name: getattr(current, name) for name in STAFF_FIELDS}
        details = _differences(values, wanted, names)
        old_structures = sorted(taught.get(current.pk, set()))
        if old_structures != structures:
            details.append(
                f"classes : {', '.join(old_structures) or '(aucune)'} → "
                f"{', '.join(structures) or '(aucune)'}"
            )
            plan.staff_structures[record["sts_id"]] = structures
        user = current.user
        wanted_profile_ok = (profile is None and (user is None or not user.is_active)) or (
            profile is not None and user is not None and user.profile == profile and user.is_active
        )
        if not wanted_profile_ok:
            plan.staff_profiles.append((current, {"profile": profile}))
            if profile is not None and (user is None or user.profile != profile):
                details.append(f"compte : {profile.label.lower()}")
            elif profile is not None:
                details.append("compte réactivé")
            else:
                details.append("compte désactivé (pas d'accès pédagogique)")
        if details:
            plan.counts["staff"]["updated"] += 1
            plan.changed_staff.append((current, wanted))
            plan.changes.append(
                {"kind": "Personnel", "action": "modifié", "label": who, "details": details}
            )
        else:
            plan.counts["staff"]["unchanged"] += 1
    for member in members:
        if member.sts_id in seen or member.sts_id in on_leave or not member.is_active:
            continue
        plan.counts["staff"]["left"] += 1
        wanted = {name: getattr(member, name) for name in STAFF_FIELDS}
        wanted["is_active"] = False
        plan.changed_staff.append((member, wanted))
        if member.user_id:
            plan.disable_users.add(member.user_id)
        plan.changes.append(
            {
                "kind": "Personnel",
                "action": "parti",
                "label": f"{member.last_name} {member.first_name}",
                "details": ["absent du fichier STS-web : compte désactivé"],
            }
        )


def siecle_apply(*, establishment, plan: Plan, actor=None) -> None:
    """Write ``plan`` (computed in this same transaction)."""
    year, _ = SchoolYear.objects.get_or_create(start_year=plan.school_year)
    # Divisions and groups.
    for division in plan.new_divisions:
        division.school_year = year
    Division.objects.bulk_create(plan.new_divisions)
    if plan.changed_divisions:
        existing = {
            d.code: d
            for d in Division.objects.of(establishment).filter(
                school_year=year, code__in=list(plan.changed_divisions)
            )
        }
        fields = sorted({f for names in plan.changed_divisions.values() for f in names})
        for code, division in existing.items():
            for name, value in plan.division_values[code].items():
                setattr(division, name, value)
        Division.objects.bulk_update(list(existing.values()), fields)
    division_by_code = {
        d.code: d.pk for d in Division.objects.of(establishment).filter(school_year=year)
    }

    def resolve(division_id):
        if isinstance(division_id, str) and division_id.startswith("new:"):
            return division_by_code[division_id[4:]]
        return division_id

    # Pupils: INE freed first (an INE may move from one pupil to another), then written.
    # Pupils whose fields change (a change of groups alone writes no pupil row).
    changed = [
        (p, wanted)
        for p, wanted in plan.changed_pupils
        if any(getattr(p, n) != wanted[n] for n in PUPIL_FIELDS)
    ]
    moving_ine = [p.pk for p, wanted in changed if p.ine and p.ine != wanted["ine"]]
    if moving_ine:
        Pupil.objects.filter(pk__in=moving_ine).update(ine=None)
    if changed:
        fields = sorted(
            {n for p, wanted in changed for n in PUPIL_FIELDS if getattr(p, n) != wanted[n]}
        )
        rows = [
            Pupil(
                pk=pupil.pk,
                **{n: resolve(wanted[n]) if n == "division_id" else wanted[n] for n in fields},
            )
            for pupil, wanted in changed
        ]
        Pupil.objects.bulk_update(rows, fields)
    new_pupils = [
        Pupil(
            establishment=establishment, **{**values, "division_id": resolve(values["division_id"])}
        )
        for _, values in plan.new_pupils
    ]
    Pupil.objects.bulk_create(new_pupils)
    # Groups of this school year: replaced for the pupils whose groups changed.
    replaced = [key for key in plan.pupil_groups if isinstance(key, int)]
    group_rows = [(pk, division_by_code[code]) for pk in replaced for code in plan.pupil_groups[pk]]
    for pupil, (eleve_id, _) in zip(new_pupils, plan.new_pupils, strict=True):
        for code in plan.pupil_groups.get(f"new:{eleve_id}", []):
            group_rows.append((pupil.pk, division_by_code[code]))
    Through = Pupil.groups.through
    if replaced:
        Through.objects.filter(pupil_id__in=replaced, division__school_year=year).delete()
    Through.objects.bulk_create(
        [
            Through(pupil_id=pupil_id, division_id=division_id)
            for pupil_id, division_id in group_rows
        ]
    )
    _apply_staff(plan, establishment, division_by_code, actor)
    if plan.disable_users:
        User.objects.filter(pk__in=plan.disable_users).update(is_active=False)
    if plan.enable_users:
        User.objects.filter(pk__in=plan.enable_users).update(is_active=True)


def _apply_staff(plan: Plan, establishment, division_by_code: dict[str, int], actor) -> None:
    # Accounts first: teachers (ENS) and heads (DIR) get one, without a usable password
    # (credentials are generated by « Gestion des utilisateurs »).
    wanted_accounts = []
    for values in plan.new_staff:
        profile = STAFF_PROFILES.get(values["function"])
        if profile is not None:
            wanted_accounts.append((values, profile))
    for member, change in plan.staff_profiles:
        if change["profile"] is not None and member.user_id is None:
            wanted_accounts.append((member, change["profile"]))
    bases = {}
    for owner, _ in wanted_accounts:
        first = owner["first_name"] if isinstance(owner, dict) else owner.first_name
        last = owner["last_name"] if isinstance(owner, dict) else owner.last_name
        bases[id(owner)] = login_base(first, last)
    # Logins are unique on the whole platform and never given twice.
    taken = logins_taken(set(bases.values()))
    users = []
    for owner, profile in wanted_accounts:
        first = owner["first_name"] if isinstance(owner, dict) else owner.first_name
        last = owner["last_name"] if isinstance(owner, dict) else owner.last_name
        user = User(
            username=unique_login(bases[id(owner)], taken),
            first_name=first,
            last_name=last,
            profile=profile,
            establishment=establishment,
            was_head=profile == Profile.HEAD,
        )
        user.set_unusable_password()
        users.append((owner, user))
    User.objects.bulk_create([user for _, user in users])
    logins_reserve([user.username for _, user in users])
    user_of = {id(owner): user for owner, user in users}
    # Existing accounts whose profile changes, or which are (re)enabled or disabled: one
    # query per profile, and one audit event per account (a profile is a set of rights).
    by_profile: dict[str, list[int]] = {}
    for member, change in plan.staff_profiles:
        if member.user_id is None:
            continue
        if change["profile"] is None:
            plan.disable_users.add(member.user_id)
        else:
            by_profile.setdefault(change["profile"], []).append(member.user_id)
        old = member.user.get_profile_display() if member.user.is_active else "compte désactivé"
        new = Profile(change["profile"]).label if change["profile"] else "compte désactivé"
        if old != new:
            audit_event_record(
                establishment=establishment,
                actor=actor,
                action=AuditAction.PROFILE_CHANGED,
                subject=f"{member.last_name} {member.first_name} (STS {member.sts_id})",
                changes={"Profil": [old, new]},
            )
    for profile, user_ids in by_profile.items():
        # Once a head, always protected as one (carnet.accounts: head_account_is_protected).
        protected = {"was_head": True} if profile == Profile.HEAD else {}
        User.objects.filter(pk__in=user_ids).update(profile=profile, is_active=True, **protected)
    new_members = [
        StaffMember(
            establishment=establishment,
            source=StaffSource.STS,
            user=user_of.get(id(values)),
            **values,
        )
        for values in plan.new_staff
    ]
    StaffMember.objects.bulk_create(new_members)
    changed = plan.changed_staff
    for member, wanted in changed:
        for name, value in wanted.items():
            setattr(member, name, value)
        if id(member) in user_of:
            member.user = user_of[id(member)]
    if changed:
        StaffMember.objects.bulk_update([m for m, _ in changed], [*STAFF_FIELDS, "user"])
    # Divisions taught this year.
    ids = {m.sts_id: m.pk for m in new_members}
    ids.update({m.sts_id: m.pk for m, _ in changed})
    Through = StaffMember.divisions.through
    replaced = [ids[sts_id] for sts_id in plan.staff_structures if sts_id in ids]
    if replaced:
        Through.objects.filter(
            staffmember_id__in=replaced, division_id__in=list(division_by_code.values())
        ).delete()
    Through.objects.bulk_create(
        [
            Through(staffmember_id=ids[sts_id], division_id=division_by_code[code])
            for sts_id, codes in plan.staff_structures.items()
            if sts_id in ids
            for code in codes
            if code in division_by_code
        ]
    )
