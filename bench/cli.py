"""How long the quick CLI commands take next to starting Python at all (issue 13).

The goal: `knotless drink 250` and `knotless knot checkin …` take at most twice the wall time of
`uv run python -c pass`, all measured in one run. Each command runs ROUNDS times, the commands
interleaved round by round (so a busy moment on the machine hits them all alike), each in a fresh
process through `uv run` as a person would type it, on a scratch data folder with one user and
one knot. Printed: the median and the spread of each, its ratio to `python -c pass` (medians),
and the ratio of the fastest runs (min/min), which a busy machine disturbs less.

Each quick command is timed twice: with no server (it starts Django itself) and with
`knotless serve` running on the same data folder, when it goes through the server's door
(src/knotless/quick.py) and starts no Django at all. The goal is for the second.

The data folder is migrated and given its user before timing, and one warm-up round runs first,
so Python's bytecode cache is in place as on any second run.

    uv run python bench/cli.py [--rounds 15] [--src before=/tmp/before/src]

`--src` times another copy of knotless in the same run, e.g. the code before a change:
`git archive COMMIT src | tar -x -C /tmp/before`.

Two rows are not knotless, for scale: `import click` alone, and `django.setup()` alone with
knotless's settings. No command that uses the database can be faster than the second.

This machine may set PYTHONDONTWRITEBYTECODE=1: Python then never writes its bytecode cache, so
a module with no cached copy (uv does not compile on install) is compiled again on every start.
Compare with it unset (`env -u PYTHONDONTWRITEBYTECODE uv run python bench/cli.py`); the first
line says which one ran.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER = "bench"
PASSWORD = "a-long-bench-passphrase-7"


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        args, env=env, input=stdin, capture_output=True, text=True, check=False, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def prepare(env: dict[str, str]) -> str:
    """A user and a knot in the scratch folder; the knot's id."""
    knotless = ["uv", "run", "knotless"]
    run([*knotless, "user", "create", USER, "--password-stdin"], env, PASSWORD)
    add = ["knot", "add", "--region", "calf", "--side", "left", "--pain", "4", "--user", USER]
    out = run([*knotless, *add], env)
    return out.split("#", 1)[1].split(":", 1)[0]


def quick_commands(knot_id: str) -> dict[str, list[str]]:
    knotless = ["uv", "run", "knotless"]
    return {
        "knotless --version": [*knotless, "--version"],
        "knotless drink 250": [*knotless, "drink", "250", "--user", USER],
        "knotless knot checkin": [*knotless, "knot", "checkin", knot_id, *CHECKIN],
    }


CHECKIN = ["--pain", "3", "--user", USER]
QUICK = ("knotless drink 250", "knotless knot checkin")
RUNNING = " (server running)"
ALONE = " (no server)"


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`knotless serve` on a free port of the scratch folder, once its door file is there."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["uv", "run", "knotless", "serve", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    door = Path(env["KNOTLESS_DATA_DIR"], "cli-door.json")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if door.exists():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return server
            except OSError:
                pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("knotless serve did not open its door within a minute")


# Not knotless: what Python pays for click and for Django's setup alone, for scale.
FLOORS = {
    "(python: import click)": ["uv", "run", "python", "-c", "import click"],
    "(python: django.setup)": ["uv", "run", "python", "-c", "import django; django.setup()"],
}
GOAL = tuple(name + RUNNING for name in QUICK)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (≥ 10)")
    parser.add_argument(
        "--src",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the knotless in DIR (a src folder, e.g. from `git archive`), put first "
        "on PYTHONPATH; its rows are labelled LABEL. Repeatable.",
    )
    options = parser.parse_args()
    rounds = max(10, options.rounds)
    trees: dict[str, str | None] = {"": None}
    for given in options.src:
        label, _, folder = given.partition("=")
        trees[f"[{label}] "] = str(Path(folder).resolve())
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="knotless_cli_") as scratch:
        base_env = dict(os.environ)
        for name in ("KNOTLESS_DATABASE_URL", "KNOTLESS_USER", "PYTHONPATH"):
            base_env.pop(name, None)
        base_env["KNOTLESS_DATA_DIR"] = str(Path(scratch, "floor"))
        base_env["DJANGO_SETTINGS_MODULE"] = "knotless.settings"
        runs: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": (["uv", "run", "python", "-c", "pass"], base_env)
        }
        for label, src in trees.items():
            env = dict(base_env, KNOTLESS_DATA_DIR=str(Path(scratch, label.strip(" []") or "main")))
            if src:
                env["PYTHONPATH"] = src
            for name, args in quick_commands(prepare(env)).items():
                if name not in QUICK:
                    runs[label + name] = (args, env)
                    continue
                # Without a server, the command starts Django itself; with `knotless serve`
                # running it goes through the server's door (knotless/quick.py).
                runs[label + name + ALONE] = (args, dict(env, KNOTLESS_NO_DOOR="1"))
                runs[label + name + RUNNING] = (args, env)
            servers.append(start_server(env))
        runs.update({name: (args, base_env) for name, args in FLOORS.items()})
        times: dict[str, list[float]] = {name: [] for name in runs}
        try:
            for args, env in runs.values():  # warm-up: bytecode, the uv environment
                timed(args, env)
            for _ in range(rounds):
                for name, (args, env) in runs.items():
                    times[name].append(timed(args, env))
        finally:
            for server in servers:
                server.terminate()
                server.wait(30)
    base = statistics.median(times["python -c pass"])
    cached = (
        "off (PYTHONDONTWRITEBYTECODE set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    )
    print(f"python {sys.version.split()[0]}, {rounds} interleaved rounds, bytecode cache {cached}")
    width = max(len(name) for name in times) + 2
    low = min(times["python -c pass"])
    print(f"{'command':<{width}}{'median':>10}{'min':>10}{'max':>10}{'× python':>10}{'min/min':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:<{width}}{median * 1000:>8.0f}ms{min(values) * 1000:>8.0f}ms"
            f"{max(values) * 1000:>8.0f}ms{median / base:>9.2f}×{min(values) / low:>8.2f}×"
        )
    for label in trees:
        worst = max(statistics.median(times[label + name]) for name in GOAL)
        verdict = "met" if worst <= 2 * base else "not met"
        print(
            f"{label}goal (drink, checkin with the server running ≤ 2× python -c pass): {verdict}, "
            f"worst {worst / base:.2f}×"
        )


if __name__ == "__main__":
    main()
