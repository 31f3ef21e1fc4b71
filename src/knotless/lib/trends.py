"""Pain trends over time: pure functions over (moment, pain) pairs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Trend:
    latest: int | None
    latest_at: datetime | None
    # Latest rating minus the rating that stood 7 days ago (or the first one inside the window
    # when the knot is younger). None when there is nothing to compare.
    change: int | None

    @property
    def direction(self) -> str:
        if self.change is None:
            return "unknown"
        if self.change < 0:
            return "better"
        if self.change > 0:
            return "worse"
        return "same"


def trend(
    points: Sequence[tuple[datetime, int]], now: datetime, window: timedelta = WINDOW
) -> Trend:
    """Summarise a knot's check-ins (sorted by moment) as its latest rating and its 7-day change.

    The baseline is the last rating at or before ``now - window``: that is how the knot felt a
    week ago. A knot first rated inside the window compares with its first rating instead.
    """
    past = [p for p in points if p[0] <= now]
    if not past:
        return Trend(None, None, None)
    latest_at, latest = past[-1]
    cutoff = now - window
    before = [p for p in past if p[0] <= cutoff]
    if before:
        baseline = before[-1][1]
    elif len(past) > 1:
        baseline = past[0][1]
    else:
        return Trend(latest, latest_at, None)
    return Trend(latest, latest_at, latest - baseline)
