"""Uploaded files → national files: zip unpacking, type detection by root element, dispatch."""

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from carnet.imports.parsers.common import (
    KIND_LABELS,
    VENDOR_ROOTS,
    FileKind,
    FileRefused,
    Problem,
    check_xml_envelope,
    error,
)
from carnet.imports.parsers.siecle import (
    NomenclatureFile,
    PupilsFile,
    StructuresFile,
    parse_nomenclature,
    parse_pupils,
    parse_structures,
)
from carnet.imports.parsers.sts import StsFile, parse_sts

MAX_ZIP_ENTRIES = 20
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_FILE_BYTES = 200 * 1024 * 1024

# What zipfile raises on a damaged archive: bad headers or checksum, truncated or corrupted
# data, sizes that lie, an unsupported version or compression method.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)

PARSERS = {
    FileKind.PUPILS: parse_pupils,
    FileKind.NOMENCLATURE: parse_nomenclature,
    FileKind.STRUCTURES: parse_structures,
    FileKind.STS: parse_sts,
}


@dataclass(frozen=True)
class RawFile:
    name: str  # as uploaded, with the zip's name when it came from one
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class ParsedFile:
    name: str
    size: int
    sha256: str
    kind: FileKind
    uaj: str
    school_year: int | None
    data: PupilsFile | NomenclatureFile | StructuresFile | StsFile

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def summary(self) -> dict:
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "kind": str(self.kind),
            "kind_label": self.kind_label,
            "uaj": self.uaj,
            "school_year": self.school_year,
        }


@dataclass
class ReadResult:
    files: list[ParsedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def unpack(upload: RawFile) -> list[RawFile]:
    """A zip's XML entries (junk skipped), or the file itself. Raises FileRefused."""
    if not upload.content.startswith(b"PK\x03\x04"):
        return [upload]
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.content))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except ZIP_ERRORS:
        raise FileRefused(
            error(
                "bad_zip",
                f"L'archive {upload.name} est endommagée ou incomplète : téléchargez-la de "
                "nouveau.",
            )
        ) from None
    kept = []
    for info in entries:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.filename.startswith("/") or ".." in path.parts or ":" in info.filename:
            raise FileRefused(
                error(
                    "zip_path_traversal",
                    f"L'archive {upload.name} contient un chemin interdit "
                    f"(« {info.filename} ») : elle ne vient pas de SIECLE ou STS-web.",
                )
            )
        if path.parts[0] == "__MACOSX" or any(part.startswith(".") for part in path.parts):
            continue
        kept.append(info)
    # Mac junk does not count against the limit (a Mac zip of 4 files holds 8 or more
    # entries), but an archive of thousands of junk entries is refused all the same.
    if len(kept) > MAX_ZIP_ENTRIES or len(entries) > 10 * MAX_ZIP_ENTRIES:
        raise FileRefused(
            error(
                "zip_too_many_entries",
                f"L'archive {upload.name} contient {len(kept)} fichiers (au plus "
                f"{MAX_ZIP_ENTRIES}) : déposez seulement les exports SIECLE et STS-web.",
            )
        )
    total = sum(info.file_size for info in kept)
    compressed = sum(info.compress_size for info in kept) or 1
    if total > MAX_UNCOMPRESSED or total / compressed > MAX_RATIO:
        raise FileRefused(
            error(
                "zip_bomb",
                f"L'archive {upload.name} se décompresse en un volume anormal "
                f"({total // (1024 * 1024)} Mo, taux {total // compressed}:1) : elle est refusée.",
            )
        )
    if not kept:
        raise FileRefused(
            error("zip_empty", f"L'archive {upload.name} ne contient aucun fichier à importer.")
        )
    result = []
    for info in kept:
        if info.flag_bits & 0x1:
            raise FileRefused(
                error(
                    "zip_encrypted",
                    f"L'archive {upload.name} est protégée par un mot de passe : déposez les "
                    "fichiers exportés de SIECLE ou STS-web sans mot de passe.",
                )
            )
        try:
            with archive.open(info) as handle:
                # Read at most what the header announced (+1 byte to notice a lying header).
                content = handle.read(info.file_size + 1)
        except ZIP_ERRORS:
            raise FileRefused(
                error(
                    "bad_zip",
                    f"L'archive {upload.name} est endommagée ou incomplète : téléchargez-la de "
                    "nouveau.",
                )
            ) from None
        if len(content) > info.file_size:
            raise FileRefused(
                error("zip_bomb", f"L'archive {upload.name} annonce de fausses tailles : refusée.")
            )
        result.append(RawFile(f"{upload.name} › {PurePosixPath(info.filename).name}", content))
    return result


def detect_kind(raw: RawFile) -> FileKind:
    tag = check_xml_envelope(raw.content, raw.name)
    if tag in VENDOR_ROOTS:
        raise FileRefused(
            error(
                "vendor_sts_file",
                f"Le fichier {raw.name} (racine {tag}) a été produit par un logiciel d'emploi "
                "du temps, pas par STS-web : exportez le fichier depuis STS-web "
                "(sts_emp_<UAI>_<année>.xml).",
            )
        )
    try:
        return FileKind(tag)
    except ValueError:
        raise FileRefused(
            error(
                "unknown_root",
                f"Le fichier {raw.name} (élément racine « {tag} ») n'est pas un export SIECLE "
                "(élèves, nomenclatures, structures) ni STS-web.",
            )
        ) from None


def parse_raw(raw: RawFile) -> ParsedFile:
    if len(raw.content) > MAX_FILE_BYTES:
        raise FileRefused(error("file_too_big", f"Le fichier {raw.name} dépasse 200 Mo."))
    kind = detect_kind(raw)
    data = PARSERS[kind](raw.content, raw.name)
    header = data.header
    return ParsedFile(
        name=raw.name,
        size=len(raw.content),
        sha256=raw.sha256,
        kind=kind,
        uaj=header.uaj,
        school_year=header.school_year,
        data=data,
    )


def read_uploads(uploads: list[RawFile]) -> ReadResult:
    """Every uploaded file (zips opened), parsed; every problem of every file, in one pass."""
    result = ReadResult()
    for upload in uploads:
        try:
            raws = unpack(upload)
        except FileRefused as refused:
            result.problems.append(refused.problem)
            continue
        for raw in raws:
            try:
                parsed = parse_raw(raw)
            except FileRefused as refused:
                result.problems.append(refused.problem)
                continue
            result.files.append(parsed)
            result.problems.extend(parsed.data.problems)
    return result
