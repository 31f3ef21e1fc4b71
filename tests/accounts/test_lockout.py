"""Sign-in lock-out (django-axes): whose address an attempt is counted against, and how long a
lock lasts. The proxy tests read the client-address settings from the settings module itself,
run with KNOTLESS_BEHIND_HTTPS_PROXY on or off, so they test what a deployment really gets."""

from __future__ import annotations

import runpy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

import knotless.settings
from tests.conftest import PASSWORD

PROXY = "127.0.0.1"  # the TLS-terminating proxy, as the app sees it
OWNER = "203.0.113.7"
ATTACKER = "198.51.100.9"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def proxied(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Apply the settings module's sign-in settings as it computes them behind the proxy."""
    return apply_settings_module(settings, monkeypatch, behind_proxy=True)


@pytest.fixture
def direct(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    return apply_settings_module(settings, monkeypatch, behind_proxy=False)


def apply_settings_module(
    settings: Any, monkeypatch: pytest.MonkeyPatch, behind_proxy: bool
) -> Any:
    monkeypatch.setenv("KNOTLESS_BEHIND_HTTPS_PROXY", "1" if behind_proxy else "0")
    computed = runpy.run_path(knotless.settings.__file__)
    for name, value in computed.items():
        if name.startswith(("AXES_", "IPWARE_")):
            setattr(settings, name, value)
    return settings


def _sign_in(password: str, forwarded_for: str | None = None, remote: str = PROXY) -> int:
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = Client().post(
        reverse("login"), {"username": "alex", "password": password}, **headers
    )
    return response.status_code


def test_it_keys_attempts_on_the_forwarded_client_behind_the_proxy(user: Any, proxied: Any) -> None:
    for _ in range(5):
        _sign_in("wrong", forwarded_for=ATTACKER)
    assert _sign_in("wrong", forwarded_for=ATTACKER) == 429
    # The owner, coming through the same proxy from elsewhere, is not locked out.
    assert _sign_in(PASSWORD, forwarded_for=OWNER) == 302


def test_it_ignores_a_forwarded_for_the_client_wrote_itself(user: Any, proxied: Any) -> None:
    # The attacker claims the owner's address; the proxy appends the address it really saw.
    for _ in range(5):
        _sign_in("wrong", forwarded_for=f"{OWNER}, {ATTACKER}")
    assert _sign_in(PASSWORD, forwarded_for=OWNER) == 302
    assert _sign_in(PASSWORD, forwarded_for=ATTACKER) == 429


def test_it_never_trusts_forwarded_for_without_the_proxy_setting(user: Any, direct: Any) -> None:
    for number in range(5):
        _sign_in("wrong", forwarded_for=f"192.0.2.{number}", remote=ATTACKER)
    # A made-up header does not get the attacker out of the lock on their own address.
    assert _sign_in(PASSWORD, forwarded_for=OWNER, remote=ATTACKER) == 429
    assert _sign_in(PASSWORD, forwarded_for=ATTACKER, remote=OWNER) == 302


def test_it_ends_a_lock_fifteen_minutes_after_it_began(user: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _sign_in("wrong")
        assert _sign_in(PASSWORD) == 429
        # Knocking during the lock, with the right password or a wrong one, does not extend it.
        for _ in range(3):
            clock.shift(timedelta(minutes=4))
            assert _sign_in(PASSWORD) == 429
            assert _sign_in("wrong") == 429
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert _sign_in(PASSWORD) == 302


def test_it_keeps_the_lock_for_its_whole_fifteen_minutes(user: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _sign_in("wrong")
        clock.move_to(START + timedelta(minutes=14, seconds=50))
        assert _sign_in(PASSWORD) == 429
