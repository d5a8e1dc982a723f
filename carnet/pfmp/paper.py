"""The bilan entreprise on paper, printed before the visit: the establishment's logo, the
pupil, the company and the tutor, the competencies and criteria copied from the fiches with
a box to tick per level of the référentiel's scale, the appreciation, attendance and the
signature boxes (« lu et approuvé »). One pupil, or a whole period in one PDF (a page each).

As the evaluations' paper grid (carnet/evaluations/paper.py), the boxes of a line are one
text cell (« ☐ ☐ ☐ ☐ »): a table cell costs WeasyPrint far more than a character.
"""

from django.utils import timezone

from carnet.documents.pdf import establishment_images, render_pdf
from carnet.pfmp.selectors import scale_of

TEMPLATE = "pfmp/paper.html"
EMPTY_BOX = "☐"


def review_forms_pdf(*, reviews, establishment, today=None) -> bytes:
    reviews = list(reviews)
    scales = {}
    sheets = []
    for review in reviews:
        placement = review.placement
        diploma_id = placement.period.division.diploma_id
        if diploma_id not in scales:
            scales[diploma_id] = scale_of(diploma_id=diploma_id)
        levels = scales[diploma_id]
        sheets.append(
            {
                "review": review,
                "placement": placement,
                "pupil": placement.pupil,
                "period": placement.period,
                "targets": list(review.targets.all()),
                "levels": levels,
                "boxes": " ".join(EMPTY_BOX for _ in levels),
                "keys": " ".join(level.key for level in levels),
            }
        )
    return render_pdf(
        template=TEMPLATE,
        context={
            "sheets": sheets,
            "establishment_name": establishment.name,
            "today": today or timezone.localdate(),
            **establishment_images(establishment),
        },
    )
