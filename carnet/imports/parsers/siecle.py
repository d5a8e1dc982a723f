"""SIECLE (BEE) exports: pupils, nomenclatures, structures. See FORMATS.md.

Parsed by element name, tolerant of unknown elements and versions; what the platform does
not use (addresses, family, options…) is never read into the records.
"""

import datetime
from dataclasses import dataclass, field, replace

from carnet.core.identifiers import ine_problem, normalize_ine
from carnet.core.text import name_problem
from carnet.imports.parsers.common import (
    Problem,
    attribute_of,
    children_text,
    error,
    iter_elements,
    parse_french_date,
    text_of,
    warning,
)


@dataclass(frozen=True)
class Header:
    uaj: str
    school_year: int | None
    export_date: datetime.date | None


@dataclass(frozen=True)
class PupilRecord:
    eleve_id: str
    elenoet: str
    ine: str  # "" when absent or fitting no national form (a warning says so)
    last_name: str
    first_name: str
    birth_date: datetime.date | None
    sex: str  # "M", "F" or ""
    mef: str
    entry_date: datetime.date | None
    exit_date: datetime.date | None
    previous_uai: str
    division: str = ""  # code of the pupil's division (TYPE_STRUCTURE D)
    groups: tuple[str, ...] = ()  # codes of their groups (TYPE_STRUCTURE G)
    line: int = 0  # of the ELEVE element, for messages the plan gives later

    @property
    def display_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip() or f"élève n° {self.eleve_id}"


@dataclass
class PupilsFile:
    header: Header
    pupils: list[PupilRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Code of a division or group → the first line naming it (STRUCTURES_ELEVE).
    structure_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MefRecord:
    code: str
    label: str


@dataclass
class NomenclatureFile:
    header: Header
    mefs: dict[str, MefRecord] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class StructureRecord:
    code: str
    label: str
    is_group: bool
    mefs: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()  # for a group: the divisions it belongs to
    line: int = 0


@dataclass
class StructuresFile:
    header: Header
    structures: list[StructureRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header(element, problems: list[Problem], name: str) -> Header:
    uaj = text_of(element, "UAJ").upper()
    year_text = text_of(element, "ANNEE_SCOLAIRE")
    year = int(year_text) if _four_digits(year_text) else None
    if year is None:
        problems.append(
            warning("year_missing", f"Le fichier {name} n'indique pas d'année scolaire lisible.")
        )
    try:
        export_date = parse_french_date(text_of(element, "DATE_EXPORT"))
    except ValueError:
        export_date = None
    return Header(uaj=uaj, school_year=year, export_date=export_date)


def _four_digits(value: str) -> bool:
    # ASCII only: str.isdigit() also accepts « ² », which int() refuses.
    return len(value) == 4 and value.isascii() and value.isdigit()


def _date(value: str, label: str, who: str, problems: list[Problem]):
    try:
        return parse_french_date(value)
    except ValueError:
        problems.append(
            warning(
                "bad_date",
                f"{who} : {label} « {value} » illisible (jj/mm/aaaa attendu) ; ignorée.",
            )
        )
        return None


SEX_CODES = {"1": "M", "2": "F"}


def parse_pupils(content: bytes, name: str) -> PupilsFile:
    """ElevesSansAdresses.xml / ElevesAvecAdresses.xml (root BEE_ELEVES), streamed."""
    problems: list[Problem] = []
    header = Header("", None, None)
    pupils: dict[str, PupilRecord] = {}
    order: list[str] = []
    structures: dict[str, tuple[str, list[str]]] = {}
    structure_lines: dict[str, int] = {}
    for element in iter_elements(content, name, {"PARAMETRES", "ELEVE", "STRUCTURES_ELEVE"}):
        tag = element.tag
        if tag == "PARAMETRES":
            header = _header(element, problems, name)
        elif tag == "ELEVE":
            record = _pupil(element, problems, name)
            if record is None:
                continue
            if record.eleve_id in pupils:
                problems.append(
                    error(
                        "duplicate_eleve_id",
                        f"L'identifiant SIECLE {record.eleve_id} apparaît deux fois "
                        f"({pupils[record.eleve_id].display_name} et {record.display_name}).",
                    )
                )
                continue
            pupils[record.eleve_id] = record
            order.append(record.eleve_id)
        elif tag == "STRUCTURES_ELEVE":
            eleve_id = (element.get("ELEVE_ID") or "").strip()
            # A pupil's structures may come in several blocks: they add up.
            division, groups = structures.get(eleve_id, ("", []))
            for structure in element.iterfind("STRUCTURE"):
                code = text_of(structure, "CODE_STRUCTURE")
                kind = text_of(structure, "TYPE_STRUCTURE").upper()
                if not code:
                    continue
                structure_lines.setdefault(code, structure.sourceline or 0)
                if kind == "D":
                    division = division or code
                elif kind == "G":
                    groups.append(code)
            structures[eleve_id] = (division, groups)
    records = []
    for eleve_id in order:
        record = pupils[eleve_id]
        division, groups = structures.get(eleve_id, ("", []))
        records.append(replace(record, division=division, groups=tuple(sorted(set(groups)))))
    _check_duplicate_ine(records, problems)
    return PupilsFile(
        header=header, pupils=records, problems=problems, structure_lines=structure_lines
    )


def _pupil(element, problems: list[Problem], name: str) -> PupilRecord | None:
    eleve_id = (element.get("ELEVE_ID") or "").strip()
    fields = children_text(element)
    last_name = fields.get("NOM_DE_FAMILLE") or fields.get("NOM", "")
    first_name = fields.get("PRENOM", "")
    who = f"{last_name} {first_name}".strip() or "Un élève sans nom"
    if not eleve_id:
        problems.append(
            warning("pupil_without_id", f"{who} : pas d'identifiant ELEVE_ID ; élève ignoré.")
        )
        return None
    if not last_name:
        problems.append(
            warning(
                "pupil_without_name",
                f"Élève n° {eleve_id} : pas de nom de famille ; élève ignoré.",
            )
        )
        return None
    for value, label in ((last_name, "le nom de famille"), (first_name, "le prénom")):
        problem = name_problem(value)
        if problem:
            problems.append(
                error(
                    "name_refused",
                    f"Élève n° {eleve_id} (ligne {element.sourceline} du fichier {name}) : "
                    f"{label} est refusé : {problem}. Corrigez-le dans SIECLE, puis exportez "
                    "de nouveau le fichier.",
                )
            )
            return None
    raw_ine = normalize_ine(fields.get("ID_NATIONAL") or fields.get("INE_RNIE", ""))
    ine = raw_ine
    if raw_ine and ine_problem(raw_ine):
        problems.append(
            warning(
                "invalid_ine",
                f"{who} : l'INE « {raw_ine} » ne correspond à aucune forme nationale ; "
                "l'élève est importé sans INE. Corrigez-le dans SIECLE puis réimportez.",
            )
        )
        ine = ""
    birth_text = fields.get("DATE_NAISS", "")
    birth_date = _date(birth_text, "date de naissance", who, problems)
    if not birth_text:
        problems.append(warning("birth_date_missing", f"{who} : date de naissance absente."))
    return PupilRecord(
        eleve_id=eleve_id,
        elenoet=(element.get("ELENOET") or fields.get("ELENOET", "")).strip(),
        ine=ine,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=SEX_CODES.get(fields.get("CODE_SEXE", ""), ""),
        mef=fields.get("CODE_MEF", "").upper(),
        entry_date=_date(fields.get("DATE_ENTREE", ""), "date d'entrée", who, problems),
        exit_date=_date(fields.get("DATE_SORTIE", ""), "date de sortie", who, problems),
        previous_uai=text_of(element, "SCOLARITE_AN_DERNIER/CODE_RNE").upper(),
        line=element.sourceline or 0,
    )


def _check_duplicate_ine(records: list[PupilRecord], problems: list[Problem]) -> None:
    seen: dict[str, PupilRecord] = {}
    for record in records:
        if not record.ine:
            continue
        other = seen.get(record.ine)
        if other is not None:
            problems.append(
                error(
                    "duplicate_ine",
                    f"Deux élèves du fichier ont le même INE {record.ine} : "
                    f"{other.display_name} et {record.display_name}. Corrigez-le dans "
                    "SIECLE puis exportez de nouveau.",
                )
            )
        else:
            seen[record.ine] = record


def parse_nomenclature(content: bytes, name: str) -> NomenclatureFile:
    """Nomenclature.xml (root BEE_NOMENCLATURES): the MEF labels."""
    problems: list[Problem] = []
    header = Header("", None, None)
    mefs: dict[str, MefRecord] = {}
    for element in iter_elements(content, name, {"PARAMETRES", "MEF"}):
        if element.tag == "PARAMETRES":
            header = _header(element, problems, name)
            continue
        code = (element.get("CODE_MEF") or "").strip().upper()
        if not code:
            continue
        label = (
            text_of(element, "LIBELLE_LONG")
            or text_of(element, "LIBELLE_EDITION")
            or text_of(element, "FORMATION")
        )
        mefs[code] = MefRecord(code=code, label=label)
    return NomenclatureFile(header=header, mefs=mefs, problems=problems)


def parse_structures(content: bytes, name: str) -> StructuresFile:
    """Structures.xml (root BEE_STRUCTURES): divisions and groups with labels and MEF."""
    problems: list[Problem] = []
    header = Header("", None, None)
    structures: list[StructureRecord] = []
    for element in iter_elements(content, name, {"PARAMETRES", "DIVISION", "GROUPE"}):
        if element.tag == "PARAMETRES":
            header = _header(element, problems, name)
            continue
        code = attribute_of(element, "CODE_STRUCTURE")
        if not code:
            continue
        if element.tag == "DIVISION":
            mefs = tuple(
                text_of(mef, ".").upper()
                for mef in element.iterfind("MEFS_APPARTENANCE/MEF_APPARTENANCE/CODE_MEF")
                if text_of(mef, ".")
            )
            structures.append(
                StructureRecord(
                    code,
                    text_of(element, "LIBELLE_LONG"),
                    False,
                    mefs=mefs,
                    line=element.sourceline or 0,
                )
            )
        else:
            divisions = tuple(
                text_of(d, ".")
                for d in element.iterfind(
                    "DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE/CODE_STRUCTURE"
                )
                if text_of(d, ".")
            )
            structures.append(
                StructureRecord(
                    code,
                    text_of(element, "LIBELLE_LONG"),
                    True,
                    divisions=divisions,
                    line=element.sourceline or 0,
                )
            )
    return StructuresFile(header=header, structures=structures, problems=problems)
