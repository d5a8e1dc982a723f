"""Writes on the directory: divisions, pupils, staff.

The imports (SIECLE/STS-web, hors SIECLE) write through the bulk functions below, in their
own transaction, each in a fixed number of queries whatever the number of rows: rows are
written in chunks of ``BATCH_SIZE`` (one 53,000-row ``UPDATE … CASE`` ran 25 minutes on
PostgreSQL). The caller has planned and checked every value (tenancy, lengths); these
functions write, they do not audit (the import records one event for the whole file).

Manual writes (a division attached to a diploma, a staff member of « Gestion des
utilisateurs ») validate, save and audit themselves; those of the learners and divisions
« hors SIECLE » are in carnet/directory/outside.py.
"""

import datetime
from collections.abc import Collection, Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.directory.enums import StaffFunction, StaffSource
from carnet.directory.models import Division, Pupil, SchoolYear, StaffMember
from carnet.directory.school_years import school_year_start

# Rows a bulk query writes at most (bulk_create, bulk_update, pk__in lists).
BATCH_SIZE = 500


def chunks(items: Sequence, size: int = BATCH_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_rows(model, *, rows: list[tuple[int, dict]], fields: Collection[str]) -> None:
    """Write ``fields`` of the objects ``rows`` names: (pk, values), values holding every one
    of ``fields`` (a row's unchanged fields keep their value), in chunks."""
    fields = sorted(fields)
    if not rows or not fields:
        return
    objects = [model(pk=pk, **{name: values[name] for name in fields}) for pk, values in rows]
    model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)


# --- School years and divisions ---------------------------------------------------------


def school_year_ensure(*, start_year: int) -> SchoolYear:
    """The school year starting in ``start_year`` (created the first time it is needed)."""
    year, _ = SchoolYear.objects.get_or_create(start_year=start_year)
    return year


def divisions_create(*, establishment, school_year: SchoolYear, rows: list[dict]) -> None:
    """New divisions and groups of a school year; ``rows``: {code, label, kind…}."""
    Division.objects.bulk_create(
        [Division(establishment=establishment, school_year=school_year, **row) for row in rows],
        batch_size=BATCH_SIZE,
    )


def divisions_update(
    *, establishment, school_year: SchoolYear, values: dict[str, dict], fields: Collection[str]
) -> None:
    """Write ``fields`` of divisions of that school year: code → values (all of ``fields``)."""
    if not values:
        return
    existing = dict(
        Division.objects.of(establishment)
        .filter(school_year=school_year, code__in=list(values))
        .values_list("code", "pk")
    )
    rows = [(existing[code], wanted) for code, wanted in values.items() if code in existing]
    _update_rows(Division, rows=rows, fields=fields)


# --- Pupils -----------------------------------------------------------------------------


def pupils_create(*, establishment, rows: list[dict]) -> list[Pupil]:
    """New pupils (``rows``: their field values). Returns them with their pk, in order."""
    pupils = [Pupil(establishment=establishment, **row) for row in rows]
    Pupil.objects.bulk_create(pupils, batch_size=BATCH_SIZE)
    return pupils


def pupils_update(*, rows: list[tuple[int, dict]], fields: Collection[str]) -> None:
    """Write ``fields`` of the establishment's pupils ``rows`` names: (pk, values), values
    holding every one of ``fields``."""
    _update_rows(Pupil, rows=rows, fields=fields)


def pupils_ine_release(*, establishment, pupil_ids: list[int]) -> None:
    """Empty the INE of these pupils first, when INE move from one pupil to another in one
    import (the INE is unique per establishment)."""
    for chunk in chunks(pupil_ids):
        Pupil.objects.of(establishment).filter(pk__in=chunk).update(ine=None)


def pupil_groups_replace(
    *, establishment, school_year: SchoolYear, groups: dict[int, list[int]]
) -> None:
    """Set the groups of a school year of these pupils: pupil pk → division pks (that year's
    groups); their groups of other years stay."""
    Through = Pupil.groups.through
    year_divisions = Division.objects.of(establishment).filter(school_year=school_year)
    for chunk in chunks(list(groups)):
        Through.objects.filter(pupil_id__in=chunk, division__in=year_divisions).delete()
    Through.objects.bulk_create(
        [
            Through(pupil_id=pupil_id, division_id=division_id)
            for pupil_id, division_ids_ in groups.items()
            for division_id in division_ids_
        ],
        batch_size=BATCH_SIZE,
    )


# --- Staff ------------------------------------------------------------------------------


def staff_members_create(*, establishment, rows: list[dict]) -> list[StaffMember]:
    """New staff members from STS-web (``rows``: sts_id, names, function, user_id…)."""
    members = [
        StaffMember(establishment=establishment, source=StaffSource.STS, **row) for row in rows
    ]
    StaffMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
    return members


def staff_members_update(*, rows: list[tuple[int, dict]], fields: Collection[str]) -> None:
    """Write ``fields`` of the establishment's staff members ``rows`` names: (pk, values),
    values holding every one of ``fields``."""
    _update_rows(StaffMember, rows=rows, fields=fields)


def staff_divisions_replace(
    *, establishment, school_year: SchoolYear, divisions: dict[int, list[int]]
) -> None:
    """Set the divisions and groups of a school year these members teach: member pk →
    division pks; what they teach in other years stays."""
    Through = StaffMember.divisions.through
    year_divisions = Division.objects.of(establishment).filter(school_year=school_year)
    for chunk in chunks(list(divisions)):
        Through.objects.filter(staffmember_id__in=chunk, division__in=year_divisions).delete()
    Through.objects.bulk_create(
        [
            Through(staffmember_id=member_id, division_id=division_id)
            for member_id, division_ids_ in divisions.items()
            for division_id in division_ids_
        ],
        batch_size=BATCH_SIZE,
    )


def _own_divisions(establishment, divisions) -> list[Division]:
    divisions = list(divisions or [])
    if any(d.establishment_id != establishment.pk for d in divisions):
        raise ValidationError("Une des classes n'appartient pas à l'établissement.")
    return divisions


def staff_member_create(
    *, establishment, function: StaffFunction, data: dict, user=None
) -> StaffMember:
    """A staff member typed in by hand (« Gestion des utilisateurs »), with their classes.

    ``data``: civility, last_name, first_name, birth_date, discipline, divisions. The caller
    (the account's creation) audits.
    """
    divisions = _own_divisions(establishment, data.get("divisions"))
    member = StaffMember.objects.create(
        establishment=establishment,
        civility=data.get("civility", ""),
        last_name=data["last_name"],
        first_name=data["first_name"],
        birth_date=data.get("birth_date"),
        discipline=(data.get("discipline") or "").strip(),
        function=function,
        source=StaffSource.MANUAL,
        user=user,
    )
    member.divisions.set(divisions)
    return member


def staff_member_update(
    *, member: StaffMember, data: dict, today: datetime.date
) -> tuple[str, str | None]:
    """Names, civility, birth date, discipline and this year's classes of a staff member.

    Classes of earlier years stay as they are (the form offers this year's). Returns the
    codes of this year's classes before and after (after is None when ``data`` has no
    ``divisions``), for the caller's audit event.
    """
    year = school_year_start(today)
    this_year = list(member.divisions.filter(school_year__start_year=year))
    before = ", ".join(sorted(d.code for d in this_year))
    for name in ("last_name", "first_name"):
        if name in data:
            setattr(member, name, data[name])
    for name in ("civility", "birth_date", "discipline"):
        if name in data:
            setattr(member, name, data[name] or ("" if name != "birth_date" else None))
    member.save()
    if "divisions" not in data:
        return before, None
    divisions = _own_divisions(member.establishment, data["divisions"])
    member.divisions.remove(*[d for d in this_year if d not in divisions])
    member.divisions.add(*divisions)
    return before, ", ".join(sorted(d.code for d in divisions))


# --- By hand ----------------------------------------------------------------------------


@transaction.atomic
def division_set_diploma(*, division: Division, diploma, actor) -> bool:
    """Attach a division whose MEF matches no référentiel to a diploma, by hand."""
    if division.diploma_id == (diploma.pk if diploma else None):
        return False
    before = {"diploma": division.diploma}
    division.diploma = diploma
    division.diploma_by_hand = diploma is not None
    division.save(update_fields=["diploma", "diploma_by_hand"])
    audit_event_record(
        establishment=division.establishment,
        actor=actor,
        action=AuditAction.DIVISION_UPDATED,
        subject=division.code,
        changes=audit_changes(before, {"diploma": diploma}, labels={"diploma": "Diplôme"}),
    )
    return True
