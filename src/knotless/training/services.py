"""Logging training: find the exercise, read the sets, save the workout, edit and delete.

Everything a person logs goes through here, from the page, the terminal or an import, so the
rules (one workout per client uid, sets read by ``setgrammar``, the knot asked about the next
morning) hold on every path.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.accounts.services import user_zone
from knotless.journal.models import Knot
from knotless.lib import setgrammar
from knotless.library.exercises import Exercise, load_exercises
from knotless.revisions import SUMMED_REVISION
from knotless.safety.policy import targeted
from knotless.training.models import (
    EFFORT_MAX,
    MAX_MINUTES,
    Entry,
    OwnExercise,
    TrainingSettings,
    Workout,
    WorkSet,
)

LB = Decimal("0.45359237")
MAX_NAME = 80
MAX_ENTRIES = 50  # exercises in one workout
# The uid of a workout made for a queued entry is derived from the entry's client_id.
ENTRY_WORKOUTS = uuid.UUID("6f0c2a1e-52b1-4c51-9a52-0d6c1e7b4a11")


def fold(name: str) -> str:
    """A name as matching sees it: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


@dataclass(frozen=True, slots=True)
class Lift:
    """What a logged exercise is: a library exercise, or the person's own."""

    key: str  # "lib:<slug>" or "own:<id>"
    name: str
    exercise: Exercise | None  # the library's, with its muscles and technique
    own: OwnExercise | None = None

    @property
    def slug(self) -> str:
        return self.exercise.slug if self.exercise is not None else ""


def _library_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for slug, exercise in load_exercises().items():
        names[fold(slug)] = slug
        names[fold(exercise.name)] = slug
        for alias in getattr(exercise, "aliases", ()):
            names.setdefault(fold(alias), slug)
    return names


def find_lift(user: Any, text: str, *, create: bool = False) -> Lift:
    """The exercise a person means by ``text``: a library slug, name or alias, or one of
    their own (made when ``create``, else a ValidationError)."""
    name = " ".join(text.split())
    if not name:
        raise ValidationError("Say which exercise, such as goblet-squat or barbell hip thrust.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"An exercise name has at most {MAX_NAME} characters.")
    key = fold(name)
    if not key:
        raise ValidationError("An exercise name needs letters or digits.")
    library = load_exercises()
    slug = _library_names().get(key)
    if slug is not None:
        exercise = library[slug]
        return Lift(f"lib:{slug}", exercise.name, exercise)
    own = OwnExercise.objects.filter(user=user, key=key).first()
    if own is None:
        if not create:
            raise ValidationError(f"No exercise called {name!r} yet: log it once to add it.")
        own, _ = OwnExercise.objects.get_or_create(user=user, key=key, defaults={"name": name})
    return Lift(f"own:{own.pk}", own.name, None, own)


def lift_by_key(user: Any, key: str) -> Lift | None:
    """The lift of a "lib:<slug>" or "own:<id>" key, if it is the person's to see."""
    kind, _, rest = key.partition(":")
    if kind == "lib":
        exercise = load_exercises().get(rest)
        return Lift(key, exercise.name, exercise) if exercise is not None else None
    if kind == "own" and rest.isascii() and rest.isdecimal() and len(rest) <= 18:
        own = OwnExercise.objects.filter(user=user, pk=int(rest)).first()
        return Lift(key, own.name, None, own) if own is not None else None
    return None


def entry_lift(entry: Entry) -> Lift:
    if entry.own_id is not None:
        assert entry.own is not None
        return Lift(f"own:{entry.own_id}", entry.own.name, None, entry.own)
    exercise = load_exercises().get(entry.slug)
    name = exercise.name if exercise is not None else entry.slug
    return Lift(f"lib:{entry.slug}", name, exercise)


def read_sets(text: str) -> setgrammar.Entry:
    try:
        return setgrammar.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _kg(load: setgrammar.Load | None) -> Decimal | None:
    if load is None or load.amount is None:
        return None
    kg = load.amount if load.unit == "kg" else load.amount * LB
    return kg.quantize(Decimal("0.01"))


def _set_rows(entry: Entry, parsed: setgrammar.Entry) -> list[WorkSet]:
    rows = []
    for order, work in enumerate(parsed.sets, start=1):
        effort = work.effort
        rows.append(
            WorkSet(
                entry=entry,
                order=order,
                reps=work.reps,
                load_kg=_kg(work.load),
                bodyweight=work.load is not None and work.load.unit == "bw",
                band=(work.load.colour or "") if work.load is not None else "",
                rir=int(effort.value) if effort is not None and effort.scale == "rir" else None,
                rpe=effort.value if effort is not None and effort.scale == "rpe" else None,
            )
        )
    return rows


def near_knot(user: Any, lift: Lift) -> Knot | None:
    """The active knot this exercise works on (its muscle, or where its muscles send pain)."""
    if lift.exercise is None:
        return None
    knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))
    found = targeted([lift.exercise], knots)
    return found[0] if found else None


def check_pain(pain: int | None) -> int | None:
    if pain is not None and not 0 <= pain <= 10:
        raise ValidationError("Pain goes from 0 (none) to 10 (worst imaginable).")
    return pain


def check_effort(effort: int | None) -> int | None:
    if effort is not None and not 0 <= effort <= EFFORT_MAX:
        raise ValidationError("Session effort goes from 0 (rest) to 10 (maximal).")
    return effort


def check_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(f"Minutes go from 1 to {MAX_MINUTES}.")
    return minutes


def _local(user: Any, when: datetime | None) -> tuple[datetime, date]:
    moment = when or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, user_zone(user))
    if moment > timezone.now() + timedelta(minutes=5):
        raise ValidationError("That time is in the future.")
    return moment, timezone.localtime(moment, user_zone(user)).date()


def workout_for(
    user: Any,
    *,
    uid: uuid.UUID | None = None,
    when: datetime | None = None,
    kind: str = Workout.Kind.STRENGTH,
    source: str = Workout.Source.WEB,
    new_uid: uuid.UUID | None = None,
) -> Workout:
    """The workout a strength entry goes into: the one with this uid, else today's open
    strength workout (started within the last 4 hours), else a new one (with ``new_uid``
    when given, so two racing sends of one queued entry make one workout)."""
    if uid is not None:
        found = Workout.objects.filter(user=user, uid=uid).first()
        if found is not None:
            return found
    moment, day = _local(user, when)
    if uid is None and when is None:
        recent = (
            Workout.objects.filter(
                user=user,
                kind=kind,
                day=day,
                started_at__gte=moment - timedelta(hours=4),
                practice_session__isnull=True,
            )
            .order_by("-started_at")
            .first()
        )
        if recent is not None:
            return recent
    made_uid = uid or new_uid or uuid.uuid4()
    try:
        with transaction.atomic():
            return Workout.objects.create(
                user=user,
                uid=made_uid,
                day=day,
                started_at=moment,
                kind=kind,
                source=source,
            )
    except IntegrityError:  # the same uid saved by a concurrent retry
        if uid is None and new_uid is None:
            raise
        return Workout.objects.get(user=user, uid=made_uid)


@transaction.atomic
def log_lift(
    user: Any,
    exercise: str,
    sets: str,
    *,
    workout: Workout | None = None,
    when: datetime | None = None,
    pain: int | None = None,
    familiar: bool | None = None,
    source: str = Workout.Source.WEB,
    client_id: uuid.UUID | None = None,
) -> Entry:
    """Log one exercise's sets (``3x10@20kg rir2``) into a workout.

    ``client_id`` is stored for the offline queue (``knotless.queued.once`` finds a resent
    entry); a workout made for it gets a uid derived from it."""
    parsed = read_sets(sets)
    check_pain(pain)
    lift = find_lift(user, exercise, create=True)
    new_uid = uuid.uuid5(ENTRY_WORKOUTS, str(client_id)) if client_id else None
    workout = workout or workout_for(user, when=when, source=source, new_uid=new_uid)
    if workout.user_id != user.pk:
        raise ValidationError("That workout is not yours.")
    count = workout.entries.count()
    if count >= MAX_ENTRIES:
        raise ValidationError(f"A workout holds up to {MAX_ENTRIES} exercises.")
    position = (workout.entries.aggregate(top=Max("position"))["top"] or 0) + 1
    knot = near_knot(user, lift)
    entry = Entry.objects.create(
        workout=workout,
        position=position,
        slug=lift.slug,
        own=lift.own,
        sets_text=setgrammar.format_entry(parsed),
        pain_during=pain,
        familiar_knot=familiar,
        knot=knot,
        # The morning after, Today asks whether that knot is better, the same or worse.
        next_morning=Entry.Morning.PENDING if knot is not None else "",
        client_id=client_id,
    )
    WorkSet.objects.bulk_create(_set_rows(entry, parsed))
    touch(user.pk)
    return entry


@transaction.atomic
def edit_entry(
    user: Any,
    entry_id: int,
    sets: str,
    *,
    pain: int | None = None,
    familiar: bool | None = None,
) -> Entry:
    entry = own_entry(user, entry_id)
    parsed = read_sets(sets)
    entry.sets_text = setgrammar.format_entry(parsed)
    entry.pain_during = check_pain(pain)
    entry.familiar_knot = familiar
    entry.save(update_fields=["sets_text", "pain_during", "familiar_knot"])
    entry.sets.all().delete()
    WorkSet.objects.bulk_create(_set_rows(entry, parsed))
    touch(user.pk)
    return entry


def own_entry(user: Any, entry_id: int) -> Entry:
    entry = (
        Entry.objects.select_related("workout", "own")
        .filter(pk=entry_id, workout__user=user)
        .first()
    )
    if entry is None:
        raise Entry.DoesNotExist("No such entry.")
    return entry


def delete_entry(user: Any, entry_id: int) -> Entry:
    entry = own_entry(user, entry_id)
    entry.delete()
    return entry


def own_workout(user: Any, workout_id: int) -> Workout:
    workout = Workout.objects.filter(pk=workout_id, user=user).first()
    if workout is None:
        raise Workout.DoesNotExist("No such workout.")
    return workout


def delete_workout(user: Any, workout_id: int) -> Workout:
    workout = own_workout(user, workout_id)
    workout.delete()
    return workout


def log_session(
    user: Any,
    kind: str,
    minutes: int,
    *,
    effort: int | None = None,
    when: datetime | None = None,
    title: str = "",
    note: str = "",
    uid: uuid.UUID | None = None,
    source: str = Workout.Source.WEB,
) -> Workout:
    """Log a session of any kind: minutes, and the effort when the person has rated it."""
    if kind not in Workout.Kind.values or kind == Workout.Kind.PLAYER:
        choices = ", ".join(k for k in Workout.Kind.values if k != Workout.Kind.PLAYER)
        raise ValidationError(f"Unknown kind of session {kind!r}: use one of {choices}.")
    check_minutes(minutes)
    check_effort(effort)
    if len(title) > 80:
        raise ValidationError("A title has at most 80 characters.")
    workout = workout_for(user, uid=uid or uuid.uuid4(), when=when, kind=kind, source=source)
    workout.minutes, workout.effort = minutes, effort
    workout.title, workout.note = title.strip(), note.strip()
    workout.full_clean(exclude=["user", "practice_session"])
    workout.save()
    return workout


def rate(user: Any, workout_id: int, effort: int, minutes: int | None = None) -> Workout:
    """Give a workout its session effort (and its minutes, if it has none yet)."""
    workout = own_workout(user, workout_id)
    workout.effort = check_effort(effort)
    if minutes is not None:
        workout.minutes = check_minutes(minutes)
    if workout.minutes is None:
        ended = timezone.now()
        workout.minutes = max(
            1, min(MAX_MINUTES, int((ended - workout.started_at).total_seconds() / 60))
        )
    workout.save(update_fields=["effort", "minutes"])
    return workout


def answer_morning(user: Any, entry_id: int, answer: str) -> int:
    """The next-morning answer for a knot, given once for every entry of that workout that
    asked about the same knot. Returns how many entries it settled."""
    if answer not in (Entry.Morning.BETTER, Entry.Morning.SAME, Entry.Morning.WORSE):
        raise ValidationError("Answer better, the same or worse.")
    entry = own_entry(user, entry_id)
    settled = Entry.objects.filter(
        workout=entry.workout, knot=entry.knot_id, next_morning=Entry.Morning.PENDING
    ).update(next_morning=answer)
    touch(user.pk)
    return settled


def of_lift(entries: Any, lift: Lift) -> Any:
    """The entries of one lift among ``entries``."""
    if lift.own is not None:
        return entries.filter(own=lift.own)
    return entries.filter(slug=lift.slug)


def last_sets(user: Any, lift: Lift, before: Workout | None = None) -> str | None:
    """The sets of the last time this exercise was logged (to copy with one tap)."""
    entries = of_lift(Entry.objects.filter(workout__user=user), lift)
    if before is not None:
        entries = entries.exclude(workout=before)
    found = entries.order_by("-workout__started_at", "-position").values_list(
        "sets_text", flat=True
    )
    text: str | None = found.first()
    return text


def from_player(session: Any) -> Workout | None:
    """A finished player session counts as training: its minutes, and the reps done."""
    if session.played_seconds < 60:
        return None
    minutes = min(MAX_MINUTES, max(1, round(session.played_seconds / 60)))
    workout, _ = Workout.objects.get_or_create(
        practice_session=session,
        defaults={
            "user": session.user,
            "day": timezone.localtime(session.started_at, user_zone(session.user)).date(),
            "started_at": session.started_at,
            "kind": Workout.Kind.PLAYER,
            "minutes": minutes,
            "source": Workout.Source.PLAYER,
        },
    )
    library = load_exercises()
    position = 0
    for done in session.exercises.filter(reached=True).order_by("position"):
        exercise = library.get(done.slug)
        if exercise is None or exercise.kind != "strength" or not done.reps_done:
            continue
        sets = exercise.dose.sets if done.sets_done is None else done.sets_done
        if not sets:
            continue
        reps = min(done.reps_done, setgrammar.MAX_REPS)
        sets = min(sets, setgrammar.MAX_SETS)
        position += 1
        entry, made = Entry.objects.get_or_create(
            workout=workout,
            position=position,
            defaults={"slug": done.slug, "sets_text": f"{sets}x{reps}"},
        )
        if made:
            WorkSet.objects.bulk_create(
                WorkSet(entry=entry, order=n, reps=reps) for n in range(1, sets + 1)
            )
    touch(workout.user_id)
    return workout


def current_workout(user: Any) -> Workout | None:
    """Today's strength workout still going (started within the last 4 hours), if any."""
    now = timezone.now()
    return (
        Workout.objects.filter(
            user=user,
            kind=Workout.Kind.STRENGTH,
            day=timezone.localtime(now, user_zone(user)).date(),
            started_at__gte=now - timedelta(hours=4),
            practice_session__isnull=True,
        )
        .order_by("-started_at")
        .first()
    )


_WORKOUT_TALLY = (
    f"SELECT COUNT(*), COALESCE(SUM({SUMMED_REVISION}), 0)"
    f" FROM {Workout._meta.db_table} WHERE user_id = %s"
)


def workout_tally(user: Any) -> tuple[int, int]:
    """How many workouts the person has logged, and the sum of their revisions, which the
    database moves with every write to a workout, one of its exercises or their sets
    (migrations 0006 and 0008), however it was written. On PostgreSQL the index holds both
    (0007): nothing else is read."""
    with connection.cursor() as cursor:
        cursor.execute(_WORKOUT_TALLY, [user.pk])
        count, revisions = cursor.fetchone()
    return int(count), int(revisions)


def settings_of(user: Any) -> TrainingSettings:
    """The person's training settings; the defaults (unsaved) until they change one."""
    found = TrainingSettings.objects.filter(user=user).first()
    return found if found is not None else TrainingSettings(user=user)


def unit_of(user: Any) -> str:
    """ "kg" or "lb", from the person's units."""
    from knotless.accounts.services import profile_for

    return "lb" if profile_for(user).units == "imperial" else "kg"


def in_unit(kg: Decimal, unit: str) -> Decimal:
    """A load in kg as the person reads it: kg, or lb to the tenth."""
    if unit == "lb":
        return (kg / LB).quantize(Decimal("0.1")).normalize()
    return kg.normalize()


def show_load(kg: Decimal | None, unit: str) -> str:
    return "" if kg is None else f"{in_unit(kg, unit):f} {unit}"
