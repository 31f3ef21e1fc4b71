"""Password guessing is limited before any password is hashed: sign-ins per client address, wrong
current passwords per user on the change form, and hashes in flight per process."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import argon2
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import (
    Argon2PasswordHasher as DjangoArgon2,
)
from django.contrib.auth.hashers import (
    MD5PasswordHasher,
    check_password,
    make_password,
)
from django.test import Client
from django.urls import reverse

import knotless.settings
from tests.accounts.test_lockout import apply_settings_module
from tests.conftest import PASSWORD

START = datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)
SIGN_INS_PER_MINUTE = 10
PRODUCTION_HASHERS = knotless.settings.PASSWORD_HASHERS


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting how often a password is hashed."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.calls += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["tests.accounts.test_throttle.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def _sign_in(username: str, password: str, address: str, forwarded_for: str = "") -> Any:
    headers: dict[str, Any] = {"REMOTE_ADDR": address}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers)


def test_it_stops_a_sign_in_flood_from_one_address_before_hashing(
    user: Any, counting: type[CountingHasher]
) -> None:
    with time_machine.travel(START, tick=False):
        answers = [
            _sign_in(uuid.uuid4().hex, "guess", "198.51.100.9").status_code for _ in range(30)
        ]
        assert answers[:SIGN_INS_PER_MINUTE] == [200] * SIGN_INS_PER_MINUTE
        assert set(answers[SIGN_INS_PER_MINUTE:]) == {429}
        assert counting.calls == SIGN_INS_PER_MINUTE  # a refused attempt costs no hash
        refused = _sign_in("alex", PASSWORD, "198.51.100.9")
        assert refused.status_code == 429
        assert "Too many sign-in attempts from your address" in refused.content.decode()
        assert 0 < int(refused["Retry-After"]) <= 60
        # Someone else is served meanwhile.
        assert _sign_in("alex", PASSWORD, "203.0.113.7").status_code == 302


def test_it_serves_the_address_again_the_next_minute(user: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(SIGN_INS_PER_MINUTE):
            _sign_in(uuid.uuid4().hex, "guess", "198.51.100.9")
        assert _sign_in("alex", PASSWORD, "198.51.100.9").status_code == 429
        clock.shift(timedelta(minutes=1))
        assert _sign_in("alex", PASSWORD, "198.51.100.9").status_code == 302


def test_it_counts_the_forwarded_client_behind_the_proxy(
    user: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_settings_module(settings, monkeypatch, behind_proxy=True)
    with time_machine.travel(START, tick=False):
        for _ in range(SIGN_INS_PER_MINUTE):
            _sign_in(uuid.uuid4().hex, "guess", "127.0.0.1", forwarded_for="198.51.100.9")
        assert (
            _sign_in("alex", PASSWORD, "127.0.0.1", forwarded_for="198.51.100.9").status_code == 429
        )
        # The same proxy brings the owner from elsewhere: a count of their own.
        assert (
            _sign_in("alex", PASSWORD, "127.0.0.1", forwarded_for="203.0.113.7").status_code == 302
        )


def test_it_throttles_the_admin_sign_in_too(user: Any, counting: type[CountingHasher]) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(SIGN_INS_PER_MINUTE + 5):
            response = Client().post(
                "/admin/login/",
                {"username": uuid.uuid4().hex, "password": "guess"},
                REMOTE_ADDR="198.51.100.9",
            )
        assert response.status_code == 429
        assert counting.calls == SIGN_INS_PER_MINUTE


def _change(client: Client, old: str) -> Any:
    return client.post(
        reverse("password_change"),
        {
            "old_password": old,
            "new_password1": "fresh-passphrase-77",
            "new_password2": "fresh-passphrase-77",
        },
    )


def test_it_pauses_password_changes_after_five_wrong_current_passwords(
    client_in: Client, user: Any, make_user: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            assert _change(client_in, "not-it").status_code == 200
        fifth = _change(client_in, "not-it")
        assert fifth.status_code == 429
        assert "paused" in fifth.content.decode()
        # Even the right current password waits out the pause, which knocking does not extend.
        clock.shift(timedelta(minutes=10))
        assert _change(client_in, PASSWORD).status_code == 429
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        # Another person's form is not paused.
        other = Client()
        other.force_login(make_user("sam"))
        assert _change(other, PASSWORD).status_code == 302
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert _change(client_in, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-passphrase-77")


def test_it_forgets_wrong_current_passwords_after_a_change(client_in: Client, user: Any) -> None:
    for _ in range(4):
        _change(client_in, "not-it")
    assert _change(client_in, PASSWORD).status_code == 302
    user.refresh_from_db()
    client_in.force_login(user)
    for _ in range(4):
        assert _change(client_in, "not-it").status_code == 200  # the count started afresh


def _argon2_params(encoded: str) -> tuple[int, int, int]:
    params = argon2.extract_parameters("$" + encoded.split("$", 1)[1])
    return params.memory_cost, params.time_cost, params.parallelism


def test_it_hashes_within_owasp_guidance_and_bounded_memory(settings: Any) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    # OWASP's first Argon2id choice: 19 MiB, two passes, one lane (Django's default is 100 MiB).
    assert _argon2_params(encoded) == (19 * 1024, 2, 1)
    assert check_password(PASSWORD, encoded)


def test_it_upgrades_an_old_argon2_hash_on_sign_in(settings: Any, user: Any) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    old = DjangoArgon2().encode(PASSWORD, DjangoArgon2().salt())
    assert _argon2_params(old) == (102400, 2, 8)
    get_user_model().objects.filter(pk=user.pk).update(password=old)
    assert _sign_in("alex", PASSWORD, "203.0.113.7").status_code == 302
    user.refresh_from_db()
    assert _argon2_params(user.password) == (19 * 1024, 2, 1)
    assert user.check_password(PASSWORD)


def test_it_bounds_the_hashes_in_flight(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password(PASSWORD)
    lock = threading.Lock()
    in_flight = peak = 0
    real_verify = argon2.PasswordHasher.verify

    def slow_verify(self: argon2.PasswordHasher, hash: str, password: str) -> bool:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.1)
        with lock:
            in_flight -= 1
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", slow_verify)
    # This test is about the bound, not the wait: on a busy machine the twelfth guess may wait
    # longer than the production second for a free slot, and that must not read as a failure.
    from knotless.accounts import hashers

    monkeypatch.setattr(hashers, "HASH_WAIT_SECONDS", 60.0)
    outcomes: list[object] = []

    def guess() -> None:
        try:
            outcomes.append(check_password(PASSWORD, encoded))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= peak <= 2
    assert outcomes == [True] * 12  # a short wait for a free slot, not a refusal


def test_it_answers_busy_rather_than_hang_when_every_hash_slot_is_taken(
    settings: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knotless.accounts import hashers

    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    monkeypatch.setattr(hashers, "HASH_WAIT_SECONDS", 0.05)
    taken = 0
    while hashers.SLOTS.acquire(blocking=False):
        taken += 1
    try:
        started = time.monotonic()
        response = _sign_in("alex", PASSWORD, "203.0.113.7")
        assert time.monotonic() - started < 2
    finally:
        for _ in range(taken):
            hashers.SLOTS.release()
    assert taken == 2
    assert response.status_code == 503
    assert "busy" in response.content.decode()
    assert response["Retry-After"]
