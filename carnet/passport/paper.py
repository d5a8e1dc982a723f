"""The passport as a PDF: the establishment (name, UAI, e-mail, logo, cachet), the pupil,
the entries grouped by activity (photos included), and the table tasks × entries.

Refused while the establishment's name, e-mail or UAI is unset (PRODUCT.md rule 4), with a
message naming what is missing and who sets it. No level or mark is in it: the passport is
not an evaluation.
"""

import base64
import io

from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from carnet.documents.pdf import establishment_images, html_to_pdf, render_html
from carnet.passport.selectors import entries_of, grouped_by_activity, task_summary

TEMPLATE = "passport/pdf.html"


class ExportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def export_problem(establishment) -> str | None:
    """Why the passport cannot be exported yet (rule 4), in French; None when it can."""
    missing = establishment.missing_identity
    if not missing:
        return None
    what = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " et " + missing[-1]
    pronoun = "le" if len(missing) == 1 and missing[0] != "l'adresse électronique" else "les"
    if missing == ["l'adresse électronique"]:
        pronoun = "la"
    return (
        f"Le passeport ne peut pas encore être exporté : il manque {what} de l'établissement. "
        f"L'administrateur de l'établissement {pronoun} renseigne dans Paramètres › "
        "Établissement (bouton « Valider ») ; l'export sera alors possible."
    )


# A photo is printed 55 mm wide at most: 650 pixels at 300 dpi. Embedding the stored
# picture whole (a phone's, 1 to 3 Mo) made WeasyPrint parse megabytes of base64 and decode
# every full-size image: 4 s for 10 photos. Reduced here first (JPEG draft mode decodes at
# 1/2, 1/4 or 1/8 of the size directly), each weighs some 50 Ko in the PDF.
PRINT_PIXELS = 700


def _photo(attachment) -> str | None:
    """The photo, reduced for print, as a data: URI (None: not a photo, or gone)."""
    if attachment.kind != "image":
        return None
    try:
        with default_storage.open(attachment.storage_name, "rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            image.draft("RGB", (PRINT_PIXELS, PRINT_PIXELS))
            image = image.convert("RGB")
    except (OSError, Image.DecompressionBombError):
        return None
    image.thumbnail((PRINT_PIXELS, PRINT_PIXELS))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return f"data:image/jpeg;base64,{base64.b64encode(out.getvalue()).decode('ascii')}"


def passport_html(*, establishment, pupil, today=None) -> str:
    """The passport's HTML (what the PDF is made of); refused as ``passport_pdf``."""
    problem = export_problem(establishment)
    if problem:
        raise ExportRefused(problem)
    entries = list(entries_of(pupil=pupil))
    for number, entry in enumerate(entries, start=1):
        entry.number = number
        entry.photos = [uri for uri in (_photo(a) for a in entry.attachments.all()) if uri]
        entry.documents = [a for a in entry.attachments.all() if a.kind != "image"]
    return render_html(
        template=TEMPLATE,
        context={
            "establishment": establishment,
            "images": establishment_images(establishment),
            "pupil": pupil,
            "groups": grouped_by_activity(entries),
            "summary": task_summary(entries),
            "entries": entries,
            "today": today or timezone.localdate(),
        },
    )


def passport_pdf(*, establishment, pupil, today=None) -> bytes:
    return html_to_pdf(html=passport_html(establishment=establishment, pupil=pupil, today=today))
