"""Today's routine: which exercises, in what order, with what dose, and why.

Pure and deterministic: the same inputs and date give the same plan. The rules:

* Only exercises possible in the place (desk: seated or standing; floor and gym: anything) with
  the user's equipment, and none for a muscle the safety answers or a caution rule out.
* Order: release, stretch, mobility, strength.
* Every active knot's muscle gets one item (its release, else its stretch) before anything is
  added for variety; knots that do not fit the time are named with the reason.
* The total stays within the budget plus 10 %.
* A knot rated 7 or more gets gentle work only: no strength for its muscles, and a shorter,
  lighter release.
* The same muscle is strengthened at most every other day.
* Exercises marked "hurt" drop out for four weeks; ones marked "helped" come first.
* Strength uses double progression: one more rep per set after each session that did not hurt,
  up to the top of the range; two sessions at the top move on to the harder variant (at the
  bottom of its range); a "hurt" steps back to the bottom, or to the easier variant.

Morning plans are gentle mobility and stretching; desk plans are one- or two-minute seated
micro-routines aimed at the knots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Protocol

from knotless.lib.sequence import BETWEEN_SECONDS, DoseLike, item_seconds

PLACES = ("desk", "floor", "gym")
TIMES_OF_DAY = ("morning", "day", "evening")
PLACE_POSITIONS = {
    "desk": frozenset({"seated", "standing", "wall"}),
    "floor": frozenset({"seated", "standing", "wall", "floor"}),
    "gym": frozenset({"seated", "standing", "wall", "floor"}),
}
# What every place has, whatever the user owns.
PLACE_EQUIPMENT = {
    "desk": frozenset({"none", "chair"}),
    "floor": frozenset({"none"}),
    "gym": frozenset({"none", "chair", "dumbbell", "band", "foam-roller", "ball"}),
}
OVER_BUDGET = 0.10
GENTLE_FROM = 7  # pain at or above this: gentle work only
GENTLE_RELEASE_SECONDS = 30
HURT_DROPS_FOR = timedelta(days=28)
STRENGTH_GAP = timedelta(days=2)  # the same muscle at most every other day
REP_RANGE_WIDTH = 4  # double progression runs from (reps - 4) up to the listed reps
TOP_SESSIONS_TO_PROGRESS = 2
KIND_ORDER = ("release", "stretch", "mobility", "strength")

# What keeps giving way: for a knot in these muscles, strengthen the supporters too (desk
# posture loads the neck and upper trapezius when the lower shoulder-blade muscles and deep neck
# flexors are weak; the low back when the glutes and trunk are). guidelines-facts.md, section 4.
NECK_SUPPORT = ("lower-trapezius", "middle-trapezius", "rhomboids", "deep neck flexors")
BACK_SUPPORT = ("gluteus-maximus", "gluteus-medius", "core")
NECK_MUSCLES = (
    "upper-trapezius",
    "levator-scapulae",
    "scalenes",
    "sternocleidomastoid-sternal",
    "sternocleidomastoid-clavicular",
    "splenius-capitis",
    "splenius-cervicis",
    "suboccipitals",
    "posterior-neck-extensors",
    "pectoralis-minor",
    "pectoralis-major",
    "rhomboids",
    "middle-trapezius",
)
BACK_MUSCLES = (
    "quadratus-lumborum",
    "iliocostalis-lumborum",
    "longissimus",
    "lumbar-multifidi",
    "iliopsoas",
    "piriformis",
    "gluteus-minimus-anterior",
    "gluteus-minimus-posterior",
)
SUPPORT: dict[str, tuple[str, ...]] = dict.fromkeys(NECK_MUSCLES, NECK_SUPPORT) | dict.fromkeys(
    BACK_MUSCLES, BACK_SUPPORT
)


class ExerciseLike(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def primary(self) -> tuple[str, ...]: ...
    @property
    def secondary(self) -> tuple[str, ...]: ...
    @property
    def trains(self) -> tuple[str, ...]: ...
    @property
    def position(self) -> str: ...
    @property
    def equipment(self) -> tuple[str, ...]: ...
    @property
    def difficulty(self) -> int: ...
    @property
    def desk(self) -> bool: ...
    @property
    def dose(self) -> DoseLike: ...
    @property
    def easier(self) -> str: ...
    @property
    def harder(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Dose:
    hold_seconds: int
    reps: int
    sets: int
    per_side: bool
    rest_seconds: int


@dataclass(frozen=True, slots=True)
class KnotNeed:
    knot_id: int
    label: str  # "Right top of shoulder"
    muscles: tuple[str, ...]  # its own muscle, or the finder's best guesses for where it sits
    pain: int | None  # latest rating
    rated_on: date | None = None
    guessed: bool = False  # muscles come from the finder, not from the user


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the user said about one exercise, from their sessions."""

    helped: int = 0
    hurt: int = 0
    last_hurt: date | None = None


@dataclass(frozen=True, slots=True)
class Request:
    knots: tuple[KnotNeed, ...]
    minutes: int
    place: str
    equipment: frozenset[str]
    today: date
    time_of_day: str = "day"
    blocked: Mapping[int, str] = field(default_factory=dict)  # knot id -> why no self-care
    avoid_muscles: frozenset[str] = frozenset()
    feedback: Mapping[str, Feedback] = field(default_factory=dict)
    # Strength sessions per exercise slug, oldest first: (day, verdict) with verdict "" when
    # the user did not say. Drives progression and the every-other-day rule.
    strength_log: Mapping[str, Sequence[tuple[date, str]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Item:
    slug: str
    name: str
    kind: str
    dose: Dose
    seconds: int
    reason: str
    knot_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[Item, ...]
    seconds: int
    budget_seconds: int
    left_out: tuple[tuple[str, str], ...]  # (knot label, why)
    notes: tuple[str, ...] = ()

    @property
    def slugs(self) -> list[str]:
        return [item.slug for item in self.items]


def _dose(dose: DoseLike) -> Dose:
    return Dose(dose.hold_seconds, dose.reps, dose.sets, dose.per_side, dose.rest_seconds)


def seconds_for(dose: DoseLike) -> int:
    """Time an item takes in the player, the pause before the next one included."""
    return item_seconds(dose) + BETWEEN_SECONDS


def _usable(exercise: ExerciseLike, request: Request) -> bool:
    if exercise.position not in PLACE_POSITIONS[request.place]:
        return False
    if request.place == "desk" and not exercise.desk and exercise.kind != "strength":
        return False
    have = request.equipment | PLACE_EQUIPMENT[request.place]
    if not set(exercise.equipment) <= have:
        return False
    if set(exercise.primary) & request.avoid_muscles:
        return False
    feedback = request.feedback.get(exercise.slug)
    return not (
        feedback
        and feedback.last_hurt is not None
        and request.today - feedback.last_hurt < HURT_DROPS_FOR
    )


def _jitter(slug: str, today: date) -> int:
    """A stable daily shuffle among equally good choices: variety without randomness."""
    return int(
        hashlib.blake2s(f"{today.isoformat()}:{slug}".encode(), digest_size=4).hexdigest(), 16
    )


def _rank(exercise: ExerciseLike, muscles: Iterable[str], request: Request) -> tuple[int, ...]:
    wanted = set(muscles)
    feedback = request.feedback.get(exercise.slug, Feedback())
    return (
        0 if wanted & set(exercise.primary) else 1,
        -min(feedback.helped, 3),  # what helped comes back more often
        exercise.difficulty,
        _jitter(exercise.slug, request.today),
    )


def _best(
    library: Sequence[ExerciseLike], kind: str, muscles: Sequence[str], request: Request
) -> ExerciseLike | None:
    wanted = set(muscles)
    options = [
        e
        for e in library
        if e.kind == kind and wanted & set(e.primary + e.secondary) and _usable(e, request)
    ]
    return min(options, key=lambda e: _rank(e, muscles, request), default=None)


def _gentle_release(dose: DoseLike) -> Dose:
    return replace(_dose(dose), hold_seconds=min(dose.hold_seconds, GENTLE_RELEASE_SECONDS), sets=1)


def progression(
    exercise: ExerciseLike,
    library: Mapping[str, ExerciseLike],
    log: Mapping[str, Sequence[tuple[date, str]]],
) -> tuple[ExerciseLike, Dose, str]:
    """Where double progression has got to for this strength exercise: the variant to do, its
    dose, and a few words on why. Follows the variant chain through the sessions' verdicts."""
    current = exercise
    history = sorted(
        (day, verdict, slug)
        for slug in _chain(exercise, library)
        for day, verdict in log.get(slug, ())
    )
    if not history:
        dose = _dose(current.dose)
        if dose.reps:
            dose = replace(dose, reps=max(1, dose.reps - REP_RANGE_WIDTH))
        return current, dose, "start at the bottom of the rep range"
    reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
    at_top = 0
    note = ""
    for _, verdict, slug in history:
        if slug in library:
            current = library[slug]
        top = current.dose.reps
        low = max(1, top - REP_RANGE_WIDTH)
        reps = min(max(reps, low), top)
        if verdict == "hurt":
            if reps == low and current.easier and current.easier in library:
                current = library[current.easier]
                note = "stepped back to an easier variant after it hurt"
            else:
                note = "back to the bottom of the range after it hurt"
            reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
            at_top = 0
            continue
        if reps >= top:
            at_top += 1
            if at_top >= TOP_SESSIONS_TO_PROGRESS and current.harder and current.harder in library:
                current = library[current.harder]
                reps = max(1, current.dose.reps - REP_RANGE_WIDTH)
                at_top = 0
                note = "moved on to a harder variant: the top of the range got easy"
            else:
                note = "at the top of the range"
        else:
            reps += 1
            note = "one more rep per set than last time"
    dose = _dose(current.dose)
    if dose.reps:
        dose = replace(dose, reps=min(reps, dose.reps))
    return current, dose, note


def _chain(exercise: ExerciseLike, library: Mapping[str, ExerciseLike]) -> list[str]:
    """Every variant linked to the exercise through easier/harder links, in either direction
    (the links are not always symmetric: a harder one's easier variant may be a third)."""
    seen = [exercise.slug]
    queue = [exercise.slug]
    while queue:
        slug = queue.pop()
        node = library.get(slug)
        linked = [node.easier, node.harder] if node is not None else []
        linked += [e.slug for e in library.values() if slug in (e.easier, e.harder)]
        for other in linked:
            if other and other in library and other not in seen:
                seen.append(other)
                queue.append(other)
    return seen


def _recently_strengthened(library: Mapping[str, ExerciseLike], request: Request) -> set[str]:
    """Muscles (and trained groups such as "core") worked within the last STRENGTH_GAP."""
    recent: set[str] = set()
    for slug, entries in request.strength_log.items():
        if slug in library and any(request.today - day < STRENGTH_GAP for day, _ in entries):
            recent.update(library[slug].primary + library[slug].trains)
    return recent


def _pain_words(knot: KnotNeed, today: date) -> str:
    """ "left upper trapezius knot, 6/10 yesterday": the facts a reason rests on."""
    if knot.pain is None:
        return f"{knot.label.lower()} knot"
    when = ""
    if knot.rated_on is not None:
        days = (today - knot.rated_on).days
        when = {0: " today", 1: " yesterday"}.get(days, f" on {knot.rated_on:%a %-d %b}")
    return f"{knot.label.lower()} knot, {knot.pain}/10{when}"


def plan(request: Request, library: Mapping[str, ExerciseLike], names: Mapping[str, str]) -> Plan:
    """Today's routine for ``request``. ``names`` maps muscle slugs to words for the reasons."""
    if request.place not in PLACES:
        raise ValueError(f"place is one of {', '.join(PLACES)}")
    if request.minutes < 1:
        raise ValueError("a plan needs at least one minute")
    budget = request.minutes * 60
    limit = int(budget * (1 + OVER_BUDGET))
    exercises = list(library.values())
    chosen: list[Item] = []
    used = 0
    left_out: list[tuple[str, str]] = []

    def fits(seconds: int) -> bool:
        return used + seconds <= limit

    def add(item: Item) -> None:
        nonlocal used
        chosen.append(item)
        used += item.seconds

    def taken(slug: str) -> bool:
        return any(i.slug == slug for i in chosen)

    knots = sorted(
        (k for k in request.knots if k.knot_id not in request.blocked),
        key=lambda k: (-(k.pain or 0), k.knot_id),
    )
    for knot in request.knots:
        if knot.knot_id in request.blocked:
            left_out.append((knot.label, request.blocked[knot.knot_id]))
    morning = request.time_of_day == "morning"

    # 1. Cover every knot's muscle with one item: its release, else its stretch.
    for knot in knots:
        muscles = [m for m in knot.muscles if m not in request.avoid_muscles]
        if not muscles:
            left_out.append((knot.label, "its muscle is ruled out by your safety answers"))
            continue
        gentle = knot.pain is not None and knot.pain >= GENTLE_FROM
        kinds = ("stretch", "release") if morning else ("release", "stretch")
        placed = False
        for kind in kinds:
            exercise = _best(exercises, kind, muscles, request)
            if exercise is None:
                continue
            muscle = next(m for m in muscles if m in exercise.primary + exercise.secondary)
            if taken(exercise.slug):
                # Another knot in the same muscle already brought it: it covers both.
                index = next(n for n, i in enumerate(chosen) if i.slug == exercise.slug)
                shared = chosen[index]
                chosen[index] = replace(
                    shared,
                    knot_ids=(*shared.knot_ids, knot.knot_id),
                    reason=f"{shared.reason}; also {_pain_words(knot, request.today)} "
                    f"({names.get(muscle, muscle)})",
                )
                placed = True
                break
            dose = (
                _gentle_release(exercise.dose)
                if gentle and kind == "release"
                else _dose(exercise.dose)
            )
            seconds = seconds_for(dose)
            if not fits(seconds):
                continue
            muscle = next(m for m in muscles if m in exercise.primary + exercise.secondary)
            reason = f"{_pain_words(knot, request.today)}: {kind} for {names.get(muscle, muscle)}"
            if knot.guessed:
                reason += " (the likeliest muscle for where it sits)"
            if gentle and kind == "release":
                reason += "; gentle, because it is rated 7 or more"
            add(Item(exercise.slug, exercise.name, kind, dose, seconds, reason, (knot.knot_id,)))
            placed = True
            break
        if not placed:
            why = (
                "no release or stretch for it fits your place and equipment"
                if all(_best(exercises, k, muscles, request) is None for k in kinds)
                else "it did not fit in the time; more minutes would include it"
            )
            left_out.append((knot.label, why))

    # 2. With time left: the other of release/stretch for each knot, then strength.
    for knot in knots:
        muscles = [m for m in knot.muscles if m not in request.avoid_muscles]
        if not muscles or not any(knot.knot_id in i.knot_ids for i in chosen):
            continue
        for kind in ("release", "stretch"):
            if any(knot.knot_id in i.knot_ids and i.kind == kind for i in chosen):
                continue
            exercise = _best(exercises, kind, muscles, request)
            if exercise is None or taken(exercise.slug):
                continue
            gentle = knot.pain is not None and knot.pain >= GENTLE_FROM
            dose = (
                _gentle_release(exercise.dose)
                if gentle and kind == "release"
                else _dose(exercise.dose)
            )
            seconds = seconds_for(dose)
            if fits(seconds):
                muscle = next(m for m in muscles if m in exercise.primary + exercise.secondary)
                reason = (
                    f"{_pain_words(knot, request.today)}: {kind} for {names.get(muscle, muscle)}"
                )
                add(
                    Item(exercise.slug, exercise.name, kind, dose, seconds, reason, (knot.knot_id,))
                )

    if morning:
        # Wake-up: gentle mobility, no strength.
        for exercise in sorted(
            (e for e in exercises if e.kind == "mobility" and _usable(e, request)),
            key=lambda e: (e.difficulty, _jitter(e.slug, request.today)),
        ):
            seconds = seconds_for(exercise.dose)
            if not taken(exercise.slug) and fits(seconds):
                add(
                    Item(
                        exercise.slug,
                        exercise.name,
                        "mobility",
                        _dose(exercise.dose),
                        seconds,
                        "morning stiffness: gentle movement to start the day",
                    )
                )
    elif request.place != "desk" or request.minutes >= 5:
        # 3. Strength for the knots' muscles that are not too sore, never for a muscle worked
        # within the last STRENGTH_GAP (by any exercise) or already in this plan.
        strengthened = _recently_strengthened(library, request)
        for knot in knots:
            if knot.pain is not None and knot.pain >= GENTLE_FROM:
                continue
            muscles = [m for m in knot.muscles if m not in request.avoid_muscles]
            supporters = [
                m for own in muscles for m in SUPPORT.get(own, ()) if m not in request.avoid_muscles
            ]
            wanted = set(muscles) | set(supporters)
            options = sorted(
                (
                    e
                    for e in exercises
                    if e.kind == "strength"
                    and wanted & set(e.primary + e.secondary + e.trains)
                    and _usable(e, request)
                ),
                # Its own muscle first, then the supporters.
                key=lambda e: _rank(e, [*muscles, *supporters], request),
            )
            for base in options:
                exercise, dose, note = progression(base, library, request.strength_log)
                works = set(exercise.primary + exercise.trains)
                if taken(exercise.slug) or not _usable(exercise, request) or works & strengthened:
                    continue
                seconds = seconds_for(dose)
                if not fits(seconds):
                    continue
                works_on = exercise.primary + exercise.secondary + exercise.trains
                if not wanted & set(works_on):
                    continue  # the variant progression reached works elsewhere
                own = next((m for m in muscles if m in works_on), None)
                if own is not None:
                    what = f"strengthen {names.get(own, own)}"
                else:
                    helper = next(m for m in supporters if m in works_on)
                    eased = next(m for m in muscles if helper in SUPPORT.get(m, ()))
                    what = (
                        f"strengthen {names.get(helper, helper)}, which takes load off "
                        f"{names.get(eased, eased)}"
                    )
                reason = f"{_pain_words(knot, request.today)}: {what}; {note}"
                item = Item(
                    exercise.slug, exercise.name, "strength", dose, seconds, reason, (knot.knot_id,)
                )
                add(item)
                strengthened |= works
                break

    # 4. Variety with what is left: stretches for the desk-weakened muscles.
    if not knots or used < budget * 0.6:
        extras = sorted(
            (
                e
                for e in exercises
                if e.kind in ("mobility", "stretch")
                and _usable(e, request)
                and not taken(e.slug)
                and (e.desk or request.place != "desk")
            ),
            key=lambda e: (e.difficulty, _jitter(e.slug, request.today)),
        )
        for exercise in extras:
            seconds = seconds_for(exercise.dose)
            if used >= budget * 0.9:
                break
            if fits(seconds):
                if knots:
                    why = "time left over: an easy all-round stretch or move"
                elif request.knots:
                    why = "while your knots wait (see below): an easy all-round routine"
                else:
                    why = "no active knots: a short routine to keep it that way"
                add(
                    Item(
                        exercise.slug,
                        exercise.name,
                        exercise.kind,
                        _dose(exercise.dose),
                        seconds,
                        why,
                    )
                )

    chosen.sort(key=lambda i: KIND_ORDER.index(i.kind))
    notes = []
    if not chosen:
        notes.append("Nothing fits this time, place and equipment. Try more minutes or the floor.")
    return Plan(tuple(chosen), used, budget, tuple(left_out), tuple(notes))
