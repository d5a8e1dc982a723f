"""Reader of ``referentiel/1`` JSON files. Pure: bytes in, a typed référentiel and problems out."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

FORMAT = "referentiel/1"
# Bounds of ExamUnit.coefficient (max_digits=4, decimal_places=1).
MIN_COEFFICIENT, MAX_COEFFICIENT = Decimal(0), Decimal("999.9")


@dataclass(frozen=True)
class TaskData:
    code: str
    label: str
    autonomy: str
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class ActivityData:
    code: str
    label: str
    tasks: tuple[TaskData, ...]


@dataclass(frozen=True)
class CompetencyData:
    code: str
    label: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class AttitudeData:
    code: str
    label: str


@dataclass(frozen=True)
class UnitData:
    code: str
    exam: str
    label: str
    coefficient: Decimal | None
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class ScaleLevelData:
    code: str
    label: str
    key: str
    # The level's value (1…4) in averages; None: recorded but counts for nothing (Absent).
    value: int | None


# The national scale (livret scolaire, LSL) with « Absent » and « Dispensé », for the files
# that give none. « Non évalué » is not a level: it records nothing (key « n » or Delete).
DEFAULT_SCALE = (
    ScaleLevelData("1", "Non maîtrisé", "1", 1),
    ScaleLevelData("2", "Insuffisamment maîtrisé", "2", 2),
    ScaleLevelData("3", "Maîtrisé", "3", 3),
    ScaleLevelData("4", "Bien maîtrisé", "4", 4),
    ScaleLevelData("absent", "Absent", "a", None),
    ScaleLevelData("dispense", "Dispensé", "d", None),
)
# Keys the entry grid keeps for itself: « n » (non évalué).
RESERVED_KEYS = {"n"}


@dataclass(frozen=True)
class ReferentialData:
    code: str
    cfd: str
    title: str
    level: str
    mef_prefix: str
    provenance: str
    sha256: str
    activities: tuple[ActivityData, ...] = ()
    competencies: tuple[CompetencyData, ...] = ()
    attitudes: tuple[AttitudeData, ...] = ()
    units: tuple[UnitData, ...] = ()
    scale: tuple[ScaleLevelData, ...] = DEFAULT_SCALE


@dataclass
class ParseResult:
    referential: ReferentialData | None
    problems: list[str] = field(default_factory=list)


# Longest value each key may hold (the database columns' sizes); labels are free text,
# except the diploma's and the units' titles (MAX_TITLE).
MAX_LENGTHS = {"code": 20, "cfd": 8, "niveau": 50, "mef_prefix": 11, "autonomie": 30, "epreuve": 20}
MAX_TITLE = 255


def _text(
    obj: dict,
    key: str,
    where: str,
    problems: list[str],
    required: bool = True,
    max_length: int | None = None,
) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        problems.append(f"{where} : « {key} » doit être un texte.")
        return ""
    value = value.strip()
    if required and not value:
        problems.append(f"{where} : « {key} » est obligatoire.")
    limit = max_length or MAX_LENGTHS.get(key)
    if limit and len(value) > limit:
        problems.append(f"{where} : « {key} » dépasse {limit} caractères.")
    return value


def _list(obj: dict, key: str, where: str, problems: list[str]) -> list:
    value = obj.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{where} : « {key} » doit être une liste.")
        return []
    return value


def _codes(items: list, where: str, problems: list[str]) -> tuple[str, ...]:
    codes = []
    for item in items:
        if isinstance(item, str) and item.strip():
            codes.append(item.strip())
        else:
            problems.append(f"{where} : code de compétence invalide {item!r}.")
    return tuple(codes)


def parse_referential(content: bytes) -> ParseResult:
    problems: list[str] = []
    try:
        # utf-8-sig: a file saved by Windows' Notepad starts with a byte-order mark.
        raw = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return ParseResult(None, [f"Le fichier n'est pas en UTF-8 (octet {exc.start})."])
    except json.JSONDecodeError as exc:
        return ParseResult(
            None,
            [
                f"JSON invalide ligne {exc.lineno}, colonne {exc.colno} : vérifiez les "
                "virgules, guillemets et accolades à cet endroit."
            ],
        )
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return ParseResult(None, [f"Ce fichier n'est pas un référentiel au format « {FORMAT} »."])
    where = "Diplôme"
    head = {
        key: _text(raw, key, where, problems)
        for key in ("code", "cfd", "niveau", "mef_prefix", "provenance")
    }
    head["intitule"] = _text(raw, "intitule", where, problems, max_length=MAX_TITLE)

    competencies = []
    for index, item in enumerate(_list(raw, "competences", where, problems), start=1):
        if not isinstance(item, dict):
            problems.append(f"Compétence n° {index} : objet attendu.")
            continue
        here = f"Compétence {item.get('code') or index}"
        criteria = []
        for crit in _list(item, "criteres", here, problems):
            if isinstance(crit, str) and crit.strip():
                criteria.append(crit.strip())
            else:
                problems.append(f"{here} : critère vide ou invalide.")
        competencies.append(
            CompetencyData(
                _text(item, "code", here, problems),
                _text(item, "intitule", here, problems),
                tuple(criteria),
            )
        )
    known = {c.code for c in competencies}

    activities = []
    for index, item in enumerate(_list(raw, "activites", where, problems), start=1):
        if not isinstance(item, dict):
            problems.append(f"Activité n° {index} : objet attendu.")
            continue
        here = f"Activité {item.get('code') or index}"
        tasks = []
        for t_index, task in enumerate(_list(item, "taches", here, problems), start=1):
            if not isinstance(task, dict):
                problems.append(f"{here}, tâche n° {t_index} : objet attendu.")
                continue
            t_here = f"Tâche {task.get('code') or t_index}"
            codes = _codes(_list(task, "competences", t_here, problems), t_here, problems)
            for code in codes:
                if code not in known:
                    problems.append(f"{t_here} : compétence {code} inconnue.")
            tasks.append(
                TaskData(
                    _text(task, "code", t_here, problems),
                    _text(task, "intitule", t_here, problems),
                    _text(task, "autonomie", t_here, problems, required=False),
                    codes,
                )
            )
        activities.append(
            ActivityData(
                _text(item, "code", here, problems),
                _text(item, "intitule", here, problems),
                tuple(tasks),
            )
        )

    attitudes = []
    for index, item in enumerate(
        _list(raw, "attitudes_professionnelles", where, problems), start=1
    ):
        if not isinstance(item, dict):
            problems.append(f"Attitude n° {index} : objet attendu.")
            continue
        here = f"Attitude {item.get('code') or index}"
        attitudes.append(
            AttitudeData(
                _text(item, "code", here, problems), _text(item, "intitule", here, problems)
            )
        )

    units = []
    for index, item in enumerate(_list(raw, "unites", where, problems), start=1):
        if not isinstance(item, dict):
            problems.append(f"Unité n° {index} : objet attendu.")
            continue
        here = f"Unité {item.get('code') or index}"
        coefficient = None
        if item.get("coefficient") is not None:
            try:
                coefficient = Decimal(str(item["coefficient"]))
            except InvalidOperation:
                problems.append(f"{here} : coefficient invalide.")
            else:
                # The column is DECIMAL(4, 1): NaN, infinities and values that do not fit
                # would fail (or be rounded) at loading, or break every later read.
                if not (
                    coefficient.is_finite()
                    and MIN_COEFFICIENT <= coefficient <= MAX_COEFFICIENT
                    and coefficient == coefficient.quantize(Decimal("0.1"))
                ):
                    problems.append(
                        f"{here} : coefficient invalide ({item['coefficient']}) : nombre de "
                        "0 à 999,9 avec au plus une décimale attendu."
                    )
                    coefficient = None
        codes = _codes(_list(item, "competences", here, problems), here, problems)
        for code in codes:
            if code not in known:
                problems.append(f"{here} : compétence {code} inconnue.")
        units.append(
            UnitData(
                _text(item, "code", here, problems),
                _text(item, "epreuve", here, problems, required=False),
                _text(item, "intitule", here, problems, max_length=MAX_TITLE),
                coefficient,
                codes,
            )
        )

    scale = _scale(raw, problems) if "echelle" in raw else DEFAULT_SCALE

    for kind, items in (
        ("compétence", competencies),
        ("activité", activities),
        ("attitude", attitudes),
        ("unité", units),
    ):
        codes = [i.code for i in items]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"Code de {kind} en double : {code}.")
    task_codes = [t.code for a in activities for t in a.tasks]
    for code in sorted({c for c in task_codes if task_codes.count(c) > 1}):
        problems.append(f"Code de tâche en double : {code}.")

    if problems:
        return ParseResult(None, problems)
    return ParseResult(
        ReferentialData(
            code=head["code"],
            cfd=head["cfd"],
            title=head["intitule"],
            level=head["niveau"],
            mef_prefix=head["mef_prefix"],
            provenance=head["provenance"],
            sha256=hashlib.sha256(content).hexdigest(),
            activities=tuple(activities),
            competencies=tuple(competencies),
            attitudes=tuple(attitudes),
            units=tuple(units),
            scale=scale,
        )
    )


def _scale(raw: dict, problems: list[str]) -> tuple[ScaleLevelData, ...]:
    """« echelle »: the levels of the diploma's scale, in order (DEFAULT_SCALE when absent)."""
    levels = []
    for index, item in enumerate(_list(raw, "echelle", "Échelle", problems), start=1):
        here = f"Échelle, niveau n° {index}"
        if not isinstance(item, dict):
            problems.append(f"{here} : objet attendu.")
            continue
        code = _text(item, "code", here, problems)
        key = _text(item, "touche", here, problems)
        value = item.get("valeur")
        if key and (len(key) != 1 or not (key.isascii() and key.isalnum()) or key != key.lower()):
            problems.append(f"{here} : « touche » doit être un chiffre ou une lettre minuscule.")
        elif key in RESERVED_KEYS:
            problems.append(f"{here} : la touche « {key} » est réservée à « Non évalué ».")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"{here} : « valeur » doit être un entier, ou null.")
            value = None
        elif value is not None and not 0 <= value <= 100:
            problems.append(f"{here} : « valeur » doit être comprise entre 0 et 100.")
        levels.append(
            ScaleLevelData(
                code, _text(item, "intitule", here, problems, max_length=100), key, value
            )
        )
    if not any(level.value is not None for level in levels):
        problems.append("Échelle : au moins un niveau doit avoir une valeur.")
    for name, values in (
        ("code", [level.code for level in levels]),
        ("touche", [level.key for level in levels]),
        ("valeur", [level.value for level in levels if level.value is not None]),
    ):
        for value in sorted({str(v) for v in values if values.count(v) > 1}):
            problems.append(f"Échelle : {name} en double : {value}.")
    return tuple(levels)
