"""What one password hash costs, with Django's Argon2 parameters and with knotless's (issue 12).

Each measurement runs in a fresh Python process, so its peak resident memory (ru_maxrss) is its
own: the process imports Django, takes a baseline, then hashes. Printed per hasher:

- one hash: peak RSS above the baseline, and the median time of a few hashes;
- a flood: CLIENTS threads each checking a password at once, as CLIENTS sign-ins would. Django's
  hasher lets all of them run together; knotless's takes one of HASHES_IN_FLIGHT slots each
  (waiting up to a second for one, as a sign-in does), so its peak stays at a couple of hashes.

    uv run python bench/login_cost.py [--clients 16] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

HASHERS = {
    "django default (m=100 MiB, t=2, p=8)": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "knotless (m=19 MiB, t=2, p=1)": "knotless.accounts.hashers.Argon2PasswordHasher",
}


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(hasher_path: str, clients: int, repeat: int) -> dict[str, float]:
    """Run in the child: one hash, then a flood of `clients` concurrent checks."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotless.settings")
    django.setup()
    from django.utils.module_loading import import_string

    hasher = import_string(hasher_path)()
    hasher._load_library()
    baseline = _peak_kib()
    encoded = hasher.encode("an-account-passphrase", hasher.salt())
    one = _peak_kib() - baseline
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        hasher.verify("a-sign-in-attempt", encoded)
        times.append(time.perf_counter() - started)

    refused = 0
    lock = threading.Lock()

    def attempt() -> None:
        nonlocal refused
        try:
            hasher.verify("a-sign-in-attempt", encoded)
        except Exception:  # knotless's HashingBusy: the sign-in would get a 503 page
            with lock:
                refused += 1

    threads = [threading.Thread(target=attempt) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flood_seconds = time.perf_counter() - started
    return {
        "one_hash_mib": one / 1024,
        "one_hash_ms": statistics.median(times) * 1000,
        "flood_mib": (_peak_kib() - baseline) / 1024,
        "flood_seconds": flood_seconds,
        "refused": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.clients, args.repeat)))
        return

    print(f"Peak resident memory above a Django process's baseline; {args.clients} concurrent")
    print("password checks for the flood. One fresh process per row.\n")
    print(
        f"{'hasher':38} {'1 hash MiB':>10} {'1 hash ms':>10} {'flood MiB':>10} "
        f"{'flood s':>8} {'refused':>8}"
    )
    for label, path in HASHERS.items():
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                path,
                "--clients",
                str(args.clients),
                "--repeat",
                str(args.repeat),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        print(
            f"{label:38} {row['one_hash_mib']:10.1f} {row['one_hash_ms']:10.1f} "
            f"{row['flood_mib']:10.1f} {row['flood_seconds']:8.2f} {row['refused']:8d}"
        )


if __name__ == "__main__":
    main()
