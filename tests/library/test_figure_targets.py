"""Every figure lights up the muscles its exercise works, on the side of the body we can see.

Generated over all figures from the exercise data: a figure glows (at least) the exercise's
primary muscles and ``trains`` words, nothing it does not work, and each of them glows on the
face of the body turned towards us in some keyframe, not through it (a back muscle seen
through the chest reads as a chest muscle).
"""

from __future__ import annotations

import pytest

from knotless.library.exercises import load_exercises
from knotless.library.figure.film import film_scenes
from knotless.library.figure.glow import facing_targets
from knotless.library.figures import load_figures, validate_figure

FIGURES = load_figures()
EXERCISES = load_exercises()

# Figures still drawn so that a worked muscle glows only on the far face of the body, with what
# a redraw needs. The strict xfail fails as soon as one is fixed, so this list only shrinks. It
# is empty since cameras can rise (side planks, open book, thigh roll) and forearms can twist
# (the outer forearm release and stretch); keep it for a figure that cannot be drawn yet.
STILL_TO_REDRAW: dict[str, str] = {
    # Raised and turned views made these face the right way but unreadable as poses (a heap,
    # not a plank; not obviously lying on a roller), so they stay level: a clear pose first.
    "thigh-foam-roll": "the inner thigh, facing away in a level view",
    "side-plank-knees": "the back of the waist on the lower side, in a level view",
    "side-plank": "the back of the waist on the lower side, in a level view",
}


def worked(slug: str) -> set[str]:
    exercise = EXERCISES[slug]
    return set(exercise.primary) | set(exercise.trains)


@pytest.mark.parametrize("slug", sorted(FIGURES))
def test_it_glows_the_muscles_the_exercise_works_and_no_others(slug: str) -> None:
    exercise = EXERCISES[slug]
    targets = set(FIGURES[slug].targets)
    assert worked(slug) <= targets
    assert targets <= worked(slug) | set(exercise.secondary)


def _facing(slug: str) -> set[str]:
    keys, _, _ = film_scenes(FIGURES[slug])
    return set().union(*(facing_targets(scene.shapes) for scene in keys))


@pytest.mark.parametrize(
    "slug",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=STILL_TO_REDRAW[s]))
        if s in STILL_TO_REDRAW
        else s
        for s in sorted(FIGURES)
    ],
)
def test_it_shows_each_worked_muscle_on_the_side_facing_us(slug: str) -> None:
    assert worked(slug) <= _facing(slug)


def test_it_counts_a_back_muscle_seen_through_the_chest_as_hidden() -> None:
    def facing(view: str, yaw: float) -> set[str]:
        spec = validate_figure(
            {
                "slug": "band-pull-apart",
                "view": view,
                "base": "sit",
                "props": ["chair"],
                "frames": [{"root": [0, 0, yaw]}, {"root": [0, 0, yaw], "neck": [10]}],
            },
            where="test",
        )
        keys, _, _ = film_scenes(spec)
        return facing_targets(keys[0].shapes)

    assert facing("front", 0) == set()  # we face the chest; the rhomboids are behind it
    assert facing("front", 180) == {"rhomboids", "middle-trapezius"}  # seen from behind
    assert facing("side", -35) == {"rhomboids", "middle-trapezius"}  # the back turned to us


def test_it_counts_a_far_limb_as_hidden() -> None:
    spec = validate_figure(
        {
            "slug": "standing-quad-stretch",
            "view": "side",
            "base": "stand",
            "side": "l",
            "frames": [{}, {"knee_l": [30]}],
        },
        where="test",
    )
    keys, _, _ = film_scenes(spec)
    assert facing_targets(keys[0].shapes) == set()  # the left thigh, behind the right one
