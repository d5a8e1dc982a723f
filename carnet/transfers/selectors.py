"""Reads of the transfers' pages, always of one establishment."""

import datetime
from dataclasses import dataclass

from carnet.core.registry import transfer_kinds
from carnet.core.results import ResultRow
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.directory.selectors import pupil_name_order, pupil_words_match
from carnet.referentials.models import Competency
from carnet.transfers.enums import RequestStatus
from carnet.transfers.models import ReceivedItem, Transfer, TransferRequest, TrustedKey


@dataclass(frozen=True)
class Arrival:
    """A pupil of this establishment whose INE another establishment of the platform holds:
    only that establishment's UAI and name are said of it (never its pupil's data)."""

    pupil: Pupil
    holder_id: int
    holder_uai: str
    holder_name: str
    holder_ready: bool  # its transfers are on (CNIL number and « Oui »)
    request: TransferRequest | None


def arrivals(*, establishment) -> list[Arrival]:
    """Matched by INE only, among this establishment's active pupils (three queries)."""
    mine = Pupil.objects.of(establishment).filter(status=PupilStatus.ACTIVE, ine__isnull=False)
    holders = (
        Pupil.objects.exclude(establishment=establishment)
        .filter(ine__in=mine.values("ine"))
        .values_list(
            "ine",
            "establishment_id",
            "establishment__uai",
            "establishment__name",
            "establishment__transfers_enabled",
            "establishment__cnil_number",
        )
    )
    by_ine: dict[str, list[tuple]] = {}
    for ine, *holder in holders:
        by_ine.setdefault(ine, []).append(holder)
    if not by_ine:
        return []
    requests = {
        (r.pupil_id, r.holder_id): r
        for r in TransferRequest.objects.filter(requester=establishment).order_by("requested_at")
    }
    found = []
    for pupil in mine.filter(ine__in=list(by_ine)).order_by(*pupil_name_order()):
        for holder_id, uai, name, enabled, cnil in by_ine[pupil.ine]:
            found.append(
                Arrival(
                    pupil=pupil,
                    holder_id=holder_id,
                    holder_uai=uai,
                    holder_name=name,
                    holder_ready=bool(enabled and cnil),
                    request=requests.get((pupil.pk, holder_id)),
                )
            )
    return found


def requests_received(*, establishment):
    """Requests for records this establishment holds, awaiting its answer (the pupil as this
    establishment knows them: names, INE, birth date it holds already)."""
    return (
        TransferRequest.objects.filter(holder=establishment, status=RequestStatus.REQUESTED)
        .select_related("requester", "holder_pupil__division", "requested_by")
        .order_by("requested_at", "pk")
    )


def transfers_history(*, establishment):
    return Transfer.objects.of(establishment).select_related("pupil").order_by("-created_at", "-pk")


def exportable_pupils(*, establishment, search: str = ""):
    """Pupils (active or not) with an INE, whose record may be exported as a package."""
    pupils = (
        Pupil.objects.of(establishment)
        .filter(ine__isnull=False)
        .select_related("division")
        .order_by(*pupil_name_order())
    )
    if search:
        pupils = pupils.filter(pupil_words_match(search))
    return pupils


def trusted_keys(*, establishment):
    return TrustedKey.objects.of(establishment).order_by("-trusted_at")


def received_record(*, establishment, pupil) -> list[dict]:
    """What the pupil's record brought from other establishments, by kind (one query)."""
    items = list(
        ReceivedItem.objects.of(establishment)
        .filter(pupil=pupil)
        .select_related("transfer")
        .order_by("kind", "pk")
    )
    kinds = transfer_kinds()
    return [
        {"kind": kind, "items": [i for i in items if i.kind == kind.kind]}
        for kind in kinds
        if any(i.kind == kind.kind for i in items)
    ]


def received_result_rows(*, establishment, pupil_ids, include_unpublished: bool = False):
    """The levels received with transferred records, for the dashboards (rule 8 goes on
    across schools): each competency found again by its code in the destination's copy of
    the référentiel; a result whose competency is not here is left out (two queries)."""
    items = list(
        ReceivedItem.objects.of(establishment)
        .filter(pupil_id__in=list(pupil_ids), kind="evaluations.result")
        .select_related("transfer")
    )
    codes = {
        (i.data.get("diploma"), r.get("competency"))
        for i in items
        for r in i.data.get("results", [])
    }
    competencies = {
        (c.diploma.code, c.code): c
        for c in Competency.objects.filter(
            diploma__code__in={d for d, _ in codes}, code__in={c for _, c in codes}
        ).select_related("diploma")
    }
    rows = []
    for item in items:
        data = item.data
        published = data.get("kind") != "certificative" or bool(data.get("published"))
        if not (published or include_unpublished):
            continue
        for result in data.get("results", []):
            competency = competencies.get((data.get("diploma"), result.get("competency")))
            if competency is None:
                continue
            rows.append(
                ResultRow(
                    pupil_id=item.pupil_id,
                    competency_id=competency.pk,
                    criterion_id=None,
                    column_code=result.get("column", competency.code),
                    date=datetime.date.fromisoformat(data["date"]),
                    kind=data.get("kind", ""),
                    kind_label=data.get("kind_label", ""),
                    source=f"transfert:{item.pk}",
                    source_title=f"{data.get('scenario', '')} ({item.transfer.other_uai})",
                    unit_code=data.get("unit", ""),
                    published=published,
                    level_code=result.get("level_code", ""),
                    level_label=result.get("level_label", ""),
                    level_value=result.get("level_value"),
                )
            )
    return rows
