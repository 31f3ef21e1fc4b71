"""Daily facts per person, read from what knotless stores, for the pattern finder.

One row per local day: each knot's mean and worst pain (None on a day without a rating: a
missing day is never a zero), and the habits of that day. A habit is None where knotless
cannot know it (no drink logged that day, the desk guard not running); otherwise 1 or 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.desk.models import DeskEvent
from knotless.hydration import services as water
from knotless.insights.models import DayTag
from knotless.journal.models import CheckIn, Knot
from knotless.lib.days import day_bounds
from knotless.lib.patterns import Day
from knotless.library.exercises import load_exercises
from knotless.practice.models import Session, SessionExercise
from knotless.training.models import Workout

WINDOW_DAYS = 112  # 16 weeks: enough for patterns, bounded for a two-year account
LONG_SITTING = timedelta(minutes=90)
JOIN_GAP = timedelta(minutes=5)  # work blocks closer than this are one stretch of sitting
TAGS = ("slept badly", "stressful day", "long drive", "heavy lifting")


@dataclass(frozen=True, slots=True)
class Habit:
    key: str
    words: str  # "On days you ..."
    # For an experiment: what to do on a "do it" day and on a "usual" day; "" when the habit
    # is not one to test (a tag, long sitting).
    do: str = ""
    usual: str = ""


HABITS: dict[str, Habit] = {
    h.key: h
    for h in (
        Habit(
            "water",
            "drank your water target",
            "Drink your water target today (the Water page keeps count).",
            "Drink as you usually would today, without aiming for the target.",
        ),
        Habit(
            "release",
            "played a release for your knots",
            "Play a release for this knot today (its page or today's plan has one).",
            "No release for this knot today; everything else as usual.",
        ),
        Habit(
            "stretch",
            "stretched",
            "Play a stretch for this knot's muscles today.",
            "No stretching for this knot's muscles today; everything else as usual.",
        ),
        Habit("mobility", "did mobility moves"),
        Habit("strength", "did strength work"),
        Habit(
            "breaks",
            "took most of the breaks offered",
            "Take every break the desk guard offers today.",
            "Work as you usually do today; take breaks when you like.",
        ),
        Habit("long_sitting", "sat 90 minutes or more without a break"),
        Habit("training", "trained (a logged session)"),
        *(Habit(f"tag:{t}", t) for t in TAGS),
    )
}
EXPERIMENTS = {k: h for k, h in HABITS.items() if h.do}


def habit_words(key: str) -> str:
    if key in HABITS:
        return HABITS[key].words
    return key.removeprefix("tag:")


@dataclass(frozen=True, slots=True)
class Facts:
    first: date
    last: date
    pain: dict[int, dict[date, tuple[float, int]]]  # knot id -> day -> (mean, worst)
    habits: dict[date, dict[str, float | None]]
    keys: list[str]  # habits that vary in the window, in a stable order

    def days_for(self, knot_id: int | None) -> list[Day]:
        """The pattern finder's rows for one knot (None: the mean over all the knots rated
        that day)."""
        rows = []
        day = self.first
        while day <= self.last:
            if knot_id is None:
                values = [p[day][0] for p in self.pain.values() if day in p]
                pain = sum(values) / len(values) if values else None
            else:
                found = self.pain.get(knot_id, {}).get(day)
                pain = found[0] if found else None
            rows.append(Day(day, pain, self.habits.get(day, {})))
            day += timedelta(days=1)
        return rows


def _local(moment: datetime, zone: Any) -> date:
    return timezone.localtime(moment, zone).date()


def read(
    user: Any, knots: Iterable[Knot], *, today: date | None = None, days: int = WINDOW_DAYS
) -> Facts:
    """The facts of the last ``days`` days up to ``today``."""
    zone = user_zone(user)
    last = today or local_today(user)
    first = last - timedelta(days=days - 1)
    start, _ = day_bounds(first, zone)
    _, end = day_bounds(last, zone)
    knots = list(knots)

    # Summed per knot and local day by the database: a third of the rows, none turned into a
    # local day here. The mean is worked out here from integers, as it always was.
    pain: dict[int, dict[date, tuple[float, int]]] = defaultdict(dict)
    for knot_id, day, total, count, worst in (
        CheckIn.objects.filter(knot__in=knots, moment__gte=start, moment__lt=end)
        .annotate(day=TruncDate("moment", tzinfo=zone))
        .values("knot_id", "day")
        .annotate(total=Sum("pain"), count=Count("id"), worst=Max("pain"))
        .values_list("knot_id", "day", "total", "count", "worst")
    ):
        pain[knot_id][day] = (total / count, worst)
    active = {d for per_day in pain.values() for d in per_day}

    habits: dict[date, dict[str, float | None]] = defaultdict(dict)
    # Water: only days with a drink logged say anything.
    for total in water.history(user, days=days):
        if first <= total.day <= last:
            habits[total.day]["water"] = None if total.ml == 0 else float(total.ml >= total.target)
    # Routines played, by kind of exercise.
    kinds = {slug: e.kind for slug, e in load_exercises().items()}
    played: dict[date, set[str]] = defaultdict(set)
    for slug, day in (
        SessionExercise.objects.filter(
            session__user=user,
            session__started_at__gte=start,
            session__started_at__lt=end,
            reached=True,
        )
        .exclude(session__status=Session.Status.STARTED)
        .annotate(day=TruncDate("session__started_at", tzinfo=zone))
        .values_list("slug", "day")
        .distinct()
    ):
        if slug in kinds:
            played[day].add(kinds[slug])
    trained = set(
        Workout.objects.filter(user=user, day__gte=first, day__lte=last)
        .exclude(kind=Workout.Kind.PLAYER)
        .values_list("day", flat=True)
    )
    # The desk: breaks taken of those offered, and the longest stretch of sitting.
    offered: dict[date, int] = defaultdict(int)
    taken: dict[date, int] = defaultdict(int)
    stretches: dict[date, timedelta] = defaultdict(timedelta)
    run_start: datetime | None = None
    run_end: datetime | None = None
    for kind, outcome, begin, finish in (
        DeskEvent.objects.filter(user=user, start__gte=start, start__lt=end)
        .order_by("start")
        .values_list("kind", "outcome", "start", "end")
    ):
        day = _local(begin, zone)
        if kind == DeskEvent.Kind.WORK:
            if run_end is not None and run_start is not None and begin - run_end <= JOIN_GAP:
                run_end = max(run_end, finish)
            else:
                run_start, run_end = begin, finish
            stretches[day] = max(stretches[day], run_end - run_start)
        elif kind in (DeskEvent.Kind.MICRO, DeskEvent.Kind.MOVEMENT):
            offered[day] += 1
            if outcome in (DeskEvent.Outcome.TAKEN, DeskEvent.Outcome.NATURAL):
                taken[day] += 1
                run_start = run_end = None  # a break ends the stretch
    tags: dict[date, set[str]] = defaultdict(set)
    for day, tag in DayTag.objects.filter(user=user, day__gte=first, day__lte=last).values_list(
        "day", "tag"
    ):
        tags[day].add(tag)
    tag_keys = sorted({f"tag:{t}" for day_tags in tags.values() for t in day_tags})

    day = first
    while day <= last:
        row = habits[day]
        row.setdefault("water", None)
        used = day in active or day in played or day in trained
        for kind in ("release", "stretch", "mobility", "strength"):
            row[kind] = float(kind in played[day]) if used else None
        row["training"] = float(day in trained) if used else None
        desk = day in stretches or offered[day]
        row["breaks"] = float(taken[day] * 2 >= offered[day]) if offered[day] else None
        row["long_sitting"] = float(stretches[day] >= LONG_SITTING) if desk else None
        for key in tag_keys:
            row[key] = float(key.removeprefix("tag:") in tags[day]) if used else None
        day += timedelta(days=1)
    order = [k for k in HABITS if not k.startswith("tag:")] + tag_keys
    varying = [
        k
        for k in order
        if len({row.get(k) for row in habits.values() if row.get(k) is not None}) > 1
    ]
    return Facts(first, last, dict(pain), dict(habits), varying)
