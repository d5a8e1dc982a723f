"""A table the school filled, CSV or XLSX, told by its content (never by its name), read as
numbered rows of cells; refused with a French message (``TableRefused``) when it is another
kind of file, damaged, or holds what no spreadsheet writes (DOCTYPE, entities).

Pure: no Django. Used by the learners « hors SIECLE » (parsers/learners.py).
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import openpyxl

from carnet.imports.parsers.common import Problem, error, xml_prolog

MAX_XLSX_ENTRIES = 500
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
_MAGIC_REFUSED = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"%PDF", "un document PDF"),
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Word…
ZIP_MAGIC = b"PK\x03\x04"
_SEPARATOR_HINT = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TableShape:
    max_lines: int  # lines read at most
    max_columns: int
    too_big_hint: str  # ends the message refusing a workbook too big once uncompressed


class TableRefused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def open_table(
    content: bytes, name: str, *, header_score: Callable[[list], int], shape: TableShape
) -> tuple[str, Iterator[tuple[int, list]]]:
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise TableRefused(error("empty_file", f"Le fichier {name} est vide."))
    if content.startswith(ZIP_MAGIC):
        return "XLSX", _xlsx_rows(content, name, shape)
    if content.startswith(OLE2_MAGIC):
        raise TableRefused(
            error(
                "xls_refused",
                f"Le fichier {name} est au format Excel 97-2003 (.xls), que la plateforme ne "
                "lit pas : ouvrez-le dans votre tableur et enregistrez-le au format « Classeur "
                "Excel (.xlsx) » ou « CSV UTF-8 », puis déposez-le de nouveau.",
            )
        )
    for magic, what in _MAGIC_REFUSED:
        if content.startswith(magic):
            raise TableRefused(
                error(
                    "not_a_table",
                    f"Le fichier {name} est {what}, pas un tableau d'apprenants : déposez le "
                    "modèle rempli, au format CSV ou XLSX.",
                )
            )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableRefused(
            error(
                "utf16_refused",
                f"Le fichier {name} est enregistré en « Texte Unicode » (UTF-16) : "
                "enregistrez-le au format « CSV UTF-8 » ou « Classeur Excel (.xlsx) ».",
            )
        )
    if b"\x00" in content[:65536]:
        raise TableRefused(
            error(
                "not_a_table",
                f"Le fichier {name} n'est ni un fichier CSV ni un classeur Excel (.xlsx) : "
                "utilisez le modèle à télécharger sur cette page.",
            )
        )
    text, encoding = _decode(content, name)
    return _csv_rows(text, encoding, name, header_score)


def _decode(content: bytes, name: str) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8", "UTF-8")]
        content = content[3:]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for codec, label in candidates:
        try:
            return content.decode(codec), label
        except UnicodeDecodeError as exc:
            position = exc.start
    line = content.count(b"\n", 0, position) + 1
    raise TableRefused(
        error(
            "undecodable",
            f"Le fichier {name} contient des caractères illisibles (ligne {line}) : "
            "enregistrez-le au format « CSV UTF-8 » ou « Classeur Excel (.xlsx) ».",
        )
    )


# --- CSV ----------------------------------------------------------------------------------


def _csv_rows(
    text: str, encoding: str, name: str, header_score: Callable[[list], int]
) -> tuple[str, Iterator[tuple[int, list]]]:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    hint = _SEPARATOR_HINT.match(lines[first]) if lines else None
    skip = 0
    if hint:  # Excel's « sep=; » first line
        delimiter = hint.group(1)
        skip = first + 1
    else:
        header = lines[first] if lines else ""
        scores = {
            d: header_score(next(csv.reader([header], delimiter=d), [])) for d in (";", ",", "\t")
        }
        best = max(scores.values())
        if best:
            delimiter = next(d for d in (";", ",", "\t") if scores[d] == best)
        else:
            delimiter = max((";", ",", "\t"), key=header.count)
    shown = {"\t": "tabulation"}.get(delimiter, delimiter)

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                if reader.line_num <= skip:
                    continue
                yield reader.line_num, cells
        except csv.Error:
            raise TableRefused(
                error(
                    "malformed_csv",
                    f"Le fichier {name} est mal formé à la ligne {max(reader.line_num, 1)} "
                    "(guillemet non fermé ou cellule démesurée) : vérifiez-le dans votre tableur.",
                )
            ) from None

    return f"CSV en {encoding}, séparateur « {shown} »", rows()


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_rows(content: bytes, name: str, shape: TableShape) -> Iterator[tuple[int, list]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise TableRefused(
            error(
                "bad_xlsx",
                f"Le fichier {name} est un classeur endommagé ou incomplet : enregistrez-le de "
                "nouveau depuis votre tableur.",
            )
        ) from None
    names = {entry.filename for entry in entries}
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis"):
        raise TableRefused(
            error(
                "ods_refused",
                f"Le fichier {name} est au format OpenDocument (.ods) : enregistrez-le au format "
                "« Classeur Excel (.xlsx) » ou « CSV UTF-8 », puis déposez-le de nouveau.",
            )
        )
    if "xl/workbook.xml" not in names:
        raise TableRefused(
            error(
                "not_xlsx",
                f"Le fichier {name} est une archive zip, pas un classeur Excel (.xlsx) : "
                "déposez le modèle rempli, au format CSV ou XLSX.",
            )
        )
    if (
        len(entries) > MAX_XLSX_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED
    ):
        raise TableRefused(
            error(
                "xlsx_too_big",
                f"Le classeur {name} est démesuré (plus de 50 Mo une fois décompressé) : "
                f"{shape.too_big_hint}",
            )
        )
    for entry in entries:
        # Every part, whatever its name: its whole prolog (up to its root element).
        try:
            with archive.open(entry) as member:
                prolog = xml_prolog(member.read()).upper()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            prolog = b""
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise TableRefused(
                error(
                    "dtd_refused",
                    f"Le classeur {name} contient une déclaration DOCTYPE ou ENTITY, "
                    "qu'aucun tableur n'écrit : enregistrez-le de nouveau depuis votre "
                    "tableur.",
                )
            )
    return _xlsx_cells(content, name, shape)


def _xlsx_cells(content: bytes, name: str, shape: TableShape) -> Iterator[tuple[int, list]]:
    """All the rows of the first sheet, read at once (at most ``shape.max_lines`` + 1 of
    them), so that openpyxl's warnings are silenced only while it reads."""
    unreadable = error(
        "bad_xlsx",
        f"Le classeur {name} est illisible : ouvrez-le dans votre tableur, enregistrez-le de "
        "nouveau au format « Classeur Excel (.xlsx) » puis déposez-le.",
    )
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read: not our business.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
        except Exception:
            raise TableRefused(unreadable) from None
        try:
            if not workbook.worksheets:
                raise TableRefused(unreadable)
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(
                min_row=1, max_row=shape.max_lines + 1, max_col=shape.max_columns, values_only=True
            )
            table = [(number, list(values)) for number, values in enumerate(rows, start=1)]
        except TableRefused:
            raise
        except Exception:
            raise TableRefused(unreadable) from None
        finally:
            workbook.close()
    return iter(table)
