"""The weekly summary: each knot's last seven days against the seven before, what was done,
a pattern or an experiment result, and the red-flag reminder for a knot that is not easing.

Shown on Today on Mondays and by `knotless summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from knotless.accounts.services import local_today
from knotless.insights import facts as factsmod
from knotless.insights import services
from knotless.journal.models import Knot
from knotless.journal.services import summaries


@dataclass(frozen=True, slots=True)
class KnotWeek:
    knot: Knot
    this_week: float | None  # mean pain of the rated days
    last_week: float | None
    rated_days: int
    stalled: str  # the not-easing reminder, or ""

    @property
    def change(self) -> float | None:
        if self.this_week is None or self.last_week is None:
            return None
        return round(self.this_week - self.last_week, 1)


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    end: date
    knots: list[KnotWeek]
    done: dict[str, int]  # habit -> days of the week it was done
    pattern: str  # one sentence, or ""
    results: list[str] = field(default_factory=list)


DONE_WORDS = {
    "water": "days at your water target",
    "release": "days with a release",
    "stretch": "days with a stretch",
    "strength": "days with strength work",
    "breaks": "days you took most breaks",
    "training": "days you trained",
}


def week_summary(user: Any, today: date | None = None) -> Week:
    today = today or local_today(user)
    end = today - timedelta(days=1)  # the last whole week, up to yesterday
    start = end - timedelta(days=6)
    knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))
    read = factsmod.read(user, knots, today=end, days=14)
    rows = []
    stalls = {
        s.knot.pk: s.stall for s in summaries(Knot.objects.filter(pk__in=[k.pk for k in knots]))
    }
    for knot in knots:
        per_day = read.pain.get(knot.pk, {})
        this = [p for d, (p, _) in per_day.items() if d >= start]
        before = [p for d, (p, _) in per_day.items() if d < start]
        stall = stalls.get(knot.pk)
        rows.append(
            KnotWeek(
                knot,
                round(sum(this) / len(this), 1) if this else None,
                round(sum(before) / len(before), 1) if before else None,
                len(this),
                (
                    "Not easing after four weeks or more: time to see a doctor or physio."
                    if stall is not None
                    else ""
                ),
            )
        )
    done = {
        key: sum(1 for d, row in read.habits.items() if d >= start and row.get(key) == 1)
        for key in DONE_WORDS
    }
    pattern = ""
    for kp in services.knot_patterns(user, knots, today=end):
        if kp.sentences:
            pattern = kp.sentences[0]
            break
    results = [
        services.result(user, e).sentence
        for e in user.experiments.filter(ended_on__gte=start, ended_on__lte=end).select_related(
            "knot"
        )
    ]
    return Week(start, end, rows, done, pattern, results)
