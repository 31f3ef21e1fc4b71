"""Today's routine: which exercises, in what order, with what dose, and why.

Pure and deterministic: the same inputs and date give the same plan. The time goes to the knots,
in rounds, so every knot gets its share before any knot gets more:

1. each knot's own muscle: its release (a stretch first in the morning), else a stretch;
2. the other of release and stretch for it (no stretch for a muscle that is usually
   overstretched, such as the rhomboids at a desk);
3. the muscles whose tightness keeps it going (the atlas relations: tight chest muscles for a
   rhomboid knot), stretched or released;
4. strength for the muscle and for the weakened ones that let it take the load, with double
   progression, never for a sore knot (7/10 or more) or one the safety answers keep gentle,
   never a muscle worked within the last two days;
5. more of the same: further strength, other releases and stretches, mobility for those muscles.

Only exercises possible in the place with the equipment, none for a muscle the safety answers
hold back, none marked "hurt" in the last four weeks; ones marked "helped" come first. The
routine never runs over the minutes given. What is left when nothing aimed at a knot fits is
said in a note, not filled with unrelated moves; all-round moves come only when no knot can be
worked on (none active, or all waiting), and are said to be that. A one-sided knot's per-side
items carry its side (``knotless.lib.sequence.sides_for``), timed as they will be played.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from knotless.lib.planner.choose import jitter, options, usable, works_on
from knotless.lib.planner.model import (
    FILLER,
    GENTLE_RELEASE_SECONDS,
    KIND_ORDER,
    MORNING,
    OWN,
    PLACES,
    RECOVERY_ITEMS,
    STRENGTH_PER_KNOT,
    TIGHT,
    TIGHT_PER_KNOT,
    WEAK,
    Dose,
    ExerciseLike,
    Item,
    KnotNeed,
    Plan,
    RelationLike,
    Request,
    dose_of,
    play_seconds,
    routine_seconds,
    sides_why,
)
from knotless.lib.planner.progression import chain, progression, recently_strengthened
from knotless.lib.planner.words import pain_words
from knotless.lib.sequence import BETWEEN_SECONDS


def _clause(sentence: str) -> str:
    """A sentence of the data as a clause after a colon: "Tight chest ..." -> "tight chest"."""
    sentence = sentence.rstrip(".")
    return sentence[:1].lower() + sentence[1:]


TIME_REASON = "it did not fit in the time; more minutes would include it"


def gentle_release(dose: Dose) -> Dose:
    return replace(dose, hold_seconds=min(dose.hold_seconds, GENTLE_RELEASE_SECONDS), sets=1)


class _Builder:
    """The plan as it grows: what is in it, how long it runs, what each knot got."""

    def __init__(
        self,
        request: Request,
        library: Mapping[str, ExerciseLike],
        names: Mapping[str, str],
        relations: Mapping[str, RelationLike],
    ) -> None:
        self.request = request
        self.library = library
        self.exercises = list(library.values())
        self.names = names
        self.relations = relations
        self.budget = request.minutes * 60
        self.items: list[Item] = []
        self.used = 0
        self.strengthened = recently_strengthened(library, request)
        self.chains: set[str] = set()  # strength variant chains already in the plan
        self.did_not_fit: set[int] = set()  # knots with an aimed item that did not fit
        # Where progression has got to, per base exercise: each knot asks again for the same
        # bases, and each answer replays the chain's whole history.
        self.progressed: dict[str, tuple[ExerciseLike, Dose, str, str]] = {}

    def progress(self, base: ExerciseLike) -> tuple[ExerciseLike, Dose, str, str]:
        """:func:`progression` for this base, and the chain's group (its first slug)."""
        if base.slug not in self.progressed:
            exercise, dose, note = progression(base, self.library, self.request.strength_log)
            group = min(chain(exercise, self.library))
            self.progressed[base.slug] = (exercise, dose, note, group)
        return self.progressed[base.slug]

    def name(self, muscle: str) -> str:
        return self.names.get(muscle, muscle)

    def taken(self, slug: str) -> bool:
        return any(i.slug == slug for i in self.items)

    def cost(self, seconds: int) -> int:
        return seconds + (BETWEEN_SECONDS if self.items else 0)

    def try_add(
        self,
        exercise: ExerciseLike,
        dose: Dose,
        reason: str,
        knot: KnotNeed | None,
        aim: str,
    ) -> bool:
        # The knot's side matters for its own muscle; the muscles behind it work both sides.
        side = (
            knot.side
            if knot is not None and aim == OWN and dose.per_side and knot.side in ("left", "right")
            else ""
        )
        seconds = play_seconds(exercise, dose, side)
        if self.used + self.cost(seconds) > self.budget:
            if knot is not None:
                self.did_not_fit.add(knot.knot_id)
            return False
        why = sides_why(exercise, dose, side)
        if why:
            reason += f". {why}"
        self.used += self.cost(seconds)
        knots = (knot.knot_id,) if knot is not None else ()
        self.items.append(
            Item(
                exercise.slug,
                exercise.name,
                exercise.kind,
                dose,
                seconds,
                reason,
                knots,
                aim,
                side,
            )
        )
        return True

    def share(self, exercise: ExerciseLike, knot: KnotNeed, muscle: str) -> bool:
        """An exercise already in the plan for another knot covers this one too (gentler when
        this knot needs it)."""
        index = next((n for n, i in enumerate(self.items) if i.slug == exercise.slug), None)
        if index is None:
            return False
        item = self.items[index]
        if knot.knot_id not in item.knot_ids:
            dose = item.dose
            if knot.gentle and item.kind == "release":
                dose = gentle_release(dose)  # a shorter hold: never longer, so it still fits
            side = item.side if knot.side == item.side and dose.per_side else ""
            seconds = play_seconds(exercise, dose, side)
            if self.used + seconds - item.seconds > self.budget:
                return False  # both sides would not fit: look for another exercise
            reason = item.reason
            if side != item.side:  # knots on both sides: both sides, as written
                reason = reason.replace(f". {sides_why(exercise, item.dose, item.side)}", "")
            self.used += seconds - item.seconds
            self.items[index] = replace(
                item,
                dose=dose,
                seconds=seconds,
                side=side,
                knot_ids=(*item.knot_ids, knot.knot_id),
                reason=f"{reason}; also {pain_words(knot, self.request.today)} "
                f"({self.name(muscle)})",
            )
        return True

    def dose(self, exercise: ExerciseLike, knot: KnotNeed | None) -> Dose:
        dose = dose_of(exercise.dose)
        if knot is not None and knot.gentle and exercise.kind == "release":
            return gentle_release(dose)
        return dose

    def knot_muscles(self, knot: KnotNeed) -> list[str]:
        return [m for m in knot.muscles if m not in self.request.avoid_muscles]

    def aimed_item(
        self,
        knot: KnotNeed,
        kinds: Sequence[str],
        muscles: Sequence[str],
        aim: str,
        why: str,
        *,
        cheapest: bool = False,
    ) -> bool:
        """The best exercise of ``kinds`` for ``muscles`` that is not yet in the plan and fits
        (the quickest one first when ``cheapest``); True when one was added (or an item already
        there now also covers this knot)."""
        found = options(self.exercises, kinds, muscles, self.request)
        if cheapest:
            found.sort(key=lambda e: play_seconds(e, self.dose(e, knot), knot.side))
        for exercise in found:
            if exercise.kind == "strength":
                continue  # strength goes through progression (see strengthen)
            muscle = next(m for m in muscles if m in works_on(exercise))
            if self.taken(exercise.slug):
                own = any(i.aim == OWN and i.slug == exercise.slug for i in self.items)
                if aim == OWN and own and self.share(exercise, knot, muscle):
                    return True
                continue
            dose = self.dose(exercise, knot)
            reason = f"{pain_words(knot, self.request.today)}: {exercise.kind} for "
            reason += f"{self.name(muscle)}{why}"
            if knot.guessed and aim == OWN:
                reason += " (the likeliest muscle for where it sits)"
            if knot.gentle and exercise.kind == "release":
                reason += "; gentle, " + (
                    "as your safety answers ask"
                    if knot.gentle_only
                    else "because it is rated 7 or more"
                )
            if self.try_add(exercise, dose, reason, knot, aim):
                return True
        return False

    def covers(self, knot: KnotNeed) -> bool:
        return any(knot.knot_id in i.knot_ids for i in self.items)

    def strengthen(self, knot: KnotNeed) -> bool:
        """One strength exercise for the knot's muscle or the weakened ones behind it."""
        if knot.gentle:
            return False
        own = self.knot_muscles(knot)
        weak = [
            m
            for o in own
            for m in (self.relations[o].weak if o in self.relations else ())
            if m not in self.request.avoid_muscles
        ]
        wanted = [*own, *weak]
        sore = {m for k in self.request.knots if k.pain is not None and k.gentle for m in k.muscles}
        for base in options(self.exercises, ("strength",), wanted, self.request):
            if self.request.programme and base.slug not in self.request.programme:
                continue  # a person following a programme gets its strength work, no other
            exercise, dose, note, group = self.progress(base)
            works = set(exercise.primary + exercise.trains)
            if (
                group in self.chains
                or self.taken(exercise.slug)
                or not usable(exercise, self.request)
                or works & self.strengthened
                or set(exercise.primary) & sore
            ):
                continue
            hits = works_on(exercise)
            target = next((m for m in wanted if m in hits), None)
            if target is None:
                continue  # the variant progression reached works elsewhere
            if target in own:
                what = f"strengthen {self.name(target)}"
                aim = OWN
            else:
                eased = next(m for m in own if target in self.relations[m].weak)
                what = f"strengthen {self.name(target)}, which takes load off {self.name(eased)}"
                aim = WEAK
            reason = f"{pain_words(knot, self.request.today)}: {what}; {note}"
            if self.try_add(exercise, dose, reason, knot, aim):
                self.chains.add(group)
                return True
        return False

    def tight_round(self, knot: KnotNeed, first: int, last: int | None) -> None:
        for own in self.knot_muscles(knot):
            relation = self.relations.get(own)
            if relation is None:
                continue
            for muscle in relation.tight[first:last]:
                if muscle in self.request.avoid_muscles:
                    continue
                why = f", which keeps your {self.name(own)} knot going: {_clause(relation.why)}"
                self.aimed_item(knot, ("stretch", "release"), [muscle], TIGHT, why)

    def fillers(self, why: str) -> None:
        extras = sorted(
            (
                e
                for e in self.exercises
                if e.kind in ("mobility", "stretch")
                and usable(e, self.request)
                and not self.taken(e.slug)
            ),
            key=lambda e: (e.difficulty, jitter(e.slug, self.request.today)),
        )
        for exercise in extras:
            if self.used >= self.budget * 0.9:
                break
            self.try_add(exercise, dose_of(exercise.dose), why, None, FILLER)


def plan(
    request: Request,
    library: Mapping[str, ExerciseLike],
    names: Mapping[str, str],
    relations: Mapping[str, RelationLike] | None = None,
) -> Plan:
    """Today's routine for ``request``. ``names`` maps muscle slugs to words for the reasons;
    ``relations`` says which muscles keep each muscle's knot going (atlas relations)."""
    if request.place not in PLACES:
        raise ValueError(f"place is one of {', '.join(PLACES)}")
    if request.minutes < 1:
        raise ValueError("a plan needs at least one minute")
    budget = request.minutes * 60
    if request.stop:
        left = tuple((k.label, request.stop) for k in request.knots)
        return Plan((), 0, budget, left, (request.stop,))
    build = _Builder(request, library, names, relations or {})
    left_out: list[tuple[str, str]] = [
        (k.label, request.blocked[k.knot_id]) for k in request.knots if k.knot_id in request.blocked
    ]
    knots = sorted(
        (k for k in request.knots if k.knot_id not in request.blocked),
        key=lambda k: (-(k.pain or 0), k.knot_id),
    )
    morning = request.time_of_day == "morning"
    workable = []
    for knot in knots:
        if not build.knot_muscles(knot):
            left_out.append((knot.label, "its muscle is ruled out by your safety answers"))
        else:
            workable.append(knot)

    # 1. Every knot's own muscle gets one release or stretch before any knot gets a second
    # item; when the best ones do not all fit, the quickest ones, so every knot gets its turn.
    kinds = ("stretch", "release") if morning else ("release", "stretch")
    first = build
    for cheapest in (False, True):
        build = _Builder(request, library, names, relations or {}) if cheapest else first
        for knot in workable:
            build.aimed_item(knot, kinds, build.knot_muscles(knot), OWN, "", cheapest=cheapest)
        if all(build.covers(k) for k in workable) or cheapest:
            break
    if sum(map(build.covers, workable)) < sum(map(first.covers, workable)):
        build = first
    covered = []
    for knot in workable:
        # A knot with no release or stretch possible here may still get a mobility move.
        if build.covers(knot) or build.aimed_item(
            knot, ("mobility",), build.knot_muscles(knot), OWN, ""
        ):
            covered.append(knot)
        elif knot.knot_id in build.did_not_fit:
            left_out.append((knot.label, TIME_REASON))
        else:
            left_out.append((knot.label, _nothing_why(build, knot)))

    # 2. The other of release and stretch for the knot's own muscle.
    for knot in covered:
        own = build.knot_muscles(knot)
        stretchable = [m for m in own if m not in build.relations or build.relations[m].stretch_own]
        build.aimed_item(knot, ("release",), own, OWN, "")
        if stretchable:
            build.aimed_item(knot, ("stretch",), stretchable, OWN, "")

    # 3. The muscles whose tightness keeps each knot going.
    for knot in covered:
        build.tight_round(knot, 0, TIGHT_PER_KNOT)

    if morning:
        # Wake-up: gentle mobility for the morning stiffness, no strength.
        for exercise in sorted(
            (e for e in build.exercises if e.kind == "mobility" and usable(e, request)),
            key=lambda e: (e.difficulty, jitter(e.slug, request.today)),
        ):
            if not build.taken(exercise.slug):
                build.try_add(
                    exercise,
                    dose_of(exercise.dose),
                    "morning stiffness: gentle movement to start the day",
                    None,
                    MORNING,
                )
    else:
        # 4. Strength, one per knot a round, up to STRENGTH_PER_KNOT; none on a day after an
        # unusually large jump in training load, which makes the day lighter.
        for _ in range(0 if request.load_jump else STRENGTH_PER_KNOT):
            for knot in covered:
                build.strengthen(knot)
        recovery(build, request)
        # 5. More aimed work while time is left: the rest of the tight muscles, mobility.
        for knot in covered:
            build.tight_round(knot, TIGHT_PER_KNOT, None)
            own = build.knot_muscles(knot)
            build.aimed_item(knot, ("mobility",), own, OWN, "")

    notes = []
    if request.load_jump and not morning:
        notes.append(
            "Your training load this week is an unusually large jump from what you are used "
            "to, so today's routine is lighter: no strength work, only releases, stretches "
            "and mobility."
        )
    if not covered:
        if not knots and not request.knots:
            build.fillers("no active knots: a short all-round routine to keep it that way")
        elif all(k.knot_id in request.blocked for k in request.knots):
            build.fillers("while your knots wait (see below): an easy all-round move")
        else:
            build.fillers("nothing for your knots fits here (see below): an easy all-round move")
    elif build.used < budget - 60:
        minutes = max(1, round(build.used / 60))
        notes.append(
            f"That is everything aimed at your knots that fits here: about {minutes} of your "
            f"{request.minutes} minutes. Use the rest as you like, or add an exercise below."
        )
    items = sorted(build.items, key=lambda i: KIND_ORDER.index(i.kind))
    if not items:
        notes.append("Nothing fits this time, place and equipment. Try more minutes or the floor.")
    return Plan(tuple(items), routine_seconds(items), budget, tuple(left_out), tuple(notes))


def recovery(build: _Builder, request: Request) -> None:
    """Gentle work for the muscles trained hard yesterday: one stretch or mobility move each
    (at most three), after the knots' own work, while time is left."""
    done = 0
    for muscle in sorted(request.recover):
        if done >= RECOVERY_ITEMS:
            return
        for exercise in options(build.exercises, ("mobility", "stretch"), [muscle], request):
            if build.taken(exercise.slug):
                continue
            if build.try_add(
                exercise,
                dose_of(exercise.dose),
                f"recovery: you trained the {build.name(muscle)} hard yesterday",
                None,
                FILLER,
            ):
                done += 1
                break


def _nothing_why(build: _Builder, knot: KnotNeed) -> str:
    """Why a knot got nothing: no exercise fits here, or the library has none for it yet."""
    muscles = set(build.knot_muscles(knot))
    if not any(muscles & works_on(e) for e in build.exercises):
        return "knotless has no exercise for its muscle yet: its atlas page shows a self-release"
    return "nothing for its muscle fits your place and equipment"
