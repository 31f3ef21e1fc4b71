"""What bench/crash.py and bench/load.py share.

A scratch database (a fresh SQLite data folder, or a PostgreSQL database the bench creates and
drops), signed-in users made in code, the real server (`knotless serve`, granian) started and
killed, and an HTTP client that records which writes the server acknowledged, so they can be
compared with the rows that were stored. Every address used is on loopback.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import itertools
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from urllib.parse import urlencode, urlsplit, urlunsplit

HOST = "127.0.0.1"
# Django accepts a client-chosen CSRF secret of 32 letters and digits in the cookie, checked
# against the same value in the X-CSRFToken header: no page has to be fetched to post.
CSRF_SECRET = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
PASSWORD = "a-long-benchmark-passphrase-7"
DRINK_MAX_ML = 3000


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def database_named(url: str, name: str) -> str:
    """The same PostgreSQL server and credentials as ``url``, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextlib.contextmanager
def scratch_postgres(url: str, name: str) -> Iterator[str]:
    """Create database ``name`` on the server of ``url`` (dropping a leftover of ours first) and
    drop it afterwards. Only the bench's own names are ever dropped."""
    import psycopg

    if not name.startswith(("knotless_load", "knotless_crash", "knotless_scale", "knotless_pages")):
        raise SystemExit(f"refusing to create or drop database {name!r}")
    admin = database_named(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_named(url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch(stack: contextlib.ExitStack, database_url: str, name: str) -> None:
    """A scratch data folder (removed at the end) and, with ``database_url``, a scratch
    PostgreSQL database ``name``; this process and those it starts use them; migrated."""
    import shutil
    import tempfile

    data_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    stack.callback(shutil.rmtree, data_dir, True)
    url = stack.enter_context(scratch_postgres(database_url, name)) if database_url else ""
    use_database(data_dir, url)
    setup_django()


def use_database(data_dir: Path, database_url: str) -> None:
    """Point this process and every process it starts at the scratch database."""
    os.environ["KNOTLESS_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["KNOTLESS_DATABASE_URL"] = database_url
    else:
        os.environ.pop("KNOTLESS_DATABASE_URL", None)
    # The server must not be the one to notice a stale secret or settings: let it read ours.
    os.environ["DJANGO_SETTINGS_MODULE"] = "knotless.settings"


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@dataclass(frozen=True)
class Account:
    name: str
    user_id: int
    knot_id: int
    cookie: str


def session_cookie(user: object) -> str:
    """A signed-in session for ``user``, made the way Django's test client signs in, as the
    ``Cookie`` header value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    session[BACKEND_SESSION_KEY] = "knotless.accounts.backends.ProfileModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    session.save()
    assert session.session_key is not None
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def make_accounts(prefix: str, count: int, *, history_days: int = 0) -> list[Account]:
    """``count`` users, each with one knot (and ``history_days`` of check-ins, two a day, so
    pages have something to draw) and a signed-in session, made the way Django's test client
    signs in (the browser tests' ``sign_in``)."""
    from django.conf import settings
    from django.contrib.auth import (
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password

    from knotless.accounts.models import Profile
    from knotless.journal.models import CheckIn, Knot

    user_model = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for all: Argon2 per user would only cost time
    now = datetime.now(UTC)
    start = now - timedelta(days=max(history_days, 1))
    accounts = []
    for i in range(count):
        user = user_model.objects.create(username=f"{prefix}{i}", password=hashed)
        Profile.objects.create(user=user, time_zone="Europe/Berlin")
        knot = Knot.objects.create(
            user=user, region="medial-border-of-scapula", side="left", first_felt=start.date()
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                knot=knot,
                moment=start + timedelta(days=day, hours=hour),
                pain=3 + (day + hour) % 5,
            )
            for day in range(history_days)
            for hour in (8, 19)
        )
        cookie = f"{session_cookie(user)}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
        accounts.append(Account(user.username, user.pk, knot.pk, cookie))
    return accounts


class Server:
    """`knotless serve` in its own process group, so a kill takes every worker at once."""

    def __init__(self, port: int, *, workers: int, threads: int, log: IO[bytes]) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "knotless",
                "serve",
                "--no-browser",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Seconds until /healthz answers ok."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode} on start")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return time.monotonic() - began
                conn.close()
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")

    def kill(self) -> None:
        """kill -9 the whole server: the main process and its workers, with no warning."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Acknowledged:
    """Writes the server or the CLI said were done, per user; thread-safe."""

    notes: set[str] = field(default_factory=set)
    drinks: dict[int, collections.Counter[int]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, note: str) -> None:
        with self.lock:
            self.notes.add(note)

    def drink(self, user_id: int, ml: int) -> None:
        with self.lock:
            self.drinks[user_id][ml] += 1

    @property
    def count(self) -> int:
        return len(self.notes) + sum(c.total() for c in self.drinks.values())


@dataclass(frozen=True)
class Tally:
    acknowledged: int
    stored: int
    lost: int
    lost_examples: list[str]


def tally(acked: Acknowledged, note_prefix: str) -> Tally:
    """Compare acknowledged writes with the rows in the database: a check-in is found by its
    unique note, a drink by its user and millilitres (each writer gives each drink of a user its
    own amount, so one stored drink cannot stand in for another that was lost)."""
    from django.db import connection

    from knotless.hydration.models import Drink
    from knotless.journal.models import CheckIn

    connection.close()  # a fresh look, not a snapshot held from before the writes
    notes = set(CheckIn.objects.filter(note__startswith=note_prefix).values_list("note", flat=True))
    drinks: dict[int, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    for user_id, ml in Drink.objects.filter(user_id__in=list(acked.drinks)).values_list(
        "user_id", "ml"
    ):
        drinks[user_id][ml] += 1
    lost = sorted(acked.notes - notes)
    for user_id, wanted in acked.drinks.items():
        for ml, times in (wanted - drinks[user_id]).items():
            lost.extend(f"drink of {ml} ml by user {user_id}" for _ in range(times))
    stored = len(notes) + sum(drinks[u].total() for u in acked.drinks)
    connection.close()
    return Tally(acked.count, stored, len(lost), lost[:10])


class Writer:
    """One keep-alive HTTP connection acting for one signed-in user.

    Each write carries something unique: a check-in a note ``<prefix><user>-<n>``, a drink its
    own number of millilitres for this user (1 to 3,000, then the amounts repeat). A write is
    recorded as acknowledged only when the redirect that follows success has arrived.
    """

    def __init__(self, account: Account, port: int, acked: Acknowledged, note_prefix: str) -> None:
        self.account = account
        self.port = port
        self.acked = acked
        self.note_prefix = note_prefix
        self.seq = itertools.count(1)
        self.drinks = itertools.count(0)
        self.conn: http.client.HTTPConnection | None = None
        self.in_flight = False  # a request sent and its answer not yet read
        self.headers = {"Cookie": account.cookie, "X-CSRFToken": CSRF_SECRET}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> int:
        """Send one request; the status, or raise OSError / HTTPException when the connection
        broke (the connection is then closed, and the next request opens a new one)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = dict(self.headers)
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.in_flight = True
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        finally:
            self.in_flight = False
        if response.will_close:
            self.close()
        return response.status

    def get_today(self) -> int:
        return self.request("GET", "/")

    def get_knot(self) -> int:
        return self.request("GET", f"/knots/{self.account.knot_id}/")

    def check_in(self) -> int:
        n = next(self.seq)
        note = f"{self.note_prefix}{self.account.user_id}-{n}"
        fields = {"pain": str(n % 11), "moment": "", "note": note}
        status = self.request("POST", f"/knots/{self.account.knot_id}/checkin/", fields)
        if status == 302:
            self.acked.note(note)
        return status

    def drink(self) -> int:
        ml = 1 + next(self.drinks) % DRINK_MAX_ML
        status = self.request("POST", "/water/log/", {"amount": f"{ml}ml", "kind": "water"})
        if status == 302:
            self.acked.drink(self.account.user_id, ml)
        return status


def sqlite_integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` on a fresh connection: "ok", or what is wrong."""
    import sqlite3

    conn = sqlite3.connect(path, timeout=30)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        broken_keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    result = "; ".join(str(r[0]) for r in rows)
    if broken_keys:
        result += f"; {len(broken_keys)} rows point at missing rows"
    return result


def postgres_integrity() -> str:
    """PostgreSQL has no integrity_check: amcheck verifies every B-tree index of the database
    against its table (where the extension can be created), else it is not checked."""
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except Exception as exc:  # no contrib package, or no right to create it
            return f"not checked ({type(exc).__name__})"
        cursor.execute(
            "SELECT c.oid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
        )
        indexes = [row[0] for row in cursor.fetchall()]
        for index in indexes:
            cursor.execute("SELECT bt_index_check(%s::regclass, true)", [str(index)])
    return f"ok (amcheck: {len(indexes)} indexes with their tables)"


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def describe(database_url: str) -> str:
    return "PostgreSQL" if database_url else "SQLite"


def quiet_log(data_dir: Path, name: str) -> IO[bytes]:
    return (data_dir / name).open("ab")


__all__ = [
    "HOST",
    "Account",
    "Acknowledged",
    "Server",
    "Tally",
    "Writer",
    "describe",
    "free_port",
    "make_accounts",
    "percentile",
    "postgres_integrity",
    "quiet_log",
    "scratch_postgres",
    "setup_django",
    "sqlite_integrity",
    "tally",
    "use_database",
]
