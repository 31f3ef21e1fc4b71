"""The stranger-gets-404 net, generated from the URL conf (DESIGN habits 2 and 13).

Every URL that takes an id or a token is filled with another user's rows (tests/urlwalk.py)
and requested by a signed-in stranger, by GET and by POST: the answer is 404, and no stored
row changes. A method the view refuses for everyone (a GET on a POST-only view) may answer 405,
as it does for the owner. A new URL with an id or a token fails here until urlwalk knows how to
fill it, so a new view cannot forget its ownership check unnoticed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from knotless.practice import schedule
from tests.urlwalk import (
    ARGS,
    OWNED_ARGS,
    Route,
    World,
    lost_or_changed,
    make_world,
    routes,
    snapshot,
    unfilled,
)

# URLs whose token is the permission itself: a calendar app fetches the feed signed out, and
# the setup link creates the first account. The stranger is whoever does not hold the live
# link: an old link, or one never issued, must find nothing.
CAPABILITY = {
    "plan_feed": "the private calendar link: whoever holds it reads the plan, by design",
    "setup": "the first-run link: once an account exists, no link works",
    "share_manifest": "a share with a physio: whoever holds the link may ask (tests/sharing)",
    "share_file": "the file a manifest handed out: an hour, to whoever holds it (tests/sharing)",
}
NOT_TRIED = {
    "admin:*": "Django's admin: staff only (a stranger is sent to its sign-in), ids its own",
}

MISSING = 2_000_000_000

# What a stranger might post: the fields the app's forms use, with believable values.
BODY = {
    "pain": "3",
    "note": "a stranger was here",
    "moment": "",
    "first_felt": "2026-01-01",
    "region": "calf",
    "side": "left",
    "version": "1",
    "played": "60",
    "none": "1",
    "action": "stop",
}


def _owned() -> list[Route]:
    return [
        r
        for r in routes()
        if r.args & OWNED_ARGS and r.name not in NOT_TRIED and r.name not in CAPABILITY
    ]


def _fills(name: str, world: World) -> list[dict[str, Any]]:
    """The route's arguments, and for a session URL both a saved and an open session."""
    kwargs = ARGS[name](world)
    if "session_id" in kwargs:
        return [
            {**kwargs, "session_id": world.session.pk},
            {**kwargs, "session_id": world.open_session.pk},
        ]
    return [kwargs]


def test_it_knows_every_url_with_an_id_or_a_token() -> None:
    names = {r.name for r in routes()}
    assert not unfilled(set(NOT_TRIED)), (
        f"URL(s) {unfilled(set(NOT_TRIED))}: say how to fill their arguments in ARGS in "
        "tests/urlwalk.py, so the stranger test covers them."
    )
    assert set(CAPABILITY) | set(NOT_TRIED) - {"admin:*"} <= names, "a listed URL is gone"
    # Every argument is known to be owned or public knowledge (a slug, a frame).
    public = {"slug", "frame"}
    unknown = {a for r in routes() for a in r.args} - OWNED_ARGS - public
    assert not unknown, f"URL argument(s) {unknown}: owned (OWNED_ARGS in urlwalk) or public?"
    assert len(_owned()) >= 12  # the journal's, the check-ins', the player's and the sessions'


@pytest.fixture
def owner_world(make_user: Any) -> World:
    return make_world(make_user("owner", time_zone="Pacific/Kiritimati"), "Pacific/Kiritimati")


@pytest.fixture
def owner_client(client: Client, owner_world: World) -> Client:
    client.force_login(owner_world.user)
    return client


@pytest.fixture
def stranger_client(make_user: Any) -> Client:
    stranger = make_user("stranger", time_zone="America/Adak")
    make_world(stranger, "America/Adak")  # rows of their own, with ids close to the owner's
    client = Client()
    client.force_login(stranger)
    return client


@pytest.mark.parametrize("route", _owned(), ids=lambda r: r.name)
def test_it_answers_a_stranger_404_and_changes_nothing(
    owner_world: World, owner_client: Client, stranger_client: Client, route: Route
) -> None:
    for kwargs in _fills(route.name, owner_world):
        url = route.path(kwargs)
        # The owner reaches it (the fill is right): so a 404 below is the ownership check.
        assert owner_client.get(url).status_code != 404, f"{url}: the owner gets 404"
        # The same URL with ids nobody has: what a method refused for everyone answers.
        nobody = route.path({k: MISSING if k in OWNED_ARGS else v for k, v in kwargs.items()})
        before = snapshot()
        for method in ("get", "post"):
            send = getattr(stranger_client, method)
            response = send(url, BODY if method == "post" else None)
            what = f"stranger {method.upper()} {url}"
            if response.status_code == 405:
                # Refused before any row is read (require_POST, require_GET): no leak, as long
                # as an id nobody has gets the same.
                assert send(nobody).status_code == 405, what
            else:
                assert response.status_code == 404, f"{what}: {response.status_code}"
            after = snapshot()
            assert not lost_or_changed(before, after), f"{what} changed or lost rows"
            assert not lost_or_changed(after, before), f"{what} added rows"


def test_it_answers_a_link_the_holder_no_longer_has_404(
    owner_world: World, stranger_client: Client
) -> None:
    """The capability URLs: an old calendar link, a made-up one, and a setup link once an
    account exists find nothing, by GET or POST, and change nothing."""
    old = owner_world.feed_token
    schedule.new_feed_token(owner_world.user)  # the old link stops working
    found = {r.name: r for r in routes()}
    urls = [
        found["plan_feed"].path({"token": old}),
        found["plan_feed"].path({"token": "x" * 32}),
        found["setup"].path({"token": old}),
    ]
    before = snapshot()
    for url in urls:
        for method in ("get", "post"):
            response = getattr(stranger_client, method)(url)
            assert response.status_code in {404, 405}, f"{method.upper()} {url}"
            if method == "get":
                assert response.status_code == 404, url
    assert not lost_or_changed(before, snapshot())
    assert not lost_or_changed(snapshot(), before)
