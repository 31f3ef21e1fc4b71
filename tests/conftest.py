from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from knotless import fragments
from knotless.accounts.services import create_user
from knotless.journal import history
from knotless.training import today as training_today

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # argon2 is right for real passwords and needlessly slow for hundreds of test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Cached fragments are keyed by row ids, which a fresh test database hands out again.
    cache.clear()
    history.HELD.clear()
    history.ROWS.clear()
    fragments.KEPT.clear()
    training_today.KEPT.clear()


@pytest.fixture
def make_user(db: None) -> Any:
    def make(name: str = "alex", time_zone: str = "Europe/Berlin") -> Any:
        return create_user(name, PASSWORD, time_zone=time_zone)

    return make


@pytest.fixture
def user(make_user: Any) -> Any:
    return make_user("alex")


@pytest.fixture
def stranger(make_user: Any) -> Any:
    return make_user("sam")


@pytest.fixture
def client_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client
