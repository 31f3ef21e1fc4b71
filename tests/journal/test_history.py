"""The knot page's history after check-ins: the ratings kept in the cache and topped up with the
new rows are always exactly what a full read gives, whatever was added, back-dated or deleted."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from knotless.journal import history, services
from knotless.journal.models import CheckIn, Knot
from knotless.lib.days import zone

TZ = "Europe/Berlin"


def _full(knot: Knot, tz_name: str) -> list[history.Rating]:
    tz = zone(tz_name)
    return [
        history.Rating(moment.astimezone(tz), pk, pain, note)
        for pk, moment, pain, note in services.all_ratings(knot)
    ]


def _read(knot: Knot, tz_name: str) -> list[history.Rating]:
    stats = knot.checkins.aggregate(count=Count("id"), last=Max("id"))
    return history.held(knot, tz_name, stats["count"], stats["last"]).rows


@pytest.mark.parametrize("seed", range(4))
def test_cached_ratings_always_match_a_full_read(user: Any, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    knot = services.add_knot(
        user,
        region="top-of-shoulder",
        side="left",
        pain=5,
        tz_name=TZ,
        first_felt=(now - timedelta(days=30)).date(),
    )
    for step in range(40):
        action = rng.choice(["add", "add", "back-dated", "delete", "two"])
        if action == "add":
            CheckIn.objects.create(
                knot=knot, moment=now - timedelta(minutes=step), pain=rng.randint(0, 10)
            )
        elif action == "back-dated":
            CheckIn.objects.create(
                knot=knot,
                moment=now - timedelta(days=rng.randint(1, 29)),
                pain=rng.randint(0, 10),
                note=f"back {step}",
            )
        elif action == "two":
            # One deleted and one added between two views: the count alone does not change.
            victim = rng.choice(list(knot.checkins.all()))
            services.delete_checkin(victim)
            CheckIn.objects.create(knot=knot, moment=now - timedelta(hours=step), pain=3)
        elif knot.checkins.count() > 1:
            services.delete_checkin(rng.choice(list(knot.checkins.all())))
        for tz_name in (TZ, "America/New_York"):
            full = _full(knot, tz_name)
            assert _read(knot, tz_name) == full, (seed, step, action)
            stats = services.rating_stats(knot)
            kept = history.held(knot, tz_name, *stats)
            assert kept.days == {r.moment.date() for r in full}
            assert kept.plain == [(r.moment.replace(tzinfo=None), r.pain) for r in full]
            # The knot page's summary, from these in memory, says what the lists' does.
            for later in (0, 3, 9):
                at = now + timedelta(days=later)
                mine = services.summary_of(knot, kept.rows, now=at)
                assert mine == services.summaries(Knot.objects.filter(pk=knot.pk), now=at)[0]


def test_a_new_checkin_reads_only_the_new_rows(user: Any, django_assert_num_queries: Any) -> None:
    knot = services.add_knot(user, region="top-of-shoulder", side="left", pain=5, tz_name=TZ)
    for n in range(20):
        CheckIn.objects.create(knot=knot, moment=timezone.now() - timedelta(hours=n + 1), pain=4)
    _read(knot, TZ)
    services.check_in(knot, pain=2, tz_name=TZ)
    stats = knot.checkins.aggregate(count=Count("id"), last=Max("id"))
    with django_assert_num_queries(1):  # the rows after the highest id held, and nothing else
        found = history.held(knot, TZ, stats["count"], stats["last"]).rows
    assert found == _full(knot, TZ)
    assert found[-1].pain == 2


def _rating(day: int, hour: int = 9, pk: int = 0) -> history.Rating:
    from datetime import datetime

    return history.Rating(
        datetime(2026, 1, 1, hour, tzinfo=zone("Europe/Berlin")) + timedelta(days=day),
        pk or day,
        4,
        "",
    )


def test_the_chart_window_ends_on_the_last_mark_and_keeps_whole_days() -> None:
    points = [_rating(d) for d in range(0, 200, 2)]  # every other day; the last on day 198
    shown, around, start = history.recent(points, [], 90)
    assert start == (points[-1].moment - timedelta(days=89)).date()
    assert shown == [p for p in points if p.moment.date() >= start]
    # A knot untied long ago still shows its last 90 days, not an empty window ending today.
    assert len(shown) == 45
    # A session after the last rating moves the window on with it.
    late = history.AroundSession(1, points[-1].moment + timedelta(days=30), 5, 3)
    shown, around, start = history.recent(points, [late], 90)
    assert around == [late] and start == (late.moment - timedelta(days=89)).date()
    assert all(p.moment.date() >= start for p in shown)
    # A history within the window is shown whole, and says nothing was left out.
    assert history.recent(points[-10:], [], 90) == (points[-10:], [], None)
    assert history.recent([], [late], 90) == ([], [late], None)


@pytest.mark.parametrize(("pains", "stalls"), [((6, 6), True), ((7, 2), False), ((1, 1), False)])
def test_the_summary_from_memory_gives_the_same_four_week_review(
    user: Any, pains: tuple[int, int], stalls: bool
) -> None:
    now = timezone.now()
    knot = services.add_knot(
        user,
        region="top-of-shoulder",
        side="left",
        pain=pains[0],
        tz_name=TZ,
        moment=now - timedelta(days=50),
        first_felt=(now - timedelta(days=51)).date(),
    )
    for day in range(49, 0, -1):
        pain = pains[0] if day > 25 else pains[1]
        CheckIn.objects.create(knot=knot, moment=now - timedelta(days=day, hours=3), pain=pain)
    kept = history.held(knot, TZ, *services.rating_stats(knot))
    for active in (True, False):
        if not active:
            knot.status, knot.untied_at = Knot.Status.UNTIED, now
            knot.save()
        mine = services.summary_of(knot, kept.rows, now=now)
        assert mine == services.summaries(Knot.objects.filter(pk=knot.pk), now=now)[0]
        assert (mine.stall is not None) == (stalls and active)


def test_the_history_section_says_what_the_chart_and_table_hold() -> None:
    from datetime import date

    from knotless.lib.charts import PainChart

    dots = history.section_html(
        PainChart("<svg></svg>", False), date(2026, 9, 7), True, True, "<tr></tr>", 31, 30
    )
    assert (
        'aria-label="Chart of pain ratings over time: dots are check-ins, the line joins daily '
        "averages, and each arrow with hollow diamonds goes from the rating just before a "
        "session to the one just after it. It shows the last 90 days, from 7 Sep 2026. The same "
        'numbers are in the table below."'
    ) in dots
    assert "Show the whole history</a> (31 days with ratings)" in dots
    assert "(1 older day hidden)" in dots and "around sessions</caption>" in dots
    weeks = history.section_html(PainChart("", True, "week"), None, False, False, "", 800, 1)
    assert "the shaded band spans each week's lowest to highest rating, the line joins " in weeks
    assert "weekly averages. The table below lists each day's numbers." in weeks
    assert "(799 older days hidden)" in weeks and "around a session" not in weeks
    assert "Show the whole history" not in weeks


@pytest.mark.parametrize("tz_name", ["Europe/Berlin", "Australia/Lord_Howe", "UTC"])
def test_the_table_holds_each_days_ratings_as_grouping_them_all_would(tz_name: str) -> None:
    """The table finds a day's ratings by bisection; they are those a plain grouping of every
    rating by its day gives, across clock changes (Lord Howe moves by half an hour)."""
    from datetime import UTC, datetime

    rng = random.Random(tz_name)
    tz = zone(tz_name)
    start = datetime(2026, 2, 20, tzinfo=UTC)
    moments = sorted(start + timedelta(minutes=rng.randrange(150 * 24 * 60)) for _ in range(600))
    points = [
        history.Rating(m.astimezone(tz), pk, rng.randint(0, 10), "") for pk, m in enumerate(moments)
    ]
    rated = frozenset(p.moment.date() for p in points)
    around = [history.AroundSession(1, points[5].moment, 6, 3)]
    marks: dict[Any, list[history.AroundSession]] = {points[5].moment.date(): around}
    grouped: dict[Any, list[history.Rating]] = {}
    for point in points:
        grouped.setdefault(point.moment.date(), []).append(point)
    for limit in (None, 30, 1):
        rows, total = history.day_rows(points, rated, marks, limit)
        assert total == len(rated)
        assert [r["day"] for r in rows] == sorted(rated, reverse=True)[:limit]
        for row in rows:
            mine = grouped[row["day"]]
            assert row["ratings"] == mine
            assert row["average"] == round(sum(r.pain for r in mine) / len(mine), 1)
            assert row["sessions"] == marks.get(row["day"], [])
