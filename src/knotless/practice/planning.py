"""Today's plan for a user: the planner (``lib.planner``) fed from the journal, the safety
answers, the sessions and the plan settings; the plan kept per day so it can be edited; and the
weekly schedule with what was done. Views, the CLI and the calendar feed all call these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.services import user_zone
from knotless.atlas.muscles import load_muscles
from knotless.atlas.relations import load_relations
from knotless.journal.models import CheckIn, Knot
from knotless.lib import finder, planner, sequence
from knotless.lib.sequence import BETWEEN_SECONDS
from knotless.library.exercises import EQUIPMENT, Exercise, load_exercises
from knotless.practice.done import done_history
from knotless.practice.models import DayPlan, PlanSettings
from knotless.safety import policy
from knotless.safety.checklist import areas_for
from knotless.safety.policy import Verdict

GUESSED_MUSCLES = 2  # a knot without a muscle: the finder's two likeliest
VARIANT_DEFAULTS = {"main": "minutes", "morning": "morning_minutes", "desk": "desk_minutes"}


def settings_of(user: Any) -> PlanSettings:
    found, _ = PlanSettings.objects.get_or_create(user=user)
    return found


def _active_knots(user: Any) -> list[Knot]:
    """Active knots with their latest rating, in one query."""
    latest = CheckIn.objects.filter(knot=OuterRef("pk")).order_by("-moment", "-id")
    return list(
        Knot.objects.filter(user=user, status=Knot.Status.ACTIVE)
        .annotate(
            latest_pain=Subquery(latest.values("pain")[:1]),
            latest_moment=Subquery(latest.values("moment")[:1]),
        )
        .order_by("id")
    )


class Past:
    """The user's exercise history, read on first use: a kept plan that still fits (most
    visits to Today and the plan page) never needs it, and it is the one read that grows with
    every session played."""

    def __init__(self, user: Any, zone: ZoneInfo) -> None:
        self._user, self._zone = user, zone
        self._read: tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]] | None
        self._read = None

    def _value(
        self,
    ) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
        if self._read is None:
            self._read = done_history(self._user, self._zone)
        return self._read

    @property
    def feedback(self) -> dict[str, planner.Feedback]:
        return self._value()[0]

    @property
    def strength_log(self) -> dict[str, list[tuple[date, str]]]:
        return self._value()[1]

    def training(self, today: date) -> tuple[bool, frozenset[str], frozenset[str]]:
        """From the training log: did the load jump, which muscles were trained hard
        yesterday, and the programme's exercises (read only when a plan is made)."""
        from knotless.training.planning import training_state

        return training_state(self._user, today)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a plan for one user and day rests on, read once: the day and zone, the plan
    settings, the active knots with their muscles, the safety verdict for each, and what the
    user said about exercises before. The pure planner gets it as a ``planner.Request``."""

    today: date
    zone: ZoneInfo
    settings: PlanSettings
    knots: tuple[planner.KnotNeed, ...]
    verdicts: dict[int, Verdict]  # knot id -> where its safety answers stand
    emergency: bool
    past: Past  # what the user said about exercises before, read only when a plan is made
    gates: policy.Gates  # the safety answers as read once for this page
    active: tuple[Knot, ...]  # the active knots, for the player's own gate (policy.targeted)

    @property
    def feedback(self) -> dict[str, planner.Feedback]:
        return self.past.feedback

    @property
    def strength_log(self) -> dict[str, list[tuple[date, str]]]:
        return self.past.strength_log

    @property
    def blocked(self) -> dict[int, str]:
        """Knots the safety answers keep out of self-care plans, with the reason in words; and
        knots in a muscle that is not for self-treatment, with who treats it."""
        found = {k: v.why for k, v in self.verdicts.items() if not v.allowed}
        muscles = load_muscles()
        for knot in self.knots:
            own = [muscles[m] for m in knot.muscles if m in muscles]
            professional = own and all(not m.self_care for m in own)
            if knot.knot_id not in found and professional and not knot.guessed:
                found[knot.knot_id] = f"not for self-treatment: {own[0].treated_by} treats it"
        return found

    @property
    def pending_areas(self) -> frozenset[str]:
        return frozenset(
            a for v in self.verdicts.values() if v.state == policy.NEEDS_ANSWERS for a in v.areas
        )

    @property
    def held_muscles(self) -> frozenset[str]:
        """No exercise for these, not even as variety: the muscles of knots the answers hold
        back, and every muscle whose usual pain falls in an area still waiting for answers or
        a doctor."""
        held = {m for k in self.knots if k.knot_id in self.blocked for m in k.muscles}
        # Muscles that are not for self-treatment (the pelvic floor, the diaphragm...).
        held |= {m.slug for m in load_muscles().values() if not m.self_care}
        areas = frozenset(a for v in self.verdicts.values() if not v.allowed for a in v.areas)
        if areas:
            held |= {m.slug for m in load_muscles().values() if areas_for(m.essential) & areas}
        return frozenset(held)

    @property
    def basis(self) -> str:
        """A short fingerprint of what the plan rests on: when knots or answers change, a kept
        plan is rebuilt (or, when edited, cleared of what is no longer allowed)."""
        parts = [f"e{int(self.emergency)}"] + [
            f"{k.knot_id}:{','.join(k.muscles)}:{k.side}:{self.verdicts[k.knot_id].state}"
            for k in self.knots
        ]
        return hashlib.blake2s("|".join(parts).encode(), digest_size=8).hexdigest()

    def request(
        self, *, minutes: int, place: str, moment: str, quick: bool = False
    ) -> planner.Request:
        jump, recover, programme = self.past.training(self.today)
        return planner.Request(
            knots=self.knots,
            minutes=minutes,
            place=place,
            equipment=frozenset(e for e in self.settings.equipment if e in EQUIPMENT),
            today=self.today,
            time_of_day=moment,
            blocked=self.blocked,
            avoid_muscles=self.held_muscles,
            feedback=self.feedback,
            strength_log=self.strength_log,
            stop=policy.WHY[policy.EMERGENCY] if self.emergency else "",
            quick=quick,
            load_jump=jump,
            recover=recover,
            programme=programme,
        )

    def allows(self, exercise: Exercise) -> bool:
        """May this exercise stand in a plan now (a kept or edited one included)? Only when
        the plan's rule (by the muscles the knots are in, or are guessed to be in) and the
        player's (by the knots the exercise works on: policy.targeted) both let it, so a plan
        never holds what Play would refuse."""
        if self.emergency:
            return False
        worked = set(exercise.primary + exercise.secondary)
        gentle = {m for k in self.knots if k.gentle_only for m in k.muscles}
        if not worked:
            # Which knots it works on cannot be known (it names no atlas muscle): it stands
            # only while no knot is held back, as the player's gate (policy.targeted) decides.
            plan_says = not self.held_muscles and (exercise.kind != "strength" or not gentle)
        elif worked & self.held_muscles:
            plan_says = False
        else:
            plan_says = exercise.kind != "strength" or not worked & gentle
        return plan_says and not self.gates.held([exercise], self.active)


def gather(user: Any, today: date | None = None, gates: policy.Gates | None = None) -> Inputs:
    """Read what a plan needs, once (the exercise history only if a plan is made). A page
    that has already read the safety answers passes its ``gates``."""
    zone = user_zone(user)
    today = today or timezone.localtime(timezone.now(), zone).date()
    muscles = load_muscles()
    gates = gates or policy.Gates(user)
    needs = []
    verdicts = {}
    active = _active_knots(user)
    for knot in active:
        if knot.muscle:
            chosen: tuple[str, ...] = (knot.muscle,)
        else:
            found = finder.find({knot.region: 1.0}, muscles.values(), limit=GUESSED_MUSCLES)
            chosen = tuple(f.slug for f in found)
        verdict = gates.for_knot(knot)
        verdicts[knot.pk] = verdict
        rated = knot.latest_moment  # type: ignore[attr-defined]
        needs.append(
            planner.KnotNeed(
                knot_id=knot.pk,
                label=knot.label,
                muscles=chosen,
                pain=knot.latest_pain,  # type: ignore[attr-defined]
                rated_on=timezone.localtime(rated, zone).date() if rated else None,
                guessed=not knot.muscle,
                side=knot.side,
                gentle_only=verdict.gentle_only,
            )
        )
    return Inputs(
        today=today,
        zone=zone,
        settings=settings_of(user),
        knots=tuple(needs),
        verdicts=verdicts,
        emergency=gates.emergency is not None,
        past=Past(user, zone),
        gates=gates,
        active=tuple(active),
    )


def knot_needs(user: Any) -> list[planner.KnotNeed]:
    """Active knots as the planner sees them: muscles, latest pain and the day it was rated."""
    return list(gather(user).knots)


def blocked_knots(user: Any) -> dict[int, str]:
    """Knots the safety answers keep out of self-care plans, with the reason in words."""
    return gather(user).blocked


def pending_areas(user: Any) -> frozenset[str]:
    """Body areas whose safety questions must be answered before their knots get a plan."""
    return gather(user).pending_areas


def _names() -> dict[str, str]:
    return {m.slug: m.name.lower() for m in load_muscles().values()}


def compute(inputs: Inputs, variant: str, minutes: int, place: str) -> planner.Plan:
    """The pure planner's answer for these inputs."""
    # The morning routine is its own variant; the main plan is the same at any hour.
    moment = "morning" if variant == "morning" else "day"
    if variant == "desk":
        place = "desk"
    request = inputs.request(minutes=minutes, place=place, moment=moment, quick=variant == "desk")
    return planner.plan(request, load_exercises(), _names(), load_relations())


def check_choice(minutes: int, place: str) -> None:
    if not 1 <= minutes <= 90:
        raise ValidationError("Minutes run from 1 to 90.", code="minutes")
    if place not in planner.PLACES:
        raise ValidationError(f"Place is one of {', '.join(planner.PLACES)}.", code="place")


def todays_plan(
    user: Any,
    variant: str = DayPlan.Variant.MAIN,
    *,
    minutes: int | None = None,
    place: str | None = None,
    rebuild: bool = False,
    today: date | None = None,
    inputs: Inputs | None = None,
) -> DayPlan:
    """The plan for today: the one kept (edited or not), or a new one when asked for other
    minutes or another place, or to rebuild. A kept plan whose knots or safety answers have
    changed since is rebuilt; an edited one keeps the user's edits minus what is no longer
    allowed."""
    from knotless.physio import plan as physio

    inputs = inputs or gather(user, today)
    today = inputs.today
    plan_settings = inputs.settings
    programme = physio.active(user) if variant == DayPlan.Variant.MAIN else None
    basis = physio.basis(inputs.basis, programme)
    asked_minutes, asked_place = minutes, place
    minutes = minutes or getattr(plan_settings, VARIANT_DEFAULTS[variant])
    place = "desk" if variant == "desk" else (place or plan_settings.place)
    check_choice(minutes, place)
    kept = DayPlan.objects.filter(user=user, day=today, variant=variant).first()
    if kept is not None and rebuild and asked_minutes is None and asked_place is None:
        minutes, place = kept.minutes, kept.place  # start over with the same time and place
    if kept is not None and not rebuild:
        same = (asked_minutes in (None, kept.minutes)) and (asked_place in (None, kept.place))
        if same and kept.basis == basis:
            return kept
        if same and kept.edited:
            return _refit(kept, inputs, basis, physio.todays_slugs(programme, today))
        if same:
            minutes, place = kept.minutes, kept.place
    result = compute(inputs, variant, minutes, place)
    library = load_exercises()
    # The planner avoids what the safety answers hold back; the gate has the last word.
    items = [i for i in result.items if i.slug in library and inputs.allows(library[i.slug])]
    held = len(result.items) - len(items)
    fields = {
        "minutes": minutes,
        "place": place,
        "items": [_stored(item) for item in items],
        "left_out": [list(pair) for pair in result.left_out],
        "notes": list(result.notes)
        + [
            f"{held} exercise{'s' * (held != 1)} left out: your safety answers hold "
            f"{'them' if held != 1 else 'it'} back today."
        ]
        * bool(held),
        "basis": basis,
        "edited": False,
    }
    if not inputs.emergency:
        fields = physio.merge(fields, programme, inputs)
    try:
        with transaction.atomic():
            dayplan, _ = DayPlan.objects.update_or_create(
                user=user, day=today, variant=variant, defaults=fields
            )
    except IntegrityError:  # a second tab built it at the same moment
        dayplan = DayPlan.objects.get(user=user, day=today, variant=variant)
    return dayplan


def _stored(item: planner.Item) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "reps": item.dose.reps or None,
        "sets": item.dose.sets,
        "reason": item.reason,
        "knots": list(item.knot_ids),
        "side": item.side,
        "aim": item.aim,
    }


def _refit(
    dayplan: DayPlan, inputs: Inputs, basis: str, physio_today: frozenset[str] = frozenset()
) -> DayPlan:
    """An edited plan after the knots, safety answers or physio programme changed: keep the
    user's edits, drop what the safety gate no longer allows and the physio's exercises that
    the programme followed now does not hold for today, and say so."""
    library = load_exercises()
    followed = [i for i in dayplan.items if not i.get("physio") or i["slug"] in physio_today]
    unfollowed = len(dayplan.items) - len(followed)
    kept = [i for i in followed if i["slug"] in library and inputs.allows(library[i["slug"]])]
    dropped = len(followed) - len(kept)
    dayplan.items = kept
    dayplan.basis = basis
    blocked = inputs.blocked
    dayplan.left_out = [[k.label, blocked[k.knot_id]] for k in inputs.knots if k.knot_id in blocked]
    if inputs.emergency:
        dayplan.notes = [policy.WHY[policy.EMERGENCY]]
    else:
        said = [
            f"{dropped} exercise{'s' * (dropped != 1)} left your edited plan: your safety "
            "answers no longer allow them today."
        ] * bool(dropped) + [
            f"{unfollowed} exercise{'s' * (unfollowed != 1)} from a physio's programme you "
            "no longer follow left your edited plan."
        ] * bool(unfollowed)
        if said:
            dayplan.notes = said
    dayplan.save(update_fields=["items", "basis", "left_out", "notes"])
    return dayplan


@dataclass(frozen=True, slots=True)
class Planned:
    position: int
    exercise: Exercise  # with the plan's reps and sets
    reason: str
    seconds: int  # playing time on its own, the pause after excluded
    side: str = ""  # the one side its knots are on, if so
    aim: str = ""

    @property
    def dose_words(self) -> str:
        """The dose as it will be played: a one-sided knot changes which sides are worked."""
        e = self.exercise
        item = sequence.Item(
            e.slug,
            e.name,
            e.dose,
            kind=e.kind,
            knot_sides=(self.side,) if self.side else (),
            seconds_per_rep=e.seconds_per_rep,
        )
        return sequence.dose_as_played(e.dose.describe(), sequence.build([item]))

    @property
    def token(self) -> str:
        from knotless.practice.services import token_for

        return token_for(self.exercise)


def planned(dayplan: DayPlan) -> list[Planned]:
    library = load_exercises()
    out = []
    for position, item in enumerate(dayplan.items):
        if item["slug"] not in library:
            continue
        exercise = library[item["slug"]]
        if item.get("physio"):  # the physio's dose, as given (physio/plan.py)
            dose = replace(
                exercise.dose,
                sets=int(item["sets"]),
                reps=int(item.get("reps") or 0),
                hold_seconds=int(item.get("hold") or 0),
                per_side=bool(item.get("per_side")),
            )
            exercise = replace(exercise, dose=dose)
        elif item.get("reps") and exercise.dose.reps:
            exercise = replace(exercise, dose=replace(exercise.dose, reps=int(item["reps"])))
        side = item.get("side", "")
        out.append(
            Planned(
                position,
                exercise,
                item.get("reason", ""),
                planner.play_seconds(exercise, exercise.dose, side),
                side,
                item.get("aim", ""),
            )
        )
    return out


def total_seconds(items: list[Planned]) -> int:
    """The routine's playing time: every item and the pause between two."""
    return sum(p.seconds for p in items) + BETWEEN_SECONDS * max(0, len(items) - 1)


def play_url(dayplan: DayPlan) -> str:
    tokens = [p.token for p in planned(dayplan)]
    return reverse("play_new") + "?" + "&".join(f"e={t}" for t in tokens)


# --- desk breaks -----------------------------------------------------------------------------


def desk_break(
    user: Any, kind: str, *, minutes: int, turn: int, inputs: Inputs | None = None
) -> planner.Plan:
    """The moves for one desk break, aimed at the user's knots: ``turn`` counts the breaks
    already offered today, so each break brings different moves."""
    inputs = inputs or gather(user)
    request = inputs.request(minutes=max(1, minutes), place="desk", moment="day")
    return planner.desk_break(
        request, load_exercises(), _names(), load_relations(), kind=kind, turn=turn
    )


def play_url_for(plan: planner.Plan) -> str:
    """The player for a plan computed now (not kept), with its reps."""
    from knotless.practice.services import token_for

    library = load_exercises()
    tokens = []
    for item in plan.items:
        exercise = library[item.slug]
        if item.dose.reps and exercise.dose.reps:
            exercise = replace(exercise, dose=replace(exercise.dose, reps=item.dose.reps))
        tokens.append(token_for(exercise))
    return reverse("play_new") + "?" + "&".join(f"e={t}" for t in tokens)
