"""Issue 12, defect 7: each way the CLI used to end in a Python traceback, a hang or a silent
guess now ends in a clear message and a non-zero exit."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.journal.models import Knot


def knotless(
    data_dir: Path, *args: str | bytes, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process (settings are read once per process)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KNOTLESS_") or k == "KNOTLESS_SECRET_KEY"
    }
    clean["KNOTLESS_DATA_DIR"] = str(data_dir)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "knotless", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


def refused(run: subprocess.CompletedProcess[str], status: int, message: str) -> None:
    output = run.stdout + run.stderr
    assert run.returncode == status, output
    assert "Traceback" not in output, output
    assert message in output, output


def said_no(result: Any, message: str, status: int = 2) -> None:
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert message in result.output, result.output


def test_it_refuses_arguments_that_are_not_utf8(tmp_path: Path) -> None:
    made = knotless(tmp_path, "user", "create", "alex", "--password-stdin", stdin="a-long-pw-42\n")
    assert made.returncode == 0, made.stderr
    run = knotless(
        tmp_path, "knot", "add", "--region", "calf", "--side", "left", "--pain", "3",
        "--note", b"caf\xe9",  # Latin-1, not UTF-8
    )  # fmt: skip
    refused(run, 2, "Argument 10, after --note, is not valid UTF-8 text.")


def test_it_refuses_a_user_name_setting_that_is_not_utf8(tmp_path: Path) -> None:
    run = knotless(tmp_path, "knot", "list", KNOTLESS_USER=os.fsdecode(b"\xff"))
    refused(run, 2, "The setting KNOTLESS_USER is not valid UTF-8 text.")


@pytest.mark.parametrize("host", ["", "   ", "my laptop", "localhost:8000"])
def test_it_refuses_an_address_it_cannot_listen_on(tmp_path: Path, host: str) -> None:
    run = knotless(tmp_path, "serve", "--host", host, "--no-browser", "--port", "1")
    refused(run, 2, "is not an address to listen on")


def test_it_listens_on_localhost_as_127_0_0_1() -> None:
    from knotless.cli.serve import _listen_address

    ctx: Any = None
    param: Any = None
    assert _listen_address(ctx, param, "localhost") == "127.0.0.1"
    assert _listen_address(ctx, param, "[::1]") == "::1"
    assert _listen_address(ctx, param, " 0.0.0.0 ") == "0.0.0.0"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("KNOTLESS_DEBUG", "maybe", "KNOTLESS_DEBUG='maybe' is not a yes/no value"),
        ("KNOTLESS_BEHIND_HTTPS_PROXY", "2", "is not a yes/no value"),
        ("KNOTLESS_DATABASE_URL", "mysql://db/knots", "must be a postgresql:// URL"),
        ("KNOTLESS_DATABASE_URL", "postgresql://", "is not a URL knotless can use"),
        ("KNOTLESS_DATABASE_URL", "postgresql://u:p@h:port/db", "is not a URL knotless can use"),
    ],
)
def test_it_names_a_bad_setting(tmp_path: Path, setting: str, value: str, message: str) -> None:
    run = knotless(tmp_path, "knot", "list", **{setting: value})
    refused(run, 1, "Error: knotless cannot start: ")
    refused(run, 1, message)
    assert ":p@" not in run.stderr  # a password in the URL is never echoed


def test_it_says_the_database_cannot_be_reached(tmp_path: Path) -> None:
    with socket_nobody_listens_on() as port:
        run = knotless(
            tmp_path,
            "knot",
            "list",
            KNOTLESS_DATABASE_URL=f"postgresql://knotless:secret@127.0.0.1:{port}/knotless",
        )
    refused(run, 1, "The database could not be used: connection failed")
    assert "KNOTLESS_DATABASE_URL" in run.stderr and "secret" not in run.stderr


@contextlib.contextmanager
def socket_nobody_listens_on() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        yield int(sock.getsockname()[1])


def test_it_says_the_data_folder_cannot_be_used(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    for where in (a_file, a_file / "data"):
        run = knotless(where, "knot", "list")
        refused(run, 1, f"The data folder {where} cannot be used")
        refused(run, 1, "KNOTLESS_DATA_DIR")


def test_it_refuses_an_interval_that_is_not_a_finite_number(db: None, user: Any) -> None:
    for value in ("nan", "NaN", "inf", "-inf", "1e999"):
        started = time.monotonic()
        result = CliRunner().invoke(main, ["desk", "--interval", value, "--terminal"])
        said_no(result, "is not a finite number")
        assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "args",
    [
        ["find", "x" * 100_000],
        ["knot", "add", "--region", "x" * 100_000, "--side", "left", "--pain", "3"],
        ["find", "- " * 50_000],
    ],
)
def test_it_answers_100_kb_of_text_at_once(db: None, user: Any, args: list[str]) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert time.monotonic() - started < 5
    assert len(result.output) < 2000  # the text is not echoed back
    assert not Knot.objects.exists()


@pytest.mark.parametrize("length", [200, 4096])
def test_a_long_region_that_fits_the_limit_is_quick_too(db: None, user: Any, length: int) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["find", ("ab-" * length)[:length]])
    said_no(result, "unknown region")
    assert time.monotonic() - started < 2


def test_it_will_not_pick_the_only_user_for_an_empty_name(db: None, user: Any) -> None:
    before = user.password
    result = CliRunner().invoke(
        main, ["user", "password", "", "--password-stdin"], input="another-long-pass-42\n"
    )
    said_no(result, "The user name is empty")
    user.refresh_from_db()
    assert user.password == before
    said_no(CliRunner().invoke(main, ["knot", "list", "--user", " "]), "The user name is empty")


@pytest.mark.parametrize("amount", ["inf", "1e309", "nan", "9" * 5000, "x" * 4000])
def test_a_drink_that_is_no_amount_gets_a_short_message(db: None, user: Any, amount: str) -> None:
    result = CliRunner().invoke(main, ["drink", amount])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "float" not in result.output
    assert len(result.output) < 500  # never the whole value echoed back
