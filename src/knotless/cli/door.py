"""The server's side of the terminal's quick path (see :mod:`knotless.quick`).

``knotless serve`` makes a secret, hands it to its workers in the environment and writes the door
file; :func:`cli_door` then runs a quick command sent with that secret from this machine, through
the same click command the terminal would run, and answers with what it printed and its exit
status. Everything else is a 404, as if there were no door: a wrong or missing secret, a request
from another machine, a command that is not a quick one.
"""

from __future__ import annotations

import hmac
import io
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from knotless.quick import DOOR_FILE, database_identity, door_text, is_quick, read_door

TOKEN_ENV = "KNOTLESS_CLI_DOOR"
LOCAL = {"127.0.0.1", "::1"}
MAX_ARGS, MAX_ARG = 40, 4000


# --- opening and closing (knotless serve) ---------------------------------------------------------


def door_host(listening_on: str) -> str | None:
    """The loopback address that reaches a server listening on this address, if one does."""
    return {"127.0.0.1": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::1": "::1", "::": "::1"}.get(
        listening_on
    )


def open_door(folder: Path, host: str, port: int, database_url: str) -> Path:
    """Make the secret, give it to the workers to come, and write the door file (0600)."""
    import secrets

    token = secrets.token_urlsafe(32)
    os.environ[TOKEN_ENV] = token
    path = folder / DOOR_FILE
    content = {
        "host": host,
        "port": port,
        "token": token,
        "pid": os.getpid(),
        "database": database_identity(database_url, folder),
    }
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(door_text(content))
    os.chmod(path, 0o600)
    return path


def close_door(path: Path) -> None:
    """Remove the door file if it is still this server's."""
    try:
        door = read_door(path.read_text(encoding="utf-8"))
        if door.get("token") == os.environ.get(TOKEN_ENV):
            path.unlink()
    except (OSError, ValueError):
        pass


# --- what a command prints, caught per thread ---------------------------------------------------


class _Routed(io.TextIOBase):
    """Stands in for sys.stdout or sys.stderr: a thread running a door command writes into its
    own buffer, every other thread to the real stream as before."""

    def __init__(self, real: TextIO, name: str) -> None:
        self.real, self.name = real, name

    def _target(self) -> TextIO:
        buffers: dict[str, io.StringIO] | None = getattr(_caught, "buffers", None)
        return buffers[self.name] if buffers else self.real

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return False if getattr(_caught, "buffers", None) else self.real.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


_caught = threading.local()
_install = threading.Lock()


@contextmanager
def _catching() -> Iterator[dict[str, io.StringIO]]:
    with _install:
        if not isinstance(sys.stdout, _Routed):
            sys.stdout = _Routed(sys.stdout, "out")
        if not isinstance(sys.stderr, _Routed):
            sys.stderr = _Routed(sys.stderr, "err")
    _caught.buffers = {"out": io.StringIO(), "err": io.StringIO()}
    try:
        yield _caught.buffers
    finally:
        _caught.buffers = None


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run a quick command as the terminal would: (exit status, what it printed, its errors)."""
    from knotless.cli import main

    with _catching() as buffers:
        try:
            result: Any = main.main(args=argv, prog_name="knotless", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except click.ClickException as exc:
            exc.show(file=buffers["err"])
            code = exc.exit_code
        except click.Abort:
            buffers["err"].write("Aborted!\n")
            code = 1
        return code, buffers["out"].getvalue(), buffers["err"].getvalue()


# --- the door -------------------------------------------------------------------------------------


def _arguments(request: HttpRequest) -> list[str]:
    try:
        sent = json.loads(request.body)
    except ValueError:
        raise Http404 from None
    argv = sent.get("argv") if isinstance(sent, dict) else None
    if (
        not isinstance(argv, list)
        or len(argv) > MAX_ARGS
        or not all(isinstance(a, str) and len(a) <= MAX_ARG and "\x00" not in a for a in argv)
        or not is_quick(argv)
    ):
        raise Http404
    user = sent.get("user")
    if isinstance(user, str) and user.strip() and "--user" not in argv:
        argv = [*argv, "--user", user]
    return argv


@csrf_exempt
@login_not_required
@require_POST
def cli_door(request: HttpRequest) -> HttpResponse:
    token = os.environ.get(TOKEN_ENV, "")
    given = request.headers.get("Authorization", "")
    if (
        not token
        or request.META.get("REMOTE_ADDR") not in LOCAL
        or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    ):
        raise Http404
    code, out, err = run(_arguments(request))
    # Plain bytes, not JSON, so that the terminal's side needs no JSON parser (quick.read_result).
    printed = out.encode("utf-8", "replace")
    body = b"%d\n%d\n" % (code, len(printed)) + printed + err.encode("utf-8", "replace")
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
