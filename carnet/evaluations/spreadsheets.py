"""The grid as a spreadsheet: its XLSX export, and the reading of a filled one sent back.

No Django here: plain data in, bytes or rows and problems out (the services plan and
apply). The export's sheet « Grille » has a header row « N° élève | Nom | Prénom |
Division | C2.1 | C2.2 … | Commentaire », one line per pupil; the re-import finds the
columns by that header (the column codes name the evaluation's columns) and the pupils by
their number. In a cell, a level is its key (« 3 », « a »), its code or its label; « n »
(or « Non évalué ») empties the cell; an empty cell changes nothing.

A file sent back is checked before openpyxl opens it: an XLSX is a zip holding
``xl/workbook.xml``; anything else (.xls, an encrypted workbook, OpenDocument, a PDF…), a
workbook with macros, a zip that would inflate beyond reason or lies about its sizes, a
part declaring a DOCTYPE or ENTITY is refused with a French message.
"""

import io
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from carnet.core.text import looks_like_formula
from carnet.imports.parsers.common import xml_prolog

SHEET = "Grille"
FIXED = ("N° élève", "Nom", "Prénom", "Division")
COMMENT = "Commentaire"
CLEAR = "n"
MAX_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024
MAX_RATIO = 200
MAX_LINES = 600
MAX_COLUMNS = 260
HEADER_SEARCH = 30
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


@dataclass(frozen=True)
class SheetColumn:
    target_id: int
    code: str
    label: str


@dataclass(frozen=True)
class SheetLevel:
    pk: int
    key: str
    code: str
    label: str
    text: str


@dataclass(frozen=True)
class SheetRow:
    pupil_id: int
    last_name: str
    first_name: str
    division: str
    values: dict  # target id → level pk
    comment: str


# --- Export -----------------------------------------------------------------------------------


def _put(sheet, row: int, column: int, value, **style):
    """A cell written as what it is: a text stays a text, even « =SOMME() » (no formula, and
    Excel shows it as typed: quotePrefix)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def grid_xlsx(
    *,
    heading: str,
    columns: list[SheetColumn],
    levels: list[SheetLevel],
    rows: list[SheetRow],
) -> bytes:
    """The evaluation's grid with its results (level keys) and comments, ready to be filled
    offline and sent back."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    bold = Font(bold=True)
    _put(sheet, 1, 1, heading, font=Font(bold=True, size=13))
    keys = ", ".join(f"{level.key} = {level.text}" for level in levels)
    _put(
        sheet,
        2,
        1,
        f"Niveaux : {keys}, {CLEAR} = non évalué (efface la case). Une case laissée vide ne "
        "change rien.",
    )
    _put(
        sheet,
        3,
        1,
        "Ne modifiez ni la colonne « N° élève » ni les codes des colonnes : la plateforme "
        "s'en sert pour relire le fichier (« Importer une grille remplie »).",
    )
    header_row = 5
    header = [*FIXED, *(c.code for c in columns), COMMENT]
    fill = PatternFill("solid", fgColor="E3E3FD")
    for index, title in enumerate(header, 1):
        _put(sheet, header_row, index, title, font=bold, fill=fill)
    for offset, row in enumerate(rows, 1):
        line = header_row + offset
        _put(sheet, line, 1, row.pupil_id)
        _put(sheet, line, 2, row.last_name)
        _put(sheet, line, 3, row.first_name)
        _put(sheet, line, 4, row.division)
        by_pk = {level.pk: level for level in levels}
        for index, column in enumerate(columns, len(FIXED) + 1):
            level = by_pk.get(row.values.get(column.target_id))
            if level is not None:
                _put(sheet, line, index, level.key, alignment=Alignment(horizontal="center"))
        _put(sheet, line, len(header), row.comment, alignment=Alignment(wrap_text=True))
    if rows and columns:
        choices = ",".join([*(level.key for level in levels), CLEAR])
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Niveau inconnu",
            error=f"Saisissez un niveau de l'échelle : {choices}.",
        )
        first = get_column_letter(len(FIXED) + 1)
        last = get_column_letter(len(FIXED) + len(columns))
        validation.add(f"{first}{header_row + 1}:{last}{header_row + len(rows)}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=len(FIXED) + 1)
    for index, width in enumerate((10, 22, 16, 12), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in range(len(FIXED) + 1, len(FIXED) + len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 8
    sheet.column_dimensions[get_column_letter(len(header))].width = 40

    legend = workbook.create_sheet("Colonnes et niveaux")
    _put(legend, 1, 1, "Colonne", font=bold)
    _put(legend, 1, 2, "Critère ou compétence évalué", font=bold)
    for line, column in enumerate(columns, 2):
        _put(legend, line, 1, column.code)
        _put(legend, line, 2, column.label, alignment=Alignment(wrap_text=True))
    start = len(columns) + 3
    _put(legend, start, 1, "Saisir", font=bold)
    _put(legend, start, 2, "Niveau", font=bold)
    for line, level in enumerate(levels, start + 1):
        _put(legend, line, 1, level.key)
        _put(legend, line, 2, level.text)
    _put(legend, start + len(levels) + 1, 1, CLEAR)
    _put(legend, start + len(levels) + 1, 2, "Non évalué (efface la case)")
    legend.column_dimensions["A"].width = 10
    legend.column_dimensions["B"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading a filled grid ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class Line:
    """A line of the file: ``values`` maps column ids to a level pk, or None (« n »: empty
    the cell); a cell left empty is absent. ``comment`` is None when left empty."""

    line: int
    pupil_id: int
    values: dict = field(default_factory=dict)
    comment: str | None = None


@dataclass
class GridFile:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def fold(value) -> str:
    """Case-, accent- and spacing-insensitive text: « Non évalué » → « non evalue »."""
    text = _text(value).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.replace("°", " ").replace(".", " . ").split()).replace(" . ", ".")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def check_workbook(content: bytes, name: str) -> None:
    """Refuse what must not reach openpyxl (raises Refused, in French)."""
    if not content:
        raise Refused(f"Le fichier {name} est vide.")
    if len(content) > MAX_BYTES:
        raise Refused(f"Le fichier {name} dépasse 2 Mo : une grille remplie est bien plus petite.")
    if content.startswith(OLE2_MAGIC):
        raise Refused(
            f"Le fichier {name} est au format Excel 97-2003 (.xls) ou protégé par un mot de "
            "passe : enregistrez-le au format « Classeur Excel (.xlsx) », sans mot de passe."
        )
    if not content.startswith(ZIP_MAGIC):
        raise Refused(
            f"Le fichier {name} n'est pas un classeur Excel (.xlsx) : déposez la grille "
            "exportée par la plateforme, remplie dans votre tableur."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except ZIP_ERRORS:
        raise Refused(
            f"Le fichier {name} est un classeur endommagé ou incomplet : enregistrez-le de "
            "nouveau depuis votre tableur."
        ) from None
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        raise Refused(
            f"Le fichier {name} est au format OpenDocument (.ods) : enregistrez-le au format "
            "« Classeur Excel (.xlsx) »."
        )
    if "xl/workbook.xml" not in names:
        raise Refused(f"Le fichier {name} est une archive zip, pas un classeur Excel (.xlsx).")
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise Refused(
            f"Le classeur {name} se décompresse en un volume anormal "
            f"({total // (1024 * 1024)} Mo) : il est refusé. Déposez la grille exportée par la "
            "plateforme."
        )
    try:
        types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except ZIP_ERRORS:
        types = b""
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroenabled" in types.lower():
        raise Refused(
            f"Le classeur {name} contient des macros : enregistrez-le au format « Classeur "
            "Excel (.xlsx) », sans macros, puis déposez-le de nouveau."
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise Refused(f"Le classeur {name} est protégé par un mot de passe : retirez-le.")
        try:
            with archive.open(entry) as member:
                # At most what the header announced (+1 byte to notice a lying header).
                data = member.read(entry.file_size + 1)
        except ZIP_ERRORS:
            raise Refused(
                f"Le fichier {name} est un classeur endommagé : enregistrez-le de nouveau."
            ) from None
        if len(data) > entry.file_size:
            raise Refused(f"Le classeur {name} annonce de fausses tailles : il est refusé.")
        prolog = xml_prolog(data).upper()
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise Refused(
                f"Le classeur {name} contient une déclaration DOCTYPE ou ENTITY, qu'aucun "
                "tableur n'écrit : enregistrez-le de nouveau depuis votre tableur."
            )


def _sheet_rows(content: bytes, name: str) -> list[tuple]:
    unreadable = Refused(
        f"Le classeur {name} est illisible : ouvrez-le dans votre tableur, enregistrez-le au "
        "format « Classeur Excel (.xlsx) » puis déposez-le de nouveau."
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # styles and extensions openpyxl does not read
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
        except Exception:
            raise unreadable from None
        try:
            sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
            return list(
                sheet.iter_rows(
                    max_row=MAX_LINES + HEADER_SEARCH, max_col=MAX_COLUMNS, values_only=True
                )
            )
        except Exception:
            raise unreadable from None
        finally:
            workbook.close()


def read_grid_file(
    content: bytes,
    name: str,
    *,
    columns: list[SheetColumn],
    levels: list[SheetLevel],
    pupils: dict[int, tuple[str, str]],
) -> GridFile:
    """A filled grid read against its evaluation (``pupils``: number → (nom, prénom)).
    Never raises on bad input: every problem is said, with its line."""
    result = GridFile()
    try:
        check_workbook(content, name)
        rows = _sheet_rows(content, name)
    except Refused as refused:
        result.problems.append(Problem(None, refused.message))
        return result
    header_index = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH]) if row and fold(row[0]) == fold(FIXED[0])),
        None,
    )
    if header_index is None:
        result.problems.append(
            Problem(
                None,
                f"Le classeur {name} n'a pas de ligne de titres commençant par « {FIXED[0]} » : "
                "déposez la grille exportée par la plateforme (« Exporter (XLSX) »).",
            )
        )
        return result
    header = rows[header_index]
    by_code = {fold(c.code): c for c in columns}
    fixed = {fold(title) for title in FIXED}
    places: dict[int, SheetColumn] = {}
    comment_at = None
    seen = set()
    for index, title in enumerate(header):
        folded = fold(title)
        if not folded or (folded in fixed and index < len(FIXED)):
            continue
        letter = get_column_letter(index + 1)
        if folded == fold(COMMENT):
            comment_at = index
        elif folded in by_code:
            if folded in seen:
                result.problems.append(
                    Problem(header_index + 1, f"La colonne {_text(title)} apparaît deux fois.")
                )
            seen.add(folded)
            places[index] = by_code[folded]
        else:
            result.problems.append(
                Problem(
                    header_index + 1,
                    f"La colonne « {_text(title)[:40]} » (colonne {letter}) n'est pas une colonne "
                    "de cette évaluation : retirez-la, ou corrigez son code.",
                )
            )
    if len(rows) - header_index - 1 > MAX_LINES:
        result.problems.append(Problem(None, f"Le classeur a plus de {MAX_LINES} lignes d'élèves."))
        return result
    level_names = {}
    for level in levels:
        for spelling in (level.key, level.code, level.label, level.text):
            level_names.setdefault(fold(spelling), level.pk)
    clear = {fold(CLEAR), "non evalue"}
    allowed = ", ".join([*(level.key for level in levels), CLEAR])
    numbers: dict[int, int] = {}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        line_number = index + 1
        if not row or all(_text(v) == "" for v in row):
            continue
        raw = _text(row[0])
        if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
            result.problems.append(
                Problem(
                    line_number,
                    f"Ligne {line_number} : « {raw[:20]} » n'est pas un numéro d'élève de la "
                    "grille : gardez la colonne « N° élève » telle qu'exportée.",
                )
            )
            continue
        pupil = int(raw)
        where = f"Ligne {line_number} (élève n° {pupil})"
        if pupil not in pupils:
            result.problems.append(
                Problem(line_number, f"{where} : cet élève n'est pas évalué dans cette évaluation.")
            )
            continue
        if pupil in numbers:
            result.problems.append(
                Problem(
                    line_number,
                    f"{where} : l'élève figure déjà ligne {numbers[pupil]} : gardez une seule "
                    "ligne par élève.",
                )
            )
            continue
        numbers[pupil] = line_number
        last, first = pupils[pupil]
        given = (_text(row[1]) if len(row) > 1 else "", _text(row[2]) if len(row) > 2 else "")
        if (given[0] or given[1]) and (fold(given[0]), fold(given[1])) != (fold(last), fold(first)):
            result.problems.append(
                Problem(
                    line_number,
                    f"{where} : le nom et le prénom de la ligne ne sont pas ceux de l'élève "
                    "n° " + str(pupil) + " : ne modifiez pas les colonnes « N° élève », « Nom », "
                    "« Prénom » (les lignes ont-elles été mélangées ?).",
                )
            )
            continue
        line = Line(line=line_number, pupil_id=pupil)
        for position, column in places.items():
            value = row[position] if position < len(row) else None
            folded = fold(value)
            if not folded:
                continue
            if folded in clear:
                line.values[column.target_id] = None
            elif folded in level_names:
                line.values[column.target_id] = level_names[folded]
            else:
                result.problems.append(
                    Problem(
                        line_number,
                        f"{where}, colonne {column.code} : « {_text(value)[:20]} » n'est pas un "
                        f"niveau de l'échelle ({allowed}).",
                    )
                )
        if comment_at is not None and comment_at < len(row) and _text(row[comment_at]):
            line.comment = str(row[comment_at]).strip()
        result.lines.append(line)
    if not result.lines and not result.problems:
        result.problems.append(
            Problem(None, f"Le classeur {name} ne contient aucune ligne d'élève.")
        )
    return result
