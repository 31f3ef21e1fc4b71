"""Storing red-flag answers, and which screening areas a pain involves.

What the stored answers mean for exercise is :mod:`knotless.safety.policy` (the one gate)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from knotless.safety.checklist import areas_for, flags_for, outcome
from knotless.safety.models import Screening

__all__ = ["VALID_FOR", "areas_for", "areas_involved", "record"]

# Answers hold for a while: asking before every click would teach people to tick through.
VALID_FOR = timedelta(hours=12)


def areas_involved(regions: Iterable[str], muscles: Iterable[Any] = ()) -> frozenset[str]:
    """The screening areas of the marked regions and of the muscles a finding or knot names
    (by their usual zones): arm pain that points to a chest muscle asks the chest questions."""
    zones = [z for m in muscles for z in m.essential]
    return areas_for([*regions, *zones])


def record(user: Any, areas: Iterable[str], ticked: Iterable[str], knot: Any = None) -> Screening:
    area_set = sorted(set(areas))
    asked = [f.id for f in flags_for(area_set)]
    chosen = [i for i in ticked if i in asked]
    return Screening.objects.create(
        user=user,
        areas=",".join(area_set),
        asked=asked,
        ticked=chosen,
        outcome=outcome(chosen),
        knot=knot,
    )
