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


# A change in pain people themselves call "much improved" is a drop of about 2 points or 30 %
# (Farrar et al. 2001, NRS 0-10); the reference's design note asks for both together before
# calling it meaningful. Knots are reviewed after 4 weeks of check-ins.
MCID_POINTS = 2.0
MCID_SHARE = 0.30
REVIEW_AFTER = timedelta(days=28)
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Stall:
    """A knot followed for 4+ weeks whose pain has not dropped meaningfully."""

    baseline: float  # average rating in its first week of check-ins
    recent: float  # average rating in the week up to its latest check-in
    weeks: int  # whole weeks between first and latest check-in


def stalled(points: Sequence[tuple[datetime, int]]) -> Stall | None:
    """Whether a knot's check-ins (sorted by moment) show no meaningful improvement after 4 weeks.

    Compares the average of the first week of check-ins with the average of the week up to the
    latest one; improvement counts when pain dropped by at least 2 points and by at least 30 % of
    the first week's level. A knot that started under 2 points is never flagged.
    """
    if not points:
        return None
    first_at, latest_at = points[0][0], points[-1][0]
    if latest_at - first_at < REVIEW_AFTER:
        return None
    first_week = [p for m, p in points if m < first_at + WEEK]
    last_week = [p for m, p in points if m > latest_at - WEEK]
    baseline = sum(first_week) / len(first_week)
    recent = sum(last_week) / len(last_week)
    if baseline < MCID_POINTS:
        return None
    drop = baseline - recent
    if drop >= MCID_POINTS and drop >= MCID_SHARE * baseline:
        return None
    return Stall(round(baseline, 1), round(recent, 1), (latest_at - first_at) // WEEK)
