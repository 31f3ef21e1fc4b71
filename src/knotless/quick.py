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

# Only what starts in a millisecond or two: json (through re), socket (through enum and
# selectors), pathlib and typing together cost twice as long as starting Python (issue 13).
import _socket
import os
import sys

QUICK = (("drink",), ("knot", "checkin"))
DOOR_FILE = "cli-door.json"
PATH = "/_cli/"
HELP = {"--help", "-h", "--version"}


def is_quick(argv: list[str]) -> bool:
    """Whether these arguments are one of the quick commands (never their help)."""
    if HELP & set(argv):
        return False
    return any(tuple(argv[: len(q)]) == q for q in QUICK)


def data_dir() -> str:
    """The data folder, found as knotless.config.data_dir finds it (platformdirs' rule for
    Linux written out, to spare its import; tests/cli/test_door.py holds the two together)."""
    configured = os.environ.get("KNOTLESS_DATA_DIR", "").strip()
    if configured:
        return os.path.realpath(os.path.expanduser(configured))
    if sys.platform == "linux":
        base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return os.path.realpath(os.path.join(base, "knotless"))
    import platformdirs

    return os.path.realpath(platformdirs.user_data_dir("knotless"))


def database_identity(database_url: str, folder: object) -> str:
    """Which database a process uses, without writing its password into the door file."""
    if database_url:
        import hashlib

        return "url:" + hashlib.sha256(database_url.encode()).hexdigest()
    return f"sqlite:{folder}"


def door_text(content: dict[str, object]) -> str:
    """The door file: one ``key=value`` a line (no JSON: its parser is slow to import)."""
    return "".join(f"{key}={value}\n" for key, value in content.items())


def read_door(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            found[key] = value
    return found


def _door(folder: object) -> dict[str, str] | None:
    try:
        with open(os.path.join(str(folder), DOOR_FILE), encoding="utf-8") as handle:
            door = read_door(handle.read())
    except (OSError, ValueError):
        return None
    mine = database_identity(os.environ.get("KNOTLESS_DATABASE_URL", "").strip(), folder)
    if door.get("database") != mine or not door.get("port", "").isdigit():
        return None
    if not door.get("token") or door.get("host") not in ("127.0.0.1", "::1"):
        return None
    return door


def _json_string(text: str) -> str:
    """``text`` as a JSON string, as json.dumps(ensure_ascii=False) writes it, with lone
    surrogates (undecodable bytes in argv) escaped so the body is valid UTF-8."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\' or code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def request_body(argv: list[str], user: str | None) -> bytes:
    items = ", ".join(_json_string(a) for a in argv)
    named = "null" if user is None else _json_string(user)
    return f'{{"argv": [{items}], "user": {named}}}'.encode()


def read_result(content: bytes) -> tuple[int, str, str]:
    """The door's answer: "CODE\\nLENGTH\\n" then what the command printed (LENGTH bytes) and
    its errors, UTF-8. ValueError when it is not that."""
    try:
        code, length, rest = content.split(b"\n", 2)
        size = int(length)
        if not 0 <= size <= len(rest):
            raise ValueError
        return (
            int(code),
            rest[:size].decode("utf-8", "replace"),
            rest[size:].decode("utf-8", "replace"),
        )
    except ValueError:
        raise ValueError("not a result from knotless's door") from None


def _post(host: str, port: int, token: str, body: bytes) -> tuple[int, bytes] | None:
    """POST ``body`` to the door over one HTTP/1.0 exchange: (status, body), or None when
    nothing could be sent at all."""
    family = _socket.AF_INET6 if ":" in host else _socket.AF_INET
    connection = _socket.socket(family, _socket.SOCK_STREAM)
    try:
        connection.settimeout(3)
        try:
            connection.connect((host, port))
        except OSError:
            return None  # nothing listens there now: nothing was sent
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
    finally:
        connection.close()
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
    body = request_body(argv, os.environ.get("KNOTLESS_USER"))
    try:
        answered = _post(door["host"], int(door["port"]), door["token"], body)
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
        code, out, err = read_result(answer)
    except ValueError:
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
