"""Packages uploaded for their preview (kept a day at most), and the keys an establishment
trusts."""

import datetime
import hashlib
import secrets

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.transfers.models import (
    PackageUpload,
    TrustedKey,
)
from carnet.transfers.package import Package

UPLOAD_LIFETIME = datetime.timedelta(hours=24)


def package_upload_store(*, establishment, name: str, content, size: int, actor) -> PackageUpload:
    """Keep an uploaded package for its preview (the earlier uploads of this establishment
    are dropped: one preview at a time, and anyone's older than a day)."""
    package_uploads_purge()
    for old in PackageUpload.objects.of(establishment):
        package_upload_drop(upload=old)
    token = secrets.token_urlsafe(16)
    digest = hashlib.sha256()
    content.seek(0)
    while chunk := content.read(1024 * 1024):
        digest.update(chunk)
    content.seek(0)
    storage_name = default_storage.save(
        f"transferts/envois/{secrets.token_hex(16)}.zip", File(content)
    )
    return PackageUpload.objects.create(
        establishment=establishment,
        token=token,
        storage_name=storage_name,
        name=name[:150],
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )


def package_upload_drop(*, upload: PackageUpload) -> None:
    default_storage.delete(upload.storage_name)
    upload.delete()


def package_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    limit = (now or timezone.now()) - UPLOAD_LIFETIME
    old = list(PackageUpload.objects.filter(created_at__lt=limit))
    for upload in old:
        package_upload_drop(upload=upload)
    return len(old)


@transaction.atomic
def trusted_key_add(*, establishment, package: Package, actor) -> TrustedKey:
    """Trust the key that signed ``package``, for this establishment (audited)."""
    sender = package.sender
    key, created = TrustedKey.objects.get_or_create(
        establishment=establishment,
        public_key=sender["public_key"],
        defaults={
            "fingerprint": package.fingerprint,
            "label": f"{sender['uai']} {sender.get('name', '')}".strip()[:250],
            "trusted_by": actor,
        },
    )
    if created:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.TRANSFER_KEY_TRUSTED,
            subject=f"Clé de {key.label}",
            changes={"Empreinte": ["", key.fingerprint]},
        )
    return key
