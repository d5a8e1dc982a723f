"""The staff of an STS-web import, their classes and their accounts.

A teacher (ENS) gets a teacher account. A DIR individual gets the head profile only when the
administrator confirms it in the preview (« Donner le profil chef d'établissement »: STS-web
lists deputies as DIR too); unconfirmed, they are imported as staff without account. An
account that is already an active head stays one. Other functions give no pedagogical
access: their account, if any, is disabled. Accounts never get a password here (their
owners are invited by e-mail from « Gestion des utilisateurs »).

The changes a confirmation decides are worded with both outcomes, so that the preview's
digest does not depend on the confirmations; what is written does.
"""

from carnet.accounts.enums import DisabledReason
from carnet.core.profiles import Profile
from carnet.directory.enums import StaffFunction, StaffSource
from carnet.directory.models import StaffMember
from carnet.imports.accounts import AccountState
from carnet.imports.plans import Change, excerpt, overlong, place_in_file
from carnet.imports.siecle.base import (
    FIELD_LABELS,
    FIX_IN_STS,
    HEAD,
    STAFF_FIELDS,
    Plan,
    changed_values,
    differences,
    iso_date,
)

DISABLED = "compte désactivé"
IF_CONFIRMED = {
    None: "si vous confirmez : compte chef d'établissement ; sinon : sans compte",
    True: (
        "si vous confirmez : son compte devient chef d'établissement ; sinon : compte "
        "désactivé (pas d'accès pédagogique)"
    ),
    False: (
        "si vous confirmez : compte chef d'établissement, réactivé ; sinon : compte laissé "
        "désactivé"
    ),
}


def _function(code: str) -> str:
    return code if code in StaffFunction.values else StaffFunction.OTHER


def _state(user) -> AccountState | None:
    return None if user is None else AccountState(user.pk, user.is_active, user.disabled_reason)


def _target(function: str, user, confirmed: bool) -> tuple[Profile | None, bool]:
    """(the profile the account must have, or None for no account; whether the DIR's head
    profile waits for the administrator's confirmation)."""
    if function == StaffFunction.TEACHER:
        return Profile.TEACHER, False
    if function != StaffFunction.MANAGEMENT:
        return None, False
    state = _state(user)
    if (
        user is not None
        and user.profile == Profile.HEAD
        and (user.is_active or state.disabled_by_admin)
    ):
        return Profile.HEAD, False  # already a head (or kept disabled by the administrator)
    if state is not None and state.disabled_by_admin:
        return None, False  # only the administrator enables it again: nothing to confirm
    return (Profile.HEAD if confirmed else None), True


def plan_staff(plan: Plan, establishment, payload: dict) -> None:
    plan.counts["staff"]["skipped"] = len(payload["staff_skipped"])
    # Without FONCTION (on leave…): not imported, and not « partis » either.
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
    seen: set[str] = set()
    for record in payload["staff"]:
        seen.add(record["sts_id"])
        wanted = {
            "civility": record["civility"],
            "last_name": record["last_name"],
            "first_name": record["first_name"],
            "birth_date": iso_date(record["birth_date"]),
            "function": _function(record["function"]),
            "is_active": True,
        }
        who = f"{wanted['last_name']} {wanted['first_name']}"
        too_long = overlong(
            StaffMember,
            {
                "sts_id": record["sts_id"],
                "last_name": wanted["last_name"],
                "first_name": wanted["first_name"],
            },
            who=f"Personnel {excerpt(who, 60)}",
            labels=FIELD_LABELS,
            fix=FIX_IN_STS,
            where=place_in_file(payload, "STS_EDT", record.get("line")),
        )
        if too_long:
            plan.problems.extend(too_long)
            continue
        if wanted["function"] == StaffFunction.MANAGEMENT:
            plan.directors.add(record["sts_id"])
        current = by_id.get(record["sts_id"])
        if current is None:
            _plan_new(plan, record, wanted, who)
        else:
            plan.staff_ids[current.sts_id] = current.pk
            _plan_existing(plan, current, record, wanted, who, sorted(taught.get(current.pk, ())))
    for member in members:
        if member.sts_id in seen or member.sts_id in on_leave or not member.is_active:
            continue
        plan.counts["staff"]["left"] += 1
        values = {name: getattr(member, name) for name in STAFF_FIELDS}
        plan.changed_staff[member.pk] = {**values, "is_active": False, "user_id": member.user_id}
        plan.staff_fields.add("is_active")
        who = f"{member.last_name} {member.first_name}"
        details = ["absent du fichier STS-web"]
        if plan.accounts.stop(_state(member.user), who=who, reason=DisabledReason.DEPARTED):
            details.append(DISABLED)
        plan.changes.append(Change("Personnel", "parti", who, tuple(details)))


def _names() -> dict:
    return {("function", f.value): f.label for f in StaffFunction}


def _plan_new(plan: Plan, record: dict, wanted: dict, who: str) -> None:
    sts_id = record["sts_id"]
    target, candidate = _target(wanted["function"], None, sts_id in plan.heads)
    plan.counts["staff"]["created"] += 1
    plan.new_staff.append({"sts_id": sts_id, **wanted})
    plan.staff_structures[sts_id] = record["structures"]
    if target is not None:
        plan.new_accounts.append((sts_id, wanted["first_name"], wanted["last_name"], target))
    if target == Profile.HEAD:
        plan.profile_audits.append((f"{who} (STS {sts_id})", "", Profile.HEAD.label))
    function = StaffFunction(wanted["function"]).label
    if candidate:
        plan.head_candidates.append(sts_id)
        details = (function, IF_CONFIRMED[None])
        plan.changes.append(Change("Personnel", "créé", who, details, ref=sts_id, confirm=HEAD))
        return
    account = f"compte {target.label.lower()}" if target else "sans accès pédagogique"
    plan.changes.append(Change("Personnel", "créé", who, (function, account)))


def _plan_existing(plan: Plan, member, record, wanted: dict, who: str, old_codes) -> None:
    sts_id = member.sts_id
    values = {name: getattr(member, name) for name in STAFF_FIELDS}
    details = differences(values, wanted, _names())
    changed = changed_values(values, wanted)
    structures = record["structures"]
    if old_codes != structures:
        before, after = ", ".join(old_codes), ", ".join(structures)
        details.append(f"classes : {before or '(aucune)'} → {after or '(aucune)'}")
        plan.staff_structures[sts_id] = structures
    user = member.user
    target, candidate = _target(wanted["function"], user, sts_id in plan.heads)
    notes = _account_steps(plan, member, wanted, target, shown=not candidate)
    if candidate:
        plan.head_candidates.append(sts_id)
        text = IF_CONFIRMED[None if user is None else user.is_active]
        action = "modifié" if details else "à confirmer"
        change = Change("Personnel", action, who, (*details, text), ref=sts_id, confirm=HEAD)
        plan.changes.append(change)
    elif details or notes:
        plan.changes.append(Change("Personnel", "modifié", who, (*details, *notes)))
    if changed:
        plan.changed_staff.setdefault(member.pk, {**wanted, "user_id": member.user_id})
        plan.staff_fields |= changed.keys()
    if details or notes:
        plan.counts["staff"]["updated"] += 1
    else:
        plan.counts["staff"]["unchanged"] += 1


def _account_steps(plan: Plan, member, wanted: dict, target, *, shown: bool) -> list[str]:
    """What happens to the member's account; the words the preview says of it."""
    user, state = member.user, _state(member.user)
    first, last = wanted["first_name"], wanted["last_name"]
    who = f"{last} {first}"
    subject = f"{who} (STS {member.sts_id})"
    if target is None:
        if plan.accounts.stop(state, who=who, reason=DisabledReason.NO_ACCESS, shown=shown):
            plan.profile_audits.append((subject, user.get_profile_display(), DISABLED))
            return ["compte désactivé (pas d'accès pédagogique)"]
        return []
    if user is None:
        plan.new_accounts.append((member.sts_id, first, last, target))
        plan.changed_staff[member.pk] = {**wanted, "user_id": f"new:{member.sts_id}"}
        plan.staff_fields.add("user_id")
        if target == Profile.HEAD:
            plan.profile_audits.append((subject, "", target.label))
        return [f"compte : {target.label.lower()}"]
    notes = []
    if user.profile != target:
        plan.profile_changes[user.pk] = target
        notes.append(f"compte : {target.label.lower()}")
    enabled = plan.accounts.resume(state, who=who, shown=shown)
    if enabled and user.profile == target:
        notes.append("compte réactivé")
    if user.profile != target or enabled:
        old = user.get_profile_display() if user.is_active else DISABLED
        new = target.label if user.is_active or enabled else DISABLED
        if old != new:
            plan.profile_audits.append((subject, old, new))
    return notes
