"""Learners « hors SIECLE » (apprentices, adults): a CSV or XLSX table filled by the school.

Pure functions, no Django: bytes and a file name in, rows and problems out. The file type is
told by its content, never by its name: an XLSX is a zip holding ``xl/workbook.xml``; an
Excel 97-2003 (.xls), OpenDocument, image or PDF file is refused with a French message;
anything else must decode as text (UTF-8 with or without BOM, else Windows-1252) and is
read as CSV separated by « ; », « , » or a tab (the separator that makes the header row
readable wins): parsers/tables.py tells the format and reads the rows.

Columns are found by their header, case- and accent-insensitively: nom, prénom, date de
naissance, INE (optional), division, statut (apprenti, adulte or autre). Every problem names
the line and the learner; any error refuses the whole file (nothing is imported), warnings
let the administrator go on.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from carnet.core.identifiers import ine_problem, normalize_ine
from carnet.core.identity import fold, learner_key
from carnet.core.text import clean_text, name_problem, spreadsheet_row
from carnet.imports.parsers.common import Problem, error, warning
from carnet.imports.parsers.tables import TableRefused, TableShape, open_table

MAX_ROWS = 5_000  # learners (non-empty lines under the header)
MAX_LINES = 2 * MAX_ROWS  # lines read at most, empty ones included
MAX_COLUMNS = 40
NAME_MAX, DIVISION_MAX = 100, 30
OLDEST_BIRTH_YEAR = 1900

STATUSES = ("apprenti", "adulte", "autre")
STATUS_ALIASES = {
    "apprenti": "apprenti",
    "apprentie": "apprenti",
    "apprenti e": "apprenti",
    "apprentis": "apprenti",
    "apprentissage": "apprenti",
    "adulte": "adulte",
    "adultes": "adulte",
    "autre": "autre",
    "autres": "autre",
}

# key → (label shown in messages and in the template, header spellings accepted once folded)
COLUMNS = {
    "last_name": ("Nom", {"nom", "nom de famille", "nom d usage", "nom usage"}),
    "first_name": ("Prénom", {"prenom", "prenoms", "premier prenom"}),
    "birth_date": (
        "Date de naissance",
        {"date de naissance", "date naissance", "date de naiss", "naissance", "ne le", "ne e le"},
    ),
    "ine": (
        "INE",
        {"ine", "ine facultatif", "numero ine", "n ine", "no ine", "identifiant national"},
    ),
    "division": ("Division", {"division", "code division", "code de la division", "classe"}),
    "status": ("Statut", {"statut", "statut de l apprenant", "status"}),
}
SHAPE = TableShape(
    max_lines=MAX_LINES,
    max_columns=MAX_COLUMNS,
    too_big_hint=f"un tableau de {MAX_ROWS} apprenants est bien plus petit. Gardez seulement la "
    "feuille des apprenants.",
)
REQUIRED = ("last_name", "first_name", "birth_date", "division", "status")
TEMPLATE_HEADER = [label for label, _ in COLUMNS.values()]

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class LearnerRow:
    line: int
    last_name: str
    first_name: str
    birth_date: datetime.date
    ine: str  # "" when absent or fitting no national form (a warning says so)
    division: str  # the division's code, as written
    status: str  # one of STATUSES

    @property
    def display_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def key(self) -> str:
        return learner_key(self.last_name, self.first_name, self.birth_date)


@dataclass
class LearnersFile:
    name: str
    format: str = ""  # « CSV en UTF-8, séparateur « ; » », « XLSX »… ; "" when unreadable
    rows: list[LearnerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(p.level == "error" for p in self.problems)


def parse_learners(
    content: bytes, name: str, *, today: datetime.date | None = None
) -> LearnersFile:
    """Read a learners table (CSV or XLSX). Never raises on bad input: problems say why."""
    today = today or datetime.date.today()
    result = LearnersFile(name=name)
    try:
        result.format, rows = open_table(content, name, header_score=_recognized, shape=SHAPE)
        _read_table(result, rows, today)
    except TableRefused as refused:
        result.problems.append(refused.problem)
        result.rows = []
    return result


def _recognized(cells: Iterable) -> int:
    aliases = {alias for _, spellings in COLUMNS.values() for alias in spellings}
    return sum(1 for cell in cells if fold(str(cell)) in aliases)


# --- Rows ---------------------------------------------------------------------------------


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    # Invisible characters dropped, white space collapsed (carnet.core.text).
    return clean_text(value)


def _columns(name: str, header: list, problems: list[Problem]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        label = _text(cell)
        folded = fold(label)
        if not folded:
            continue
        key = next((k for k, (_, spellings) in COLUMNS.items() if folded in spellings), None)
        if key is None:
            ignored.append(label)
        elif key in found:
            problems.append(
                error(
                    "duplicate_column",
                    f"La colonne « {COLUMNS[key][0]} » apparaît deux fois dans la ligne des "
                    f"titres du fichier {name} : gardez-en une seule.",
                )
            )
        else:
            found[key] = index
    if not found:
        problems.append(
            error(
                "no_header",
                f"La première ligne du fichier {name} doit donner les titres des colonnes ("
                + ", ".join(TEMPLATE_HEADER)
                + ") : utilisez le modèle à télécharger sur cette page.",
            )
        )
        return None
    missing = [key for key in REQUIRED if key not in found]
    for key in missing:
        problems.append(
            error(
                "missing_column",
                f"Il manque la colonne « {COLUMNS[key][0]} » dans le fichier {name} : "
                "ajoutez-la (voir le modèle à télécharger).",
            )
        )
    if ignored:
        problems.append(
            warning(
                "ignored_columns",
                "Colonnes ignorées (la plateforme ne les garde pas) : "
                + ", ".join(f"« {label} »" for label in ignored)
                + ".",
            )
        )
    return None if missing else found


def _birth_date(value, prefix: str, today: datetime.date) -> tuple[datetime.date | None, str]:
    """(date, "") or (None, French problem)."""
    if isinstance(value, datetime.datetime):
        born = value.date()
    elif isinstance(value, datetime.date):
        born = value
    else:
        raw = _text(value)
        if not raw:
            return None, f"{prefix} : la date de naissance est obligatoire (jj/mm/aaaa)."
        match = _FRENCH_DATE.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            day, month, year = (int(part) for part in match.groups())
            born = datetime.date(year, month, day)
        except ValueError:
            return None, (
                f"{prefix} : date de naissance « {raw} » illisible : écrivez-la jj/mm/aaaa "
                "(par exemple 17/05/2008)."
            )
    if born > today or born.year < OLDEST_BIRTH_YEAR:
        return None, f"{prefix} : date de naissance {born:%d/%m/%Y} impossible."
    return born, ""


def _row(
    line: int, cells: list, columns: dict[str, int], problems: list[Problem], today
) -> LearnerRow | None:
    def cell(key: str):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    last_name, first_name = _text(cell("last_name")), _text(cell("first_name"))
    errors = []
    for key, value, label in (
        ("last_name", last_name, "le nom"),
        ("first_name", first_name, "le prénom"),
    ):
        problem = name_problem(value)
        if problem:
            errors.append(
                error(
                    "name_refused",
                    f"Ligne {line}, colonne « {COLUMNS[key][0]} » : {label} est refusé : "
                    f"{problem}. Retapez-le avec ses seuls accents dans le fichier.",
                )
            )
    if errors:
        problems.extend(errors)
        return None
    who = f"{last_name} {first_name}".strip() or "nom et prénom absents"
    prefix = f"Ligne {line} ({who})"
    if not last_name:
        errors.append(error("missing_value", f"{prefix} : le nom est obligatoire."))
    if not first_name:
        errors.append(error("missing_value", f"{prefix} : le prénom est obligatoire."))
    if len(last_name) > NAME_MAX or len(first_name) > NAME_MAX:
        errors.append(
            error("too_long", f"{prefix} : le nom et le prénom ont {NAME_MAX} caractères au plus.")
        )
    birth_date, problem = _birth_date(cell("birth_date"), prefix, today)
    if problem:
        errors.append(error("bad_date", problem))
    division = _text(cell("division"))
    if not division:
        errors.append(
            error(
                "missing_value",
                f"{prefix} : la division est obligatoire (son code, par exemple CAP1-APP).",
            )
        )
    elif len(division) > DIVISION_MAX:
        errors.append(
            error(
                "too_long",
                f"{prefix} : le code de division « {division} » dépasse {DIVISION_MAX} caractères.",
            )
        )
    raw_status = _text(cell("status"))
    status = STATUS_ALIASES.get(fold(raw_status))
    if status is None:
        shown = f"statut « {raw_status} » inconnu" if raw_status else "statut absent"
        errors.append(
            error("bad_status", f"{prefix} : {shown} : indiquez apprenti, adulte ou autre.")
        )
    ine = normalize_ine(_text(cell("ine")))
    if ine and ine_problem(ine):
        problems.append(
            warning(
                "invalid_ine",
                f"{prefix} : l'INE « {ine} » ne correspond à aucune forme nationale (11 "
                "caractères, par exemple 123456789AB) ; l'apprenant est importé sans INE.",
            )
        )
        ine = ""
    problems.extend(errors)
    if errors:
        return None
    return LearnerRow(
        line=line,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        ine=ine,
        division=division,
        status=status,
    )


def _read_table(
    result: LearnersFile, rows: Iterator[tuple[int, list]], today: datetime.date
) -> None:
    problems = result.problems
    columns = None
    header_seen = False
    learners = 0
    for line, cells in rows:
        if line > MAX_LINES:
            problems.append(
                error(
                    "too_many_rows",
                    f"Le fichier {result.name} dépasse {_number(MAX_LINES)} lignes (lignes vides "
                    f"comprises) : gardez au plus {_number(MAX_ROWS)} apprenants par fichier et "
                    "supprimez les lignes vides.",
                )
            )
            result.rows = []
            break
        if not any(_text(c) for c in cells):
            continue
        if not header_seen:
            header_seen = True
            columns = _columns(result.name, cells, problems)
            if columns is None:
                break
            continue
        learners += 1
        if learners > MAX_ROWS:
            problems.append(
                error(
                    "too_many_rows",
                    f"Le fichier {result.name} compte plus de {_number(MAX_ROWS)} apprenants : "
                    "découpez-le en plusieurs fichiers.",
                )
            )
            result.rows = []  # not read to the end: nothing of it is kept
            break
        row = _row(line, cells, columns, problems, today)
        if row is not None:
            result.rows.append(row)
    if not header_seen:
        raise TableRefused(error("empty_file", f"Le fichier {result.name} est vide."))
    if columns is not None and learners == 0 and not result.refused:
        problems.append(
            error(
                "no_rows",
                f"Le fichier {result.name} ne contient aucun apprenant sous la ligne des titres.",
            )
        )
    _check_duplicates(result.rows, problems)


def _check_duplicates(rows: list[LearnerRow], problems: list[Problem]) -> None:
    by_ine: dict[str, LearnerRow] = {}
    by_key: dict[str, list[LearnerRow]] = {}
    for row in rows:
        if row.ine:
            other = by_ine.setdefault(row.ine, row)
            if other is not row:
                problems.append(
                    error(
                        "duplicate_ine",
                        f"L'INE {row.ine} figure deux fois dans le fichier : ligne {other.line} "
                        f"({other.display_name}) et ligne {row.line} ({row.display_name}). Un "
                        "INE est propre à un apprenant : corrigez le fichier.",
                    )
                )
        same = by_key.setdefault(row.key, [])
        twin = next((o for o in same if not (o.ine and row.ine)), None)
        if twin is not None:
            problems.append(
                error(
                    "duplicate_learner",
                    f"Les lignes {twin.line} et {row.line} décrivent le même apprenant "
                    f"({row.display_name}, né(e) le {row.birth_date:%d/%m/%Y}) : "
                    "supprimez le doublon.",
                )
            )
        same.append(row)


# --- The downloadable template ------------------------------------------------------------

TEMPLATE_EXAMPLE = ("MARTIN", "Léa", datetime.date(2007, 5, 17), "", "CAP1-APP", "apprenti")


def template_csv() -> bytes:
    """The template as CSV: UTF-8 with BOM (so that Excel shows the accents), « ; »."""
    example = [
        value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
        for value in TEMPLATE_EXAMPLE
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    # Exports go through spreadsheet_safe: no cell may start a formula.
    writer.writerow(spreadsheet_row(TEMPLATE_HEADER))
    writer.writerow(spreadsheet_row(example))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as an Excel workbook: a date cell, text INE and division, a list of
    statuses to choose from."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Apprenants"
    sheet.append(spreadsheet_row(TEMPLATE_HEADER))
    sheet.append(spreadsheet_row(TEMPLATE_EXAMPLE))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["C2"].number_format = "DD/MM/YYYY"
    sheet["D2"].number_format = "@"
    sheet["E2"].number_format = "@"
    for column, width in zip("ABCDEF", (22, 18, 18, 14, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Statut",
        error="Indiquez apprenti, adulte ou autre.",
    )
    statuses.add(f"F2:F{MAX_ROWS + 1}")
    sheet.add_data_validation(statuses)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
