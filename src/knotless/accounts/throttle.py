"""Limits on password guessing that act before a password is hashed.

Each Argon2 hash costs memory and CPU, so a flood of sign-ins is turned away by counting, not by
hashing. Counters live in the ``throttle`` cache, a database table (Django's database cache): every
web worker on PostgreSQL shares one count and a restart does not wipe a pause. A local-memory
cache would give each worker process its own count, multiplying every limit by the number of
workers. The cost is one small read and write per sign-in, next to a hash that costs far more.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils import timezone

THROTTLE_CACHE = "throttle"
SIGN_INS_PER_ADDRESS = 10
SIGN_IN_WINDOW = timedelta(minutes=1)
WRONG_OLD_PASSWORDS = 5
PASSWORD_CHANGE_PAUSE = timedelta(minutes=15)


class Throttled(Exception):
    """Raised where a password would be hashed but must not be; a middleware turns it into a
    page saying what happened, with the status and Retry-After given here."""

    status = 429

    def __init__(self, title: str, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.retry_after = max(1, retry_after)


class HashingBusy(Throttled):
    status = 503


def _cache() -> BaseCache:
    return caches[THROTTLE_CACHE]


def _key(*parts: object) -> str:
    # Hashed: cache keys stay short and plain whatever an address or name contains.
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The address django-axes counts the attempt against (the proxy's client when
    KNOTLESS_BEHIND_HTTPS_PROXY is on): one rule for the lock-out and the throttle."""
    from axes.helpers import get_client_ip_address

    return str(get_client_ip_address(request) or "unknown")


def count_sign_in(request: HttpRequest) -> None:
    """Count one sign-in attempt from the request's address; raise Throttled past the limit.

    Fixed windows of one minute: a refused attempt is not counted, so a flooding client writes
    at most SIGN_INS_PER_ADDRESS rows a minute and reads after that.
    """
    now = timezone.now().timestamp()
    window = int(SIGN_IN_WINDOW.total_seconds())
    slot, into = divmod(int(now), window)
    key = _key("sign-in", client_address(request), slot)
    cache = _cache()
    if cache.get(key, 0) >= SIGN_INS_PER_ADDRESS:
        raise Throttled(
            "Too many sign-in attempts",
            "Too many sign-in attempts from your address in the last minute. "
            "Please wait a minute and try again.",
            retry_after=window - into,
        )
    # The window is in the key, so an expiry pushed out by incr never lets a count live on.
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


class _Wrong(NamedTuple):
    first: float
    failures: int
    paused_until: float | None


def _wrong_key(user_id: Any) -> str:
    return _key("wrong-old-password", user_id)


def _wrong_state(user_id: Any, now: float) -> _Wrong | None:
    # Stored as a plain tuple: the cache pickles values and outlives any rename of a class.
    raw = _cache().get(_wrong_key(user_id))
    try:
        state = _Wrong(*raw)
    except TypeError:
        return None
    ends = state.paused_until or state.first + PASSWORD_CHANGE_PAUSE.total_seconds()
    return state if now < ends else None


def password_change_paused_until(user_id: Any) -> datetime | None:
    """When the user may try the password-change form again, or None if they may now."""
    state = _wrong_state(user_id, timezone.now().timestamp())
    if state is None or state.paused_until is None:
        return None
    return datetime.fromtimestamp(state.paused_until, tz=timezone.get_current_timezone())


def note_wrong_old_password(user_id: Any) -> datetime | None:
    """Count a wrong current password on the change form. The WRONG_OLD_PASSWORDS-th within
    PASSWORD_CHANGE_PAUSE pauses the form for PASSWORD_CHANGE_PAUSE from then, never longer:
    nothing is counted while it is paused. Returns the end of the pause once there is one."""
    now = timezone.now().timestamp()
    pause = PASSWORD_CHANGE_PAUSE.total_seconds()
    state = _wrong_state(user_id, now) or _Wrong(first=now, failures=0, paused_until=None)
    if state.paused_until is None:
        count = state.failures + 1
        paused_until = now + pause if count >= WRONG_OLD_PASSWORDS else None
        ends = paused_until or state.first + pause
        _cache().set(
            _wrong_key(user_id),
            (state.first, count, paused_until),
            timeout=int(ends - now) + 1,
        )
    return password_change_paused_until(user_id)


def forget_wrong_old_passwords(user_id: Any) -> None:
    _cache().delete(_wrong_key(user_id))
