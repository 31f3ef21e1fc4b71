"""The data folder: private on every start, and a clear message when it cannot be used."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from knotless import config

# Opens the database the way the app does, writes, and reports the modes while the WAL is open.
SNIPPET = """
import os, stat, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "knotless.settings"
from knotless.cli.django_setup import ready
ready()
from django.db import connection
from knotless.accounts.services import create_user
create_user("alex", "a-long-pass-phrase-42", time_zone="UTC")
folder = os.environ["KNOTLESS_DATA_DIR"]
for root, dirs, files in os.walk(folder):
    for name in [*dirs, *files]:
        path = os.path.join(root, name)
        print(os.path.relpath(path, folder), oct(stat.S_IMODE(os.stat(path).st_mode)))
print(".", oct(stat.S_IMODE(os.stat(folder).st_mode)))
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY")
    }
    env["KNOTLESS_DATA_DIR"] = str(data_dir)
    return env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_it_makes_an_existing_data_folder_and_its_files_private(tmp_path: Path) -> None:
    # A folder made by hand (or by an older knotless) with a database and WAL others can read.
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    for name in ("knotless.sqlite3", "knotless.sqlite3-wal", "secret_key"):
        (folder / name).write_bytes(b"" if name != "secret_key" else b"kept-key")
        os.chmod(folder / name, 0o644)
    run = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    modes = dict(line.split() for line in run.stdout.splitlines())
    assert modes["."] == "0o700"
    assert "knotless.sqlite3-wal" in modes and "knotless.sqlite3-shm" in modes  # WAL is open
    assert {name: mode for name, mode in modes.items() if name != "."} == dict.fromkeys(
        modes.keys() - {"."}, "0o600"
    )
    assert (folder / "secret_key").read_text() == "kept-key"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_it_creates_a_new_database_private_from_the_start(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        env=_env(tmp_path / "new" / "data"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    modes = dict(line.split() for line in run.stdout.splitlines())
    assert modes.pop(".") == "0o700"
    assert modes and set(modes.values()) == {"0o600"}, modes


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_it_tightens_again_on_every_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    database = config.sqlite_file()
    assert _mode(database) == 0o600 and _mode(tmp_path) == 0o700
    os.chmod(database, 0o644)
    os.chmod(tmp_path, 0o755)
    config.sqlite_file()
    assert _mode(database) == 0o600 and _mode(tmp_path) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_it_leaves_what_a_link_points_to_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not ours")
    os.chmod(elsewhere, 0o644)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "secret_key").symlink_to(elsewhere)
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(folder))
    config.ensure_data_dir()
    assert _mode(elsewhere) == 0o644


def test_it_says_why_a_data_folder_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(a_file / "data"))
    with pytest.raises(config.ConfigError, match=r"cannot be used.*KNOTLESS_DATA_DIR"):
        config.ensure_data_dir()


def test_it_names_a_bad_yes_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOTLESS_TEST_FLAG", "maybe")
    with pytest.raises(config.ConfigError, match="KNOTLESS_TEST_FLAG='maybe'"):
        config.env_bool("KNOTLESS_TEST_FLAG")
