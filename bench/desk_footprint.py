"""The desk agent's footprint while the user works: resident memory, CPU and wake-ups.

Starts the real agent (``python -m knotless.desk.agent``) under Xvfb, so it reads real X11
idle time, lets it run for a fixed period and reads /proc. Targets (issue 6): under 40 MB
resident and under 0.1 % CPU. For comparison, users report about 260 MB for Stretchly and
47-157 MB for Safe Eyes.

    uv run python bench/desk_footprint.py [--seconds 60] [--interval 5]

Linux only (reads /proc); needs Debian's xvfb.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--interval", type=float, default=5)
    args = parser.parse_args()
    if not shutil.which("Xvfb"):
        sys.exit("Needs Xvfb (Debian's xvfb package).")
    display = ":96"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"])
    time.sleep(1)
    with tempfile.TemporaryDirectory() as data:
        config = Path(data) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "user": "bench",
                    "data_dir": data,
                    "policy": policy_to(Policy(work_days=tuple(range(7)))),
                    "interval": args.interval,
                    "notifications": "terminal",
                }
            )
        )
        env = dict(os.environ, DISPLAY=display)
        agent = subprocess.Popen(
            [sys.executable, "-m", "knotless.desk.agent", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        first_line = agent.stdout.readline().strip() if agent.stdout else ""
        time.sleep(2)  # past start-up
        cpu0, sw0, t0 = cpu_seconds(agent.pid), switches(agent.pid), time.monotonic()
        peak = 0
        while time.monotonic() - t0 < args.seconds:
            peak = max(peak, rss_kib(agent.pid))
            time.sleep(1)
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(agent.pid) - cpu0
        wakeups = (switches(agent.pid) - sw0) / elapsed * 60
        agent.terminate()
        agent.wait(timeout=10)
    xvfb.terminate()
    print(first_line)
    print(f"ran {elapsed:.0f} s ticking every {args.interval:g} s")
    print(f"resident memory: {peak / 1024:.1f} MB peak (target < 40 MB)")
    print(f"CPU: {100 * cpu / elapsed:.3f} % of one core (target < 0.1 %)")
    print(f"context switches (wake-ups): {wakeups:.0f} per minute")


if __name__ == "__main__":
    main()
