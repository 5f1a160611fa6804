"""The password hasher people sign in through."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended minimum (Password Storage Cheat Sheet):
    19 MiB of memory, 2 passes, 1 lane.

    Django's own defaults (100 MiB, 2 passes, 8 lanes) cost several times the CPU per check;
    on a two-core server that is what a Monday-morning sign-in rush spends its time on. These
    parameters cost about 30 ms of CPU per check here (``make bench BENCH=load`` measures it),
    and 19 MiB per guess is what makes an offline attack on a stolen hash expensive. A stored
    hash with other parameters (or an older algorithm: the hashers after this one in
    ``PASSWORD_HASHERS``) is re-hashed with these at the person's next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
