"""Write a SIECLE/STS plan, in the caller's transaction: the directory through
carnet.directory.services, the accounts through carnet.accounts.services, in bulk."""

from carnet.accounts.services import (
    users_activity_set,
    users_create_without_password,
    users_profile_set,
)
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.directory.selectors import division_ids
from carnet.directory.services import (
    divisions_create,
    divisions_update,
    pupil_groups_replace,
    pupils_create,
    pupils_ine_release,
    pupils_update,
    school_year_ensure,
    staff_divisions_replace,
    staff_members_create,
    staff_members_update,
)
from carnet.imports.siecle.base import Plan


def siecle_apply(*, establishment, plan: Plan, actor=None) -> None:
    """Write ``plan`` (computed in this same transaction)."""
    year = school_year_ensure(start_year=plan.school_year)
    divisions_create(establishment=establishment, school_year=year, rows=plan.new_divisions)
    divisions_update(
        establishment=establishment,
        school_year=year,
        values=plan.changed_divisions,
        fields=plan.division_fields,
    )
    by_code = division_ids(establishment=establishment, school_year=year)

    def resolve(division_id):
        if isinstance(division_id, str) and division_id.startswith("new:"):
            return by_code[division_id[4:]]
        return division_id

    # Pupils: INE freed first (an INE may move from one pupil to another), then written.
    pupils_ine_release(establishment=establishment, pupil_ids=plan.moving_ine)
    pupils_update(
        rows=[
            (pk, {**values, "division_id": resolve(values["division_id"])})
            for pk, values in plan.changed_pupils
        ],
        fields=plan.pupil_fields,
    )
    new_pupils = pupils_create(
        establishment=establishment,
        rows=[
            {**values, "division_id": resolve(values["division_id"])}
            for _, values in plan.new_pupils
        ],
    )
    # Groups of this school year: replaced for the pupils whose groups changed.
    groups = {
        pk: [by_code[code] for code in codes]
        for pk, codes in plan.pupil_groups.items()
        if isinstance(pk, int)
    }
    for pupil, (eleve_id, _) in zip(new_pupils, plan.new_pupils, strict=True):
        codes = plan.pupil_groups.get(f"new:{eleve_id}", [])
        if codes:
            groups[pupil.pk] = [by_code[code] for code in codes]
    pupil_groups_replace(establishment=establishment, school_year=year, groups=groups)
    _apply_staff(plan, establishment, year, by_code, actor)
    users_activity_set(
        establishment=establishment, disable=plan.accounts.disable, enable=plan.accounts.enable
    )


def _apply_staff(plan: Plan, establishment, year, by_code: dict[str, int], actor) -> None:
    # Accounts first (no password: invitations come from « Gestion des utilisateurs »).
    users = users_create_without_password(
        establishment=establishment,
        people=[(first, last, profile) for _, first, last, profile in plan.new_accounts],
    )
    user_of = {sts_id: user.pk for (sts_id, *_), user in zip(plan.new_accounts, users, strict=True)}
    users_profile_set(establishment=establishment, profiles=plan.profile_changes)
    # One audit event per account whose rights change (a profile is a set of rights).
    for subject, old, new in plan.profile_audits:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.PROFILE_CHANGED,
            subject=subject,
            changes={"Profil": [old, new]},
        )
    members = staff_members_create(
        establishment=establishment,
        rows=[{**values, "user_id": user_of.get(values["sts_id"])} for values in plan.new_staff],
    )
    staff_members_update(
        rows=[
            (pk, {**values, "user_id": user_of[values["user_id"][4:]]})
            if isinstance(values["user_id"], str)
            else (pk, values)
            for pk, values in plan.changed_staff.items()
        ],
        fields=plan.staff_fields,
    )
    # Divisions taught this year.
    ids = {**plan.staff_ids, **{m.sts_id: m.pk for m in members}}
    staff_divisions_replace(
        establishment=establishment,
        school_year=year,
        divisions={
            ids[sts_id]: [by_code[code] for code in codes if code in by_code]
            for sts_id, codes in plan.staff_structures.items()
            if sts_id in ids
        },
    )
