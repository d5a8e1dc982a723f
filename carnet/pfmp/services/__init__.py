"""Every write of the PFMP: periods and placements, fiches activités, the teacher's check of
a fiche (tasks, competencies to assess), the bilan entreprise and the tutor's proposal.

Rule 7: the competencies and criteria chosen facing a placement's fiches are the columns of
its bilan (``review_sync``): a new choice adds a column, a choice dropped removes its column
unless a level was entered in it; a level already entered is never overwritten or removed;
a validated bilan no longer changes.
"""

from carnet.pfmp.services.reviews import (
    REVIEW_TEXT_FIELDS,
    TUTOR_LINK_DAYS,
    review_fill,
    review_of,
    review_sync,
    review_validate,
    secret_hash,
    tutor_link_create,
    tutor_link_revoke,
    tutor_proposal_accept,
    tutor_proposal_discard,
    tutor_proposal_submit,
)
from carnet.pfmp.services.sheets import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENTS,
    PLACEMENT_FIELDS,
    SHEET_FIELDS,
    STORAGE_DIR,
    period_create,
    period_update,
    placement_update,
    sheet_attachment_delete,
    sheet_attachments_add,
    sheet_check,
    sheet_save,
    sheet_send,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENTS",
    "PLACEMENT_FIELDS",
    "REVIEW_TEXT_FIELDS",
    "SHEET_FIELDS",
    "STORAGE_DIR",
    "TUTOR_LINK_DAYS",
    "period_create",
    "period_update",
    "placement_update",
    "review_fill",
    "review_of",
    "review_sync",
    "review_validate",
    "secret_hash",
    "sheet_attachment_delete",
    "sheet_attachments_add",
    "sheet_check",
    "sheet_save",
    "sheet_send",
    "tutor_link_create",
    "tutor_link_revoke",
    "tutor_proposal_accept",
    "tutor_proposal_discard",
    "tutor_proposal_submit",
]
