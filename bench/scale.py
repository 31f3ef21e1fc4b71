"""Scale benchmark: does a page get slower as a person's history grows, among many people?

Seeds PostgreSQL (a database named knotless_scale that the bench creates and drops) with
--users people (default 1,000), each with --days of history (default 730, two years): five
knots rated three times a day, six drinks a day, a ten-minute routine most days (four
exercises, before and after ratings, some verdicts), six hours at the desk on workdays, and
training: gym work three days a week (five lifts of three sets) and two runs. The
rows are made by PostgreSQL itself (INSERT ... SELECT over generate_series), so two years for
a thousand people take a few minutes, not an hour. Three more people are measured against
one heavy person:

* the empty account has five knots, each rated once, and has done nothing else;
* the first-day account has the same, and has also played one routine (the same four
  exercises, the first knot rated before and after, some verdicts) and logged one gym session
  (five lifts, three sets each), so every page shows the same parts as the heavy one's: a
  sessions table, a knot's sessions, a strength history, a training log;
* the three-month account has QUARTER_DAYS days of the heavy people's history, so every
  window a page shows is full (the pain chart's 90 days, the load chart's 12 weeks, the
  twenty latest workouts, the thirty latest days of a table). Heavy / three months is the
  work that keeps growing once the windows are full, which is what the target is about;
  heavy / first day and heavy / empty also count what filling the windows costs, and, for
  the empty account, what using a feature at all costs (it never trained, so its Today and
  training pages have no training parts to draw).

Then it requests every daily page for the heavy person and the other three, interleaved, in
the same process (Django's test client: no network, so the ratio shows the work that grows
with data) and prints the median of each and heavy / each. Target (issue 13): at most 1.2x.
Each page is timed as served (from the per-person page cache when nothing changed) and drawn
afresh ("drawn": a query key no view reads makes the cache miss); the target holds for both.
It also times the first plan of the day (today's plans deleted before each request, and a day
gone by for the history's checkpoint: practice/done.py) and, after every page is timed, two
pages right after a write, shown beside the target rather than in it:

* the sessions page right after a write to the newest session's rating, as a routine just
  saved leaves it: the page keeps its table and each row under numbers the database moves with
  every write (practice/session_list.py), so this is the page with one row drawn and the rest
  kept. The empty account has no session to write and no row to draw; heavy / first day (both
  draw their newest row again) shows what grows;
* What helped right after a check-in: its patterns are kept under numbers the database moves
  with every write they rest on (insights/services.py), so a check-in makes them be found
  again from the last 16 weeks. The empty account's five ratings hold no pattern to find;
  heavy / 3 months (both read full windows) shows what grows.

The writes come after the pages are timed, not between them: between them, every "drawn" of a
page that keeps a drawing under the data would be "drawn after a write" instead.

    uv run python bench/scale.py [--users 1000] [--days 730] [--requests 30]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import harness
import training  # bench/training.py

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
KNOTS = [
    ("medial-border-of-scapula", "right", "rhomboids"),
    ("top-of-shoulder", "left", "upper-trapezius"),
    ("back-of-neck", "left", ""),
    ("low-back", "right", "quadratus-lumborum"),
    ("temple", "left", "temporalis"),
]
EXERCISES = [
    "chin-tuck",
    "upper-trapezius-side-bend-stretch",
    "doorway-chest-stretch",
    "band-pull-apart",
]
PAGES = {
    "Today": "/",
    "knot page": "/knots/{knot}/",
    "finder": "/find/",
    "plan": "/plan/",
    "water": "/water/",
    "desk": "/desk/",
    "exercise": "/library/chin-tuck/",
    "atlas": "/atlas/rhomboids/",
    "journal": "/journal/",
    "sessions": "/sessions/",
    # The pages of this wave (issues 14 and 15).
    "training": "/training/",
    "training load": "/training/load/",
    "what helped": "/insights/",
}


AFTER_WRITE = "sessions after a write"
AFTER_CHECKIN = "what helped after a check-in"
WRITES = (AFTER_WRITE, AFTER_CHECKIN)
# The reference whose every window is full: the pain chart's 90 days, the load chart's 12 weeks,
# the lists of recent workouts and sessions. Heavy / this is what grows past the windows.
QUARTER_DAYS = 90


def step(message: str) -> float:
    print(message, end=" ", flush=True)
    return time.monotonic()


def done(began: float) -> None:
    print(f"{time.monotonic() - began:.1f} s", flush=True)


def make_people(users: int) -> tuple[list[int], int, int, int]:
    """Users with profiles and five knots each (safety answered), an empty account, a
    first-day account with one routine played and one gym session, and a three-month account
    (its history is filled by fill_history, as the heavy people's)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from knotless.accounts.models import Profile
    from knotless.journal.models import CheckIn, Knot
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    model = get_user_model()
    hashed = make_password(harness.PASSWORD)
    people = model.objects.bulk_create(
        [model(username=f"scale{i}", password=hashed) for i in range(users + 3)], batch_size=2000
    )
    Profile.objects.bulk_create(
        [Profile(user=u, time_zone="Europe/Berlin") for u in people], batch_size=2000
    )
    first = (datetime.now(UTC) - timedelta(days=800)).date()
    Knot.objects.bulk_create(
        [
            Knot(user=u, region=r, side=s, muscle=m, first_felt=first)
            for u in people
            for r, s, m in KNOTS
        ],
        batch_size=5000,
    )
    quarter, empty, first_day = people[-3], people[-2], people[-1]
    for person in (people[0], quarter, empty, first_day):  # those measured: questions answered
        for knot in Knot.objects.filter(user=person):
            record(person, knot_areas(knot), [], knot=knot)
    # Both are people on their first day: each knot rated once, so their pages show a rating
    # and a chart. The first-day account has also played one routine.
    CheckIn.objects.bulk_create(
        CheckIn(knot=knot, moment=datetime.now(UTC) - timedelta(hours=2), pain=5)
        for knot in Knot.objects.filter(user__in=[empty, first_day])
    )
    play_once(first_day.pk)
    training.seed_training(first_day, 0)  # one gym session of five lifts, three sets each
    return [u.pk for u in people[:-3]], quarter.pk, empty.pk, first_day.pk


def play_once(user_id: int) -> None:
    """One routine an hour ago, as fill_history writes each of the heavy people's."""
    from knotless.journal.models import Knot
    from knotless.practice.models import Session, SessionExercise, SessionKnot

    began = datetime.now(UTC) - timedelta(hours=1)
    session = Session.objects.create(
        user_id=user_id,
        started_at=began,
        ended_at=began + timedelta(minutes=10),
        status=Session.Status.FINISHED,
        planned_seconds=600,
        played_seconds=600,
    )
    SessionExercise.objects.bulk_create(
        SessionExercise(session=session, position=p, slug=slug, verdict=verdict)
        for p, (slug, verdict) in enumerate(zip(EXERCISES, ["", "helped", "", "hurt"], strict=True))
    )
    knot = Knot.objects.filter(user_id=user_id).order_by("id")[0]
    SessionKnot.objects.create(session=session, knot=knot, pain_before=6, pain_after=4)


def fill_history(heavy: list[int], days: int) -> None:
    """Two years of everything for the heavy people, generated inside PostgreSQL."""
    from django.db import connection

    ids = "{" + ",".join(map(str, heavy)) + "}"
    start = f"now() - interval '{days} days'"
    statements = {
        "check-ins": f"""
            INSERT INTO journal_checkin (knot_id, moment, pain, note, created_at)
            SELECT k.id, {start} + d * interval '1 day' + h * interval '1 hour',
                   abs(hashtext(k.id || '-' || d || '-' || h)) %% 11, '', now()
            FROM journal_knot k, generate_series(0, {days} - 1) d, unnest(array[8, 13, 20]) h
            WHERE k.user_id = ANY(%s::int[])""",
        "drinks": f"""
            INSERT INTO hydration_drink (user_id, moment, ml, kind)
            SELECT u, {start} + d * interval '1 day' + h * interval '1 hour', 250, 'water'
            FROM unnest(%s::int[]) u, generate_series(0, {days} - 1) d,
                 unnest(array[8, 10, 12, 14, 16, 18]) h""",
        "desk time": f"""
            INSERT INTO desk_deskevent (user_id, kind, outcome, start, "end")
            SELECT u, 'work', 'worked', {start} + d * interval '1 day' + h * interval '1 hour',
                   {start} + d * interval '1 day' + h * interval '1 hour' + interval '50 minutes'
            FROM unnest(%s::int[]) u, generate_series(0, {days} - 1) d,
                 unnest(array[9, 10, 11, 14, 15, 16]) h
            WHERE extract(isodow from {start} + d * interval '1 day') < 6""",
        "routines": f"""
            INSERT INTO practice_session (user_id, started_at, ended_at, status, source,
                                          planned_seconds, played_seconds, note, token)
            SELECT u, {start} + d * interval '1 day' + interval '18 hours',
                   {start} + d * interval '1 day' + interval '18 hours 10 minutes',
                   'finished', 'web', 600, 600, '', ''
            FROM unnest(%s::int[]) u, generate_series(0, {days} - 1) d
            WHERE d %% 7 <> 3""",
        "their exercises": """
            INSERT INTO practice_sessionexercise (session_id, position, slug, verdict, reached)
            SELECT s.id, p - 1, (%s::text[])[p],
                   (array['', 'helped', '', 'hurt', ''])[1 + abs(hashtext(s.id || '-' || p)) %% 5],
                   true
            FROM practice_session s, generate_series(1, 4) p
            WHERE s.user_id = ANY(%s::int[])""",
        "their ratings": """
            INSERT INTO practice_sessionknot (session_id, knot_id, pain_before, pain_after)
            SELECT s.id, (SELECT min(k.id) FROM journal_knot k WHERE k.user_id = s.user_id), 6, 4
            FROM practice_session s WHERE s.user_id = ANY(%s::int[])""",
        # Gym work on Monday, Wednesday and Friday, a run on Tuesday and Saturday, at 7:00.
        "workouts": f"""
            INSERT INTO training_workout (user_id, uid, day, started_at, kind, title, minutes,
                                          effort, note, source, created_at)
            SELECT u, gen_random_uuid(), ({start} + d * interval '1 day')::date,
                   date_trunc('day', {start} + d * interval '1 day') + interval '7 hours',
                   w.kind, '', w.minutes, 6 + d %% 3, '', 'web', now()
            FROM unnest(%s::int[]) u, generate_series(0, {days} - 1) d,
                 LATERAL (SELECT CASE WHEN extract(isodow from {start} + d * interval '1 day')
                                      IN (1, 3, 5) THEN 'strength' ELSE 'run' END AS kind,
                                 CASE WHEN extract(isodow from {start} + d * interval '1 day')
                                      IN (1, 3, 5) THEN 60 ELSE 40 END AS minutes) w
            WHERE extract(isodow from {start} + d * interval '1 day') IN (1, 2, 3, 5, 6)""",
        # Five of the eight lifts a session, the load up by a kilogram every seven weeks.
        "their lifts": f"""
            INSERT INTO training_entry (workout_id, position, slug, sets_text, pain_during,
                                        next_morning)
            SELECT w.id, p, (%s::text[])[1 + (w.id + p) %% 8],
                   '3x10@' || (20 + (w.day - ({start})::date) / 50) || 'kg rir2',
                   w.id %% 4, 'same'
            FROM training_workout w, generate_series(1, 5) p
            WHERE w.user_id = ANY(%s::int[]) AND w.kind = 'strength'""",
        "their sets": f"""
            INSERT INTO training_workset (entry_id, "order", reps, load_kg, bodyweight, band,
                                          rir, warmup)
            SELECT e.id, o, 10, 20 + (w.day - ({start})::date) / 50, false, '', 2, false
            FROM training_entry e JOIN training_workout w ON w.id = e.workout_id,
                 generate_series(1, 3) o
            WHERE w.user_id = ANY(%s::int[])""",
    }
    with connection.cursor() as cursor:
        for name, sql in statements.items():
            began = step(f"  {name} …")
            names = training.LIFTS if name == "their lifts" else EXERCISES
            params = ["{" + ",".join(names) + "}", ids] if "%s::text[]" in sql else [ids]
            cursor.execute(sql, params)
            print(f"{cursor.rowcount:,} rows,", end=" ")
            done(began)
        # As a database two years old would be after autovacuum: statistics gathered and the
        # visibility map set, so counts can read the index alone.
        began = step("  VACUUM ANALYZE …")
        cursor.execute("VACUUM ANALYZE")
        done(began)


def signed_in(user_id: int) -> object:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client


def measure(
    clients: dict[str, object], ids: dict[str, int], paths: dict[str, dict[str, str]], n: int
) -> dict:
    timings: dict[tuple[str, str], list[float]] = {}
    for who, client in clients.items():  # warm: today's plans made, caches filled
        for path in paths[who].values():
            for _ in range(3):
                response = client.get(path)  # type: ignore[attr-defined]
                if response.status_code != 200:
                    raise SystemExit(f"GET {path} for {who} answered {response.status_code}")
    for i in range(n):
        for page in PAGES:
            for who, client in clients.items():
                # Each request pays for its own garbage: without this, a collection set off by
                # the heavy account's drawn knot page landed in whichever request came next.
                gc.collect()
                began = time.perf_counter()
                client.get(paths[who][page])  # type: ignore[attr-defined]
                timings.setdefault((page, who), []).append(time.perf_counter() - began)
                # Drawn afresh: a query key no view reads makes the page cache miss.
                path = paths[who][page]
                fresh = f"{path}{'&' if '?' in path else '?'}bench-render={i}"
                gc.collect()
                began = time.perf_counter()
                client.get(fresh)  # type: ignore[attr-defined]
                timings.setdefault((page + " drawn", who), []).append(time.perf_counter() - began)
    # The writes come after every page is timed: a write inside those rounds would make each
    # "drawn" a "drawn after that write" for whatever keeps a drawing under the data it
    # changed. What a write costs is timed here, on the pages that keep such drawings.
    for i in range(n):
        for who, client in clients.items():  # the sessions page right after a routine
            rewrite_latest_rating(ids[who], i)
            gc.collect()
            began = time.perf_counter()
            client.get(f"{paths[who]['sessions']}?bench-write={i}")  # type: ignore[attr-defined]
            timings.setdefault((AFTER_WRITE, who), []).append(time.perf_counter() - began)
        for who, client in clients.items():  # What helped right after a check-in
            check_in(ids[who], i)
            gc.collect()
            began = time.perf_counter()
            client.get(f"{paths[who]['what helped']}?bench-write={i}")  # type: ignore[attr-defined]
            timings.setdefault((AFTER_CHECKIN, who), []).append(time.perf_counter() - began)
    return timings


def check_in(user_id: int, i: int) -> None:
    """A rating of the first knot, as the check-in form stores it: the patterns rest on it."""
    from django.utils import timezone

    from knotless.journal.models import CheckIn, Knot

    knot = Knot.objects.filter(user_id=user_id).order_by("id")[0]
    CheckIn.objects.create(knot=knot, moment=timezone.now(), pain=3 + i % 3)


def rewrite_latest_rating(user_id: int, i: int) -> None:
    """Write the newest session's rating again, as a routine just saved leaves it: its row must
    be drawn, and the table with it (the empty account has none: nothing to write)."""
    from knotless.practice.models import Session, SessionKnot

    latest = Session.objects.filter(user_id=user_id).order_by("-started_at", "-id").first()
    if latest is not None:
        SessionKnot.objects.filter(session=latest).update(pain_after=3 + i % 2)


def first_plans(clients: dict[str, object], ids: dict[str, int], n: int) -> dict[str, list[float]]:
    """The first plan of each of n days: today's plans deleted before each request, and a day
    gone by between two, so the exercise history's checkpoint (practice/done.py) takes in one
    more settled day and is written again, as on a person's real mornings. (The days go by
    through the age at which a session counts as settled: the bench cannot move the clock.)"""
    from knotless.practice import done
    from knotless.practice.models import DayPlan

    settled = done.SETTLED
    found: dict[str, list[float]] = {who: [] for who in clients}
    try:
        done.SETTLED = settled + timedelta(days=n + 1)
        for who, client in clients.items():  # the checkpoint as the day before the first left it
            DayPlan.objects.filter(user_id=ids[who]).delete()
            client.get("/plan/")  # type: ignore[attr-defined]
        for day in range(n):
            done.SETTLED = settled + timedelta(days=n - day)
            for who, client in clients.items():
                DayPlan.objects.filter(user_id=ids[who]).delete()
                gc.collect()
                began = time.perf_counter()
                client.get("/plan/")  # type: ignore[attr-defined]
                found[who].append(time.perf_counter() - began)
    finally:
        done.SETTLED = settled  # the pages timed after this one see the product's own value
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--requests", type=int, default=30, help="per page and account (30)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    if args.users < 1 or not 28 <= args.days <= 3650:
        raise SystemExit("--users is at least 1 and --days 28 to 3650")

    data_dir = Path(tempfile.mkdtemp(prefix="knotless-scale-"))
    with harness.scratch_postgres(args.postgres_url, "knotless_scale") as url:
        harness.use_database(data_dir, url)
        began = step("Migrating …")
        harness.setup_django()
        done(began)
        began = step(f"Making {args.users:,} people and the three to compare with …")
        heavy, quarter, empty, first_day = make_people(args.users)
        done(began)
        print(f"Filling {args.days} days for each of the {args.users:,} people:")
        began = time.monotonic()
        fill_history(heavy, args.days)
        print(f"  all history: {time.monotonic() - began:.1f} s")
        print(f"Filling {QUARTER_DAYS} days for the three-month account:")
        fill_history([quarter], QUARTER_DAYS)

        from knotless.journal.models import Knot

        ids = {"heavy": heavy[0], "empty": empty, "first day": first_day, "3 months": quarter}
        clients = {who: signed_in(pk) for who, pk in ids.items()}
        paths = {
            who: {
                page: path.format(knot=Knot.objects.filter(user_id=pk).order_by("id")[0].pk)
                for page, path in PAGES.items()
            }
            for who, pk in ids.items()
        }
        print(f"Measuring {args.requests} requests per page and account, interleaved …", flush=True)
        timings = measure(clients, ids, paths, args.requests)
        plans = first_plans(clients, ids, max(5, args.requests // 3))

    print(
        f"\nPostgreSQL, {args.users:,} people x {args.days} days; one heavy person against an "
        "empty account, a first-day account with one routine and one gym session, and a "
        f"{QUARTER_DAYS}-day account, in one process (medians, ms)"
    )
    print(
        f"{'page':<28} {'empty':>7} {'1st day':>8} {'3 months':>9} {'heavy':>7}"
        f" {'÷ empty':>8} {'÷ 1st day':>10} {'÷ 3 months':>11}"
    )
    keys = [*PAGES, *(page + " drawn" for page in PAGES), *WRITES]
    rows = {key: {who: statistics.median(timings[(key, who)]) for who in ids} for key in keys}
    rows["first plan of the day"] = {who: statistics.median(plans[who]) for who in ids}
    others = ("empty", "first day", "3 months")
    worst = dict.fromkeys(others, 0.0)
    worst_page = dict.fromkeys(others, "")
    for page, median in rows.items():
        ratios = {who: median["heavy"] / median[who] for who in others}
        if page not in WRITES:
            for who in others:
                if ratios[who] > worst[who]:
                    worst[who], worst_page[who] = ratios[who], page
        print(
            f"{page:<28} {median['empty'] * 1000:>7.2f} {median['first day'] * 1000:>8.2f}"
            f" {median['3 months'] * 1000:>9.2f} {median['heavy'] * 1000:>7.2f}"
            f" {ratios['empty']:>7.2f}x {ratios['first day']:>9.2f}x {ratios['3 months']:>10.2f}x"
        )
    for who, ratio in worst.items():
        verdict = "meets" if ratio <= 1.2 else "misses"
        print(
            f"Target: every page, served and drawn, <= 1.20x heavy / {who}; this run {verdict}"
            f" it (worst {ratio:.2f}x, {worst_page[who]})."
        )
    after = rows[AFTER_WRITE]
    print(
        f"{AFTER_WRITE.capitalize()}: {after['heavy'] / after['first day']:.2f}x heavy / first"
        " day, both with their newest row to draw again (the growth with history);"
        f" {after['heavy'] / after['empty']:.2f}x heavy / empty, which has no session to write"
        " and no row to draw."
    )
    from knotless.insights import facts

    found = rows[AFTER_CHECKIN]
    print(
        f"{AFTER_CHECKIN.capitalize()}: {found['heavy'] / found['3 months']:.2f}x heavy / 3"
        f" months (the patterns read {facts.WINDOW_DAYS} days, so this is what grows with"
        f" history); {found['heavy'] / found['empty']:.2f}x heavy / empty, whose five ratings"
        " hold no pattern to find."
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
