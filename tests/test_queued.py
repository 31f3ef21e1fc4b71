"""Entries sent more than once (the offline queue, retries, two tabs): stored once, answered
the same, and an id reused for someone else's or a different entry refused in words."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.hydration.models import Drink, Vessel
from knotless.hydration.services import settings_of
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.portable import archive
from knotless.practice.models import Session
from knotless.training import services as training
from knotless.training.models import Entry, Workout

QUEUE = {"X-Knotless-Queue": "1"}
ROUTINE = ["wrist-extensor-stretch", "seated-wrist-circles"]


def _knot(user: Any) -> Knot:
    return journal.add_knot(
        user,
        region="medial-border-of-scapula",
        side="left",
        pain=6,
        tz_name="Europe/Berlin",
        moment=timezone.now() - timedelta(days=2),
        first_felt=timezone.localdate() - timedelta(days=3),
    )


def _lift_once(client: Client) -> None:
    """Log the goblet squat once without an id, so later sends skip the first-time page."""
    client.post(
        reverse("training_lift"),
        {"exercise": "Goblet squat", "sets": "1x5", "first_time_seen": "1"},
    )


Endpoint = tuple[str, dict[str, Any], Callable[[Any], int]]


def _endpoints(user: Any, client: Client) -> dict[str, Endpoint]:
    knot = _knot(user)
    settings_of(user)  # the default cups
    cup = Vessel.objects.filter(user=user).first()
    assert cup is not None
    _lift_once(client)
    return {
        "check-in": (
            reverse("knot_checkin", args=[knot.pk]),
            {"pain": "4", "note": "after the drive"},
            lambda u: CheckIn.objects.filter(knot__user=u).count(),
        ),
        "water amount": (
            reverse("water_log"),
            {"amount": "300", "kind": "water"},
            lambda u: Drink.objects.filter(user=u).count(),
        ),
        "water cup": (
            reverse("water_log"),
            {"vessel": str(cup.pk)},
            lambda u: Drink.objects.filter(user=u).count(),
        ),
        "set": (
            reverse("training_lift"),
            {"exercise": "Goblet squat", "sets": "3x8@16kg", "first_time_seen": "1"},
            lambda u: Entry.objects.filter(workout__user=u).count(),
        ),
        "player session": (
            reverse("play_new"),
            {"e": ROUTINE, "token": ""},
            lambda u: Session.objects.filter(user=u).count(),
        ),
    }


KINDS = ["check-in", "water amount", "water cup", "set", "player session"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("queue", [False, True], ids=["form", "queue"])
def test_it_stores_the_same_entry_once_and_answers_the_same(
    client_in: Client, user: Any, kind: str, queue: bool
) -> None:
    url, data, count = _endpoints(user, client_in)[kind]
    data = data | {"client_id": str(uuid.uuid4())}
    before = count(user)
    headers: dict[str, str] = QUEUE if queue else {}
    first = client_in.post(url, data, headers=headers)
    second = client_in.post(url, data, headers=headers)
    assert count(user) == before + 1
    assert first.status_code == second.status_code
    if queue:
        assert first.status_code == 200, first.content[:300]
        assert json.loads(first.content) == json.loads(second.content)
        assert json.loads(first.content)["ok"] is True
    else:
        assert first.status_code == 302, first.content[:300]
        assert first["Location"] == second["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_without_an_id_each_send_is_a_new_entry(client_in: Client, user: Any, kind: str) -> None:
    url, data, count = _endpoints(user, client_in)[kind]
    if kind == "player session":
        return  # a start without a token or id is one play each time too; checked below
    before = count(user)
    client_in.post(url, data)
    client_in.post(url, data)
    assert count(user) == before + 2


@pytest.mark.parametrize("kind", KINDS)
def test_an_id_used_by_someone_else_is_refused(
    client_in: Client, user: Any, stranger: Any, kind: str
) -> None:
    their_client = Client()
    their_client.force_login(stranger)
    their_url, their_data, _ = _endpoints(stranger, their_client)[kind]
    cid = str(uuid.uuid4())
    assert (
        their_client.post(their_url, their_data | {"client_id": cid}, headers=QUEUE).status_code
        == 200
    )
    url, data, count = _endpoints(user, client_in)[kind]
    before = count(user)
    refused = client_in.post(url, data | {"client_id": cid}, headers=QUEUE)
    assert refused.status_code == 409
    answer = json.loads(refused.content)
    assert answer["ok"] is False and "not yours" in answer["message"]
    assert count(user) == before
    # A plain form is told in a page, not a redirect that looks like success.
    page = client_in.post(url, data | {"client_id": cid})
    assert page.status_code == 409 and b"not yours" in page.content


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("check-in", {"pain": "7"}),
        ("water amount", {"amount": "500"}),
        ("set", {"sets": "3x8@18kg"}),
        ("player session", {"e": ROUTINE[:1]}),
    ],
)
def test_an_id_reused_for_different_content_is_refused(
    client_in: Client, user: Any, kind: str, change: dict[str, Any]
) -> None:
    url, data, count = _endpoints(user, client_in)[kind]
    cid = str(uuid.uuid4())
    assert client_in.post(url, data | {"client_id": cid}, headers=QUEUE).status_code == 200
    before = count(user)
    refused = client_in.post(url, data | change | {"client_id": cid}, headers=QUEUE)
    assert refused.status_code == 409, refused.content[:300]
    assert "different entry" in json.loads(refused.content)["message"]
    assert count(user) == before


def test_a_check_in_id_reused_on_another_knot_is_refused(client_in: Client, user: Any) -> None:
    first, second = _knot(user), _knot(user)
    cid = str(uuid.uuid4())
    data = {"pain": "3", "client_id": cid}
    client_in.post(reverse("knot_checkin", args=[first.pk]), data, headers=QUEUE)
    refused = client_in.post(reverse("knot_checkin", args=[second.pk]), data, headers=QUEUE)
    assert refused.status_code == 409
    assert second.checkins.count() == 1  # its first rating only


def test_a_damaged_id_is_refused(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    refused = client_in.post(
        reverse("knot_checkin", args=[knot.pk]),
        {"pain": "3", "client_id": "x' OR 1=1"},
        headers=QUEUE,
    )
    assert refused.status_code == 409
    assert "damaged" in json.loads(refused.content)["message"]
    assert knot.checkins.count() == 1


def test_the_queue_is_told_why_not_in_words(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    url = reverse("knot_checkin", args=[knot.pk])
    bad = client_in.post(url, {"pain": "11", "client_id": str(uuid.uuid4())}, headers=QUEUE)
    assert bad.status_code == 400
    assert "0 to 10" in json.loads(bad.content)["message"]
    knot.delete()
    gone = client_in.post(url, {"pain": "3", "client_id": str(uuid.uuid4())}, headers=QUEUE)
    assert gone.status_code == 404
    assert "deleted elsewhere" in json.loads(gone.content)["message"]
    cup = client_in.post(
        reverse("water_log"), {"vessel": "999999", "client_id": str(uuid.uuid4())}, headers=QUEUE
    )
    assert cup.status_code == 404 and "cup is gone" in json.loads(cup.content)["message"]


def test_an_untied_knot_refuses_a_new_check_in_but_answers_a_resent_one(
    client_in: Client, user: Any
) -> None:
    knot = _knot(user)
    url = reverse("knot_checkin", args=[knot.pk])
    sent = {"pain": "2", "client_id": str(uuid.uuid4())}
    assert client_in.post(url, sent, headers=QUEUE).status_code == 200
    journal.untie(knot, pain=0, tz_name="Europe/Berlin")
    assert json.loads(client_in.post(url, sent, headers=QUEUE).content)["ok"] is True
    late = client_in.post(url, {"pain": "2", "client_id": str(uuid.uuid4())}, headers=QUEUE)
    assert late.status_code == 400 and "untied" in json.loads(late.content)["message"]


def test_a_signed_out_queue_gets_no_success(client: Client, user: Any) -> None:
    knot = _knot(user)
    answer = client.post(
        reverse("knot_checkin", args=[knot.pk]),
        {"pain": "3", "client_id": str(uuid.uuid4())},
        headers=QUEUE,
    )
    assert answer.status_code == 302 and "login" in answer["Location"]  # not JSON: kept


def test_quick_actions_return_to_today(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    checked = client_in.post(
        reverse("knot_checkin", args=[knot.pk]), {"pain": "3", "next": "today"}
    )
    assert checked["Location"] == reverse("today")
    drank = client_in.post(reverse("water_log"), {"amount": "250", "next": "today"})
    assert drank["Location"] == reverse("today")


def test_a_queued_set_in_a_new_workout_uses_an_id_derived_workout(user: Any) -> None:
    cid = uuid.uuid4()
    entry = training.log_lift(user, "Goblet squat", "3x8@16kg", client_id=cid)
    assert entry.workout.uid == uuid.uuid5(training.ENTRY_WORKOUTS, str(cid))
    assert entry.client_id == cid


def _race(n: int, send: Callable[[], int]) -> list[int]:
    """Run ``send`` in ``n`` threads released at once; their status codes."""
    barrier = threading.Barrier(n)
    codes: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            codes.append(send())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return codes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_two_sends_at_the_same_moment_store_one(make_user: Any, kind: str) -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database takes one connection at a time ("table is locked"); on
        # a real SQLite file, BEGIN IMMEDIATE lets one writer in at a time anyway. The
        # savepoint path is tested on every engine by the next test; this one on PostgreSQL.
        pytest.skip("needs a database that takes concurrent connections (CI's PostgreSQL run)")
    user = make_user("racer")
    client = Client()
    client.force_login(user)
    url, data, count = _endpoints(user, client)[kind]
    if kind == "set":
        # No open workout: both sends must agree on one new workout, not make one each.
        Workout.objects.filter(user=user).update(day=date(2020, 1, 1))
    before = count(user)
    data = data | {"client_id": str(uuid.uuid4())}

    def send() -> int:
        mine = Client()
        mine.force_login(user)
        return mine.post(url, data, headers=QUEUE).status_code

    codes = _race(4, send)
    assert codes == [200] * 4
    assert count(user) == before + 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_twin_that_won_the_race_is_found_after_the_constraint_refuses(
    client_in: Client, user: Any, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race's loser: its first look finds nothing (the twin had not committed), its
    insert hits the unique constraint, and it answers with the twin's row."""
    url, data, count = _endpoints(user, client_in)[kind]
    data = data | {"client_id": str(uuid.uuid4())}
    assert client_in.post(url, data, headers=QUEUE).status_code == 200
    before = count(user)
    real_first = QuerySet.first
    blind = {"left": 1}

    def first_missing_once(self: QuerySet[Any]) -> Any:
        if blind["left"] and "client_id" in str(self.query):
            blind["left"] -= 1
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_missing_once)
    monkeypatch.setattr(
        QuerySet,
        "exists",
        lambda self: False if "client_id" in str(self.query) else QuerySet.count(self) > 0,
    )
    again = client_in.post(url, data, headers=QUEUE)
    assert blind["left"] == 0
    assert again.status_code == 200, again.content[:300]
    assert json.loads(again.content)["ok"] is True
    assert count(user) == before


def test_the_export_carries_client_ids_and_round_trips(make_user: Any) -> None:
    first = make_user("first")
    knot = _knot(first)
    ids = [uuid.uuid4() for _ in range(4)]
    journal.check_in(knot, pain=3, tz_name="Europe/Berlin", client_id=ids[0])
    from knotless.hydration import services as hydration

    hydration.log_drink(first, 250, client_id=ids[1])
    training.log_lift(first, "Goblet squat", "3x8@16kg", client_id=ids[2])
    from knotless.practice import services as practice

    practice.start(first, ROUTINE, before={}, client_id=ids[3])
    text = archive.dumps(archive.export_user(first))
    for cid in ids:
        assert str(cid) in text
    second = make_user("second")
    archive.import_user(second, archive.read(text))
    assert archive.dumps(archive.export_user(second)) == text
    assert Drink.objects.get(user=second).client_id == ids[1]
    # Importing the same file again (a merge) adds nothing, ids and all.
    report = archive.import_user(second, archive.read(text))
    assert report.total_added == 0


def test_the_page_that_made_an_entry_keeps_its_message_for_the_next_page(
    client_in: Client, user: Any
) -> None:
    knot = _knot(user)
    url = reverse("knot_checkin", args=[knot.pk])
    now = client_in.post(
        url,
        {"pain": "5", "next": "today", "client_id": str(uuid.uuid4())},
        headers={"X-Knotless-Queue": "now"},
    )
    assert json.loads(now.content) == {
        "ok": True,
        "message": "Checked in: 5/10.",
        "next": reverse("today"),
    }
    assert b"Checked in: 5/10." in client_in.get(reverse("today")).content
    # Sent in the background, the queue shows the words itself: the next page does not.
    client_in.post(url, {"pain": "4", "client_id": str(uuid.uuid4())}, headers=QUEUE)
    assert b"Checked in: 4/10." not in client_in.get(reverse("today")).content
    # Refused just now, the page posts the form again, which says it once.
    client_in.post(
        url, {"pain": "12", "client_id": str(uuid.uuid4())}, headers={"X-Knotless-Queue": "now"}
    )
    assert b"Pain is a whole number" not in client_in.get(reverse("today")).content


def test_today_offers_the_quick_actions_without_javascript(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    page = client_in.get(reverse("today")).content.decode()
    assert f'action="{reverse("knot_checkin", args=[knot.pk])}"' in page
    assert page.count('name="pain" value=') == 11
    assert 'data-queue="check-in"' in page and 'data-queue="water"' in page
    assert "+ Glass of water" in page
    settings_of(user)
    cup = Vessel.objects.get(user=user, name="Glass")
    page = client_in.get(reverse("today")).content.decode()
    assert f'name="vessel" value="{cup.pk}"' in page
    client_in.post(reverse("water_log"), {"vessel": str(cup.pk), "next": "today"})
    assert Drink.objects.get(user=user).ml == cup.ml


def test_a_first_time_lift_sent_later_from_the_queue_is_stored_not_refused(
    client_in: Client, user: Any
) -> None:
    """Logged offline at the gym: the sets were done already, so the first-time checklist page
    (which a form online shows before storing) must not turn the queued entry away."""
    cid = str(uuid.uuid4())
    data = {"exercise": "Romanian deadlift", "sets": "3x8@40kg", "client_id": cid}
    answer = client_in.post(reverse("training_lift"), data, headers=QUEUE)
    assert answer.status_code == 200, answer.content[:300]
    assert json.loads(answer.content)["ok"] is True
    assert Entry.objects.filter(client_id=cid).count() == 1
    # Online, the same first time still shows the checklist before storing anything.
    online = client_in.post(reverse("training_lift"), {"exercise": "Deadlift", "sets": "2x8@60kg"})
    assert online.status_code == 200 and b"first" in online.content.lower()
    assert not Entry.objects.filter(slug="deadlift").exists()
