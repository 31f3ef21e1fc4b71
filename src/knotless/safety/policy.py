"""The one safety gate: may knotless suggest exercise for this knot, these areas, these exercises?

Every surface that suggests an exercise (the plan and its fillers, knot pages, the library's play
buttons, the finder, desk breaks, the CLI) asks a :class:`Gates` built once per request, so the
answers are read from the database once and every surface says the same thing:

* an emergency answer from the last 12 hours stops **every** exercise suggestion, whatever the
  area (the heart can send pain to the arm, the back or the jaw);
* a knot (or area) whose red-flag questions are unanswered gets no exercise until they are;
* an answer that calls for a doctor today holds that knot's exercises back;
* an answer that calls for an appointment soon allows gentle self-care only (release and
  stretch; no strength work), as the advice on that answer says;
* anything else is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from knotless.atlas.muscles import load_muscles
from knotless.safety.checklist import areas_for, flags_for
from knotless.safety.models import Screening
from knotless.safety.screening import VALID_FOR, areas_involved

OPEN, GENTLE, NEEDS_ANSWERS, SEE_DOCTOR, EMERGENCY = (
    "open",
    "gentle",
    "needs-answers",
    "see-doctor",
    "emergency",
)
# Worst last: combining verdicts keeps the worst.
ORDER = (OPEN, GENTLE, NEEDS_ANSWERS, SEE_DOCTOR, EMERGENCY)
GENTLE_KINDS = frozenset({"release", "stretch", "mobility"})

WHY = {
    EMERGENCY: "an emergency answer stands: get medical help, not exercises",
    NEEDS_ANSWERS: "answer the safety questions for this area first",
    SEE_DOCTOR: "your safety answers call for a doctor's look first",
    GENTLE: "your safety answers call for an appointment soon: gentle work only until then",
    OPEN: "",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where the safety answers leave a knot, some areas or some exercises."""

    state: str  # one of ORDER
    areas: frozenset[str] = frozenset()
    screening: Screening | None = None  # the answer it rests on, when there is one

    @property
    def allowed(self) -> bool:
        """Some exercise may be suggested (perhaps gentle only)."""
        return self.state in (OPEN, GENTLE)

    @property
    def gentle_only(self) -> bool:
        return self.state == GENTLE

    @property
    def why(self) -> str:
        return WHY[self.state]

    def permits(self, kind: str) -> bool:
        """May an exercise of this kind (release, stretch, mobility, strength) be suggested?"""
        return self.state == OPEN or (self.state == GENTLE and kind in GENTLE_KINDS)

    @property
    def check_query(self) -> dict[str, str]:
        """The query for the safety check page when answers are wanted."""
        return {"areas": ",".join(sorted(self.areas))}

    def check_url(self, next_url: str, knot: Any = None) -> str:
        """The safety check page for this verdict's areas, coming back to ``next_url``."""
        query = self.check_query
        if knot is not None:
            query["knot"] = str(knot.pk)
        query["next"] = next_url
        return f"{reverse('safety_check')}?{urlencode(query)}"

    def worst(self, other: Verdict) -> Verdict:
        if ORDER.index(other.state) > ORDER.index(self.state):
            return other
        if other.state == self.state:
            return Verdict(self.state, self.areas | other.areas, self.screening or other.screening)
        return self


OPEN_VERDICT = Verdict(OPEN)
# What a stored answer means. An emergency answer that still stands is caught before this;
# one answered again is never the newest answer for any of its areas.
STATE_OF_OUTCOME = {"emergency": EMERGENCY, "today": SEE_DOCTOR, "soon": GENTLE, "none": OPEN}


def knot_areas(knot: Any) -> frozenset[str]:
    """The screening areas a knot involves: its region's, and its muscle's usual zones."""
    muscles = load_muscles()
    involved = [muscles[knot.muscle]] if knot.muscle in muscles else []
    return areas_involved([knot.region], involved)


def muscle_areas(muscle: Any) -> frozenset[str]:
    """The screening areas of the places a muscle's knots usually send pain."""
    return areas_involved([], [muscle])


# Clocks of two devices disagree a little; more than this ahead is not an answer given now.
CLOCK_SKEW = timedelta(minutes=5)


class Gates:
    """The user's standing safety answers, read once; ask it as often as a page needs."""

    def __init__(self, user: Any, now: Any = None) -> None:
        self.user = user
        since = (now or timezone.now()) - VALID_FOR
        # Newest first; a day's answers are a handful of rows. Imports refuse answers dated
        # in the future (fhir_import), which would outrank every real one.
        self._recent = list(
            Screening.objects.filter(user=user, created_at__gte=since).order_by(
                "-created_at", "-id"
            )
        )
        self.emergency = self._standing_emergency()

    @property
    def answers(self) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
        """What every verdict here rests on, as plain values: each standing answer's id,
        outcome and areas, newest first (a part kept under them is kept under the verdicts)."""
        return tuple((s.pk, s.outcome, tuple(sorted(s.area_set))) for s in self._recent)

    def _standing_emergency(self) -> Screening | None:
        """An emergency answer that no later, wider non-emergency answer has replaced (the
        "I ticked something by mistake" link answers the same questions again)."""
        emergency = next((s for s in self._recent if s.outcome == "emergency"), None)
        if emergency is None:
            return None
        replaced = any(
            s.outcome != "emergency" and s.pk > emergency.pk and emergency.area_set <= s.area_set
            for s in self._recent
        )
        return None if replaced else emergency

    def for_areas(self, areas: Iterable[str]) -> Verdict:
        """The verdict for these screening areas: each area by the newest answer that asked
        its questions, the worst of them counting. Areas answered at different times count
        (the finder may ask the back questions, then the chest ones a muscle also needs);
        a needs-answers verdict names only the areas still unanswered."""
        wanted = frozenset(areas)
        if self.emergency is not None:
            return Verdict(EMERGENCY, wanted, self.emergency)
        verdict = OPEN_VERDICT
        missing = set()
        for area in sorted(wanted):
            covering = next((s for s in self._recent if area in s.area_set), None)
            if covering is None:
                missing.add(area)
                continue
            state = STATE_OF_OUTCOME.get(covering.outcome, OPEN)
            verdict = verdict.worst(Verdict(state, frozenset({area}), covering))
        if missing:
            verdict = verdict.worst(Verdict(NEEDS_ANSWERS, frozenset(missing)))
        return verdict

    def for_knot(self, knot: Any) -> Verdict:
        return self.for_areas(knot_areas(knot))

    def for_regions(self, regions: Iterable[str]) -> Verdict:
        return self.for_areas(areas_for(regions))

    def for_exercises(self, exercises: Sequence[Any], knots: Iterable[Any]) -> Verdict:
        """The verdict for playing these exercises: the emergency rule, and the gate of every
        active knot they work on (its muscle is a target, or, for a knot without a muscle, a
        target muscle sends pain where it sits)."""
        if self.emergency is not None:
            return Verdict(EMERGENCY, frozenset(), self.emergency)
        verdict = OPEN_VERDICT
        for knot in targeted(exercises, knots):
            verdict = verdict.worst(self.for_knot(knot))
        return verdict

    def for_muscle(self, muscle: Any) -> Verdict:
        """May self-care for this atlas muscle be shown (its release steps, its exercises)?"""
        return self.for_areas(muscle_areas(muscle))

    def held(self, exercises: Sequence[Any], knots: Iterable[Any]) -> list[tuple[Any, Verdict]]:
        """The exercises among ``exercises`` that may not be played now, each with the verdict
        that holds it back. Each exercise is judged on the knots *it* works on, so a strength
        move for an open knot is not refused because a stretch in the same routine touches a
        knot that is gentle-only."""
        knots = list(knots)
        held = []
        for exercise in exercises:
            verdict = self.for_exercises([exercise], knots)
            if not verdict.permits(exercise.kind):
                held.append((exercise, verdict))
        return held

    def questions(self, verdict: Verdict) -> list[Any]:
        return flags_for(verdict.areas) if verdict.state == NEEDS_ANSWERS else []


def targeted(exercises: Sequence[Any], knots: Iterable[Any]) -> list[Any]:
    """The knots among ``knots`` that these exercises work on."""
    muscles = load_muscles()
    if any(not (e.primary or e.secondary) for e in exercises):
        # An exercise that names no atlas muscle could work on any knot: judge it by all.
        return list(knots)
    aimed = {m for e in exercises for m in (*e.primary, *e.secondary)}
    regions = {region for slug in aimed if slug in muscles for region in muscles[slug].zones}
    return [k for k in knots if k.muscle in aimed or (not k.muscle and k.region in regions)]


def gates_for(user: Any) -> Gates:
    return Gates(user)
