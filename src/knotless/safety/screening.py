"""When to ask the red-flag checklist, and what its answers mean for the flow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from knotless.safety.checklist import Flag, areas_for, flags_for, outcome
from knotless.safety.models import Screening

__all__ = [
    "VALID_FOR",
    "Gate",
    "areas_for",
    "areas_involved",
    "gate",
    "record",
    "standing_emergency",
]

# Answers hold for a while: asking before every click would teach people to tick through.
VALID_FOR = timedelta(hours=12)


@dataclass(frozen=True)
class Gate:
    areas: frozenset[str]
    needs_answers: bool
    emergency: bool
    latest: Screening | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def advice(self) -> str:
        """ "today" or "soon" when the standing answers call for it, else ""."""
        if self.latest is not None and self.latest.outcome in ("today", "soon"):
            return self.latest.outcome
        return ""


def standing_emergency(user: Any) -> Screening | None:
    """An emergency answer from the last VALID_FOR that no later answer to the same questions
    has replaced. It stops every self-care suggestion, whatever body area is asked about next:
    the heart can send pain to the arm, the back or the jaw."""
    since = timezone.now() - VALID_FOR
    emergency = (
        Screening.objects.filter(user=user, outcome="emergency", created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )
    if emergency is None:
        return None
    later = (
        Screening.objects.filter(user=user, created_at__gte=emergency.created_at)
        .exclude(pk=emergency.pk)
        .exclude(outcome="emergency")
    )
    if any(emergency.area_set <= s.area_set for s in later.filter(id__gt=emergency.pk)):
        return None  # answered again, by the "I ticked something by mistake" link
    return emergency


def gate(user: Any, areas: frozenset[str]) -> Gate:
    """Whether self-care advice may be shown now, or the questions (or an emergency) come first."""
    emergency = standing_emergency(user)
    if emergency is not None:
        return Gate(areas, needs_answers=False, emergency=True, latest=emergency)
    if not areas:
        return Gate(areas, needs_answers=False, emergency=False, latest=None)
    since = timezone.now() - VALID_FOR
    covering = next(
        (
            s
            for s in Screening.objects.filter(user=user, created_at__gte=since).order_by(
                "-created_at", "-id"
            )
            if areas <= s.area_set
        ),
        None,
    )
    if covering is not None:
        return Gate(areas, needs_answers=False, emergency=False, latest=covering)
    return Gate(areas, needs_answers=True, emergency=False, latest=None, flags=flags_for(areas))


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
