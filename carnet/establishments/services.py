"""Writes on establishments and their Paramètres. Each service is atomic and audits itself."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst

from carnet.accounts.models import User
from carnet.accounts.services import administrator_account_create, administrator_account_problems
from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.identifiers import cnil_problem, normalize_cnil, normalize_uai
from carnet.core.text import clean_text, name_problem
from carnet.establishments.enums import Academie, ContextField, ImageKind
from carnet.establishments.images import clean_image
from carnet.establishments.models import EntryMaskLabel, Establishment
from carnet.establishments.selectors import effective_mask_labels

IDENTITY_FIELDS = ("name", "address", "postal_code", "city", "phone", "email", "academie", "uai")
IDENTITY_LABELS = {
    field: capfirst(Establishment._meta.get_field(field).verbose_name) for field in IDENTITY_FIELDS
}
TRANSFERS_LABELS = {
    "cnil_number": "Numéro de déclaration CNIL",
    "cnil_is_register_reference": "Référence du registre RGPD",
    "transfers_enabled": "Transfert des données des élèves",
}


@transaction.atomic
def establishment_create(
    *,
    uai: str,
    name: str,
    email: str,
    admin_login: str,
    admin_password: str,
    academie: str = "",
    actor: User | None = None,
) -> Establishment:
    """Create an establishment and its single administrator account, or nothing.

    Raises ValidationError listing every problem (invalid or used UAI, weak password,
    login taken) before anything is written.
    """
    problems: list[str] = []
    establishment = Establishment(
        uai=normalize_uai(uai), name=clean_text(name), email=email.strip(), academie=academie
    )
    if not establishment.name:
        problems.append("Le nom de l'établissement est obligatoire.")
    elif problem := name_problem(establishment.name):
        problems.append(f"Le nom de l'établissement est refusé : {problem}.")
    try:
        establishment.full_clean()
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            problems.extend(messages)
    login = admin_login.strip()
    problems.extend(
        administrator_account_problems(
            login=login, password=admin_password, email=establishment.email
        )
    )
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            establishment.save()
            administrator_account_create(
                establishment=establishment, login=login, password=admin_password
            )
    except IntegrityError:
        # Another creation with the same UAI or login won the race.
        raise ValidationError(
            "Le code UAI ou l'identifiant vient d'être utilisé par une autre création : "
            "vérifiez puis recommencez."
        ) from None
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.ESTABLISHMENT_CREATED,
        subject=establishment.uai,
        changes={"Administrateur": ["", login]},
    )
    return establishment


def establishment_first_import_mark(*, establishment: Establishment) -> None:
    """Date the establishment's first SIECLE import, once: « Nouvel enseignant » waits for it
    (PRODUCT.md rule 2). Called inside the import's transaction; a later import changes
    nothing."""
    if establishment.first_import_at is None:
        establishment.first_import_at = timezone.now()
        Establishment.objects.filter(pk=establishment.pk, first_import_at=None).update(
            first_import_at=establishment.first_import_at
        )


@transaction.atomic
def establishment_update_identity(
    *, establishment: Establishment, data: dict, actor: User
) -> dict[str, list[str]]:
    """Save the identity (tab « Établissement »). Returns the changes, also written to the audit."""
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    before = {field: getattr(locked, field) for field in IDENTITY_FIELDS}
    if "name" in data and (problem := locked.name_problem(data["name"])):
        raise ValidationError({"name": problem})
    for field in IDENTITY_FIELDS:
        if field in data:
            value = data[field] or ""
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.uai = normalize_uai(locked.uai)
    locked.full_clean()
    after = {field: getattr(locked, field) for field in IDENTITY_FIELDS}
    changes = audit_changes(
        before, after, labels=IDENTITY_LABELS, names={"academie": dict(Academie.choices)}
    )
    if changes:
        locked.save()
        audit_event_record(
            establishment=locked, actor=actor, action=AuditAction.IDENTITY_UPDATED, changes=changes
        )
        for field in (*IDENTITY_FIELDS, "updated_at"):
            setattr(establishment, field, getattr(locked, field))
    return changes


def transfers_problem(*, cnil_number: str, register_reference: bool, enabled: bool) -> str | None:
    """What is wrong with the Transferts tab's number (None when nothing is): « Oui » needs a
    valid CNIL number or register reference. ``enabled`` is False when not chosen yet."""
    number = normalize_cnil(cnil_number)
    if number:
        return cnil_problem(number, register_reference=register_reference)
    if enabled:
        return (
            "Pour activer le transfert des données des élèves, saisissez d'abord le numéro de "
            "la déclaration CNIL de l'établissement (ou la référence de son registre RGPD)."
        )
    return None


@transaction.atomic
def establishment_update_transfers(
    *,
    establishment: Establishment,
    cnil_number: str,
    register_reference: bool,
    enabled: bool,
    actor: User,
) -> dict[str, list[str]]:
    """Save the Transferts tab. « Oui » needs a valid CNIL number (or register reference)."""
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    number = normalize_cnil(cnil_number)
    problem = transfers_problem(
        cnil_number=number, register_reference=register_reference, enabled=enabled
    )
    if problem:
        raise ValidationError({"cnil_number": problem})
    fields = tuple(TRANSFERS_LABELS)
    before = {field: getattr(locked, field) for field in fields}
    after = dict(zip(fields, (number, bool(register_reference and number), enabled), strict=True))
    changes = audit_changes(before, after, labels=TRANSFERS_LABELS)
    if changes:
        for field, value in after.items():
            setattr(locked, field, value)
            setattr(establishment, field, value)
        locked.save(update_fields=[*fields, "updated_at"])
        audit_event_record(
            establishment=locked, actor=actor, action=AuditAction.TRANSFERS_UPDATED, changes=changes
        )
    return changes


@transaction.atomic
def entry_mask_update(
    *, establishment: Establishment, diploma, labels: dict[str, str], actor: User
) -> dict[str, list[str]]:
    """Save the labels of a diploma's masque de saisie. Empty labels are refused."""
    cleaned = {}
    errors = {}
    for field in ContextField:
        label = " ".join((labels.get(field.value) or "").split())
        if not label:
            errors[field.value] = (
                f"L'intitulé du champ « {field.label} » ne peut pas être vide : saisissez un "
                "intitulé ou réinitialisez le masque."
            )
        cleaned[field] = label
    if errors:
        raise ValidationError(errors)
    current = effective_mask_labels(establishment=establishment, diploma=diploma)
    changes = audit_changes(current, cleaned, labels={field: field.label for field in ContextField})
    for field, label in cleaned.items():
        if label == current[field]:
            continue
        if label == field.label:
            # Back to the default: only labels that differ from it are stored.
            EntryMaskLabel.objects.of(establishment).filter(diploma=diploma, field=field).delete()
        else:
            EntryMaskLabel.objects.update_or_create(
                establishment=establishment,
                diploma=diploma,
                field=field,
                defaults={"label": label},
            )
    if changes:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.MASK_UPDATED,
            subject=diploma.title,
            changes=changes,
        )
    return changes


@transaction.atomic
def entry_mask_reset(*, establishment: Establishment, diploma, actor: User) -> int:
    """Back to the default labels for one diploma. Returns how many labels were custom."""
    current = effective_mask_labels(establishment=establishment, diploma=diploma)
    deleted, _ = EntryMaskLabel.objects.of(establishment).filter(diploma=diploma).delete()
    changes = audit_changes(
        current,
        {field: field.label for field in ContextField},
        labels={field: field.label for field in ContextField},
    )
    if deleted:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.MASK_RESET,
            subject=diploma.title,
            changes=changes,
        )
    return deleted


def establishment_image_set(
    *, establishment: Establishment, kind: ImageKind, data: bytes, actor: User
) -> str:
    """Store a logo or stamp after Pillow decoded and re-encoded it. Raises ImageRefused."""
    image = clean_image(data)
    name = default_storage.save(
        f"etablissements/{secrets.token_hex(16)}.{image.extension}", ContentFile(image.content)
    )
    try:
        with transaction.atomic():
            locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
            field = Establishment.IMAGE_FIELDS[ImageKind(kind)]
            previous = getattr(locked, field)
            setattr(locked, field, name)
            locked.save(update_fields=[field, "updated_at"])
            audit_event_record(
                establishment=locked,
                actor=actor,
                action=AuditAction.IMAGE_UPLOADED,
                subject=ImageKind(kind).label,
                changes={"Dimensions": ["", f"{image.width} × {image.height} px"]},
            )
            if previous:
                transaction.on_commit(lambda: default_storage.delete(previous))
    except Exception:
        default_storage.delete(name)
        raise
    setattr(establishment, field, name)
    return name


@transaction.atomic
def establishment_image_delete(
    *, establishment: Establishment, kind: ImageKind, actor: User
) -> bool:
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    field = Establishment.IMAGE_FIELDS[ImageKind(kind)]
    previous = getattr(locked, field)
    if not previous:
        return False
    setattr(locked, field, "")
    locked.save(update_fields=[field, "updated_at"])
    setattr(establishment, field, "")
    audit_event_record(
        establishment=locked,
        actor=actor,
        action=AuditAction.IMAGE_DELETED,
        subject=ImageKind(kind).label,
    )
    transaction.on_commit(lambda: default_storage.delete(previous))
    return True
