from django.contrib.auth.hashers import Argon2PasswordHasher


class TemporaryPasswordHasher(Argon2PasswordHasher):
    """Argon2 with light parameters, for the random temporary passwords the platform makes.

    Those passwords are drawn at random (≈ 80 bits of entropy): their strength does not come
    from the cost of the hash, and hashing 35 of them with Argon2's default parameters
    (0.1 s each here) would make « Générer les accès » of a division take 4 s. At the first
    sign-in Django re-hashes the password with the default hasher (Argon2, full cost), and
    the user must change it anyway.
    """

    algorithm = "argon2_temporaire"
    time_cost = 1
    memory_cost = 8192
    parallelism = 1
