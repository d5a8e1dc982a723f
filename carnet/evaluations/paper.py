"""« Grille papier »: the grid printed for the workshop, a box to tick per level.

A4 landscape, ``COLUMNS_PER_PAGE`` columns a page (each page names its columns in full
below the table), the pupils one after the other (the header rows repeat on every page).

WeasyPrint lays a table cell out in about 0.7 ms: a cell per criterion and pupil made a
35 × 40 grid cost well over a second. Here a pupil's row has two cells, the name and one
line of text in a monospaced font: every box is a character (☐, or ☒ where « remplie »
ticks the level entered), every column the same number of characters, and the line
between two columns is a character too (│, which spans the whole line): the boxes of
every row, the levels above them (« 1 2 3 4 a d ») and the columns' codes line up
exactly, whatever the font's size.
"""

from dataclasses import dataclass

from django.utils import timezone

from carnet.documents.pdf import html_to_pdf, image_data_uri, render_html
from carnet.evaluations.grid import levels_of
from carnet.evaluations.models import Result
from carnet.evaluations.selectors import assignments_of, columns_of, scale_of

TEMPLATE = "evaluations/paper.html"
COLUMNS_PER_PAGE = 6
EMPTY_BOX, TICKED_BOX, SEPARATOR = "☐", "☒", "│"


@dataclass(frozen=True)
class PaperRow:
    name: str
    division: str
    boxes: str  # every column's boxes, one character each, columns parted by « │ »
    comment: str


def paper_grid_html(*, evaluation, filled: bool = False, logo=None, today=None) -> str:
    columns = columns_of(evaluation=evaluation)
    levels = levels_of(scale_of(diploma_id=evaluation.scenario.diploma_id))
    # A column: a space, a box and a space per level, then the line to the next column.
    boxes = {
        level: " " + " ".join(TICKED_BOX if lv.pk == level else EMPTY_BOX for lv in levels) + " "
        for level in [None, *(lv.pk for lv in levels)]
    }
    keys = " " + " ".join(lv.key for lv in levels) + " "
    width = len(keys)
    results = {}
    if filled:
        results = {
            (p, t): level
            for p, t, level in Result.objects.filter(evaluation=evaluation).values_list(
                "pupil_id", "target_id", "level_id"
            )
        }
    assignments = list(assignments_of(evaluation=evaluation))
    pages = []
    for start in range(0, max(len(columns), 1), COLUMNS_PER_PAGE):
        chunk = columns[start : start + COLUMNS_PER_PAGE]
        rows = [
            PaperRow(
                name=str(a.pupil),
                division=a.division.code if a.division_id else "",
                boxes=SEPARATOR.join(boxes[results.get((a.pupil_id, c.target_id))] for c in chunk),
                comment=a.comment if filled else "",
            )
            for a in assignments
        ]
        pages.append(
            {
                "columns": chunk,
                "keys": SEPARATOR.join([keys] * len(chunk)),
                "codes": SEPARATOR.join(c.code[:width].center(width) for c in chunk),
                "rows": rows,
                "last": start + COLUMNS_PER_PAGE >= len(columns),
            }
        )
    return render_html(
        template=TEMPLATE,
        context={
            "evaluation": evaluation,
            "scenario": evaluation.scenario,
            "establishment_name": evaluation.establishment.name,
            "divisions": ", ".join(d.code for d in evaluation.divisions.all()),
            "levels": levels,
            "pages": pages,
            "filled": filled,
            "logo": logo,
            "today": today or timezone.localdate(),
        },
    )


def paper_grid_pdf(*, evaluation, filled: bool = False, today=None) -> bytes:
    """The paper grid as PDF bytes, with the establishment's logo."""
    logo = image_data_uri(evaluation.establishment.logo)
    return html_to_pdf(
        html=paper_grid_html(evaluation=evaluation, filled=filled, logo=logo, today=today)
    )
