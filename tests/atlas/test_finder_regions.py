"""The finder on the finer body-map places (issue 16): regression cases on the real atlas.

Each case is a map a person could draw and the muscle the reference makes its usual source. The
old, coarser places keep working: knots stored under them still find muscles.
"""

from __future__ import annotations

import time

import pytest

from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import load_regions, region_label
from knotless.lib.finder import find

NEW_PLACES = (
    "chin",
    "perineum",
    "lower-buttock",
    "outer-ankle",
    "inner-ankle",
    "ball-of-foot",
    "ball-of-big-toe",
    "lesser-toes",
)


def ranked(*regions: str, context: str | None = None) -> list[str]:
    return [
        f.slug for f in find(dict.fromkeys(regions, 1.0), load_muscles().values(), context=context)
    ]


@pytest.mark.parametrize(
    ("marks", "first"),
    [
        (("perineum",), "superficial-perineal"),
        (("coccyx", "sacrum", "perineum"), "levator-ani"),
        (("chin",), "platysma"),
        (("chin", "cheek", "jaw-tmj"), "platysma"),
        (("lower-buttock",), "short-hip-rotators"),
        (("lower-buttock", "back-of-thigh"), "medial-hamstrings"),
        (("lower-buttock", "back-of-thigh", "back-of-knee"), "hamstrings"),
        (("outer-ankle", "top-of-foot"), "extensor-digitorum-brevis"),
        (("outer-ankle", "outer-lower-leg"), "peroneus-longus"),
        (("inner-ankle",), "abductor-hallucis"),
        (("inner-ankle", "heel", "arch-sole"), "abductor-hallucis"),
        (("ball-of-foot",), "flexor-digitorum-brevis"),
        (("ball-of-foot", "lesser-toes"), "flexor-digitorum-longus"),
        (("ball-of-foot", "ball-of-big-toe"), "adductor-hallucis"),
        (("ball-of-big-toe",), "flexor-hallucis-brevis"),
        (("ball-of-big-toe", "big-toe"), "flexor-hallucis-longus"),
        (("lesser-toes", "top-of-foot"), "extensor-digitorum-longus"),
        # Shared usual zones: the more specific muscle first, its partner by its own evidence.
        (("back-of-knee",), "popliteus"),
        (("back-of-knee", "big-toe"), "plantaris"),
        (("front-of-chest", "side-of-chest"), "intercostals"),
        (("front-of-chest", "side-of-chest", "top-of-shoulder"), "diaphragm"),
        (("back-of-shoulder",), "posterior-deltoid"),
        (("back-of-shoulder", "ring-and-little-fingers"), "teres-minor"),
        (("thumb", "web-of-thumb"), "thumb-muscles"),
        (("thumb", "web-of-thumb", "front-of-upper-arm"), "brachialis"),
        (("ball-of-foot", "heel"), "abductor-digiti-minimi-foot"),
    ],
)
def test_it_names_the_usual_source_of_a_map_on_the_finer_places(
    marks: tuple[str, ...], first: str
) -> None:
    assert ranked(*marks)[0] == first, ranked(*marks)[:3]


@pytest.mark.parametrize("place", NEW_PLACES)
def test_a_new_place_alone_is_led_by_a_muscle_that_usually_sends_pain_there(place: str) -> None:
    # Widely-referring muscles that only sometimes reach a place never lead the list there.
    top = load_muscles()[ranked(place)[0]]
    assert place in top.essential, (place, top.slug)


@pytest.mark.parametrize("place", ["buttock", "groin", "arch-sole", "jaw-tmj", "top-of-foot"])
def test_the_coarser_places_knots_were_stored_under_still_find_muscles(place: str) -> None:
    assert load_regions()[place]
    assert region_label(place, "left")
    assert len(ranked(place)) >= 3


def test_the_running_context_does_not_hide_the_popliteus_behind_the_plantaris() -> None:
    # Context raises a prior only a little; it cannot turn a shared pattern's order around.
    assert ranked("back-of-knee", context="running")[:2] == ["popliteus", "plantaris"]


def test_a_query_on_the_new_places_stays_fast() -> None:
    muscles = list(load_muscles().values())
    marks = dict.fromkeys(NEW_PLACES, 0.6)
    find(marks, muscles)
    start = time.perf_counter()
    for _ in range(50):
        find(marks, muscles)
    assert (time.perf_counter() - start) / 50 < 0.01


@pytest.mark.parametrize(
    ("coarse", "finer_muscles"),
    [
        ("arch-sole", {"flexor-digitorum-brevis", "flexor-digitorum-longus", "adductor-hallucis"}),
        ("groin", {"superficial-perineal"}),
        ("jaw-tmj", {"platysma"}),
        ("outer-lower-leg", {"extensor-digitorum-brevis"}),
    ],
)
def test_a_tap_on_the_coarser_place_still_finds_the_muscles_of_the_finer_places_inside(
    coarse: str, finer_muscles: set[str]
) -> None:
    # The whole-body views draw only the coarser places (the small sole, the groin): a tap there
    # still lists the muscles whose zone is a finer place inside, after those whose own zone it is.
    found = ranked(coarse)
    assert finer_muscles <= set(found[:8]), found[:8]
    own = [slug for slug in found if coarse in load_muscles()[slug].essential]
    assert own and found[0] in own
