"""The desk agent's footprint while the user works: resident memory, CPU and wake-ups.

Starts the real agent (``python -m knotless.desk.agent``) under Xvfb, so it reads real X11
idle time, lets it run for a fixed period and reads /proc. Targets (issue 6): under 40 MB
resident and under 0.1 % CPU. For comparison, users report about 260 MB for Stretchly and
47-157 MB for Safe Eyes.

Measured twice in one run: with offers as terminal lines, and with desktop notifications
(desktop-notifier loaded and connected to a stub notification server on a private D-Bus).

    uv run python bench/desk_footprint.py [--seconds 60] [--interval 5]

Linux only (reads /proc); needs Debian's xvfb and dbus-daemon.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from knotless.desk.agent import policy_to
from knotless.lib.breaks import Policy

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def switches(pid: int) -> int:
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
            total += int(line.split()[1])
    return total


def stub_notification_server(address_holder: list[str], ready: threading.Event) -> None:
    """A minimal org.freedesktop.Notifications on the private bus, so desktop-notifier loads
    and connects as it would on a desktop."""
    from dbus_fast.aio import MessageBus
    from dbus_fast.service import ServiceInterface, method

    class Notifications(ServiceInterface):
        def __init__(self) -> None:
            super().__init__("org.freedesktop.Notifications")

        @method()
        def GetCapabilities(self) -> "as":  # type: ignore[name-defined]
            return ["actions", "body"]

        @method()
        def GetServerInformation(self) -> "ssss":  # type: ignore[name-defined]
            return ["stub", "knotless", "1", "1.2"]

    async def serve() -> None:
        bus = await MessageBus(bus_address=address_holder[0]).connect()
        bus.export("/org/freedesktop/Notifications", Notifications())
        await bus.request_name("org.freedesktop.Notifications")
        ready.set()
        await bus.wait_for_disconnect()

    with contextlib.suppress(Exception):  # the bus goes away when the run ends
        asyncio.run(serve())


def measure(display: str, notifications: str, seconds: int, interval: float) -> dict[str, object]:
    bus: subprocess.Popen[str] | None = None
    env = dict(os.environ, DISPLAY=display, XDG_CURRENT_DESKTOP="GNOME")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if notifications == "desktop":
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert bus.stdout is not None
        address = [bus.stdout.readline().strip()]
        ready = threading.Event()
        threading.Thread(
            target=stub_notification_server, args=(address, ready), daemon=True
        ).start()
        ready.wait(10)
        env["DBUS_SESSION_BUS_ADDRESS"] = address[0]
    with tempfile.TemporaryDirectory() as data:
        config = Path(data) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "user": "bench",
                    "data_dir": data,
                    "policy": policy_to(Policy(work_days=tuple(range(7)))),
                    "interval": interval,
                    "notifications": notifications if notifications == "terminal" else "auto",
                }
            )
        )
        agent = subprocess.Popen(
            [sys.executable, "-m", "knotless.desk.agent", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        banner = []
        assert agent.stdout is not None
        for _ in range(3):
            banner.append(agent.stdout.readline().strip())
        time.sleep(2)  # past start-up
        cpu0, sw0, t0 = cpu_seconds(agent.pid), switches(agent.pid), time.monotonic()
        peak = 0
        while time.monotonic() - t0 < seconds:
            peak = max(peak, rss_kib(agent.pid))
            time.sleep(1)
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(agent.pid) - cpu0
        wakeups = (switches(agent.pid) - sw0) / elapsed * 60
        agent.terminate()
        agent.wait(timeout=10)
    if bus is not None:
        bus.terminate()
        bus.wait(timeout=5)
    return {
        "banner": " ".join(line for line in banner if line),
        "elapsed": elapsed,
        "rss_mb": peak / 1024,
        "cpu_percent": 100 * cpu / elapsed,
        "wakeups_per_minute": wakeups,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--interval", type=float, default=5)
    args = parser.parse_args()
    for tool in ("Xvfb", "dbus-daemon"):
        if not shutil.which(tool):
            sys.exit(f"Needs {tool} (Debian's xvfb and dbus-daemon packages).")
    display = ":96"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"])
    time.sleep(1)
    try:
        runs = {
            mode: measure(display, mode, args.seconds, args.interval)
            for mode in ("terminal", "desktop")
        }
    finally:
        xvfb.terminate()
    print(f"each run {args.seconds} s, ticking every {args.interval:g} s, user idle")
    print(f"{'notifications':<15}{'resident MB':>12}{'CPU %':>9}{'wake-ups/min':>14}")
    for mode, run in runs.items():
        print(
            f"{mode:<15}{run['rss_mb']:>12.1f}{run['cpu_percent']:>9.3f}"
            f"{run['wakeups_per_minute']:>14.0f}"
        )
    print("targets: under 40 MB resident, under 0.1 % CPU")
    for mode, run in runs.items():
        print(f"{mode}: {run['banner']}")


if __name__ == "__main__":
    main()
