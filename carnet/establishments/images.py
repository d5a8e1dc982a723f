"""Logo and stamp images: decoded, checked and re-encoded by Pillow before anything is stored.

``clean_image`` is pure (bytes in, clean bytes out, or ``ImageRefused`` with a French
message); storage is done by the services.
"""

import io
import re
import struct
from dataclasses import dataclass

from PIL import ExifTags, Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg"}

# Markup or script inside an image file: the mark of a polyglot (an image that a browser
# or another program could also read as HTML, SVG or script). A tag name counts only when
# it ends as in HTML (space, « / » or « > »): the compressed pixels of a genuine photo
# would otherwise spell « <svg » or « <body » now and then (about 1 in 150 files of 2 Mo).
POLYGLOT_MARKERS = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|!doctype)[\s/>]|<\?php\s|javascript:",
    re.IGNORECASE,
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# EXIF orientation → the transposition that shows the picture upright.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    content_type: str
    width: int
    height: int


# Truncation is found from the file's structure (its end marker), not only by Pillow: Pillow's
# process-wide ImageFile.LOAD_TRUNCATED_IMAGES may be switched on by another library
# (WeasyPrint's import does it), and would then let a truncated image through.
TRUNCATED = -1


def _png_trailing_bytes(data: bytes) -> int:
    """Bytes after the IEND chunk of a PNG (0 for a well-formed file, TRUNCATED if none)."""
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunk_type = data[offset + 4 : offset + 8]
        offset += 12 + length
        if chunk_type == b"IEND":
            return max(0, len(data) - offset) if offset <= len(data) else TRUNCATED
    return TRUNCATED


def _jpeg_trailing_bytes(data: bytes) -> int:
    """Bytes after the last end-of-image marker (0 when well-formed, TRUNCATED if none)."""
    stripped = data.rstrip(b"\x00")
    if stripped.endswith(b"\xff\xd9"):
        return 0
    end = stripped.rfind(b"\xff\xd9")
    return len(stripped) - (end + 2) if end >= 0 else TRUNCATED


TOO_BIG = "Le fichier pèse plus de 2 Mo, la taille maximale. Réduisez l'image avant de la déposer."


def check_size(size: int, *, max_bytes: int = MAX_BYTES) -> None:
    """Refuse by size alone, before reading the file."""
    if size == 0:
        raise ImageRefused("Le fichier est vide. Choisissez une image PNG ou JPEG.")
    if size > max_bytes:
        size_mb = f"{size / (1024 * 1024):.1f}".replace(".", ",")
        raise ImageRefused(
            f"Le fichier pèse {size_mb} Mo : la taille maximale est de "
            f"{max_bytes // (1024 * 1024)} Mo. Réduisez l'image avant de la déposer."
        )


def clean_image(data: bytes, *, max_bytes: int = MAX_BYTES) -> CleanImage:
    """``max_bytes``: 2 Mo for a logo or a stamp; other uploads (a scenario's resources)
    may allow more. The limit on pixels (MAX_SIDE) is the same for all."""
    check_size(len(data), max_bytes=max_bytes)
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head:
        raise ImageRefused(
            "Les images SVG ou HTML ne sont pas acceptées. Choisissez une image PNG ou JPEG."
        )
    try:
        # Pillow warns (DecompressionBombWarning) or raises for huge images; the header's
        # size is refused below before any pixel is decoded.
        image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
        # A phone's multi-picture JPEG (MPO) is a JPEG: its first picture is kept.
        fmt = "JPEG" if image.format == "MPO" else image.format
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE:
            raise ImageRefused(
                f"L'image mesure {width} × {height} pixels : la taille maximale est de "
                f"{MAX_SIDE} × {MAX_SIDE} pixels. Réduisez-la avant de la déposer."
            )
        image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(
            f"L'image est beaucoup trop grande : la taille maximale est de {MAX_SIDE} × "
            f"{MAX_SIDE} pixels. Réduisez-la avant de la déposer."
        ) from None
    except UnidentifiedImageError:
        raise ImageRefused(
            "Ce fichier n'est pas une image PNG ou JPEG valide. Choisissez une image PNG ou JPEG."
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError):
        raise ImageRefused(
            "L'image est incomplète ou endommagée. Enregistrez-la de nouveau puis réessayez."
        ) from None
    trailing = _png_trailing_bytes(data) if fmt == "PNG" else _jpeg_trailing_bytes(data)
    if trailing == TRUNCATED:
        raise ImageRefused(
            "L'image est incomplète ou endommagée. Enregistrez-la de nouveau puis réessayez."
        )
    if trailing or POLYGLOT_MARKERS.search(data):
        raise ImageRefused(
            "Ce fichier contient autre chose qu'une image (données cachées ou code). "
            "Enregistrez l'image de nouveau depuis un logiciel de dessin puis réessayez."
        )
    return _reencode(image, fmt)


def _orientation(image: Image.Image) -> object:
    """The EXIF orientation, or None when the EXIF cannot be read (it is dropped anyway)."""
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except (SyntaxError, ValueError, TypeError, KeyError, struct.error, OSError):
        return None


def _reencode(image: Image.Image, fmt: str) -> CleanImage:
    # Not ImageOps.exif_transpose: it writes the EXIF back, which fails on odd values.
    transpose = UPRIGHT.get(_orientation(image))
    if transpose is not None:
        image = image.transpose(transpose)
    if image.mode.startswith("I"):
        # 16-bit (or 32-bit) grey: scaled to 8 bits; a plain convert would clip it to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if fmt == "JPEG":
        mode = "RGB" if image.mode not in {"L", "RGB"} else image.mode
        pixels = image.convert(mode)
    else:
        has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
        mode = "RGBA" if has_alpha else ("L" if image.mode in {"1", "L"} else "RGB")
        pixels = image.convert(mode)
    # A fresh image from the pixels alone: no EXIF, no ICC, no text chunk, nothing but pixels.
    fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        fresh.save(out, format="JPEG", quality=90, optimize=True)
    else:
        fresh.save(out, format="PNG", optimize=True)
    return CleanImage(
        content=out.getvalue(),
        extension=ALLOWED_FORMATS[fmt],
        content_type="image/jpeg" if fmt == "JPEG" else "image/png",
        width=fresh.width,
        height=fresh.height,
    )
