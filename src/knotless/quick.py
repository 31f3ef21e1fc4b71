"""The ``knotless`` command's entry point, with a quick path for the two commands typed most.

Starting Django to store one row costs about ten times as long as starting Python (issue 13), and
a drink or a check-in is logged many times a day. While ``knotless serve`` runs on this machine it
keeps a door open for them: a file in the data folder (``cli-door.json``, readable by its owner
only) with the server's port, a secret made when it started, and which database it serves.

``knotless drink …`` and ``knotless knot checkin …`` then send their arguments through that door,
using only the standard library here. The server runs the very same click command with the same
checks and messages (:mod:`knotless.cli.door`) and sends back what it printed and its exit status.
Nothing is parsed or decided on this side, so the two paths cannot drift apart.

Without a usable door (no server, a server gone and its file left behind, another data folder or
database, a different secret) the command runs here as it always did. The door is used only when
the server could not have stored anything before refusing, so a retry here never logs twice; when
the request went out and no answer came back, the person is told to look rather than have it
sent again.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

QUICK = (("drink",), ("knot", "checkin"))
DOOR_FILE = "cli-door.json"
PATH = "/_cli/"
HELP = {"--help", "-h", "--version"}


def is_quick(argv: list[str]) -> bool:
    """Whether these arguments are one of the quick commands (never their help)."""
    if HELP & set(argv):
        return False
    return any(tuple(argv[: len(q)]) == q for q in QUICK)


def data_dir() -> Path:
    """The data folder, found as knotless.config.data_dir finds it."""
    configured = os.environ.get("KNOTLESS_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("knotless")).resolve()


def database_identity(database_url: str, folder: Path) -> str:
    """Which database a process uses, without writing its password into the door file."""
    if database_url:
        return "url:" + hashlib.sha256(database_url.encode()).hexdigest()
    return f"sqlite:{folder}"


def _door(folder: Path) -> dict[str, Any] | None:
    try:
        door = json.loads((folder / DOOR_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    mine = database_identity(os.environ.get("KNOTLESS_DATABASE_URL", "").strip(), folder)
    if not isinstance(door, dict) or door.get("database") != mine:
        return None
    if not isinstance(door.get("port"), int) or not isinstance(door.get("token"), str):
        return None
    if door.get("host") not in ("127.0.0.1", "::1"):
        return None
    return door


def _post(host: str, port: int, token: str, body: bytes) -> tuple[int, bytes] | None:
    """POST ``body`` to the door over one HTTP/1.0 exchange (``http.client`` alone would double
    this path's imports): (status, body), or None when nothing could be sent at all."""
    try:
        connection = socket.create_connection((host, port), timeout=3)
    except OSError:
        return None  # nothing listens there now: nothing was sent
    with connection:
        connection.settimeout(60)
        head = (
            f"POST {PATH} HTTP/1.0\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        connection.sendall(head.encode("latin-1") + body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, content = rest.partition(b"\r\n\r\n")
    parts = status_line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise OSError(f"an answer that is not HTTP: {status_line[:40]!r}")
    return int(parts[1]), content


def through_door(argv: list[str]) -> int | None:
    """Run ``argv`` on the running server: its exit status, or None to run it here instead."""
    door = _door(data_dir())
    if door is None:
        return None
    body = json.dumps({"argv": argv, "user": os.environ.get("KNOTLESS_USER")}).encode()
    try:
        answered = _post(door["host"], door["port"], door["token"], body)
    except OSError as exc:
        sys.stderr.write(
            f"knotless: the running server took the command but gave no answer ({exc}).\n"
            "It may or may not be stored: look with `knotless water` or "
            "`knotless knot checkins ID` before trying again.\n"
        )
        return 1
    if answered is None:
        return None
    status, answer = answered
    if status in (401, 403, 404, 405):
        return None  # refused at the door (another server, an old secret): nothing ran
    try:
        result = json.loads(answer)
        code, out, err = int(result["code"]), str(result["out"]), str(result["err"])
    except (ValueError, KeyError, TypeError):
        sys.stderr.write(
            f"knotless: the running server answered {status} without a result. "
            "Look with `knotless water` or `knotless knot checkins ID` before trying again.\n"
        )
        return 1
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


def main() -> None:
    argv = sys.argv[1:]
    if is_quick(argv) and os.environ.get("KNOTLESS_NO_DOOR", "") == "":
        code = through_door(argv)
        if code is not None:
            sys.stdout.flush()
            raise SystemExit(code)
    from knotless.cli import main as full

    full()
