"""No page's queries grow with the person's data: every GET page, generated from the URL conf.

A page that asks the database once per knot, per check-in or per session (an N+1) gets slower
with every week of use. Each page is fetched for a person with one knot and again after adding
four more knots (with check-ins, sessions and drinks); the number of queries must stay the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knotless import fragments
from knotless.hydration import services as water
from knotless.journal import services as journal
from knotless.practice import services as practice
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from tests.urlwalk import A_SLUG, ARGS, make_world, routes

# Pages that are not pages: downloads, figures, redirects that only act on POST.
NOT_PAGES = {"logout", "plan_feed", "figure_moving", "figure_still", "setup", "healthz"}

MORE = [
    ("medial-border-of-scapula", "right", "rhomboids"),
    ("top-of-shoulder", "left", "upper-trapezius"),
    ("low-back", "right", "quadratus-lumborum"),
    ("temple", "left", "temporalis"),
]


def _pages() -> list[str]:
    return sorted(
        r.name
        for r in routes()
        if r.callback is not None
        and not r.public
        and r.name not in NOT_PAGES
        and (not r.args or r.name in ARGS)
    )


def _queries(client: Client, path: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response.status_code, len(ctx.captured_queries), [q["sql"] for q in ctx]


def _grow(user: Any) -> None:
    for region, side, muscle in MORE:
        knot = journal.add_knot(
            user, region=region, side=side, muscle=muscle, pain=5, tz_name="UTC"
        )
        record(user, knot_areas(knot), [], knot=knot)
        for pain in (4, 6, 3):
            journal.check_in(knot, pain=pain, tz_name="UTC")
        saved = practice.start(user, [A_SLUG], before={knot.pk: 5}, token=f"more-{knot.pk}")
        practice.finish(user, saved.pk, after={knot.pk: 3}, verdicts={}, played_seconds=200)
        water.log_drink(user, 300)


def _steady(client: Client, path: str) -> tuple[int, int, list[str]]:
    """The second fetch: the first may make today's plan or similar once."""
    client.get(path)
    return _queries(client, path)


@pytest.mark.django_db
def test_no_page_asks_more_queries_as_the_data_grows(client_in: Client, user: Any) -> None:
    world = make_world(user)
    paths = {}
    for route in routes():
        if route.name in _pages():
            paths[route.name] = route.path(ARGS[route.name](world) if route.args else {})
    for path in paths.values():  # a first visit may make today's plans, which others show
        client_in.get(path)
    before = {name: _steady(client_in, path) for name, path in paths.items()}
    assert sum(status == 200 for status, _, _ in before.values()) >= 25  # the walk found pages
    _grow(user)
    for path in paths.values():
        client_in.get(path)
    grew = {}
    for name, path in paths.items():
        status, count, sqls = _steady(client_in, path)
        assert status == before[name][0], name
        if count > before[name][1]:
            grew[name] = (before[name][1], count, sqls)
    assert not grew, "\n\n".join(
        f"{name}: {was} -> {now} queries\n" + "\n".join(sqls)
        for name, (was, now, sqls) in grew.items()
    )


# The standing safety answers are read into one ``Gates`` per page (safety/policy.py reads
# those of the last VALID_FOR); a second read is slower, and could disagree with the first if an
# answer lands between them. (The knot page also lists the knot's past answers: another read.)
SCREENINGS = '"safety_screening"."created_at" >='


@pytest.mark.django_db
def test_no_page_reads_the_safety_answers_twice(client_in: Client, user: Any) -> None:
    world = make_world(user)  # a running experiment too, so pages show its instruction
    twice = {}
    read = 0
    for route in routes():
        if route.name not in _pages():
            continue
        path = route.path(ARGS[route.name](world) if route.args else {})
        client_in.get(path)
        cache.clear()  # drawn afresh, not served from the page cache (pagecache.py)
        fragments.KEPT.clear()
        status, _, sqls = _queries(client_in, path)
        found = [s for s in sqls if SCREENINGS in s]
        read += bool(found)
        if status == 200 and len(found) > 1:
            twice[route.name] = found
    assert read >= 8  # the walk reached the pages that ask
    assert not twice, "\n\n".join(f"{name}:\n" + "\n".join(s) for name, s in twice.items())
