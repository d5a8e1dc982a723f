"""Writes of the transfers, importable from here: a record checked, sent and received
(records.py), the requests between two establishments of the platform (requests.py), the
packages uploaded for their preview and the keys trusted (uploads.py)."""

from carnet.transfers.package import PackageRefused
from carnet.transfers.services.records import (
    counts_said,
    deployment_key,
    establishment_problems,
    key_is_known,
    kinds_counted,
    package_apply,
    package_export,
    package_of,
    pupil_problem,
    receive_problems,
    receiving_pupil,
    record_items,
)
from carnet.transfers.services.requests import transfer_request_create, transfer_request_decide
from carnet.transfers.services.uploads import (
    UPLOAD_LIFETIME,
    package_upload_drop,
    package_upload_store,
    package_uploads_purge,
    trusted_key_add,
)

__all__ = [
    "UPLOAD_LIFETIME",
    "PackageRefused",
    "counts_said",
    "deployment_key",
    "establishment_problems",
    "key_is_known",
    "kinds_counted",
    "package_apply",
    "package_export",
    "package_of",
    "package_upload_drop",
    "package_upload_store",
    "package_uploads_purge",
    "pupil_problem",
    "receive_problems",
    "receiving_pupil",
    "record_items",
    "transfer_request_create",
    "transfer_request_decide",
    "trusted_key_add",
]
