"""Lighthouse on a phone for the pages a person uses most: Today, a knot, the finder, the player.

Starts the real server (`knotless serve`) on a scratch SQLite data folder with one signed-in
user (a knot with 90 days of check-ins, its safety questions answered, a routine open in the
player), then runs Google's Lighthouse (mobile form factor, simulated slow 4G and CPU) in
Debian's Chromium against each page and prints the performance, accessibility and
best-practices scores with the first paint and largest paint.

    npm install --prefix /work/lh lighthouse        # once; Lighthouse is not a Python package
    uv run python bench/lighthouse.py [--lighthouse /work/lh/node_modules/.bin/lighthouse]
        [--chromium /usr/bin/chromium] [--json]

Needs Node.js, Lighthouse and Chromium; every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

PAGES = {"Today": "/", "knot page": "/knots/{knot}/", "finder": "/find/", "player": "/play/{play}/"}
CATEGORIES = ("performance", "accessibility", "best-practices")


def seed() -> tuple[str, dict[str, int]]:
    """One signed-in user with a knot, its safety answers and an open routine."""
    from knotless.practice import services as practice
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    (account,) = harness.make_accounts("lighthouse", 1, history_days=90)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=account.user_id)
    knot = user.knots.get(pk=account.knot_id)
    record(user, knot_areas(knot), [], knot=knot)
    session = practice.start(
        user, ["chin-tuck", "upper-trapezius-side-bend-stretch"], before={knot.pk: 5}
    )
    return account.cookie, {"knot": knot.pk, "play": session.pk}


# Lighthouse's own answer when its trace of the load came back without a start ("Please run
# Lighthouse again"): a fault of the recording, not of the page, so the page is run once more.
RETRY_ON = ("NO_NAVSTART", "Please run Lighthouse again")


def run_lighthouse(binary: str, chromium: str, url: str, cookie: str, out: Path) -> dict:
    found = run_once(binary, chromium, url, cookie, out)
    if any(word in found.get("error", "") for word in RETRY_ON):
        found = run_once(binary, chromium, url, cookie, out) | {"retried": found["error"]}
    return found


def run_once(binary: str, chromium: str, url: str, cookie: str, out: Path) -> dict:
    out.unlink(missing_ok=True)
    done = subprocess.run(
        [
            binary,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode or not out.exists():
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        return {"error": lines[-1] if lines else f"exit status {done.returncode}"}
    report = json.loads(out.read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    failed = [
        key
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    return {
        **scores,
        "first_paint_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "largest_paint_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "below_0.9": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default="/work/lh/node_modules/.bin/lighthouse")
    parser.add_argument(
        "--chromium", default=os.environ.get("KNOTLESS_CHROMIUM", "/usr/bin/chromium")
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not Path(args.lighthouse).exists() and not shutil.which(args.lighthouse):
        raise SystemExit(
            f"No Lighthouse at {args.lighthouse}: npm install --prefix /work/lh lighthouse"
        )

    data_dir = Path(tempfile.mkdtemp(prefix="knotless-lighthouse-"))
    harness.use_database(data_dir, "")
    harness.setup_django()
    cookie, ids = seed()
    port = harness.free_port()
    log = harness.quiet_log(data_dir, "server")
    server = harness.Server(port, workers=1, threads=4, log=log)
    results = {}
    try:
        server.wait_ready()
        for name, path in PAGES.items():
            url = f"http://{harness.HOST}:{port}{path.format(**ids)}"
            results[name] = run_lighthouse(
                args.lighthouse, args.chromium, url, cookie, data_dir / "report.json"
            )
            print(f"{name}: {results[name]}", file=sys.stderr, flush=True)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        "\nLighthouse, mobile (simulated slow 4G, 4x CPU slowdown), one run each"
        " (run again once if Lighthouse's trace failed)"
    )
    print(f"{'page':<10} {'perf':>5} {'a11y':>5} {'best':>5} {'FCP ms':>7} {'LCP ms':>7} {'KB':>6}")
    for name, r in results.items():
        if "error" in r:
            print(f"{name:<10} Lighthouse failed: {r['error']}")
            continue
        print(
            f"{name:<10} {r['performance']:>5} {r['accessibility']:>5} {r['best-practices']:>5} "
            f"{r['first_paint_ms']:>7} {r['largest_paint_ms']:>7} {r['bytes'] / 1024:>6.1f}"
        )
        if r["below_0.9"]:
            print(f"{'':<10} below 0.9: {', '.join(r['below_0.9'])}")
        if "retried" in r:
            print(f"{'':<10} second run; the first failed: {r['retried']}")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
