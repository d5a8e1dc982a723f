"""Uploaded files, checked by their content (``carnet/scenarios/resources/``) and kept in
``default_storage`` under random names: the scenarios' resources, and every app above that
takes attachments (passport entries, PFMP fiches) keep them the same way.

A file is stored before the transaction that names it, and deleted again if that fails
(``files_removed_on_failure``); a file no row names any more is deleted once the
transaction is committed (``files_delete_on_commit``). A file's own name is only shown,
never used to store it.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from carnet.scenarios.archive import clean_file_name
from carnet.scenarios.resources import CheckedResource, ResourceRefused, check_resource
from carnet.scenarios.resources.zips import MB


def random_name(directory: str, extension: str) -> str:
    return f"{directory}/{secrets.token_hex(16)}.{extension}"


def uploads_checked(
    uploads: list[tuple[str, bytes]],
    *,
    refuse: Callable[[CheckedResource], str | None] | None = None,
) -> list[tuple[str, CheckedResource]]:
    """Each upload (its name, its bytes) checked by its content (images re-encoded, EXIF and
    GPS gone); ``refuse`` may turn away a kind the caller does not take (its message).
    Raises ValidationError saying every refused file at once."""
    problems, checked = [], []
    for name, data in uploads:
        try:
            item = check_resource(data)
        except ResourceRefused as refused:
            problems.append(f"« {clean_file_name(name)} » : {refused.message}")
            continue
        reason = refuse(item) if refuse else None
        if reason:
            problems.append(f"« {clean_file_name(name)} » : {reason}")
            continue
        checked.append((name, item))
    if problems:
        raise ValidationError(problems)
    return checked


def file_store(*, name: str, checked: CheckedResource, directory: str, stored: list) -> dict:
    """Store ``checked`` under a new random name (appended to ``stored``, so that the caller
    removes them all if anything fails); the fields of its row."""
    stored.append(
        default_storage.save(
            random_name(directory, checked.extension), ContentFile(checked.content)
        )
    )
    return {
        "name": clean_file_name(name, extension=checked.extension),
        "storage_name": stored[-1],
        "content_type": checked.content_type,
        "size": len(checked.content),
        "sha256": hashlib.sha256(checked.content).hexdigest(),
    }


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """The list the stored files' names go in; they are deleted if the block fails."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def files_delete_on_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def megabytes(size: int) -> str:
    """« 1,5 » (Mo), as the messages about sizes say it."""
    return f"{size / MB:.1f}".replace(".", ",")
