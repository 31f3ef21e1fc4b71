from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from django.contrib.auth import get_user_model

from knotless import __version__
from knotless.accounts.models import Profile
from knotless.cli import main


def test_it_creates_a_user_from_stdin(db: None) -> None:
    result = CliRunner().invoke(
        main,
        ["user", "create", "kim", "--password-stdin", "--time-zone", "Asia/Tokyo"],
        input="a-long-pass-phrase\n",
    )
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="kim")
    assert user.check_password("a-long-pass-phrase")
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"


def test_it_prompts_twice_for_a_password(db: None) -> None:
    result = CliRunner().invoke(
        main, ["user", "create", "kim"], input="a-long-pass-phrase\na-long-pass-phrase\n"
    )
    assert result.exit_code == 0, result.output


def test_it_refuses_weak_passwords_and_duplicates(user: Any) -> None:
    weak = CliRunner().invoke(main, ["user", "create", "kim", "--password-stdin"], input="123\n")
    assert weak.exit_code == 2 and "too short" in weak.output
    dup = CliRunner().invoke(
        main, ["user", "create", "ALEX", "--password-stdin"], input="a-long-pass-phrase\n"
    )
    assert dup.exit_code == 2 and "is taken" in dup.output


def test_it_resets_a_password(user: Any) -> None:
    result = CliRunner().invoke(
        main, ["user", "password", "alex", "--password-stdin"], input="brand-new-phrase-1\n"
    )
    assert result.exit_code == 0
    user.refresh_from_db()
    assert user.check_password("brand-new-phrase-1")


def test_it_lists_users(user: Any, stranger: Any) -> None:
    assert CliRunner().invoke(main, ["user", "list"]).output.split() == ["alex", "sam"]


def test_it_prints_its_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.output.strip() == f"knotless, version {__version__}"


def test_it_refuses_names_nobody_could_sign_in_with(db: None) -> None:
    for bad in ["", "   ", "bad name/../", "x" * 151]:
        result = CliRunner().invoke(
            main, ["user", "create", bad, "--password-stdin"], input="a-long-pass-phrase\n"
        )
        assert result.exit_code == 2, (bad, result.output)
    assert not get_user_model().objects.exists()
