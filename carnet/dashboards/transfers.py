"""What a pupil's record carries of their bilans when it follows them to another
establishment (carnet.transfers): every bilan intermédiaire and the bilan terminal once
validated (a draft is no bilan yet), with, per competency, the proposed level and its
explanation beside the level decided — frozen at the destination, read-only."""

from carnet.core.registry import TransferItem
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.selectors import pupil_bilans


def bilans_export(*, establishment, pupil) -> list[TransferItem]:
    bilans = [
        bilan
        for bilan in pupil_bilans(establishment=establishment, pupil=pupil)
        if bilan.kind == BilanKind.INTERMEDIATE or bilan.validated_at is not None
    ]
    return [
        TransferItem(
            key=f"bilan-{bilan.pk}",
            data={
                "kind": bilan.kind,
                "kind_label": bilan.get_kind_display(),
                "date": bilan.date.isoformat(),
                "date_text": f"{bilan.date:%d/%m/%Y}",
                "diploma": bilan.diploma.code,
                "diploma_title": bilan.diploma.title,
                "teacher": bilan.author.display_name if bilan.author else "",
                "validated": bilan.validated_at.date().isoformat() if bilan.validated_at else "",
                "comment": bilan.comment,
                "method": bilan.method,
                "levels": [
                    {
                        "competency": level.competency.code,
                        "label": level.competency.label,
                        "proposed": level.proposed_value,
                        "explanation": level.explanation,
                        "decided_code": level.decided.code if level.decided_id else "",
                        "decided_label": level.decided.label if level.decided_id else "",
                        "decided_value": level.decided.value if level.decided_id else None,
                    }
                    for level in bilan.levels.all()
                ],
            },
        )
        for bilan in bilans
    ]
