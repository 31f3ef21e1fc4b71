"""The "where does it hurt?" finder: which muscles' knots commonly send pain to the marked areas.

The model
---------
Each muscle in the atlas has *essential* referral zones (where its pain usually goes) and
*spillover* zones (where it sometimes reaches). We ask, for each muscle in turn: if a knot in this
muscle were the cause, how likely is the body map the user drew? That is a likelihood, and with a
prior for how common knots in that muscle are we get a ranking (Bayes' rule, one cause at a time).

A region is marked through a noisy-OR of two causes: the muscle, which lights up an essential zone
with probability ``P_ESSENTIAL`` and a spillover zone with ``P_SPILLOVER``, and a small *leak*
``LEAK`` that stands for everything else (another muscle, a joint, a mis-tap). People also mark
only part of what they feel, so a lit zone is marked with probability ``P_MARK``:

    P(marked | muscle) = 1 - (1 - LEAK) * (1 - P_MARK * p_zone)

How much a marked area hurts, w in (0, 1] (a 1-10 rating divided by 10), weights its evidence:
the area's log-likelihood ratio is multiplied by w (a *power likelihood*, the usual way to let
observations count with different weights). A strongly painful area counts fully, a mild one
less, and any marked area counts *for* the muscles that commonly refer there, never against.
Regions outside a muscle's zones have the same likelihood under every muscle and the leak alone,
so only the marked regions and each muscle's own zones need to be looked at.

Scores are likelihood ratios against "none of these muscles" (leak only), times the prior,
normalised to sum to 1 over the candidates: read them as "share of the explanation", not as a
probability of having a knot.

Priors come from how common knots in a muscle are (``PRIORS``): very common, common or
occasional, our own reading of the reference's descriptions (it gives no prevalence figures),
raised by ``CONTEXT_BOOST`` when the user's context (desk work, lifting, running) is one
that commonly loads the muscle. Priors are kept within a factor of about 2 so that they order
muscles that explain the map equally well, but never outvote a better fit.

Broader and finer places
------------------------
Some regions are finer places inside a broader one (the ball of the foot inside the arch and
sole, the lower buttock inside the buttock). A muscle's zone may be the finer place while the
user marked the broader one, for example on the whole-body view's small sole. A candidate may
list its zones' broader regions as ``within`` (pairs of zone and broader regions; the atlas's
muscles do). A marked broader region that is not itself one of the muscle's zones then counts
as evidence for the muscle's finer zones inside it: once, for the likeliest of them, at
``WITHIN_WEIGHT`` of a mark on the finer place itself (the user may well mean another part of
the broader place), and those finer zones are not counted as blank. A mark on a finer place
never stands for a broader zone: it says more precisely where the pain is.

Muscles that share their usual zones
------------------------------------
A few muscles have exactly the same essential zones as another (the reference gives them the same
usual pattern and no finer body-map region separates them: posterior deltoid and teres minor,
popliteus and plantaris, ...). Both cannot rank first on that bare pattern, so the tie is broken
by *specificity*, and it falls out of the model rather than a special rule: every spillover zone
left unmarked costs a little, so the muscle whose pattern reaches fewer other places explains the
bare pattern better and ranks first. The other one ranks first as soon as one of its own spillover
zones (a place only it reaches) is marked too. :func:`shared_patterns` lists these groups in that
order, for the tests and the "how the finder works" page. Exact ties (equal scores) go to the
muscle with fewer zones, then by slug, so the same map always gives the same list.

Pure and deterministic. Typical queries take well under a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

P_ESSENTIAL = 0.9
P_SPILLOVER = 0.35
P_MARK = 0.4
LEAK = 0.02
PRIORS = {"very-common": 1.3, "common": 1.15, "occasional": 1.0}
CONTEXT_BOOST = 1.1
WITHIN_WEIGHT = 0.5


class Candidate(Protocol):
    """What the finder needs to know of a muscle (knotless.atlas.muscles.Muscle fits)."""

    @property
    def slug(self) -> str: ...
    @property
    def essential(self) -> tuple[str, ...]: ...
    @property
    def spillover(self) -> tuple[str, ...]: ...
    @property
    def prevalence(self) -> str: ...
    @property
    def contexts(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Finding:
    slug: str
    score: float  # share of the explanation, 0..1; all findings of a query sum to 1
    explained: tuple[str, ...]  # marked regions this muscle commonly refers to, strongest first
    explained_essential: tuple[str, ...]  # the part of `explained` that are its essential zones
    unmarked_usual: tuple[str, ...]  # its essential zones the user did not mark
    log_likelihood_ratio: float


def _p_marked(p_zone: float) -> float:
    return 1 - (1 - LEAK) * (1 - P_MARK * p_zone)


def check_marks(marks: Mapping[str, float]) -> dict[str, float]:
    """Marked regions with intensities in (0, 1]; raises ValueError for anything else."""
    if not marks:
        raise ValueError("Mark at least one area that hurts.")
    checked = {}
    for region, intensity in marks.items():
        if isinstance(intensity, bool) or not 0 < float(intensity) <= 1:
            raise ValueError(f"Intensity for {region!r} must be above 0 and at most 1.")
        checked[region] = float(intensity)
    return checked


def find(
    marks: Mapping[str, float],
    candidates: Iterable[Candidate],
    *,
    context: str | None = None,
    limit: int | None = None,
) -> list[Finding]:
    """Rank ``candidates`` by how well a knot in each explains ``marks`` (region -> intensity).

    Muscles that explain none of the marked regions are left out. Sorted by score, then slug.
    """
    marks = check_marks(marks)
    marked = marks.keys()
    results: list[tuple[float, Finding]] = []
    zone_counts: list[int] = []
    for muscle in candidates:
        within = getattr(muscle, "within", ())
        # Most muscles reach none of the marked places: leave them out before any arithmetic.
        if (
            marked.isdisjoint(muscle.essential)
            and marked.isdisjoint(muscle.spillover)
            and not (within and any(not marked.isdisjoint(b) for _, b in within))
        ):
            continue
        essential = set(muscle.essential)
        p_zones = dict.fromkeys(muscle.spillover, P_SPILLOVER)
        p_zones.update((z, P_ESSENTIAL) for z in muscle.essential)
        # A mark on a broader place that is not one of the muscle's zones stands for its finer
        # zones inside it (the sole for the ball of the foot): once, at WITHIN_WEIGHT, and
        # those finer zones are then not blank.
        stands_for: dict[str, list[str]] = {}
        for zone, broader in within:
            if zone not in marks:
                for region in broader:
                    if region in marks and region not in p_zones:
                        stands_for.setdefault(region, []).append(zone)
        covered = {z for zones in stands_for.values() for z in zones}
        explained = [r for r in marks if r in p_zones or r in stands_for]
        if not explained:
            continue
        terms = []
        for region, intensity in marks.items():
            if region in p_zones:
                terms.append(intensity * math.log(_p_marked(p_zones[region]) / LEAK))
            elif region in stands_for:
                best = max(p_zones[z] for z in stands_for[region])
                terms.append(WITHIN_WEIGHT * intensity * math.log(_p_marked(best) / LEAK))
        for zone, p_zone in p_zones.items():
            if zone not in marks and zone not in covered:
                terms.append(math.log((1 - _p_marked(p_zone)) / (1 - LEAK)))
        # fsum is exact, so the result does not depend on the order marks or zones come in.
        llr = math.fsum(terms)
        prior = PRIORS.get(muscle.prevalence, 1.0)
        if context is not None and context in muscle.contexts:
            prior *= CONTEXT_BOOST
        weight = math.log(prior) + llr
        usual = {r for r in explained if r in essential or essential & set(stands_for.get(r, ()))}
        explained.sort(key=lambda r: (r not in usual, -marks[r], r))
        zone_counts.append(len(p_zones))
        results.append(
            (
                weight,
                Finding(
                    slug=muscle.slug,
                    score=0.0,
                    explained=tuple(explained),
                    explained_essential=tuple(r for r in explained if r in usual),
                    unmarked_usual=tuple(
                        z for z in muscle.essential if z not in marks and z not in covered
                    ),
                    log_likelihood_ratio=llr,
                ),
            )
        )
    if not results:
        return []
    top = max(w for w, _ in results)
    total = math.fsum(math.exp(w - top) for w, _ in results)
    ranked = sorted(
        (
            (
                Finding(
                    f.slug,
                    math.exp(w - top) / total,
                    f.explained,
                    f.explained_essential,
                    f.unmarked_usual,
                    f.log_likelihood_ratio,
                ),
                zones,
            )
            for (w, f), zones in zip(results, zone_counts, strict=True)
        ),
        # Exact ties: the more specific pattern (fewer zones) first, then by slug.
        key=lambda pair: (-pair[0].score, pair[1], pair[0].slug),
    )
    found = [f for f, _ in ranked]
    return found[:limit] if limit is not None else found


def shared_patterns(candidates: Iterable[Candidate]) -> list[tuple[str, ...]]:
    """Groups of muscles whose essential zones are identical, each in the order the finder ranks
    them when exactly those zones are marked (no context); groups ordered by their first slug."""
    muscles = list(candidates)
    by_pattern: dict[frozenset[str], list[Candidate]] = {}
    for muscle in muscles:
        by_pattern.setdefault(frozenset(muscle.essential), []).append(muscle)
    groups = []
    for pattern, members in by_pattern.items():
        if len(members) < 2:
            continue
        slugs = {m.slug for m in members}
        ranked = find(dict.fromkeys(pattern, 1.0), muscles)
        groups.append(tuple(f.slug for f in ranked if f.slug in slugs))
    return sorted(groups)


def parse_mark(text: str, scale: int = 10) -> tuple[str, float]:
    """``REGION`` or ``REGION:INTENSITY`` (1..scale) as (region, intensity in (0, 1])."""
    region, _, raw = text.partition(":")
    if not raw:
        return region.strip(), 1.0
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"{text!r}: the intensity after ':' must be a whole number from 1 to {scale}."
        ) from None
    if not 1 <= value <= scale:
        raise ValueError(f"{text!r}: the intensity after ':' must be from 1 to {scale}.")
    return region.strip(), value / scale


def marks_from(texts: Sequence[str]) -> dict[str, float]:
    marks: dict[str, float] = {}
    for text in texts:
        region, intensity = parse_mark(text)
        marks[region] = max(intensity, marks.get(region, 0.0))
    return marks
