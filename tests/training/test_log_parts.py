"""The training page's parts drawn from the log (training/log_parts.py) are kept under what
they rest on: after any write, the page is the one drawn afresh, and a write they do not rest
on leaves them kept."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from knotless import fragments
from knotless.training import log_parts, services
from knotless.training.models import Entry, Workout
from tests.training.walk import Walk

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _page(client: Client, step: int, kept: bool) -> str:
    if not kept:
        log_parts.KEPT.clear()
        fragments.KEPT.clear()
    cache.clear()  # the page cache (pagecache.py) would serve the page it drew before
    response = client.get(f"/training/?step={step}")
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def test_the_page_is_the_one_drawn_afresh_after_every_write(client_in: Client, user: Any) -> None:
    walk = Walk(user, 11, timezone.now())
    writes = walk.page_writes()
    seen: set[str] = set()
    shown: set[str] = set()
    for step in range(200):
        write = walk.rng.choice([*writes, walk.drink])
        write()
        before = len(log_parts.KEPT._items)
        page = _page(client_in, step, kept=True)
        if write == walk.drink and before:
            assert len(log_parts.KEPT._items) == before, "a drink drew the parts again"
        assert page == _page(client_in, step, kept=False), f"step {step}: after {write.__name__}"
        seen.add(write.__name__)
        shown.update(
            part
            for part, words in (
                ("lifts", "Your lifts"),
                ("own lift", "Cable face pull"),
                ("flare", "notice--danger"),
                ("morning", "The morning after"),
                ("to rate", "Rate your session"),
                ("jump", "See the load"),
                ("held", "No suggestion"),
                ("sessions", "Recent sessions"),
                ("pounds", " lb</p>"),
            )
            if words in page
        )
    assert seen == {w.__name__ for w in [*writes, walk.drink]}
    # The walk reached every part of the page, a lift held back by the answers among them.
    assert shown == {
        *("lifts", "own lift", "flare", "morning", "to rate", "jump", "held", "sessions"),
        "pounds",
    }


def test_someone_who_never_trained_reads_no_log(client_in: Client, user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_in.get("/training/")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client_in.get("/training/?again=1").content.decode()
    assert "Nothing logged yet" in page
    log_reads = [q["sql"] for q in queries if "training_workout" in q["sql"]]
    assert len(log_reads) == 2, log_reads  # this session's workout, and the tally
    assert not [q for q in queries if "training_entry" in q["sql"] or "workset" in q["sql"]]
    assert not Workout.objects.filter(user=user).exists()


def test_a_change_of_units_redraws_the_advice(client_in: Client, user: Any) -> None:
    walk = Walk(user, 11, timezone.now())
    walk.own_lift()
    assert " kg</p>" in _page(client_in, 1, kept=True)
    profile = user.profile
    profile.units = "imperial"
    profile.save()
    kept = _page(client_in, 2, kept=True)
    assert " lb</p>" in kept
    assert kept == _page(client_in, 3, kept=False)


def test_the_load_page_is_the_one_drawn_afresh_after_every_write(
    client_in: Client, user: Any
) -> None:
    """The load's charts and tables are kept under the workouts' tally and the settings
    (training/pages.py): after each write, the page is the one drawn afresh."""
    walk = Walk(user, 5, timezone.now())
    writes = walk.page_writes()
    charts = 0
    for step in range(120):
        write = walk.rng.choice([*writes, walk.drink])
        write()
        cache.clear()
        kept = client_in.get(f"/training/load/?step={step}").content.decode()
        fragments.KEPT.clear()
        cache.clear()
        fresh = client_in.get(f"/training/load/?step={step}").content.decode()
        assert TOKEN.sub("", kept) == TOKEN.sub("", fresh), f"step {step}: {write.__name__}"
        charts += "<svg" in kept
    assert charts > 60  # the walk had a load to draw


def test_a_kept_lift_s_form_posts(user: Any) -> None:
    """The lifts are kept as drawn, their forms' tokens with them: a token kept for this
    browser's CSRF cookie is still accepted."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    services.log_lift(user, "Goblet squat", "3x8@16kg", when=timezone.now() - timedelta(days=2))
    browser.get("/training/")  # sets the CSRF cookie
    cache.clear()
    browser.get("/training/?first=1")  # draws the lifts and keeps them
    cache.clear()
    page = browser.get("/training/?again=1").content.decode()  # the kept lifts
    form = re.search(
        r'action="/training/copy/">.*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    )
    assert form is not None
    copied = browser.post(
        "/training/copy/", {"lift": "lib:goblet-squat", "csrfmiddlewaretoken": form[1]}
    )
    assert copied.status_code == 302
    assert Entry.objects.filter(workout__user=user, sets_text="3x8@16kg").count() == 2
