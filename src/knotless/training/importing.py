"""Bring training history in from Strong, Hevy or wger (``lib/importers`` reads the files).

Each workout gets a uid made from the person, the source, its start and its title, so importing
the same file twice (or a later export that overlaps) adds only what is new.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.accounts.services import user_zone
from knotless.lib import importers, setgrammar
from knotless.lib.importers.records import ImportedSet
from knotless.library.exercises import load_exercises
from knotless.training.models import MAX_MINUTES, Entry, OwnExercise, Workout, WorkSet
from knotless.training.services import MAX_ENTRIES, fold

NAMESPACE = uuid.UUID("4f1f6c8e-3a57-4f0e-9a43-6b1d2f0c9e21")
MAX_SETS_PER_ENTRY = setgrammar.MAX_SETS


@dataclass
class ImportReport:
    source: str
    workouts: int = 0
    already: int = 0  # workouts that were imported before
    entries: int = 0
    sets: int = 0
    matched: dict[str, str] = field(default_factory=dict)  # name in file -> library name
    own: list[str] = field(default_factory=list)  # names kept as the person's own
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _known() -> dict[str, list[str]]:
    return {
        slug: [e.name, slug.replace("-", " "), *e.aliases]
        for slug, e in load_exercises().items()
        if e.kind == "strength"
    }


def _work_set(s: ImportedSet) -> setgrammar.WorkSet | None:
    if s.reps is None or not 1 <= s.reps <= setgrammar.MAX_REPS:
        return None
    load = None
    if s.load_kg is not None:
        load = setgrammar.Load("kg", s.load_kg.quantize(Decimal("0.01")))
    effort = None
    if s.rpe is not None:
        halves = (s.rpe * 2).to_integral_value() / 2
        if 1 <= halves <= 10:
            effort = setgrammar.Effort("rpe", halves.quantize(Decimal("0.1")))
    return setgrammar.WorkSet(s.reps, load, effort)


def import_text(
    user: Any, text: str, names: dict[int, str] | None = None, *, weight_unit: str = "kg"
) -> ImportReport:
    """Read an export and store what is new. Raises ImportFormatError for an unusable file.
    ``weight_unit`` ("kg" or "lb") is for files that do not say (Strong's oldest layout)."""
    result = importers.read_any(text, names, weight_unit="lb" if weight_unit == "lb" else "kg")
    report = ImportReport(result.source, skipped=list(result.skipped))
    known = _known()
    library = load_exercises()
    zone = user_zone(user)
    workouts: dict[tuple[datetime, str], list[ImportedSet]] = defaultdict(list)
    for s in result.sets:
        workouts[(s.started_at, s.workout)].append(s)
    own_cache: dict[str, OwnExercise] = {}
    with transaction.atomic():
        for (started, title), rows in sorted(workouts.items(), key=lambda kv: kv[0][0]):
            moment = started if timezone.is_aware(started) else started.replace(tzinfo=zone)
            if moment > timezone.now():
                report.skipped.append((0, f"A workout on {started:%Y-%m-%d} is in the future."))
                continue
            uid = uuid.uuid5(NAMESPACE, f"{user.pk}|{result.source}|{started.isoformat()}|{title}")
            if Workout.objects.filter(user=user, uid=uid).exists():
                report.already += 1
                continue
            minutes = next((r.minutes for r in rows if r.minutes), None)
            seconds = sum(r.seconds or 0 for r in rows if r.reps is None)
            if minutes is None and seconds:
                minutes = max(1, round(seconds / 60))
            workout = Workout.objects.create(
                user=user,
                uid=uid,
                day=timezone.localtime(moment, zone).date(),
                started_at=moment,
                kind=Workout.Kind.STRENGTH,
                title=title[:80],
                minutes=min(minutes, MAX_MINUTES) if minutes else None,
                source=Workout.Source.IMPORT,
            )
            report.workouts += 1
            by_exercise: dict[str, list[ImportedSet]] = defaultdict(list)
            for r in rows:
                by_exercise[r.exercise].append(r)
            position = 0
            for name, done in by_exercise.items():
                lifted = [(r, w) for r in done if (w := _work_set(r)) is not None]
                if not lifted or position >= MAX_ENTRIES:
                    continue
                lifted = lifted[:MAX_SETS_PER_ENTRY]
                slug = importers.match_exercise(name, known)
                own = None
                if slug is None:
                    key = fold(name)[:80] or "exercise"
                    own = own_cache.get(key)
                    if own is None:
                        own, made = OwnExercise.objects.get_or_create(
                            user=user, key=key, defaults={"name": name.strip()[:80] or key}
                        )
                        own_cache[key] = own
                        if made:
                            report.own.append(own.name)
                else:
                    report.matched[name] = library[slug].name
                work = [w for r, w in lifted if r.kind != "warmup"] or [w for _, w in lifted]
                position += 1
                entry = Entry.objects.create(
                    workout=workout,
                    position=position,
                    slug=slug or "",
                    own=own,
                    sets_text=setgrammar.format_entry(setgrammar.Entry(tuple(work))),
                )
                WorkSet.objects.bulk_create(
                    WorkSet(
                        entry=entry,
                        order=n,
                        reps=w.reps,
                        load_kg=w.load.amount if w.load is not None else None,
                        rpe=w.effort.value if w.effort is not None else None,
                        warmup=r.kind == "warmup",
                    )
                    for n, (r, w) in enumerate(lifted, start=1)
                )
                report.entries += 1
                report.sets += len(lifted)
    touch(user.pk)
    return report
