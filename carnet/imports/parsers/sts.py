"""STS-web staff export (sts_emp_<UAI>_<year>.xml, root STS_EDT). See FORMATS.md."""

import datetime
from dataclasses import dataclass, field

from carnet.core.text import name_problem
from carnet.imports.parsers.common import (
    FileRefused,
    Problem,
    attribute_of,
    error,
    iter_elements,
    parse_iso_date,
    text_of,
    warning,
)

CIVILITIES = {"1": "M.", "2": "Mme", "3": "Mme"}


@dataclass(frozen=True)
class StsHeader:
    uaj: str
    school_year: int | None


@dataclass(frozen=True)
class StaffRecord:
    sts_id: str
    civility: str
    last_name: str
    first_name: str
    birth_date: datetime.date | None
    function: str  # ENS, DIR, EDU, DOC…
    line: int = 0  # of the INDIVIDU element, for messages the plan gives later

    @property
    def display_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()


@dataclass(frozen=True)
class StsStructure:
    code: str
    label: str
    is_group: bool
    mefs: tuple[str, ...]
    teacher_ids: tuple[str, ...]  # from SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT/@ID
    line: int = 0


@dataclass
class StsFile:
    header: StsHeader
    staff: list[StaffRecord] = field(default_factory=list)
    structures: list[StsStructure] = field(default_factory=list)
    # Individuals without FONCTION (on leave…): not imported, and not « partis » either.
    skipped: list[StaffRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_sts(content: bytes, name: str) -> StsFile:
    problems: list[Problem] = []
    uaj = ""
    year: int | None = None
    staff: list[StaffRecord] = []
    skipped: list[StaffRecord] = []
    structures: list[StsStructure] = []
    seen_ids: set[str] = set()
    tags = {"UAJ", "ANNEE_SCOLAIRE", "APPLICATION_SOURCE", "INDIVIDU", "DIVISION", "GROUPE"}
    for element in iter_elements(content, name, tags):
        tag = element.tag
        parent = element.getparent()
        parent_tag = parent.tag if parent is not None else ""
        if tag == "APPLICATION_SOURCE" and parent_tag == "PARAMETRES":
            # A timetable vendor's file, whatever its root says.
            raise FileRefused(
                error(
                    "vendor_sts_file",
                    f"Le fichier {name} a été produit par un logiciel d'emploi du temps "
                    f"(« {text_of(element, '.')} »), pas par STS-web : exportez le fichier "
                    "depuis STS-web (sts_emp_<UAI>_<année>.xml).",
                )
            )
        if tag == "UAJ" and parent_tag == "PARAMETRES":
            uaj = (element.get("CODE") or "").strip().upper()
        elif tag == "ANNEE_SCOLAIRE" and parent_tag == "PARAMETRES":
            value = (element.get("ANNEE") or "").strip()
            # ASCII only: str.isdigit() also accepts « ² », which int() refuses.
            four_digits = len(value) == 4 and value.isascii() and value.isdigit()
            year = int(value) if four_digits else None
        elif tag == "INDIVIDU" and parent_tag == "INDIVIDUS":
            record = _individual(element, problems, name)
            if record is None:
                continue
            if record.sts_id in seen_ids:
                problems.append(
                    warning(
                        "duplicate_individual",
                        f"{record.display_name} : identifiant STS {record.sts_id} en double ; "
                        "seule la première fiche est gardée.",
                    )
                )
                continue
            seen_ids.add(record.sts_id)
            if record.function:
                staff.append(record)
            else:
                skipped.append(record)
        elif tag in ("DIVISION", "GROUPE") and parent_tag in ("DIVISIONS", "GROUPES"):
            code = attribute_of(element, "CODE")
            if not code:
                continue
            mefs = tuple(
                (mef.get("CODE") or "").strip().upper()
                for mef in element.iterfind("MEFS_APPARTENANCE/MEF_APPARTENANCE")
                if (mef.get("CODE") or "").strip()
            )
            teachers = tuple(
                sorted(
                    {
                        (teacher.get("ID") or "").strip()
                        for teacher in element.iterfind("SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT")
                        if (teacher.get("ID") or "").strip()
                    }
                )
            )
            structures.append(
                StsStructure(
                    code=code,
                    label=text_of(element, "LIBELLE_LONG"),
                    is_group=tag == "GROUPE",
                    mefs=mefs,
                    teacher_ids=teachers,
                    line=element.sourceline or 0,
                )
            )
    if year is None:
        problems.append(
            warning("year_missing", f"Le fichier {name} n'indique pas d'année scolaire lisible.")
        )
    return StsFile(
        header=StsHeader(uaj=uaj, school_year=year),
        staff=staff,
        structures=structures,
        skipped=skipped,
        problems=problems,
    )


def _individual(element, problems: list[Problem], name: str) -> StaffRecord | None:
    sts_id = (element.get("ID") or "").strip()
    last_name = text_of(element, "NOM_USAGE") or text_of(element, "NOM_PATRONYMIQUE")
    first_name = text_of(element, "PRENOM")
    who = f"{last_name} {first_name}".strip() or "Un personnel sans nom"
    if not sts_id or not last_name:
        problems.append(
            warning(
                "individual_incomplete",
                f"{who} : fiche STS sans identifiant ou sans nom ; ignorée.",
            )
        )
        return None
    for value, label in ((last_name, "le nom"), (first_name, "le prénom")):
        problem = name_problem(value)
        if problem:
            problems.append(
                error(
                    "name_refused",
                    f"Personnel n° {sts_id} (ligne {element.sourceline} du fichier {name}) : "
                    f"{label} est refusé : {problem}. Corrigez-le dans STS-web, puis exportez "
                    "de nouveau le fichier.",
                )
            )
            return None
    birth_text = text_of(element, "DATE_NAISSANCE")
    try:
        birth_date = parse_iso_date(birth_text)
    except ValueError:
        problems.append(
            warning(
                "bad_date",
                f"{who} : date de naissance « {birth_text} » illisible (aaaa-mm-jj attendu) ; "
                "ignorée.",
            )
        )
        birth_date = None
    return StaffRecord(
        sts_id=sts_id,
        civility=CIVILITIES.get(text_of(element, "CIVILITE"), ""),
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        function=text_of(element, "FONCTION").upper(),
        line=element.sourceline or 0,
    )
