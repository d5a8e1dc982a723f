"""« Grille papier »: the grid printed for the workshop, a box to tick per level.

A4 landscape; the columns go by pages of ``COLUMNS_PER_PAGE`` (each page names its columns
in full below the table), the pupils follow one another (the header row repeats on every
page). Each cell is one line of text, « ☐ 1  ☐ 2 … », written once per level here: a
35-pupil × 40-criterion grid is 1,400 cells, laid out by WeasyPrint in about a second.
The « remplie » version ticks (☒) the level already entered.
"""

from dataclasses import dataclass

from django.utils import timezone

from carnet.documents.pdf import html_to_pdf, image_data_uri, render_html
from carnet.evaluations.grid import levels_of
from carnet.evaluations.models import Result
from carnet.evaluations.selectors import assignments_of, columns_of, scale_of

TEMPLATE = "evaluations/paper.html"
COLUMNS_PER_PAGE = 8
EMPTY_BOX, TICKED_BOX = "☐", "☒"


@dataclass(frozen=True)
class PaperRow:
    name: str
    division: str
    cells: list[str]
    comment: str


def paper_grid_html(*, evaluation, filled: bool = False, logo=None, today=None) -> str:
    columns = columns_of(evaluation=evaluation)
    levels = levels_of(scale_of(diploma_id=evaluation.scenario.diploma_id))
    boxes = {
        level: "  ".join(
            f"{TICKED_BOX if lv.pk == level else EMPTY_BOX}\u202f{lv.short}" for lv in levels
        )
        for level in [None, *(lv.pk for lv in levels)]
    }
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
        last = start + COLUMNS_PER_PAGE >= len(columns)
        rows = [
            PaperRow(
                name=str(a.pupil),
                division=a.division.code if a.division_id else "",
                cells=[boxes[results.get((a.pupil_id, c.target_id))] for c in chunk],
                comment=a.comment if filled else "",
            )
            for a in assignments
        ]
        pages.append({"columns": chunk, "rows": rows, "last": last})
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
