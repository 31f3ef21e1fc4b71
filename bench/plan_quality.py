"""How much of a plan is aimed at the person's knots, measured from outside the planner.

An item counts as aimed when the exercise works (primary, secondary or trained group) on a knot's
muscle or on one of the muscles the atlas relations list for it (tight ones that keep it going,
weak ones that let it take the load). The planner's own labels are not used, so this checks it.

    uv run python bench/plan_quality.py [--users 1000]

It prints, for (a) one knot in each atlas muscle, at each place with typical equipment, at 5, 10,
15 and 30 minutes, and (b) seeded random users with 1-4 knots (random places, equipment, minutes
and sides): the share of plan time aimed (median and 10th percentile), plans over their minutes,
and plans that give every active knot a release or stretch when one is available for it (a usable
one exists, and the quickest ones of the more painful knots leave time for it). The same for desk
breaks: micro-breaks (2 min) and movement breaks (5 min), over the first four breaks of a day.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from rich.console import Console
from rich.progress import track
from rich.table import Table

from knotless.atlas.muscles import load_muscles
from knotless.atlas.relations import load_relations
from knotless.lib import planner
from knotless.lib.planner import MICRO, MOVEMENT, KnotNeed, Plan, Request
from knotless.library.exercises import EQUIPMENT, load_exercises

TODAY = date(2026, 12, 4)
LIBRARY = load_exercises()
ATLAS = load_muscles()
NAMES = {m.slug: m.name.lower() for m in ATLAS.values()}
RELATIONS = load_relations()
TYPICAL = {
    "desk": frozenset(),
    "floor": frozenset({"ball", "band"}),
    "gym": frozenset({"dumbbell", "band", "ball", "foam-roller"}),
}
MINUTES = (5, 10, 15, 30)
BREAKS = {MICRO: 2, MOVEMENT: 5}
TURNS = 4


def related(knots: Iterable[KnotNeed]) -> set[str]:
    out: set[str] = set()
    for knot in knots:
        for muscle in knot.muscles:
            out.add(muscle)
            if muscle in RELATIONS:
                out.update(RELATIONS[muscle].tight + RELATIONS[muscle].weak)
    return out


def works(slug: str) -> set[str]:
    e = LIBRARY[slug]
    return set(e.primary + e.secondary + e.trains)


def aimed_share(result: Plan, knots: Sequence[KnotNeed]) -> float | None:
    total = sum(i.seconds for i in result.items)
    if not total:
        return None
    wanted = related(knots)
    return sum(i.seconds for i in result.items if works(i.slug) & wanted) / total


def quickest(knot: KnotNeed, request: Request, positions: Iterable[str] = ()) -> int | None:
    """Seconds of the quickest usable release or stretch for the knot's muscle, if any."""
    wanted = set(knot.muscles)
    side = knot.side if knot.side in ("left", "right") else ""
    times = [
        planner.play_seconds(e, e.dose, side)
        for e in LIBRARY.values()
        if e.kind in ("release", "stretch")
        and wanted & works(e.slug)
        and (not positions or e.position in positions)
        and planner.usable(e, request)
    ]
    return min(times, default=None)


def available(request: Request, positions: Iterable[str] = ()) -> list[KnotNeed]:
    """The knots that have a release or stretch available: a usable one exists, and the
    quickest ones of the knots before it (most painful first, as the planner goes) leave time
    for its quickest one. A knot past that point cannot fit whatever the planner does."""
    budget = request.minutes * 60
    used = 0
    out = []
    for knot in sorted(request.knots, key=lambda k: (-(k.pain or 0), k.knot_id)):
        seconds = quickest(knot, request, positions)
        if seconds is None:
            continue
        cost = seconds + (10 if used else 0)
        if used + cost <= budget:
            used += cost
            out.append(knot)
    return out


def covered(result: Iterable[Plan], knot: KnotNeed) -> bool:
    return any(
        LIBRARY[i.slug].kind in ("release", "stretch") and set(knot.muscles) & works(i.slug)
        for plan in result
        for i in plan.items
    )


class Tally:
    def __init__(self, name: str) -> None:
        self.name = name
        self.shares: list[float] = []
        self.filled: list[float] = []  # plan time / minutes given
        self.plans = 0
        self.empty = 0
        self.over = 0
        self.with_available = 0  # plans where at least one knot had a release/stretch available
        self.all_covered = 0

    def add(
        self,
        results: Sequence[Plan],
        budget: int,
        knots: Sequence[KnotNeed],
        avail: bool,
        cover: bool,
    ) -> None:
        for result in results:
            self.plans += 1
            share = aimed_share(result, knots)
            if share is None:
                self.empty += 1
            else:
                self.shares.append(share)
            self.over += result.seconds > budget
            self.filled.append(result.seconds / budget)
        if avail:
            self.with_available += 1
            self.all_covered += cover

    def row(self) -> list[str]:
        shares = sorted(self.shares)
        p10 = shares[max(0, int(len(shares) * 0.1) - 1)] if shares else 0.0
        return [
            self.name,
            str(self.plans),
            str(self.empty),
            f"{statistics.median(shares):.0%}" if shares else "-",
            f"{p10:.0%}",
            str(self.over),
            f"{statistics.median(self.filled):.0%}" if self.filled else "-",
            f"{self.all_covered} of {self.with_available}",
        ]


def plan_for(
    knots: tuple[KnotNeed, ...], minutes: int, place: str, equipment: frozenset[str]
) -> tuple[Plan, Request]:
    request = Request(knots, minutes, place, equipment, TODAY)
    return planner.plan(request, LIBRARY, NAMES, RELATIONS), request


def breaks_for(knots: tuple[KnotNeed, ...], kind: str) -> tuple[list[Plan], Request]:
    request = Request(knots, BREAKS[kind], "desk", frozenset(), TODAY)
    return [
        planner.desk_break(request, LIBRARY, NAMES, RELATIONS, kind=kind, turn=turn)
        for turn in range(TURNS)
    ], request


def check_breaks(tallies: dict[str, Tally], knots: tuple[KnotNeed, ...]) -> None:
    for kind in (MICRO, MOVEMENT):
        results, request = breaks_for(knots, kind)
        desk = Request(
            knots,
            request.minutes,
            "desk" if kind == MICRO else "floor",
            frozenset(),
            TODAY,
            quick=kind == MICRO,
        )
        positions = ("seated", "standing") if kind == MICRO else ("standing", "wall")
        # Breaks share the knots out over the day: each knot that has a move available on
        # its own should get one within the first four breaks.
        avail = [k for k in knots if available(replace(desk, knots=(k,)), positions)]
        cover = all(covered(results, k) for k in avail)
        tallies[kind].add(results, request.minutes * 60, knots, bool(avail), cover)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    console = Console(width=150)
    single = {place: Tally(f"(a) one knot, {place}") for place in TYPICAL}
    random_plans = Tally("(b) random users, plans")
    tallies = {MICRO: Tally("micro-breaks, 2 min"), MOVEMENT: Tally("movement breaks, 5 min")}
    for muscle in track(sorted(ATLAS), description="one knot per muscle", console=console):
        knots = (KnotNeed(1, "Knot", (muscle,), 5, TODAY, side="right"),)
        for place, equipment in TYPICAL.items():
            for minutes in MINUTES:
                result, request = plan_for(knots, minutes, place, equipment)
                avail = bool(available(request))
                single[place].add([result], minutes * 60, knots, avail, covered([result], knots[0]))
        check_breaks(tallies, knots)
    rng = random.Random(11)
    muscles = sorted(ATLAS)
    for _ in track(range(args.users), description="random users", console=console):
        knots = tuple(
            KnotNeed(
                n,
                f"Knot {n}",
                (rng.choice(muscles),),
                rng.choice([None, *range(11)]),
                TODAY,
                side=rng.choice(["left", "right", "center"]),
            )
            for n in range(1, rng.randint(1, 4) + 1)
        )
        place = rng.choice(planner.PLACES)
        equipment = frozenset(rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT))))
        minutes = rng.choice((5, 10, 15, 20, 30, 45))
        result, request = plan_for(knots, minutes, place, equipment)
        avail = available(request)
        # With several knots, "available" means each knot's own option fits on its own; the
        # table counts plans where every such knot got one, and a knot left out says why.
        random_plans.add(
            [result], minutes * 60, knots, bool(avail), all(covered([result], k) for k in avail)
        )
        check_breaks(tallies, knots)
    table = Table(title="Plan time aimed at the knots (aim: median >= 85 %, 10th pct >= 60 %)")
    for column in (
        "set",
        "plans",
        "empty",
        "aimed, median",
        "aimed, 10th pct",
        "over budget",
        "time used, median",
        "every knot with an option got a release or stretch",
    ):
        table.add_column(column)
    for tally in (*single.values(), random_plans, *tallies.values()):
        table.add_row(*tally.row())
    console.print(table)


if __name__ == "__main__":
    main()
