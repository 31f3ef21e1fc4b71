"""The share pages, the viewer and the manifest endpoint, through Django's test client."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.journal import services as journal
from knotless.sharing import links, services
from knotless.sharing.models import Share


def _knot(user: Any) -> Any:
    return journal.add_knot(
        user, region="back-of-neck", side="left", muscle="upper-trapezius", pain=6, tz_name="UTC"
    )


def _post_new(client: Client, knot: Any, **extra: str) -> Any:
    today = timezone.localdate()
    return client.post(
        reverse("share_new"),
        {
            "knots": [str(knot.pk)],
            "since": str(today - timedelta(days=30)),
            "until": str(today),
            "lifetime": "1d",
            **extra,
        },
    )


def _link(response: Any) -> str:
    found = re.search(r'<textarea id="shl-link"[^>]*>([^<]+)</textarea>', response.content.decode())
    assert found, "no link on the page"
    return found.group(1).replace("&amp;", "&")


def _manifest(link: str) -> str:
    return str(links.read_shlink(link)["url"]).removeprefix("http://testserver")


def test_it_shows_the_form_with_the_active_knots_ticked(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    page = client_in.get(reverse("share_new")).content.decode()
    assert f'value="{knot.pk}"' in page and "checked" in page
    assert "The link works for" in page


def test_it_makes_a_link_and_a_qr_code_shown_once(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    response = _post_new(client_in, knot)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<svg role="img" aria-label="QR code of the link"' in page
    link = _link(response)
    payload = links.read_shlink(link)
    share = Share.objects.get(user=user)
    assert payload["url"].endswith(f"/shared/{share.pk}/manifest")
    assert share.expires_at - share.created_at == timedelta(days=1)
    # The key is on this page, and nowhere on the server after it.
    assert payload["key"] not in share.content and payload["key"] not in str(share.__dict__)


def test_it_refuses_an_end_before_the_start(client_in: Client, user: Any) -> None:
    knot = _knot(user)
    today = timezone.localdate()
    response = _post_new(client_in, knot, since=str(today), until=str(today - timedelta(days=3)))
    assert "The end comes before the start." in response.content.decode()
    assert not Share.objects.exists()


def test_it_refuses_a_strangers_knot(client_in: Client, user: Any, stranger: Any) -> None:
    theirs = _knot(stranger)
    _knot(user)
    response = _post_new(client_in, theirs)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Share.objects.exists()


def test_the_manifest_answers_any_viewer_without_csrf_or_account(
    client_in: Client, user: Any
) -> None:
    link = _link(_post_new(client_in, _knot(user)))
    viewer = Client(enforce_csrf_checks=True)  # a fresh browser: no cookie, no token
    response = viewer.post(
        _manifest(link), json.dumps({"recipient": "Dr Physio"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"
    embedded = response.json()["files"][0]["embedded"]
    assert links.decrypt(embedded, links.read_shlink(link)["key"])["resourceType"] == "Bundle"
    preflight = viewer.options(_manifest(link))
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Headers"] == "content-type"
    assert viewer.get(_manifest(link)).status_code == 405


def test_the_manifest_refuses_bad_requests(client_in: Client, user: Any) -> None:
    url = _manifest(_link(_post_new(client_in, _knot(user))))
    viewer = Client()
    for body in ("", "not json", "[]", '{"recipient": ""}', '{"recipient": 3}'):
        assert viewer.post(url, body, content_type="application/json").status_code == 400, body
    bad = json.dumps({"recipient": "x", "passcode": 1234})
    assert viewer.post(url, bad, content_type="application/json").status_code == 400
    assert not Share.objects.get().accesses.exists()


def test_the_manifest_is_throttled(client_in: Client, user: Any) -> None:
    url = _manifest(_link(_post_new(client_in, _knot(user))))
    viewer = Client()
    body = json.dumps({"recipient": "flood"})
    codes = [viewer.post(url, body, content_type="application/json").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429


def test_the_shares_page_lists_every_access(client_in: Client, user: Any) -> None:
    link = _link(_post_new(client_in, _knot(user), passcode="let me in"))
    viewer = Client(REMOTE_ADDR="198.51.100.7")
    body = json.dumps({"recipient": "Physio Clinic North", "passcode": "nope"})
    assert viewer.post(_manifest(link), body, content_type="application/json").status_code == 401
    body = json.dumps({"recipient": "Physio Clinic North", "passcode": "let me in"})
    assert viewer.post(_manifest(link), body, content_type="application/json").status_code == 200
    page = client_in.get(reverse("shares")).content.decode()
    assert page.count("Physio Clinic North") == 2 and page.count("198.51.100.7") == 2
    assert "Refused: wrong passcode" in page and "Opened" in page
    assert "Withdraw now" in page


def test_withdraw_is_one_tap_and_the_link_stops(client_in: Client, user: Any) -> None:
    link = _link(_post_new(client_in, _knot(user)))
    share = Share.objects.get()
    response = client_in.post(reverse("share_revoke", args=[share.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("shares")
    body = json.dumps({"recipient": "Dr Physio"})
    assert Client().post(_manifest(link), body, content_type="application/json").status_code == 404
    assert "Withdrawn" in client_in.get(reverse("shares")).content.decode()


def test_a_strangers_share_id_is_404(client_in: Client, user: Any, stranger: Any) -> None:
    _post_new(client_in, _knot(user))
    share = Share.objects.get()
    theirs = Client()
    theirs.force_login(stranger)
    assert theirs.post(reverse("share_revoke", args=[share.pk])).status_code == 404
    assert theirs.post(reverse("share_revoke", args=[links.new_id()])).status_code == 404
    assert Share.objects.get().revoked_at is None
    assert "Physio" not in theirs.get(reverse("shares")).content.decode()
    assert share.label not in theirs.get(reverse("shares")).content.decode()


def test_the_viewer_is_open_to_anyone_under_the_strict_policy(db: None) -> None:
    response = Client().get(reverse("share_viewer"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # no inline script
    assert "share-viewer.js" in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_person_pages_need_a_sign_in(db: None) -> None:
    for name in ("shares", "share_new"):
        assert Client().get(reverse(name)).status_code == 302


def test_services_purge_is_called_on_reads(client_in: Client, user: Any) -> None:
    made = services.create(
        user,
        [_knot(user).pk],
        timezone.localdate(),
        timezone.localdate(),
        timedelta(hours=1),
        now=timezone.now() - timedelta(hours=2),
    )
    other = _link(_post_new(client_in, Share.objects.get().user.knots.first()))
    body = json.dumps({"recipient": "Dr Physio"})
    Client().post(_manifest(other), body, content_type="application/json")
    assert Share.objects.get(pk=made.share.pk).content == ""  # the expired one, emptied


def test_a_viewer_with_a_small_limit_gets_a_location_for_an_hour(
    client_in: Client, user: Any
) -> None:
    link = _link(_post_new(client_in, _knot(user)))
    key = links.read_shlink(link)["key"]
    viewer = Client()
    body = json.dumps({"recipient": "Small viewer", "embeddedLengthMax": 10})
    (file,) = viewer.post(_manifest(link), body, content_type="application/json").json()["files"]
    assert "embedded" not in file and file["location"].startswith("http://testserver/shared/file/")
    where = file["location"].removeprefix("http://testserver")
    got = viewer.get(where)
    assert got.status_code == 200 and got["Content-Type"] == "application/jose"
    assert got["Access-Control-Allow-Origin"] == "*"
    assert links.decrypt(got.content.decode(), key)["resourceType"] == "Bundle"
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert viewer.get(where).status_code == 404  # an hour at most, as the spec says
    services.revoke(Share.objects.get())
    assert viewer.get(where).status_code == 404  # and never once the share has ended
    assert viewer.get("/shared/file/forged-token").status_code == 404
    bad = json.dumps({"recipient": "x", "embeddedLengthMax": "10"})
    assert viewer.post(_manifest(link), bad, content_type="application/json").status_code == 400


@pytest.mark.parametrize("bad", ["%00", "a%00b", "x" * 44, "a.b"])
def test_a_malformed_share_id_is_no_share_on_every_database(client_in: Any, bad: str) -> None:
    """PostgreSQL refuses a NUL in text with an error: the id is checked before any query."""
    assert client_in.post(f"/account/shares/{bad}/withdraw/").status_code == 404
    answer = client_in.post(
        f"/shared/{bad}/manifest", data='{"recipient": "Dr A"}', content_type="application/json"
    )
    assert answer.status_code == 404


def test_a_recipient_with_a_nul_is_refused_in_words(client: Any, db: None) -> None:
    answer = client.post(
        "/shared/" + "a" * 43 + "/manifest",
        data='{"recipient": "Dr\\u0000A"}',
        content_type="application/json",
    )
    assert answer.status_code == 400
