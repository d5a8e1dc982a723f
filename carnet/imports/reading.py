"""From uploaded files to the payload an import applies: checks that refuse a whole import.

Reads nothing from the database but the establishment given; writes nothing.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from carnet.directory.school_years import school_year_start
from carnet.imports.parsers.common import KIND_LABELS, FileKind, Problem, error, warning
from carnet.imports.parsers.files import ParsedFile, RawFile, read_uploads
from carnet.imports.parsers.siecle import NomenclatureFile, PupilsFile, StructuresFile
from carnet.imports.parsers.sts import StsFile
from carnet.imports.plans import shown_number

# An import's size is bounded (a plan holds every row in memory, a preview stores them).
MAX_PUPILS = 10_000  # pupils in one pupils file
MAX_DIVISIONS = 500  # divisions of all the files together
MAX_GROUPS = 2_000  # groups of all the files together


@dataclass
class Reading:
    files: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    payload: dict = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return any(p.level == "error" for p in self.problems)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def read_siecle_files(*, uai: str, uploads: list[RawFile], today: datetime.date) -> Reading:
    """Parse, check and merge the uploaded SIECLE/STS files into one payload."""
    result = read_uploads(uploads)
    reading = Reading(files=[f.summary() for f in result.files], problems=list(result.problems))
    if not uploads:
        reading.problems.append(error("no_file", "Aucun fichier n'a été déposé."))
        return reading
    by_kind: dict[FileKind, ParsedFile] = {}
    for parsed in result.files:
        if parsed.kind in by_kind:
            reading.problems.append(
                error(
                    "duplicate_kind",
                    f"Deux fichiers {KIND_LABELS[parsed.kind]} ont été déposés "
                    f"({by_kind[parsed.kind].name} et {parsed.name}) : gardez-en un seul.",
                )
            )
            continue
        by_kind[parsed.kind] = parsed
        if parsed.uaj and parsed.uaj != uai:
            reading.problems.append(
                error(
                    "wrong_uai",
                    f"Ce fichier appartient à l'établissement {parsed.uaj}, pas au vôtre ({uai}) "
                    f": {parsed.name}.",
                )
            )
        elif not parsed.uaj:
            reading.problems.append(
                error(
                    "uai_missing",
                    f"Le fichier {parsed.name} n'indique pas d'établissement (code UAI) : "
                    "exportez-le de nouveau.",
                )
            )
    years = {f.school_year for f in by_kind.values() if f.school_year}
    if len(years) > 1:
        reading.problems.append(
            error(
                "mixed_years",
                "Les fichiers ne portent pas la même année scolaire ("
                + ", ".join(f"{y}-{y + 1}" for y in sorted(years))
                + ") : exportez-les pour la même année.",
            )
        )
    current = school_year_start(today)
    year = years.pop() if len(years) == 1 else current
    if year != current:
        reading.problems.append(
            warning(
                "not_current_year",
                f"Les fichiers concernent l'année scolaire {year}-{year + 1}, pas l'année en "
                f"cours ({current}-{current + 1}). Vous pouvez poursuivre si c'est voulu.",
            )
        )
    _check_sizes(by_kind, reading.problems)
    if reading.refused:
        return reading
    reading.payload = _payload(by_kind, year, today)
    if by_kind and FileKind.PUPILS not in by_kind:
        reading.problems.append(_without_pupils(by_kind))
    _check_structures(reading.payload, reading.problems)
    return reading


def _check_sizes(by_kind: dict[FileKind, ParsedFile], problems: list[Problem]) -> None:
    pupils = by_kind.get(FileKind.PUPILS)
    if pupils is not None and len(pupils.data.pupils) > MAX_PUPILS:
        problems.append(
            error(
                "too_many_pupils",
                f"Le fichier {pupils.name} compte {shown_number(len(pupils.data.pupils))} "
                f"élèves : un import en accepte {shown_number(MAX_PUPILS)} au plus. Vérifiez "
                "qu'il s'agit bien de l'export de votre seul établissement.",
            )
        )


def _check_structures(payload: dict, problems: list[Problem]) -> None:
    counts = Counter(item["kind"] for item in payload["structures"])
    for kind, limit, words in (
        ("division", MAX_DIVISIONS, "divisions"),
        ("groupe", MAX_GROUPS, "groupes"),
    ):
        if counts[kind] > limit:
            problems.append(
                error(
                    f"too_many_{words}",
                    f"Les fichiers déposés comptent {shown_number(counts[kind])} {words} : un "
                    f"import en accepte {shown_number(limit)} au plus. Vérifiez qu'il s'agit "
                    "bien des exports de votre seul établissement.",
                )
            )


def _without_pupils(by_kind: dict[FileKind, ParsedFile]) -> Problem:
    """Without the pupils file, say before « Confirmer » what the import does and does not."""
    updated = []
    if FileKind.STRUCTURES in by_kind or FileKind.STS in by_kind:
        updated.append("les divisions et groupes")
    if FileKind.NOMENCLATURE in by_kind:
        updated.append("les libellés des MEF")
    if FileKind.STS in by_kind:
        updated.append("les personnels (leurs classes et leurs comptes)")
    listed = ", ".join(updated[:-1]) + (" et " if len(updated) > 1 else "") + updated[-1]
    return warning(
        "no_pupils_file",
        "Aucun fichier des élèves (ElevesSansAdresses.xml) n'a été déposé : cet import ne "
        "crée, ne modifie et ne marque sorti aucun élève. Il met à jour seulement "
        f"{listed}. Pour mettre à jour les élèves, déposez aussi l'export des élèves de "
        "SIECLE.",
    )


def _payload(by_kind: dict[FileKind, ParsedFile], year: int, today: datetime.date) -> dict:
    pupils_file: PupilsFile | None = getattr(by_kind.get(FileKind.PUPILS), "data", None)
    nomenclature: NomenclatureFile | None = getattr(
        by_kind.get(FileKind.NOMENCLATURE), "data", None
    )
    structures_file: StructuresFile | None = getattr(by_kind.get(FileKind.STRUCTURES), "data", None)
    sts: StsFile | None = getattr(by_kind.get(FileKind.STS), "data", None)

    structures: dict[str, dict] = {}
    # Where a record is in its file, for the plan's messages (« ligne 812 du fichier … »):
    # a line number per record, the file names once.
    sources = {kind.value: parsed.name for kind, parsed in by_kind.items()}

    def structure(code: str, is_group: bool, where: str = "") -> dict:
        item = structures.setdefault(
            code,
            {
                "code": code,
                "label": "",
                "kind": "groupe" if is_group else "division",
                "mef": "",
                "where": "",
            },
        )
        item["where"] = item["where"] or where
        return item

    def place(kind: FileKind, line: int) -> str:
        return f"ligne {line} du fichier {sources[kind.value]}" if line else ""

    if structures_file:
        for record in structures_file.structures:
            item = structure(record.code, record.is_group, place(FileKind.STRUCTURES, record.line))
            item["label"] = item["label"] or record.label
            item["mef"] = item["mef"] or (record.mefs[0] if record.mefs else "")
    assignments: dict[str, list[str]] = {}
    if sts:
        for record in sts.structures:
            item = structure(record.code, record.is_group, place(FileKind.STS, record.line))
            item["label"] = item["label"] or record.label
            item["mef"] = item["mef"] or (record.mefs[0] if record.mefs else "")
            for teacher_id in record.teacher_ids:
                assignments.setdefault(teacher_id, []).append(record.code)
    pupils = []
    if pupils_file:
        mefs_by_division: dict[str, Counter] = defaultdict(Counter)
        lines = pupils_file.structure_lines
        for record in pupils_file.pupils:
            if record.division:
                structure(
                    record.division, False, place(FileKind.PUPILS, lines.get(record.division, 0))
                )
                if record.mef:
                    mefs_by_division[record.division][record.mef] += 1
            for group in record.groups:
                structure(group, True, place(FileKind.PUPILS, lines.get(group, 0)))
            pupils.append(
                {
                    "eleve_id": record.eleve_id,
                    "elenoet": record.elenoet,
                    "ine": record.ine,
                    "last_name": record.last_name,
                    "first_name": record.first_name,
                    "birth_date": _iso(record.birth_date),
                    "sex": record.sex,
                    "mef": record.mef,
                    "entry_date": _iso(record.entry_date),
                    "exit_date": _iso(record.exit_date),
                    "previous_uai": record.previous_uai,
                    "division": record.division,
                    "groups": list(record.groups),
                    "line": record.line,
                }
            )
        for code, counter in mefs_by_division.items():
            structures[code]["mef"] = structures[code]["mef"] or counter.most_common(1)[0][0]
    # Labels and MEF stay "" when no uploaded file gives them: the plan then keeps what the
    # platform already has (importing the pupils file alone must not erase the labels).
    mef_labels = {
        code: mef.label for code, mef in (nomenclature.mefs.items() if nomenclature else [])
    }
    staff = []
    if sts:
        for record in sts.staff:
            staff.append(
                {
                    "sts_id": record.sts_id,
                    "civility": record.civility,
                    "last_name": record.last_name,
                    "first_name": record.first_name,
                    "birth_date": _iso(record.birth_date),
                    "function": record.function,
                    "structures": sorted(set(assignments.get(record.sts_id, []))),
                    "line": record.line,
                }
            )
    export_date = pupils_file.header.export_date if pupils_file else None
    return {
        "school_year": year,
        "sources": sources,
        "left_on": _iso(export_date or today),
        "has_pupils": pupils_file is not None,
        "pupils": pupils,
        "structures": sorted(structures.values(), key=lambda s: (s["kind"], s["code"])),
        "has_nomenclature": nomenclature is not None,
        "mef_labels": mef_labels,
        "has_staff": sts is not None,
        "staff": staff,
        "staff_skipped": [
            {"sts_id": r.sts_id, "name": r.display_name} for r in (sts.skipped if sts else [])
        ],
    }
