"""What a plan rests on is read once, and a kept plan follows it when knots or answers change."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from knotless.library.exercises import load_exercises
from knotless.practice import plan_edits, planning
from knotless.practice.models import DayPlan
from knotless.safety import screening
from tests.practice.conftest import NOW, add_knot, answered

LIBRARY = load_exercises()


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_reads_everything_a_plan_needs_in_a_handful_of_queries(
    user: Any, django_assert_max_num_queries: Any
) -> None:
    for region, muscle in (("calf", "gastrocnemius"), ("back-of-shoulder", "infraspinatus")):
        add_knot(user, region, "right", muscle)
    planning.settings_of(user)  # made once, on first use
    # The answers, the knots with their latest ratings, the history, the settings: one each.
    with django_assert_max_num_queries(4):
        inputs = planning.gather(user)
    assert len(inputs.knots) == 2 and inputs.today == NOW.date()
    assert {k.side for k in inputs.knots} == {"right"}


def test_a_kept_plan_is_rebuilt_when_a_knot_is_added(user: Any) -> None:
    answered(add_knot(user, "calf", "right", "gastrocnemius"))  # an open knot
    first = planning.todays_plan(user, minutes=10, place="floor")
    add_knot(user, "back-of-shoulder", "left", "infraspinatus")
    second = planning.todays_plan(user)
    assert second.basis != first.basis
    assert len({k for item in second.items for k in item["knots"]}) == 2


def test_an_edited_plan_keeps_its_edits_but_loses_what_the_gate_now_holds_back(
    user: Any,
) -> None:
    answered(add_knot(user, "calf", "right", "gastrocnemius"))  # an open knot
    dayplan = planning.todays_plan(user, minutes=10, place="floor")
    plan_edits.add(dayplan, "upper-trapezius-side-bend-stretch")  # no neck knot: allowed
    assert planning.todays_plan(user).edited
    # A neck knot arrives, its questions unanswered: its muscles are held back everywhere.
    add_knot(user, "top-of-shoulder", "right", "upper-trapezius")
    refit = planning.todays_plan(user)
    slugs = [i["slug"] for i in refit.items]
    assert refit.edited and "upper-trapezius-side-bend-stretch" not in slugs
    assert any(s.startswith(("straight-knee", "bent-knee", "calf")) for s in slugs)
    assert "safety answers no longer allow" in " ".join(refit.notes)


def test_an_emergency_empties_every_plan_and_today(client_in: Client, user: Any) -> None:
    add_knot(user, "calf", "right", "gastrocnemius")
    planning.todays_plan(user, minutes=10, place="floor")
    screening.record(user, ["back"], ["A1a"])
    for variant in DayPlan.Variant.values:
        dayplan = planning.todays_plan(user, variant)
        assert dayplan.items == [], variant
    page = client_in.get(reverse("plan")).content.decode()
    assert "No exercises while an emergency answer stands" in page
    assert reverse("play_new") not in page
    assert "Add an exercise" not in page


def test_a_plan_never_runs_over_its_minutes_as_the_page_counts_them(
    client_in: Client, user: Any
) -> None:
    add_knot(user, "medial-border-of-scapula", "right", "rhomboids")
    screening.record(user, ["back"], [])
    for minutes in (2, 5, 10, 15, 20, 30, 45):
        for place in ("desk", "floor", "gym"):
            dayplan = planning.todays_plan(user, minutes=minutes, place=place)
            assert planning.total_seconds(planning.planned(dayplan)) <= minutes * 60


def test_today_shows_the_plan_as_it_stands_now(client_in: Client, user: Any) -> None:
    answered(add_knot(user, "calf", "right", "gastrocnemius"))  # an open knot
    dayplan = planning.todays_plan(user, minutes=10, place="floor")
    plan_edits.add(dayplan, "upper-trapezius-side-bend-stretch")
    add_knot(user, "top-of-shoulder", "right", "upper-trapezius")  # unanswered: held back
    page = client_in.get(reverse("today")).content.decode()
    assert LIBRARY["upper-trapezius-side-bend-stretch"].name not in page
    # It says how long the plan plays, not the minutes it was asked for.
    kept = planning.todays_plan(user)
    minutes = max(1, round(planning.total_seconds(planning.planned(kept)) / 60))
    assert f"in about {minutes} min" in page


def test_a_knot_in_a_muscle_not_for_self_treatment_gets_no_plan_and_says_who_treats_it(
    user: Any,
) -> None:
    from knotless.atlas.muscles import load_muscles
    from knotless.atlas.regions import get_region, sides_for
    from knotless.journal import services as journal
    from knotless.safety.policy import knot_areas

    professional = [m for m in load_muscles().values() if not m.self_care]
    assert professional, "the atlas has muscles that are not for self-treatment"
    library = load_exercises()
    for muscle in professional:
        region = muscle.essential[0]
        knot = journal.add_knot(
            user,
            region=region,
            side=sides_for(get_region(region))[0],
            pain=4,
            tz_name="UTC",
            muscle=muscle.slug,
        )
        screening.record(user, knot_areas(knot), [])
        assert muscle.treated_by in planning.gather(user).blocked[knot.pk]
    plan = planning.todays_plan(user, minutes=30, rebuild=True)
    held = {m.slug for m in professional}
    for item in plan.items:
        exercise = library[item["slug"]]
        assert not held & set(exercise.primary + exercise.secondary), item["slug"]


def test_a_knot_whose_muscle_has_no_exercise_yet_says_so(
    user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every self-care muscle has care now (tests/library/awaiting.py is empty); a muscle added
    to the atlas before its exercises must still be left out with the reason, not silently."""
    from knotless.atlas.muscles import get_muscle
    from knotless.atlas.regions import get_region, sides_for
    from knotless.journal import services as journal
    from knotless.library.exercises import load_exercises
    from knotless.safety.policy import knot_areas

    slug = "platysma"
    library = {k: e for k, e in load_exercises().items() if slug not in (*e.primary, *e.secondary)}
    monkeypatch.setattr(planning, "load_exercises", lambda: library)
    region = get_muscle(slug).essential[0]
    knot = journal.add_knot(
        user,
        region=region,
        side=sides_for(get_region(region))[0],
        pain=4,
        tz_name="UTC",
        muscle=slug,
    )
    screening.record(user, knot_areas(knot), [])
    plan = planning.todays_plan(user, minutes=20, rebuild=True)
    reasons = dict(plan.left_out)
    assert "no exercise for its muscle yet" in reasons[knot.label]
