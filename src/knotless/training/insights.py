"""What the training log says: load and its jumps, flares after training, each lift's history.

Read-only. Each function reads what it needs in a few queries, bounded by a time window where
the answer only looks back a few weeks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import Count
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.atlas.muscles import load_muscles
from knotless.journal.models import CheckIn, Knot, KnotTally
from knotless.lib import load as loadmath
from knotless.library.exercises import Exercise, load_exercises
from knotless.safety.policy import targeted
from knotless.training import services
from knotless.training.models import Entry, TrainingSettings, Workout, WorkSet

FLARE_RISE = 2  # points of pain
FLARE_WINDOW = timedelta(hours=48)
FLARE_SHOWN_DAYS = 7  # a flare is talked about for a week, or until the knot settles
RATE_AFTER = timedelta(minutes=30)  # Foster: ask for the session effort about 30 min after
RATE_WITHIN_DAYS = 3
MORNING_WITHIN_DAYS = 3
CHART_DAYS = 84  # the load chart shows 12 weeks
LOAD_WINDOW = 200
VOLUME_WEEKS = 8
E1RM_MAX_REPS = 12  # past this an estimated one-rep max says little


def _muscles(exercise: Exercise | None) -> set[str]:
    if exercise is None:
        return set()
    return set(exercise.primary) | set(exercise.secondary)


# --- load ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadView:
    summary: loadmath.Summary
    days: list[loadmath.DayLoad]  # the chart's window, oldest first
    weeks: list[loadmath.Week]  # up to 8, newest last
    unrated: int  # workouts in the window with no effort yet (they carry no load)
    ratio_jump: float  # the person's marks for "an unusually large jump"
    week_jump: float


def _rated_loads(user: Any, today: date) -> list[tuple[date, float]]:
    """(day, effort times minutes) of the rated workouts that still weigh in the averages."""
    # The averages forget: after LOAD_WINDOW days a day's weight in the 28-day average is
    # below a millionth, so older sessions are not read. (Someone back after a break of
    # months starts again at "not enough history": their old load no longer describes them.)
    rated = (
        Workout.objects.filter(
            user=user,
            day__lte=today,
            day__gt=today - timedelta(days=LOAD_WINDOW),
            effort__isnull=False,
            minutes__isnull=False,
        )
        .order_by()  # summed by day: the order read does not matter
        .values_list("day", "effort", "minutes")
    )
    return [
        (day, float(effort * minutes))
        for day, effort, minutes in rated
        if effort is not None and minutes is not None
    ]


def load_summary(
    user: Any,
    today: date | None = None,
    rated: list[tuple[date, float]] | None = None,
    marks: TrainingSettings | None = None,
) -> loadmath.Summary:
    """Where the load stands today and whether it jumped: what Today, the training log and the
    plan show, without the chart's days and weeks. ``rated``, when given, are the rated loads
    as :func:`_rated_loads` reads them (Today reads them with the rest of its workouts);
    ``marks``, the person's training settings when the page holds them already."""
    today = today or local_today(user)
    marks = marks or services.settings_of(user)
    return loadmath.summarise(
        _rated_loads(user, today) if rated is None else rated,
        today,
        ratio_jump=float(marks.ratio_jump),
        week_jump=float(marks.week_jump),
    )


def load_view(
    user: Any, today: date | None = None, marks: TrainingSettings | None = None
) -> LoadView:
    today = today or local_today(user)
    marks = marks or services.settings_of(user)
    daily = loadmath.daily_loads(_rated_loads(user, today), today)
    every = loadmath.series(daily)
    summary = loadmath.summarise_daily(
        daily, every, today, ratio_jump=float(marks.ratio_jump), week_jump=float(marks.week_jump)
    )
    days = every[-CHART_DAYS:]
    weeks = loadmath.weekly_totals(daily)[-VOLUME_WEEKS:]
    unrated = Workout.objects.filter(
        user=user, day__gt=today - timedelta(days=CHART_DAYS), effort__isnull=True
    ).count()
    return LoadView(summary, days, weeks, unrated, float(marks.ratio_jump), float(marks.week_jump))


def waits_for_effort(started_at: datetime, minutes: int | None, source: str, now: datetime) -> bool:
    """An unrated workout is asked about once half an hour has passed since its end (an
    imported one at once)."""
    ended = started_at + timedelta(minutes=minutes or 0)
    return ended + RATE_AFTER <= now or source == Workout.Source.IMPORT


def to_rate(user: Any, now: datetime | None = None) -> list[Workout]:
    """Recent workouts waiting for their session effort, once half an hour has passed."""
    now = now or timezone.now()
    since = local_today(user, now) - timedelta(days=RATE_WITHIN_DAYS)
    found = Workout.objects.filter(user=user, effort__isnull=True, day__gte=since).order_by(
        "started_at"
    )
    return [w for w in found if waits_for_effort(w.started_at, w.minutes, w.source, now)]


# --- the knot after training -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flare:
    knot: Knot
    workout_day: date
    exercises: tuple[str, ...]  # names of the exercises that work near the knot
    muscles: frozenset[str]  # the muscles those exercises work (held from progressing)
    before: int
    after: int

    @property
    def text(self) -> str:
        names = ", ".join(self.exercises)
        return (
            f"{self.knot.label} went from {self.before} to {self.after} within two days of "
            f"training on {self.workout_day:%a %d %b} ({names}), which works the muscles near "
            "it. Those exercises hold at their current load until it settles; the rest of "
            "your training goes on as planned."
        )


FlareEntry = tuple[datetime, date, str]  # a workout's start and day, and one exercise's slug


def flare_entries(user: Any, now: datetime | None = None) -> list[FlareEntry]:
    """The library exercises trained recently enough to have caused a flare shown now."""
    since = (now or timezone.now()) - timedelta(days=FLARE_SHOWN_DAYS) - FLARE_WINDOW
    return list(
        Entry.objects.filter(workout__user=user, workout__started_at__gte=since)
        .exclude(slug="")
        .order_by()  # grouped by workout and sorted by flares: no need to sort them here
        .values_list("workout__started_at", "workout__day", "slug")
    )


def knots_as_read(knots: Sequence[Knot]) -> tuple[tuple[Any, ...], ...]:
    """What flares and the morning questions read of these knots, as plain values for a key:
    each knot's place and muscle, and its check-in tally (journal.KnotTally, which the database
    moves with every check-in added or removed)."""
    tallies = {
        knot_id: (checkins, last_id)
        for knot_id, checkins, last_id in KnotTally.objects.filter(knot__in=knots).values_list(
            "knot_id", "checkins", "last_id"
        )
    }
    return tuple((k.pk, k.status, k.region, k.side, k.muscle, tallies.get(k.pk)) for k in knots)


def flare_ratings_since(now: datetime) -> datetime:
    """The oldest rating :func:`flares` reads at ``now``: those around the workouts it looks at,
    and two weeks before them."""
    return now - timedelta(days=FLARE_SHOWN_DAYS) - FLARE_WINDOW - timedelta(days=14)


def flares(
    user: Any,
    now: datetime | None = None,
    knots: list[Knot] | None = None,
    entries: list[FlareEntry] | None = None,
    held: Mapping[int, Sequence[tuple[datetime, int]]] | None = None,
) -> list[Flare]:
    """Active knots whose pain rose by FLARE_RISE or more within 48 hours after a workout that
    trained the muscles near them, in the last week, and that have not settled since.
    ``entries``, when given, are :func:`flare_entries` read a little earlier (no workout was
    written since): those too old by now are left out. ``held``, when given, are each knot's
    (moment, pain) from :func:`flare_ratings_since` on, in time order, as the caller holds them
    (the knot page holds them all): they are not read again."""
    now = now or timezone.now()
    if knots is None:
        knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE))
    if not knots:
        return []
    since = now - timedelta(days=FLARE_SHOWN_DAYS) - FLARE_WINDOW
    entries = flare_entries(user, now) if entries is None else [e for e in entries if e[0] >= since]
    if not entries:
        return []
    checkins: Mapping[int, Sequence[tuple[datetime, int]]]
    if held is not None:
        checkins = held
    else:
        read: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
        for knot_id, moment, pain in (
            CheckIn.objects.filter(knot__in=knots, moment__gte=flare_ratings_since(now))
            .order_by("moment")
            .values_list("knot_id", "moment", "pain")
        ):
            read[knot_id].append((moment, pain))
        checkins = read
    library = load_exercises()
    by_workout: dict[tuple[datetime, date], list[Exercise]] = defaultdict(list)
    for started, day, slug in entries:
        if slug in library:
            by_workout[(started, day)].append(library[slug])
    found: list[Flare] = []
    for knot in knots:
        ratings = checkins.get(knot.pk, [])
        # In time order: the last rating before a workout and those after it by bisection.
        moments = [m for m, _ in ratings]
        best: Flare | None = None
        for (started, day), exercises in sorted(by_workout.items()):
            near = [e for e in exercises if targeted([e], [knot])]
            if not near:
                continue
            cut = bisect_right(moments, started)
            after = ratings[cut : bisect_right(moments, started + FLARE_WINDOW, cut)]
            if not cut or not after:
                continue
            before = ratings[cut - 1][1]
            peak = max(p for _, p in after)
            if peak - before < FLARE_RISE:
                continue
            latest = ratings[-1][1]
            if latest - before < FLARE_RISE:
                continue  # settled since
            if max(m for m, _ in after) < now - timedelta(days=FLARE_SHOWN_DAYS):
                continue
            best = Flare(
                knot,
                day,
                tuple(dict.fromkeys(e.name for e in near)),
                frozenset(m for e in near for m in _muscles(e)),
                before,
                peak,
            )
        if best is not None:
            found.append(best)
    return found


@dataclass(frozen=True, slots=True)
class MorningQuestion:
    entry_id: int  # any entry of the workout that asked about this knot
    knot: Knot
    day: date
    exercises: tuple[str, ...]


def morning_questions(user: Any, today: date | None = None) -> list[MorningQuestion]:
    """The knots to ask about the morning after training near them: better, same or worse?"""
    today = today or local_today(user)
    pending = (
        Entry.objects.filter(
            workout__user=user,
            next_morning=Entry.Morning.PENDING,
            workout__day__lt=today,
            workout__day__gte=today - timedelta(days=MORNING_WITHIN_DAYS),
            knot__status=Knot.Status.ACTIVE,
        )
        .select_related("knot", "workout", "own")
        .order_by("workout__day", "position")
    )
    library = load_exercises()
    grouped: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for entry in pending:
        assert entry.knot_id is not None
        grouped[(entry.workout_id, entry.knot_id)].append(entry)
    questions = []
    for group in grouped.values():
        first = group[0]
        assert first.knot is not None
        names = tuple(library[e.slug].name if e.slug in library else e.slug for e in group)
        questions.append(MorningQuestion(first.pk, first.knot, first.workout.day, names))
    return questions


# --- each lift's history ---------------------------------------------------------------------


def e1rm(kg: Decimal, reps: int) -> float | None:
    """Epley's estimate of the one-rep max; None past E1RM_MAX_REPS reps or without a load."""
    if reps < 1 or reps > E1RM_MAX_REPS or kg <= 0:
        return None
    return float(kg) * (1 + reps / 30) if reps > 1 else float(kg)


@dataclass(frozen=True, slots=True)
class LiftDay:
    day: date
    workout_id: int
    sets_text: str
    best_kg: Decimal | None  # heaviest set
    best_reps: int  # reps of that set (or the most reps, without a load)
    e1rm: float | None  # the best estimate of the day
    volume_kg: Decimal  # sum of reps times kg
    sets: int
    pain: int | None


def lift_days(user: Any, lift: Any, limit: int = 400) -> list[LiftDay]:
    """Every day this lift was logged, oldest first (at most ``limit`` days, the newest)."""
    entries = services.of_lift(Entry.objects.filter(workout__user=user), lift)
    rows = list(
        entries.order_by("-workout__day", "-position").values(
            "id", "workout_id", "workout__day", "sets_text", "pain_during"
        )[:limit]
    )
    sets: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    for entry_id, reps, kg in WorkSet.objects.filter(
        entry_id__in=[r["id"] for r in rows]
    ).values_list("entry_id", "reps", "load_kg"):
        sets[entry_id].append((reps, kg))
    days = []
    for row in reversed(rows):
        done = sets.get(row["id"], [])
        loaded = [(r, kg) for r, kg in done if kg is not None]
        if loaded:
            best_reps, best_kg = max(loaded, key=lambda s: (s[1], s[0]))
            estimates = [e for r, kg in loaded if (e := e1rm(kg, r)) is not None]
            top = max(estimates) if estimates else None
        else:
            best_kg, top = None, None
            best_reps = max((r for r, _ in done), default=0)
        days.append(
            LiftDay(
                day=row["workout__day"],
                workout_id=row["workout_id"],
                sets_text=row["sets_text"],
                best_kg=best_kg,
                best_reps=best_reps,
                e1rm=None if top is None else round(top, 1),
                volume_kg=sum((kg * r for r, kg in loaded), Decimal(0)),
                sets=len(done),
                pain=row["pain_during"],
            )
        )
    return days


@dataclass(frozen=True, slots=True)
class GroupWeek:
    group: str
    sets: list[int]  # hard sets per week, oldest first
    label: str

    @property
    def mean_before(self) -> float | None:
        before = self.sets[:-1][-4:]
        return sum(before) / len(before) if before else None


GROUP_NAMES = {
    "head-neck": "Neck",
    "shoulder": "Shoulders",
    "upper-back": "Upper back",
    "lower-back": "Lower back",
    "chest": "Chest",
    "arm": "Arms",
    "forearm-hand": "Forearms",
    "hip": "Hips and glutes",
    "thigh": "Thighs",
    "leg-foot": "Lower legs",
    "core": "Core",
}


def weekly_volume(user: Any, today: date | None = None) -> tuple[list[date], list[GroupWeek]]:
    """Work sets per muscle group per week (Monday starts), over the last VOLUME_WEEKS weeks.
    A set counts once for each group its exercise's main muscles belong to."""
    today = today or local_today(user)
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(VOLUME_WEEKS - 1, -1, -1)]
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * VOLUME_WEEKS)
    rows = (
        WorkSet.objects.filter(
            entry__workout__user=user, entry__workout__day__gte=starts[0], warmup=False
        )
        .exclude(entry__slug="")
        .order_by()  # only counted: the model's ordering would sort weeks of sets for nothing
        .values_list("entry__workout__day", "entry__slug")
        .annotate(sets=Count("id"))  # counted by the database, a row per exercise and day
    )
    for day, slug, sets in rows:
        week = (day - starts[0]).days // 7
        for group in _groups(slug):
            counts[group][week] += sets
    ordered = [g for g in GROUP_NAMES if g in counts]
    return starts, [GroupWeek(g, counts[g], GROUP_NAMES[g]) for g in ordered]


@cache
def _groups(slug: str) -> frozenset[str]:
    """The muscle groups a library exercise's sets count for (none for one not in it)."""
    exercise = load_exercises().get(slug)
    if exercise is None:
        return frozenset()
    muscles = load_muscles()
    groups = {muscles[m].group for m in exercise.primary if m in muscles}
    if not groups and exercise.trains:
        groups = {"core"}
    return frozenset(groups)


def recent_workouts(user: Any, limit: int = 20, before: date | None = None) -> list[Workout]:
    found = Workout.objects.filter(user=user)
    if before is not None:
        found = found.filter(day__lt=before)
    return list(found.order_by("-day", "-started_at").prefetch_related("entries__own")[:limit])


def localtime(user: Any, moment: datetime) -> datetime:
    return timezone.localtime(moment, user_zone(user))
