"""When to ask the red-flag checklist, and what its answers mean for the flow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from knotless.safety.checklist import Flag, areas_for, flags_for, outcome
from knotless.safety.models import Screening

__all__ = ["VALID_FOR", "Gate", "areas_for", "gate", "record"]

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


def gate(user: Any, areas: frozenset[str]) -> Gate:
    """Whether self-care advice for these areas may be shown now, or questions come first."""
    if not areas:
        return Gate(areas, needs_answers=False, emergency=False, latest=None)
    since = timezone.now() - VALID_FOR
    recent = list(Screening.objects.filter(user=user, created_at__gte=since)[:20])
    covering = [s for s in recent if areas <= s.area_set]
    emergency = next((s for s in recent if s.outcome == "emergency" and s.area_set & areas), None)
    if emergency is not None:
        return Gate(areas, needs_answers=False, emergency=True, latest=emergency)
    if covering:
        return Gate(areas, needs_answers=False, emergency=False, latest=covering[0])
    return Gate(areas, needs_answers=True, emergency=False, latest=None, flags=flags_for(areas))


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
