"""What a person has done and said about each exercise, read once for the day's first plan.

The plan needs the whole history: how often an exercise helped, when it last hurt, and every
outing of each strength exercise, in the player and in the training log (double progression
replays them all). Read afresh, that grows with every session played and every workout logged:
two years of daily routines are 626 sessions and 2,250 exercises, two years of gym work three
days a week 1,565 lifts.

So what the settled sessions and workouts (those that started more than :data:`SETTLED` ago) add
up to is kept in a checkpoint (:class:`~knotless.practice.models.DoneCheckpoint`), and each first
plan reads only the sessions and workouts since. The checkpoint is trusted only while the settled
ones are still those it was made from: the number of sessions and of workouts and the sums of
their revisions, which the database moves with every write to a session, its exercises or its
ratings (migration ``practice/0010``) and to a workout or its exercises (``training/0006``),
however it was written. A verdict changed a month later, a lift's pain corrected, a session or
workout deleted or imported with an old date, another time zone or another exercise library: the
sums or the key differ, and the checkpoint is made again from the whole history. The answer is
the same either way (``tests/practice/test_done_checkpoint.py`` compares the two after random
writes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from knotless.lib import planner
from knotless.lib.days import moment_from_text
from knotless.library.exercises import load_exercises
from knotless.practice.models import DoneCheckpoint, Session, SessionExercise
from knotless.revisions import SUMMED_REVISION
from knotless.training.models import Entry, Workout

# Session ids per query: keeps each statement short on every database.
BATCH = 900
# Sessions this old are settled: a verdict given later than this (rare) makes the checkpoint
# be built again, not wrong.
SETTLED = timedelta(hours=48)
HELPED, HURT = SessionExercise.Verdict.HELPED, SessionExercise.Verdict.HURT
# The checkpoint's layout: a checkpoint of another is made again.
FORMAT = 2
SEPARATOR = "\x1f"  # between a checkpoint's verdicts (the unit separator: never in one)
_TABLE = Session._meta.db_table
_WORKOUTS, _ENTRIES = Workout._meta.db_table, Entry._meta.db_table
_CUTOFF = f"(SELECT cutoff FROM {DoneCheckpoint._meta.db_table} WHERE user_id = %s)"
# What a person's settled sessions and workouts add up to now: their numbers and summed
# revisions, read from the indexes alone on PostgreSQL (practice/0012, training/0007).
SETTLED_SESSIONS = (
    f"SELECT COUNT(*) AS n, COALESCE(SUM({SUMMED_REVISION}), 0) AS r FROM {_TABLE}"
    f" WHERE user_id = %s AND status <> %s AND started_at < {_CUTOFF}"
)
SETTLED_WORKOUTS = (
    f"SELECT COUNT(*) AS n, COALESCE(SUM({SUMMED_REVISION}), 0) AS r FROM {_WORKOUTS}"
    f" WHERE user_id = %s AND started_at < {_CUTOFF}"
)
# The checkpoint and those sums, in one query.
_CHECKPOINT = (
    "SELECT key, CAST(cutoff AS TEXT) AS cut, sessions, revisions, workouts, workout_revisions,"
    " summary, now.n, now.r, logged.n, logged.r"
    f" FROM {DoneCheckpoint._meta.db_table} kept,"
    f" ({SETTLED_SESSIONS}) now, ({SETTLED_WORKOUTS}) logged WHERE kept.user_id = %s"
)
_SESSIONS = (
    f"SELECT id, CAST(started_at AS TEXT) AS started, {SUMMED_REVISION} AS revision FROM {_TABLE}"
    " WHERE user_id = %s AND status <> %s{since}"
    " ORDER BY started_at, id"
)
# Exercises that carry a verdict or are strength work (their double progression replays every
# session); one not reached, in a stopped session, was not done.
_EXERCISES = f"""
SELECT session_id, position, slug, verdict FROM {SessionExercise._meta.db_table}
 WHERE session_id {{among}} AND reached AND (verdict IN (%s, %s) OR slug IN ({{strong}}))"""
# The training log's workouts: every one is counted, but only those not made by the player (the
# plan reads those sessions above) have their library exercises read.
_LOGGED = (
    f"SELECT id, CAST(started_at AS TEXT) AS started, {SUMMED_REVISION} AS revision, day,"
    f" practice_session_id IS NULL AS own FROM {_WORKOUTS}"
    " WHERE user_id = %s{since} ORDER BY started_at, id"
)
_LIFTS = f"""
SELECT workout_id, position, slug, pain_during, next_morning FROM {_ENTRIES}
 WHERE workout_id {{among}} AND slug <> ''"""


@cache
def _strong() -> tuple[str, ...]:
    return tuple(sorted(slug for slug, e in load_exercises().items() if e.kind == "strength"))


@cache
def _library_print() -> str:
    """What a summary depends on in the library: which exercises it has (the training log's
    lifts of others are left out) and which of them are strength work."""
    slugs = "|".join(sorted(load_exercises()))
    strong = "|".join(_strong())
    return hashlib.blake2s(f"{slugs}/{strong}".encode(), digest_size=8).hexdigest()


Outings = dict[str, tuple[list[int], list[str]]]


def _joined(outings: Outings) -> dict[str, list[Any]]:
    found = {}
    for slug, (days, verdicts) in outings.items():
        joined = SEPARATOR.join(verdicts)
        # A verdict written by hand with the separator in it is kept as a list instead.
        exact = joined.count(SEPARATOR) == len(verdicts) - 1
        found[slug] = [days, joined if exact else verdicts]
    return found


def _split(kept: dict[str, list[Any]]) -> Outings:
    return {
        slug: (days, verdicts.split(SEPARATOR) if isinstance(verdicts, str) else verdicts)
        for slug, (days, verdicts) in kept.items()
    }


@dataclass
class Summary:
    """What some sessions and workouts add up to, per exercise slug: [helped, hurt] verdicts,
    the day (as an ordinal) of the latest session in which it hurt, and each strength outing in
    order, in the player (``outings``) and in the training log (``logged``): the days
    (ordinals) and the verdicts, as two lists. Kept as JSON with the verdicts joined into one
    string: a person's two years then read back in a fraction of the time a list of pairs
    took."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    last_hurt: dict[str, int] = field(default_factory=dict)
    outings: Outings = field(default_factory=dict)
    logged: Outings = field(default_factory=dict)

    def add(self, slug: str, day: int, verdict: str, strength: bool) -> None:
        if verdict in (HELPED, HURT):
            self.counts.setdefault(slug, [0, 0])[verdict == HURT] += 1
            if verdict == HURT and day > self.last_hurt.get(slug, 0):
                self.last_hurt[slug] = day
        if strength:
            days, verdicts = self.outings.setdefault(slug, ([], []))
            days.append(day)
            verdicts.append(verdict)

    def log(self, slug: str, day: int, verdict: str) -> None:
        """A lift of the training log."""
        days, verdicts = self.logged.setdefault(slug, ([], []))
        days.append(day)
        verdicts.append(verdict)

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "last_hurt": self.last_hurt,
            "outings": _joined(self.outings),
            "logged": _joined(self.logged),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        return cls(
            data["counts"], data["last_hurt"], _split(data["outings"]), _split(data["logged"])
        )


@dataclass
class Tally:
    """The settled sessions and workouts a checkpoint sums: their numbers and revisions."""

    sessions: int = 0
    revisions: int = 0
    workouts: int = 0
    workout_revisions: int = 0


def _since(
    query: str, user: Any, since: datetime | None, params: list[Any]
) -> tuple[str, list[Any]]:
    where, params = "", [user.pk, *params]
    if since is not None:
        where = " AND started_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    return query.format(since=where), params


def _sessions(cursor: Any, user: Any, since: datetime | None) -> list[tuple[int, datetime, int]]:
    """The person's sessions (from ``since`` on), oldest first: id, start, revision as summed."""
    cursor.execute(*_since(_SESSIONS, user, since, [Session.Status.STARTED]))
    return [(pk, moment_from_text(at), int(rev)) for pk, at, rev in cursor.fetchall()]


def _workouts(
    cursor: Any, user: Any, since: datetime | None
) -> list[tuple[int, datetime, int, int, bool]]:
    """The person's workouts (from ``since`` on), oldest first: id, start, revision as summed,
    day (as an ordinal), and whether it was logged rather than made by the player."""
    cursor.execute(*_since(_LOGGED, user, since, []))
    return [
        (
            pk,
            moment_from_text(at),
            int(rev),
            (day if isinstance(day, date) else date.fromisoformat(day)).toordinal(),
            bool(own),
        )
        for pk, at, rev, day, own in cursor.fetchall()
    ]


def _by_ids(cursor: Any, query: str, ids: list[int], params: list[Any]) -> list[tuple[Any, ...]]:
    """``query``'s rows for rows of these ids, a batch at a time."""
    # By the person's own ids: PostgreSQL then reads their rows by the (parent, position)
    # index, where a join or a subquery made it scan everyone's. The ids are written into the
    # query (integers read just above): as parameters, the ORM spent longer preparing 600 of
    # them than the database spent on the query. On PostgreSQL they go as one array: planning
    # a list of 600 numbers cost 0.9 ms.
    rows = []
    for first in range(0, len(ids), BATCH):
        batch = ",".join(str(int(pk)) for pk in ids[first : first + BATCH])
        among = (
            f"= ANY('{{{batch}}}'::bigint[])"
            if connection.vendor == "postgresql"
            else f"IN ({batch})"
        )
        cursor.execute(query.format(among=among), params)
        rows += cursor.fetchall()
    return rows


def _exercises(cursor: Any, ids: list[int]) -> list[tuple[int, int, str, str]]:
    """Those sessions' exercises with a verdict or of strength work."""
    strong = _strong()
    listed = ", ".join(["%s"] * len(strong)) or "NULL"
    query = _EXERCISES.format(among="{among}", strong=listed)
    return _by_ids(cursor, query, ids, [HELPED, HURT, *strong])


def _checkpoint(cursor: Any, user: Any, key: str) -> tuple[datetime, Tally, Summary] | None:
    """The person's checkpoint (cutoff, what it sums, summary), if it was made for this key and
    its sessions and workouts are unchanged: one query reads it and sums them now."""
    pk = user.pk
    cursor.execute(_CHECKPOINT, [pk, Session.Status.STARTED, pk, pk, pk, pk])
    found = cursor.fetchone()
    if found is None:
        return None
    kept_key, cutoff, *sums, summary, sessions, revisions, workouts, workout_revisions = found
    tally = Tally(*sums)
    now = Tally(sessions, int(revisions), workouts, int(workout_revisions))
    if kept_key != key or tally != now:
        return None
    data = summary if isinstance(summary, dict) else json.loads(summary)
    return moment_from_text(cutoff), tally, Summary.from_json(data)


def _store(user: Any, key: str, cutoff: datetime, tally: Tally, data: Summary) -> None:
    """Write the checkpoint in one statement (an upsert: two requests at once both succeed,
    and either checkpoint is a true one)."""
    fields = ["sessions", "revisions", "workouts", "workout_revisions"]
    DoneCheckpoint.objects.bulk_create(
        [
            DoneCheckpoint(
                user=user,
                key=key,
                cutoff=cutoff,
                summary=data.as_json(),
                **{name: getattr(tally, name) for name in fields},
            )
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["key", "cutoff", *fields, "summary"],
    )


def _sorted_into(
    rows: Iterable[tuple[int, datetime, int, int]],
    cutoff: datetime,
    settled: Summary,
    recent: Summary,
) -> tuple[dict[int, Summary], dict[int, int], dict[int, int], int, int]:
    """Sessions or workouts (id, start, revision, day), oldest first: the summary each goes into
    (the settled one before ``cutoff``), its place and its day; and how many settled, and the sum
    of their revisions."""
    into: dict[int, Summary] = {}
    order: dict[int, int] = {}
    day: dict[int, int] = {}
    count = summed = 0
    for place, (pk, moment, revision, on) in enumerate(rows):
        order[pk], day[pk] = place, on
        if moment < cutoff:
            into[pk] = settled
            count += 1
            summed += revision
        else:
            into[pk] = recent
    return into, order, day, count, summed


def done_history(
    user: Any, zone: ZoneInfo
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """Per exercise: what the user said about it, and (for strength) when it was done, in the
    player or in the training log.

    Read from the person's own sessions and workouts outward, by their (user, start) indexes,
    then only those sessions' exercises that carry a verdict or are strength work, and those
    workouts' library exercises. Sessions and workouts already summed in a valid checkpoint
    are not read again; those that have settled since are added to it."""
    from knotless.training.planning import lift_verdict

    library = load_exercises()
    key = f"{FORMAT}|{zone.key}|{_library_print()}"
    cutoff = (timezone.now() - SETTLED).replace(microsecond=0)
    with connection.cursor() as cursor:
        kept = _checkpoint(cursor, user, key)
        since, tally, settled = kept or (None, Tally(), Summary())
        sessions = _sessions(cursor, user, since)
        rows = _exercises(cursor, [pk for pk, _, _ in sessions])
        workouts = _workouts(cursor, user, since)
        lifts = _by_ids(cursor, _LIFTS, [w[0] for w in workouts if w[4]], [])
    # Sessions and workouts that have settled since the checkpoint are summed into it; newer
    # ones apart.
    new_cutoff = max(cutoff, since) if since is not None else cutoff
    recent = Summary()
    into, order, day, folded, summed = _sorted_into(
        ((pk, at, rev, at.astimezone(zone).date().toordinal()) for pk, at, rev in sessions),
        new_cutoff,
        settled,
        recent,
    )
    tally.sessions, tally.revisions = tally.sessions + folded, tally.revisions + summed
    strong = set(_strong())
    for session_id, _, slug, verdict in sorted(rows, key=lambda r: (order[r[0]], r[1])):
        into[session_id].add(slug, day[session_id], verdict, slug in strong and slug in library)
    into, order, day, logged, summed = _sorted_into(
        (w[:4] for w in workouts), new_cutoff, settled, recent
    )
    tally.workouts, tally.workout_revisions = (
        tally.workouts + logged,
        tally.workout_revisions + summed,
    )
    for workout_id, _, slug, pain, morning in sorted(lifts, key=lambda r: (order[r[0]], r[1])):
        if slug in library:
            into[workout_id].log(slug, day[workout_id], lift_verdict(pain, morning))
    folded += logged
    if kept is None or folded:
        _store(user, key, new_cutoff, tally, settled)
    return _combined(settled, recent)


def _combined(
    settled: Summary, recent: Summary
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """The settled and the recent sessions and workouts together."""
    feedback = {}
    for slug in settled.counts.keys() | recent.counts.keys():
        old, new = settled.counts.get(slug, (0, 0)), recent.counts.get(slug, (0, 0))
        hurt_on = max(settled.last_hurt.get(slug, 0), recent.last_hurt.get(slug, 0))
        feedback[slug] = planner.Feedback(
            helped=old[0] + new[0],
            hurt=old[1] + new[1],
            last_hurt=date.fromordinal(hurt_on) if hurt_on else None,
        )
    strength: dict[str, list[tuple[date, str]]] = {}
    # The settled ones first (the days come in order), the player's, then the training log's.
    for part in (settled.outings, recent.outings, settled.logged, recent.logged):
        for slug, (days, verdicts) in part.items():
            strength.setdefault(slug, []).extend(
                zip(map(date.fromordinal, days), verdicts, strict=True)
            )
    for slug in settled.logged.keys() | recent.logged.keys():  # the log's days among the player's
        strength[slug].sort(key=itemgetter(0))
    return feedback, strength
