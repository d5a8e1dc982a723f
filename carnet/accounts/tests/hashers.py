"""A hasher that counts its work, to test what a login costs without timing it."""

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher
from django.utils.crypto import constant_time_compare


class CountingHasher(BasePasswordHasher):
    """The default hasher of the login-cost tests. Each hash it computes stands for one run
    of the default hasher: with Argon2 in production, about a quarter of a second."""

    algorithm = "compte"
    computed: list[str] = []

    def _digest(self, password: str, salt: str) -> str:
        CountingHasher.computed.append(salt)
        return hashlib.sha256((salt + password).encode()).hexdigest()

    def encode(self, password, salt):
        self._check_encode_args(password, salt)
        return f"{self.algorithm}${salt}${self._digest(password, salt)}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        return constant_time_compare(decoded["hash"], self._digest(password, decoded["salt"]))

    def safe_summary(self, encoded):
        return {"algorithm": self.algorithm}

    def must_update(self, encoded):
        return False

    def harden_runtime(self, password, encoded):
        pass
