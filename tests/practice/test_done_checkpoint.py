"""The first plan's checkpoint (practice/done.py, practice.DoneCheckpoint): after every kind of
write to a person's sessions and training log, however it is made, the history read through the
checkpoint is the one read afresh from every session and workout, and the checkpoint is trusted
whenever the settled sessions and workouts did not change."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knotless.library.exercises import load_exercises
from knotless.practice import done
from knotless.practice.done import done_history
from knotless.practice.models import DoneCheckpoint, Session, SessionExercise, SessionKnot
from knotless.training.models import Entry, OwnExercise, Workout
from knotless.training.planning import PAINFUL
from tests.practice.conftest import random_session

ZONE = ZoneInfo("Europe/Berlin")


def _fresh(user: Any, zone: ZoneInfo = ZONE) -> Any:
    """The history read from every session: the checkpoint put aside, then put back."""
    kept = list(DoneCheckpoint.objects.filter(user=user))
    DoneCheckpoint.objects.filter(user=user).delete()
    try:
        return done_history(user, zone)
    finally:
        DoneCheckpoint.objects.filter(user=user).delete()
        DoneCheckpoint.objects.bulk_create(kept)


def _read(user: Any, zone: ZoneInfo = ZONE) -> tuple[Any, bool]:
    """The history as the first plan reads it, and whether it read every session and
    workout (it reads both whole, or both since the checkpoint's cutoff)."""
    with CaptureQueriesContext(connection) as queries:
        found = done_history(user, zone)
    reads = [q["sql"] for q in queries if "CAST(started_at AS TEXT)" in q["sql"]]
    assert len(reads) == 2  # the sessions, then the workouts
    whole = {"started_at >=" not in sql for sql in reads}
    assert len(whole) == 1, reads
    return found, whole.pop()


def random_workout(
    rng: random.Random, owner: Any, started: datetime, slugs: list[str], own: OwnExercise
) -> Workout:
    """A logged workout of one to four exercises (some of the person's own, some not in the
    library), each with a random pain and next-morning answer."""
    workout = Workout.objects.create(
        user=owner, day=started.astimezone(ZONE).date(), started_at=started
    )
    for position in range(rng.randint(1, 4)):
        slug = rng.choice([*slugs, ""])
        Entry.objects.create(
            workout=workout,
            position=position,
            slug=slug,
            own=None if slug else own,
            sets_text="3x8@40kg",
            pain_during=rng.choice([None, 0, PAINFUL, PAINFUL + 1]),
            next_morning=rng.choice(["", "same", "worse", "pending"]),
        )
    return workout


def _same(a: Any, b: Any) -> None:
    feedback_a, strength_a = a
    feedback_b, strength_b = b
    assert feedback_a == feedback_b
    assert strength_a == strength_b


def test_the_checkpoint_gives_the_fresh_history_after_every_kind_of_write(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(4)
    user, other = make_user("mine"), make_user("theirs")
    library = load_exercises()
    strength = [s for s, e in library.items() if e.kind == "strength"][:3]
    gentle = [s for s, e in library.items() if e.kind != "strength"][:3]
    slugs = strength + gentle + ["gone-from-library"]
    now = timezone.now()

    def new_session(owner: Any, days_ago: float) -> Session:
        return random_session(rng, owner, now - timedelta(days=days_ago), slugs, 3, 0.9)

    own = {
        person: OwnExercise.objects.create(user=person, name="Sled push", key="sled push")
        for person in (user, other)
    }

    def new_workout(owner: Any, days_ago: float) -> Workout:
        return random_workout(rng, owner, now - timedelta(days=days_ago), slugs, own[owner])

    for n in range(40):
        new_session(user if n % 4 else other, days_ago=60 - n * 1.5)
        new_workout(user if n % 3 else other, days_ago=61 - n * 1.5)

    def old_session() -> Session:
        cutoff = DoneCheckpoint.objects.get(user=user).cutoff
        return rng.choice(
            list(Session.objects.filter(user=user, started_at__lt=cutoff).order_by("id"))
        )

    def old_exercise() -> SessionExercise:
        cutoff = DoneCheckpoint.objects.get(user=user).cutoff
        return rng.choice(
            list(
                SessionExercise.objects.filter(
                    session__user=user, session__started_at__lt=cutoff
                ).order_by("id")
            )
        )

    def verdict_changed() -> None:
        exercise = old_exercise()
        exercise.verdict = {"hurt": "helped", "helped": "", "": "hurt"}[exercise.verdict]
        exercise.save()

    def verdict_changed_by_sql() -> None:
        exercise = old_exercise()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE practice_sessionexercise SET verdict = %s WHERE id = %s",
                ["hurt" if exercise.verdict != "hurt" else "helped", exercise.pk],
            )

    def exercise_added() -> None:
        session = old_session()
        last = SessionExercise.objects.filter(session=session).order_by("-position").first()
        SessionExercise.objects.create(
            session=session, position=last.position + 1 if last else 0, slug=rng.choice(strength)
        )

    def exercises_deleted() -> None:
        SessionExercise.objects.filter(session=old_session()).delete()

    def session_deleted() -> None:
        old_session().delete()

    def session_deleted_by_sql() -> None:
        session = old_session()
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM practice_sessionexercise WHERE session_id = %s", [session.pk]
            )
            cursor.execute("DELETE FROM practice_session WHERE id = %s", [session.pk])

    def imported_with_an_old_date() -> None:
        new_session(user, days_ago=rng.uniform(10, 90))

    def moved_back_in_time() -> None:
        session = Session.objects.filter(user=user).order_by("-started_at").first()
        assert session is not None
        Session.objects.filter(pk=session.pk).update(started_at=now - timedelta(days=70))

    def moved_forward_in_time() -> None:
        Session.objects.filter(pk=old_session().pk).update(started_at=now - timedelta(hours=1))

    def status_changed() -> None:
        session = old_session()
        if session.status == "started":
            ended = session.started_at + timedelta(minutes=10)
            Session.objects.filter(pk=session.pk).update(status="finished", ended_at=ended)
        else:
            Session.objects.filter(pk=session.pk).update(status="started", ended_at=None)

    def given_to_another() -> None:
        Session.objects.filter(pk=old_session().pk).update(user=other)

    def taken_from_another() -> None:
        theirs = Session.objects.filter(user=other).order_by("?").first()
        if theirs is not None:
            Session.objects.filter(pk=theirs.pk).update(user=user)

    def old_workout() -> Workout:
        cutoff = DoneCheckpoint.objects.get(user=user).cutoff
        return rng.choice(
            list(Workout.objects.filter(user=user, started_at__lt=cutoff).order_by("id"))
        )

    def old_lift() -> Entry:
        cutoff = DoneCheckpoint.objects.get(user=user).cutoff
        lifts = Entry.objects.filter(workout__user=user, workout__started_at__lt=cutoff)
        return rng.choice(list(lifts.exclude(slug="").order_by("id")))

    def pain_corrected() -> None:
        lift = old_lift()
        lift.pain_during = PAINFUL + 1 if (lift.pain_during or 0) <= PAINFUL else 0
        lift.save()

    def morning_answered_by_sql() -> None:
        lift = old_lift()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE training_entry SET next_morning = %s WHERE id = %s",
                ["worse" if lift.next_morning != "worse" else "same", lift.pk],
            )

    def lift_renamed() -> None:
        Entry.objects.filter(pk=old_lift().pk).update(slug=rng.choice(strength))

    def lift_added() -> None:
        workout = old_workout()
        last = Entry.objects.filter(workout=workout).order_by("-position").first()
        Entry.objects.create(
            workout=workout,
            position=last.position + 1 if last else 0,
            slug=rng.choice(strength),
            sets_text="3x5@60kg",
            pain_during=rng.choice([None, PAINFUL + 2]),
        )

    def lifts_deleted() -> None:
        Entry.objects.filter(workout=old_workout()).delete()

    def workout_deleted() -> None:
        old_workout().delete()

    def workout_deleted_by_sql() -> None:
        workout = old_workout()
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM training_workset WHERE entry_id IN"
                " (SELECT id FROM training_entry WHERE workout_id = %s)",
                [workout.pk],
            )
            cursor.execute("DELETE FROM training_entry WHERE workout_id = %s", [workout.pk])
            cursor.execute("DELETE FROM training_workout WHERE id = %s", [workout.pk])

    def workout_logged_with_an_old_date() -> None:
        new_workout(user, days_ago=rng.uniform(10, 90))

    def workout_moved_back_in_time() -> None:
        workout = Workout.objects.filter(user=user).order_by("-started_at").first()
        assert workout is not None
        earlier = now - timedelta(days=70)
        Workout.objects.filter(pk=workout.pk).update(started_at=earlier, day=earlier.date())

    def workout_day_changed() -> None:
        workout = old_workout()
        Workout.objects.filter(pk=workout.pk).update(day=workout.day - timedelta(days=1))

    def workout_linked_to_a_routine() -> None:  # the player's own: its lifts no longer count
        workout = old_workout()
        began = workout.started_at
        session = Session.objects.create(
            user=user, started_at=began, ended_at=began + timedelta(minutes=9), status="finished"
        )
        Workout.objects.filter(pk=workout.pk).update(practice_session=session)

    def workout_given_to_another() -> None:
        Workout.objects.filter(pk=old_workout().pk).update(user=other)

    def trained_today() -> None:
        new_workout(user, days_ago=rng.uniform(0, 1))

    def another_person_trained() -> None:
        new_workout(other, days_ago=rng.uniform(0, 90))

    def rating_changed() -> None:  # moves the revision, changes no verdict: a rebuild, same answer
        session = old_session()
        SessionKnot.objects.filter(session=session).delete()

    def played_today() -> None:
        new_session(user, days_ago=rng.uniform(0, 1))

    def another_person_played() -> None:
        new_session(other, days_ago=rng.uniform(0, 90))

    def time_passed() -> None:
        monkeypatch.setattr(done, "SETTLED", done.SETTLED - timedelta(hours=rng.randint(6, 60)))

    writes = [
        verdict_changed,
        verdict_changed_by_sql,
        exercise_added,
        exercises_deleted,
        session_deleted,
        session_deleted_by_sql,
        imported_with_an_old_date,
        moved_back_in_time,
        moved_forward_in_time,
        status_changed,
        given_to_another,
        taken_from_another,
        rating_changed,
        pain_corrected,
        morning_answered_by_sql,
        lift_renamed,
        lift_added,
        lifts_deleted,
        workout_deleted,
        workout_deleted_by_sql,
        workout_logged_with_an_old_date,
        workout_moved_back_in_time,
        workout_day_changed,
        workout_linked_to_a_routine,
        workout_given_to_another,
    ]
    harmless = [
        played_today,
        another_person_played,
        trained_today,
        another_person_trained,
        time_passed,
    ]
    monkeypatch.setattr(done, "SETTLED", timedelta(days=20))
    first, whole = _read(user)
    assert whole  # no checkpoint yet: every session read, and the checkpoint made
    _same(first, _fresh(user))
    trusted = rebuilt = 0
    for _ in range(200):
        step = rng.choice(writes + harmless * 2)
        step()
        found, whole = _read(user)
        _same(found, _fresh(user))
        if step in harmless:
            assert not whole, step.__name__  # nothing settled changed: the checkpoint holds
            trusted += 1
        elif whole:
            rebuilt += 1
        # A write that changed the settled sessions is read in full the next time, whatever
        # it was; after it the checkpoint holds again.
        again, whole = _read(user)
        assert not whole
        _same(again, found)
    assert trusted > 40 and rebuilt > 40, (trusted, rebuilt)
    # The checkpoint holds settled lifts of the log, of both verdicts.
    kept = DoneCheckpoint.objects.get(user=user)
    assert kept.workouts > 10
    verdicts = "".join(joined for _, joined in kept.summary["logged"].values())
    assert "hurt" in verdicts and done.SEPARATOR * 2 in verdicts


def test_another_time_zone_or_library_makes_a_new_checkpoint(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    began = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # the 1st in London, the 2nd in Tokyo
    session = Session.objects.create(
        user=user, started_at=began, ended_at=began + timedelta(minutes=10), status="finished"
    )
    slug = next(s for s, e in load_exercises().items() if e.kind == "strength")
    SessionExercise.objects.create(session=session, position=0, slug=slug, verdict="hurt")
    (feedback, strength), whole = _read(user, ZoneInfo("Europe/London"))
    assert whole and feedback[slug].last_hurt == strength[slug][0][0] == began.date()
    (feedback, strength), whole = _read(user, ZoneInfo("Asia/Tokyo"))
    assert whole and feedback[slug].last_hurt == began.date() + timedelta(days=1)
    _, whole = _read(user, ZoneInfo("Asia/Tokyo"))
    assert not whole
    monkeypatch.setattr(done, "_library_print", lambda: "another library")
    _, whole = _read(user, ZoneInfo("Asia/Tokyo"))
    assert whole


def test_the_checkpoint_is_not_exported_and_goes_with_the_account(make_user: Any) -> None:
    from knotless.portable.archive import SKIPPED

    user = make_user()
    done_history(user, ZONE)
    assert DoneCheckpoint.objects.filter(user=user).exists()
    assert "practice.donecheckpoint" in SKIPPED
    user.delete()
    assert not DoneCheckpoint.objects.exists()
