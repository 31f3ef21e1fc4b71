"""`knotless serve`: migrate, print the first-run link, run granian, open the browser."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import threading
import time
import webbrowser

import click

from knotless.cli.django_setup import ready

# Requests mostly wait on the database, so a few threads per core pay off; past 2 x cores + 1
# granian warns that the interpreter is oversubscribed.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_THREADS = min(8, (os.cpu_count() or 1) * 2 + 1)


def _browser_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Like the server itself: connections of a just-stopped knotless linger in TIME_WAIT and
        # must not count as "in use". (On Windows SO_REUSEADDR would allow stealing a port that
        # is really taken, so ask for exclusive use there instead.)
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.UsageError(
                    f"Port {port} on {host} is already in use (is knotless already running?). "
                    f"Try --port {port + 1}."
                ) from None
            raise click.UsageError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None


def _listen_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An IP address to listen on: granian takes no host names and failed on one (or on an
    empty --host) with a traceback. ``localhost`` means 127.0.0.1; ``[::1]`` means ::1."""
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise click.BadParameter(
            f"{shown!r} is not an address to listen on: give an IP address, such as 127.0.0.1 "
            "(this computer only) or 0.0.0.0 (every network)."
        ) from None
    return host


def _open_when_up(host: str, port: int, url: str, timeout: float = 20.0) -> None:
    """Open the browser once the server accepts connections, not before."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host.strip("[]"), port), timeout=0.5):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(0.2)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="KNOTLESS_HOST",
    callback=_listen_address,
    help="Address to listen on (or KNOTLESS_HOST).",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    envvar="KNOTLESS_PORT",
    type=click.IntRange(1, 65535),
    help="Port to listen on (or KNOTLESS_PORT).",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes."
)
@click.option(
    "--threads",
    default=DEFAULT_THREADS,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Request threads per worker (each keeps one database connection).",
)
def serve(host: str, port: int, no_browser: bool, workers: int, threads: int) -> None:
    """Run the knotless web app."""
    from knotless import config

    _check_port_free(host, port)
    config.ensure_data_dir()
    ready_started = time.monotonic()
    ready()
    from knotless.accounts.services import issue_setup_token, needs_setup

    base = f"http://{_browser_host(host)}:{port}"
    where = "PostgreSQL" if config.database_url() else str(config.sqlite_path())
    click.echo(f"knotless: data in {where} (ready in {time.monotonic() - ready_started:.1f} s)")
    url = f"{base}/"
    if needs_setup():
        url = f"{base}/setup/{issue_setup_token()}/"
        click.secho("\nFirst run: create your account with this one-time link:", bold=True)
        click.secho(f"  {url}\n", fg="green", bold=True)
    if host not in LOOPBACK and not config.env_str("KNOTLESS_ALLOWED_HOSTS"):
        click.secho(
            "Note: other devices will get '400 Bad Request' until KNOTLESS_ALLOWED_HOSTS lists "
            "the name or address they use (e.g. KNOTLESS_ALLOWED_HOSTS=192.168.1.20).",
            fg="yellow",
        )
    click.echo(f"knotless is running at {base}/  (Ctrl+C to stop)")
    if not no_browser:
        threading.Thread(target=_open_when_up, args=(host, port, url), daemon=True).start()

    from granian import Granian

    from knotless.cli.door import close_door, door_host, open_door

    # The terminal's quick path (knotless/quick.py): not when KNOTLESS_USER is set here, since
    # the commands would then act for that person whoever typed them.
    loopback = door_host(host)
    door = None
    if loopback and not config.env_str("KNOTLESS_USER"):
        door = open_door(config.data_dir(), loopback, port, config.database_url())
    try:
        Granian(
            "knotless.wsgi:application",
            address=host,
            port=port,
            interface="wsgi",  # type: ignore[arg-type]
            workers=workers,
            blocking_threads=threads,
            log_level="warning",  # type: ignore[arg-type]
        ).serve()
    finally:
        if door is not None:
            close_door(door)
