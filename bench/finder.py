"""Finder speed over the real atlas: 1,000 random body maps, median and p99 per query.

Target (issue 3): well under 10 ms per query.

    uv run python bench/finder.py [--queries 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import load_regions
from knotless.lib.finder import find


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    muscles = list(load_muscles().values())
    regions = list(load_regions())
    rng = random.Random(11)
    queries = [
        {r: rng.choice((0.3, 0.6, 1.0)) for r in rng.sample(regions, rng.randint(1, 6))}
        for _ in range(args.queries)
    ]
    contexts = [rng.choice((None, "desk", "lifting", "running")) for _ in queries]
    timings = []
    for marks, context in zip(queries, contexts, strict=True):
        began = time.perf_counter()
        find(marks, muscles, context=context)
        timings.append(time.perf_counter() - began)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"{len(muscles)} muscles, {len(regions)} regions, {len(queries)} random queries")
    print(f"median {statistics.median(timings) * 1000:.3f} ms   p99 {p99 * 1000:.3f} ms")
    print(f"Target: well under 10 ms per query; p99 is {p99 * 1000 / 10:.1%} of it.")


if __name__ == "__main__":
    main()
