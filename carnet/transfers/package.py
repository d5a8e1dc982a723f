"""The transfer package (format ``transfert/1``): a pupil's record, signed, in one zip.

Pure (no Django): bytes or files in, a zip out; a zip in, a checked ``Package`` or
``PackageRefused`` (a French message) out.

Layout::

    manifest.json     what the package holds (below), canonical JSON (UTF-8, sorted keys)
    manifest.sig      the Ed25519 signature of manifest.json's bytes (64 bytes)
    items/000001.json one recorded item (an evaluation's results, a passport entry…)
    files/<sha256>    one attachment, named by its SHA-256

    {"format": "transfert/1", "package": "<uuid>", "created_at": "2026-12-02T10:00:00+01:00",
     "sender": {"uai", "name", "deployment", "public_key"},
     "pupil": {"ine", "last_name", "first_name", "birth_date"},
     "items": [{"path", "kind", "key", "sha256", "size"}…],
     "files": [{"path", "sha256", "size"}…]}

Every entry of the zip is named in the manifest, with its size and SHA-256, and nothing
else is in the zip; names follow a strict pattern (no path of one's own: nothing to
traverse); sizes are bounded before a byte is inflated, and each entry is read up to its
announced size only. The signature covers the manifest, the manifest covers every byte.
"""

import datetime
import hashlib
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from carnet.transfers.signing import SigningKey, fingerprint, public_raw, verify

FORMAT = "transfert/1"
MB = 1024 * 1024
MAX_PACKAGE = 300 * MB  # the zip itself
MAX_ENTRIES = 5000
MAX_ITEM = 1 * MB
MAX_ITEMS_TOTAL = 50 * MB
MAX_FILE = 20 * MB
MAX_TOTAL = 500 * MB  # every entry inflated
MAX_RATIO = 200  # inflated / compressed, for entries above 1 MB
MAX_MANIFEST = 8 * MB
CHUNK = 1 * MB
ITEM_NAME = re.compile(r"^items/[0-9]{6}\.json$")
FILE_NAME = re.compile(r"^files/[0-9a-f]{64}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


class PackageRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def canonical(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# --- Building ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingItem:
    kind: str  # « evaluations.result », « passport.entry »…
    key: str  # stable within the sender: the same item sent twice has the same key
    data: dict  # JSON; attachments named by their SHA-256 (``files`` of the item)


@dataclass(frozen=True)
class OutgoingFile:
    sha256: str
    size: int
    open: Callable  # () → a binary file object (read in chunks)


def package_build(
    *,
    key: SigningKey,
    sender: dict,
    pupil: dict,
    items: Iterable[OutgoingItem],
    files: Iterable[OutgoingFile],
    now: datetime.datetime,
    package_id: str | None = None,
):
    """The signed package, as a temporary file positioned at its start (memory bounded:
    attachments are copied in chunks, the file spills to disk past a few megabytes)."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * MB)  # noqa: SIM115 (returned open)
    manifest = {
        "format": FORMAT,
        "package": package_id or str(uuid.uuid4()),
        "created_at": now.isoformat(timespec="seconds"),
        "sender": {**sender, "deployment": key.fingerprint, "public_key": key.public_text},
        "pupil": pupil,
        "items": [],
        "files": [],
    }
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, item in enumerate(items, start=1):
                content = canonical(item.data)
                path = f"items/{number:06d}.json"
                archive.writestr(path, content)
                manifest["items"].append(
                    {
                        "path": path,
                        "kind": item.kind,
                        "key": item.key,
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "size": len(content),
                    }
                )
            written = set()
            for attachment in files:
                if attachment.sha256 in written:
                    continue
                written.add(attachment.sha256)
                digest = hashlib.sha256()
                size = 0
                # Stored, not deflated: attachments are photos and PDFs, compressed already
                # (deflating them cost most of an export's time for nothing).
                info = zipfile.ZipInfo(f"files/{attachment.sha256}", now.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                with attachment.open() as source, archive.open(info, "w") as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        sink.write(chunk)
                if digest.hexdigest() != attachment.sha256 or size != attachment.size:
                    raise PackageRefused(
                        "Une pièce jointe du dossier ne correspond plus à son empreinte SHA-256 "
                        "enregistrée : le paquet n'a pas été créé."
                    )
                manifest["files"].append(
                    {
                        "path": f"files/{attachment.sha256}",
                        "sha256": attachment.sha256,
                        "size": size,
                    }
                )
            body = canonical(manifest)
            archive.writestr("manifest.json", body)
            archive.writestr("manifest.sig", key.sign(body))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Package:
    manifest: dict
    public_key: bytes
    items: list[dict] = field(default_factory=list)  # {"kind", "key", "data"}
    _archive: zipfile.ZipFile | None = None

    @property
    def package_id(self) -> str:
        return self.manifest["package"]

    @property
    def sender(self) -> dict:
        return self.manifest["sender"]

    @property
    def pupil(self) -> dict:
        return self.manifest["pupil"]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    def copy_file(self, sha256: str, sink) -> None:
        """Copy an attachment (checked already) into ``sink``, in chunks."""
        with self._archive.open(f"files/{sha256}") as source:
            shutil.copyfileobj(source, sink, CHUNK)


REFUSED = "Ce fichier n'est pas un paquet de transfert Carnet Pro (format transfert/1)"


def _refuse(reason: str):
    raise PackageRefused(f"{REFUSED} : {reason}. Rien n'a été importé.")


def _text(value, what: str, *, max_length: int = 200, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > max_length or (required and not value):
        _refuse(f"« {what} » manque ou n'est pas valide")
    return value


def _entry_list(manifest: dict, name: str, *, kind: re.Pattern) -> list[dict]:
    entries = manifest.get(name)
    if not isinstance(entries, list):
        _refuse(f"la liste « {name} » manque")
    for entry in entries:
        if not isinstance(entry, dict):
            _refuse(f"une entrée de « {name} » n'est pas valide")
        path = entry.get("path")
        if not isinstance(path, str) or not kind.fullmatch(path):
            _refuse(f"le nom d'une entrée de « {name} » n'est pas valide")
        if not isinstance(entry.get("sha256"), str) or not SHA256.fullmatch(entry["sha256"]):
            _refuse(f"l'empreinte SHA-256 de {path} n'est pas valide")
        size = entry.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            _refuse(f"la taille de {path} n'est pas valide")
    return entries


def _manifest(body: bytes) -> dict:
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        _refuse("son manifeste est illisible")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _refuse("son manifeste n'est pas au format transfert/1")
    _text(manifest.get("package"), "package", max_length=64)
    _text(manifest.get("created_at"), "created_at", max_length=40)
    sender, pupil = manifest.get("sender"), manifest.get("pupil")
    if not isinstance(sender, dict) or not isinstance(pupil, dict):
        _refuse("l'expéditeur ou l'élève manque")
    for name in ("uai", "name", "deployment", "public_key"):
        _text(sender.get(name), f"sender.{name}", required=name != "name")
    for name in ("ine", "last_name", "first_name", "birth_date"):
        _text(pupil.get(name), f"pupil.{name}", required=name == "ine")
    items = _entry_list(manifest, "items", kind=ITEM_NAME)
    for entry in items:
        _text(entry.get("kind"), "kind", max_length=50)
        _text(entry.get("key"), "key", max_length=100)
    _entry_list(manifest, "files", kind=FILE_NAME)
    return manifest


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as source:
        data = source.read(limit + 1)
    if len(data) > limit:
        _refuse(f"{info.filename} est plus gros qu'annoncé")
    return data


def _check_directory(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        _refuse(f"il contient plus de {MAX_ENTRIES} fichiers")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in by_name:
            _refuse(f"{name} y figure deux fois")
        if name not in ("manifest.json", "manifest.sig") and not (
            ITEM_NAME.fullmatch(name) or FILE_NAME.fullmatch(name)
        ):
            _refuse(f"il contient un fichier inattendu ({name[:80]!r})")
        if info.flag_bits & 0x1:
            _refuse("il est chiffré")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _refuse("il utilise une compression inconnue")
        limit = MAX_ITEM if name.startswith("items/") else MAX_FILE
        if name == "manifest.json":
            limit = MAX_MANIFEST
        if info.file_size > limit:
            _refuse(f"{name} est trop gros ({info.file_size // MB} Mo)")
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            _refuse("il se décompresse en bien plus que sa taille (archive piégée)")
        total += info.file_size
        by_name[name] = info
    if total > MAX_TOTAL:
        _refuse(f"il se décompresse en plus de {MAX_TOTAL // MB} Mo")
    return by_name


def _check_entry(archive, info: zipfile.ZipInfo, entry: dict) -> None:
    """The entry's bytes are exactly those the manifest announces (streamed)."""
    if info.file_size != entry["size"]:
        _refuse(f"la taille de {info.filename} ne correspond pas au manifeste")
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > entry["size"]:
                _refuse(f"{info.filename} est plus gros qu'annoncé")
            digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        _refuse(f"l'empreinte SHA-256 de {info.filename} ne correspond pas au manifeste")


def package_read(source) -> Package:
    """Open and check a package (a seekable binary file or bytes): its structure, its
    signature by the key it names, every entry against the manifest. Whether that key is
    one the receiver trusts is the caller's decision (``Package.public_key``)."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    source.seek(0, io.SEEK_END)
    if source.tell() > MAX_PACKAGE:
        _refuse(f"il dépasse {MAX_PACKAGE // MB} Mo")
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
        infos = _check_directory(archive)
        if "manifest.json" not in infos or "manifest.sig" not in infos:
            _refuse("son manifeste ou sa signature manque")
        body = _read_bounded(archive, infos["manifest.json"], MAX_MANIFEST)
        signature = _read_bounded(archive, infos["manifest.sig"], 64)
        manifest = _manifest(body)
        raw = public_raw(manifest["sender"]["public_key"])
        if raw is None or len(signature) != 64 or not verify(raw, signature, body):
            raise PackageRefused(
                "La signature de ce paquet de transfert n'est pas valide : il a été modifié "
                "après sa création, ou il est incomplet. Demandez à l'établissement d'origine "
                "de l'exporter de nouveau. Rien n'a été importé."
            )
        if manifest["sender"]["deployment"] != fingerprint(raw):
            _refuse("l'empreinte de sa clé ne correspond pas à sa clé")
        listed = {e["path"]: e for e in [*manifest["items"], *manifest["files"]]}
        if set(listed) != set(infos) - {"manifest.json", "manifest.sig"}:
            _refuse("son contenu ne correspond pas à son manifeste")
        package = Package(manifest=manifest, public_key=raw, _archive=archive)
        items_total = 0
        for path, entry in listed.items():
            _check_entry(archive, infos[path], entry)
            if path.startswith("items/"):
                items_total += entry["size"]
                if items_total > MAX_ITEMS_TOTAL:
                    _refuse("ses éléments dépassent la taille admise")
                data = json.loads(_read_bounded(archive, infos[path], MAX_ITEM).decode("utf-8"))
                if not isinstance(data, dict):
                    _refuse(f"{path} n'est pas un objet JSON")
                package.items.append({"kind": entry["kind"], "key": entry["key"], "data": data})
        return package
    except PackageRefused:
        raise
    except (*ZIP_ERRORS, UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRefused(
            f"{REFUSED} : le fichier est endommagé ou incomplet (téléchargement interrompu ?). "
            "Demandez-le de nouveau à l'établissement d'origine. Rien n'a été importé."
        ) from None
