from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from knotless.cli import main
from knotless.cli.serve import _browser_host


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(data_dir: Path, *args: str, **extra_env: str) -> tuple[subprocess.Popen[str], int, str]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KNOTLESS_DATABASE_URL", "KNOTLESS_SECRET_KEY")
    }
    env.update(KNOTLESS_DATA_DIR=str(data_dir), KNOTLESS_PORT=str(port), **extra_env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "knotless", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    out = ""
    deadline = time.monotonic() + 60
    while "is running at" not in out and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out += line
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                stop(proc)
                raise AssertionError(f"nothing listens on port {port}; output:\n{out}") from None
            time.sleep(0.1)
    return proc, port, out


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def test_it_migrates_prints_a_setup_link_and_serves_it(tmp_path: Path) -> None:
    proc, port, out = start(tmp_path, "serve", "--no-browser")
    try:
        link = re.search(r"(http://127\.0\.0\.1:\d+/setup/[\w-]+/)", out)
        assert link, out
        with urllib.request.urlopen(link.group(1), timeout=10) as response:
            assert response.status == 200
            assert b"Create my account" in response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.read() == b"ok"
    finally:
        stop(proc)
    assert (tmp_path / "knotless.sqlite3").exists()
    key = tmp_path / "secret_key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"


def test_it_serves_and_opens_the_browser_when_run_without_a_command(tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "browser.sh"
    fake_browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    fake_browser.chmod(0o755)
    proc, port, out = start(tmp_path, BROWSER=f"{fake_browser} %s")
    try:
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop(proc)
    link = re.search(rf"(http://127\.0\.0\.1:{port}/setup/[\w-]+/)", out)
    assert link, out
    assert opened.read_text().split() == [link.group(1)]


def test_it_says_when_the_port_is_taken(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output


def test_it_opens_the_browser_on_a_reachable_address() -> None:
    assert _browser_host("0.0.0.0") == "127.0.0.1"
    assert _browser_host("::1") == "[::1]"
    assert _browser_host("localhost") == "localhost"


def test_it_explains_allowed_hosts_when_listening_beyond_this_machine(tmp_path: Path) -> None:
    proc, _, out = start(tmp_path, "serve", "--no-browser", "--host", "0.0.0.0")
    stop(proc)
    assert "KNOTLESS_ALLOWED_HOSTS" in out


def test_it_restarts_on_a_port_that_just_closed_connections() -> None:
    from knotless.cli.serve import _check_port_free

    # The server side closing first leaves its end in TIME_WAIT, as after stopping knotless.
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers (granian) do
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()
        client.close()
    with socket.socket() as plain, pytest.raises(OSError, match="in use"):
        plain.bind(("127.0.0.1", port))  # what the old check did: refused
    _check_port_free("127.0.0.1", port)  # no UsageError
