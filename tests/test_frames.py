"""Pages drawn as a kept frame and live parts (knotless/frames.py, the knot page): the frame reads
no check-in, a check-in leaves it kept, any other write draws it again, and the page put together
from a kept frame is always the page drawn from nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotless import frames
from knotless.accounts.models import Profile
from knotless.journal import history
from knotless.journal import services as journal
from knotless.journal.models import CheckIn
from knotless.lib import charts
from knotless.lib.days import zone
from knotless.lib.memo import Memo
from knotless.safety import policy, screening
from knotless.training import services as training

TZ = "Europe/Berlin"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
MESSAGES = re.compile(r'<div class="messages" role="status">.*?</div>\s*', re.S)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Each frame drawn, as the SQL it ran."""
    seen: list[list[str]] = []
    assemble = frames.assemble

    def spy(request: Any, name: str, draw_frame: Callable[[], Any], *a: Any, **k: Any) -> str:
        def watched() -> Any:
            with CaptureQueriesContext(connection) as queries:
                made = draw_frame()
            seen.append([q["sql"] for q in queries.captured_queries])
            return made

        return assemble(request, name, watched, *a, **k)

    monkeypatch.setattr(frames, "assemble", spy)
    return seen


def _knot(user: Any) -> Any:
    """A knot followed for 40 days (long enough for its 4-week review), its area answered."""
    made = journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="right",
        pain=6,
        tz_name=TZ,
        muscle="rhomboids",
        moment=timezone.now() - timedelta(days=40),
        first_felt=(timezone.now() - timedelta(days=41)).date(),
    )
    screening.record(user, policy.knot_areas(made), [], knot=made)
    return made


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("today"))
    assert "csrftoken" in client.cookies  # without it no frame is kept, and this file tests nothing
    return client


def _fresh(client: Client, url: str) -> str:
    """The page drawn from nothing: no kept frame, page, history or drawing."""
    cache.clear()
    for module in (history, charts):  # every drawing and history kept in this process
        for kept in vars(module).values():
            if isinstance(kept, Memo):
                kept.clear()
    history._item.cache_clear()
    return _same(client.get(url).content.decode())


def _same(html: str) -> str:
    # A form's token is masked afresh on each drawing; what it is made from is the cookie. And
    # the messages leave some white space behind when taken out.
    return re.sub(r"\s+", " ", TOKEN.sub('name="csrfmiddlewaretoken" value=""', html))


def _versions(user: Any) -> tuple[int, int]:
    profile = Profile.objects.get(user=user)
    return profile.data_version, profile.frame_version


def test_drawing_the_frame_reads_no_check_in(user: Any, drawn: list[list[str]]) -> None:
    knot = _knot(user)
    journal.check_in(knot, pain=5, tz_name=TZ, note="stiff")
    client = _signed_in(user)
    page = client.get(reverse("knot", args=[knot.pk])).content.decode()
    assert "5<small>/10 latest</small>" in page  # the live parts read them
    assert len(drawn) == 1 and drawn[0]  # the frame was drawn, and read the database
    table = CheckIn._meta.db_table
    assert not [sql for sql in drawn[0] if table in sql]


def test_a_check_in_keeps_the_frame_and_other_writes_draw_it_again(
    user: Any, drawn: list[list[str]]
) -> None:
    knot = _knot(user)
    client = _signed_in(user)
    url = reverse("knot", args=[knot.pk])
    client.get(url)
    assert len(drawn) == 1
    data, frame = _versions(user)
    client.post(reverse("knot_checkin", args=[knot.pk]), {"pain": "4"})
    assert _versions(user)[0] != data and _versions(user)[1] == frame
    page = client.get(url).content.decode()
    assert "Checked in: 4/10." in page and "4<small>/10 latest</small>" in page
    assert len(drawn) == 1  # kept
    journal.check_in(knot, pain=3, tz_name=TZ)  # from the terminal: the same
    assert _versions(user)[1] == frame
    client.get(url)
    assert len(drawn) == 1
    client.post(reverse("knot_checkin", args=[knot.pk]), {"pain": "4", "new_tag": "long drive"})
    assert _versions(user)[1] != frame  # a new tag is offered on the form
    assert "long drive" in client.get(url).content.decode()
    assert len(drawn) == 2
    knot.refresh_from_db()
    knot.note = "after the move"
    knot.save()
    assert "after the move" in client.get(url).content.decode()
    assert len(drawn) == 3


def test_a_page_from_a_kept_frame_is_the_page_drawn_afresh(
    user: Any, drawn: list[list[str]]
) -> None:
    knot = _knot(user)
    client = _signed_in(user)
    url = reverse("knot", args=[knot.pk])
    checkin = reverse("knot_checkin", args=[knot.pk])
    now = timezone.localtime(timezone.now(), zone(TZ))

    def train() -> None:
        workout = training.workout_for(user, when=timezone.now() - timedelta(hours=30))
        training.log_lift(user, "one-arm dumbbell row", "3x10@20kg", workout=workout)

    def played() -> None:
        from knotless.practice import services as practice

        session = practice.start(user, ["chin-tuck"], before={knot.pk: 6})
        practice.finish(user, session.pk, after={knot.pk: 3}, verdicts={}, played_seconds=60)

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("a check-in", lambda: client.post(checkin, {"pain": "7"})),
        ("another, with a note", lambda: client.post(checkin, {"pain": "2", "note": "a <b>"})),
        ("with a tag", lambda: client.post(checkin, {"pain": "5", "tags": ["slept badly"]})),
        ("with a new tag", lambda: client.post(checkin, {"pain": "5", "new_tag": "new desk"})),
        (
            "back-dated",
            lambda: client.post(
                checkin,
                {"pain": "9", "moment": (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")},
            ),
        ),
        ("training", train),
        ("a session rated before and after", played),
        ("a rise after training", lambda: client.post(checkin, {"pain": "9"})),
        ("a mistaken one deleted", lambda: CheckIn.objects.filter(knot=knot).latest("id").delete()),
        ("the whole history", lambda: None),
        ("untied", lambda: client.post(reverse("knot_untie", args=[knot.pk]), {"pain": "1"})),
        ("reopened", lambda: client.post(reverse("knot_reopen", args=[knot.pk]))),
        ("checked in again", lambda: client.post(checkin, {"pain": "6"})),
    ]
    client.get(url)
    said = kept = 0
    for name, step in steps:
        step()
        shown = url + ("?all=1" if name == "the whole history" else "")
        before = len(drawn)
        page = client.get(shown).content.decode()
        kept += len(drawn) == before
        assert page.count("<!--knotless-live") == 0, name
        said += bool(MESSAGES.search(page))
        assert _same(MESSAGES.sub("", page)) == _fresh(client, shown), name
        client.get(shown)  # a frame kept for the next step
    assert said >= 6  # the messages after each check-in were shown, live
    assert kept >= 4  # the plain check-ins and the deletion put the page on a kept frame
    assert "around a session</a>: <strong>6 → 3</strong>" in page  # the session's marks


def test_a_frame_must_hold_each_slot_once(rf: Any) -> None:
    request = rf.get("/")
    live = {"a": lambda: "A"}
    with pytest.raises(RuntimeError, match="0 times"):
        frames.assemble(request, "t", lambda: ("no slot", None), lambda _: live)
    twice = f"{frames.slot('a')}{frames.slot('a')}"
    with pytest.raises(RuntimeError, match="2 times"):
        frames.assemble(request, "t", lambda: (twice, None), lambda _: live)
    page = frames.assemble(
        request, "t", lambda: (f"<p>{frames.slot('a')}</p>", None), lambda _: live
    )
    assert page == "<p>A</p>"
