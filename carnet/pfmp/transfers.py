"""What a pupil's record carries of their PFMP when it follows them to another establishment
(carnet.transfers): each fiche activités sent to the teacher (its fields, tasks' codes, the
company, its photos and PDFs as files), and each validated bilan entreprise (company, tutor,
levels with their codes, appreciation, signatures) — frozen at the destination, read-only.
Drafts and bilans not validated stay where they were written."""

from functools import partial

from django.core.files.storage import default_storage

from carnet.core.registry import TransferFile, TransferItem
from carnet.pfmp.enums import ReviewStatus, SheetStatus
from carnet.pfmp.models import ActivitySheet, CompanyReview, ReviewResult


def _period(placement) -> dict:
    period = placement.period
    return {
        "period": str(period),
        "period_dates": f"du {period.starts_on:%d/%m/%Y} au {period.ends_on:%d/%m/%Y}",
        "weeks": period.weeks if placement.weeks_done is None else placement.weeks_done,
        "company": placement.company_name,
        "company_city": placement.company_city,
        "tutor": placement.tutor_name,
        "tutor_function": placement.tutor_function,
    }


def sheets_export(*, establishment, pupil) -> list[TransferItem]:
    sheets = (
        ActivitySheet.objects.of(establishment)
        .filter(placement__pupil=pupil, status=SheetStatus.SENT)
        .select_related("placement__period")
        .prefetch_related("checked_tasks", "tasks", "attachments")
        .order_by("starts_on", "pk")
    )
    items = []
    for sheet in sheets:
        tasks = sheet.checked_tasks.all() if sheet.checked_at else sheet.tasks.all()
        attachments = list(sheet.attachments.all())
        items.append(
            TransferItem(
                key=f"fiche-{sheet.pk}",
                data={
                    **_period(sheet.placement),
                    "title": sheet.title,
                    "dates": f"{sheet.starts_on:%d/%m/%Y}"
                    + (f" au {sheet.ends_on:%d/%m/%Y}" if sheet.ends_on else ""),
                    "company_context": sheet.company_context,
                    "description": sheet.description,
                    "equipment": sheet.equipment,
                    "autonomy": sheet.get_autonomy_display() if sheet.autonomy else "",
                    "difficulties": sheet.difficulties,
                    "tasks": sorted(t.code for t in tasks),
                    "attachments": [
                        {"name": a.name, "sha256": a.sha256, "content_type": a.content_type}
                        for a in attachments
                    ],
                },
                files=tuple(
                    TransferFile(
                        sha256=a.sha256,
                        size=a.size,
                        open=partial(default_storage.open, a.storage_name, "rb"),
                    )
                    for a in attachments
                ),
            )
        )
    return items


def reviews_export(*, establishment, pupil) -> list[TransferItem]:
    reviews = list(
        CompanyReview.objects.of(establishment)
        .filter(placement__pupil=pupil, status=ReviewStatus.VALIDATED)
        .select_related("placement__period")
        .order_by("placement__period__starts_on", "pk")
    )
    results: dict[int, list] = {}
    for result in (
        ReviewResult.objects.filter(review__in=reviews)
        .select_related("level", "target__competency", "target__criterion")
        .order_by("target__position", "pk")
    ):
        results.setdefault(result.review_id, []).append(result)
    items = []
    for review in reviews:
        items.append(
            TransferItem(
                key=f"bilan-{review.pk}",
                data={
                    **_period(review.placement),
                    "appreciation": review.tutor_appreciation,
                    "attendance": review.attendance,
                    "teacher_signature": review.teacher_signature,
                    "tutor_signature": review.tutor_signature,
                    "signed_on": f"{review.signed_on:%d/%m/%Y}" if review.signed_on else "",
                    "results": [
                        {
                            "column": f"{r.target.competency.code}.{r.target.criterion.position}"
                            if r.target.criterion_id
                            else r.target.competency.code,
                            "label": r.target.criterion.label
                            if r.target.criterion_id
                            else r.target.competency.label,
                            "level_code": r.level.code,
                            "level_label": r.level.label,
                            "level_value": r.level.value,
                        }
                        for r in results.get(review.pk, [])
                    ],
                },
            )
        )
    return items
