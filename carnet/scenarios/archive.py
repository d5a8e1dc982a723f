"""The ``scenario/1`` file: a scenario shared with a colleague of another establishment.

A zip holding ``scenario.json`` and the scenario's resources (``ressources/…``), each
resource named in the JSON with its size and SHA-256::

    {"format": "scenario/1", "exporte_le": "2026-12-02",
     "titre": "…", "co_intervention": false,
     "diplome": {"code": "BP-MELEC", "intitule": "…"}, "niveau": "premiere",
     "contexte": {"description": "…", "problematique": "…", "materiels": "…",
                  "liens": "…", "espaces": "…"},
     "intitules_contexte": {"description": "…", …},      (for the reader; not imported)
     "referentiel": {"taches": [{"activite": "A1", "code": "T1-1"}],
                     "competences": ["C1"],                (whole competencies)
                     "criteres": [{"competence": "C2", "rang": 3}],
                     "attitudes": ["AP1"]},
     "ressources": [{"fichier": "ressources/01-fiche.pdf", "nom": "fiche.pdf",
                     "type": "pdf", "taille": 1234, "sha256": "…"}]}

``archive_read`` refuses, with a French message (``ArchiveRefused``), a hostile zip (bomb,
traversal, too many or too big files: resources/zips.py), a JSON that is not this format,
a resource missing, unlisted, of the wrong size or checksum, and a resource that fails the
check of an upload (resources.check_resource). Whether the diploma and the elements of the
référentiel exist is the service's to say (it reads the database). Pure otherwise.
"""

import datetime
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from carnet.establishments.enums import ContextField
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.resources import (
    MAX_RESOURCE_BYTES,
    MAX_RESOURCES,
    MAX_SCENARIO_BYTES,
    CheckedResource,
    ResourceRefused,
    check_resource,
)
from carnet.scenarios.resources.zips import MB, ZipLimits, ZipRefused, open_zip
from carnet.scenarios.richtext import MAX_LENGTH, clean_text, text_problem

FORMAT = "scenario/1"
MANIFEST = "scenario.json"
MAX_MANIFEST_BYTES = 1 * MB
MAX_ARCHIVE_BYTES = MAX_SCENARIO_BYTES + 5 * MB
LIMITS = ZipLimits(
    max_entries=MAX_RESOURCES + 1,
    max_total=MAX_SCENARIO_BYTES + MAX_MANIFEST_BYTES,
    max_entry=MAX_RESOURCE_BYTES,
    max_ratio=100,
)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_TITLE = 200


class ArchiveRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ArchivedResource:
    name: str
    sha256: str
    checked: CheckedResource


@dataclass
class ScenarioArchive:
    title: str
    co_intervention: bool
    diploma_code: str
    diploma_title: str
    class_level: str
    context: dict[str, str]
    tasks: list[tuple[str, str]] = field(default_factory=list)  # (activity code, task code)
    competencies: list[str] = field(default_factory=list)
    criteria: list[tuple[str, int]] = field(default_factory=list)  # (competency code, rank)
    attitudes: list[str] = field(default_factory=list)
    resources: list[ArchivedResource] = field(default_factory=list)


def clean_file_name(name: str, *, extension: str = "") -> str:
    """A file name fit to show and to offer for download: its last path part, no control
    character, at most 150 characters; with ``extension`` (the type found in its content),
    ending with it whatever it ended with."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(char for char in base if char.isprintable()).strip().strip(".")
    if not extension:
        return base[:150] or "ressource"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: 140 - len(extension)].strip() or "ressource"
    return f"{stem}.{extension}"


# Writing.


def archive_build(*, manifest: dict, files: list[tuple[str, bytes]]) -> bytes:
    """The zip of ``manifest`` (its « ressources » already listing ``files``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for path, content in files:
            archive.writestr(path, content)
    return out.getvalue()


def manifest_resource(*, index: int, name: str, extension: str, content: bytes) -> dict:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name.rsplit(".", 1)[0]).strip("-")[:60] or "ressource"
    return {
        "fichier": f"ressources/{index:02d}-{stem}.{extension}",
        "nom": name,
        "type": extension,
        "taille": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def export_date(today: datetime.date) -> str:
    return today.isoformat()


# Reading.


def _refuse(message: str):
    raise ArchiveRefused(message)


def _string(value, what: str, *, required: bool = True, max_length: int = 200) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        _refuse(f"Le fichier d'export est incomplet : {what} manque ou n'est pas un texte.")
    if len(value) > max_length:
        _refuse(f"Le fichier d'export est invalide : {what} est trop long.")
    return value.strip()


def _list(value, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 1000:
        _refuse(f"Le fichier d'export est invalide : {what} n'est pas une liste.")
    return value


def _manifest(package) -> dict:
    if MANIFEST not in package.names:
        _refuse(
            "Ce fichier n'est pas un export de scénario (scenario.json manque) : exportez le "
            "scénario de nouveau depuis sa page (« Exporter »)."
        )
    if package.size(MANIFEST) > MAX_MANIFEST_BYTES:
        _refuse("Le fichier d'export est invalide : scenario.json est beaucoup trop gros.")
    try:
        manifest = json.loads(package.read(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        _refuse("Le fichier d'export est endommagé : scenario.json n'est pas un JSON valide.")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        _refuse(
            f"Ce fichier n'est pas au format {FORMAT}"
            + (f" (format « {str(found)[:30]} »)" if found else "")
            + " : exportez le scénario de nouveau depuis sa page."
        )
    return manifest


def _context(value) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _refuse("Le fichier d'export est invalide : « contexte » n'est pas un objet.")
    context = {}
    for field_ in ContextField:
        raw = value.get(field_.value)
        if raw is None:
            continue
        text = clean_text(
            _string(raw, f"le champ « {field_.label} »", required=False, max_length=2 * MAX_LENGTH)
        )
        problem = text_problem(text, label=field_.label)
        if problem:
            _refuse(problem)
        if text:
            context[field_.value] = text
    return context


def _links(archive: ScenarioArchive, value) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        _refuse("Le fichier d'export est invalide : « referentiel » n'est pas un objet.")
    for item in _list(value.get("taches"), "la liste des tâches"):
        if not isinstance(item, dict):
            _refuse("Le fichier d'export est invalide : une tâche est mal décrite.")
        archive.tasks.append(
            (_string(item.get("activite"), "l'activité d'une tâche", max_length=20),
             _string(item.get("code"), "le code d'une tâche", max_length=20))
        )  # fmt: skip
    for code in _list(value.get("competences"), "la liste des compétences"):
        archive.competencies.append(_string(code, "le code d'une compétence", max_length=20))
    for item in _list(value.get("criteres"), "la liste des critères"):
        rank = item.get("rang") if isinstance(item, dict) else None
        if not isinstance(rank, int) or isinstance(rank, bool) or not 0 <= rank < 1000:
            _refuse("Le fichier d'export est invalide : un critère est mal décrit.")
        competency = _string(item.get("competence"), "la compétence d'un critère", max_length=20)
        archive.criteria.append((competency, rank))
    for code in _list(value.get("attitudes"), "la liste des attitudes professionnelles"):
        archive.attitudes.append(_string(code, "le code d'une attitude", max_length=20))


def _resources(archive: ScenarioArchive, package, value) -> None:
    listed = set()
    total = 0
    entries = _list(value, "la liste des ressources")
    if len(entries) > MAX_RESOURCES:
        _refuse(f"Le fichier d'export compte {len(entries)} ressources : au plus {MAX_RESOURCES}.")
    for item in entries:
        if not isinstance(item, dict):
            _refuse("Le fichier d'export est invalide : une ressource est mal décrite.")
        path = _string(item.get("fichier"), "le fichier d'une ressource", max_length=255)
        name = _string(item.get("nom"), "le nom d'une ressource", max_length=255)
        sha256 = _string(item.get("sha256"), "la somme de contrôle d'une ressource", max_length=64)
        size = item.get("taille")
        if path == MANIFEST or path in listed:
            _refuse(f"Le fichier d'export cite deux fois la ressource « {path[:100]} ».")
        listed.add(path)
        if path not in package.names:
            _refuse(f"La ressource « {name[:100]} » manque dans le fichier d'export.")
        if not SHA256.match(sha256):
            _refuse(f"La somme de contrôle de la ressource « {name[:100]} » est invalide.")
        content = package.read(path)
        if size != len(content) or hashlib.sha256(content).hexdigest() != sha256:
            _refuse(
                f"La ressource « {name[:100]} » ne correspond pas à sa somme de contrôle "
                "(SHA-256) : le fichier d'export a été modifié ou endommagé. Demandez-en un "
                "nouvel export."
            )
        total += len(content)
        if total > MAX_SCENARIO_BYTES:
            _refuse(
                f"Les ressources du fichier d'export dépassent {MAX_SCENARIO_BYTES // MB} Mo "
                "ensemble : le fichier est refusé."
            )
        try:
            checked = check_resource(content)
        except ResourceRefused as refused:
            _refuse(f"La ressource « {name[:100]} » est refusée : {refused.message}")
        archive.resources.append(
            ArchivedResource(
                name=clean_file_name(name, extension=checked.extension),
                sha256=sha256,
                checked=checked,
            )
        )
    unlisted = sorted(set(package.names) - listed - {MANIFEST})
    if unlisted:
        _refuse(
            f"Le fichier d'export contient un fichier que scenario.json ne cite pas "
            f"(« {unlisted[0][:100]} ») : il est refusé."
        )


def archive_read(data: bytes) -> ScenarioArchive:
    """The scenario the file ``data`` describes; raises ArchiveRefused."""
    if len(data) > MAX_ARCHIVE_BYTES:
        _refuse(f"Le fichier pèse plus de {MAX_ARCHIVE_BYTES // MB} Mo : il est refusé.")
    if not data.startswith(b"PK\x03\x04"):
        _refuse(
            "Ce fichier n'est pas un export de scénario (un fichier .zip produit par "
            "« Exporter » sur la page d'un scénario)."
        )
    try:
        package = open_zip(data, limits=LIMITS, what="Le fichier d'export")
        manifest = _manifest(package)
        diploma = manifest.get("diplome")
        if not isinstance(diploma, dict):
            _refuse("Le fichier d'export est incomplet : le diplôme manque.")
        level = manifest.get("niveau")
        if level not in ClassLevel.values:
            _refuse(
                "Le fichier d'export est invalide : le niveau de classe « "
                f"{str(level)[:30]} » n'existe pas."
            )
        co_intervention = manifest.get("co_intervention", False)
        if not isinstance(co_intervention, bool):
            _refuse("Le fichier d'export est invalide : « co_intervention » vaut vrai ou faux.")
        archive = ScenarioArchive(
            title=" ".join(
                _string(manifest.get("titre"), "le titre", max_length=MAX_TITLE).split()
            ),
            co_intervention=co_intervention,
            diploma_code=_string(diploma.get("code"), "le code du diplôme", max_length=30),
            diploma_title=_string(
                diploma.get("intitule", ""), "l'intitulé du diplôme", required=False, max_length=255
            ),
            class_level=level,
            context=_context(manifest.get("contexte")),
        )
        _links(archive, manifest.get("referentiel"))
        _resources(archive, package, manifest.get("ressources"))
    except ZipRefused as refused:
        raise ArchiveRefused(refused.message) from None
    return archive
