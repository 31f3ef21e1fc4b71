"""Today's plan as a user gets it: fed from the journal, safety answers and sessions; edited;
counted on the week; exported to calendars."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from knotless.accounts.services import local_today
from knotless.atlas.muscles import load_muscles
from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises
from knotless.practice import plan_edits, planning, schedule, services
from knotless.practice.models import DayPlan
from knotless.safety import screening
from tests.practice.conftest import NOW, add_knot


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):  # 10:00 in Berlin, a Tuesday
        yield


def _answered(user: Any, *areas: str) -> None:
    screening.record(user, areas, [])


def test_a_knot_waits_for_its_safety_answers(user: Any, shoulder_knot: Knot) -> None:
    dayplan = planning.todays_plan(user, minutes=10, place="floor")
    assert [shoulder_knot.label, "answer the safety questions for this area first"] in (
        dayplan.left_out
    )
    assert planning.pending_areas(user)
    library = load_exercises()
    for item in dayplan.items:  # not even variety for the muscle that waits
        assert "upper-trapezius" not in library[item["slug"]].primary
    _answered(user, *planning.pending_areas(user))
    dayplan = planning.todays_plan(user, minutes=10, place="floor", rebuild=True)
    assert not dayplan.left_out
    assert any(shoulder_knot.pk in item["knots"] for item in dayplan.items)
    first = dayplan.items[0]
    assert first["reason"].startswith("right top of shoulder knot, 6/10 yesterday")


def test_a_knot_without_a_muscle_uses_the_finders_best_guess(user: Any) -> None:
    knot = add_knot(user, "lateral-elbow", "right")  # no muscle named, no safety area
    needs = planning.knot_needs(user)
    assert needs[0].knot_id == knot.pk and needs[0].guessed
    muscles = load_muscles()
    assert needs[0].muscles and all("lateral-elbow" in muscles[m].zones for m in needs[0].muscles)
    dayplan = planning.todays_plan(user, minutes=5, place="floor")
    assert "likeliest muscle" in dayplan.items[0]["reason"]


def test_the_plan_is_kept_for_the_day_until_asked_for_another(user: Any, calf_knot: Knot) -> None:
    first = planning.todays_plan(user, minutes=10, place="floor")
    again = planning.todays_plan(user)
    assert again.pk == first.pk and again.items == first.items
    other = planning.todays_plan(user, minutes=20, place="gym")
    assert other.pk == first.pk and (other.minutes, other.place) == (20, "gym")
    assert DayPlan.objects.count() == 1


def test_edits_swap_remove_and_add(user: Any, calf_knot: Knot) -> None:
    dayplan = planning.todays_plan(user, minutes=15, place="floor")
    first = dayplan.items[0]["slug"]
    options = plan_edits.alternatives(dayplan, 0)
    swapped = plan_edits.swap(dayplan, 0)
    assert swapped.edited
    assert any(i["slug"] == options[0].slug for i in swapped.items)
    assert first not in [i["slug"] for i in swapped.items]
    count = len(swapped.items)
    plan_edits.remove(swapped, 0)
    assert len(swapped.items) == count - 1
    plan_edits.add(swapped, "glute-bridge")
    assert swapped.items[-1]["slug"] == "glute-bridge"  # strength goes last
    with pytest.raises(ValidationError, match="already"):
        plan_edits.add(swapped, "glute-bridge")
    with pytest.raises(ValidationError, match="no longer in the plan"):
        plan_edits.remove(swapped, 99)
    # An edited plan is kept as edited.
    assert planning.todays_plan(user).items == swapped.items


def test_hurt_drops_out_and_helped_comes_back(user: Any, calf_knot: Knot) -> None:
    dayplan = planning.todays_plan(user, minutes=5, place="floor")
    slug = dayplan.items[0]["slug"]
    session = services.start(user, [slug], before={})
    services.finish(user, session.pk, after={}, verdicts={0: "hurt"}, played_seconds=60)
    rebuilt = planning.todays_plan(user, rebuild=True)
    assert slug not in [i["slug"] for i in rebuilt.items]


def test_strength_reps_carry_into_the_player(user: Any) -> None:
    add_knot(user, "buttock", "left", "gluteus-maximus")
    _answered(user, *planning.pending_areas(user))
    dayplan = planning.todays_plan(user, minutes=30, place="floor")
    strength = [p for p in planning.planned(dayplan) if p.exercise.kind == "strength"]
    assert strength, dayplan.items
    item = strength[0]
    assert f"e={item.token}" in planning.play_url(dayplan)
    # Double progression starts below the listed reps, and the player gets those reps.
    assert ":" in item.token
    played = services.routine([item.token])[0]
    assert played.dose.reps == item.exercise.dose.reps < load_exercises()[played.slug].dose.reps


def test_the_week_counts_sessions_against_the_schedule(user: Any) -> None:
    week = schedule.week(user)
    assert week.start == date(2026, 11, 23)  # Monday
    assert [d.planned for d in week.days][:3] == [
        ("strength", "stretch"),
        ("stretch",),
        ("strength", "stretch"),
    ]
    assert week.days[6].planned == ()  # Sunday is a rest day by default
    session = services.start(user, ["chin-tuck"], before={})
    services.finish(user, session.pk, after={}, verdicts={}, played_seconds=120)
    week = schedule.week(user)
    assert week.days[1].sessions == 1 and week.days[1].minutes == 2
    assert (week.done_planned_days, week.planned_days) == (1, 6)


@pytest.mark.parametrize("days", [[0, 1], [5, 6], [0, 6]])
def test_strength_days_need_a_day_between(days: list[int]) -> None:
    with pytest.raises(ValidationError, match="rest day between"):
        schedule.check_days(days, "strength")


def test_the_calendar_feed_is_private_valid_and_revocable(client_in: Client, user: Any) -> None:
    client_in.post(reverse("plan_feed_toggle"), {"action": "renew"})
    token = planning.settings_of(user).feed_token
    assert len(token) >= 24
    url = reverse("plan_feed", args=[token])
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert {str(e["summary"]) for e in events} == {
        "knotless: strength and stretching",
        "knotless: release and stretch",
    }
    strength = next(e for e in events if "strength" in str(e["summary"]))
    rule = strength.decoded("rrule")  # the recurrence as a dict of lists
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "WE", "FR"]
    start = strength.decoded("dtstart")
    assert start.time() == time(18, 0) and str(start.tzinfo) == "Europe/Berlin"
    assert list(calendar.walk("VTIMEZONE")), "calendar apps need the time zone"
    assert "http://testserver/plan/" in str(strength["url"])
    # A new link revokes the old one; switching off revokes all.
    client_in.post(reverse("plan_feed_toggle"), {"action": "renew"})
    assert anonymous.get(url).status_code == 404
    client_in.post(reverse("plan_feed_toggle"), {"action": "stop"})
    assert anonymous.get(reverse("plan_feed", args=["x" * 32])).status_code == 404
    assert planning.settings_of(user).feed_token == ""


def test_the_plan_page_edits_and_plays(client_in: Client, user: Any, calf_knot: Knot) -> None:
    page = client_in.get(reverse("plan") + "?minutes=10&place=floor").content.decode()
    assert "Why:" in page and "left calf knot" in page.lower()
    play = re.search(r'href="(/play/\?[^"]+)"', page)
    assert play is not None
    dayplan = DayPlan.objects.get()
    response = client_in.post(reverse("plan_edit"), {"action": "remove", "position": "0"})
    assert response.status_code == 302
    dayplan.refresh_from_db()
    assert dayplan.edited
    response = client_in.post(
        reverse("plan_edit"), {"action": "swap", "position": "42"}, follow=True
    )
    assert "no longer in the plan" in response.content.decode()
    for variant in ("morning", "desk"):
        assert client_in.get(reverse("plan") + f"?variant={variant}").status_code == 200
    assert client_in.get(reverse("plan_week")).status_code == 200


def test_settings_change_tomorrows_and_unedited_plans(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("plan_settings"),
        {
            "equipment": ["ball", "band"],
            "place": "gym",
            "minutes": "20",
            "morning_minutes": "5",
            "desk_minutes": "2",
            "strength_days": ["0", "1"],
            "stretch_days": ["0"],
            "practice_time": "07:30",
        },
    )
    assert response.status_code == 400
    assert "rest day between" in response.content.decode()
    response = client_in.post(
        reverse("plan_settings"),
        {
            "equipment": ["ball", "band"],
            "place": "gym",
            "minutes": "20",
            "morning_minutes": "5",
            "desk_minutes": "2",
            "strength_days": ["1", "3"],
            "stretch_days": ["0", "2"],
            "practice_time": "07:30",
        },
    )
    assert response["Location"] == reverse("plan")
    settings = planning.settings_of(user)
    assert (settings.place, settings.minutes, settings.strength_days) == ("gym", 20, [1, 3])
    assert planning.todays_plan(user).minutes == 20


def test_the_morning_is_gentle(user: Any) -> None:
    add_knot(user, "buttock", "left", "gluteus-maximus")
    _answered(user, *planning.pending_areas(user))
    dayplan = planning.todays_plan(user, DayPlan.Variant.MORNING)
    kinds = {p.exercise.kind for p in planning.planned(dayplan)}
    assert kinds and "strength" not in kinds
    assert dayplan.minutes == 5


def test_a_desk_break_is_seated_and_short(user: Any, shoulder_knot: Knot) -> None:
    _answered(user, *planning.pending_areas(user))
    dayplan = planning.todays_plan(user, DayPlan.Variant.DESK)
    items = planning.planned(dayplan)
    assert items and all(p.exercise.desk for p in items)
    assert sum(p.seconds for p in items) <= 2 * 60 * 1.1
    assert dayplan.place == "desk"


def test_days_follow_the_users_clock(user: Any) -> None:
    with time_machine.travel(NOW.replace(hour=23, minute=30), tick=False):
        # 00:30 the next day in Berlin
        assert local_today(user) == NOW.date() + timedelta(days=1)


def _tiers() -> list[tuple[str, str]]:
    """Each region with a side, twice: its area answered with nothing ticked, and with an
    answer that asks for an appointment soon (gentle work only)."""
    from knotless.atlas.regions import load_regions, sides_for

    found = []
    for region in load_regions().values():
        for tier in ("", "soon"):
            found.append((f"{region.slug}:{sides_for(region)[0]}", tier))
    return found


@pytest.mark.parametrize(("place", "tier"), _tiers())
def test_a_plan_never_holds_what_play_would_refuse(make_user: Any, place: str, tier: str) -> None:
    """Two knots, one of them in a muscle no one named, answered as the tier says: every
    exercise of the plan made for them is one the player's gate lets play."""
    from knotless.safety.checklist import flags_for
    from knotless.safety.guard import offers
    from knotless.safety.policy import knot_areas

    user = make_user("gate")
    region, side = place.split(":")
    knot = add_knot(user, region, side)
    other = add_knot(user, "top-of-shoulder", "left", "upper-trapezius")
    areas = sorted(knot_areas(knot) | knot_areas(other))
    ticked = [next(f.id for f in flags_for(areas) if f.tier == tier)] if tier else []
    screening.record(user, areas, ticked)
    dayplan = planning.todays_plan(user, minutes=20, place="floor")
    library = load_exercises()
    chosen = [library[i["slug"]] for i in dayplan.items]
    assert offers(user, chosen).held == {}, [e.slug for e in chosen]


def test_what_the_gate_holds_back_never_reaches_the_plan_even_from_the_planner(
    user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate has the last word over the planner's own choice: a strength move for a knot
    whose answers allow only gentle work is left out, and the plan says so."""
    from knotless.lib import planner
    from knotless.safety.checklist import flags_for
    from knotless.safety.policy import knot_areas

    knot = add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    areas = sorted(knot_areas(knot))
    screening.record(user, areas, [next(f.id for f in flags_for(areas) if f.tier == "soon")])
    shrug = load_exercises()["dumbbell-shrug"]
    assert shrug.kind == "strength" and "upper-trapezius" in shrug.primary
    stretch = "upper-trapezius-side-bend-stretch"
    dose = planner.Dose(sets=1, reps=10, hold_seconds=0, per_side=False, rest_seconds=30)
    made = planner.Plan(
        items=(
            planner.Item("dumbbell-shrug", shrug.name, "strength", dose, 60, "strong"),
            planner.Item(stretch, "stretch", "stretch", dose, 60, "loose"),
        ),
        seconds=120,
        budget_seconds=600,
        left_out=(),
    )
    monkeypatch.setattr(planning, "compute", lambda *a, **k: made)
    dayplan = planning.todays_plan(user, minutes=10, place="floor")
    assert [i["slug"] for i in dayplan.items] == [stretch]
    assert "1 exercise left out: your safety answers hold it back today." in dayplan.notes
