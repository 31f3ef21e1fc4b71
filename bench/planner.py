"""Planner speed over the real library: 1,000 random users, median and p99 per plan.

Target (issue 5): under 50 ms per plan. Inputs are random but seeded: 0-6 knots in random
atlas muscles and pains, 1-45 minutes, any place, equipment, time of day, feedback on up to
ten exercises and up to four strength histories of up to eight sessions each.

    uv run python bench/planner.py [--plans 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from knotless.atlas.muscles import load_muscles
from knotless.atlas.relations import load_relations
from knotless.lib.planner import PLACES, Feedback, KnotNeed, Request, plan
from knotless.library.exercises import EQUIPMENT, load_exercises

TODAY = date(2026, 11, 24)


def random_request(
    rng: random.Random, muscles: list[str], slugs: list[str], strength: list[str]
) -> Request:
    knots = tuple(
        KnotNeed(
            knot_id=n,
            label=f"Knot {n}",
            muscles=tuple(rng.sample(muscles, rng.randint(1, 2))),
            pain=rng.choice([None, *range(11)]),
            rated_on=TODAY - timedelta(days=rng.randint(0, 10)),
        )
        for n in range(rng.randint(0, 6))
    )
    feedback = {
        slug: Feedback(
            helped=rng.randint(0, 4),
            hurt=rng.randint(0, 1),
            last_hurt=rng.choice([None, TODAY - timedelta(days=rng.randint(0, 60))]),
        )
        for slug in rng.sample(slugs, rng.randint(0, 10))
    }
    log = {
        slug: sorted(
            (TODAY - timedelta(days=rng.randint(1, 60)), rng.choice(["", "helped", "hurt"]))
            for _ in range(rng.randint(1, 8))
        )
        for slug in rng.sample(strength, rng.randint(0, 4))
    }
    return Request(
        knots=knots,
        minutes=rng.randint(1, 45),
        place=rng.choice(PLACES),
        equipment=frozenset(rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT)))),
        today=TODAY,
        time_of_day=rng.choice(["morning", "day", "evening"]),
        feedback=feedback,
        strength_log=log,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    args = parser.parse_args()
    library = load_exercises()
    atlas = load_muscles()
    names = {m.slug: m.name.lower() for m in atlas.values()}
    rng = random.Random(5)
    slugs = sorted(library)
    strength = sorted(s for s, e in library.items() if e.kind == "strength")
    requests = [random_request(rng, sorted(atlas), slugs, strength) for _ in range(args.plans)]
    relations = load_relations()
    plan(requests[0], library, names, relations)  # warm caches
    times = []
    items = []
    for request in requests:
        start = time.perf_counter()
        result = plan(request, library, names, relations)
        times.append((time.perf_counter() - start) * 1000)
        items.append(len(result.items))
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    median_items = statistics.median(items)
    print(f"plans: {len(times)}, items per plan: median {median_items:.0f}, max {max(items)}")
    median = statistics.median(times)
    print(f"time per plan: median {median:.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms")
    print(f"target < 50 ms: {'met' if p99 < 50 else 'MISSED'} at p99")


if __name__ == "__main__":
    main()
