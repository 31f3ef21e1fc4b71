"""Ready-made strength programmes a person can start from, and what the one they follow asks.

The first is the specific strength training of the Danish office-worker trials (Andersen LL et
al. 2008, Arthritis Rheum 59:84; reference guidelines-facts.md section 4.2): five dumbbell
exercises for the neck and shoulders, three sessions of about 20 minutes a week, loads that
move from about 12 repetitions maximum toward 8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knotless.accounts.services import local_today
from knotless.library.exercises import load_exercises
from knotless.training.models import Programme


@dataclass(frozen=True, slots=True)
class Item:
    slug: str
    sets: int
    reps_low: int
    reps_high: int


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    name: str
    summary: str
    evidence: str
    days_per_week: int
    minutes: int
    equipment: tuple[str, ...]
    items: tuple[Item, ...]
    source: str


TEMPLATES = {
    "office-neck-shoulder": Template(
        key="office-neck-shoulder",
        name="Office neck and shoulder programme",
        summary=(
            "Five dumbbell exercises for the muscles that sitting at a screen wears on: one-arm "
            "row, lateral raise, shrug, reverse fly and upright row. Three sessions a week of "
            "about 20 minutes, three sets each, starting with a weight you could lift about "
            "12 times and moving toward one you can lift 8 times."
        ),
        evidence=(
            "Danish workplace trials tested this kind of training on office workers with neck "
            "and shoulder pain. In one, women with tender upper trapezius muscles who trained "
            "this way for 10 weeks reported far less neck pain on average than those who "
            "cycled instead; in a year-long trial of 549 office workers, pain fell in those "
            "who trained. Averages from trials, not a promise for one person."
        ),
        days_per_week=3,
        minutes=20,
        equipment=("dumbbell",),
        items=tuple(
            Item(slug, 3, 8, 12)
            for slug in (
                "one-arm-dumbbell-row",
                "dumbbell-lateral-raise",
                "dumbbell-shrug",
                "dumbbell-reverse-fly",
                "dumbbell-upright-row",
            )
        ),
        source=(
            "Andersen LL et al. 2008, Arthritis Rheum 59:84; Andersen LL et al. 2008, MSSE 40:983"
        ),
    ),
}


def check_templates() -> None:
    """Every template's exercises are strength exercises of the library."""
    library = load_exercises()
    for template in TEMPLATES.values():
        for item in template.items:
            exercise = library.get(item.slug)
            if exercise is None or exercise.kind != "strength":
                raise ValueError(f"{template.key}: {item.slug} is not a strength exercise")
            if not 1 <= item.reps_low <= item.reps_high:
                raise ValueError(f"{template.key}: {item.slug} has an empty rep range")


def active(user: Any) -> tuple[Programme, Template] | None:
    found = Programme.objects.filter(user=user).first()
    if found is None or found.key not in TEMPLATES:
        return None
    return found, TEMPLATES[found.key]


def start(user: Any, key: str) -> Programme:
    if key not in TEMPLATES:
        raise KeyError(key)
    programme, _ = Programme.objects.update_or_create(
        user=user, defaults={"key": key, "started_on": local_today(user)}
    )
    return programme


def stop(user: Any) -> None:
    Programme.objects.filter(user=user).delete()


def item_for(user: Any, slug: str) -> Item | None:
    """The programme's target for this exercise, when the person follows one that has it."""
    followed = active(user)
    if followed is None:
        return None
    return next((i for i in followed[1].items if i.slug == slug), None)
