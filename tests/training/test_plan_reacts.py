"""The day's plan reacts to the training log: a jump in load makes it lighter, muscles trained
hard yesterday get recovery work, and logged strength work counts for progression."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.journal import services as journal
from knotless.library.exercises import load_exercises
from knotless.practice import planning
from knotless.safety import policy, screening
from knotless.training import services
from knotless.training.planning import training_state


def _knot(user: Any) -> Any:
    made = journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="right",
        pain=3,
        tz_name="Europe/Berlin",
        muscle="rhomboids",
    )
    screening.record(user, policy.knot_areas(made), [])
    return made


def _sessions(user: Any, days_ago: range, minutes: int, effort: int) -> None:
    today = local_today(user)
    for n in days_ago:
        when = datetime.combine(today - timedelta(days=n), time(12), tzinfo=user_zone(user))
        services.log_session(user, "run", minutes, effort=effort, when=when)


def _strength(plan: Any) -> list[str]:
    library = load_exercises()
    return [i["slug"] for i in plan.items if library[i["slug"]].kind == "strength"]


def test_a_jump_in_load_leaves_strength_out(user: Any) -> None:
    _knot(user)
    _sessions(user, range(60, 7, -2), 30, 4)  # eight weeks of steady, light running
    before = planning.todays_plan(user, minutes=30, rebuild=True)
    assert _strength(before), "a plan for a rhomboid knot has strength work"
    assert training_state(user, local_today(user))[0] is False
    _sessions(user, range(6, 0, -1), 90, 8)  # a week of long hard sessions
    assert training_state(user, local_today(user))[0] is True
    after = planning.todays_plan(user, minutes=30, rebuild=True)
    assert _strength(after) == []
    assert any("unusually large jump" in note for note in after.notes)


def test_muscles_trained_hard_yesterday_get_recovery(user: Any) -> None:
    yesterday = datetime.combine(
        local_today(user) - timedelta(days=1), time(18), tzinfo=user_zone(user)
    )
    workout = services.workout_for(user, when=yesterday)
    services.log_lift(user, "dumbbell shrug", "3x10@20kg rir0", workout=workout)
    jump, recover, _ = training_state(user, local_today(user))
    assert not jump
    assert "upper-trapezius" in recover
    plan = planning.todays_plan(user, minutes=20, rebuild=True)
    assert any(i["reason"].startswith("recovery:") for i in plan.items)


def test_easy_sets_yesterday_are_not_hard(user: Any) -> None:
    yesterday = datetime.combine(
        local_today(user) - timedelta(days=1), time(18), tzinfo=user_zone(user)
    )
    workout = services.workout_for(user, when=yesterday)
    services.log_lift(user, "dumbbell shrug", "3x10@10kg rir4", workout=workout)
    assert training_state(user, local_today(user))[1] == frozenset()


def test_logged_strength_work_counts_for_the_every_other_day_rule(user: Any) -> None:
    _knot(user)
    # A moment that is today on the person's clock and already past, whatever the hour.
    workout = services.workout_for(user, when=timezone.now() - timedelta(minutes=1))
    for slug in list(_strength(planning.todays_plan(user, minutes=30, rebuild=True))):
        services.log_lift(user, slug, "3x10@10kg", workout=workout)
    again = planning.todays_plan(user, minutes=30, rebuild=True)
    trained = set(_strength(again))
    log = planning.gather(user).strength_log
    assert log, "the training log's strength work reaches the planner"
    assert not trained & set(log), "the same strength work is not planned twice in a day"


def test_a_barbell_lift_is_never_usable_at_a_desk() -> None:
    from datetime import date

    from knotless.lib.planner.choose import usable
    from knotless.lib.planner.model import Request

    library = load_exercises()
    gym = {"barbell", "trap-bar", "rack", "bench", "kettlebell"}
    lifts = [e for e in library.values() if set(e.equipment) & gym]
    assert lifts
    for place in ("desk", "floor", "gym"):
        request = Request(
            knots=(), minutes=30, place=place, equipment=frozenset(gym), today=date(2026, 12, 4)
        )
        offered = [e.slug for e in lifts if usable(e, request)]
        if place == "desk":
            assert offered == []
        else:
            assert "deadlift" in offered


def test_the_programme_chooses_the_strength_work(user: Any, client: Any) -> None:
    from knotless.practice.models import PlanSettings
    from knotless.training import programmes

    _knot(user)
    settings, _ = PlanSettings.objects.get_or_create(user=user)
    settings.equipment = ["chair", "dumbbell"]
    settings.save()
    programmes.start(user, "office-neck-shoulder")
    chosen = {i.slug for i in programmes.TEMPLATES["office-neck-shoulder"].items}
    plan = planning.todays_plan(user, minutes=40, place="floor", rebuild=True)
    strength = _strength(plan)
    assert strength, "a rhomboid knot gets strength work"
    assert set(strength) <= chosen, strength
    client.force_login(user)
    page = client.get("/training/programme/").content.decode()
    assert "Office neck and shoulder programme" in page
    assert "Not logged yet" in page


def test_every_programme_is_made_of_library_strength_exercises() -> None:
    from knotless.training import programmes

    programmes.check_templates()
