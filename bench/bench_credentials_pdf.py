"""« Imprimer les identifiants »: a 35-pupil division's login sheet as PDF (target ≤ 2 s).

No database: an unsaved establishment, the logo given as a data: URI (credentials_pdf
reads it from storage otherwise). Times the first run (fonts loaded, as in a fresh
worker) and the median and worst of 5 runs, with a small logo and with a 2 Mo one (the
largest upload accepted). Prints figures; asserts nothing (page counts are tested).
"""

import base64
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw  # noqa: E402

from carnet.documents.credentials import CredentialCard, credentials_pdf  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402

TARGET_S = 2.0
RUNS = 5
PUPILS = 35


def png_data_uri(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def small_logo() -> str:
    image = Image.new("RGB", (400, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 391, 151), outline=(20, 50, 120), width=10)
    draw.ellipse((40, 30, 140, 130), fill=(160, 20, 30))
    return png_data_uri(image)


def big_logo() -> str:
    # Noise does not compress: about 1.9 Mo of PNG, near the 2 Mo upload limit.
    noise = random.Random(0).randbytes(800 * 800 * 3)
    return png_data_uri(Image.frombytes("RGB", (800, 800), noise))


def cards() -> list[CredentialCard]:
    first = ["Cœlia", "Anaïs", "Jean-Baptiste", "Zoé", "Maël", "Léa", "Noé"]
    last = ["N'DIAYE", "LŒUILLET", "DE LA ROCHEFOUCAULD", "O'CONNOR", "MÜLLER", "DUPONT"]
    return [
        CredentialCard(
            full_name=f"{first[n % len(first)]} {last[n % len(last)]}",
            division="2MELEC1",
            login=f"prenom{n}.nom{n}",
            password="Ab3dEfGh7kMnPq",
        )
        for n in range(PUPILS)
    ]


def timed(**kwargs) -> tuple[float, int]:
    started = time.perf_counter()
    pdf = credentials_pdf(**kwargs)
    return time.perf_counter() - started, len(pdf)


def main() -> None:
    establishment = Establishment(uai="0693046L", name="Lycée professionnel Marie-Curie")
    print(f"{'credentials_pdf, 35 pupils (5 pages)':<44} {'median':>8} {'worst':>8} {'size':>8}")
    for label, logo in [("small logo", small_logo()), ("2 Mo logo", big_logo()), ("no logo", None)]:
        kwargs = {
            "establishment": establishment,
            "cards": cards(),
            "platform_url": "https://carnet-pro.ac-lyon.fr/",
            "logo": logo,
        }
        first, _ = timed(**kwargs)
        timings, size = zip(*(timed(**kwargs) for _ in range(RUNS)), strict=True)
        median, worst = statistics.median(timings), max(timings)
        verdict = "ok" if max(worst, first) <= TARGET_S else f"OVER the {TARGET_S:.0f} s target"
        print(
            f"{label + f' (first run {first:.2f} s)':<44} {median:>7.2f}s {worst:>7.2f}s "
            f"{size[0] // 1024:>5} Ko  {verdict}"
        )


if __name__ == "__main__":
    main()
