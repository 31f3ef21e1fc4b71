from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from knotless.accounts.models import Profile
from knotless.accounts.services import (
    consume_setup_token,
    create_user,
    issue_setup_token,
    setup_token_is_valid,
)


def test_it_creates_a_user_with_a_profile(db: None) -> None:
    user = create_user("kim", "a-good-long-passphrase", time_zone="Asia/Tokyo")
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"


def test_it_refuses_a_weak_password(db: None) -> None:
    with pytest.raises(ValidationError):
        create_user("kim", "password")


def test_it_expires_setup_tokens(db: None) -> None:
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        token = issue_setup_token()
        assert setup_token_is_valid(token)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert not setup_token_is_valid(token)


def test_it_replaces_older_tokens_and_spends_each_once(db: None) -> None:
    old = issue_setup_token()
    new = issue_setup_token()
    assert not setup_token_is_valid(old)
    assert consume_setup_token(new)
    assert not consume_setup_token(new)
