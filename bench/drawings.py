"""Drawing benchmark: the knot's pain chart and the body map, in time and in bytes.

    uv run --group bench python bench/drawings.py [--draws 20] [--no-old-chart]

(the `bench` group brings matplotlib for the old chart; without it the old chart is skipped)

Prints, for a 2-year knot (about 2,000 check-ins and 80 sessions):

- milliseconds per chart drawn, and the chart's size raw and gzip-compressed; the matplotlib chart
  this replaced is loaded from git (commit OLD_CHART) and drawn in the same run, twice as the
  page drew it (desktop and phone), when git and matplotlib are at hand;
- the four body-map views of the finder drawn inline (byte for byte what pages sent before the
  sprite) against the same views pointing into the static sprite, and the sprite file itself,
  which a browser fetches once;
- the pages that carry drawings, raw and gzip, from a scratch SQLite database (deleted after),
  and the knot page's median time warm and right after a check-in, as ratios to the bare view
  (in-process test client, so a busy machine slows all alike).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The last commit whose lib/charts.py drew with matplotlib.
OLD_CHART = "ee79bfd"
FINDER_MARKS = "m=medial-border-of-scapula:left:6&m=back-of-neck:left:9&m=top-of-shoulder:right:3"


def sizes(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return f"{len(raw):>9,} B raw {len(gzip.compress(raw)):>8,} B gzip"


def per_call_ms(draw: Callable[[], object], times: int) -> float:
    draw()
    took = []
    for _ in range(times):
        began = time.perf_counter()
        draw()
        took.append(time.perf_counter() - began)
    return statistics.median(took) * 1000


def history(days: int = 730) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    rng = random.Random(7)
    start = datetime(2024, 12, 1)
    points, pain = [], 6
    for day in range(days):
        for hour in (8, 13, 20)[: rng.choice((2, 3, 3))]:
            pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
            points.append(
                (start + timedelta(days=day, hours=hour, minutes=rng.randint(0, 59)), pain)
            )
    marks = tuple(
        (start + timedelta(days=d, hours=18), rng.randint(5, 8), rng.randint(2, 5))
        for d in range(0, days, 9)
    )
    return tuple(points[:2000]), marks


def old_chart() -> Callable[..., str] | None:
    """The matplotlib pain_chart_svg of OLD_CHART, or None without git or matplotlib."""
    if importlib.util.find_spec("matplotlib") is None or shutil.which("git") is None:
        return None
    found = subprocess.run(
        ["git", "show", f"{OLD_CHART}:src/knotless/lib/charts.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        return None
    module = type(sys)("old_charts")
    exec(compile(found.stdout, "old_charts.py", "exec"), module.__dict__)
    draw: Callable[..., str] = module.pain_chart_svg.__wrapped__  # past its lru_cache
    return draw


def chart_figures(draws: int, with_old: bool) -> None:
    from knotless.lib.charts import pain_chart

    points, marks = history()
    draw_old = old_chart() if with_old else None
    print(f"\nPain chart, 2-year knot: {len(points):,} check-ins, {len(marks)} sessions")
    for name, pts, mks in (("2 years", points, marks), ("60 check-ins", points[-60:], marks[-2:])):

        def new() -> str:
            return pain_chart(pts, mks).html  # noqa: B023 (called before the loop moves on)

        new_ms = per_call_ms(new, draws)
        html = new()
        print(f"  new, {name:<13} {new_ms:8.2f} ms per chart {sizes(html)}")
        if draw_old is None:
            continue
        old_draw = draw_old

        def old() -> str:
            return "".join(old_draw(pts, size=s, sessions=mks) for s in ("wide", "narrow"))  # noqa: B023

        old_ms = per_call_ms(old, max(2, draws // 10))
        svg = old()
        print(f"  old, {name:<13} {old_ms:8.2f} ms per page  {sizes(svg)}  (matplotlib, 2 sizes)")
        print(
            f"  old / new: {old_ms / new_ms:.0f}x the time, {len(svg) / len(html):.1f}x the bytes"
        )
    if with_old and draw_old is None:
        print(f"  (the matplotlib chart of {OLD_CHART} needs git and matplotlib; not drawn)")


def bodymap_figures() -> None:
    from knotless.atlas.bodymap import render_view, sprite_svg, views
    from knotless.atlas.sprite import STATIC_NAME

    url = f"/static/{STATIC_NAME}"
    marked = {("medial-border-of-scapula", "left"): 0.6, ("back-of-neck", "left"): 0.9}

    def href(slug: str, side: str) -> str:
        return f"?{FINDER_MARKS}&m={slug}:{side}:6#results"

    print("\nBody map, the finder's four views with two places marked")
    inline = "".join(render_view(v, href=href, selected=marked) for v in views())
    used = "".join(render_view(v, href=href, selected=marked, sprite=url) for v in views())
    print(f"  inline paths (before) {sizes(inline)}")
    print(f"  <use> of the sprite   {sizes(used)}")
    print(f"  sprite file, once     {sizes(sprite_svg())}")
    packed = len(gzip.compress(inline.encode())) / len(gzip.compress(used.encode()))
    print(f"  inline / sprite: {len(inline) / len(used):.1f}x raw, {packed:.1f}x gzip")


def page_figures(rounds: int) -> None:
    from django.core.management import call_command
    from django.test import Client

    from knotless.accounts.services import create_user
    from knotless.journal.models import CheckIn, Knot
    from knotless.practice.models import Session, SessionKnot

    call_command("migrate", verbosity=0)
    user = create_user("drawings", "a-long-benchmark-passphrase", time_zone="Europe/Berlin")
    points, marks = history()
    shift = datetime.now(UTC).replace(tzinfo=None) - points[-1][0] - timedelta(hours=1)
    knot = Knot.objects.create(
        user=user, region="medial-border-of-scapula", side="left",
        first_felt=(points[0][0] + shift).date(),
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(knot=knot, moment=(m + shift).replace(tzinfo=UTC), pain=p) for m, p in points
    )
    for moment, before, after in marks:
        at = (moment + shift).replace(tzinfo=UTC)
        session = Session.objects.create(
            user=user, started_at=at, ended_at=at + timedelta(minutes=9), status="finished"
        )
        SessionKnot.objects.create(session=session, knot=knot, pain_before=before, pain_after=after)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def get(path: str) -> bytes:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return response.content

    print("\nPages with drawings (the 2-year knot above)")
    for name, path in (
        ("knot page", f"/knots/{knot.pk}/"),
        ("finder, empty", "/find/"),
        ("finder, 3 marks", f"/find/?{FINDER_MARKS}&context=desk"),
        ("new knot", "/knots/new/"),
        ("muscle page", "/atlas/upper-trapezius/"),
    ):
        print(f"  {name:<16} {sizes(get(path))}")

    knot_url = f"/knots/{knot.pk}/"
    bare, warm, after = [], [], []
    for _ in range(rounds):
        for into, path in ((bare, "/healthz"), (warm, knot_url)):
            began = time.perf_counter()
            get(path)
            into.append(time.perf_counter() - began)
        client.post(f"/knots/{knot.pk}/checkin/", {"pain": "5"})
        began = time.perf_counter()
        get(knot_url)
        after.append(time.perf_counter() - began)
    base = statistics.median(bare)
    print(
        f"\nKnot page, median of {rounds} (in-process test client; bare view {base * 1000:.2f} ms)"
    )
    for name, values in (("warm", warm), ("right after a check-in", after)):
        median = statistics.median(values)
        print(f"  {name:<24} {median * 1000:7.1f} ms  {median / base:6.1f}x bare")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20, help="charts drawn per figure")
    parser.add_argument("--rounds", type=int, default=15, help="knot page rounds")
    parser.add_argument("--no-old-chart", action="store_true", help="skip the matplotlib chart")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="knotless-drawings-")
    os.environ["KNOTLESS_DATA_DIR"] = data_dir
    os.environ.pop("KNOTLESS_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "knotless.settings"
    try:
        import django

        django.setup()
        chart_figures(args.draws, not args.no_old_chart)
        bodymap_figures()
        page_figures(args.rounds)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
