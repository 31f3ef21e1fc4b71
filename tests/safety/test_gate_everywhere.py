"""The safety net generated from the URL conf (DESIGN habits 11 and 13).

Every page a signed-in user can reach is fetched, with its URL arguments filled from objects
made here, for two users:

* one with a standing emergency answer (from the chest questions, or from those of the abdomen,
  the pelvis or the leg): no page may offer anything to play;
* one whose only knot is an unscreened neck knot: no page may offer an exercise for its muscle;
* one whose neck knot is answered and whose calf knot is not: no page may offer an exercise for
  the calf muscle.

A new URL that this module does not know how to fill fails :func:`test_it_knows_every_url`, so
the next view cannot slip past the gate unnoticed: add it to ``WALK`` (or, with a reason, to
``EXEMPT``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from knotless.accounts.services import local_today
from knotless.atlas.muscles import load_muscles
from knotless.insights import services as insights
from knotless.journal import services as journal
from knotless.journal.models import Knot
from knotless.library.exercises import load_exercises
from knotless.practice import schedule
from knotless.practice import services as practice
from knotless.practice.models import DayPlan, Session
from knotless.safety.checklist import flags_for
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from knotless.training import services as training
from tests import urlwalk

Query = dict[str, Any]
Visit = tuple[dict[str, Any], Query]  # URL kwargs, query string


@dataclass
class World:
    user: Any
    knot: Knot
    checkin_id: int
    session: Session  # saved
    open_session: Session  # started, never saved
    feed_token: str
    workout_id: int = 0  # a strength workout with the knot's muscle trained in it
    entry_id: int = 0
    experiment_id: int = 0


def _one(kwargs: dict[str, Any] | None = None, query: Query | None = None) -> list[Visit]:
    return [(kwargs or {}, query or {})]


TRAP_STRENGTH = "dumbbell-shrug"
A_SLUG = "upper-trapezius-side-bend-stretch"

# How to fill each URL the walk fetches: its arguments, and the queries worth trying.
WALK: dict[str, Callable[[World], list[Visit]]] = {
    "today": lambda w: _one(),
    "journal": lambda w: _one(),
    "knot_new": lambda w: [
        ({}, {}),
        ({}, {"region": "back-of-neck", "side": "left", "muscle": "upper-trapezius"}),
    ],
    "knot": lambda w: [({"knot_id": w.knot.pk}, {}), ({"knot_id": w.knot.pk}, {"all": "1"})],
    "knot_checkin": lambda w: _one({"knot_id": w.knot.pk}),  # POST only: a GET is refused
    "knot_edit": lambda w: _one({"knot_id": w.knot.pk}),
    "knot_untie": lambda w: _one({"knot_id": w.knot.pk}),
    "knot_reopen": lambda w: _one({"knot_id": w.knot.pk}),
    "knot_delete": lambda w: _one({"knot_id": w.knot.pk}),
    "knot_checkins": lambda w: _one({"knot_id": w.knot.pk}),
    "knot_track": lambda w: _one(),  # POST only, from the finder: a GET is refused
    "checkin_delete": lambda w: _one({"checkin_id": w.checkin_id}),
    "finder": lambda w: [
        ({}, {}),
        ({}, {"m": "back-of-neck:left:7"}),
        ({}, {"m": ["top-of-shoulder:right:6", "temple:right:5"]}),
        ({}, {"m": "between-shoulder-blades:center:8"}),
        ({}, {"m": "front-of-knee:right:7"}),
    ],
    "atlas": lambda w: [({}, {}), ({}, {"q": "neck"})],
    "muscle": lambda w: [({"slug": slug}, {}) for slug in load_muscles()],
    "learn_knots": lambda w: _one(),
    "learn_finder": lambda w: _one(),
    "library": lambda w: [
        ({}, {}),
        ({}, {"muscle": "upper-trapezius"}),
        ({}, {"e": [TRAP_STRENGTH, "chin-tuck"], "kind": "release"}),
    ],
    "exercise": lambda w: [({"slug": slug}, {}) for slug in load_exercises()],
    "figure_moving": lambda w: _one({"slug": A_SLUG}),
    "figure_still": lambda w: _one({"slug": A_SLUG, "frame": 0}),
    "play_new": lambda w: [
        ({}, {"e": TRAP_STRENGTH}),
        ({}, {"e": [A_SLUG, "chin-tuck"]}),
        ({}, {"e": "straight-knee-calf-stretch"}),
    ],
    "play": lambda w: _one({"session_id": w.open_session.pk}),
    "play_finish": lambda w: _one({"session_id": w.open_session.pk}),
    "play_discard": lambda w: _one({"session_id": w.open_session.pk}),
    "plan": lambda w: [({}, {}), ({}, {"variant": "morning"}), ({}, {"variant": "desk"})],
    "plan_edit": lambda w: _one(),
    "plan_week": lambda w: _one(),
    "plan_settings": lambda w: _one(),
    "plan_feed_toggle": lambda w: _one(),
    "plan_feed": lambda w: _one({"token": w.feed_token}),
    "water": lambda w: _one(),
    "water_log": lambda w: _one(),
    "water_undo": lambda w: _one(),
    "water_day": lambda w: _one(),
    "water_settings": lambda w: _one(),
    "desk": lambda w: _one(),
    "desk_tick": lambda w: _one(),
    "desk_action": lambda w: _one(),
    "desk_break": lambda w: [({}, {"kind": "micro"}), ({}, {"kind": "movement"})],
    "desk_settings": lambda w: _one(),
    "sessions": lambda w: _one(),
    "session": lambda w: [
        ({"session_id": w.session.pk}, {}),
        ({"session_id": w.open_session.pk}, {}),
    ],
    "safety_check": lambda w: _one(query={"areas": "neck,head", "next": "/"}),
    # The emergency information itself: it offers nothing to play, and is walked to prove it.
    "safety_emergency": lambda w: _one(),
    "setup": lambda w: _one({"token": "not-a-setup-token"}),
    "login": lambda w: _one(),
    "logout": lambda w: _one(),
    "account": lambda w: _one(),
    "password_change": lambda w: _one(),
    "healthz": lambda w: _one(),
    "pwa_manifest": lambda w: _one(),
    "pwa_sw": lambda w: _one(),
    "pwa_offline": lambda w: _one(),
    "pwa_precache": lambda w: _one(),  # the pages kept offline: the plan's exercises
    "pwa_reminders": lambda w: _one(),
    "training": lambda w: [({}, {}), ({}, {"exercise": "Dumbbell shrug", "sets": "3x10@20kg"})],
    "training_lift": lambda w: _one(),  # POST only
    "training_copy": lambda w: _one(),  # POST only
    "training_session": lambda w: _one(),  # POST only
    "training_load": lambda w: _one(),
    "training_import": lambda w: _one(),
    "training_programme": lambda w: _one(),
    "training_settings": lambda w: _one(),
    "insights": lambda w: _one(),
    "data": lambda w: _one(),
    "data_export": lambda w: _one(),
    "report": lambda w: [({}, {}), ({}, {"weeks": "13"})],
    "shares": lambda w: _one(),
    "share_new": lambda w: _one(),
    "share_revoke": lambda w: _one({"share_id": "x" * 43}),  # POST only
    "share_viewer": lambda w: _one(),  # the physio's page: drawn in the browser, no exercise
    "share_manifest": lambda w: _one({"share_id": "x" * 43}),  # POST only (an API)
    "share_file": lambda w: _one({"token": "not-a-token"}),  # ciphertext, or 404
    "physio": lambda w: _one(),
    "physio_write": lambda w: _one(),  # the physio's form: no account, nothing played
    "physio_review": lambda w: _one(),
    "physio_add": lambda w: _one(),  # POST only
    "physio_stop": lambda w: _one(),  # POST only
    "insights_how": lambda w: _one(),
    "experiment_start": lambda w: _one(),  # POST only
    "experiment_answer": lambda w: _one({"experiment_id": w.experiment_id}),  # POST only
    "experiment_stop": lambda w: _one({"experiment_id": w.experiment_id}),  # POST only
    "training_lift_history": lambda w: [
        ({"key": f"lib:{TRAP_STRENGTH}"}, {}),
        ({"key": "lib:deadlift"}, {}),
    ],
    "training_workout": lambda w: _one({"workout_id": w.workout_id}),
    "training_rate": lambda w: _one({"workout_id": w.workout_id}),  # POST only
    "training_workout_delete": lambda w: _one({"workout_id": w.workout_id}),  # POST only
    "training_entry_edit": lambda w: _one({"entry_id": w.entry_id}),
    "training_entry_delete": lambda w: _one({"entry_id": w.entry_id}),  # POST only
    "training_morning": lambda w: _one({"entry_id": w.entry_id}),  # POST only
}

EXEMPT = {
    "admin:*": "Django's admin site: staff only, its own URL conf, and it suggests no exercise",
    "cli_door": "the terminal's quick path: it answers with what `knotless drink` and "
    "`knotless knot checkin` print, which suggest no exercise",
}

# Pages another engineer is still porting to the gate: listed here so the walk stays strict
# for everything else. Each is a strict xfail, so the day it passes, the walk fails until the
# line is removed. Empty when every surface obeys the gate.
PENDING: dict[tuple[str, str], str] = {}


def routes() -> Iterator[tuple[str, frozenset[str]]]:
    """Every URL name in the URL conf with the arguments it takes; admin counts as one."""
    return ((route.name, route.args) for route in urlwalk.routes())


def test_it_knows_every_url() -> None:
    known = set(WALK) | set(EXEMPT)
    found = dict(routes())
    unknown = sorted(set(found) - known)
    assert not unknown, (
        f"New URL(s) {unknown}: add them to WALK in {__file__} with how to fill their "
        "arguments (or to EXEMPT with a reason), so the safety walk covers them."
    )
    assert not sorted(known - set(found)), "WALK or EXEMPT names a URL that is gone"


def test_it_fills_each_url_with_the_arguments_it_takes(db: None, make_user: Any) -> None:
    world = _world(make_user("filler"))
    takes = dict(routes())
    for name, fill in WALK.items():
        for kwargs, _ in fill(world):
            assert set(kwargs) == takes[name], name


# --- the worlds -----------------------------------------------------------------------------


def _world(user: Any, *, extra_knot: bool = False) -> World:
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", muscle="upper-trapezius", pain=6, tz_name="UTC"
    )
    if extra_knot:
        journal.add_knot(
            user, region="calf", side="left", muscle="gastrocnemius", pain=4, tz_name="UTC"
        )
    # Sessions from before: they were played when the gate allowed it (or from the CLI).
    saved = practice.start(user, [A_SLUG, TRAP_STRENGTH], before={knot.pk: 6}, token="a")
    practice.finish(user, saved.pk, after={knot.pk: 4}, verdicts={}, played_seconds=600)
    started = practice.start(user, [A_SLUG], before={}, token="b")
    entry = training.log_lift(user, TRAP_STRENGTH, "3x10@20kg", pain=2)
    training.log_lift(user, "barbell hip thrust", "3x8@60kg", workout=entry.workout)
    return World(
        user=user,
        knot=knot,
        checkin_id=knot.checkins.get().pk,
        session=saved,
        open_session=started,
        feed_token=schedule.new_feed_token(user),
        workout_id=entry.workout_id,
        entry_id=entry.pk,
        experiment_id=insights.start_experiment(user, knot.pk, "water").pk,
    )


def _visits(world: World) -> Iterator[tuple[str, str, Query]]:
    for name, fill in sorted(WALK.items()):
        for kwargs, query in fill(world):
            yield name, reverse(name, kwargs=kwargs), query


PLAY_OFFER = re.compile(
    r'href="/play/|action="/play/(?!\d+/discard/)|/play/\?e=|▶|>\s*Play |Start the player'
)


def _offers_to_play(response: Any) -> list[str]:
    """Offers to play on a page, or a redirect into the player."""
    found = []
    location = response.get("Location", "")
    if urlsplit(location).path.startswith("/play/"):
        found.append(f"redirect to {location}")
    if response.status_code == 200 and not response.streaming:
        found += PLAY_OFFER.findall(response.content.decode(errors="replace"))
    return found


def _offered_slugs(response: Any) -> set[str]:
    """The exercises a response offers to play: in player links and forms, ticks, a redirect
    into the player, or the player's own script."""
    slugs: set[str] = set()
    location = response.get("Location", "")
    if urlsplit(location).path.startswith("/play/"):
        slugs.update(parse_qs(urlsplit(location).query).get("e", []))
    if response.status_code != 200 or response.streaming:
        return slugs
    page = response.content.decode(errors="replace").replace("&amp;", "&")
    for link in re.findall(r'/play/\?([^"\s<]+)', page):
        slugs.update(parse_qs(link).get("e", []))
    slugs.update(re.findall(r'name="e" value="([a-z0-9:-]+)"', page))
    slugs.update(re.findall(r'"slug": "([a-z0-9-]+)"', page))  # the player's script
    return {s.partition(":")[0] for s in slugs}


def _params(scenario: str) -> list[Any]:
    params = []
    for name in sorted(WALK):
        reason = PENDING.get((scenario, name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def _get(client: Client, name: str, world: World) -> Iterator[tuple[str, Any]]:
    for kwargs, query in WALK[name](world):
        url = reverse(name, kwargs=kwargs)
        yield f"{url}?{query}" if query else url, client.get(url, query)


@pytest.mark.parametrize("area", ["chest", "abdomen", "pelvis", "leg"])
@pytest.mark.parametrize("name", _params("emergency"))
def test_no_page_offers_anything_to_play_during_an_emergency(
    client_in: Client, user: Any, name: str, area: str
) -> None:
    world = _world(user, extra_knot=True)
    # A plan kept from earlier today, before the emergency answer, must not be offered either.
    DayPlan.objects.create(
        user=user,
        day=local_today(user),
        variant=DayPlan.Variant.MAIN,
        minutes=5,
        place="floor",
        items=[{"slug": "chin-tuck", "reps": None, "reason": "posture", "knots": []}],
    )
    emergency = next(f.id for f in flags_for([area]) if f.tier == "emergency")
    record(user, [area], [emergency])
    offenders = {
        url: offers
        for url, response in _get(client_in, name, world)
        if (offers := _offers_to_play(response))
    }
    assert not offenders, f"{name} offers exercise during an emergency: {offenders}"


@pytest.mark.parametrize("name", _params("unscreened"))
def test_no_page_offers_an_unscreened_knots_exercises(
    client_in: Client, user: Any, name: str
) -> None:
    world = _world(user)
    muscle = world.knot.muscle
    for_knot = {e.slug for e in load_exercises().values() if muscle in (*e.primary, *e.secondary)}
    offenders = {
        url: sorted(offered & for_knot)
        for url, response in _get(client_in, name, world)
        if (offered := _offered_slugs(response)) & for_knot
    }
    assert not offenders, f"{name} offers exercises for an unscreened neck knot: {offenders}"


@pytest.mark.parametrize("name", _params("unscreened-calf"))
def test_no_page_offers_an_unscreened_calf_knots_exercises(
    client_in: Client, user: Any, name: str
) -> None:
    world = _world(user, extra_knot=True)
    record(user, knot_areas(world.knot), [])  # the neck knot is answered; the calf is not
    calf = Knot.objects.get(user=user, region="calf")
    for_knot = {
        e.slug for e in load_exercises().values() if calf.muscle in (*e.primary, *e.secondary)
    }
    assert for_knot
    offenders = {
        url: sorted(offered & for_knot)
        for url, response in _get(client_in, name, world)
        if (offered := _offered_slugs(response)) & for_knot
    }
    assert not offenders, f"{name} offers exercises for an unscreened calf knot: {offenders}"
