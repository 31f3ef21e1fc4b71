from __future__ import annotations

from typing import Any

from knotless.checks import check_secret_key_is_shared


def test_it_warns_when_postgres_workers_would_generate_their_own_keys(monkeypatch: Any) -> None:
    monkeypatch.setenv("KNOTLESS_DATABASE_URL", "postgresql://db.example/knotless")
    monkeypatch.delenv("KNOTLESS_SECRET_KEY")
    assert [w.id for w in check_secret_key_is_shared()] == ["knotless.W001"]
    monkeypatch.setenv("KNOTLESS_SECRET_KEY", "shared")
    assert check_secret_key_is_shared() == []


def test_it_is_quiet_for_a_local_sqlite_install(monkeypatch: Any) -> None:
    monkeypatch.delenv("KNOTLESS_DATABASE_URL", raising=False)
    monkeypatch.delenv("KNOTLESS_SECRET_KEY")
    assert check_secret_key_is_shared() == []


def test_every_model_change_has_its_migration(db: None) -> None:
    """Without its migration, a model change would never reach a person's database; this names
    the app whose migration is missing."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:
        raise AssertionError(f"models changed without a migration:\n{out.getvalue()}") from missing
