"""Password hashers with bounded memory.

Argon2id at the first of OWASP's recommended minimum settings (Password Storage Cheat Sheet):
m = 19 MiB, t = 2, p = 1, instead of Django's m = 100 MiB, t = 2, p = 8. Django's costs a
stolen-hash guesser more, but it also let any visitor make the server spend 100 MiB per sign-in
attempt, and 16 clients took it from 0.45 to 1.95 GB. OWASP's minimum keeps each hash at a fifth
of that while still meeting the guidance. The algorithm name stays ``argon2``, so hashes made
with Django's parameters still verify, and Django re-hashes them with these on the next sign-in.

Every hash, whatever asked for it (a sign-in, an unknown name's decoy hash, the admin, a password
change, an upgrade), takes one of HASHES_IN_FLIGHT slots per process. Past a short wait it gives
up with HashingBusy, which the middleware answers with a 503 page instead of queueing threads.

The hash itself runs on one of HASHES_IN_FLIGHT threads kept for hashing, not on the request's
thread: glibc keeps a freed 19 MiB block in the arena of the thread that freed it, so hashing
on every request thread left each of them holding one (bench/login_cost.py measured 285 MiB after
16 concurrent sign-ins, against 19 MiB with the hashing threads).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.contrib.auth import hashers

from knotless.accounts.throttle import HashingBusy

# Two Argon2 hashes at a time per worker process: at most 2 x 19 MiB of hash memory and two
# cores busy hashing, while the other request threads keep serving pages. One sign-in hashes in
# a few tens of milliseconds, so two slots still clear dozens of sign-ins a second.
HASHES_IN_FLIGHT = 2
HASH_WAIT_SECONDS = 1.0
SLOTS = threading.BoundedSemaphore(HASHES_IN_FLIGHT)
T = TypeVar("T")


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _hashing_threads() -> ThreadPoolExecutor:
    # One pool per process, made on first use: a pool inherited through fork has no threads.
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(HASHES_IN_FLIGHT, "password-hash"))
        return _pool[1]


def bounded(hash_function: Callable[..., T], *args: Any) -> T:
    """Run one hash on the hashing threads, holding one of the process's slots; wait at most
    HASH_WAIT_SECONDS for a slot, then raise HashingBusy."""
    if not SLOTS.acquire(timeout=HASH_WAIT_SECONDS):
        raise HashingBusy(
            "Busy for a moment",
            "The server is busy checking other passwords. Please try again in a few seconds.",
            retry_after=5,
        )
    try:
        # A held slot means a free hashing thread: the hash starts at once.
        return _hashing_threads().submit(hash_function, *args).result()
    finally:
        SLOTS.release()


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        return bounded(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return bounded(super().verify, password, encoded)


class PBKDF2PasswordHasher(hashers.PBKDF2PasswordHasher):
    """For hashes made before Argon2 was the default: CPU-heavy, so it shares the slots.
    Only encode takes one: verify and harden_runtime call encode, and a nested slot could wait
    on itself."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return bounded(super().encode, password, salt, iterations)
