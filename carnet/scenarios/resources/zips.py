"""Reading a zip that came from outside (an office document, an exported scenario) safely.

Everything is decided from the central directory before a byte is inflated — how many
entries, their names (no absolute path, no « .. », no drive, no backslash, no control
character, no duplicate), no encryption, only the stored and deflate methods, announced
sizes (each, all together, and the compression ratio: a zip bomb announces gigabytes for
a few kilobytes) — and each entry is then read up to the size its header announced, plus
one byte to catch a header that lies. zipfile checks each entry's CRC at its end.

Pure: bytes in, bytes out, or ``ZipRefused`` with a French message.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

MB = 1024 * 1024
# What zipfile raises on a damaged archive: bad headers or checksum, truncated or corrupted
# data, an unsupported version or method.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


class ZipRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_total: int  # bytes, all entries inflated
    max_entry: int  # bytes, one entry inflated
    max_ratio: int = 100  # inflated / compressed, for archives above ``ratio_from`` bytes
    ratio_from: int = 2 * MB


def _name_problem(name: str) -> bool:
    if not name or len(name) > 255 or "\\" in name or ":" in name or name.startswith("/"):
        return True
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return True
    return ".." in PurePosixPath(name).parts


class SafeZip:
    """A zip whose directory passed the checks; ``read(name)`` reads one entry, bounded."""

    def __init__(self, archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], what: str):
        self._archive = archive
        self._infos = infos
        self.what = what

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def info(self, name: str) -> zipfile.ZipInfo:
        return self._infos[name]

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def read(self, name: str) -> bytes:
        info = self._infos[name]
        try:
            with self._archive.open(info) as handle:
                content = handle.read(info.file_size + 1)
        except ZIP_ERRORS:
            raise ZipRefused(
                f"{self.what} est endommagé ou incomplet : enregistrez-le de nouveau."
            ) from None
        if len(content) != info.file_size:
            raise ZipRefused(f"{self.what} annonce de fausses tailles : il est refusé.")
        return content


def open_zip(data: bytes, *, limits: ZipLimits, what: str) -> SafeZip:
    """The archive ``data`` once its directory passed every check. ``what`` names it in the
    messages (« Le document », « Le fichier d'export »)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS:
        raise ZipRefused(
            f"{what} est endommagé ou incomplet : enregistrez-le de nouveau."
        ) from None
    files = [info for info in infos if not info.is_dir()]
    if len(files) > limits.max_entries or len(infos) > 2 * limits.max_entries:
        raise ZipRefused(
            f"{what} contient {len(files)} fichiers internes (au plus {limits.max_entries}) : "
            "il est refusé."
        )
    kept: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if _name_problem(info.filename):
            raise ZipRefused(
                f"{what} contient un chemin interdit (« {info.filename[:100]} ») : il est refusé."
            )
        if info.is_dir():
            continue
        if info.filename in kept:
            raise ZipRefused(
                f"{what} contient deux fois le fichier interne « {info.filename[:100]} » : "
                "il est refusé."
            )
        if info.flag_bits & 0x1:
            raise ZipRefused(
                f"{what} est protégé par un mot de passe : enregistrez-le sans mot de passe."
            )
        if info.compress_type not in METHODS:
            raise ZipRefused(
                f"{what} utilise une compression inhabituelle : enregistrez-le de nouveau "
                "depuis votre logiciel."
            )
        if info.file_size > limits.max_entry:
            raise ZipRefused(_bomb(what, info.file_size, max(info.compress_size, 1)))
        if (
            info.file_size > limits.ratio_from
            and info.file_size / max(info.compress_size, 1) > limits.max_ratio
        ):
            raise ZipRefused(_bomb(what, info.file_size, max(info.compress_size, 1)))
        kept[info.filename] = info
    total = sum(info.file_size for info in kept.values())
    compressed = sum(info.compress_size for info in kept.values()) or 1
    if total > limits.max_total or (
        total > limits.ratio_from and total / compressed > limits.max_ratio
    ):
        raise ZipRefused(_bomb(what, total, compressed))
    return SafeZip(archive, kept, what)


def _bomb(what: str, size: int, compressed: int) -> str:
    return (
        f"{what} se décompresse en un volume anormal ({size // MB} Mo, taux "
        f"{size // compressed}:1) : il est refusé."
    )
