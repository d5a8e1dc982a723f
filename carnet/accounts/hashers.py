from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher


class TemporaryPasswordHasher(Argon2PasswordHasher):
    """Argon2 with light parameters, for the random temporary passwords the platform makes.

    Those passwords are drawn at random (≈ 80 bits of entropy): their strength does not come
    from the cost of the hash, and hashing 35 of them with Argon2's default parameters
    (0.1 s each here) would make « Générer les accès » of a division take 4 s. At the first
    sign-in Django re-hashes the password with the default hasher (Argon2, full cost), and
    the user must change it anyway.

    A wrong password costs what it costs on any other account: without it, a failed login
    on an account holding an unused temporary password would answer in a fraction of the
    time of the others (73 ms against 250 ms), telling who has never signed in. So a failed
    check also does the default hasher's work once, as Django does for an unknown login
    (ModelBackend) and for an account without usable password (check_password); a right
    one does it anyway when Django re-hashes the password with the default hasher.
    """

    algorithm = "argon2_temporaire"
    time_cost = 1
    memory_cost = 8192
    parallelism = 1

    def verify(self, password, encoded) -> bool:
        correct = super().verify(password, encoded)
        if not correct:
            default = get_hasher("default")
            default.encode(password, default.salt())
        return correct
