"""Following a physio's programme, and stopping: the same steps for the web pages and the
terminal (``knotless physio``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.library.exercises import load_exercises
from knotless.physio import doc
from knotless.physio.models import Programme
from knotless.physio.plan import active


def follow(user: Any, made: doc.Doc) -> bool:
    """Follow ``made`` from now on; True when it ends a programme followed before."""
    with transaction.atomic():
        ended = Programme.objects.filter(user=user, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        Programme.objects.create(
            user=user,
            source=made.source,
            written=made.written,
            note=made.note,
            items=[i.as_dict() for i in made.items],
        )
        touch(user.pk)
    return bool(ended)


def stop(user: Any) -> Programme | None:
    """Stop following the programme followed now; the one stopped, or None when there was none."""
    programme = active(user)
    if programme is not None:
        programme.ended_at = timezone.now()
        programme.save(update_fields=["ended_at"])
    return programme


def held_back(user: Any, made: doc.Doc) -> dict[int, str]:
    """Per item (by its place in ``made``), why the person's safety answers keep it out of the
    plan; an item not listed will be planned. The plan's own rule (Inputs.allows)."""
    from knotless.practice.planning import gather

    inputs = gather(user)
    library = load_exercises()
    found: dict[int, str] = {}
    for n, item in enumerate(made.items):
        exercise = library.get(item.slug) if item.slug else None
        if inputs.emergency:
            found[n] = "held back: your safety answers call for medical help, not exercise"
        elif exercise is not None and not inputs.allows(exercise):
            found[n] = "held back while your safety answers say so"
    return found


def stored_items(programme: Programme) -> list[doc.Item]:
    """The programme's items as stored, leaving out any exercise since gone from the library
    (the plan says so)."""
    library = load_exercises()
    items = []
    for n, stored in enumerate(programme.items, 1):
        try:
            items.append(doc.item(stored, n, library))
        except doc.ProgrammeError:
            continue
    return items
