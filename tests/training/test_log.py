"""The training log: logging on the web and through the service, copy, edit, delete, rating,
the morning question, the flare rule and the first-time checklist."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.journal import services as journal
from knotless.safety import policy, screening
from knotless.training import coaching, insights, services
from knotless.training.models import Entry, OwnExercise, Workout, WorkSet

TZ = "Europe/Berlin"


def knot(user: Any, pain: int = 3, when: Any = None, *, screened: bool = True) -> Any:
    made = journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="right",
        pain=pain,
        tz_name=TZ,
        muscle="rhomboids",
        moment=when,
        first_felt=(when or timezone.now()).date() - timedelta(days=1),
    )
    if screened:  # the safety questions for its area answered with nothing ticked
        screening.record(user, policy.knot_areas(made), [])
    return made


def test_log_lift_stores_sets_in_kg(user: Any) -> None:
    entry = services.log_lift(user, "one-arm dumbbell row", "3x10@45lb rir2", pain=1)
    assert entry.slug == "one-arm-dumbbell-row"
    assert entry.sets_text == "3x10@45lb rir2"
    rows = list(WorkSet.objects.filter(entry=entry).order_by("order"))
    assert [r.reps for r in rows] == [10, 10, 10]
    assert {r.load_kg for r in rows} == {Decimal("20.41")}
    assert {r.rir for r in rows} == {2}
    assert entry.workout.kind == Workout.Kind.STRENGTH


def test_entries_of_one_session_share_the_workout(user: Any) -> None:
    first = services.log_lift(user, "goblet squat", "3x8@16kg")
    second = services.log_lift(user, "One-arm dumbbell row", "3x10@20kg")
    assert first.workout_id == second.workout_id
    assert [first.position, second.position] == [1, 2]


def test_own_exercise_is_kept_once(user: Any) -> None:
    services.log_lift(user, "Barbell  hip thrust", "3x8@60kg")
    services.log_lift(user, "barbell hip THRUST", "3x8@62.5kg")
    assert OwnExercise.objects.filter(user=user).count() == 1
    assert Entry.objects.filter(own__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("sets", "words"),
    [("3x", "3x10@20kg"), ("3x10@20", "kg"), ("0x10", "set"), ("3x10@20kg rir11", "reserve")],
)
def test_bad_sets_say_what_to_change(user: Any, sets: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.log_lift(user, "goblet squat", sets)
    assert words in caught.value.messages[0].lower()
    assert not Entry.objects.exists()


def test_same_uid_is_one_workout(user: Any) -> None:
    uid = uuid.uuid4()
    a = services.log_session(user, "run", 40, effort=6, uid=uid)
    b = services.log_session(user, "run", 40, effort=6, uid=uid)
    assert a.pk == b.pk
    assert a.load == 240


def test_session_input_is_checked(user: Any) -> None:
    for kind, minutes, effort in (("nap", 30, 3), ("run", 0, 3), ("run", 30, 11)):
        with pytest.raises(ValidationError):
            services.log_session(user, kind, minutes, effort=effort)
    assert not Workout.objects.exists()


def test_page_logs_and_copies(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("training_lift"), {"exercise": "Goblet squat", "sets": "3x8@16kg", "pain": "1"}
    )
    assert response.status_code == 200 or response.status_code == 302
    if response.status_code == 200:  # the first-time checklist comes first
        assert b"First time" in response.content
        response = client_in.post(
            reverse("training_lift"),
            {"exercise": "Goblet squat", "sets": "3x8@16kg", "pain": "1", "first_time_seen": "1"},
        )
    assert response.status_code == 302
    page = client_in.get(reverse("training"))
    assert b"3x8@16kg" in page.content
    assert b"Same as last time" in page.content
    key = services.entry_lift(Entry.objects.get()).key
    copied = client_in.post(reverse("training_copy"), {"lift": key})
    assert copied.status_code == 302, copied.content[:300]
    assert Entry.objects.count() == 2
    assert set(Entry.objects.values_list("sets_text", flat=True)) == {"3x8@16kg"}


def test_page_shows_a_bad_set_error(client_in: Client) -> None:
    response = client_in.post(
        reverse("training_lift"), {"exercise": "my odd lift", "sets": "three tens"}
    )
    assert response.status_code == 200
    assert b"3x10@20kg" in response.content  # the hint says how to write it
    assert not Entry.objects.exists()


def test_edit_and_delete(client_in: Client, user: Any) -> None:
    entry = services.log_lift(user, "my odd lift", "3x10@20kg")
    client_in.post(reverse("training_entry_edit", args=[entry.pk]), {"sets": "3x12@20kg"})
    entry.refresh_from_db()
    assert entry.sets_text == "3x12@20kg"
    assert [s.reps for s in entry.sets.all()] == [12, 12, 12]
    client_in.post(reverse("training_entry_delete", args=[entry.pk]))
    assert not Entry.objects.exists()


def test_someone_elses_entry_is_404(client_in: Client, stranger: Any) -> None:
    entry = services.log_lift(stranger, "my odd lift", "3x10@20kg")
    assert client_in.get(reverse("training_entry_edit", args=[entry.pk])).status_code == 404
    assert client_in.post(reverse("training_entry_delete", args=[entry.pk])).status_code == 404
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_rating_gives_the_load(client_in: Client, user: Any) -> None:
    workout = services.log_session(user, "football", 90)
    assert workout.load is None
    client_in.post(reverse("training_rate", args=[workout.pk]), {"effort": "7"})
    workout.refresh_from_db()
    assert workout.effort == 7
    assert workout.load == 630


def test_knot_near_the_exercise_is_asked_about_next_morning(user: Any) -> None:
    sore = knot(user)
    entry = services.log_lift(user, "one-arm dumbbell row", "3x10@20kg")
    assert entry.knot_id == sore.pk
    assert entry.next_morning == Entry.Morning.PENDING
    tomorrow = entry.workout.day + timedelta(days=1)
    questions = insights.morning_questions(user, tomorrow)
    assert [q.knot.pk for q in questions] == [sore.pk]
    services.answer_morning(user, questions[0].entry_id, "worse")
    entry.refresh_from_db()
    assert entry.next_morning == "worse"
    assert insights.morning_questions(user, tomorrow) == []
    # A worse morning steps that exercise back.
    advice = coaching.recent_lifts(user)[0]
    assert advice.action == "step_back"


def test_flare_after_training_holds_those_muscles(user: Any) -> None:
    start = timezone.now() - timedelta(days=2)
    sore = knot(user, pain=3, when=start - timedelta(hours=2))
    workout = services.workout_for(user, when=start)
    services.log_lift(user, "one-arm dumbbell row", "3x10@20kg", workout=workout)
    journal.check_in(sore, pain=6, tz_name=TZ, moment=start + timedelta(hours=20))
    found = insights.flares(user)
    assert len(found) == 1
    assert (found[0].before, found[0].after) == (3, 6)
    # The knot page hands over the ratings its history holds: the same flare.
    ratings = [(c.moment, c.pain) for c in sore.checkins.order_by("moment", "id")]
    assert insights.flares(user, knots=[sore], held={sore.pk: ratings}) == found
    assert "rhomboids" in found[0].muscles
    advice = coaching.recent_lifts(user)[0]
    assert advice.action == "hold"
    assert "rose from 3 to 6" in advice.reason
    # The training page hands over the knots and flares it read: the same advice.
    assert coaching.recent_lifts(user, knots=[sore], flares=found)[0] == advice
    # Settled: the flare is no longer held against it.
    journal.check_in(sore, pain=3, tz_name=TZ)
    assert insights.flares(user) == []


def test_a_rise_of_one_is_no_flare(user: Any) -> None:
    start = timezone.now() - timedelta(days=1)
    sore = knot(user, pain=3, when=start - timedelta(hours=2))
    workout = services.workout_for(user, when=start)
    services.log_lift(user, "one-arm dumbbell row", "3x10@20kg", workout=workout)
    journal.check_in(sore, pain=4, tz_name=TZ, moment=start + timedelta(hours=3))
    assert insights.flares(user) == []


def test_a_rise_after_training_elsewhere_is_no_flare(user: Any) -> None:
    start = timezone.now() - timedelta(days=1)
    sore = knot(user, pain=3, when=start - timedelta(hours=2))
    workout = services.workout_for(user, when=start)
    services.log_lift(user, "glute bridge", "3x12 bw", workout=workout)
    journal.check_in(sore, pain=7, tz_name=TZ, moment=start + timedelta(hours=3))
    assert insights.flares(user) == []


def test_pages_render(client_in: Client, user: Any) -> None:
    entry = services.log_lift(user, "one-arm dumbbell row", "3x10@20kg rir2")
    services.log_session(user, "run", 40, effort=6)
    for url in (
        reverse("training"),
        reverse("training_load"),
        reverse("training_import"),
        reverse("training_lift_history", args=["lib:one-arm-dumbbell-row"]),
        reverse("training_workout", args=[entry.workout_id]),
        reverse("training_entry_edit", args=[entry.pk]),
    ):
        assert client_in.get(url).status_code == 200, url
    assert client_in.get(reverse("training_lift_history", args=["lib:nope"])).status_code == 404
    assert client_in.get(reverse("training_lift_history", args=["own:99"])).status_code == 404


def test_no_progression_advice_before_the_safety_questions(user: Any) -> None:
    knot(user, screened=False)
    services.log_lift(user, "one-arm dumbbell row", "3x10@20kg")
    advice = coaching.recent_lifts(user)[0]
    assert advice.action == "none"
    assert "safety questions" in advice.reason


def test_no_progression_advice_under_an_emergency_answer(user: Any) -> None:
    sore = knot(user)
    services.log_lift(user, "one-arm dumbbell row", "3x10@20kg")
    screening.record(user, policy.knot_areas(sore), ["A1a"])
    advice = coaching.recent_lifts(user)[0]
    assert advice.action == "none"


def test_today_and_the_knot_page_show_the_flare_and_ask(client_in: Client, user: Any) -> None:
    start = timezone.now() - timedelta(days=1)
    sore = knot(user, pain=3, when=start - timedelta(hours=2))
    workout = services.workout_for(user, when=start)
    services.log_lift(user, "one-arm dumbbell row", "3x10@20kg", workout=workout)
    journal.check_in(sore, pain=6, tz_name=TZ, moment=start + timedelta(hours=3))
    today = client_in.get(reverse("today")).content.decode()
    assert "went from 3 to 6 within two days of training" in today
    assert "this morning?" in today  # the next-morning question
    assert "How hard was" in today  # the session still has no effort
    page = client_in.get(reverse("knot", args=[sore.pk])).content.decode()
    assert "went from 3 to 6" in page


def test_today_without_training_says_nothing_about_it(client_in: Client, user: Any) -> None:
    knot(user)
    assert "From your training" not in client_in.get(reverse("today")).content.decode()


def test_a_played_routine_counts_as_training(user: Any) -> None:
    from knotless.practice import services as practice

    session = practice.start(user, ["dumbbell-shrug", "chin-tuck"], before={}, token="t1")
    saved = practice.finish(
        user, session.pk, after={}, verdicts={}, played_seconds=420, done={0: (2, 12)}
    )
    workout = Workout.objects.get(practice_session=session)
    assert (workout.kind, workout.effort) == ("player", None)
    assert workout.minutes == round(saved.played_seconds / 60) > 0
    assert [e.sets_text for e in workout.entries.all()] == ["2x12"]
    # Its effort is asked like any other session's.
    assert workout in insights.to_rate(user, now=timezone.now() + timedelta(hours=1))


def test_advice_in_pounds_for_imperial_units(user: Any) -> None:
    from knotless.accounts.services import profile_for

    profile = profile_for(user)
    profile.units = "imperial"
    profile.save()
    services.log_lift(user, "my cable row", "3x12@45lb rir2")
    advice = coaching.recent_lifts(user)[0]
    assert advice.action == "add_load"
    assert " lb" in advice.advice
    assert "kg" not in advice.reason
    assert advice.sets_text.endswith("lb")


def test_the_persons_pain_mark_decides(client_in: Client, user: Any) -> None:
    services.log_lift(user, "my cable row", "3x12@20kg", pain=4)
    assert coaching.recent_lifts(user)[0].action == "step_back"  # 4 is above the default 3
    response = client_in.post(
        reverse("training_settings"),
        {"acceptable_pain": "5", "ratio_jump": "1.5", "week_jump": "1.5", "increment": "1"},
    )
    assert response.status_code == 302
    assert coaching.recent_lifts(user)[0].action == "add_load"
    bad = client_in.post(
        reverse("training_settings"),
        {"acceptable_pain": "11", "ratio_jump": "0.5", "week_jump": "9", "increment": "0"},
    )
    assert bad.status_code == 200
    assert services.settings_of(user).acceptable_pain == 5


def test_the_jump_marks_can_move(user: Any) -> None:
    from knotless.training.models import TrainingSettings

    today = timezone.localdate()
    for n in range(40, 7, -1):
        services.log_session(user, "run", 30, effort=4, when=timezone.now() - timedelta(days=n))
    for n in range(6, 0, -1):
        services.log_session(user, "run", 50, effort=5, when=timezone.now() - timedelta(days=n))
    assert insights.load_view(user, today).summary.jump  # about twice the usual: flagged
    # What Today and the log read is the load page's summary, without its chart.
    assert insights.load_summary(user, today) == insights.load_view(user, today).summary
    TrainingSettings.objects.create(user=user, ratio_jump=Decimal("3.0"), week_jump=Decimal("3.0"))
    assert not insights.load_view(user, today).summary.jump
    assert insights.load_summary(user, today) == insights.load_view(user, today).summary
