"""Transfers of a pupil's record: what is checked, what is sent, how it is received.

One path for both ways: on the platform, accepting a request builds the very package an
export would give and applies it at once at the requester's; across deployments the
package is a file the receiving administrator uploads. Applying is all or nothing, in one
transaction at the destination, exactly once (a package applied twice, even at the same
moment, changes nothing the second time), and only ever adds: nothing is deleted or changed
at the source.
"""

import datetime
import tempfile
import uuid
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import actor_label, audit_event_record
from carnet.core.french import count
from carnet.core.identifiers import ine_form
from carnet.core.registry import transfer_kinds
from carnet.directory.models import Pupil
from carnet.transfers.enums import Channel, Direction
from carnet.transfers.models import (
    ReceivedFile,
    ReceivedItem,
    Transfer,
    TrustedKey,
)
from carnet.transfers.package import (
    OutgoingItem,
    Package,
    package_build,
)
from carnet.transfers.signing import SigningKey, load_or_create


@cache
def deployment_key() -> SigningKey:
    """This deployment's signing key (``TRANSFER_KEY_FILE``, created at first use)."""
    return load_or_create(settings.TRANSFER_KEY_FILE)


# --- What a transfer needs ------------------------------------------------------------------


def establishment_problems(establishment, *, side: str) -> list[str]:
    """Why ``establishment`` cannot send or receive records (rule 5); empty when it can."""
    problems = []
    if not establishment.cnil_number:
        problems.append(
            f"{side} n'a pas indiqué le numéro de sa déclaration CNIL (ou la référence de son "
            "registre RGPD) dans Paramètres › Transferts"
        )
    if not establishment.transfers_enabled:
        problems.append(f"{side} n'a pas activé les transferts (« Oui », Paramètres › Transferts)")
    return problems


def pupil_problem(pupil, *, side: str) -> str | None:
    if not pupil.ine or ine_form(pupil.ine) is None:
        return (
            f"l'élève n'a pas d'INE valide {side} : renseignez-le dans SIECLE puis importez "
            "de nouveau les fichiers"
        )
    return None


def refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationError("Le transfert n'est pas possible : " + " ; ".join(problems) + ".")


# --- Sending ----------------------------------------------------------------------------------


def record_items(*, establishment, pupil) -> list[tuple[str, object]]:
    """The pupil's record as every app gives it: (kind, TransferItem)."""
    return [
        (kind.kind, item)
        for kind in transfer_kinds()
        for item in kind.export(establishment=establishment, pupil=pupil)
    ]


def package_of(*, establishment, pupil, now: datetime.datetime | None = None):
    """The signed package of ``pupil``'s record: (temporary file, package id, counts)."""
    items = record_items(establishment=establishment, pupil=pupil)
    now = now or timezone.now()
    package_id = str(uuid.uuid4())
    out = package_build(
        key=deployment_key(),
        sender={"uai": establishment.uai, "name": establishment.name},
        pupil={
            "ine": pupil.ine,
            "last_name": pupil.last_name,
            "first_name": pupil.first_name,
            "birth_date": pupil.birth_date.isoformat() if pupil.birth_date else "",
        },
        items=[OutgoingItem(kind, item.key, item.data) for kind, item in items],
        files=[file for _, item in items for file in item.files],
        now=timezone.localtime(now),
        package_id=package_id,
    )
    return out, package_id, kinds_counted([kind for kind, _ in items])


def kinds_counted(kinds: list[str]) -> dict[str, int]:
    """{kind label: how many items of it}."""
    labels = {kind.kind: kind.label for kind in transfer_kinds()}
    counts: dict[str, int] = {}
    for kind in kinds:
        label = labels.get(kind, kind)
        counts[label] = counts.get(label, 0) + 1
    return counts


def history_record(
    *, establishment, direction, channel, package_id, pupil, other: dict, actor, counts
):
    return Transfer.objects.create(
        establishment=establishment,
        direction=direction,
        channel=channel,
        package=package_id,
        pupil=pupil,
        ine=pupil.ine if pupil is not None else other.get("ine", ""),
        other_uai=other["uai"],
        other_name=other.get("name", ""),
        other_deployment=other.get("deployment", ""),
        actor=actor,
        actor_label=actor_label(actor),
        counts=counts,
    )


def audit_record(*, establishment, actor, action, pupil, other: dict, counts: dict) -> None:
    # The pupil by number: the audit trail never holds a pupil's name or INE.
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=action,
        subject=f"Élève n° {pupil.pk} — {other['uai']} {other.get('name', '')}".strip(),
        changes={label: ["", str(n)] for label, n in counts.items()},
    )


@transaction.atomic
def package_export(*, establishment, pupil, actor, now=None):
    """« Exporter le dossier » for another deployment: the package file, and the history."""
    refuse(
        establishment_problems(establishment, side="Votre établissement")
        + [p for p in [pupil_problem(pupil, side="dans votre établissement")] if p]
    )
    out, package_id, counts = package_of(establishment=establishment, pupil=pupil, now=now)
    sent_record(
        establishment=establishment,
        channel=Channel.PACKAGE,
        package_id=package_id,
        pupil=pupil,
        other={"uai": "—", "name": "Paquet de transfert exporté"},
        actor=actor,
        counts=counts,
    )
    return out, package_id


def sent_record(*, establishment, channel, package_id, pupil, other: dict, actor, counts) -> None:
    """The sender's side of a transfer: its history line and its audit event."""
    history_record(
        establishment=establishment,
        direction=Direction.SENT,
        channel=channel,
        package_id=package_id,
        pupil=pupil,
        other=other,
        actor=actor,
        counts=counts,
    )
    audit_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.TRANSFER_SENT,
        pupil=pupil,
        other=other,
        counts=counts,
    )


# --- Receiving --------------------------------------------------------------------------------


def key_is_known(*, establishment, package: Package) -> bool:
    """Signed by this deployment, or by a key this establishment trusted."""
    if package.public_key == deployment_key().public_raw:
        return True
    return (
        TrustedKey.objects.of(establishment)
        .filter(public_key=package.sender["public_key"])
        .exists()
    )


def receiving_pupil(*, establishment, package: Package):
    """The pupil of this establishment whose INE the package is for, or None."""
    return Pupil.objects.of(establishment).filter(ine=package.pupil["ine"]).first()


def receive_problems(*, establishment, package: Package) -> list[str]:
    """Everything that refuses this package here, said at once (empty when it may apply)."""
    problems = establishment_problems(establishment, side="Votre établissement")
    if not key_is_known(establishment=establishment, package=package):
        problems.append(
            "la clé qui a signé ce paquet n'est pas encore reconnue : comparez son empreinte "
            "avec celle que l'établissement d'origine lit dans Paramètres › Transferts, puis "
            "faites-lui confiance"
        )
    if package.sender["uai"] == establishment.uai and package.public_key == (
        deployment_key().public_raw
    ):
        problems.append("ce paquet vient de votre propre établissement")
    pupil = receiving_pupil(establishment=establishment, package=package)
    if pupil is None:
        problems.append(
            f"aucun élève de votre établissement n'a l'INE {package.pupil['ine']} : importez "
            "d'abord l'élève (SIECLE) avec cet INE"
        )
    if (
        Transfer.objects.of(establishment)
        .filter(direction=Direction.RECEIVED, package=package.package_id)
        .exists()
    ):
        problems.append("ce paquet a déjà été reçu : rien n'a été modifié une seconde fois")
    return problems


def package_apply(*, establishment, package: Package, actor, channel: str) -> Transfer:
    """Apply a checked package here, all or nothing, exactly once. Raises ValidationError."""
    try:
        with transaction.atomic():
            refuse(receive_problems(establishment=establishment, package=package))
            pupil = (
                Pupil.objects.of(establishment)
                .select_for_update()
                .get(pk=receiving_pupil(establishment=establishment, package=package).pk)
            )
            counts = kinds_counted([item["kind"] for item in package.items])
            transfer = history_record(
                establishment=establishment,
                direction=Direction.RECEIVED,
                channel=channel,
                package_id=package.package_id,
                pupil=pupil,
                other=package.sender,
                actor=actor,
                counts=counts,
            )
            files = _store_files(establishment=establishment, package=package, transfer=transfer)
            _store_items(
                establishment=establishment,
                pupil=pupil,
                package=package,
                transfer=transfer,
                files=files,
            )
            audit_record(
                establishment=establishment,
                actor=actor,
                action=AuditAction.TRANSFER_RECEIVED,
                pupil=pupil,
                other=package.sender,
                counts=counts,
            )
            return transfer
    except IntegrityError:
        # The same package applied at the same moment by another request: it won.
        raise ValidationError(
            "Ce paquet vient d'être reçu par ailleurs : rien n'a été modifié une seconde fois."
        ) from None


def _store_files(*, establishment, package: Package, transfer) -> dict[str, str]:
    """Every attachment, stored once per establishment under its SHA-256: sha256 → name.
    Copied in chunks through a temporary file (memory bounded); removed again if the
    transaction fails."""
    known = dict(
        ReceivedFile.objects.of(establishment)
        .filter(sha256__in=[f["sha256"] for f in package.files])
        .values_list("sha256", "storage_name")
    )
    written: list[str] = []
    try:
        for entry in package.files:
            if entry["sha256"] in known:
                continue
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
                package.copy_file(entry["sha256"], copy)
                copy.seek(0)
                name = default_storage.save(
                    f"transferts/{establishment.pk}/{entry['sha256']}", File(copy)
                )
            written.append(name)
            known[entry["sha256"]] = name
            ReceivedFile.objects.create(
                establishment=establishment,
                sha256=entry["sha256"],
                size=entry["size"],
                storage_name=name,
                transfer=transfer,
            )
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    return known


def _store_items(*, establishment, pupil, package: Package, transfer, files: dict) -> None:
    origin = f"{package.sender['deployment'].replace(' ', '')[:16]} {package.sender['uai']}"
    existing = set(
        ReceivedItem.objects.of(establishment)
        .filter(pupil=pupil, origin=origin)
        .values_list("kind", "key")
    )
    new = [
        ReceivedItem(
            establishment=establishment,
            pupil=pupil,
            transfer=transfer,
            kind=item["kind"],
            origin=origin,
            key=item["key"],
            data=item["data"],
        )
        for item in package.items
        if (item["kind"], item["key"]) not in existing
    ]
    ReceivedItem.objects.bulk_create(new)
    by_kind: dict[str, list[dict]] = {}
    for item in new:
        by_kind.setdefault(item.kind, []).append(item.data)
    for kind in transfer_kinds():
        if kind.receive is not None and by_kind.get(kind.kind):
            kind.receive(
                establishment=establishment, pupil=pupil, items=by_kind[kind.kind], files=files
            )


def counts_said(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} : {count(n, 'élément')}" for label, n in counts.items()) or "—"
