"""clean_image: what is accepted, what is refused (and with which message), what is stored.

Every file of the corpus is built here, with Pillow or by hand; the corpus builders are
also used by test_logo.py. The decompression bomb is a real 30,000 × 30,000 PNG, whose
IDAT (rows of zeros) compresses to about 100 KB: it is never decoded.
"""

import functools
import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFile, PngImagePlugin

from carnet.establishments.images import MAX_BYTES, ImageRefused, check_size, clean_image

# Expected messages (parts of them).
NOT_AN_IMAGE = "Ce fichier n'est pas une image PNG ou JPEG valide."
SVG_OR_HTML = "Les images SVG ou HTML ne sont pas acceptées."
DAMAGED = "L'image est incomplète ou endommagée."
HIDDEN = "Ce fichier contient autre chose qu'une image (données cachées ou code)."
BOMB = "L'image est beaucoup trop grande : la taille maximale est de 4000 × 4000 pixels."
EMPTY = "Le fichier est vide."
TOO_HEAVY = "la taille maximale est de 2 Mo"


# --- Corpus builders ------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def picture(size=(120, 80)) -> Image.Image:
    """A small logo-like RGB picture: two colours and a disc, so pixels can be checked."""
    image = Image.new("RGB", size, (0, 70, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1]), fill=(230, 30, 30))
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="white")
    return image


def noise(size) -> Image.Image:
    """Incompressible RGB pixels (a photo's worst case)."""
    return Image.merge("RGB", [Image.effect_noise(size, 100) for _ in range(3)])


def good_png() -> bytes:
    return encode(picture(), "PNG")


def good_jpeg() -> bytes:
    return encode(picture((160, 120)), "JPEG", quality=90)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def handmade_png(
    width: int, height: int, idat: bytes, *, bit_depth: int = 8, colour: int = 0
) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def bomb_png(side: int = 30_000) -> bytes:
    """A valid 1-bit side × side PNG of zeros: ~110 KB on disk, side² pixels once decoded."""
    compressor = zlib.compressobj(9)
    row = bytes(1 + (side + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return handmade_png(side, side, idat, bit_depth=1)


def header_only_png(width: int, height: int) -> bytes:
    """A PNG claiming width × height with a single row of pixel data."""
    return handmade_png(width, height, zlib.compress(bytes(1 + width)))


@functools.cache
def heavy_jpeg() -> bytes:
    """A genuine JPEG of more than 3 Mo (1,700 × 1,700 pixels of noise)."""
    data = encode(noise((1700, 1700)), "JPEG", quality=95)
    assert len(data) > 3 * 1024 * 1024
    return data


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<rect width="100" height="100" fill="red"/>'
        b"<script>fetch('/api/?c=' + document.cookie)</script></svg>"
    )


def html_named_png() -> bytes:
    """What a file « logo.png » holds when it is in fact a web page."""
    return b"<!DOCTYPE html>\n<html><body><script>alert(document.domain)</script></body></html>"


def truncated_png() -> bytes:
    data = encode(noise((200, 200)), "PNG")
    return data[: len(data) // 2]


def truncated_jpeg() -> bytes:
    data = encode(noise((200, 200)), "JPEG")
    return data[: len(data) // 2]


def gif_with_script() -> bytes:
    return encode(picture().convert("P"), "GIF", comment=b"<script>alert(1)</script>")


def png_with_html_after_iend() -> bytes:
    return good_png() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_with_script_in_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    return encode(picture(), "PNG", pnginfo=info)


def jpeg_with_html_after_eoi() -> bytes:
    return good_jpeg() + b"<html><script>alert(1)</script></html>"


def jpeg_with_php_comment() -> bytes:
    return encode(picture(), "JPEG", comment=b"<?php system($_GET['c']); ?>")


def png_with_zip_after_iend() -> bytes:
    return good_png() + b"PK\x03\x04" + bytes(40)


def exif_with_camera_and_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS 5D Mark IV"  # Model
    exif[0x0131] = "Adobe Photoshop 25.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (45.0, 45.0, 36.0)  # GPSLatitude: Lyon
    gps[3] = "E"
    gps[4] = (4.0, 50.0, 31.0)
    return exif


def jpeg_with_exif() -> bytes:
    return encode(picture(), "JPEG", exif=exif_with_camera_and_gps(), dpi=(300, 300))


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jean Dupont, 12 rue des Lilas")
    info.add_text("Description", "Cachet du lycée, version interne", zip=True)
    info.add_itxt("Comment", "Scanné le 3 mars")
    return encode(picture(), "PNG", pnginfo=info)


def cmyk_jpeg() -> bytes:
    return encode(picture().convert("CMYK"), "JPEG")


def palette_png_with_transparency() -> bytes:
    """Palette PNG: index 0 (left half) transparent, index 1 (right half) opaque blue."""
    image = Image.new("P", (60, 40), 1)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    ImageDraw.Draw(image).rectangle((0, 0, 29, 39), fill=0)
    return encode(image, "PNG", transparency=0)


def mpo() -> bytes:
    """A phone's multi-picture JPEG: two pictures in one file."""
    return encode(picture(), "MPO", save_all=True, append_images=[noise((120, 80))])


def tiff_exif(orientation: int, gps_version: int | None = None) -> bytes:
    """Raw EXIF: Orientation, and a GPS directory whose BYTE tag holds a SHORT (if given)."""

    def entry(tag, kind, value):
        return struct.pack(">HHI", tag, kind, 1) + value

    entries = [entry(0x0112, 3, struct.pack(">HH", orientation, 0))]
    gps = b""
    if gps_version is not None:
        entries.append(entry(0x8825, 4, struct.pack(">I", 38)))
        gps = struct.pack(">H", 1) + entry(0, 3, struct.pack(">HH", gps_version, 0)) + bytes(4)
    return (
        b"Exif\x00\x00MM\x00\x2a"
        + struct.pack(">I", 8)
        + struct.pack(">H", len(entries))
        + b"".join(entries)
        + bytes(4)
        + gps
    )


def png_with_corrupt_exif() -> bytes:
    """An eXIf chunk that is not TIFF data at all."""
    data = good_png()
    after_ihdr = 8 + 25
    return data[:after_ihdr] + png_chunk(b"eXIf", b"garbage, not TIFF") + data[after_ihdr:]


def jpeg_with_corrupt_exif() -> bytes:
    """An APP1 Exif segment holding no TIFF data (in a JPEG with a JFIF resolution)."""
    data = encode(picture(), "JPEG", dpi=(72, 72))
    payload = b"Exif\x00\x00garbage, not TIFF"
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + app1 + data[2:]


def rotated_jpeg_with_odd_exif() -> bytes:
    """Orientation 6 (turn 90°) next to a GPS value Pillow cannot write back."""
    return encode(picture((40, 10)), "JPEG", exif=tiff_exif(6, gps_version=300))


def raw_grey_png(pixels: bytes) -> bytes:
    """A 1-row greyscale PNG stored without compression nor filter: pixels appear as is."""
    return handmade_png(len(pixels), 1, zlib.compress(b"\x00" + pixels, 0))


# --- Helpers --------------------------------------------------------------------------


def refusal(data: bytes) -> str:
    with pytest.raises(ImageRefused) as caught:
        clean_image(data)
    return caught.value.message


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if Pillow starts decoding pixels."""

    def load(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


# --- Tests ----------------------------------------------------------------------------


class TestAccepted:
    def test_good_png_is_reencoded_as_png(self):
        data = good_png()
        clean = clean_image(data)
        assert (clean.extension, clean.content_type) == ("png", "image/png")
        assert (clean.width, clean.height) == (120, 80)
        image = reopen(clean.content)
        assert image.format == "PNG"
        assert image.size == (120, 80)
        assert image.convert("RGB").getpixel((5, 5)) == (230, 30, 30)
        assert image.convert("RGB").getpixel((115, 5)) == (0, 70, 160)

    def test_good_jpeg_is_reencoded_as_jpeg(self):
        clean = clean_image(good_jpeg())
        assert (clean.extension, clean.content_type) == ("jpg", "image/jpeg")
        image = reopen(clean.content)
        assert image.format == "JPEG"
        assert image.size == (160, 120) == (clean.width, clean.height)
        red = image.getpixel((5, 5))
        assert red[0] > 200 and red[1] < 60 and red[2] < 60

    def test_the_stored_bytes_are_pillow_s_not_the_uploaded_ones(self):
        data = good_png()
        clean = clean_image(data)
        assert clean.content != data

    def test_cmyk_jpeg_is_accepted_and_stored_in_rgb(self):
        clean = clean_image(cmyk_jpeg())
        image = reopen(clean.content)
        assert (image.format, image.mode) == ("JPEG", "RGB")
        assert image.size == (120, 80)

    def test_palette_png_keeps_its_transparency(self):
        clean = clean_image(palette_png_with_transparency())
        image = reopen(clean.content)
        assert (image.format, image.mode) == ("PNG", "RGBA")
        assert image.getpixel((5, 5))[3] == 0
        assert image.getpixel((50, 5)) == (0, 0, 255, 255)

    def test_greyscale_jpeg_stays_greyscale(self):
        clean = clean_image(encode(picture().convert("L"), "JPEG"))
        assert reopen(clean.content).mode == "L"

    @pytest.mark.parametrize("size", [(4000, 10), (10, 4000)])
    def test_4000_pixels_on_a_side_is_the_limit(self, size):
        clean = clean_image(encode(Image.new("L", size, 128), "PNG"))
        assert (clean.width, clean.height) == size

    def test_exactly_2_mo_passes_the_size_check(self):
        check_size(MAX_BYTES)  # no exception
        check_size(1)

    def test_multi_picture_jpeg_from_a_phone_keeps_its_first_picture(self):
        clean = clean_image(mpo())
        image = reopen(clean.content)
        assert (clean.extension, image.format) == ("jpg", "JPEG")
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == (120, 80)
        assert image.getpixel((5, 5))[0] > 200  # the first picture, not the noise

    def test_genuine_pixels_that_happen_to_spell_a_tag_name_are_not_taken_for_markup(self):
        pixels = b"<bodyQ<scriptZ<iframe1<html_<objectA"
        clean = clean_image(raw_grey_png(pixels))
        assert (clean.width, clean.height) == (len(pixels), 1)


class TestMetadataIsStripped:
    def test_jpeg_exif_with_camera_and_gps_is_gone(self):
        data = jpeg_with_exif()
        assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "Canon"  # the fixture has it
        clean = clean_image(data)
        image = reopen(clean.content)
        assert not image.getexif()
        assert "exif" not in image.info
        for trace in (b"Exif", b"Canon", b"EOS 5D", b"Photoshop"):
            assert trace not in clean.content

    def test_png_text_chunks_are_gone(self):
        data = png_with_text()
        assert Image.open(io.BytesIO(data)).text["Author"].startswith("Jean Dupont")
        clean = clean_image(data)
        assert reopen(clean.content).text == {}
        for chunk in (b"tEXt", b"zTXt", b"iTXt", b"Jean Dupont", b"Scann"):
            assert chunk not in clean.content

    def test_icc_profile_and_comment_are_gone(self):
        data = encode(picture(), "JPEG", icc_profile=b"\x00" * 128, comment=b"Service com")
        clean = clean_image(data)
        image = reopen(clean.content)
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
        assert b"Service com" not in clean.content

    def test_exif_orientation_is_applied_then_dropped(self):
        exif = Image.Exif()
        exif[0x0112] = 6  # shown turned 90° clockwise
        clean = clean_image(encode(picture((40, 10)), "JPEG", exif=exif))
        assert (clean.width, clean.height) == (10, 40)
        assert not reopen(clean.content).getexif()

    @pytest.mark.parametrize(
        "builder", [png_with_corrupt_exif, jpeg_with_corrupt_exif], ids=["png", "jpeg"]
    )
    def test_unreadable_exif_does_not_break_the_upload(self, builder):
        clean = clean_image(builder())
        assert (clean.width, clean.height) == (120, 80)
        assert not reopen(clean.content).getexif()

    def test_exif_pillow_cannot_write_back_does_not_break_the_upload(self):
        clean = clean_image(rotated_jpeg_with_odd_exif())
        assert (clean.width, clean.height) == (10, 40)  # orientation still applied
        assert not reopen(clean.content).getexif()


class TestRefused:
    @pytest.mark.parametrize(
        ("builder", "message"),
        [
            (svg_with_script, SVG_OR_HTML),
            (html_named_png, SVG_OR_HTML),
            (truncated_png, DAMAGED),
            (truncated_jpeg, DAMAGED),
            (gif_with_script, NOT_AN_IMAGE),
            (png_with_html_after_iend, HIDDEN),
            (png_with_script_in_text, HIDDEN),
            (png_with_zip_after_iend, HIDDEN),
            (jpeg_with_html_after_eoi, HIDDEN),
            (jpeg_with_php_comment, HIDDEN),
        ],
        ids=lambda value: getattr(value, "__name__", "message"),
    )
    def test_refused_with_its_message(self, builder, message):
        text = refusal(builder())
        assert message in text
        # Each message says what to do next.
        assert any(verb in text for verb in ("Choisissez", "Enregistrez", "Réduisez"))

    def test_svg_without_xml_declaration(self):
        data = b"<!-- logo -->\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
        assert SVG_OR_HTML in refusal(data)

    def test_markup_hidden_in_uncompressed_pixels(self):
        assert HIDDEN in refusal(raw_grey_png(b"<script>alert(1)</script>"))

    @pytest.mark.parametrize(
        "data",
        [
            encode(picture(), "GIF"),
            encode(picture(), "BMP"),
            encode(picture(), "TIFF"),
            encode(picture(), "WEBP"),
            b"just some text, not an image",
            bytes(range(256)) * 4,
        ],
        ids=["gif", "bmp", "tiff", "webp", "text", "binary"],
    )
    def test_other_formats(self, data):
        assert NOT_AN_IMAGE in refusal(data)

    def test_empty_file(self):
        assert refusal(b"") == "Le fichier est vide. Choisissez une image PNG ou JPEG."


class TestSizeLimits:
    def test_30000_pixels_bomb_is_refused_without_decoding(self, no_decoding):
        data = bomb_png()
        assert len(data) < 200_000  # small on disk…
        assert refusal(data).startswith(BOMB)

    def test_the_bomb_of_the_corpus_is_a_real_one(self):
        data = bomb_png()
        assert struct.unpack(">II", data[16:24]) == (30_000, 30_000)
        # …and its IDAT inflates to every row (counted by chunks, never held in memory).
        idat_length = struct.unpack(">I", data[33:37])[0]
        stream, inflated = zlib.decompressobj(), 0
        pending = data[41 : 41 + idat_length]
        while pending:
            inflated += len(stream.decompress(pending, 1 << 20))
            pending = stream.unconsumed_tail
        assert stream.eof
        assert inflated == 30_000 * (1 + 30_000 // 8)

    def test_bomb_between_pillow_s_warning_and_error_limits(self, no_decoding):
        # 10,000 × 10,000: above Pillow's warning threshold, below its hard limit.
        assert refusal(header_only_png(10_000, 10_000)).startswith(BOMB)

    @pytest.mark.parametrize(
        ("size", "said"),
        [((4001, 10), "4001 × 10"), ((10, 4001), "10 × 4001"), ((5000, 5000), "5000 × 5000")],
    )
    def test_more_than_4000_pixels_on_a_side(self, size, said, no_decoding):
        assert refusal(header_only_png(*size)) == (
            f"L'image mesure {said} pixels : la taille maximale est de 4000 × 4000 pixels. "
            "Réduisez-la avant de la déposer."
        )

    def test_real_4001_pixels_image(self):
        assert "4001 × 10" in refusal(encode(Image.new("L", (4001, 10)), "PNG"))

    def test_3_mo_jpeg_is_refused_before_pillow_opens_it(self, monkeypatch):
        data = heavy_jpeg()

        def never(*args, **kwargs):
            raise AssertionError("Pillow opened a file that is too heavy")

        monkeypatch.setattr(Image, "open", never)
        size = f"{len(data) / (1024 * 1024):.1f}".replace(".", ",")
        assert refusal(data) == (
            f"Le fichier pèse {size} Mo : la taille maximale est de 2 Mo. "
            "Réduisez l'image avant de la déposer."
        )

    def test_one_byte_over_2_mo(self):
        with pytest.raises(ImageRefused) as caught:
            check_size(MAX_BYTES + 1)
        assert TOO_HEAVY in caught.value.message
        assert "2,0 Mo" in caught.value.message  # French decimal comma


class TestSixteenBitGrey:
    def test_16_bit_grey_png_keeps_its_shades(self):
        source = Image.new("I;16", (8, 8), 30000)
        buffer = io.BytesIO()
        source.save(buffer, format="PNG")
        clean = clean_image(buffer.getvalue())
        stored = Image.open(io.BytesIO(clean.content))
        assert stored.mode == "L"
        assert stored.getpixel((0, 0)) == 30000 // 256


class TestTruncationWhateverPillowsFlag:
    """WeasyPrint's import switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process:
    truncated files must still be refused."""

    @pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
    def test_truncated_refused_with_the_flag_on(self, monkeypatch, fmt):
        monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
        buffer = io.BytesIO()
        Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, format=fmt)
        data = buffer.getvalue()
        with pytest.raises(ImageRefused, match="incomplète ou endommagée"):
            clean_image(data[: len(data) * 2 // 3])
