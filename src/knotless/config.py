"""Typed readers for the ``KNOTLESS_*`` environment variables.

Kept free of Django imports so the CLI can decide where data lives before Django starts.
"""

from __future__ import annotations

import os
import secrets
import stat
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


# Health data is for its owner only: the folder is 0700 and every file knotless keeps in it is
# 0600, made so on every start, not just when the folder is first created (a folder made by hand,
# by an older knotless or by a restore from a backup comes with the umask's 0755 and 0644).
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_NAME = "knotless.sqlite3"
# The database, the files SQLite keeps beside it, and the generated key.
OWN_FILES = (
    SQLITE_NAME,
    f"{SQLITE_NAME}-wal",
    f"{SQLITE_NAME}-shm",
    f"{SQLITE_NAME}-journal",
    "secret_key",
)


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Give ``path`` exactly ``mode`` if it exists. A symbolic link is left alone: chmod would
    change whatever it points to, which knotless does not own."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISLNK(found.st_mode) and stat.S_IMODE(found.st_mode) != mode:
        os.chmod(path, mode)


def _unusable(path: Path, exc: OSError) -> ConfigError:
    reason = exc.strerror or str(exc)
    return ConfigError(
        f"The data folder {path} cannot be used ({reason}). Set KNOTLESS_DATA_DIR to a folder "
        "of yours that you can write to."
    )


def ensure_data_dir() -> Path:
    """The data folder, created if need be and made private (folder 0700, files 0600)."""
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        make_private(path, PRIVATE_DIR)
        for name in OWN_FILES:
            make_private(path / name)
    except OSError as exc:
        raise _unusable(path, exc) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise _unusable(path, PermissionError(13, "not writable"))
    return path


def sqlite_file() -> Path:
    """The SQLite database file, made private before SQLite opens it.

    A missing file is created empty (a valid empty database) with mode 0600: SQLite gives its
    -wal and -shm files the database file's mode, so they are private from the first write on.
    """
    path = ensure_data_dir() / SQLITE_NAME
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    except OSError as exc:
        raise _unusable(path.parent, exc) from None
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
    return data_dir() / SQLITE_NAME
