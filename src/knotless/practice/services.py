"""Playing routines: choosing exercises, the script, and storing sessions.

The web player and ``knotless play`` both call these, so a session means the same wherever
it was played.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.atlas.muscles import load_muscles
from knotless.journal.models import Knot
from knotless.journal.services import check_note, check_pain
from knotless.lib.sequence import SET_SECONDS_MAX, Item, Step, build, total_seconds
from knotless.library.exercises import REPS_RANGE, Exercise, exercises_for, load_exercises
from knotless.practice.models import Session, SessionExercise, SessionKnot
from knotless.safety.policy import targeted

MAX_ITEMS = 30
START_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}")


def routine(slugs: Sequence[str]) -> list[Exercise]:
    """The exercises for these slugs, in order; unknown slugs are refused by name.

    A slug may carry the reps a plan chose, as ``glute-bridge:9`` (double progression): the
    exercise then comes with that many reps per set."""
    if not slugs:
        raise ValidationError("Choose at least one exercise to play.", code="empty")
    if len(slugs) > MAX_ITEMS:
        raise ValidationError(
            f"A routine holds up to {MAX_ITEMS} exercises; this one has {len(slugs)}.",
            code="long",
        )
    library = load_exercises()
    parsed = [_token(token) for token in slugs]
    unknown = [slug for slug, _, _ in parsed if slug not in library]
    if unknown:
        raise ValidationError(
            f"No exercise called {', '.join(_shown(s) for s in unknown[:3])} in the library.",
            code="unknown",
        )
    chosen = []
    for slug, reps, dose in parsed:
        exercise = library[slug]
        if dose is not None:  # a physio's dose, whole (physio/doc.py)
            sets, reps_given, hold, per_side = dose
            exercise = replace(
                exercise,
                dose=replace(
                    exercise.dose,
                    sets=sets,
                    reps=reps_given,
                    hold_seconds=hold,
                    per_side=per_side,
                ),
            )
        elif reps is not None:
            if not exercise.dose.reps:
                raise ValidationError(f"{exercise.name} is a hold, not reps.", code="reps")
            exercise = replace(exercise, dose=replace(exercise.dose, reps=reps))
        chosen.append(exercise)
    return chosen


def _shown(slug: str) -> str:
    """A slug as sent, quoted, and cut short: a message never repeats 100 kB back."""
    return repr(slug if len(slug) <= 40 else slug[:40] + "…")


Whole = tuple[int, int, int, bool]  # sets, reps, hold seconds, each side


def _whole_dose(slug: str, given: str) -> Whole:
    """``sets.reps.hold.side`` (``3.10.0.1``): a dose set whole, as a physio gives it."""
    parts = given.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdecimal() and len(p) <= 3 for p in parts):
        raise ValidationError(
            f"The dose for {_shown(slug)} is four whole numbers: sets.reps.hold.side.", code="dose"
        )
    sets, reps, hold, side = (int(p) for p in parts)
    if not (1 <= sets <= 10 and reps <= 50 and hold <= 180 and side in (0, 1) and (reps or hold)):
        raise ValidationError(
            f"The dose for {_shown(slug)} is outside what knotless plays: 1-10 sets, up to 50 "
            "reps or a hold up to 180 s.",
            code="dose",
        )
    if reps and hold and reps * hold > SET_SECONDS_MAX:
        raise ValidationError(
            f"The dose for {_shown(slug)} holds {hold} s for each of {reps} reps; a set can last "
            f"at most {SET_SECONDS_MAX // 60} minutes.",
            code="dose",
        )
    return sets, reps, hold, bool(side)


def _token(token: str) -> tuple[str, int | None, Whole | None]:
    slug, sep, given = token.partition("~")
    if sep:
        return slug, None, _whole_dose(slug, given)
    slug, sep, reps = token.partition(":")
    if not sep:
        return slug, None, None
    # The length first: int() refuses 5,000 digits with an error of its own.
    if (
        not reps.isascii()
        or not reps.isdecimal()
        or len(reps) > 4
        or not 1 <= int(reps) <= REPS_RANGE[1]
    ):
        raise ValidationError(
            f"Reps for {_shown(slug)} are a whole number from 1 to {REPS_RANGE[1]}.", code="reps"
        )
    return slug, int(reps), None


def token_for(exercise: Exercise) -> str:
    """The routine token that plays ``exercise`` with its dose (see :func:`routine`)."""
    base = load_exercises()[exercise.slug]
    d, b = exercise.dose, base.dose
    if (d.sets, d.hold_seconds, d.per_side, bool(d.reps)) != (
        b.sets,
        b.hold_seconds,
        b.per_side,
        bool(b.reps),
    ):
        return f"{exercise.slug}~{d.sets}.{d.reps}.{d.hold_seconds}.{int(d.per_side)}"
    if exercise.dose.reps and exercise.dose.reps != base.dose.reps:
        return f"{exercise.slug}:{exercise.dose.reps}"
    return exercise.slug


class KnotLike(Protocol):
    @property
    def muscle(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def side(self) -> str: ...


def knot_sides(exercise: Exercise, knots: Iterable[KnotLike]) -> tuple[str, ...]:
    """The sides of the knots an exercise aims at: the knot's muscle is one of its primary
    targets, or (a knot naming no muscle) it sits where a primary target sends its pain."""
    muscles = load_muscles()
    zones = {zone for slug in exercise.primary for zone in muscles[slug].zones}
    return tuple(
        sorted(
            {
                knot.side
                for knot in knots
                if knot.muscle in exercise.primary or (not knot.muscle and knot.region in zones)
            }
        )
    )


def script(exercises: Iterable[Exercise], knots: Iterable[KnotLike] = ()) -> list[Step]:
    """The one sequence every player follows; ``knots`` (the user's active ones) decide which
    side comes first, or alone (see ``lib.sequence.sides_for``)."""
    knots = list(knots)
    return build(
        [
            Item(
                e.slug,
                e.name,
                e.dose,
                e.cues[0] if e.cues else "",
                kind=e.kind,
                knot_sides=knot_sides(e, knots),
                seconds_per_rep=e.seconds_per_rep,
            )
            for e in exercises
        ]
    )


def active_knots(user: Any) -> list[Knot]:
    return list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))


def counts_as_done(session: Session) -> bool:
    """Whether a saved session counts toward the day and the week: at least half its script
    was played.

    Played seconds are script seconds (a set ended with "Done" counts in full), so a quick pace
    is not held against anyone, while a stop after a few seconds, or skipping through most of
    it, does not count. Time rather than exercises reached, because one long release can be
    most of a routine, and a stop during the first of two exercises is not "most of it"."""
    return played_enough(session.status, session.planned_seconds, session.played_seconds)


def played_enough(status: str, planned_seconds: int, played_seconds: int) -> bool:
    """:func:`counts_as_done` from a session's columns, for pages that read them as values."""
    if status == Session.Status.STARTED:
        return False
    if not planned_seconds:
        return status == Session.Status.FINISHED
    return played_seconds * 2 >= planned_seconds


def targets(exercises: Iterable[Exercise]) -> set[str]:
    found: set[str] = set()
    for exercise in exercises:
        found.update(exercise.primary + exercise.secondary)
    return found


def targeted_knots(user: Any, exercises: Sequence[Exercise]) -> list[Knot]:
    """The user's active knots these exercises work on (the rule is the safety gate's own,
    :func:`knotless.safety.policy.targeted`, so the player rates the knots the gate judged)."""
    return targeted(exercises, active_knots(user))


def _pain_or_none(value: int | None) -> int | None:
    return None if value is None else check_pain(value)


@transaction.atomic
def start(
    user: Any,
    slugs: Sequence[str],
    *,
    before: Mapping[int, int | None],
    source: str = Session.Source.WEB,
    now: datetime | None = None,
    token: str = "",
    client_id: uuid.UUID | None = None,
) -> Session:
    """Open a session for these exercises with the knots' pain before playing.

    ``before`` maps knot ids (the user's active knots) to a 0-10 rating, or None for "not
    rated"; a knot left out is not part of the session. A ``token`` already used by this user
    returns that session instead of opening another (double clicks, the back button)."""
    exercises = routine(slugs)
    # The form's token is URL-safe base64; anything else was not made by the form, and a NUL
    # would reach PostgreSQL, which refuses it with an error.
    if token and not START_TOKEN.fullmatch(token):
        raise ValidationError(
            "This start form was damaged on the way; open the exercises again.", code="token"
        )
    if token:
        existing = Session.objects.filter(user=user, token=token).first()
        if existing is not None:
            return existing
    knots = {k.pk: k for k in Knot.objects.filter(user=user, pk__in=list(before))}
    for knot_id in before:
        if knot_id not in knots or not knots[knot_id].is_active:
            raise ValidationError("That knot is not one of your active knots.", code="knot")
    steps = script(exercises, active_knots(user))
    try:
        with transaction.atomic():  # a savepoint: a racing twin may have taken the token
            session = Session.objects.create(
                user=user,
                started_at=now or timezone.now(),
                source=source,
                planned_seconds=total_seconds(steps),
                token=token,
                client_id=client_id,
            )
    except IntegrityError:
        return Session.objects.get(user=user, token=token)
    library = load_exercises()
    SessionExercise.objects.bulk_create(
        SessionExercise(
            session=session,
            position=n,
            slug=e.slug,
            reps=e.dose.reps if e.dose.reps != library[e.slug].dose.reps else None,
        )
        for n, e in enumerate(exercises)
    )
    SessionKnot.objects.bulk_create(
        SessionKnot(session=session, knot=knots[k], pain_before=_pain_or_none(p))
        for k, p in before.items()
    )
    touch(user.pk)
    return session


def session_for(user: Any, session_id: int) -> Session:
    try:
        return Session.objects.get(pk=session_id, user=user)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


def exercises_of(session: Session) -> list[Exercise]:
    library = load_exercises()
    # An exercise renamed away from the library since is skipped rather than crashing a page.
    chosen = []
    for row in session.exercises.all():
        if row.slug not in library:
            continue
        exercise = library[row.slug]
        if row.reps:
            exercise = replace(exercise, dose=replace(exercise.dose, reps=row.reps))
        chosen.append(exercise)
    return chosen


def _locked(user: Any, session_id: int) -> Session:
    """The user's session, locked for the change; 404 for anyone else's or none."""
    try:
        return Session.objects.select_for_update().get(pk=session_id, user=user)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


SETS_DONE_MAX = 20
REPS_DONE_MAX = 100


@transaction.atomic
def finish(
    user: Any,
    session_id: int,
    *,
    after: Mapping[int, int | None],
    verdicts: Mapping[int, str],
    played_seconds: int,
    stopped: bool = False,
    note: str = "",
    now: datetime | None = None,
    reached: int | None = None,
    done: Mapping[int, tuple[int | None, int | None]] | None = None,
) -> Session:
    """Close an open session with the pain after, a verdict per exercise (by position:
    "helped", "neutral", "hurt" or "" for no answer) and how long was played.

    ``reached`` is how many exercises, from the first, were played at all (None: every one);
    the rest get no verdict. ``done`` maps the position of a reached rep exercise to the
    (sets, reps per set) the person says they did."""
    session = _locked(user, session_id)
    if not session.is_open:
        raise ValidationError("This session is already saved.", code="closed")
    rows = {row.knot_id: row for row in session.knots.all()}
    for knot_id, pain in after.items():
        if knot_id not in rows:
            raise ValidationError("That knot is not part of this session.", code="knot")
        rows[knot_id].pain_after = _pain_or_none(pain)
    SessionKnot.objects.bulk_update(rows.values(), ["pain_after"])
    choices = set(SessionExercise.Verdict.values) | {""}
    items = {row.position: row for row in session.exercises.all()}
    reached = len(items) if reached is None else reached
    if isinstance(reached, bool) or not isinstance(reached, int) or not 0 <= reached <= len(items):
        raise ValidationError("The number of exercises reached is out of range.", code="reached")
    for position, verdict in verdicts.items():
        if position not in items:
            raise ValidationError("That exercise is not part of this session.", code="item")
        if verdict not in choices:
            raise ValidationError("Say helped, neutral or hurt.", code="verdict")
        if verdict and position >= reached:
            raise ValidationError("An exercise you did not get to has no verdict.", code="verdict")
        items[position].verdict = verdict
    library = load_exercises()
    for position, (sets, reps) in (done or {}).items():
        row = items.get(position)
        if row is None or position >= reached:
            raise ValidationError("That exercise was not played in this session.", code="item")
        if row.slug not in library or not library[row.slug].dose.reps:
            raise ValidationError("Only rep exercises are counted in sets.", code="done")
        for value, top, what in ((sets, SETS_DONE_MAX, "Sets"), (reps, REPS_DONE_MAX, "Reps")):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top
            ):
                raise ValidationError(f"{what} done are a whole number from 0 to {top}.", "done")
        row.sets_done, row.reps_done = sets, reps
    for position, row in items.items():
        row.reached = position < reached
        if not row.reached:
            row.verdict, row.sets_done, row.reps_done = "", None, None
    SessionExercise.objects.bulk_update(
        items.values(), ["verdict", "reached", "sets_done", "reps_done"]
    )
    touch(session.user_id)
    if isinstance(played_seconds, bool) or not isinstance(played_seconds, int):
        raise ValidationError("Played time must be whole seconds.", code="played")
    session.played_seconds = max(0, min(played_seconds, session.planned_seconds))
    session.status = Session.Status.STOPPED if stopped else Session.Status.FINISHED
    session.ended_at = now or timezone.now()
    session.note = check_note(note)
    session.save()
    # A played routine is training too: its minutes and the reps done reach the training log.
    from knotless.training.services import from_player

    from_player(session)
    return session


@transaction.atomic
def discard(user: Any, session_id: int) -> None:
    """Delete a session that was started but never saved."""
    session = _locked(user, session_id)
    if not session.is_open:
        raise ValidationError("A saved session stays in your history.", code="closed")
    session.delete()


@dataclass(frozen=True, slots=True)
class KnotSession:
    """A finished session a knot took part in, with its ratings, for the knot page's list."""

    session_id: int
    started_at: datetime
    before: int | None
    after: int | None


def knot_sessions(knot: Knot, limit: int = 20) -> list[KnotSession]:
    """The finished sessions this knot took part in, newest first. Filtered by the person too,
    which changes nothing but lets PostgreSQL read their sessions by the (user, start) index
    instead of scanning everyone's (11 ms -> 2 ms at 100 people, growing with their number).
    Read as values: the knot page drew twenty model pairs to show four columns."""
    return [
        KnotSession(*values)
        for values in SessionKnot.objects.filter(knot=knot, session__user_id=knot.user_id)
        .exclude(session__status=Session.Status.STARTED)
        .order_by("-session__started_at")
        .values_list("session_id", "session__started_at", "pain_before", "pain_after")[:limit]
    ]


@dataclass(frozen=True, slots=True)
class SessionMark:
    """A knot's pain just before and just after a session, for its chart and table."""

    session_id: int
    moment: datetime  # when the session started (aware)
    before: int | None
    after: int | None


def _marked(knot: Knot) -> Any:
    return (
        SessionKnot.objects.filter(knot=knot, session__user_id=knot.user_id)  # see knot_sessions
        .exclude(session__status=Session.Status.STARTED)
        .exclude(pain_before__isnull=True, pain_after__isnull=True)
    )


def session_marks(knot: Knot) -> list[SessionMark]:
    """Every saved session's before/after rating of this knot, oldest first."""
    return [
        SessionMark(session_id, moment, before, after)
        for session_id, moment, before, after in _marked(knot)
        .order_by("session__started_at", "session_id")
        .values_list("session_id", "session__started_at", "pain_before", "pain_after")
    ]


def exercises_for_knot(knot: Knot, limit: int = 6) -> list[Exercise]:
    """Exercises for the knot's muscle, or for the muscles that send pain where it sits."""
    if knot.muscle:
        return exercises_for([knot.muscle], limit=limit)
    near = [m.slug for m in load_muscles().values() if knot.region in m.essential]
    return exercises_for(near, limit=limit)
