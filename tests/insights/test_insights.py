"""What helped: the daily facts from what is stored, patterns on the page, tags, experiments
from start to result, the weekly summary on Today and in the terminal."""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta
from typing import Any

from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.cli import main
from knotless.hydration.models import Drink
from knotless.insights import facts, services
from knotless.insights.models import DayTag, Experiment, ExperimentDay
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot

TZ = "Europe/Berlin"


def _knot(user: Any, days_ago: int = 70) -> Knot:
    return journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="right",
        pain=5,
        tz_name=TZ,
        muscle="rhomboids",
        first_felt=local_today(user) - timedelta(days=days_ago + 1),
        moment=timezone.now() - timedelta(days=days_ago),
    )


def _history(user: Any, knot: Knot, days: int, *, effect: float, seed: int = 1) -> None:
    """``days`` of ratings; on water-target days (half of them, at random) pain is lower by
    ``effect``. Every third day has no rating at all."""
    rng = random.Random(seed)
    zone = user_zone(user)
    today = local_today(user)
    for n in range(days, 0, -1):
        day = today - timedelta(days=n)
        at = datetime.combine(day, time(9), tzinfo=zone)
        hit = rng.random() < 0.5
        Drink.objects.create(user=user, ml=2000 if hit else 300, moment=at, kind="water")
        if hit:
            Drink.objects.create(user=user, ml=2000, moment=at + timedelta(hours=4), kind="water")
        if n % 3 == 0:
            continue  # a day without a rating
        pain = 5 - (effect if hit else 0) + rng.gauss(0, 0.6)
        CheckIn.objects.create(
            knot=knot, moment=at + timedelta(hours=8), pain=max(0, min(10, round(pain)))
        )


def test_facts_never_fill_a_missing_day_with_zero(user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 30, effect=0)
    read = facts.read(user, [knot])
    rows = read.days_for(knot.pk)
    rated = {c.moment.astimezone(user_zone(user)).date() for c in knot.checkins.all()}
    for row in rows:
        assert (row.pain is not None) == (row.day in rated)
    assert any(r.pain is None for r in rows)
    assert all(r.pain is None or 0 <= r.pain <= 10 for r in rows)
    # Water: a day without a drink logged is unknown, not "missed the target".
    empty = [r for r in rows if r.day < local_today(user) - timedelta(days=31)]
    assert empty and all(r.habits.get("water") is None for r in empty)


def test_facts_count_each_rating_on_the_person_s_own_day(user: Any) -> None:
    """The database sums the ratings per local day: a rating late in the evening belongs to
    that day, not to the next one in UTC, and each day's mean and worst come from its own."""
    profile = user.profile
    profile.time_zone = "Pacific/Auckland"  # 13 hours ahead of UTC in December
    profile.save()
    knot = _knot(user)
    zone = user_zone(user)
    day = local_today(user) - timedelta(days=3)
    for hour, minute, pain in ((0, 10, 2), (12, 0, 5), (23, 50, 9)):
        at = datetime.combine(day, time(hour, minute), tzinfo=zone)
        CheckIn.objects.create(knot=knot, moment=at, pain=pain)
    after = datetime.combine(day + timedelta(days=1), time(0, 5), tzinfo=zone)
    CheckIn.objects.create(knot=knot, moment=after, pain=1)
    read = facts.read(user, [knot])
    assert read.pain[knot.pk][day] == ((2 + 5 + 9) / 3, 9)
    assert read.pain[knot.pk][day + timedelta(days=1)] == (1.0, 1)


def test_a_clear_pattern_is_shown_with_its_interval(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 70, effect=2.0)
    page = client_in.get(reverse("insights")).content.decode()
    assert "drank your water target" in page
    assert "lower" in page and "pattern, not proof" in page
    assert "80 % interval" in page  # the table beside the chart
    how = client_in.get(reverse("insights_how")).content.decode()
    assert "Your numbers" in how


def test_no_habit_effect_shows_no_pattern(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 70, effect=0.0, seed=7)
    page = client_in.get(reverse("insights")).content.decode()
    assert "No clear pattern yet" in page


def test_too_few_days_says_what_would_settle_it(client_in: Client, user: Any) -> None:
    knot = _knot(user, days_ago=12)
    _history(user, knot, 12, effect=2.0)
    page = client_in.get(reverse("insights")).content.decode()
    assert "Not enough to tell yet" in page
    assert "more days" in page


def test_tags_ride_along_with_a_check_in(client_in: Client, user: Any) -> None:
    knot = _knot(user, days_ago=1)
    response = client_in.post(
        reverse("knot_checkin", args=[knot.pk]),
        {"pain": "4", "tags": ["slept badly", "not offered"], "new_tag": "Late  screens"},
    )
    assert response.status_code == 302
    assert set(DayTag.objects.values_list("tag", flat=True)) == {"slept badly", "late screens"}
    assert "late screens" in services.tags_offered(user)


def test_an_experiment_from_start_to_result(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    client_in.post(
        reverse("experiment_start"),
        {"knot": knot.pk, "habit": "release", "phases": "4", "days": "3"},
    )
    experiment = Experiment.objects.get()
    assert experiment.status == "running"
    # A second one for the same knot is refused.
    client_in.post(reverse("experiment_start"), {"knot": knot.pk, "habit": "water"})
    assert Experiment.objects.count() == 1
    today = local_today(user)
    assert "Starts tomorrow" in client_in.get(reverse("today")).content.decode()
    # Move the experiment into the past so that it has run its course, with daily ratings.
    experiment.started_on = today - timedelta(days=13)
    experiment.save()
    zone = user_zone(user)
    for n in range(14):
        day = experiment.started_on + timedelta(days=n)
        CheckIn.objects.create(
            knot=knot, moment=datetime.combine(day, time(20), tzinfo=zone), pain=4
        )
        ExperimentDay.objects.create(experiment=experiment, day=day, followed=n % 5 != 0)
    page = client_in.get(reverse("insights")).content.decode()
    experiment.refresh_from_db()
    assert experiment.status == "finished"
    assert "Experiment results" in page
    assert "Followed on 7" in page or "Followed on 8" in page  # 11 of 14 days: 79 %
    result = services.result(user, experiment)
    assert not result.effect.shown  # the same pain in both arms


def test_today_gives_the_day_s_instruction_and_takes_the_answer(
    client_in: Client, user: Any
) -> None:
    knot = _knot(user)
    experiment = services.start_experiment(user, knot.pk, "water", days_per_phase=3)
    experiment.started_on = local_today(user) - timedelta(days=1)
    experiment.save()
    page = client_in.get(reverse("today")).content.decode()
    assert "day 2 of 12" in page
    assert ("Drink your water target today" in page) or ("Drink as you usually would" in page)
    client_in.post(
        reverse("experiment_answer", args=[experiment.pk]),
        {"followed": "yes", "day": local_today(user).isoformat(), "next": "today"},
    )
    assert ExperimentDay.objects.get().followed is True
    client_in.post(reverse("experiment_stop", args=[experiment.pk]))
    experiment.refresh_from_db()
    assert experiment.status == "stopped"


def test_a_stranger_cannot_touch_an_experiment(client_in: Client, stranger: Any) -> None:
    knot = _knot(stranger)
    experiment = services.start_experiment(stranger, knot.pk, "water")
    for name in ("experiment_answer", "experiment_stop"):
        assert client_in.post(reverse(name, args=[experiment.pk]), {}).status_code == 404
    assert client_in.post(reverse("experiment_start"), {"knot": knot.pk}).status_code == 404


def test_weekly_summary_in_the_terminal(user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 21, effect=1.0)
    out = CliRunner().invoke(main, ["summary", "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["knots"][0]["id"] == knot.pk
    assert data["knots"][0]["this_week"] is not None
    assert data["done"]["water"] >= 1
    text = CliRunner().invoke(main, ["summary"], catch_exceptions=False).output
    assert "Week of" in text


def test_the_cache_never_outlives_a_write(user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 70, effect=2.0)
    first = services.knot_patterns(user, [knot])
    assert first[0].sentences
    # Every drink deleted: the water pattern has nothing left to stand on, at once.
    Drink.objects.filter(user=user).delete()
    again = services.knot_patterns(user, [knot])
    assert not [s for s in again[0].sentences if "water" in s]
    before = services._version(user, [knot], local_today(user))
    journal.check_in(knot, pain=3, tz_name=TZ)
    assert services._version(user, [knot], local_today(user)) != before


def test_the_version_moves_with_every_kind_of_write_it_rests_on(user: Any, make_user: Any) -> None:
    """Rows written again, not only added or removed, move the patterns' version: a workout's
    day corrected (the patterns count training days), a session's exercise changed, by the ORM
    or by plain SQL; another person's writes leave it alone."""
    from django.db import connection

    from knotless.practice.models import Session, SessionExercise
    from knotless.training.models import Workout

    knot = _knot(user)
    other = make_user("someone-else")
    today = local_today(user)
    started = timezone.now() - timedelta(days=3)
    workout = Workout.objects.create(user=user, day=today - timedelta(days=3), started_at=started)
    session = Session.objects.create(
        user=user, started_at=started, ended_at=started + timedelta(minutes=9), status="saved"
    )
    exercise = SessionExercise.objects.create(session=session, position=0, slug="chin-tuck")

    def version() -> str:
        return services._version(user, [knot], today)

    seen = {version()}
    Workout.objects.filter(pk=workout.pk).update(day=today - timedelta(days=2))
    seen.add(version())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE training_workout SET kind = %s WHERE id = %s", ["player", workout.pk]
        )
    seen.add(version())
    SessionExercise.objects.filter(pk=exercise.pk).update(reached=False)
    seen.add(version())
    journal.check_in(knot, pain=4, tz_name=TZ)
    seen.add(version())
    assert len(seen) == 5
    Workout.objects.create(user=other, day=today, started_at=timezone.now())
    Session.objects.create(user=other, started_at=timezone.now(), status="started")
    assert version() in seen


def test_the_desk_agent_repeats_today_s_instruction(user: Any) -> None:
    from knotless.desk import services as desk
    from knotless.desk.agent import offer_text

    knot = _knot(user)
    experiment = services.start_experiment(user, knot.pk, "breaks", days_per_phase=3)
    experiment.started_on = local_today(user)
    experiment.save()
    hint = desk.hint(user).as_json()
    assert hint["experiment"].startswith("Today's experiment: ")
    text = offer_text("micro", 30, hint, timezone.now())
    assert "Today's experiment:" in text


def test_today_shows_the_week_on_mondays_only(client_in: Client, user: Any) -> None:
    import time_machine

    knot = _knot(user)
    _history(user, knot, 21, effect=1.0)
    today = local_today(user)
    monday = today - timedelta(days=today.weekday())
    tuesday = monday + timedelta(days=1)
    zone = user_zone(user)
    with time_machine.travel(datetime.combine(monday, time(10), tzinfo=zone), tick=False):
        page = client_in.get(reverse("today")).content.decode()
        assert "Your week" in page
        assert knot.label in page
    with time_machine.travel(datetime.combine(tuesday, time(10), tzinfo=zone), tick=False):
        assert "Your week" not in client_in.get(reverse("today")).content.decode()


def test_a_pattern_can_be_tested_in_one_tap(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    _history(user, knot, 70, effect=2.0)
    page = client_in.get(reverse("insights")).content.decode()
    assert "Test this pattern with an experiment" in page
    assert 'name="habit" value="water"' in page
    client_in.post(reverse("experiment_start"), {"knot": knot.pk, "habit": "water"})
    assert Experiment.objects.get().habit == "water"


def test_no_instruction_while_an_emergency_answer_stands(client_in: Client, user: Any) -> None:
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    knot = _knot(user)
    experiment = services.start_experiment(user, knot.pk, "release", days_per_phase=3)
    experiment.started_on = local_today(user) - timedelta(days=1)
    experiment.save()
    assert services.instructions(user)
    record(user, knot_areas(knot), ["A1a"])
    assert services.instructions(user) == []
    assert "day 2 of 12" not in client_in.get(reverse("today")).content.decode()


def test_no_exercise_instruction_for_a_knot_its_safety_answers_hold_back(user: Any) -> None:
    """Unanswered safety questions, or an answer that calls for a doctor first: the "do it"
    day of a release experiment asks for no release; once answered with nothing wrong, it does."""
    from knotless.lib import experiments as trial
    from knotless.safety.policy import knot_areas
    from knotless.safety.screening import record

    knot = _knot(user)
    experiment = services.start_experiment(user, knot.pk, "release", days_per_phase=3)
    today = local_today(user)
    phases = services.schedule_of(experiment)
    do_day = next(
        phases[0].start + timedelta(days=n)
        for n in range(12)
        if trial.arm_on(phases, phases[0].start + timedelta(days=n)) == "B"
    )
    experiment.started_on = experiment.started_on - (do_day - today)
    experiment.save()
    (held,) = services.instructions(user)
    assert held.arm == "B"
    assert held.text.startswith("Not today: answer the safety questions")
    record(user, knot_areas(knot), [])
    (fine,) = services.instructions(user)
    assert fine.text == facts.HABITS["release"].do
    record(user, knot_areas(knot), ["B1"])  # see a doctor today
    (doctor,) = services.instructions(user)
    assert doctor.text.startswith("Not today: your safety answers call for a doctor")
