"""The seam for pages that compose several features: Today and the knot page.

The journal owns knots; practice owns exercises, sessions and plans; safety owns the gate.
The journal's pages ask this module for the other features' parts instead of importing them,
so the feature apps import downward only (DESIGN habit 12) and every exercise a composed page
offers has been through the one safety gate (habit 11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from knotless.accounts.services import local_today, profile_for
from knotless.hydration.models import Vessel
from knotless.hydration.services import units_of
from knotless.lib.hydration import show
from knotless.library.exercises import Exercise, load_exercises
from knotless.practice.models import DayPlan
from knotless.practice.services import KnotSession as KnotSession  # for the knot page
from knotless.practice.services import exercises_for_knot, knot_sessions
from knotless.practice.services import session_marks as session_marks  # the knot's chart
from knotless.safety.models import Screening
from knotless.safety.policy import Gates, Verdict
from knotless.safety.screening import VALID_FOR

KNOT_EXERCISES = 6


@dataclass(frozen=True, slots=True)
class KnotPractice:
    """What the knot page shows from practice and safety."""

    exercises: list[Exercise]  # only what the gate permits; empty when it permits nothing
    sessions: list[KnotSession]
    verdict: Verdict
    held_back: int  # exercises for the knot the gate held back (strength work when gentle)

    @property
    def play_url(self) -> str:
        """The player for the offered exercises, or "" when none is offered."""
        if not self.exercises:
            return ""
        return f"{reverse('play_new')}?{urlencode([('e', e.slug) for e in self.exercises])}"


@dataclass(frozen=True, slots=True)
class TodayParts:
    """What Today shows from practice and safety."""

    dayplan: DayPlan | None  # only a plan already made today; the plan page builds one
    emergency: Screening | None  # a standing emergency answer: no exercise suggestions at all
    emergency_number: str

    @property
    def plan_minutes(self) -> int:
        """How long the plan plays, in whole minutes (it may be less than the minutes asked)."""
        from knotless.practice import planning

        if self.dayplan is None:
            return 0
        return max(1, round(planning.total_seconds(planning.planned(self.dayplan)) / 60))

    @property
    def emergency_until(self) -> datetime | None:
        """When the emergency answer stops holding exercise back, unless answered again."""
        return self.emergency.created_at + VALID_FOR if self.emergency else None


def knot_practice(knot: Any, gates: Gates | None = None) -> KnotPractice:
    """The exercises the knot page may offer for ``knot`` (as the gate allows), its sessions,
    and the gate's verdict, so the page can say why nothing is offered."""
    gates = gates or Gates(knot.user)
    verdict = gates.for_knot(knot)
    offered: list[Exercise] = []
    held = 0
    if verdict.allowed and knot.is_active:
        # Ask for all of them, then keep what the verdict permits: "gentle" must not leave the
        # page with only the two strength moves that happened to sort first cut away.
        for exercise in exercises_for_knot(knot, limit=len(load_exercises())):
            if verdict.permits(exercise.kind):
                offered.append(exercise)
            else:
                held += 1
    return KnotPractice(offered[:KNOT_EXERCISES], knot_sessions(knot), verdict, held)


def today_parts(user: Any, gates: Gates | None = None) -> TodayParts:
    gates = gates or Gates(user)
    dayplan = None
    if gates.emergency is None:
        dayplan = DayPlan.objects.filter(user=user, day=local_today(user), variant="main").first()
    if dayplan is not None:
        # A plan kept from before the knots or the safety answers changed is brought up to
        # date (rebuilt, or an edited one cleared of what is no longer allowed) before Today
        # shows it.
        from knotless.practice import planning

        inputs = planning.gather(user, gates=gates)
        if dayplan.basis != inputs.basis:
            dayplan = planning.todays_plan(user, inputs=inputs)
    return TodayParts(dayplan, gates.emergency, profile_for(user).emergency_number)


@dataclass(frozen=True, slots=True)
class QuickGlass:
    """Today's one-tap drink: the person's glass (or smallest cup), else 250 ml of water."""

    vessel_id: int | None
    name: str
    ml: int
    shown: str  # "250 ml" or "8.5 oz", in the person's units


def quick_glass(user: Any) -> QuickGlass:
    cups = list(Vessel.objects.filter(user=user, kind="water").order_by("ml", "id")[:12])
    cup = next((c for c in cups if c.name.lower() == "glass"), cups[0] if cups else None)
    if cup is None:
        return QuickGlass(None, "Glass", 250, show(250, units_of(user)))
    return QuickGlass(cup.pk, cup.name, cup.ml, show(cup.ml, units_of(user)))
