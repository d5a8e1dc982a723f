"""The transfer package on its own: built and read back, and every hostile package refused
with a French message (tampered, truncated, a zip bomb, a traversing name, an unknown entry,
a missing one, a key that does not match its fingerprint…)."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.core.registry import TransferFile
from carnet.transfers.package import (
    OutgoingItem,
    PackageRefused,
    canonical,
    package_build,
    package_read,
)
from carnet.transfers.signing import load_or_create

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
PHOTO = b"\x89PNG" + b"pixels" * 2000


@pytest.fixture
def key(tmp_path):
    return load_or_create(tmp_path / "cle.pem")


def build(key, items=None, files=None) -> bytes:
    attachment = TransferFile(
        hashlib.sha256(PHOTO).hexdigest(), len(PHOTO), lambda: io.BytesIO(PHOTO)
    )
    with package_build(
        key=key,
        sender={"uai": "0442953W", "name": "Lycée professionnel A"},
        pupil={"ine": "123456789AB", "last_name": "NOM", "first_name": "Léa", "birth_date": ""},
        items=items if items is not None else [OutgoingItem("evaluations.result", "e-1", {"a": 1})],
        files=files if files is not None else [attachment],
        now=NOW,
    ) as out:
        return out.read()


def rewrite(data: bytes, change) -> bytes:
    """The same zip, entries passed through ``change(name, content) → (name, content) | None``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            changed = change(info.filename, source.read(info))
            if changed is not None:
                target.writestr(changed[0], changed[1])
    return out.getvalue()


def refused(data) -> str:
    with pytest.raises(PackageRefused) as caught:
        package_read(data)
    assert "Rien n'a été importé" in caught.value.message
    return caught.value.message


class TestRoundTrip:
    def test_built_then_read(self, key):
        package = package_read(build(key))
        assert package.sender["uai"] == "0442953W"
        assert package.pupil["ine"] == "123456789AB"
        assert package.items == [{"kind": "evaluations.result", "key": "e-1", "data": {"a": 1}}]
        assert package.fingerprint == key.fingerprint
        sink = io.BytesIO()
        package.copy_file(hashlib.sha256(PHOTO).hexdigest(), sink)
        assert sink.getvalue() == PHOTO

    def test_the_same_attachment_is_carried_once(self, key):
        same = TransferFile(
            hashlib.sha256(PHOTO).hexdigest(), len(PHOTO), lambda: io.BytesIO(PHOTO)
        )
        package = package_read(build(key, files=[same, same]))
        assert len(package.files) == 1

    @settings(max_examples=25, deadline=None)
    @given(st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=5))
    def test_any_item_data_comes_back_as_sent(self, tmp_path_factory, data):
        key = load_or_create(tmp_path_factory.mktemp("k") / "cle.pem")
        package = package_read(build(key, items=[OutgoingItem("k", "1", data)], files=[]))
        assert package.items[0]["data"] == data

    def test_an_attachment_changed_since_its_digest_is_not_packed(self, key):
        liar = TransferFile("0" * 64, len(PHOTO), lambda: io.BytesIO(PHOTO))
        with pytest.raises(PackageRefused, match="empreinte SHA-256"):
            build(key, files=[liar])


class TestHostilePackages:
    def test_a_tampered_manifest(self, key):
        data = rewrite(
            build(key),
            lambda n, c: (
                (n, c.replace(b"123456789AB", b"123456789AC")) if n == "manifest.json" else (n, c)
            ),
        )
        assert "La signature de ce paquet de transfert n'est pas valide" in refused(data)

    def test_replayed_for_another_pupil_breaks_the_signature(self, key):
        """Changing the INE the package is for (to use it for another pupil) is a change of
        the signed manifest."""
        data = rewrite(
            build(key),
            lambda n, c: (
                (n, c.replace(b"123456789AB", b"987654321AB")) if n == "manifest.json" else (n, c)
            ),
        )
        with pytest.raises(PackageRefused, match="signature"):
            package_read(data)

    def test_a_tampered_item(self, key):
        data = rewrite(
            build(key), lambda n, c: (n, b'{"a":2}') if n.startswith("items/") else (n, c)
        )
        assert "ne correspond pas au manifeste" in refused(data)

    def test_a_tampered_attachment(self, key):
        data = rewrite(
            build(key), lambda n, c: (n, c[:-1] + b"!") if n.startswith("files/") else (n, c)
        )
        assert "SHA-256" in refused(data)

    def test_truncated(self, key):
        data = build(key)
        assert "endommagé ou incomplet" in refused(data[: len(data) // 2])

    def test_not_a_zip(self):
        assert "endommagé ou incomplet" in refused(b"%PDF-1.7 pas un paquet")

    def test_an_entry_missing(self, key):
        data = rewrite(build(key), lambda n, c: None if n.startswith("files/") else (n, c))
        assert "ne correspond pas à son manifeste" in refused(data)

    def test_an_extra_entry(self, key):
        data = build(key)
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("items/999999.json", b"{}")
        assert "ne correspond pas à son manifeste" in refused(out.getvalue())

    @pytest.mark.parametrize(
        "name", ["../../etc/passwd", "/etc/passwd", "files/../../x", "items\\..\\x", "notes.txt"]
    )
    def test_a_name_of_its_own(self, key, name):
        data = build(key)
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr(name, b"x")
        assert "fichier inattendu" in refused(out.getvalue())

    def test_a_zip_bomb(self, key):
        data = build(key)
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("files/" + "a" * 64, b"\0" * (30 * 1024 * 1024))
        message = refused(out.getvalue())
        assert "trop gros" in message or "piégée" in message

    def test_without_signature(self, key):
        data = rewrite(build(key), lambda n, c: None if n == "manifest.sig" else (n, c))
        assert "signature manque" in refused(data)

    def test_signed_by_another_key_than_the_one_it_names(self, key, tmp_path):
        other = load_or_create(tmp_path / "autre.pem")
        data = rewrite(
            build(key), lambda n, c: (n, other.sign(b"x" * 10)) if n == "manifest.sig" else (n, c)
        )
        with pytest.raises(PackageRefused, match="signature"):
            package_read(data)

    def test_a_resigned_manifest_whose_fingerprint_lies(self, key, tmp_path):
        """Someone re-signs a changed manifest with their own key but keeps the sender's
        fingerprint: the fingerprint no longer matches the key it carries."""
        other = load_or_create(tmp_path / "autre.pem")

        def forge(name, content):
            if name == "manifest.json":
                manifest = json.loads(content)
                manifest["sender"]["public_key"] = other.public_text
                return name, canonical(manifest)
            return name, content

        forged = rewrite(build(key), forge)
        body = zipfile.ZipFile(io.BytesIO(forged)).read("manifest.json")
        forged = rewrite(
            forged, lambda n, c: (n, other.sign(body)) if n == "manifest.sig" else (n, c)
        )
        assert "empreinte de sa clé" in refused(forged)

    def test_another_format(self, key):
        def change(name, content):
            if name == "manifest.json":
                return name, content.replace(b"transfert/1", b"transfert/9")
            return name, content

        with pytest.raises(PackageRefused):
            package_read(rewrite(build(key), change))
