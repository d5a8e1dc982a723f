"""A PDF is accepted by what it is, read from its bytes: never by its name or declared type.

It must begin with ``%PDF-`` and end with ``%%EOF``; outside its streams (where a PDF's
dictionaries and comments are) it must hold no HTML and no active content: JavaScript,
launch actions, embedded files, rich media. The dictionaries a PDF packs into compressed
object streams (``/ObjStm``) are inflated, within a budget, and read the same way; a name
written with ``#xx`` escapes (``/J#61vaScript``) is read decoded. An encrypted PDF cannot
be read so: it is refused.

Pure: bytes in, or ``PdfRefused`` with a French message.
"""

import re
import zlib

from carnet.establishments.images import POLYGLOT_MARKERS

# Names that make a PDF do something rather than show something.
ACTIVE_NAMES = {
    b"JavaScript": "du code JavaScript",
    b"JS": "du code JavaScript",
    b"Launch": "une commande qui lance un programme",
    b"EmbeddedFile": "des fichiers cachés",
    b"EmbeddedFiles": "des fichiers cachés",
    b"RichMedia": "des médias actifs (Flash)",
    b"XFA": "un formulaire dynamique (XFA)",
}
STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r)")
NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# All the object streams of one PDF, inflated, at most this much (a bomb inflates gigabytes).
INFLATE_BUDGET = 64 * 1024 * 1024
HTML_START = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|!--)", re.IGNORECASE)


class PdfRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


SPECIAL = re.compile(rb"[(%]")
LINE_END = re.compile(rb"[\r\n]")


def _code(chunk: bytes) -> bytes:
    """``chunk`` without its comments and literal strings: only names there are PDF names (a
    URL written in a string may well hold « /JS/ »)."""
    out = bytearray()
    position, length = 0, len(chunk)
    while position < length:
        match = SPECIAL.search(chunk, position)
        if match is None:
            out += chunk[position:]
            break
        out += chunk[position : match.start()]
        if chunk[match.start()] == ord("%"):
            end = LINE_END.search(chunk, match.start())
            position = end.start() if end else length
            continue
        depth, index = 0, match.start()
        while index < length:
            char = chunk[index]
            if char == 0x5C:  # backslash: the next byte is escaped
                index += 2
                continue
            if char == 0x28:
                depth += 1
            elif char == 0x29:
                depth -= 1
                if depth == 0:
                    index += 1
                    break
            index += 1
        out += b" "
        position = index
    return bytes(out)


def _names(chunk: bytes) -> set[bytes]:
    return {
        HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        for name in NAME.findall(_code(chunk))
    }


def _split(data: bytes) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
    """The parts of the file outside streams, and each stream as (its dictionary, its body)."""
    outside, streams = [], []
    position = 0
    for match in STREAM.finditer(data):
        if match.start() < position:
            continue
        before = data[position : match.start()]
        outside.append(before)
        opening = before.rfind(b"obj")
        dictionary = before[opening:] if opening >= 0 else before[-4096:]
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        streams.append((dictionary, data[match.end() : end]))
        position = end + len(b"endstream")
    outside.append(data[position:])
    return outside, streams


def _inflate(body: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(body, budget + 1)
    except zlib.error:
        raise PdfRefused(
            "Le PDF est endommagé (un flux compressé est illisible) : enregistrez-le de nouveau "
            "ou imprimez-le en PDF."
        ) from None
    if len(content) > budget:
        raise PdfRefused("Le PDF se décompresse en un volume anormal : il est refusé.")
    return content


def _check_dictionaries(chunk: bytes) -> None:
    for name in _names(chunk):
        if name in ACTIVE_NAMES:
            raise PdfRefused(
                f"Le PDF contient {ACTIVE_NAMES[name]} : il est refusé. Imprimez-le en PDF "
                "(« Imprimer › Enregistrer au format PDF ») pour n'en garder que les pages."
            )


def check_pdf(data: bytes) -> None:
    if HTML_START.match(data[:1024]):
        raise PdfRefused(
            "Ce fichier est une page HTML ou une image SVG, pas un PDF : il est refusé."
        )
    if not data.startswith(b"%PDF-"):
        raise PdfRefused("Ce fichier n'est pas un PDF valide (il ne commence pas comme un PDF).")
    if b"%%EOF" not in data[-2048:]:
        raise PdfRefused(
            "Le PDF est incomplet ou endommagé : enregistrez-le de nouveau puis réessayez."
        )
    outside, streams = _split(data)
    for chunk in outside:
        if POLYGLOT_MARKERS.search(chunk):
            raise PdfRefused(
                "Le PDF contient du code HTML ou un script caché : il est refusé. Imprimez-le "
                "en PDF pour n'en garder que les pages."
            )
        if b"Encrypt" in _names(chunk):
            raise PdfRefused(
                "Le PDF est protégé (chiffré) : son contenu ne peut pas être vérifié. "
                "Enregistrez-en une copie sans protection."
            )
        _check_dictionaries(chunk)
    budget = INFLATE_BUDGET
    for dictionary, body in streams:
        names = _names(dictionary)
        if b"ObjStm" not in names:
            continue
        filters = names & {
            b"FlateDecode", b"LZWDecode", b"ASCIIHexDecode", b"ASCII85Decode", b"RunLengthDecode",
            b"CCITTFaxDecode", b"JBIG2Decode", b"DCTDecode", b"JPXDecode", b"Crypt", b"Fl",
        }  # fmt: skip
        if filters and filters != {b"FlateDecode"}:
            raise PdfRefused(
                "Le PDF a une structure inhabituelle qui ne peut pas être vérifiée : imprimez-le "
                "en PDF puis réessayez."
            )
        content = _inflate(body, budget) if filters else body
        budget -= len(content)
        _check_dictionaries(content)
        if POLYGLOT_MARKERS.search(content):
            raise PdfRefused(
                "Le PDF contient du code HTML ou un script caché : il est refusé. Imprimez-le "
                "en PDF pour n'en garder que les pages."
            )
