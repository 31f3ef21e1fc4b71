"""Typed readers for the ``KNOTLESS_*`` environment variables.

Kept free of Django imports so the CLI can decide where data lives before Django starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """A KNOTLESS_* variable holds a value we cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(
        f"{name}={raw!r} is not a yes/no value; use 1/0, true/false, yes/no or on/off."
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where knotless keeps its database and secret key (the platform's user data dir)."""
    configured = env_str("KNOTLESS_DATA_DIR")
    path = (
        Path(configured).expanduser()
        if configured
        else Path(platformdirs.user_data_dir("knotless"))
    )
    return path.resolve()


def ensure_data_dir() -> Path:
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def secret_key() -> str:
    """The key from KNOTLESS_SECRET_KEY, else one generated on first run and kept in the data dir.

    The file is created with mode 0600 and written atomically, so two processes starting at once
    agree on one key.
    """
    configured = env_str("KNOTLESS_SECRET_KEY")
    if configured:
        return configured
    path = ensure_data_dir() / "secret_key"
    if not path.exists():
        candidate = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            # link() fails if another process won the race; then we use its key.
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def database_url() -> str:
    return env_str("KNOTLESS_DATABASE_URL")


def sqlite_path() -> Path:
    return data_dir() / "knotless.sqlite3"
