"""The deployment's Ed25519 key: it signs the transfer packages this deployment sends.

Pure (no Django): the key is read from, or created in, a file whose path the settings give
(``TRANSFER_KEY_FILE``). Its public half and fingerprint are shown to administrators
(Paramètres › Transferts), so that a receiving administrator can compare them before
trusting packages of this deployment.
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class KeyProblem(Exception):
    pass


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(*RAW)

    @property
    def public_text(self) -> str:
        return public_text(self.public_raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def public_text(raw: bytes) -> str:
    """The public key as administrators copy it: base64 of its 32 bytes."""
    return base64.b64encode(raw).decode("ascii")


def public_raw(text: str) -> bytes | None:
    """The 32 bytes of a public key given as base64, or None when it is not one."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    return raw if len(raw) == 32 else None


def fingerprint(raw: bytes) -> str:
    """What two administrators compare by telephone: 8 groups of 4 hex digits of SHA-256."""
    digest = hashlib.sha256(raw).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def verify(raw_public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create(path: Path) -> SigningKey:
    """The key of ``path`` (PKCS#8 PEM); created (readable by its owner only) when absent."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            # O_EXCL: two processes starting at once keep the same key (the first one's).
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise KeyProblem(f"La clé de signature des transferts ({path}) est illisible.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"La clé de signature des transferts ({path}) n'est pas une clé Ed25519.")
    return SigningKey(key)
