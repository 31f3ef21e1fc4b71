"""The desk guard's server side: one policy per user, events stored, stats, the web endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.desk import services
from knotless.desk.models import DeskEvent, DeskState
from knotless.library.exercises import load_exercises
from knotless.practice import planning
from knotless.safety import screening
from tests.practice.conftest import add_knot

LIBRARY = load_exercises()

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, within working hours
SETTINGS = {  # the settings form as it comes, with the defaults
    "micro_after_minutes": "20",
    "micro_seconds": "30",
    "movement_after_minutes": "60",
    "movement_minutes": "5",
    "work_start": "08:00",
    "work_end": "18:00",
    "work_days": ["0", "1", "2", "3", "4"],
    "daily_limit_hours": "0",
}


def _work(user: Any, start: datetime, minutes: int, step: int = 10) -> datetime:
    now = start
    for _ in range(minutes * 60 // step):
        now += timedelta(seconds=step)
        services.tick(user, idle=1, now=now)
    return now


def test_twenty_active_minutes_bring_an_offer_and_taking_it_is_stored(user: Any) -> None:
    services.tick(user, idle=0, now=MONDAY)
    now = _work(user, MONDAY, 19)
    assert services.status(user, now).offer is None
    now = _work(user, now, 2)
    status = services.status(user, now)
    assert status.offer is not None and status.offer.kind == "micro" and status.can_postpone
    status = services.act(user, "take", now=now)
    assert status.offer is None and status.micro_in == 20 * 60
    assert DeskEvent.objects.filter(kind="micro", outcome="taken").count() == 1


def test_settings_change_the_policy(user: Any) -> None:
    settings = services.settings_of(user)
    settings.micro_after_minutes = 10
    settings.save()
    services.tick(user, idle=0, now=MONDAY)
    now = _work(user, MONDAY, 11)
    assert services.status(user, now).offer is not None


def test_stats_for_the_day(user: Any) -> None:
    services.tick(user, idle=0, now=MONDAY)
    now = _work(user, MONDAY, 25)
    services.act(user, "postpone", now=now)
    # Away for six minutes, then back.
    now += timedelta(minutes=6)
    services.tick(user, idle=360, now=now)
    now = _work(user, now, 5)
    stats = services.day_stats(user, MONDAY.date())
    assert stats.postponed == 1 and stats.offered >= 1
    assert stats.natural >= 1
    assert 24 <= stats.longest_minutes <= 26
    assert 24 <= stats.active_minutes <= 26  # the open stretch is counted when it ends


def test_the_endpoints(client_in: Client, user: Any) -> None:
    page = client_in.get(reverse("desk"))
    assert page.status_code == 200 and "McLean 2001" in page.content.decode()
    assert page.content.decode().count("<tr><td>") == 7  # the last 7 days
    response = client_in.post(reverse("desk_tick"), {"idle": "3"})
    data = response.json()
    assert set(data) >= {"offer", "micro_in", "movement_in", "working", "break_url"}
    assert client_in.post(reverse("desk_tick"), {"idle": "soon"}).status_code == 400
    assert client_in.post(reverse("desk_action"), {"action": "dance"}).status_code == 400
    assert client_in.post(reverse("desk_action"), {"action": "skip"}).json()["offer"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("movement_after_minutes", "10", "more often"),
        ("micro_seconds", "500", "10 to 120"),
        ("work_end", "07:00", "after the start"),
    ],
)
def test_settings_form_refuses_odd_timings(
    client_in: Client, user: Any, field: str, value: str, message: str
) -> None:
    data = SETTINGS | {field: value}
    response = client_in.post(reverse("desk_settings"), data, follow=True)
    assert message in response.content.decode()


def test_the_page_stands_back_while_the_agent_runs(
    client_in: Client, user: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("KNOTLESS_DATA_DIR", str(tmp_path))
    paths = services.agent_paths(user)
    paths.pid.write_text(str(os.getpid()))  # a live process stands in for the agent
    response = client_in.post(reverse("desk_tick"), {"idle": "0"})
    assert response.json()["agent"] is True
    assert not DeskState.objects.filter(user=user).exists()  # the page ticked nothing
    assert "The desk agent is running" in client_in.get(reverse("desk")).content.decode()
    paths.pid.unlink()
    assert client_in.post(reverse("desk_tick"), {"idle": "0"}).json()["agent"] is False


def test_a_break_names_todays_desk_routine_for_the_knots_and_a_sip_when_behind(
    client_in: Client, user: Any
) -> None:
    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    screening.record(user, planning.pending_areas(user), [])  # safety questions answered
    afternoon = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 15:00 in Berlin, nothing drunk yet
    hint = services.hint(user, afternoon)
    assert hint.routine and 1 <= hint.minutes <= 3  # the desk variant: two minutes by default
    assert hint.knots == (knot.label,) and hint.sip
    assert not services.hint(user, datetime(2026, 11, 24, 5, 0, tzinfo=UTC)).sip  # 06:00
    # The page's offer carries the same.
    start = afternoon - timedelta(minutes=22)
    services.tick(user, idle=0, now=start)
    _work(user, start, 21)
    with time_machine.travel(afternoon, tick=False):
        data = client_in.post(reverse("desk_tick"), {"idle": "0"}).json()
    assert data["offer"] == "micro"
    assert data["routine"] == list(hint.routine) and data["knots"] == [knot.label]
    assert data["sip"] is True and data["break_url"] == reverse("desk_break")
    # "Start the break" plays exactly those moves: seated ones for a micro-break.
    with time_machine.travel(afternoon, tick=False):
        response = client_in.get(reverse("desk_break") + "?kind=micro")
        micro = services.break_plan(user, "micro")
    assert response.status_code == 302 and response["Location"].startswith(reverse("play_new"))
    tokens = [part.split("=")[1] for part in response["Location"].split("?")[1].split("&")]
    assert [t.split(":")[0] for t in tokens] == micro.slugs
    assert [LIBRARY[s].position for s in micro.slugs] == ["seated"] * len(micro.slugs)
    assert micro.slugs == list(hint_slugs(hint))


def hint_slugs(hint: services.Hint) -> list[str]:
    by_name = {e.name: e.slug for e in LIBRARY.values()}
    return [by_name[name] for name in hint.routine]


def test_a_movement_break_gets_the_person_up_for_their_knot(client_in: Client, user: Any) -> None:
    add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    screening.record(user, planning.pending_areas(user), [])
    response = client_in.get(reverse("desk_break") + "?kind=movement", follow=True)
    page = response.content.decode()
    assert "walk for a minute first" in page  # the walk is said before the moves
    slugs = [
        token.split(":")[0]
        for token in response.redirect_chain[0][0].split("?")[1].replace("e=", "").split("&")
    ]
    assert slugs and all(LIBRARY[s].position in ("standing", "wall") for s in slugs)


def test_breaks_through_the_day_bring_different_moves(user: Any) -> None:
    add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    screening.record(user, planning.pending_areas(user), [])
    seen: set[tuple[str, ...]] = set()
    for n in range(3):
        seen.add(tuple(services.break_plan(user, "micro").slugs))
        DeskEvent.objects.create(
            user=user, kind="micro", outcome="taken", start=timezone.now(), end=timezone.now()
        )
        assert services.break_turn(user, "micro") == n + 1
    assert len(seen) > 1


def test_a_break_after_an_emergency_answer_offers_no_exercise(client_in: Client, user: Any) -> None:
    add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    screening.record(user, ["back"], ["A1a"])  # new chest pain: an emergency answer
    for kind in ("micro", "movement"):
        response = client_in.get(reverse("desk_break") + f"?kind={kind}", follow=True)
        assert not any("/play/" in url for url, _ in response.redirect_chain)
        assert "emergency answer" in response.content.decode()
    assert services.hint(user).routine == () and services.hint(user).movement == ()


def test_the_week_puts_each_block_on_its_local_day_in_one_query(
    user: Any, django_assert_num_queries: Any
) -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 00:30 on the 24th in Berlin
    for start, minutes in ((MONDAY, 25), (late, 40)):
        DeskEvent.objects.create(
            user=user,
            kind="work",
            outcome="worked",
            start=start,
            end=start + timedelta(minutes=minutes),
        )
    with django_assert_num_queries(1):
        week = services.days_stats(user, date(2026, 11, 18), date(2026, 11, 24))
    assert [s.day for s in week][-2:] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert [s.active_minutes for s in week] == [0, 0, 0, 0, 0, 25, 40]
    assert services.day_stats(user, date(2026, 11, 24)).longest_minutes == 40


def test_the_stretch_still_going_on_counts_today(client_in: Client, user: Any) -> None:
    services.tick(user, idle=0, now=MONDAY)
    now = _work(user, MONDAY, 25)
    assert not DeskEvent.objects.filter(kind="work").exists()  # stored only when it ends
    with time_machine.travel(now, tick=False):
        page = client_in.get(reverse("desk")).content.decode()
    assert '<th scope="row">Active at the computer</th><td>25 min</td>' in page
    assert '<th scope="row">Longest stretch without a break</th><td>25 min</td>' in page


def test_a_daily_limit_set_on_the_page_reminds_once(client_in: Client, user: Any) -> None:
    data = SETTINGS | {"daily_limit_hours": "1"}
    client_in.post(reverse("desk_settings"), data)
    assert services.policy_for(user).daily_limit == 3600
    services.tick(user, idle=0, now=MONDAY)
    now, seen = MONDAY, list[str]()
    while not seen or seen[-1] != "limit":  # take each break as it comes, until the limit
        now = _work(user, now, 1)
        status = services.status(user, now)
        if status.offer is not None:
            seen.append(status.offer.kind)
            if status.offer.kind != "limit":
                services.act(user, "take", now=now)
    assert seen == ["micro", "micro", "limit"]  # at 60 minutes the limit outranks movement
    assert status.as_json()["daily_limit_hours"] == 1
    services.act(user, "skip", now=now)
    now = _work(user, now, 30)
    assert DeskEvent.objects.filter(kind="limit").count() == 1  # once a day
    after = services.status(user, now).offer
    assert after is not None and after.kind == "movement"  # the break it outranked comes next
    stats = services.day_stats(user, MONDAY.date())
    assert stats.offered == stats.taken == 2  # breaks only: the limit is not counted as one
    bad = client_in.post(reverse("desk_settings"), data | {"daily_limit_hours": "20"}, follow=True)
    assert "0 (no limit) to 16 hours." in bad.content.decode()
