"""What a person has done and said about each exercise, read once for the day's first plan.

The plan needs the whole history: how often an exercise helped, when it last hurt, and every
outing of each strength exercise (double progression replays them all). Read afresh, that grows
with every session played: two years of daily routines are 626 sessions and 2,250 exercises.

So what the settled sessions (those that started more than :data:`SETTLED` ago) add up to is kept
in a checkpoint (:class:`~knotless.practice.models.DoneCheckpoint`), and each first plan reads
only the sessions since. The checkpoint is trusted only while the settled sessions are still the
ones it was made from: their number and the sum of their revisions, which the database moves with
every write to a session, its exercises or its ratings, however it was written (migration
``practice/0010``). A verdict changed a month later, a session deleted or imported with an old
date, another time zone or another exercise library: the sums or the key differ, and the
checkpoint is made again from the whole history. The answer is the same either way
(``tests/practice/test_done_checkpoint.py`` compares the two after random writes).
"""

from __future__ import annotations

import hashlib
import json
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

# Session ids per query: keeps each statement short on every database.
BATCH = 900
# Sessions this old are settled: a verdict given later than this (rare) makes the checkpoint
# be built again, not wrong.
SETTLED = timedelta(hours=48)
HELPED, HURT = SessionExercise.Verdict.HELPED, SessionExercise.Verdict.HURT
# The checkpoint's layout: a checkpoint of another is made again.
FORMAT = 1
SEPARATOR = "\x1f"  # between a checkpoint's verdicts (the unit separator: never in one)
# A session's revision as summed: 32 of its random bits (PostgreSQL's random revisions have
# zeros in their lowest bits), small enough that SQLite sums thousands without overflow.
_REVISION = "((revision / 1024) %% 4294967296)"  # written for a query with parameters
_TABLE = Session._meta.db_table
# The checkpoint, and what its settled sessions add up to now (their number and summed
# revisions, read from the index alone on PostgreSQL: migration 0012), in one query.
_CHECKPOINT = (
    "SELECT key, CAST(cutoff AS TEXT) AS cut, sessions, revisions, summary, now.n, now.r"
    f" FROM {DoneCheckpoint._meta.db_table} kept,"
    f" (SELECT COUNT(*) AS n, COALESCE(SUM({_REVISION}), 0) AS r FROM {_TABLE}"
    "   WHERE user_id = %s AND status <> %s AND started_at <"
    f"   (SELECT cutoff FROM {DoneCheckpoint._meta.db_table} WHERE user_id = %s)) now"
    " WHERE kept.user_id = %s"
)
_SESSIONS = (
    f"SELECT id, CAST(started_at AS TEXT) AS started, {_REVISION} AS revision FROM {_TABLE}"
    " WHERE user_id = %s AND status <> %s{since}"
    " ORDER BY started_at, id"
)
# Exercises that carry a verdict or are strength work (their double progression replays every
# session); one not reached, in a stopped session, was not done.
_EXERCISES = f"""
SELECT session_id, position, slug, verdict FROM {SessionExercise._meta.db_table}
 WHERE session_id {{among}} AND reached AND (verdict IN (%s, %s) OR slug IN ({{strong}}))"""


@cache
def _strong() -> tuple[str, ...]:
    return tuple(sorted(slug for slug, e in load_exercises().items() if e.kind == "strength"))


@cache
def _library_print() -> str:
    """What a summary depends on in the library: which exercises are strength work."""
    return hashlib.blake2s("|".join(_strong()).encode(), digest_size=8).hexdigest()


@dataclass
class Summary:
    """What some sessions add up to, per exercise slug: [helped, hurt] verdicts, the day (as an
    ordinal) of the latest session in which it hurt, and each strength outing in order: the
    days (ordinals) and the verdicts, as two lists. Kept as JSON with the verdicts joined into
    one string: a person's two years then read back in a fraction of the time a list of pairs
    took."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    last_hurt: dict[str, int] = field(default_factory=dict)
    outings: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)

    def add(self, slug: str, day: int, verdict: str, strength: bool) -> None:
        if verdict in (HELPED, HURT):
            self.counts.setdefault(slug, [0, 0])[verdict == HURT] += 1
            if verdict == HURT and day > self.last_hurt.get(slug, 0):
                self.last_hurt[slug] = day
        if strength:
            days, verdicts = self.outings.setdefault(slug, ([], []))
            days.append(day)
            verdicts.append(verdict)

    def as_json(self) -> dict[str, Any]:
        outings = {}
        for slug, (days, verdicts) in self.outings.items():
            joined = SEPARATOR.join(verdicts)
            # A verdict written by hand with the separator in it is kept as a list instead.
            exact = joined.count(SEPARATOR) == len(verdicts) - 1
            outings[slug] = [days, joined if exact else verdicts]
        return {"counts": self.counts, "last_hurt": self.last_hurt, "outings": outings}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        outings = {
            slug: (days, verdicts.split(SEPARATOR) if isinstance(verdicts, str) else verdicts)
            for slug, (days, verdicts) in data["outings"].items()
        }
        return cls(data["counts"], data["last_hurt"], outings)


def _sessions(cursor: Any, user: Any, since: datetime | None) -> list[tuple[int, datetime, int]]:
    """The person's sessions (from ``since`` on), oldest first: id, start, revision as summed."""
    where, params = "", [user.pk, Session.Status.STARTED]
    if since is not None:
        where = " AND started_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    cursor.execute(_SESSIONS.format(since=where), params)
    return [(pk, moment_from_text(at), int(rev)) for pk, at, rev in cursor.fetchall()]


def _exercises(cursor: Any, ids: list[int]) -> list[tuple[int, int, str, str]]:
    """Those sessions' exercises with a verdict or of strength work."""
    # By the person's session ids, a batch at a time: PostgreSQL then reads their exercises
    # by the (session, position) index, where a join or a subquery made it scan everyone's.
    # The ids are written into the query (integers read just above): as parameters, the
    # ORM spent longer preparing 600 of them than the database spent on the query.
    # On PostgreSQL they go as one array: planning a list of 600 numbers cost 0.9 ms.
    strong = _strong()
    listed = ", ".join(["%s"] * len(strong)) or "NULL"
    rows = []
    for first in range(0, len(ids), BATCH):
        batch = ",".join(str(int(pk)) for pk in ids[first : first + BATCH])
        among = (
            f"= ANY('{{{batch}}}'::bigint[])"
            if connection.vendor == "postgresql"
            else f"IN ({batch})"
        )
        cursor.execute(_EXERCISES.format(among=among, strong=listed), [HELPED, HURT, *strong])
        rows += cursor.fetchall()
    return rows


def _checkpoint(cursor: Any, user: Any, key: str) -> tuple[datetime, int, int, Summary] | None:
    """The person's checkpoint (cutoff, sessions, revisions, summary), if it was made for this
    key and its sessions are unchanged: one query reads it and sums the sessions now."""
    cursor.execute(_CHECKPOINT, [user.pk, Session.Status.STARTED, user.pk, user.pk])
    found = cursor.fetchone()
    if found is None:
        return None
    kept_key, cutoff, sessions, revisions, summary, count, now_revisions = found
    if kept_key != key or (sessions, revisions) != (count, int(now_revisions)):
        return None
    data = summary if isinstance(summary, dict) else json.loads(summary)
    return moment_from_text(cutoff), sessions, revisions, Summary.from_json(data)


def _store(
    user: Any, key: str, cutoff: datetime, sessions: int, revisions: int, data: Summary
) -> None:
    """Write the checkpoint in one statement (an upsert: two requests at once both succeed,
    and either checkpoint is a true one)."""
    DoneCheckpoint.objects.bulk_create(
        [
            DoneCheckpoint(
                user=user,
                key=key,
                cutoff=cutoff,
                sessions=sessions,
                revisions=revisions,
                summary=data.as_json(),
            )
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["key", "cutoff", "sessions", "revisions", "summary"],
    )


def done_history(
    user: Any, zone: ZoneInfo
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """Per exercise: what the user said about it, and (for strength) when it was done.

    Read from the person's own sessions outward: their sessions by the (user, start) index,
    then only those sessions' exercises that carry a verdict or are strength work. Sessions
    already summed in a valid checkpoint are not read again; those that have settled since are
    added to it."""
    library = load_exercises()
    key = f"{FORMAT}|{zone.key}|{_library_print()}"
    cutoff = (timezone.now() - SETTLED).replace(microsecond=0)
    with connection.cursor() as cursor:
        kept = _checkpoint(cursor, user, key)
        since, count, revisions, settled = kept or (None, 0, 0, Summary())
        sessions = _sessions(cursor, user, since)
        rows = _exercises(cursor, [pk for pk, _, _ in sessions])
    # Sessions that have settled since the checkpoint are summed into it; newer ones apart.
    new_cutoff = max(cutoff, since) if since is not None else cutoff
    recent = Summary()
    into: dict[int, Summary] = {}
    order: dict[int, int] = {}
    day: dict[int, int] = {}
    folded = 0
    for place, (pk, moment, revision) in enumerate(sessions):
        order[pk] = place
        day[pk] = moment.astimezone(zone).date().toordinal()
        if moment < new_cutoff:
            into[pk] = settled
            folded += 1
            count += 1
            revisions += revision
        else:
            into[pk] = recent
    strong = set(_strong())
    for session_id, _, slug, verdict in sorted(rows, key=lambda r: (order[r[0]], r[1])):
        into[session_id].add(slug, day[session_id], verdict, slug in strong and slug in library)
    if kept is None or folded:
        _store(user, key, new_cutoff, count, revisions, settled)
    return _combined(user, library, settled, recent)


def _combined(
    user: Any, library: dict[str, Any], settled: Summary, recent: Summary
) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """The settled and the recent sessions together, with the training log's strength work."""
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
    for part in (settled, recent):  # the settled ones first: the days come in order
        for slug, (days, verdicts) in part.outings.items():
            strength.setdefault(slug, []).extend(
                zip(map(date.fromordinal, days), verdicts, strict=True)
            )
    from knotless.training.planning import strength_entries

    logged_to = set()
    for slug, logged, verdict in strength_entries(user, set(library)):
        strength.setdefault(slug, []).append((logged, verdict))
        logged_to.add(slug)
    for slug in logged_to:  # the training log's days among the sessions'
        strength[slug].sort(key=itemgetter(0))
    return feedback, strength
