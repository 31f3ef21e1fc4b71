"""Understand: the muscle atlas, the "where does it hurt?" finder and the explanations."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from knotless.accounts.typing import AuthedRequest
from knotless.atlas.bodymap import CAPTIONS, regions_in_view, render_view, views
from knotless.atlas.muscles import GROUPS, Muscle, get_muscle, load_muscles
from knotless.atlas.regions import load_regions, sides_for
from knotless.atlas.sprite import sprite_url
from knotless.journal.services import knots_here
from knotless.lib import finder
from knotless.library.exercises import exercises_for
from knotless.safety import guard
from knotless.safety.checklist import areas_for
from knotless.safety.policy import NEEDS_ANSWERS, OPEN_VERDICT, Gates, Verdict, muscle_areas
from knotless.safety.views import emergency_page

CONTEXTS = {"": "Not specified", "desk": "Desk work", "lifting": "Lifting", "running": "Running"}
INTENSITIES = [(n, str(n)) for n in range(1, 11)]
DEFAULT_INTENSITY = 6


@dataclass(frozen=True, slots=True)
class Mark:
    region: str
    side: str
    intensity: int  # 1..10

    @property
    def token(self) -> str:
        return f"{self.region}:{self.side}:{self.intensity}"


def parse_marks(tokens: list[str]) -> tuple[list[Mark], list[str]]:
    """``region:side:intensity`` query values as marks; bad ones are reported, not fatal."""
    regions = load_regions()
    marks: dict[tuple[str, str], Mark] = {}
    problems = []
    for token in tokens[:60]:
        region, _, rest = token.partition(":")
        side, _, raw = rest.partition(":")
        if region not in regions or side not in sides_for(regions[region]):
            problems.append(f"Ignored {token!r}: not a place on the body map.")
            continue
        try:
            intensity = int(raw) if raw else DEFAULT_INTENSITY
        except ValueError:
            intensity = 0
        if not 1 <= intensity <= 10:
            problems.append(f"Ignored {token!r}: intensity runs from 1 to 10.")
            continue
        marks[(region, side)] = Mark(region, side, intensity)
    return list(marks.values()), problems


def _query(marks: list[Mark], context: str) -> str:
    pairs = [("m", m.token) for m in marks]
    if context:
        pairs.append(("context", context))
    return urlencode(pairs)


def _shade_map(marks: list[Mark], context: str) -> list[dict[str, str]]:
    """Body map views where a tap adds a place (or removes it when already marked)."""
    marked = {(m.region, m.side): m for m in marks}

    def href(slug: str, side: str) -> str:
        if (slug, side) in marked:
            rest = [m for m in marks if (m.region, m.side) != (slug, side)]
        else:
            rest = [*marks, Mark(slug, side, DEFAULT_INTENSITY)]
        return f"?{_query(rest, context)}#results"

    selected = {key: m.intensity / 10 for key, m in marked.items()}
    return [
        {
            "caption": CAPTIONS.get(view, view),
            "svg": render_view(
                view, href=href, selected=selected, id_prefix=f"find-{view}", sprite=sprite_url()
            ),
        }
        for view in views()
    ]


def _through(found: finder.Finding, muscle: Muscle) -> list[dict[str, str]]:
    """The marked broader places that stood for this muscle's finer zones (the sole for the
    ball of the foot), to say so under the result."""
    regions = load_regions()
    rows = []
    for marked in found.explained:
        if marked not in muscle.zones:
            finer = [z for z, broader in muscle.within if marked in broader]
            rows.append(
                {
                    "marked": regions[marked].name.lower(),
                    "finer": " or ".join(regions[z].name.lower() for z in finer),
                }
            )
    return rows


def finder_page(request: AuthedRequest) -> HttpResponse:
    marks, problems = parse_marks(request.GET.getlist("m"))
    context = request.GET.get("context", "")
    if context not in CONTEXTS:
        problems.append("Ignored an unknown context.")
        context = ""
    intensities: dict[str, float] = {}
    mark_of: dict[str, Mark] = {}
    for m in sorted(marks, key=lambda m: m.intensity):
        intensities[m.region] = m.intensity / 10
        mark_of[m.region] = m
    atlas = load_muscles()
    findings = (
        finder.find(intensities, atlas.values(), context=context or None, limit=8) if marks else []
    )
    gates = Gates(request.user)
    if gates.emergency is not None:
        return emergency_page(request, gates.emergency)
    here = request.get_full_path()
    # The questions (and warnings) are those of the areas marked. A muscle found for them whose
    # knots usually send pain to another screened area (a back mark may point to the scalenes,
    # which also refer to the chest) waits for that area's questions before its self-care.
    marked_areas = areas_for(intensities)
    gate = gates.for_areas(marked_areas)
    results = []
    tracked = knots_here(request.user)  # "Track" offers a knot already at the place first
    if gate.state != NEEDS_ANSWERS:
        for found in findings:
            muscle = atlas[found.slug]
            verdict = gates.for_areas(marked_areas | muscle_areas(muscle))
            results.append(
                {
                    "finding": found,
                    "muscle": muscle,
                    # One tap tracks it: the place it explains most strongly, rated as marked.
                    "mark": mark_of[found.explained[0]],
                    "tracked": tracked(*_place(mark_of[found.explained[0]])),
                    "verdict": verdict,
                    "other_areas": sorted(verdict.areas - marked_areas),
                    "check_url": verdict.check_url(here) if verdict.state == NEEDS_ANSWERS else "",
                    "through": _through(found, muscle),
                }
            )
    regions = load_regions()
    return render(
        request,
        "understand/finder.html",
        {
            "views": _shade_map(marks, context),
            "marks": [
                {
                    "mark": m,
                    "name": _label(m),
                    "without": f"?{_query([x for x in marks if x != m], context)}",
                }
                for m in marks
            ],
            "problems": problems,
            "context": context,
            "contexts": CONTEXTS,
            "intensities": INTENSITIES,
            "results": results,
            "regions": regions,
            "gate": gate,
            "questions": gates.questions(gate),
            "asked": ",".join(sorted(gate.areas)),
            "asked_text": " or ".join(sorted(gate.areas)),
            "marked_areas": marked_areas,
            "here": here,
            "today": timezone.localdate(),
        },
    )


def _place(mark: Mark) -> tuple[str, str]:
    return mark.region, mark.side


def _label(mark: Mark) -> str:
    from knotless.atlas.regions import region_label

    return region_label(mark.region, mark.side)


def atlas_index(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    muscles = list(load_muscles().values())
    if query:
        words = query.lower().split()
        regions = load_regions()

        def haystack(m: Muscle) -> str:
            zone_names = " ".join(regions[z].name for z in m.zones)
            return " ".join([m.slug, m.name, m.anatomical, *m.aliases, zone_names]).lower()

        muscles = [m for m in muscles if all(w in haystack(m) for w in words)]
    groups = [(GROUPS[g], [m for m in muscles if m.group == g]) for g in GROUPS]
    return render(
        request,
        "understand/atlas.html",
        {
            "groups": [(name, ms) for name, ms in groups if ms],
            "query": query,
            "count": len(muscles),
        },
    )


@lru_cache(maxsize=128)
def _referral_maps(slug: str) -> list[dict[str, str]]:
    """The muscle's usual (dark) and occasional (light) zones, drawn on the right side."""
    muscle = get_muscle(slug)
    regions = load_regions()

    def place(zone: str) -> tuple[str, str]:
        return (zone, "right" if regions[zone].sided else "center")

    emphasis = {place(z): "zone-essential" for z in muscle.essential}
    emphasis.update({place(z): "zone-spillover" for z in muscle.spillover})
    shown = []
    for view in views():
        if set(muscle.zones) & regions_in_view(view):
            shown.append(
                {
                    "caption": CAPTIONS.get(view, view),
                    "svg": render_view(
                        view, emphasis=emphasis, id_prefix=f"zones-{view}", sprite=sprite_url()
                    ),
                }
            )
    return shown


def muscle_page(request: AuthedRequest, slug: str) -> HttpResponse:
    try:
        muscle = get_muscle(slug)
    except KeyError:
        raise Http404("No such muscle in the atlas.") from None
    gates = Gates(request.user)
    if gates.emergency is not None:  # no release steps while an emergency answer stands
        return emergency_page(request, gates.emergency)
    exercises = exercises_for([slug])
    # The atlas teaches about any muscle; its exercises obey the gate for the user's knots.
    offers = guard.offers(request.user, exercises, gates)
    regions = load_regions()
    first = muscle.essential[0]
    add = urlencode(
        {"region": first, "side": "right" if regions[first].sided else "center", "muscle": slug}
    )
    return render(
        request,
        "understand/muscle.html",
        {
            "muscle": muscle,
            "group": GROUPS[muscle.group],
            "essential": [regions[z].name for z in muscle.essential],
            "spillover": [regions[z].name for z in muscle.spillover],
            "maps": _referral_maps(slug),
            "add_knot": f"?{add}",
            "red_flag_area": bool(areas_for(muscle.zones)),
            "exercises": [e for e in exercises if offers.playable(e.slug)],
            "held": len(offers.held),
            "held_verdict": functools.reduce(Verdict.worst, offers.held.values(), OPEN_VERDICT),
            "here": request.get_full_path(),
        },
    )


def learn_knots(request: AuthedRequest) -> HttpResponse:
    return render(request, "learn/knots.html")


def learn_finder(request: AuthedRequest) -> HttpResponse:
    return render(request, "learn/finder.html", {"n": finder_numbers()})


@dataclass(frozen=True)
class _Example:
    slug: str
    essential: tuple[str, ...]
    spillover: tuple[str, ...]
    prevalence: str
    contexts: tuple[str, ...] = ()


def finder_numbers() -> dict[str, object]:
    """The model's settings and what they mean, computed from knotless.lib.finder, so the
    explanation page can never drift from the code."""
    import math

    def lr(p_zone: float, weight: float = 1.0) -> float:
        return round(math.exp(weight * math.log(finder._p_marked(p_zone) / finder.LEAK)), 1)

    trap = _Example("trap", ("side-of-neck", "back-of-neck", "temple"), ("jaw-tmj",), "very-common")
    temporalis = _Example(
        "temporalis", ("temple", "eyebrow", "behind-the-eye", "upper-teeth"), ("jaw-tmj",), "common"
    )

    def split(marks: dict[str, float]) -> tuple[int, int]:
        shares = {f.slug: f.score for f in finder.find(marks, [trap, temporalis])}
        return round(100 * shares.get("trap", 0)), round(100 * shares.get("temporalis", 0))

    priors = finder.PRIORS
    regions = load_regions()
    return {
        "p_essential": finder.P_ESSENTIAL,
        "p_spillover": finder.P_SPILLOVER,
        "p_mark": finder.P_MARK,
        "p_mark_pct": round(100 * finder.P_MARK),
        "leak": finder.LEAK,
        "leak_pct": round(100 * finder.LEAK),
        "marked_essential_pct": round(100 * finder._p_marked(finder.P_ESSENTIAL)),
        "marked_spillover_pct": round(100 * finder._p_marked(finder.P_SPILLOVER)),
        "lr_essential": lr(finder.P_ESSENTIAL),
        "lr_spillover": lr(finder.P_SPILLOVER),
        "lr_essential_6": lr(finder.P_ESSENTIAL, 0.6),
        "lr_spillover_6": lr(finder.P_SPILLOVER, 0.6),
        "lr_essential_1": lr(finder.P_ESSENTIAL, 0.1),
        "lr_spillover_1": lr(finder.P_SPILLOVER, 0.1),
        "blank_essential": round((1 - finder._p_marked(finder.P_ESSENTIAL)) / (1 - finder.LEAK), 2),
        "blank_spillover": round((1 - finder._p_marked(finder.P_SPILLOVER)) / (1 - finder.LEAK), 2),
        "prior_very": priors["very-common"],
        "prior_common": priors["common"],
        "prior_occasional": priors["occasional"],
        "boost": finder.CONTEXT_BOOST,
        "max_prior": round(max(priors.values()) * finder.CONTEXT_BOOST / min(priors.values()), 2),
        "example_both": split({"temple": 1.0, "side-of-neck": 1.0}),
        "example_temple": split({"temple": 1.0}),
        "shared": _shared_patterns(),
        "within_pct": round(100 * finder.WITHIN_WEIGHT),
        "finer": [
            {"name": r.name.lower(), "broader": [regions[b].name.lower() for b in r.within]}
            for r in regions.values()
            if r.within
        ],
    }


def _shared_patterns() -> list[dict[str, object]]:
    """The atlas's muscles with identical usual zones, as the finder orders them, with the
    occasional zones that bring the second one to the top."""
    muscles = load_muscles()
    regions = load_regions()
    rows: list[dict[str, object]] = []
    for first, *others in finder.shared_patterns(muscles.values()):
        for other in others:
            own = [z for z in muscles[other].spillover if z not in muscles[first].zones]
            rows.append(
                {
                    "usual": [regions[z].name.lower() for z in muscles[first].essential],
                    "first": muscles[first],
                    "other": muscles[other],
                    "own": [regions[z].name.lower() for z in own],
                }
            )
    return rows
